"""The text of ``deliberation run``: a scenario's trace in the reader's language.

Each action is named as a clerk says it (提交书面动议, not ``motion``), each stage, outcome,
route, escalation level and item by the procedure's or the catalogs' name; an id appears only
as code (`…`), where a reader may type it back. ``run --json`` keeps the ids: that is data.

>>> from deliberation.engine.scenario import parse_scenario, run_scenario
>>> text = '''
... procedure: four-deliberations
... matter: 修村道
... roster: {generate: {}}
... actions:
...   - do: meeting
...     present: 2
... '''
>>> print(format_report(run_scenario(parse_scenario(text, "s.yaml")), "zh-Hans"))
四议两公开 — 修村道  (`s.yaml`)
#1 召开会议(第 6 行,2026-01-05): 接受 [未达法定人数] → 提议
最终状态:提议 (`proposal`)
"""

from __future__ import annotations

from typing import Final

from deliberation.definition.model import Procedure
from deliberation.definition.wording import code
from deliberation.engine.items import ITEM_RESULT
from deliberation.engine.machine import REDO_PREFIX
from deliberation.engine.scenario import ScenarioReport, StepResult
from deliberation.i18n import Text, Triple, _, _p
from deliberation.rules import RULES
from deliberation.trainer.catalog import route_label

# What each ``do:`` of a scenario file (deliberation.engine.scenario.ACTIONS) does, in words.
ACTION_NAMES: Final[dict[str, Text]] = {
    "motion": _p("run: a scenario action", "submit the written motion"),
    "notice": _p("run: a scenario action", "give the meeting notice"),
    "circulate": _p("run: a scenario action", "circulate the plan"),
    "meeting": _p("run: a scenario action", "hold the meeting"),
    "opinion": _p("run: a scenario action", "record a villager's opinion"),
    "opinions": _p("run: a scenario action", "record the villagers' opinions"),
    "close-consultation": _p("run: a scenario action", "close the consultation"),
    "post": _p("run: a scenario action", "post the disclosure"),
    "conclude": _p("run: a scenario action", "conclude the disclosure"),
    "objection": _p("run: a scenario action", "raise an objection"),
    "answer": _p("run: a scenario action", "answer the objection"),
    "villager-objection": _p("run: a scenario action", "lodge a villager's objection"),
    "reply": _p("run: a scenario action", "reply to a villager's objection"),
    "publish-result": _p("run: a scenario action", "publish a step's result"),
    "withdraw": _p("run: a scenario action", "withdraw the matter"),
    "order": _p("run: a scenario action", "record an order after adoption"),
    "check-deadlines": _p("run: a scenario action", "check the deadlines"),
    "task": _p("run: a scenario action", "record the task's result"),
    "rating": _p("run: a scenario action", "record a villager's rating"),
    "ratings": _p("run: a scenario action", "record the ratings"),
    "close-evaluation": _p("run: a scenario action", "close the evaluation"),
    "examine": _p("run: a scenario action", "examine the matter"),
    "authority-decision": _p("run: a scenario action", "record an authority's decision"),
    "note": _p("run: a scenario action", "add a note"),
    "wait": _p("run: a scenario action", "wait"),
}

_HEAD: Final = _("#{n} {action} (line {line}, {date}):")
_ACCEPTED: Final = _("accepted")
_REFUSED: Final = _("refused")
_ESCALATED: Final = _("escalated")
_FINAL: Final = _("final state")
_RULE: Final = _("rule")
_TOP: Final = _("none")
_BACK: Final = _("sent back to {stage}")
_COLON: Final = Triple(":", ":", ": ")  # as the case log writes it


def action_name(do: str) -> Text:
    """A scenario action in words; the ``do:`` word as code when it has no name."""
    return ACTION_NAMES.get(do) or Triple(code(do), code(do), code(do))


def _place(procedure: Procedure, state: str, lang: str) -> str:
    """A stage or an outcome by name; its id as code when the procedure does not name it."""
    if state in procedure.outcomes:
        return procedure.outcomes[state].name.get(lang)
    named = next((s.name for s in procedure.stages if s.id == state), None)
    return named.get(lang) if named is not None else code(state)


def _level(procedure: Procedure, level: object, lang: str) -> str:
    if level is None:
        return _TOP.get(lang)
    ladder = procedure.escalation.levels if procedure.escalation is not None else ()
    named = next((lv.name for lv in ladder if lv.id == level), None)
    return named.get(lang) if named is not None else code(level)


def _route(procedure: Procedure, route: str, lang: str) -> str:
    if route.startswith(REDO_PREFIX):
        return _BACK.format(stage=_place(procedure, route[len(REDO_PREFIX):], lang)).get(lang)
    return route_label(route).get(lang)


def _item(procedure: Procedure, item: str, lang: str) -> str:
    named = next((i.name for s in procedure.stages for i in s.items if i.id == item), None)
    return f"{named.get(lang)} ({code(item)})" if named is not None else code(item)


def _rule(proc: Procedure, stage_id: str | None, rule_id: str, lang: str) -> str:
    """A rule of the stage by its label, as ``case act`` and ``case show`` name it; its id as
    code only when the stage does not have it (a rule of the case's opening, say)."""
    stage = next((s for s in proc.stages if s.id == stage_id), None)
    if stage is not None:
        for spec in proc.rules_of(stage):
            if spec.id == rule_id and spec.rule in RULES:
                return f"[{RULES[spec.rule].label.get(lang)}]"
    return f"{_RULE.get(lang)} {code(rule_id)}"


def _step_lines(proc: Procedure, a: StepResult, lang: str) -> list[str]:
    colon = _COLON.get(lang)
    head = _HEAD.format(n=a.step.index + 1, action=action_name(a.step.do), line=a.step.line,
                        date=f"{a.at:%Y-%m-%d}").get(lang)
    if not a.accepted:
        lines = [f"{head} {_REFUSED.get(lang)}"]
        lines += [f"    {_rule(proc, v.get('stage'), v['rule'], lang)}{colon}{v['message'][lang]}"
                  for v in a.violations]
        if a.error is not None:
            lines.append(f"    ✗ {a.error['message'][lang]}")
        return lines
    route = f" [{_route(proc, a.route, lang)}]" if a.route else ""
    up = ""
    if a.escalated is not None:
        up = (f" ({_ESCALATED.get(lang)}{colon}{_level(proc, a.escalated['from'], lang)} → "
              f"{_level(proc, a.escalated['to'], lang)})")
    lines = [f"{head} {_ACCEPTED.get(lang)}{route} → {_place(proc, a.state, lang)}{up}"]
    lines += [f"    ! {_rule(proc, f.get('stage'), f['rule'], lang)}{colon}{f['message'][lang]}"
              for f in a.flags]
    if a.items is not None:
        lines += [f"    {_item(proc, k, lang)}{colon}{ITEM_RESULT[ok].get(lang)}"
                  for k, ok in a.items.items()]
    return lines


def format_report(report: ScenarioReport, lang: str) -> str:
    """The trace of a scenario's run in ``lang``: a line per action (refusals with each rule
    and its message), then the final state by name with its id as code."""
    proc = report.case.procedure
    lines = [f"{proc.name.get(lang)} — {report.scenario.matter}  ({code(report.scenario.file)})"]
    for a in report.actions:
        lines += _step_lines(proc, a, lang)
    state, outcome = report.case.state, report.case.outcome
    final = _place(proc, outcome or state, lang)
    lines.append(f"{_FINAL.get(lang)}{_COLON.get(lang)}{final} ({code(state)})")
    return "\n".join(lines)
