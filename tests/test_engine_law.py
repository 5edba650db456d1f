"""The loopholes found in the engine, each closed: what it accepted must have been lawful.

Each test here failed before the rules core was rebuilt (issue: rules as one model) and passes
now. A refused action must leave the case exactly as it was.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path

import pytest
from test_engine_support import (
    FOUR,
    SIX,
    advance_to,
    open_case,
    pass_stage,
    snapshot,
    wait_for_notice,
)

from deliberation import Case, InvalidAction, NotEntitled, ReplayError, Roster, RuleViolation
from deliberation.cli import main
from deliberation.definition.loader import load_procedure
from deliberation.engine.clock import ManualClock
from deliberation.errors import CaseClosed, DefinitionError
from deliberation.rules.days import MAX_DAYS

CST = timezone(timedelta(hours=8))


def _at_disclosure(procedure=SIX, **settings):
    case, clock = open_case(procedure, **settings)
    advance_to(case, clock, "resolution-disclosure")
    clerk = next(v.id for v in case.roster.villagers if "villagers-committee" in v.committees)
    return case, clock, clerk


# -- 1. disclosure, channel by channel --------------------------------------------------------


def test_an_unknown_channel_is_refused_and_changes_nothing() -> None:
    case, _clock, clerk = _at_disclosure()
    before = snapshot(case)
    with pytest.raises(InvalidAction) as err:
        case.post_disclosure("foo-channel", actor=clerk)
    assert "foo-channel" in err.value.message.en
    assert snapshot(case) == before


def test_days_on_one_channel_do_not_count_for_another(tmp_path: Path) -> None:
    """Eight days on the broadcast and none on the notice board do not meet a 7-day rule that
    asks for the notice board (each channel counts from its own posting)."""
    procedure = _variant(tmp_path, "board-only", channels="[notice-board]", min_days=7)
    case, clock, clerk = _at_disclosure(procedure)
    case.post_disclosure("broadcast", actor=clerk)
    clock.advance(days=8)
    case.post_disclosure("notice-board", actor=clerk)
    before = snapshot(case)
    with pytest.raises(RuleViolation) as err:
        case.conclude_disclosure()
    assert err.value.rule == "disclosure" and err.value.numbers["count"] == 0
    assert snapshot(case) == before
    clock.advance(days=7)
    case.conclude_disclosure()
    assert case.state == "results-disclosure"


@pytest.mark.parametrize(("days", "ok"), [(9, False), (10, True), (11, True)])
def test_a_county_rule_needs_each_channel_for_the_full_period(tmp_path: Path, days: int,
                                                              ok: bool) -> None:
    """"At least 10 days on the notice board *and* the WeChat group": the WeChat group posted
    3 days later must itself reach 10 days (n-1, n, n+1)."""
    procedure = _variant(tmp_path, "county", channels="[notice-board, wechat-group]",
                         min_days=10, require="all")
    case, clock, clerk = _at_disclosure(procedure)
    case.post_disclosure("notice-board", actor=clerk)
    clock.advance(days=3)
    case.post_disclosure("wechat-group", actor=clerk)
    clock.advance(days=days)
    if ok:
        case.conclude_disclosure()
        assert case.state == "results-disclosure"
    else:
        with pytest.raises(RuleViolation) as err:
            case.conclude_disclosure()
        assert dict(err.value.numbers["days"]) == {"notice-board": 12, "wechat-group": 9}


def test_lint_reports_an_unknown_channel_with_a_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text(_VARIANT.format(id="typo", channels="[notice-bord]", min_days=7,
                                    require="any"), encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        load_procedure(path)
    (diag,) = [d for d in err.value.diagnostics if d.code == "D412"]
    assert "notice-board" in diag.hint_in() and diag.line > 0


def test_a_procedure_may_declare_its_own_channel(tmp_path: Path) -> None:
    procedure = _variant(tmp_path, "own-channel", channels="[village-app]", min_days=3,
                         extra="channels:\n  village-app: {zh-Hans: 村务APP, zh-Hant: 村務APP, "
                               "en: village app}\n")
    case, clock, clerk = _at_disclosure(procedure)
    case.post_disclosure("village-app", actor=clerk)
    clock.advance(days=3)
    case.conclude_disclosure()
    assert case.state == "results-disclosure"


_VARIANT = """format: 1
id: {id}
extends: six-deliberations-guzhuang
version: "1"
stages:
  - update: resolution-disclosure
    add_rules:
      - rule: disclosure
        params: {{channels: {channels}, min_days: {min_days}, require: {require}}}
