"""Groups a meeting creates (``groups:``): the contracting working group (承包工作小组) the
villagers' meeting elects in ``land-contracting-plan-working-group``, which then drafts the plan.

Its group: 3 to 9 adult villagers; its meeting: quorum ≥ 2/3 of its members, approval > 1/2 of
its members. The roster (31 adults of 40 people) is the one the land-plan scenarios use: v0032
to v0040 are under 18, ``t01`` is the township official.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_engine_support import wait_for_notice
from test_sim_support import assert_paths_agree

from deliberation import Case, InvalidAction, NotEntitled, Roster, RuleViolation, load_procedure
from deliberation.cli import main
from deliberation.definition.loader import load_text
from deliberation.engine.clock import ManualClock
from deliberation.engine.scenario import load_scenario, parse_action, run_scenario
from deliberation.errors import DeliberationError
from deliberation.service.acting import act, open_case
from deliberation.service.db import open_service_store
from deliberation.simulation import SimParams, SimulationError, simulate
from deliberation.simulation.model import simulated_groups
from deliberation.store import open_store
from deliberation.store.archive import archive_data
from deliberation.store.cases import save_case
from deliberation.store.register import build_register

PROCEDURE = load_procedure("land-contracting-plan-working-group")
ROSTER = Roster.generate(households=12, people=40, adults=31, party_members=6,
                         representatives=5, supervision_committee=3)
ADULTS = [v.id for v in ROSTER.select(("adult",))]
PLAIN = ADULTS[9:]  # adults on no committee: v0010…
MINOR = "v0032"
T0 = datetime(2026, 3, 2, 9, tzinfo=timezone(timedelta(hours=8)))
SCENARIOS = Path(__file__).parent.parent / "examples" / "scenarios"


def _at_election() -> tuple[Case, ManualClock]:
    clock = ManualClock(T0)
    case = Case.open(PROCEDURE, ROSTER, matter="延包方案", clock=clock,
                     kind="land-contracting-plan")
    case.hold_meeting(present=5, yes=5)
    case.give_notice()
    wait_for_notice(case, clock)
    assert case.stage == "group-election"
    return case, clock


def _snapshot(case: Case) -> tuple[Any, ...]:
    return (case.version, case.state, case.records, case.roster.elected, case.groups,
            case.rounds())


def _refused(case: Case, error: type[DeliberationError], **meeting: Any) -> DeliberationError:
    before = _snapshot(case)
    with pytest.raises(error) as info:
        case.hold_meeting(**meeting)
    assert _snapshot(case) == before  # a refusal changes nothing
    return info.value


def _elect(case: Case, members: list[str]) -> None:
    case.hold_meeting(present=24, yes=22, no=2, elected=members)


# -- the election ---------------------------------------------------------------------------


@pytest.mark.parametrize("n, ok", [(2, False), (3, True), (4, True)])
def test_min_members_at_the_boundary(n: int, ok: bool) -> None:
    case, _clock = _at_election()
    if ok:
        _elect(case, PLAIN[:n])
        assert case.stage == "drafting"
        assert case.roster.count("working-group") == n
    else:
        err = _refused(case, InvalidAction, present=24, yes=22, no=2, elected=PLAIN[:n])
        assert "at least 3" in err.message.en


@pytest.mark.parametrize("n, ok", [(8, True), (9, True), (10, False)])
def test_max_members_at_the_boundary(n: int, ok: bool) -> None:
    case, _clock = _at_election()
    if ok:
        _elect(case, PLAIN[:n])
        assert sorted(v.id for v in case.roster.select(("working-group",))) == sorted(PLAIN[:n])
    else:
        err = _refused(case, InvalidAction, present=24, yes=22, no=2, elected=PLAIN[:n])
        assert "at most 9" in err.message.en


@pytest.mark.parametrize("who, error, words", [
    ([PLAIN[0], PLAIN[1], MINOR], NotEntitled, "cannot be elected"),
    ([PLAIN[0], PLAIN[1], "nobody"], NotEntitled, "not on the roster"),
    ([PLAIN[0], PLAIN[1], PLAIN[1]], InvalidAction, "named twice"),
    ([PLAIN[0], PLAIN[1], "t01"], NotEntitled, "cannot be elected"),  # a township official
])
def test_who_may_not_be_elected(who: list[str], error: type[DeliberationError],
                                words: str) -> None:
    case, _clock = _at_election()
    err = _refused(case, error, present=24, yes=22, no=2, elected=who)
    assert words in err.message.en


def test_a_passing_election_must_name_the_members() -> None:
    case, _clock = _at_election()
    err = _refused(case, InvalidAction, present=24, yes=22, no=2)
    assert "name its members" in err.message.en


def test_elected_is_refused_where_no_group_is_elected_or_for_another_group() -> None:
    case, _clock = _at_election()
    _refused(case, InvalidAction, present=24, yes=22, no=2,
             elected={"work-group": PLAIN[:3]})  # not the group this stage elects
    _elect(case, PLAIN[:3])
    err = _refused(case, InvalidAction, present=PLAIN[:3], yes=PLAIN[:3], elected=PLAIN[3:6])
    assert "elects no group" in err.message.en


def test_a_failed_election_meeting_elects_nobody() -> None:
    case, _clock = _at_election()
    # no quorum (15 of 31 adults, 7 of 12 households): no members needed, none elected
    case.hold_meeting(present=15, yes=15, households=7)
    assert case.stage == "group-election" and case.groups == {}
    case.give_notice()  # the meeting used up its notice
    wait_for_notice(case, _clock)
    # a rejected vote naming a slate: the slate is checked, but nobody is elected
    case.hold_meeting(present=24, yes=10, no=14, elected=PLAIN[:3])
    assert case.stage == "group-election" and case.groups == {}
    assert case.records[-1].result.get("groups") is None


# -- the group at work ------------------------------------------------------------------------


@pytest.mark.parametrize("present, route", [(2, "no_quorum"), (3, "pass"), (4, "pass")])
def test_the_groups_quorum_counts_its_elected_members(present: int, route: str) -> None:
    case, _clock = _at_election()
    group = PLAIN[:4]  # quorum ≥ 2/3 of 4: 3
    _elect(case, group)
    case.hold_meeting(present=group[:present], yes=group[:present])
    assert case.records[-1].result["route"] == route


@pytest.mark.parametrize("yes, route", [(2, "rejected"), (3, "pass")])
def test_the_groups_vote_counts_its_elected_members(yes: int, route: str) -> None:
    case, _clock = _at_election()
    group = PLAIN[:4]  # approval > 1/2 of 4 members: 3
    _elect(case, group)
    case.hold_meeting(present=group, yes=group[:yes], no=group[yes:])
    assert case.records[-1].result["route"] == route


def test_only_the_elected_members_act_for_the_group() -> None:
    case, _clock = _at_election()
    _elect(case, PLAIN[:3])
    err = _refused(case, NotEntitled, present=[PLAIN[0], PLAIN[5]], yes=[PLAIN[0], PLAIN[5]])
    assert "not a member" in err.message.en
    # more present than the group has members, as a count
    _refused(case, InvalidAction, present=4, yes=4)


def test_the_groups_minutes_need_every_participants_signature() -> None:
    case, _clock = _at_election()
    group = PLAIN[:3]
    _elect(case, group)
    _refused(case, RuleViolation, present=group, yes=group, signed=group[:2])
    case.hold_meeting(present=group, yes=group, signed=group)
    assert case.stage == "discussion"


def test_a_new_election_replaces_the_group_and_the_records_keep_both() -> None:
    case, clock = _at_election()
    first, second = PLAIN[:3], PLAIN[3:7]
    _elect(case, first)
    for _round in range(2):  # two failed drafts: back to the villagers' meeting
        clock.advance(days=5)
        case.hold_meeting(present=first, yes=first[:1], no=first[1:])
    assert case.stage == "group-election"
    assert case.groups["working-group"] == tuple(first)  # until a new one is elected
    case.give_notice()
    wait_for_notice(case, clock)
    _elect(case, second)
    assert case.groups["working-group"] == tuple(second)
    assert {v.id for v in case.roster.select(("working-group",))} == set(second)
    _refused(case, NotEntitled, present=[first[0], *second[:2]], yes=[first[0], *second[:2]])
    elections = [r for r in case.records if r.stage == "group-election" and r.kind == "meeting"]
    assert [r.data["elected"]["working-group"] for r in elections] == [tuple(first),
                                                                       tuple(second)]
    assert [r.result["groups"]["working-group"] for r in elections] == [tuple(first),
                                                                        tuple(second)]


def test_replay_gives_the_same_case_and_group() -> None:
    case, _clock = _at_election()
    _elect(case, PLAIN[:4])
    case.hold_meeting(present=PLAIN[:3], yes=PLAIN[:3])
    again = Case.replay(PROCEDURE, ROSTER, case.records)
    assert again.state == case.state and again.records == case.records
    assert again.roster.elected == case.roster.elected
    assert again.stage == "discussion"


def test_the_explanation_says_what_the_election_needs_and_who_acts_after() -> None:
    case, _clock = _at_election()
    text = case.explain("en")
    assert "the meeting elects the contracting working group: 3 to 9 members" in text
    assert "3 至 9 人" in case.explain("zh-Hans")
    assert any(b.rule == "elected" and b.numbers["min"] == 3 for b in case.blockers())
    _elect(case, PLAIN[:3])
    text = case.explain("zh-Hans")
    assert "承包工作小组会议" in text and "elected" not in text
    # a group's meeting: its quorum counted on the three elected members (≥ 2/3: 2 of 3)
    assert "at least 2 of 3" in case.explain("en")


# -- a group used before it is elected ------------------------------------------------------

_NAME = "{zh-Hans: 名, zh-Hant: 名, en: name}"
_EARLY = f"""
format: 1
id: early-group
version: "1"
name: {_NAME}
groups:
  wg:
    name: {{zh-Hans: 工作小组, zh-Hant: 工作小組, en: working group}}
    elected_at: elect
    min: 2
