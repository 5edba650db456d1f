"""A self-contained HTML page for trainers: works offline, prints as a handout.

Everything is inlined: the CSS, the script, the diagram (SVG drawn in Python, one per language,
so no Graphviz is needed) and the procedure in all three languages as JSON. The page has a
step-by-step mode (back / next), a language switch (简 / 繁 / EN) done client-side, and a "try it"
panel computing each rule on entered numbers with the library's integer arithmetic.

The page is drawn from the ``trainer.html`` template with autoescaping, so user text (procedure
labels, matter title) is text in the static parts; the JSON is escaped so that it cannot close
its ``<script>`` element; the script writes text with ``textContent`` only.

>>> from deliberation import load_procedure
>>> page = build_page(load_procedure("four-deliberations"), matter="<b>修村道</b>")
>>> "<b>修村道</b>" in page, "&lt;b&gt;修村道&lt;/b&gt;" in page
(False, True)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from typing import Any, Final

from markupsafe import Markup

from deliberation.definition.item_words import items_summary
from deliberation.definition.model import Procedure
from deliberation.definition.wording import code
from deliberation.i18n import DEFAULT_LANG, LANGS, _, check_lang
from deliberation.roster import Roster
from deliberation.templating import render
from deliberation.trainer.catalog import UI, ui
from deliberation.trainer.diagram import route_text, to_svg, withdrawal_note
from deliberation.trainer.steps import (
    ProcedureView,
    StepView,
    basis_line,
    build_view,
    setting_line,
)

# Offline by construction: the page may load nothing from anywhere, only run what it inlines.
CSP: Final = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
)
NOSCRIPT_CSS: Final = ".handout { display: block; } .interactive, .try { display: none; }"
LANG_BUTTONS: Final = {"zh-Hans": "简", "zh-Hant": "繁", "en": "EN"}
MATTER: Final = _("Matter: {matter}")
EXTRA_UI: Final = {
    "invalid": _("enter a whole number, 0 or more"),
}


def _asset(name: str) -> str:
    return (resources.files("deliberation.trainer") / "assets" / name).read_text(encoding="utf-8")


def json_for_script(data: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``: no ``<``, ``>``, ``&``.

    >>> json_for_script({"t": "</script><script>x()</script>"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ex()\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _step_extra(step: StepView, lang: str) -> str:
    parts = []
    if step.stage.max_rounds is not None:
        parts.append(ui("max-rounds").format(n=step.stage.max_rounds).get(lang))
    if step.stage.items:
        parts.append(items_summary(step.stage).get(lang))
    if step.gate is not None:
        parts.append(step.gate.get(lang))
    if step.skip_setting is not None:
        parts.append(ui("skip-when").format(id=code(step.skip_setting.id)).get(lang))
    if step.required is not None:
        parts.append(step.required.get(lang))
    return "; ".join(parts) if lang == "en" else ";".join(parts)


def _route_lines(view: ProcedureView, step: StepView, lang: str) -> list[str]:
    lines = []
    for r in step.routes:
        target = view.route_target(r).get(lang)
        if r.key == "pass":
            summary = view.transition_summary(step).get(lang)
            label = r.label.get(lang) + (f" ({summary})" if summary else "")
        else:
            label = route_text(view, r, lang) if r.kind != "reconvene" else r.label.get(lang)
        lines.append(f"{label} → {target}")
    return lines


def _step_text(view: ProcedureView, step: StepView, lang: str) -> dict[str, Any]:
    return {
        "number": step.number,
        "name": step.name.get(lang),
        "description": step.stage.description.get(lang) if step.stage.description else "",
        "actor": step.actor.get(lang),
        "action": step.action.get(lang),
        "extra": _step_extra(step, lang),
        "rules": [
            {
                "number": r.number,
                "label": r.label.get(lang),
                "summary": r.summary.get(lang),
                "detail": r.detail.get(lang),
                "basis": [basis_line(b, lang) for b in r.basis],
                "settings": [setting_line(s, lang) for s in r.settings],
            }
            for r in step.rules
        ],
        "records": [r.get(lang) for r in step.records],
        "basis": [basis_line(b, lang) for b in step.basis],
        "routes": _route_lines(view, step, lang),
    }


def _calc(step: StepView) -> dict[str, Any]:
    """The language-free part of a step: thresholds and the input fields they read."""
    # Where every member votes, "members present" and "voters present" are one number.
    alias = {"present_members": "present"} if not step.body.voters else {}
    fields: list[str] = []
    rules = []
    for r in step.rules:
        if not r.thresholds:
            continue
        rules.append({"number": r.number, "rule": r.rule,
                      "thresholds": [t.to_data() for t in r.thresholds]})
        for t in r.thresholds:
            for f in (t.total_field, t.count_field):
                f = alias.get(f, f)
                names = ("yes", "no", "abstain") if f == "votes_cast" else (f,)
                for n in names:
                    if n not in fields:
                        fields.append(n)
    if any(t.count_field == "yes" for r in step.rules for t in r.thresholds):
        for n in ("no", "abstain"):  # a vote has three answers; enter all of them
            if n not in fields:
                fields.append(n)
    sample = dict(step.sample)
    if step.sample:
        sample["population"] = step.sample.get("adults", 0)
        for r in step.rules:
            if r.rule == "consultation-coverage" and r.params.get("unit") == "household":
                sample["population"] = step.sample.get("households", 0)
    return {"id": step.id, "rules": rules, "fields": fields, "alias": alias, "sample": sample}


def page_data(
    view: ProcedureView, matter: str = "", default_lang: str = DEFAULT_LANG
) -> dict[str, Any]:
    """Everything the page's script needs, in the three languages."""
    strings = {**UI, **EXTRA_UI}
    text = {}
    for lang in LANGS:
        text[lang] = {
            "title": view.procedure.name.get(lang),
            "matter": MATTER.format(matter=matter).get(lang) if matter else "",
            "ui": {k: v.get(lang) for k, v in strings.items()},
            "steps": [_step_text(view, s, lang) for s in view.steps],
        }
    return {
        "defaultLang": check_lang(default_lang),
        "langs": list(LANGS),
        "text": text,
        "calc": [_calc(s) for s in view.steps],
    }


