"""Procedure diagrams: Mermaid and Graphviz dot text, SVG/PNG through Graphviz, and a built-in SVG.

Every label is translated and escaped for its format, so a procedure or matter name cannot
break out of a label (``"``, ``<script>``, ``|`` and ``#`` are all encoded). The ``pass`` arrow of
each step carries the rules that decide it ("≥2/3 of members present; >1/2 of present vote
yes"); the other arrows carry their route (no quorum, rejected, rounds exhausted, objection).

>>> from deliberation import load_procedure
>>> text = to_dot(load_procedure("four-deliberations"), lang="en", highlight="review")
>>> 'label="≥2/3 of members present; >1/2 of present vote yes"' in text
True
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from html import escape as _xml_escape
from typing import Any, Final

from deliberation.definition.item_words import items_summary
from deliberation.definition.model import Outcome, OutcomeKind, Procedure
from deliberation.errors import DeliberationError
from deliberation.i18n import _
from deliberation.roster import Roster
from deliberation.safetext import printable
from deliberation.trainer.catalog import ui
from deliberation.trainer.steps import ProcedureView, RouteView, StepView, build_view

FORMATS: Final = ("mermaid", "dot", "svg", "png")

_FONTS: Final = (
    "WenQuanYi Micro Hei, Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, "
    "sans-serif"
)
_OUTCOME_FILL: Final = {
    OutcomeKind.SUCCESS: "#d3f9d8",
    OutcomeKind.FAILURE: "#ffe3e3",
    OutcomeKind.WITHDRAWN: "#e9ecef",
    OutcomeKind.LAPSED: "#fff3bf",
}


class GraphvizMissing(DeliberationError):
    """SVG or PNG output was asked for but Graphviz's ``dot`` program is not installed."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Graphviz's 'dot' program was not found, so SVG/PNG cannot be made. Install "
                "Graphviz (Debian: apt-get install graphviz) or use --format mermaid/dot.",
            )
        )


class UnknownStage(DeliberationError):
    """``--highlight`` named a stage the procedure does not have."""


def _view(
    procedure: Procedure | ProcedureView,
    overrides: Mapping[str, Any] | None = None,
    roster: Roster | None = None,
    highlight: str | None = None,
) -> ProcedureView:
    """The view to draw (built unless given), once ``highlight`` is known to name one of its
    stages or outcomes."""
    view = (procedure if isinstance(procedure, ProcedureView)
            else build_view(procedure, overrides, roster))
    check_highlight(view, highlight)
    return view


def check_highlight(view: ProcedureView, highlight: str | None) -> None:
    """Raise :class:`UnknownStage` (listing them) unless ``highlight`` is a stage or outcome."""
    if highlight is None:
        return
    known = [s.id for s in view.steps] + [o.id for o in view.outcomes]
    if highlight not in known:
        ids = ", ".join(known)
        raise UnknownStage(
            _(
                "no stage {highlight!r} in this procedure; choose one of: {ids}",
            ).format(highlight=highlight, ids=ids)
        )


def step_label(step: StepView, lang: str) -> list[str]:
    """The lines of a step's box: number and name, the acting body, a skip note."""
    lines = [f"{step.number}. {step.name.get(lang)}", step.body.name.get(lang)]
    if step.stage.max_rounds is not None:
        lines.append(ui("max-rounds").format(n=step.stage.max_rounds).get(lang))
    if step.stage.items:
        lines.append(items_summary(step.stage).get(lang))
    for group in step.elects:  # a group the meeting creates
        lines.append(_("elects the {group}").format(group=group.name).get(lang))
    if step.gate is not None:
        lines.append(step.gate.get(lang))
    if step.skip_setting is not None:
        lines.append(ui("skip-when").format(id=f"`{step.skip_setting.id}`").get(lang))
    if step.required is not None:
        lines.append(step.required.get(lang))
    return lines


def route_text(view: ProcedureView, route: RouteView, lang: str) -> str:
    """The label of a non-``pass`` arrow, e.g. ``no quorum: reconvene``."""
    if route.kind == "reconvene":
        sep = ": " if lang == "en" else ":"
        return f"{route.label.get(lang)}{sep}{view.route_target(route).get(lang)}"
    return route.label.get(lang)


