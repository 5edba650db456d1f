"""Paths as text, JSON data or a Mermaid flowchart, in zh-Hans, zh-Hant or en.

Each group is named by where and why it ends — the stage, what happened there, the rule that
decided it (in the rule's own words, :meth:`Rule.describe`), the route and the outcome — with
its number of paths and its simplest path, summarised by what failed how often.

>>> from deliberation import load_procedure
>>> from deliberation.analysis.paths import derive_paths
>>> a = derive_paths(load_procedure("four-deliberations"))
>>> text = to_text(a, "en")
>>> "simplest: review rejected 3 times → rejected" in text
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from deliberation.analysis.paths import SKIP, WITHDRAW, Ending, PathAnalysis, PathGroup, Step
from deliberation.definition.wording import code
from deliberation.engine.plan import plan_for
from deliberation.i18n import Text, _, _p
from deliberation.trainer.catalog import route_label
from deliberation.trainer.diagram import mermaid_escape

if TYPE_CHECKING:
    from deliberation.analysis.paths_sim import GroupShares

FORMATS: Final = ("text", "json", "mermaid")

W: Final[dict[str, Text]] = {
    "title": _("{name}: every path from opening to each outcome"),
    "total": _("{total} paths in {groups} groups (by where and why they end)"),
    "settings": _("settings: {settings}"),
    "count": _("{count} path(s), {low}–{high} steps"),
    "simplest": _("simplest: {summary}"),
    "straight": _("straight through"),
    "rounds": _(" ({n} rounds held)"),
    "withdraw": _("withdrawn"),
    "skip": _("merged away by a setting"),
    "loops": _(
        "Repeats the definition does not bound (each may happen any number of times; not counted "
        "as paths):",
    ),
    "supervision": _(
        "Also: the supervision committee may object at any step, and its answer may send the case "
        "back to that or any earlier step (not counted as paths).",
    ),
    "times": _("{stage} {result} {n} times"),
    "once": _("{stage} {result}"),
    "p": _("P = {p:.4f} (95% CI {low:.4f}–{high:.4f})"),
    "p-none": _("withdrawal is not simulated"),
    "sim": _("simulated: {runs} runs, seed {seed}"),
    "unmatched": _(
        "Simulated endings that are no path of the definition (the simulator's own caps):",
    ),
    "start": _p("analysis.paths_render:start", "opened"),
}

# How a result reads in the simplest-path summary ("review rejected 3 times").
RESULT_WORDS: Final[dict[str, Text]] = {
    "no_quorum": _("without quorum"),
    "rejected": _("rejected"),
    "declined": _("declined"),
    "unresolved": _("unresolved"),
    "objection": _("objected to"),
    "deadline": _("past its deadline"),
    WITHDRAW: _p("analysis.paths_render", "withdrawn"),
}


def _result_label(result: str) -> Text:
    if result == WITHDRAW:
        return W["withdraw"]
    if result == SKIP:
        return W["skip"]
    return route_label(result)


class _Names:
    """Stage, outcome and rule names of one analysis (rules by label, in their own words)."""

    def __init__(self, analysis: PathAnalysis) -> None:
        self.procedure = analysis.procedure
        plan = plan_for(analysis.procedure, analysis.settings)
        self.rules: dict[tuple[str, str], tuple[Text, Text]] = {}
        for sp in plan.stages.values():
            for rule in sp.rules:
                self.rules[(sp.id, rule.id)] = (
                    rule.type.label, rule.describe(self.procedure.channels).summary)

    def stage(self, stage_id: str) -> Text:
        return self.procedure.stage(stage_id).name

    def target(self, target: str) -> Text:
        if target in self.procedure.outcomes:
            return self.procedure.outcomes[target].name
        return self.stage(target)

    def rule(self, stage: str, rule: str | None, lang: str) -> str:
        if rule is None:
            return ""
        said = self.rules.get((stage, rule))
        if said is None:  # not a rule of the stage as configured: its id, as code
            return f"〔{code(rule)}〕" if lang != "en" else f" [{rule}]"
        label, words = (s.get(lang) for s in said)
        return f"〔{label}:{words}〕" if lang != "en" else f" [{label}: {words}]"


def title(names: _Names, ending: Ending, lang: str) -> str:
    """``review: rejected [approval: …] → rounds exhausted (3 rounds held) → rejected``."""
    stage = names.stage(ending.stage).get(lang)
    colon = ": " if lang == "en" else ":"
    parts = [f"{stage}{colon}{_result_label(ending.result).get(lang)}"
             f"{names.rule(ending.stage, ending.rule, lang)}"]
    if ending.route not in (ending.result, "pass"):
        route = route_label(ending.route).get(lang)
        cap = names.procedure.stage(ending.stage).max_rounds
        if ending.route == "max_rounds" and cap is not None:
            route += W["rounds"].format(n=cap).get(lang)
        parts.append(route)
    parts.append(names.target(ending.outcome).get(lang))
    return " → ".join(parts)


def summary(names: _Names, path: tuple[Step, ...], lang: str) -> str:
    """What failed how often on ``path``, then its outcome: ``review rejected 3 times →
    rejected``; a path with no failure is ``straight through``."""
    tally: dict[tuple[str, str], int] = {}
    for step in path:
        if step.result not in ("pass", SKIP):
            tally[(step.stage, step.result)] = tally.get((step.stage, step.result), 0) + 1
    words = []
    for (stage, result), n in tally.items():
        key = "times" if n > 1 else "once"
        label = RESULT_WORDS.get(result, _result_label(result))
        words.append(W[key].format(stage=names.stage(stage).get(lang),
                                   result=label.get(lang), n=n).get(lang))
    sep = ", " if lang == "en" else ","
    head = sep.join(words) if words else W["straight"].get(lang)
    return f"{head} → {names.target(path[-1].to).get(lang)}"


def _share_text(shares: GroupShares | None, group: PathGroup, lang: str) -> str | None:
    if shares is None:
        return None
    if group.ending.result == WITHDRAW:
        return W["p-none"].get(lang)
    p, low, high = shares.share(group.ending)
    return W["p"].format(p=p, low=low, high=high).get(lang)


def to_text(analysis: PathAnalysis, lang: str, shares: GroupShares | None = None) -> str:
    """The analysis for people: a heading, one block per group, the unbounded repeats."""
    names = _Names(analysis)
    proc = analysis.procedure
    lines = [W["title"].format(name=proc.name.get(lang)).get(lang),
             W["total"].format(total=analysis.total, groups=len(analysis.groups)).get(lang)]
    if analysis.settings:
        lines.append(W["settings"].format(settings=_settings(analysis.settings)).get(lang))
    if shares is not None:
        lines.append(W["sim"].format(runs=shares.runs, seed=shares.seed).get(lang))
    for i, g in enumerate(analysis.groups, 1):
        lines.append("")
        lines.append(f"{i}. {title(names, g.ending, lang)}")
        lines.append("   " + W["count"].format(count=g.count, low=g.shortest,
                                               high=g.longest).get(lang))
        lines.append("   " + W["simplest"].format(summary=summary(names, g.simplest, lang))
                     .get(lang))
        share = _share_text(shares, g, lang)
        if share is not None:
            lines.append("   " + share)
    if analysis.loops:
        lines += ["", W["loops"].get(lang)]
        for loop in analysis.loops:
            what = _result_label(loop.result).get(lang) + names.rule(loop.stage, loop.rule, lang)
            colon = ": " if lang == "en" else ":"
            lines.append(f"  - {names.stage(loop.stage).get(lang)}{colon}{what} → "
                         f"{names.target(loop.to).get(lang)}")
    if proc.supervision is not None:
        lines += ["", W["supervision"].get(lang)]
    if shares is not None and shares.unmatched:
        lines += ["", W["unmatched"].get(lang)]
        for stage, route, rule, outcome, k in shares.unmatched:
            p, low, high = shares.share_of(k)
            lines.append(f"  - {names.stage(stage).get(lang)} · {route_label(route).get(lang)}"
                         f"{names.rule(stage, rule or None, lang)} → "
                         f"{names.target(outcome).get(lang)}: "
                         + W["p"].format(p=p, low=low, high=high).get(lang))
    return "\n".join(lines)


def _settings(settings: Mapping[str, Any]) -> str:
    def value(v: Any) -> str:  # as a setting is written: --setting id=true
        return ("true" if v else "false") if isinstance(v, bool) else str(v)

    return ", ".join(f"{k}={value(v)}" for k, v in sorted(settings.items()))


def to_data(analysis: PathAnalysis, shares: GroupShares | None = None) -> dict[str, Any]:
    """The analysis as plain JSON-ready data; every label in the three languages."""
    names = _Names(analysis)
    proc = analysis.procedure

    def texts(fn: Any) -> dict[str, str]:
        return {lang: fn(lang) for lang in ("zh-Hans", "zh-Hant", "en")}

    groups = []
    for g in analysis.groups:
        e = g.ending
        item: dict[str, Any] = {
            "stage": e.stage, "result": e.result, "route": e.route, "rule": e.rule,
            "outcome": e.outcome, "outcome_kind": proc.outcomes[e.outcome].kind.value,
            "paths": g.count, "min_steps": g.shortest, "max_steps": g.longest,
            "title": texts(lambda lang, e=e: title(names, e, lang)),
            "simplest_summary": texts(lambda lang, g=g: summary(names, g.simplest, lang)),
            "simplest": [s.to_data() for s in g.simplest],
        }
        if shares is not None and e.result != WITHDRAW:
            p, low, high = shares.share(e)
            item["simulated"] = {"runs": shares.counts.get(e, 0), "p": p, "ci_low": low,
                                 "ci_high": high}
        groups.append(item)
    data: dict[str, Any] = {
        "procedure": proc.id, "version": proc.version,
        "settings": {k: str(v) if not isinstance(v, bool | int) else v
                     for k, v in sorted(analysis.settings.items())},
        "paths": analysis.total, "groups": groups,
        "loops": [{"stage": lp.stage, "result": lp.result, "to": lp.to, "rule": lp.rule}
                  for lp in analysis.loops],
        "supervision_redo": proc.supervision is not None,
    }
    if shares is not None:
        data["simulation"] = {
            "runs": shares.runs, "seed": shares.seed,
            "unmatched": [{"stage": s, "route": r, "rule": ru or None, "outcome": o, "runs": k}
                          for s, r, ru, o, k in shares.unmatched],
        }
    return data


def to_mermaid(analysis: PathAnalysis, lang: str, shares: GroupShares | None = None) -> str:
    """A flowchart: opening → one node per group (with its count) → its outcome."""
    names = _Names(analysis)
    proc = analysis.procedure
    lines = ["flowchart LR", f'    start(["{mermaid_escape(proc.name.get(lang))}"])']
    outcome_ids = {o: f"o{i}" for i, o in enumerate(proc.outcomes, 1)}
    used = {g.ending.outcome for g in analysis.groups}
    for o, node in outcome_ids.items():
        if o in used:
            lines.append(f'    {node}(["{mermaid_escape(names.target(o).get(lang))}"])')
    for i, g in enumerate(analysis.groups, 1):
        label = mermaid_escape(title(names, g.ending, lang))
        count = W["count"].format(count=g.count, low=g.shortest, high=g.longest).get(lang)
        share = _share_text(shares, g, lang)
        edge = mermaid_escape(count + ("; " + share if share else ""))
        lines.append(f'    g{i}["{label}"]')
        lines.append(f'    start -->|"{edge}"| g{i}')
        lines.append(f"    g{i} --> {outcome_ids[g.ending.outcome]}")
    return "\n".join(lines) + "\n"
