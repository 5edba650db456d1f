"""Shared helpers for the engine tests (no tests here)."""

from __future__ import annotations

from typing import Any

from deliberation import Case, Roster, load_procedure
from deliberation.definition.model import Procedure
from deliberation.engine.clock import ManualClock
from deliberation.rules.days import local_date
from deliberation.rules.disclosure import NoticePeriod

FOUR = load_procedure("four-deliberations")
SIX = load_procedure("six-deliberations-guzhuang")


def open_case(procedure: Procedure = FOUR, roster: Roster | None = None,
              **settings: Any) -> tuple[Case, ManualClock]:
    clock = ManualClock()
    case = Case.open(procedure, roster or Roster.generate(), matter="修村道", clock=clock,
                     settings=settings or None)
    return case, clock


def pass_stage(case: Case, clock: ManualClock) -> None:
    """Take the current stage with passing numbers (everyone present, everyone yes)."""
    sp = case.plan.stage(case.state)
    kind = sp.kind.value
    if kind == "motion":
        adults = [v.id for v in case.roster.villagers if v.adult and not v.township]
        case.submit_motion("修建村道", adults[-1:])
    elif kind == "meeting":
        counts = case.plan.counts(case.roster, sp.body)
        rules = {r.name for r in sp.preconditions}
        if "notice-period" in rules:
            case.give_notice()
            wait_for_notice(case, clock)
        if "advance-circulation" in rules:
            case.circulate_plan()
            clock.advance(days=3)
        case.hold_meeting(present=counts.voters, yes=counts.voters,
                          households=counts.households, non_voting=counts.members - counts.voters,
                          witnesses=1)
    elif kind == "consultation":
        counts = case.plan.counts(case.roster, sp.body)
        case.record_opinions(counts.adults)
        case.close_consultation()
    else:
        member = next(v.id for v in case.roster.villagers
                      if case.roster.matches(v, sp.body.members))
        case.post_disclosure("notice-board", actor=member)
        clock.advance(days=7)
        case.conclude_disclosure()


def wait_for_notice(case: Case, clock: ManualClock) -> None:
    """Move the clock to the first day the current stage's notice period, from the case's last
    notice, has run as its rule counts it (a Civil-Code period runs a day longer than its
    number of days, and longer still when its last day is a statutory holiday)."""
    zone = case.procedure.zone
    today = local_date(clock.now(), zone)
    given = local_date(next(r.at for r in reversed(case.records) if r.kind == "notice"), zone)
    periods = [r.period for r in case.plan.stage(case.state).preconditions
               if isinstance(r, NoticePeriod)]
    runs_out = max((p.runs_out(given) for p in periods), default=today)
    clock.advance(days=max(0, (runs_out - today).days))


def advance_to(case: Case, clock: ManualClock, stage: str) -> None:
    while case.state != stage:
        assert not case.closed, case.state
        pass_stage(case, clock)


def snapshot(case: Case) -> tuple[Any, ...]:
    return (case.state, case.version, case.records, case.suspended)
