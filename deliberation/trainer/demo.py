"""The guided demo: a 固庄-sized village takes a village-road project through every step.

Each step is narrated with its acting body and its rule checks (numbers included); the vote
attempted at 99% consultation is refused, and the demo shows how it is put right. At the end
the case is stored in a local SQLite file when the store is installed (else it stays in memory,
and the demo says so).

>>> lines = []
>>> case = run_demo("four-deliberations", lang="en", db=None, out=lines.append)
>>> case.outcome
'adopted'
"""

from __future__ import annotations

import importlib
import importlib.util
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deliberation.definition.loader import load_procedure
from deliberation.definition.model import ActionKind
from deliberation.definition.wording import code
from deliberation.engine.case import Case
from deliberation.engine.clock import ManualClock
from deliberation.engine.records import Record
from deliberation.errors import DeliberationError, RuleViolation
from deliberation.i18n import DEFAULT_LANG, Text, _
from deliberation.roster import Roster
from deliberation.rules import RULES

_W: dict[str, Text] = {
    "title": _("Demo: {village} builds a village road"),
    "village": _(
        "a Guzhuang-sized village (365 households, 847 people, 45 Party members, 28 "
        "representatives)",
    ),
    "step": _("Step {n}: {name} (by the {body})"),
    "accepted": _("recorded"),
    "refused": _("refused; nothing was recorded"),
    "fix": _("Put right: "),
    "state": _("the case moves to: {state}"),
    "outcome": _("Outcome: {outcome}. {n} records."),
    "replayed": _("replayed from its records, same state: {state}"),
    "stored": _("the case is stored in {path} (case id {id})"),
    "memory": _("the store (deliberation.store) is not installed: the case is kept in memory only"),
    "store_failed": _("could not store the case in {path}: {err}; it is kept in memory only"),
    "no_store": _("not stored, as asked: the case is kept in memory only"),
}

# A rule a step uses twice, told apart by what it asks for.
_LABELLED: Text = _("{label} ({what})")

_DOING: dict[str, Text] = {
    "motion": _("villagers raise the matter in writing and sign it"),
    "notice": _("notice of the meeting is given"),
    "circulated": _("the plan is circulated to the participants in advance"),
    "meeting": _("the meeting is held and votes; participants sign the minutes"),
    "opinion": _("opinions are collected door to door; villagers sign"),
    "consultation-closed": _("the consultation is closed"),
    "disclosure-posted": _("posted on the village affairs board"),
    "disclosure-concluded": _("the disclosure period is over"),
    "stage-skipped": _("stage merged away by a setting"),
}


def run_demo(
    procedure_id: str = "six-deliberations-guzhuang",
    *,
    lang: str = DEFAULT_LANG,
    db: str | Path | None = "deliberation-demo.sqlite",
    out: Callable[[str], Any] = print,
    store: bool = True,
) -> Case:
    """Run the narrated demo; returns the finished case."""
    procedure = load_procedure(procedure_id)
    roster = Roster.generate()
    clock = ManualClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    case = Case.open(procedure, roster, matter=_matter(lang), clock=clock,
                     case_id=f"demo-road-{datetime.now(UTC):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:4]}")
    say = out
    say(_W["title"].format(village=_W["village"].get(lang)).get(lang))
    say(f"{procedure.name.get(lang)} — {case.records[0].data['matter']}")
    say("")
    n = 0
    while not case.closed:
        sp = case.plan.stage(case.state)
        n += 1
        say(_W["step"].format(n=n, name=sp.stage.name.get(lang), body=sp.body.name.get(lang))
            .get(lang))
        if sp.stage.description is not None:
            say(f"  {sp.stage.description.get(lang)}")
        _do_stage(case, clock, sp.kind, lang, say)
        say("  " + _W["state"].format(state=_state_name(case, lang)).get(lang))
        say("")
    outcome = case.procedure.outcomes[case.state].name.get(lang)
    say(_W["outcome"].format(outcome=outcome, n=case.version).get(lang))
    again = Case.replay(procedure, roster, case.records)
    say(_W["replayed"].format(state=_state_name(again, lang)).get(lang))
    say(_store(case, db, lang) if store else _W["no_store"].get(lang))
    return case


def _matter(lang: str) -> str:
    return _("a 1.2 km paved road on the east side of the village").get(lang)


def _state_name(case: Case, lang: str) -> str:
    proc = case.procedure
    if case.closed:
        return proc.outcomes[case.state].name.get(lang)
    return proc.stage(case.state).name.get(lang)