"""


def _variant(tmp_path: Path, name: str, *, channels: str, min_days: int, require: str = "any",
             extra: str = "") -> object:
    path = tmp_path / f"{name}.yaml"
    path.write_text(_VARIANT.format(id=name, channels=channels, min_days=min_days,
                                    require=require) + extra, encoding="utf-8")
    return load_procedure(path)


# -- 2. days are the village's local dates ----------------------------------------------------


def test_a_nine_day_notice_written_in_utc_does_not_meet_ten_days() -> None:
    """Notice at 01:00 Beijing time on 3 March (17:00 UTC on 2 March), meeting at 09:00 on
    11 March: ten UTC dates apart, but nine local days — Art. 21's ten days are not met."""
    proc = load_procedure("four-deliberations")
    roster = Roster.generate()
    clock = ManualClock(datetime(2026, 3, 1, 9, tzinfo=CST))
    case = Case.open(proc, roster, matter="修村道", clock=clock,
                     settings={"resolution-body": "villagers-meeting"})
    advance_to(case, clock, "resolution")
    # 01:00 Beijing time the next day: still the previous date in UTC
    notice_at = (clock.now().astimezone(CST) + timedelta(days=1)).replace(hour=1, minute=0)
    case.give_notice(at=notice_at)
    meeting_at = notice_at.replace(hour=9) + timedelta(days=9)
    assert (meeting_at.astimezone(UTC).date() - notice_at.astimezone(UTC).date()).days == 10
    assert (meeting_at.date() - notice_at.astimezone(CST).date()).days == 9
    adults = case.plan.counts(roster, case.plan.stage("resolution").body)
    with pytest.raises(RuleViolation) as err:
        case.hold_meeting(adults.voters, adults.voters, households=adults.households,
                          witnesses=1, at=meeting_at)
    assert err.value.rule == "notice-period" and err.value.numbers["count"] == 9
    # held once the ten days have run as the Civil Code counts them (Arts. 201, 203)
    clock.set(meeting_at)
    wait_for_notice(case, clock)
    case.hold_meeting(adults.voters, adults.voters, households=adults.households, witnesses=1)
    assert case.state == "resolution-disclosure"


# -- 3. time never runs backwards ---------------------------------------------------------------


def test_a_back_dated_posting_is_refused_with_both_times() -> None:
    case, _clock, clerk = _at_disclosure()
    last = case.records[-1].at
    before = snapshot(case)
    with pytest.raises(InvalidAction) as err:
        case.post_disclosure("notice-board", actor=clerk, at=last - timedelta(days=35))
    assert last.isoformat() in err.value.message.en
    assert (last - timedelta(days=35)).isoformat() in err.value.message.en
    assert snapshot(case) == before


def test_an_action_before_the_case_was_opened_is_refused() -> None:
    case, _clock = open_case()
    with pytest.raises(InvalidAction):
        case.hold_meeting(5, 5, at=case.records[0].at - timedelta(seconds=1))
    assert case.version == 1


def test_a_naive_time_is_refused() -> None:
    case, _clock = open_case()
    with pytest.raises(InvalidAction):
        case.hold_meeting(5, 5, at=datetime(2026, 3, 1, 9))


@pytest.mark.parametrize("at", [
    datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-12))),  # no UTC instant
    datetime(9999, 12, 31, 20, tzinfo=UTC),  # its Beijing date would be in year 10000
    datetime(1, 1, 1, 2, tzinfo=timezone(timedelta(hours=8))),  # its UTC instant: year 0
])
def test_a_time_past_the_calendar_is_a_refusal(at: datetime) -> None:
    case, _clock = open_case()
    with pytest.raises(InvalidAction, match="outside the calendar"):
        case.note("x", at=at)
    with pytest.raises(InvalidAction, match="outside the calendar"):
        Case.open(FOUR, Roster.generate(), matter="m", clock=ManualClock(at))
    assert case.version == 1


class _NoOffset(tzinfo):
    """A time zone that knows no offset: its times are as naive as those without one."""

    def utcoffset(self, dt: datetime | None) -> None:
        return None

    def dst(self, dt: datetime | None) -> None:
        return None

    def tzname(self, dt: datetime | None) -> None:
        return None