def _handout(view: ProcedureView, lang: str) -> dict[str, Any]:
    """Every step, statically, in one language (what is printed, and what shows without JS)."""
    return {
        "steps": [{"id": step.id, **_step_text(view, step, lang)} for step in view.steps],
        "labels": {k: ui(k).get(lang) for k in ("actor", "action", "rules", "records", "basis",
                                                 "routes")},
        "note": withdrawal_note(view, lang),
    }


def build_page(
    procedure: Procedure,
    lang: str = DEFAULT_LANG,
    matter: str = "",
    overrides: Mapping[str, Any] | None = None,
    roster: Roster | None = None,
) -> str:
    """The complete HTML page (a string); ``lang`` is the language it opens in."""
    lang = check_lang(lang)
    view = build_view(procedure, overrides, roster if roster is not None else Roster.generate())
    # Markup(): the page's own CSP, CSS and script, the SVG (escaped as it is drawn) and the JSON
    # (escaped for its <script> element) go in as they are; everything else is escaped.
    return render(
        "trainer.html",
        lang=lang,
        langs=LANGS,
        csp=Markup(CSP),
        title=view.procedure.name.get(lang),
        css=Markup(_asset("page.css")),
        script=Markup(_asset("page.js")),
        noscript_css=Markup(NOSCRIPT_CSS),
        procedure_name=view.procedure.name,
        procedure_id=view.procedure.id,
        procedure_version=view.procedure.version,
        matter=MATTER.format(matter=matter) if matter else None,
        ui={k: ui(k) for k in ("language", "print", "diagram", "steps", "back", "next", "try",
                               "generated")},
        buttons=LANG_BUTTONS,
        svgs={lg: Markup(to_svg(view, lg, element_id=f"diagram-{lg}")) for lg in LANGS},
        handouts={lg: _handout(view, lg) for lg in LANGS},
        data_json=Markup(json_for_script(page_data(view, matter, lang))),
    )
