"""The engine on tasks, ratings, escalation, working days and lunar dates: what is refused
changes nothing, what is recorded replays to the same state and level."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from deliberation import Case, Roster, load_procedure
from deliberation.engine.case import ReplayError
from deliberation.engine.clock import ManualClock
from deliberation.errors import InvalidAction, NotEntitled, RuleViolation

CST = timezone(timedelta(hours=8))
ROSTER = Roster.generate(households=60, people=150, party_members=10, representatives=6,
                         supervision_committee=3)


def town_case(start: datetime) -> tuple[Case, ManualClock]:
    clock = ManualClock(start)
    case = Case.open(load_procedure("town-calls-linzi"), ROSTER, matter="排水", clock=clock)
    case.record_task(actor="v0006")  # 平台流转
    return case, clock


def test_level_climbs_and_replays() -> None:
    case, clock = town_case(datetime(2026, 2, 13, 9, tzinfo=CST))
    assert (case.stage, case.level) == ("coordination", "village")
    clock.set(datetime(2026, 2, 27, 18, tzinfo=CST))
    assert case.check_deadlines() == ()  # the 5th working day: not expired
    clock.set(datetime(2026, 2, 28, 9, tzinfo=CST))
    (lapsed,) = case.check_deadlines()
    assert lapsed.result["escalated"] == {"from": "village", "to": "town"}
    assert lapsed.result["checks"][0]["numbers"]["count"] == 6
    assert (case.stage, case.level) == ("coordination", "town")
    assert "town" in case.explain("en")
    case.record_task("unresolved", actor="t01")
    assert case.level == "district"
    again = Case.replay(case.procedure, ROSTER, case.records, clock=clock)
    assert (again.state, again.level) == (case.state, "district")
    (top,) = case.record_task("unresolved", actor="t01")
    assert top.result["escalated"] == {"from": "district", "to": None}
    assert case.outcome == "unresolved"


def test_deadline_runs_again_after_escalating() -> None:
    case, clock = town_case(datetime(2026, 3, 2, 9, tzinfo=CST))  # a Monday
    case.record_task("unresolved", actor="v0002")  # village → town, on Mon 2 Mar
    clock.set(datetime(2026, 3, 9, 18, tzinfo=CST))  # 5 working days after the escalation
    assert case.check_deadlines() == ()
    clock.set(datetime(2026, 3, 10, 9, tzinfo=CST))
    assert case.check_deadlines()[0].result["escalated"]["to"] == "district"


def test_refused_task_changes_nothing() -> None:
    case, _ = town_case(datetime(2026, 3, 2, 9, tzinfo=CST))
    before = (case.version, case.state, case.level)
    with pytest.raises(NotEntitled):
        case.record_task(actor="v0030")  # not a handler
    with pytest.raises(InvalidAction):
        case.record_task("maybe", actor="v0002")
    with pytest.raises(InvalidAction):
        case.record_task()  # who reports it?
    with pytest.raises(InvalidAction):
        case.record_rating("v0030")  # not an evaluation stage
    assert (case.version, case.state, case.level) == before


def test_ratings_count_only_when_signed_and_latest_per_rater() -> None:
    case, _ = town_case(datetime(2026, 3, 2, 9, tzinfo=CST))
    case.record_task(actor="v0002")
    case.record_task(actor="v0002")  # 办结销号 → 全程评价
    case.record_rating("v0030", satisfied=False)
    case.record_rating("v0030", satisfied=True)  # changed their mind: the latest counts
    case.record_rating("v0031", satisfied=False, signed=False)  # unsigned: does not count
    with pytest.raises(InvalidAction):
        case.record_ratings(3)  # named and counted ratings are not mixed
    (closed,) = case.close_evaluation()
    numbers = closed.result["checks"][0]["numbers"]
    assert (numbers["count"], numbers["ratings"], numbers["unsigned"]) == (1, 1, 1)
    assert case.stage == "sharing"


def test_evaluation_without_signed_ratings_is_refused() -> None:
    case, _ = town_case(datetime(2026, 3, 2, 9, tzinfo=CST))
    case.record_task(actor="v0002")
    case.record_task(actor="v0002")
    case.record_ratings(0, unsigned=5)
    v = case.version
    with pytest.raises(RuleViolation) as err:
        case.close_evaluation()
    assert err.value.rule == "satisfaction" and case.version == v


def test_a_tampered_escalation_does_not_replay() -> None:
    case, clock = town_case(datetime(2026, 3, 2, 9, tzinfo=CST))
    case.record_task("unresolved", actor="v0002")
    records = list(case.records)
    # drop the escalation's result level: replay recomputes it and refuses the mismatch
    bad = records[-1]
    import attrs

    forged = attrs.evolve(bad, result={**bad.result, "escalated": {"from": "village",
                                                                     "to": "district"}})
    with pytest.raises(ReplayError):
        Case.replay(case.procedure, ROSTER, [*records[:-1], forged], clock=clock)


def test_declines_reassign_until_the_cap() -> None:
    clock = ManualClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
    case = Case.open(load_procedure("six-orders-duannangou"), ROSTER, matter="x", clock=clock)
    case.submit_motion("帮忙", ["v0030"])
    routes = []
    for volunteer in ("v0010", "v0115", "v0116"):
        case.record_task(handler=volunteer, actor="v0006")
        (rec,) = case.record_task("declined", actor=volunteer)
        routes.append(rec.result["route"])
    assert routes == ["declined", "declined", "max_rounds"]
    assert case.outcome == "unserved" and case.rounds("accept") == 3


def test_lunar_meeting_is_not_answered_from_remembered_verdicts() -> None:
    # the same counts on two days: refused on lunar 12/27, accepted on 12/28
    proc = load_procedure("year-end-accounting-guzhuang")
    clock = ManualClock(datetime(2027, 2, 3, 9, tzinfo=CST))
    case = Case.open(proc, ROSTER, matter="交账", clock=clock)
    case.record_task(actor="v0002")
    committee = [v.id for v in ROSTER.villagers if "party-committee" in v.committees]
    case.hold_meeting(committee, committee)  # the Party organisation studies the accounts
    with pytest.raises(RuleViolation) as err:
        case.hold_meeting(80, 80)
    assert err.value.rule == "lunar-schedule"
    clock.advance(days=1)
    (rec,) = case.hold_meeting(80, 80)
    assert rec.result["route"] == "pass"


def test_available_actions_name_the_new_kinds() -> None:
    case, _ = town_case(datetime(2026, 3, 2, 9, tzinfo=CST))
    assert "record_task" in {a.action for a in case.available_actions()}
    case.record_task(actor="v0002")
    case.record_task(actor="v0002")
    assert {"record_rating", "close_evaluation"} <= {a.action for a in case.available_actions()}
    assert case.blockers()  # the satisfaction rule is not met yet


def test_one_matter_vote_is_refused_until_every_household_signed() -> None:
    clock = ManualClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
    case = Case.open(load_procedure("one-matter-one-discussion"), ROSTER, matter="x", clock=clock)
    case.submit_motion("修路", ["v0002"])  # a villagers' committee member proposes
    committee = [v.id for v in ROSTER.villagers if "party-committee" in v.committees]
    case.hold_meeting(committee, committee)  # the Party organisation studies it (since 2026)
    case.record_opinions(59)
    with pytest.raises(RuleViolation) as err:
        case.hold_meeting(11, 11)
    assert err.value.rule == "consultation-coverage" and case.stage == "household-signatures"
    case.record_opinions(1)
    assert case.hold_meeting(11, 11)[-1].result["route"] == "pass"


def test_stored_case_escalates_and_verifies(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from deliberation.cli import main

    db = f"sqlite:///{tmp_path}/cases.db"
    assert main(["case", "new", "--db", db, "--procedure", "town-calls-linzi", "--matter", "x",
                 "--generate", "households=60,people=150,party_members=10,representatives=6",
                 "--id", "c1"]) == 0
    assert main(["case", "act", "--db", db, "c1", "record-task", "--actor", "v0006"]) == 0
    assert main(["case", "act", "--db", db, "c1", "record-task", "--result", "unresolved",
                 "--actor", "v0002", "--lang", "en"]) == 0
    assert main(["case", "show", "--db", db, "c1", "--lang", "en"]) == 0
    assert "Level: town (`town`)" in capsys.readouterr().out
    assert main(["case", "verify", "--db", db, "c1"]) == 0