def test_a_time_whose_zone_has_no_offset_is_a_refusal() -> None:
    case, _clock = open_case()
    with pytest.raises(InvalidAction, match="aware datetime"):
        case.note("x", at=datetime(2026, 3, 2, tzinfo=_NoOffset()))
    assert case.version == 1


def test_replay_refuses_records_whose_times_run_backwards() -> None:
    case, clock = open_case()
    pass_stage(case, clock)
    pass_stage(case, clock)
    recs = list(case.records)
    recs[2] = type(recs[2])(recs[2].seq, recs[2].case_id, recs[2].kind,
                            recs[0].at - timedelta(days=1), recs[2].actor, recs[2].stage,
                            recs[2].data, recs[2].signatures, recs[2].result)
    with pytest.raises(ReplayError):
        Case.replay(FOUR, case.roster, recs)


# -- 4. counts that cannot be true --------------------------------------------------------------


def test_people_present_cannot_represent_more_households_than_they_are() -> None:
    case, clock = open_case(FOUR, **{"resolution-body": "villagers-meeting"})
    advance_to(case, clock, "resolution")
    case.give_notice()
    wait_for_notice(case, clock)
    before = snapshot(case)
    with pytest.raises(InvalidAction) as err:
        case.hold_meeting(present=100, yes=100, households=244, witnesses=1)
    assert "households" in err.value.message.en
    assert snapshot(case) == before


@pytest.mark.parametrize(("households", "ok"), [(99, True), (100, True), (101, False)])
def test_households_represented_at_most_people_present(households: int, ok: bool) -> None:
    case, clock = open_case(FOUR, **{"resolution-body": "villagers-meeting"})
    advance_to(case, clock, "resolution")
    case.give_notice()
    wait_for_notice(case, clock)
    if ok:
        case.hold_meeting(present=100, yes=100, households=households, witnesses=1)
        assert case.records[-1].result["route"] == "no_quorum"  # 100 < 1/2 of adults
    else:
        with pytest.raises(InvalidAction):
            case.hold_meeting(present=100, yes=100, households=households, witnesses=1)


# -- 6. records that name people who are not there ----------------------------------------------


def test_an_actor_not_on_the_roster_is_refused() -> None:
    case, _clock = open_case()
    with pytest.raises(InvalidAction):
        case.hold_meeting(5, 5, actor="nobody")
    assert case.version == 1


def test_the_opener_must_be_on_the_roster_too() -> None:
    # the opened record was the one record whose actor nobody checked
    with pytest.raises(InvalidAction, match="nobody is not on the roster"):
        Case.open(FOUR, Roster.generate(), matter="m", actor="nobody")
    assert Case.open(FOUR, Roster.generate(), matter="m", actor="v0001").records[0].actor \
        == "v0001"


@pytest.mark.parametrize("kwargs", [
    {"roster": None}, {"roster": "village.csv"}, {"procedure": 5}, {"settings": [1]},
    {"case_id": 5}, {"case_id": ""},
])
def test_open_with_wrong_types_is_a_refusal(kwargs: dict[str, object]) -> None:
    # they used to raise AttributeError from deep inside the engine
    args: dict[str, object] = {"procedure": FOUR, "roster": Roster.generate(), "matter": "m"}
    args.update(kwargs)
    with pytest.raises(InvalidAction):
        Case.open(**args)  # type: ignore[arg-type]


def test_minute_signatures_must_come_from_those_present() -> None:
    case, _clock = open_case()
    committee = [v.id for v in case.roster.villagers if "party-committee" in v.committees]
    with pytest.raises((InvalidAction, NotEntitled)):
        case.hold_meeting(committee, committee, signed=[*committee, "nobody"])
    with pytest.raises((InvalidAction, NotEntitled)):
        case.hold_meeting(committee[:3], committee[:3], signed=committee)
    case.hold_meeting(committee, committee, signed=committee)
    assert case.state == "discussion"


@pytest.mark.parametrize(("witnesses", "ok"), [(0, True), (1, True), (2, False)])
def test_counted_witnesses_cannot_exceed_the_township_officials(witnesses: int, ok: bool) -> None:
    roster = Roster.generate(township_officials=1)
    case, clock = open_case(FOUR, roster, **{"township-witnesses": 0})
    advance_to(case, clock, "review")
    case.circulate_plan()
    clock.advance(days=3)
    if ok:
        case.hold_meeting(45, 45, witnesses=witnesses)
    else:
        with pytest.raises(InvalidAction):
            case.hold_meeting(45, 45, witnesses=witnesses)