def _do_stage(case: Case, clock: ManualClock, kind: ActionKind, lang: str,
              say: Callable[[str], Any]) -> None:
    sp = case.plan.stage(case.state)
    counts = case.plan.counts(case.roster, sp.body)

    def act(fn: Callable[..., Sequence[Record]], *args: Any, **kwargs: Any) -> None:
        for rec in fn(*args, **kwargs):
            _narrate(case, rec, lang, say)

    if kind is ActionKind.MOTION:
        act(case.submit_motion, _matter(lang), ["v0600", "v0601", "v0602"])
    elif kind is ActionKind.MEETING:
        rules = {r.name for r in sp.preconditions}
        if "notice-period" in rules:
            act(case.give_notice)
            clock.advance(days=10)
        if "advance-circulation" in rules:
            act(case.circulate_plan)
            clock.advance(days=3)
        present = max(counts.voters * 5 // 6, 1)
        act(case.hold_meeting, present=present, yes=present - present // 10,
            no=present // 10, households=counts.households * 5 // 6, witnesses=1)
        clock.advance(days=2)
    elif kind is ActionKind.CONSULTATION:
        population = counts.adults
        act(case.record_opinions, population - 1)
        clock.advance(days=5)
        reps = case.plan.stage(case.plan.procedure.stages[sp.index + 1].id)
        rc = case.plan.counts(case.roster, reps.body)
        try:
            case.hold_meeting(present=rc.voters, yes=rc.voters, witnesses=1)
        except RuleViolation as err:
            say("  ✗ " + _("vote attempted: ").get(lang)
                + _W["refused"].get(lang))
            for v in err.violations:
                say(f"    [{_rule_label(case, v.stage, v.rule, lang)}] {v.message.get(lang)}")
            say("  " + _W["fix"].get(lang) + _(
                "the last villager, working away, signs on a visit home",
            ).get(lang))
        act(case.record_opinions, 1)
        act(case.close_consultation)
    else:
        act(case.post_disclosure, "notice-board", actor="v0002")
        clock.advance(days=3)
        try:
            if sp.index + 1 < len(case.plan.stage_ids):  # show the early end once
                case.conclude_disclosure()
        except RuleViolation as err:
            say("  ✗ " + _("ending the disclosure early: ")
                .get(lang) + _W["refused"].get(lang))
            for v in err.violations:
                say(f"    [{_rule_label(case, v.stage, v.rule, lang)}] {v.message.get(lang)}")
        clock.advance(days=4)
        act(case.conclude_disclosure)
        clock.advance(days=30)


def _narrate(case: Case, rec: Record, lang: str, say: Callable[[str], Any]) -> None:
    doing = _DOING.get(rec.kind)
    say(f"  ✓ {doing.get(lang) if doing else rec.kind} — {_W['accepted'].get(lang)} "
        f"(#{rec.seq}, {rec.at:%Y-%m-%d})")
    for check in rec.result.get("checks") or ():
        say("    " + _check_line(case, rec.stage, check, lang))
    route = rec.result.get("route")
    if route not in (None, "pass"):
        say(f"    → {route}")


def _rule_label(case: Case, stage: str | None, rule_id: str, lang: str) -> str:
    """A rule by its name, as the walkthrough shows it; a rule a step uses twice (participants'
    and township witnesses' signatures) adds what it asks for, never its id."""
    if stage is not None:
        for r in case.plan.stage(stage).rules:
            if r.id == rule_id:
                if r.id == r.name:
                    return r.type.label.get(lang)
                return _LABELLED.format(label=r.type.label, what=r.describe(
                    case.procedure.channels).summary).get(lang)
    return RULES[rule_id].label.get(lang) if rule_id in RULES else code(rule_id)


def _check_line(case: Case, stage: str | None, check: Mapping[str, Any], lang: str) -> str:
    label = _rule_label(case, stage, check["rule"], lang)
    nums = check.get("numbers") or {}
    mark = "✓" if check["ok"] else "✗"
    count, needed = nums.get("count"), nums.get("needed")
    if count is None or needed is None:  # a rule that counted nothing here
        return f"{mark} {label}"
    # the walkthrough's words for the same numbers
    detail = (_("{count} / {total}, at least {needed}").format(
        count=count, total=nums["total"], needed=needed) if "total" in nums
        else _("{count}, at least {needed}").format(count=count, needed=needed))
    return f"{mark} " + _("{label}: {detail}").format(label=label, detail=detail).get(lang)


def _store(case: Case, db: str | Path | None, lang: str) -> str:
    if db is None:
        return _W["no_store"].get(lang)
    if importlib.util.find_spec("deliberation.store") is None:
        return _W["memory"].get(lang)
    path = Path(db).resolve()
    try:
        store_mod: Any = importlib.import_module("deliberation.store")
        cases_mod: Any = importlib.import_module("deliberation.store.cases")
        store = store_mod.open_store(f"sqlite:///{path}")
        try:
            cases_mod.save_case(store, case)
        finally:
            store.close()
    except (DeliberationError, OSError, ImportError, AttributeError) as err:
        msg = err.message.get(lang) if isinstance(err, DeliberationError) else str(err)
        return _W["store_failed"].format(path=str(path), err=msg).get(lang)
    return _W["stored"].format(path=str(path), id=case.id).get(lang)