def _edges(view: ProcedureView, lang: str) -> list[tuple[str, str, str, str]]:
    """``(from, to, label, kind)`` for every arrow; ``to`` is a stage or outcome id."""
    out = []
    for step in view.steps:
        for r in step.routes:
            if r.key == "pass":
                out.append((step.id, r.target, view.transition_summary(step).get(lang), "pass"))
            else:
                to = step.id if r.kind == "reconvene" else r.target
                out.append((step.id, to, route_text(view, r, lang), r.key))
    return out


def shown_outcomes(view: ProcedureView) -> list[Outcome]:
    """Outcomes a diagram draws: those some route reaches, and the withdrawal outcome."""
    reached = {r.target for s in view.steps for r in s.routes if r.kind == "outcome"}
    wd = view.procedure.withdrawal
    if wd is not None:
        reached.add(wd.outcome)
    return [o for o in view.outcomes if o.id in reached]


def withdrawal_note(view: ProcedureView, lang: str) -> str | None:
    """E.g. ``withdrawal before 6. resolution``, or ``None`` when the procedure has none."""
    wd = view.procedure.withdrawal
    if wd is None or wd.outcome not in view.procedure.outcomes:
        return None
    if wd.until is None:
        return WITHDRAWAL.get(lang)
    try:
        step = view.step(wd.until)
    except KeyError:
        return WITHDRAWAL.get(lang)
    name = f"{step.number}. {step.name.get(lang)}"
    return WITHDRAWAL_UNTIL.format(step=name).get(lang)


WITHDRAWAL: Final = _("withdrawn by the proposers")
WITHDRAWAL_UNTIL: Final = _("withdrawal before {step}")


def _node_ids(view: ProcedureView) -> dict[str, str]:
    # Ids of our own making: stage ids are safe ASCII already, but a diagram should not depend
    # on that (and Mermaid reserves words like "end").
    ids = {s.id: f"s{s.number}" for s in view.steps}
    ids.update({o.id: f"o{i + 1}" for i, o in enumerate(view.outcomes)})
    return ids


# -- Mermaid ------------------------------------------------------------------------------------

_MERMAID_ESCAPES: Final = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "|": "#124;",
    "`": "#96;",
    "\n": " ",
    "\r": " ",
    # %%{init: …}%% directives and %% comments are read anywhere in the text; braces close
    # a node shape
    "%": "#37;",
    "{": "#123;",
    "}": "#125;",
}


def mermaid_escape(text: str) -> str:
    """Text safe inside a quoted Mermaid label (entity codes for every special character).

    >>> mermaid_escape('<script>"x"</script>')
    '#lt;script#gt;#quot;x#quot;#lt;/script#gt;'
    """
    return "".join(_MERMAID_ESCAPES.get(c, c) for c in printable(text))