def test_a_proxy_signer_must_be_on_the_roster() -> None:
    case, clock = open_case(SIX, **{"consultation-proxies": True})
    advance_to(case, clock, "consultation")
    adult = next(v.id for v in case.roster.villagers if v.adult and not v.township)
    with pytest.raises((InvalidAction, NotEntitled)):
        case.record_opinion(adult, method="proxy", proxy="nobody", authorisation="委托书")
    assert case.records[-1].kind != "opinion"


@pytest.mark.parametrize("bad", [5.5, True, "5", -1])
def test_a_count_that_is_not_a_whole_number_is_a_refusal(bad: object) -> None:
    case, _clock = open_case()
    with pytest.raises(InvalidAction):
        case.hold_meeting(present=bad, yes=0)  # type: ignore[arg-type]
    assert case.version == 1


def test_text_fields_take_text() -> None:
    case, _clock = open_case()
    with pytest.raises(InvalidAction):
        case.hold_meeting(5, 5, content=42)  # type: ignore[arg-type]
    with pytest.raises(InvalidAction):
        case.note(["not", "text"])  # type: ignore[arg-type]
    assert case.version == 1


@pytest.mark.parametrize(("setting", "value"), [("disclosure-days", -1),
                                                ("township-witnesses", -3),
                                                ("disclosure-days", MAX_DAYS + 1),
                                                ("disclosure-days", 10**40)])
def test_setting_overrides_keep_the_loaders_minimums(setting: str, value: int) -> None:
    with pytest.raises(InvalidAction):
        Case.open(FOUR, Roster.generate(), settings={setting: value})


def test_a_period_longer_than_any_law_is_a_located_error(tmp_path: Path) -> None:
    # it used to load, then crash simulate, conclude, blockers and explain (date overflow)
    path = tmp_path / "long.yaml"
    path.write_text(_VARIANT.format(id="long", channels="[notice-board]",
                                    min_days=MAX_DAYS + 1, require="any"), encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        load_procedure(path)
    (diag,) = [d for d in err.value.diagnostics if d.code == "D402"]
    assert "min_days" in diag.message.en and diag.line > 0
    source = Path(load_procedure("four-deliberations-chongqing").source or "").read_text("utf-8")
    assert "    default: 10\n" in source  # disclosure-days, referenced by two rules
    path.write_text(source.replace("id: four-deliberations-chongqing", "id: long-default")
                    .replace("    default: 10\n", f"    default: {10**18}\n", 1), "utf-8")
    with pytest.raises(DefinitionError) as err:
        load_procedure(path)
    assert [d.code for d in err.value.diagnostics] == ["D402", "D402"]
    assert all("disclosure-days" in d.message.en and d.line > 0 for d in err.value.diagnostics)


# -- 7. a closed case takes nothing more ----------------------------------------------------------


def test_a_note_on_a_closed_case_is_refused() -> None:
    case, _clock = open_case()
    case.withdraw(next(v.id for v in case.roster.villagers if "party-committee" in v.committees))
    assert case.closed
    with pytest.raises(CaseClosed):
        case.note("后补说明")
    assert case.records[-1].kind == "withdrawn"


def test_the_loophole_scenario_shows_both_refusals(capsys: pytest.CaptureFixture[str]) -> None:
    """examples/scenarios/road-guzhuang-disclosure-loophole.yaml: the unknown channel and the
    conclusion with 0 days on the notice board are refused; 7 days later it concludes."""
    path = Path(__file__).resolve().parent.parent / "examples" / "scenarios" / \
        "road-guzhuang-disclosure-loophole.yaml"
    assert main(["run", str(path), "--json"]) == 0
    actions = json.loads(capsys.readouterr().out)["actions"]
    refused = [a for a in actions if not a["accepted"]]
    assert refused[-2]["error"]["type"] == "InvalidAction"
    assert refused[-1]["violations"][0]["rule"] == "disclosure"
    assert refused[-1]["violations"][0]["numbers"]["count"] == 0
    assert actions[-1]["accepted"] and actions[-1]["state"] == "results-disclosure"