bodies:
  committee:
    name: {_NAME}
    members: [villagers-committee]
    rules:
      - {{rule: quorum, params: {{ratio: 1/2, compare: ">", base: members}}}}
      - {{rule: approval, params: {{ratio: 1/2, compare: ">", base: present}}}}
  group:
    name: {{zh-Hans: 工作小组会议, zh-Hant: 工作小組會議, en: working group meeting}}
    members: [wg]
    rules:
      - {{rule: quorum, params: {{ratio: 1/2, compare: ">", base: members}}}}
      - {{rule: approval, params: {{ratio: 1/2, compare: ">", base: present}}}}
stages:
  - id: elect
    name: {_NAME}
    action: meeting
    body: committee
    on: {{rejected: draft}}
  - id: draft
    name: {_NAME}
    action: meeting
    body: group
outcomes:
  done: {{kind: success, name: {_NAME}}}
  failed: {{kind: failure, name: {_NAME}}}
"""


def test_a_stage_of_a_group_not_yet_elected_is_refused() -> None:
    # the election's rejected route leads to the group's stage: it lints (the route passes the
    # electing stage) but the group was never elected, which the engine refuses
    procedure = load_text(_EARLY)
    case = Case.open(procedure, ROSTER, matter="m", clock=ManualClock(T0))
    case.hold_meeting(present=5, yes=1, no=4)
    assert case.stage == "draft"
    before = _snapshot(case)
    with pytest.raises(InvalidAction) as info:
        case.hold_meeting(present=2, yes=2)
    assert "has not been elected yet" in info.value.message.en
    assert "尚未选举产生" in info.value.message.get("zh-Hans")
    assert _snapshot(case) == before


# -- scenarios, the action vocabulary, the command line ---------------------------------------


@pytest.mark.parametrize("name, final, refused", [
    ("land-plan-working-group-adopted", "adopted", 0),
    ("land-plan-working-group-refused", "rejected", 4),
    ("land-plan-working-group-reelected", "withdrawn", 1),
])
def test_scenarios(name: str, final: str, refused: int) -> None:
    report = run_scenario(load_scenario(SCENARIOS / f"{name}.yaml"))
    assert report.state == final
    assert sum(1 for a in report.actions if not a.accepted) == refused


def test_the_action_vocabulary_takes_elected() -> None:
    step = parse_action('{"do": "meeting", "present": 24, "yes": 22, '
                        '"elected": ["v0010", "v0011", "v0012"]}', PROCEDURE)
    assert step.params["elected"] == ["v0010", "v0011", "v0012"]
    with pytest.raises(DeliberationError):
        parse_action('{"do": "meeting", "present": 24, "elected": "v0010"}', PROCEDURE)


def test_case_act_on_the_command_line(tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"

    def cli(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    gen = "households=12,people=40,adults=31,party_members=6,representatives=5"
    code, _out, err = cli("case", "new", "--procedure", "land-contracting-plan-working-group",
                          "--generate", gen, "--matter", "延包", "--kind",
                          "land-contracting-plan", "--db", db, "--at",
                          "2026-03-02T09:00+08:00", "--id", "c1")
    assert code == 0, err
    for action, fields, at in (
        ("hold-meeting", ["--present", "5", "--yes", "5"], "2026-03-02T10:00+08:00"),
        ("give-notice", [], "2026-03-02T11:00+08:00"),
    ):
        code, _out, err = cli("case", "act", "c1", action, *fields, "--db", db, "--at", at)
        assert code == 0, err
    code, _out, err = cli("case", "act", "c1", "hold-meeting", "--present", "24", "--yes",
                          "22", "--elected", json.dumps(PLAIN[:2]), "--db", db, "--at",
                          "2026-03-13T11:00+08:00")
    assert code != 0 and "至少须有 3 人" in err  # the default language: zh-Hans
    code, _out, err = cli("case", "act", "c1", "hold-meeting", "--present", "24", "--yes",
                          "22", "--elected", json.dumps(PLAIN[:3]), "--db", db, "--at",
                          "2026-03-13T11:00+08:00")
    assert code == 0, err
    code, out, err = cli("case", "show", "c1", "--db", db, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["stage"] == "drafting"


# -- the simulator ------------------------------------------------------------------------------


def test_both_simulation_paths_agree_on_a_procedure_with_a_group() -> None:
    # the working group's meeting (3 simulated members, quorum 2 of 3, approval 2 of 3) fails
    # often enough at 0.7 attendance and support that its routes (reconvene, a new election
    # after two failed drafts) are exercised in both paths
    params = SimParams(households=60, people=200, adults=160, party_members=12,
                       representatives=12, kind="land-contracting-plan",
                       attendance_by_body={"villagers-meeting": 0.85, "working-group": 0.7},
                       support_by_body={"working-group": 0.7, "branch-committee": 0.9,
                                        "two-committees": 0.85, "villagers-meeting": 0.8})
    engine_runs, vector_runs = 400, 40_000
    eng = simulate(PROCEDURE.id, params, engine_runs, seed=13, path="engine")
    vec = simulate(PROCEDURE.id, params, vector_runs, seed=13)
    assert_paths_agree(eng, vec, engine_runs, vector_runs,
                       ("days", "reconvenings", "revisions", "meetings"))


def test_the_simulator_elects_the_smallest_group_and_refuses_a_roster_too_small() -> None:
    assert simulated_groups(PROCEDURE, ROSTER) == {"working-group": tuple(ADULTS[:3])}
    tiny = Roster.generate(households=2, people=4, adults=2, party_members=0,
                           representatives=0, party_committee=0, villagers_committee=0,
                           supervision_committee=0, township_officials=0)
    with pytest.raises(SimulationError) as info:
        simulated_groups(PROCEDURE, tiny)
    assert "fewer than the 3" in info.value.message.en


def test_the_register_names_the_elected_and_counts_the_group_as_expected() -> None:
    store = open_store("sqlite:///:memory:")
    case, clock = _at_election()
    group = PLAIN[:3]
    _elect(case, group)
    clock.advance(days=1)
    case.hold_meeting(present=group[:2], yes=group[:2])  # one member absent: 应到 3
    save_case(store, case)
    reg = build_register(archive_data(store, case.id), lang="en")
    election, drafting = reg.sections[1], reg.sections[2]
    rows = {r.label: r.value for r in election.rows}
    assert rows["Elected to the contracting working group"].startswith("3: ")
    rows = {r.label: r.value for r in drafting.rows}
    assert rows["Expected"].startswith("3") and rows["Absent"].startswith("1: ")
    zh = build_register(archive_data(store, case.id), lang="zh-Hans")
    assert any(r.label == "当选承包工作小组成员" for r in zh.sections[1].rows)


_IDS = st.sampled_from([*PLAIN[:12], MINOR, "t01", "nobody", "", "working-group"])
_ELECTED = st.one_of(
    st.lists(_IDS, max_size=12),
    st.dictionaries(st.sampled_from(["working-group", "wg", ""]),
                    st.one_of(st.lists(_IDS, max_size=12), st.integers(), st.text(max_size=3)),
                    max_size=2),
    st.integers(), st.text(max_size=5), st.none(), st.lists(st.integers(), max_size=3),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elected=_ELECTED, present=st.integers(min_value=0, max_value=40))
def test_any_election_input_is_accepted_or_refused_cleanly(elected: Any, present: int) -> None:
    case, _clock = _at_election()
    before = _snapshot(case)
    try:
        case.hold_meeting(present=present, yes=present, elected=elected)
    except DeliberationError:
        assert _snapshot(case) == before
        return
    members = case.groups.get("working-group")
    if members is not None:
        assert 3 <= len(members) <= 9 and len(set(members)) == len(members)
        assert all(ROSTER.get(v).adult and not ROSTER.get(v).township for v in members)


def test_the_service_acts_with_elected_and_a_refusal_stores_nothing() -> None:
    store = open_service_store("sqlite:///:memory:")
    case = open_case(store, "v1", PROCEDURE.id, ROSTER, case_id="s1", at=T0,
                     kind="land-contracting-plan")
    version = case.version
    for text in ('{"do": "meeting", "present": 5, "yes": 5, "at": "2026-03-02T10:00:00+08:00"}',
                 '{"do": "notice", "at": "2026-03-02T11:00:00+08:00"}'):
        out = act(store, "s1", parse_action(text, PROCEDURE), expected_version=version)
        assert out.result.accepted
        version = out.case.version
    too_few = ('{"do": "meeting", "present": 24, "yes": 22, "at": "2026-03-13T10:00:00+08:00", '
               f'"elected": {json.dumps(PLAIN[:2])}}}')
    out = act(store, "s1", parse_action(too_few, PROCEDURE), expected_version=version)
    assert not out.result.accepted and out.records == () and out.case.version == version
    enough = too_few.replace(json.dumps(PLAIN[:2]), json.dumps(PLAIN[:3]))
    out = act(store, "s1", parse_action(enough, PROCEDURE), expected_version=version)
    assert out.result.accepted and out.case.groups == {"working-group": tuple(PLAIN[:3])}