def to_mermaid(
    procedure: Procedure | ProcedureView,
    lang: str = "zh-Hans",
    highlight: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> str:
    """A Mermaid ``flowchart`` of the procedure (renders on GitHub, GitLab, and mermaid.live)."""
    view = _view(procedure, overrides, highlight=highlight)
    ids = _node_ids(view)
    title = mermaid_escape(view.procedure.name.get(lang))
    lines = ["flowchart TD", f'    start(["{title}"])']
    for step in view.steps:
        label = "<br/>".join(mermaid_escape(x) for x in step_label(step, lang))
        lines.append(f'    {ids[step.id]}["{label}"]')
    outcomes = shown_outcomes(view)
    for o in outcomes:
        lines.append(f'    {ids[o.id]}(["{mermaid_escape(o.name.get(lang))}"])')
    if view.steps:
        lines.append(f"    start --> {ids[view.steps[0].id]}")
    note = withdrawal_note(view, lang)
    if note is not None and view.procedure.withdrawal is not None:
        lines.append(f'    withdrawal>"{mermaid_escape(note)}"]')
        lines.append(f"    withdrawal -.-> {ids[view.procedure.withdrawal.outcome]}")
    for src, dst, label, kind in _edges(view, lang):
        arrow = "-->" if kind == "pass" else "-.->"
        if label:
            lines.append(f'    {ids[src]} {arrow}|"{mermaid_escape(label)}"| {ids[dst]}')
        else:
            lines.append(f"    {ids[src]} {arrow} {ids[dst]}")
    lines.append("    classDef success fill:#d3f9d8,stroke:#2b8a3e")
    lines.append("    classDef failure fill:#ffe3e3,stroke:#c92a2a")
    lines.append("    classDef other fill:#e9ecef,stroke:#495057")
    lines.append("    classDef skippable stroke-dasharray:5 5")
    lines.append("    classDef current fill:#fff3b0,stroke:#e8590c,stroke-width:3px")
    for o in outcomes:
        cls = {OutcomeKind.SUCCESS: "success", OutcomeKind.FAILURE: "failure"}.get(o.kind, "other")
        lines.append(f"    class {ids[o.id]} {cls}")
    for step in view.steps:
        if step.skip_setting is not None:
            lines.append(f"    class {ids[step.id]} skippable")
    if highlight is not None:
        lines.append(f"    class {ids[highlight]} current")
    return "\n".join(lines) + "\n"


# -- Graphviz dot ---------------------------------------------------------------------------------


def dot_escape(text: str) -> str:
    """Text safe inside a double-quoted dot string (Graphviz escapes ``<``/``&`` in its SVG).

    >>> dot_escape('a "b" \\\\N')
    'a \\\\"b\\\\" \\\\\\\\N'
    """
    return (
        printable(text).replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\r", " ")
        .replace("\n", "\\n")
    )


def to_dot(
    procedure: Procedure | ProcedureView,
    lang: str = "zh-Hans",
    highlight: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> str:
    """A Graphviz ``digraph`` of the procedure (``dot -Tsvg`` draws it)."""
    view = _view(procedure, overrides, highlight=highlight)
    ids = _node_ids(view)
    title = dot_escape(view.procedure.name.get(lang))
    out = [
        "digraph procedure {",
        f'    graph [rankdir=TB, label="{title}", labelloc=t, fontsize=18, fontname="{_FONTS}"];',
        f'    node [shape=box, style="rounded,filled", fillcolor="#eef3fb", color="#1c4e80", '
        f'fontname="{_FONTS}", fontsize=12];',
        f'    edge [fontname="{_FONTS}", fontsize=10, color="#495057"];',
    ]
    for step in view.steps:
        label = dot_escape("\n".join(step_label(step, lang)))
        attrs_ = [f'label="{label}"']
        if step.skip_setting is not None:
            attrs_.append('style="rounded,filled,dashed"')
        if step.id == highlight:
            attrs_.append('fillcolor="#fff3b0", color="#e8590c", penwidth=3')
        out.append(f"    {ids[step.id]} [{', '.join(attrs_)}];")
    note = withdrawal_note(view, lang)
    if note is not None and view.procedure.withdrawal is not None:
        out.append(f'    withdrawal [label="{dot_escape(note)}", shape=note, fillcolor="#f8f9fa"];')
        out.append(f"    withdrawal -> {ids[view.procedure.withdrawal.outcome]} [style=dashed];")
    for o in shown_outcomes(view):
        fill = "#fff3b0" if o.id == highlight else _OUTCOME_FILL[o.kind]
        out.append(
            f'    {ids[o.id]} [label="{dot_escape(o.name.get(lang))}", shape=oval, '
            f'fillcolor="{fill}"];'
        )
    # Graphviz sets the labels of two loops on one box over each other: a step's repeats are
    # one loop, a label line each, drawn where the first of them would be.
    edges = list(_edges(view, lang))
    loops: dict[str, list[str]] = {}
    for src, dst, label, kind in edges:
        if src == dst and kind != "pass":
            loops.setdefault(src, []).append(dot_escape(label))
    for src, dst, label, kind in edges:
        if src == dst and kind != "pass":
            if src in loops:  # the step's first repeat: all of them, once
                text = "\\n".join(loops.pop(src))
                out.append(f'    {ids[src]} -> {ids[src]} [label="{text}", style=dashed];')
            continue
        if kind == "pass":
            extra = ", weight=10, penwidth=1.6"
        elif _is_back(view, src, dst):
            # a return to an earlier step must not pull the layout upwards
            extra = ', style=dashed, color="#c92a2a", constraint=false'
        else:
            extra = ", style=dashed"
        out.append(f'    {ids[src]} -> {ids[dst]} [label="{dot_escape(label)}"{extra}];')
    out.append("}")
    return "\n".join(out) + "\n"


def _is_back(view: ProcedureView, src: str, dst: str) -> bool:
    try:
        return view.step(dst).number <= view.step(src).number
    except KeyError:
        return False


def render_graphviz(dot_text: str, fmt: str, timeout: float = 60.0) -> bytes:
    """Run Graphviz ``dot -T<fmt>``; :class:`GraphvizMissing` when it is not installed."""
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizMissing()
    try:
        done = subprocess.run(
            [exe, f"-T{fmt}"], input=dot_text.encode("utf-8"), capture_output=True,
            timeout=timeout, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise DeliberationError(
            _("Graphviz failed: {err}").format(err=err)
        ) from None
    if done.returncode != 0:
        msg = done.stderr.decode("utf-8", "replace").strip()
        raise DeliberationError(
            _("Graphviz failed: {msg}").format(msg=msg)
        )
    return done.stdout


# -- built-in SVG (no Graphviz) ------------------------------------------------------------------


def text_width(text: str, size: float) -> float:
    """Approximate rendered width: CJK and full-width characters are square, others ~0.6 em."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.6 for c in text)


def _esc(text: str) -> str:
    return _xml_escape(text, quote=True)


def _svg_text(text: str) -> str:
    """``text`` escaped, an id written as code (`` `like-this` ``) in a monospace span, as the
    page shows it: an SVG has no code formatting, and backticks are noise on a slide.

    >>> _svg_text("设置 `a<b` 为是时")
    '设置 <tspan font-family="monospace">a&lt;b</tspan> 为是时'
    """
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: plain text
        return _esc(text)
    return "".join(f'<tspan font-family="monospace">{_esc(p)}</tspan>' if i % 2 else _esc(p)
                   for i, p in enumerate(parts))


def to_svg(
    procedure: Procedure | ProcedureView,
    lang: str = "zh-Hans",
    highlight: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    element_id: str | None = None,
) -> str:
    """A self-contained SVG drawn in Python: a vertical flow of step boxes with arrows.

    The ``pass`` arrow runs down between boxes with the deciding rules beside it; routes to an
    outcome or to ``reconvene`` leave a box to the right; returns to an earlier step curve up on
    the left. Each step is a ``<g class="step" data-stage="ID">`` so a page can highlight it.
    """
    view = _view(procedure, overrides, highlight=highlight)
    fs, small = 14.0, 11.0
    line_h, pad = 18.0, 10.0

    box_lines = {s.id: step_label(s, lang) for s in view.steps}
    box_w = max([200.0] + [text_width(x, fs) + 2 * pad for ls in box_lines.values() for x in ls])
    success = [o for o in view.outcomes if o.kind is OutcomeKind.SUCCESS]

    # Back-edges (to an earlier or the same step by a route other than reconvene) get a lane each.
    backs: list[tuple[StepView, RouteView]] = []
    side: dict[str, list[RouteView]] = {}
    for step in view.steps:
        side[step.id] = []
        for r in step.routes:
            if r.key == "pass":
                continue
            if r.kind == "stage" and _is_back(view, step.id, r.target):
                backs.append((step, r))
            else:
                side[step.id].append(r)
    back_labels = [f"{route_text(view, r, lang)} → {view.route_target(r).get(lang)}"
                   for _, r in backs]
    lane_w = 16.0
    label_w = max([0.0] + [text_width(t, small) + 8 for t in back_labels])
    box_x = 16.0 + lane_w * len(backs) + label_w + 12
    cx = box_x + box_w / 2

    pass_labels = {s.id: view.transition_summary(s).get(lang) for s in view.steps}
    gap = 64.0
    title = view.procedure.name.get(lang)
    y = 48.0
    pos: dict[str, tuple[float, float]] = {}  # top y, height
    for step in view.steps:
        rows = max(len(box_lines[step.id]), len(side[step.id]))
        h = max(rows, 2) * line_h + 2 * pad
        pos[step.id] = (y, h)
        y += h + gap
    out_h = 40.0
    succ_y = y

    side_x = box_x + box_w + 26
    side_w = max(
        [0.0]
        + [text_width(r.label.get(lang), small) + 24
           + text_width(view.route_target(r).get(lang), fs - 2) + 2 * pad
           for rs in side.values() for r in rs]
    )
    pass_w = max([0.0] + [text_width(t, small) for t in pass_labels.values()])
    width = max(side_x + side_w, cx + 10 + pass_w, text_width(title, 18) + 32) + 16
    height = succ_y + (out_h if success else 0) + 24

    css_id = f' id="{_esc(element_id)}"' if element_id else ""
    # Several diagrams may share one page: the marker id must be unique to each.
    arrow = f"{element_id}-arrow" if element_id else "arrow"
    arrow_ref = _esc(arrow)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg"{css_id} class="procedure-diagram" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'role="img" aria-label="{_esc(title)}" font-family="{_esc(_FONTS)}">',
        f'<defs><marker id="{arrow_ref}" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#495057"/></marker></defs>',
        '<text x="16" y="28" font-size="18" font-weight="bold" fill="#1c4e80">'
        f"{_esc(title)}</text>",
    ]
    # boxes and their side routes
    for step in view.steps:
        top, h = pos[step.id]
        cls = "step current" if step.id == highlight else "step"
        dash = ' stroke-dasharray="6 4"' if step.skip_setting is not None else ""
        parts.append(f'<g class="{cls}" data-stage="{_esc(step.id)}">')
        parts.append(
            f'<rect x="{box_x:.1f}" y="{top:.1f}" width="{box_w:.1f}" height="{h:.1f}" rx="8" '
            f'class="box"{dash}/>'
        )
        lines = box_lines[step.id]
        ty = top + pad + (h - 2 * pad - len(lines) * line_h) / 2 + line_h - 4
        for i, text in enumerate(lines):
            weight = ' font-weight="bold"' if i == 0 else ""
            size = fs if i < 2 else small
            parts.append(
                f'<text x="{cx:.1f}" y="{ty + i * line_h:.1f}" text-anchor="middle" '
                f'font-size="{size:.0f}"{weight}>{_svg_text(text)}</text>'
            )
        parts.append("</g>")
        for j, r in enumerate(side[step.id]):
            slack = (h - 2 * pad - len(side[step.id]) * line_h) / 2
            ry = top + pad + j * line_h + line_h / 2 + slack
            label = r.label.get(lang)  # the pill beside it names the target
            lx = side_x + text_width(label, small) + 10
            parts.append(
                f'<path d="M{box_x + box_w:.1f},{ry:.1f} L{lx - 2:.1f},{ry:.1f}" class="route" '
                f'stroke="#868e96" stroke-dasharray="4 3" fill="none" '
                f'marker-end="url(#{arrow_ref})"/>'
            )
            parts.append(
                f'<text x="{side_x:.1f}" y="{ry - 3:.1f}" font-size="{small:.0f}" '
                f'fill="#495057">{_esc(label)}</text>'
            )
            name = view.route_target(r).get(lang)
            if r.kind == "outcome":
                kind = view.outcome(r.target).kind
                fill = _OUTCOME_FILL[kind]
            else:
                fill = "#f1f3f5"
            tw = text_width(name, fs - 2) + 2 * pad
            pill_cls = "outcome current" if r.target == highlight else "outcome"
            parts.append(
                f'<g class="{pill_cls}" data-outcome="{_esc(r.target)}"><rect x="{lx:.1f}" '
                f'y="{ry - 10:.1f}" width="{tw:.1f}" height="20" rx="10" fill="{fill}" '
                f'stroke="#868e96"/><text x="{lx + pad:.1f}" y="{ry + 4:.1f}" '
                f'font-size="{fs - 2:.0f}">{_esc(name)}</text></g>'
            )
    # pass arrows with the deciding rules
    for i, step in enumerate(view.steps):
        top, h = pos[step.id]
        y0 = top + h
        y1 = succ_y if i + 1 == len(view.steps) else pos[view.steps[i + 1].id][0]
        target = next((r for r in step.routes if r.key == "pass"), None)
        if target is None or (target.kind == "stage" and i + 1 < len(view.steps)
                              and target.target != view.steps[i + 1].id):
            continue  # a pass that jumps elsewhere is drawn as a side route instead
        parts.append(
            f'<path d="M{cx:.1f},{y0:.1f} L{cx:.1f},{y1 - 1:.1f}" stroke="#1c4e80" '
            f'stroke-width="1.6" fill="none" marker-end="url(#{arrow_ref})" class="pass"/>'
        )
        if pass_labels[step.id]:
            parts.append(
                f'<text x="{cx + 10:.1f}" y="{(y0 + y1) / 2 + 4:.1f}" font-size="{small:.0f}" '
                f'fill="#1c4e80" class="rule-summary">{_esc(pass_labels[step.id])}</text>'
            )
    # back-edges on the left, one lane each
    for k, ((step, r), label) in enumerate(zip(backs, back_labels, strict=True)):
        top, h = pos[step.id]
        t_top, t_h = pos[r.target]
        lane = 16.0 + lane_w * k + lane_w / 2
        ys = top + h * 0.7
        yt = t_top + t_h * 0.3 if r.target != step.id else top + h * 0.3
        parts.append(
            f'<path d="M{box_x:.1f},{ys:.1f} L{lane:.1f},{ys:.1f} L{lane:.1f},{yt:.1f} '
            f'L{box_x - 1:.1f},{yt:.1f}" stroke="#c92a2a" stroke-dasharray="5 3" fill="none" '
            f'marker-end="url(#{arrow_ref})" class="back"/>'
        )
        parts.append(
            f'<text x="{box_x - 6:.1f}" y="{ys - 4:.1f}" text-anchor="end" font-size="{small:.0f}" '
            f'fill="#c92a2a">{_esc(label)}</text>'
        )
    for o in success:
        name = o.name.get(lang)
        ow = max(text_width(name, fs) + 4 * pad, 140.0)
        cls = "outcome current" if o.id == highlight else "outcome"
        parts.append(
            f'<g class="{cls}" data-outcome="{_esc(o.id)}"><rect x="{cx - ow / 2:.1f}" '
            f'y="{succ_y:.1f}" width="{ow:.1f}" height="{out_h - 8:.1f}" rx="16" '
            f'fill="{_OUTCOME_FILL[o.kind]}" stroke="#2b8a3e"/><text x="{cx:.1f}" '
            f'y="{succ_y + 21:.1f}" text-anchor="middle" font-size="{fs:.0f}" font-weight="bold">'
            f"{_esc(name)}</text></g>"
        )
    parts.append(
        "<style>.step .box{fill:#eef3fb;stroke:#1c4e80;stroke-width:1.5}"
        ".step.current .box{fill:#fff3b0;stroke:#e8590c;stroke-width:3}"
        ".outcome.current rect{stroke:#e8590c;stroke-width:3}</style>"
    )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def render(
    procedure: Procedure,
    fmt: str,
    lang: str = "zh-Hans",
    highlight: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    engine: str = "graphviz",
) -> bytes:
    """The diagram in ``fmt`` (:data:`FORMATS`) as bytes; SVG may use the ``builtin`` engine."""
    view = build_view(procedure, overrides)
    if fmt == "mermaid":
        return to_mermaid(view, lang, highlight).encode("utf-8")
    if fmt == "dot":
        return to_dot(view, lang, highlight).encode("utf-8")
    if fmt == "svg" and engine == "builtin":
        return to_svg(view, lang, highlight).encode("utf-8")
    if fmt in ("svg", "png"):
        return render_graphviz(to_dot(view, lang, highlight), fmt)
    raise DeliberationError(
        _("unknown format {fmt!r}; choose one of {value}").format(fmt=fmt, value=', '.join(FORMATS))
    )
