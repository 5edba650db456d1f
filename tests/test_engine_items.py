"""Several items voted one by one at one meeting (逐项表决), required observers (列席监督) and
the meeting's place.

The test body: the villagers' representatives (20 on the roster below), quorum ≥ 2/3 of members
(14), the stage's approval > 1/2 of those present; item ``lights`` has its own approval, ≥ 2/3
of those present. With 15 present: ``road`` needs 8 yes (7 is not more than half), ``lights``
needs 10 (2/3 × 15 = 10). Observers: ``min`` of the supervision committee's 3 members.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_sim_support import _TEMPLATE

from deliberation import Case, InvalidAction, NotEntitled, Roster, RuleViolation
from deliberation.definition.loader import load_text
from deliberation.engine.clock import ManualClock
from deliberation.errors import DeliberationError

ROSTER = Roster.generate(households=40, people=100, party_members=8, representatives=20,
                         supervision_committee=3)
REPS = [v.id for v in ROSTER.select(("representative",))]
SUPERVISORS = [v.id for v in ROSTER.select(("supervision-committee",))]
TOWNSHIP = [v.id for v in ROSTER.select(("township-official",))]
NAME = "{zh-Hans: 名, zh-Hant: 名, en: name}"


def _procedure(policy: str = "all", observers: int = 0) -> Any:
    bodies = """\
  reps:
    name: {zh-Hans: 村民代表会议, zh-Hant: 村民代表會議, en: representatives}
    members: [representative]
    basis: [b]
    rules:
      - rule: quorum
        params: {ratio: 2/3, compare: ">=", base: members}
        basis: [b]
      - rule: approval
        params: {ratio: 1/2, compare: ">", base: present}
        basis: [b]"""
    observed = f"""
    rules:
      - rule: observers
        id: supervisors
        params: {{of: supervision-committee, min: {observers}}}
        basis: [b]""" if observers else ""
    stages = f"""\
  - id: vote
    name: {NAME}
    action: meeting
    body: reps
    basis: [b]
    items:
      - id: road
        name: {{zh-Hans: 修路, zh-Hant: 修路, en: road}}
      - id: lights
        name: {{zh-Hans: 路灯, zh-Hant: 路燈, en: lights}}
        approval: {{rule: approval, id: lights-vote, params: {{ratio: 2/3, compare: ">=",
                                                                base: present}}}}
    item_policy: {policy}{observed}
    on: {{no_quorum: failed, rejected: failed}}"""
    return load_text(_TEMPLATE.format(id=f"items-{policy}-{observers}", bodies=bodies,
                                      stages=stages), f"items-{policy}-{observers}.yaml")


def _case(policy: str = "all", observers: int = 0) -> Case:
    return Case.open(_procedure(policy, observers), ROSTER, matter="公益项目",
                     clock=ManualClock())


def _items(road: int, lights: int, present: int = 15) -> dict[str, dict[str, int]]:
    return {"road": {"yes": road, "no": present - road},
            "lights": {"yes": lights, "no": present - lights}}


def test_the_roster_is_as_the_module_says() -> None:
    assert len(REPS) == 20 and len(SUPERVISORS) == 3 and TOWNSHIP


@pytest.mark.parametrize(("yes", "adopted"), [(7, False), (8, True), (9, True)])
def test_an_item_under_the_stages_approval_more_than_half(yes: int,
                                                           adopted: bool) -> None:
    case = _case("any")
    rec = case.hold_meeting(present=15, items=_items(yes, 15))[-1]
    road = rec.result["items"][0]
    assert road["id"] == "road" and road["adopted"] is adopted
    assert (road["yes"], road["no"]) == (yes, 15 - yes)
    assert road["checks"][0]["rule"] == "approval"
    assert road["checks"][0]["numbers"]["needed"] == 8


@pytest.mark.parametrize(("yes", "adopted"), [(9, False), (10, True), (11, True)])
def test_an_item_under_its_own_approval_two_thirds(yes: int,
                                                   adopted: bool) -> None:
    case = _case("any")
    rec = case.hold_meeting(present=15, items=_items(15, yes))[-1]
    lights = rec.result["items"][1]
    assert lights["id"] == "lights" and lights["adopted"] is adopted
    assert lights["checks"][0]["rule"] == "lights-vote"
    assert lights["checks"][0]["numbers"]["needed"] == 10


@pytest.mark.parametrize(("policy", "road", "lights", "outcome"), [
    ("all", 8, 10, "adopted"), ("all", 8, 9, "failed"), ("all", 7, 10, "failed"),
    ("any", 8, 9, "adopted"), ("any", 7, 10, "adopted"), ("any", 7, 9, "failed")])
def test_the_stage_follows_its_item_policy(policy: str, road: int, lights: int,
                                           outcome: str) -> None:
    case = _case(policy)
    rec = case.hold_meeting(present=15, items=_items(road, lights))[-1]
    assert case.outcome == outcome
    assert rec.result["route"] == ("pass" if outcome == "adopted" else "rejected")


@pytest.mark.parametrize(("present", "route"), [(13, "no_quorum"), (14, "pass"), (15, "pass")])
def test_the_quorum_is_asked_once_before_the_items(present: int,
                                                   route: str) -> None:
    case = _case("all")
    rec = case.hold_meeting(present=present, items=_items(present, present, present))[-1]
    assert rec.result["route"] == route
    assert [c["rule"] for c in rec.result["checks"]] == ["quorum"]
    assert ("items" in rec.result) is (route != "no_quorum")


def test_items_by_name_each_voter_once_per_item() -> None:
    case = _case("all")
    present = REPS[:15]
    rec = case.hold_meeting(present=present, items={
        "road": {"yes": present[:8], "no": present[8:]},
        "lights": {"yes": present[:10], "abstain": present[10:]}})[-1]
    assert [i["adopted"] for i in rec.result["items"]] == [True, True]
    assert case.outcome == "adopted"


@pytest.mark.parametrize(("items", "kw", "error", "words"), [
    (_items(8, 10), {"yes": 8}, InvalidAction, "one by one"),
    ({"road": {"yes": 8}}, {}, InvalidAction, "lights"),
    ({**_items(8, 10), "ligths": {"yes": 1}}, {}, InvalidAction, "'lights'?"),
    ({"road": {"yes": 16}, "lights": {"yes": 10}}, {}, InvalidAction, "votes cast"),
    ({"road": {"maybe": 8}, "lights": {"yes": 10}}, {}, InvalidAction, "yes, no and abstain"),
    (_items(8, 10), {"written": {"yes": 1}}, InvalidAction, "one by one"),
])
def test_bad_item_votes_are_refused_and_change_nothing(items: Any,
                                                       kw: dict[str, Any], error: type,
                                                       words: str) -> None:
    case = _case("all")
    with pytest.raises(error) as err:
        case.hold_meeting(present=15, items=items, **kw)
    assert words in err.value.message.en
    assert case.version == 1 and case.state == "vote"


def test_a_named_vote_twice_on_one_item_or_from_someone_absent_is_refused() -> None:
    case = _case("all")
    present = REPS[:15]
    with pytest.raises(InvalidAction, match="voted twice"):
        case.hold_meeting(present=present, items={
            "road": {"yes": present[:8], "no": present[7:]}, "lights": {"yes": present[:10]}})
    with pytest.raises(InvalidAction, match="without being present"):
        case.hold_meeting(present=present, items={
            "road": {"yes": present[:8]}, "lights": {"yes": [*present[:9], REPS[19]]}})
    assert case.version == 1


def test_items_at_a_stage_without_items_are_refused(tmp_path: Path) -> None:
    from test_sim_support import one_meeting
    p = one_meeting(tmp_path, "representative", None,
                    '{ratio: 2/3, compare: ">=", base: members}',
                    '{ratio: 1/2, compare: ">", base: present}')
    case = Case.open(p, ROSTER, matter="x", clock=ManualClock())
    with pytest.raises(InvalidAction, match="no item is voted on"):
        case.hold_meeting(present=15, yes=15, items={"road": {"yes": 1}})
    assert case.version == 1


def test_items_replay() -> None:
    case = _case("any")
    case.hold_meeting(present=15, items=_items(8, 9), place="村委会议室")
    again = Case.replay(case.procedure, ROSTER, case.records)
    assert again.outcome == case.outcome == "adopted"
    assert again.records[-1].result == case.records[-1].result


# -- required observers -----------------------------------------------------------------------


@pytest.mark.parametrize(("named", "ok"), [(1, False), (2, True), (3, True)])
def test_required_observers_at_n_minus_one_n_n_plus_one(named: int,
                                                         ok: bool) -> None:
    case = _case("all", observers=2)
    if not ok:
        with pytest.raises(RuleViolation) as err:
            case.hold_meeting(present=15, items=_items(8, 10), observers=SUPERVISORS[:named])
        assert err.value.rule == "supervisors"
        assert err.value.numbers["count"] == named and err.value.numbers["needed"] == 2
        assert "too few observers" in err.value.message.en
        assert case.version == 1
        return
    rec = case.hold_meeting(present=15, items=_items(8, 10), observers=SUPERVISORS[:named])[-1]
    check = next(c for c in rec.result["checks"] if c["rule"] == "supervisors")
    assert check["ok"] and check["numbers"]["count"] == named
    assert rec.data["observers"] == tuple(SUPERVISORS[:named])


def test_observers_of_another_body_do_not_count() -> None:
    case = _case("all", observers=1)
    with pytest.raises(RuleViolation, match="too few observers"):
        case.hold_meeting(present=15, items=_items(8, 10), observers=TOWNSHIP[:1])
    assert case.version == 1


@pytest.mark.parametrize(("observers", "error", "words"), [
    (["nobody"], NotEntitled, "nobody"),
    ([SUPERVISORS[0], SUPERVISORS[0]], InvalidAction, "twice"),
    ("v0001", InvalidAction, "list of villager ids"),
])
def test_bad_observers_are_refused(observers: Any, error: type,
                                   words: str) -> None:
    case = _case("all", observers=1)
    with pytest.raises(error) as err:
        case.hold_meeting(present=15, items=_items(8, 10), observers=observers)
    assert words in err.value.message.en
    assert case.version == 1


# -- the meeting's place ------------------------------------------------------------------------


def test_the_place_is_recorded_stripped() -> None:
    case = _case("all")
    rec = case.hold_meeting(present=15, items=_items(8, 10), place="  村委会议室 ")[-1]
    assert rec.data["place"] == "村委会议室"


@pytest.mark.parametrize("place", ["", "   ", "a\x1b[2Jb", "a\u202eb", "line\nbreak",
                                   "长" * 201, 7])
def test_a_bad_place_is_refused(place: Any) -> None:
    case = _case("all")
    with pytest.raises(InvalidAction):
        case.hold_meeting(present=15, items=_items(8, 10), place=place)
    assert case.version == 1


def test_a_place_of_200_characters_is_taken() -> None:
    case = _case("all")
    rec = case.hold_meeting(present=15, items=_items(8, 10), place="长" * 200)[-1]
    assert len(rec.data["place"]) == 200


# -- any arguments: accepted or cleanly refused, a refusal changing nothing --------------------

ITEMS_CASE = _case("any", observers=1)
_IDS = [*REPS[:16], *SUPERVISORS, *TOWNSHIP, "nobody", ""]
_who = st.one_of(st.integers(-1, 20), st.lists(st.sampled_from(_IDS), max_size=6),
                 st.text(max_size=3), st.none(), st.booleans())
_vote = st.one_of(st.dictionaries(st.sampled_from(["yes", "no", "abstain", "maybe"]), _who,
                                  max_size=3), _who)
_args = st.fixed_dictionaries({"present": _who}, optional={
    "items": st.one_of(st.dictionaries(st.sampled_from(["road", "lights", "ligths", ""]), _vote,
                                       max_size=3), _who),
    "yes": _who, "observers": _who,
    "place": st.one_of(st.text(max_size=8), st.integers(), st.none()),
    "witnesses": _who})


@settings(max_examples=int(os.environ.get("DELIBERATION_FUZZ_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(_args)
def test_any_item_meeting_is_accepted_or_cleanly_refused(args: dict[str, Any]) -> None:
    case = Case.replay(ITEMS_CASE.procedure, ROSTER, ITEMS_CASE.records)
    try:
        case.hold_meeting(**args)
    except DeliberationError:
        assert case.records == ITEMS_CASE.records and case.state == "vote"
        return
    rec = case.records[-1]
    assert rec.kind == "meeting"
    if rec.result["route"] != "no_quorum":
        assert [i["id"] for i in rec.result["items"]] == ["road", "lights"]


def test_a_refused_named_vote_names_the_villager_as_a_clerk_knows_them() -> None:
    # the refusal gives the villager's name, their roster id as code after it (what a command
    # takes), not a bare id in a Chinese sentence; the id alone where the roster has no name
    named = Roster.from_records([{**row, "name": f"村民{i}"}
                                 for i, row in enumerate(ROSTER.to_data())])
    present = REPS[:15]
    for roster in (named, ROSTER):
        case = Case.open(_procedure("all", 0), roster, matter="公益项目", clock=ManualClock())
        twice = roster.get(present[7])
        who = f"{twice.name} (`{twice.id}`)" if twice.name else f"`{twice.id}`"
        with pytest.raises(InvalidAction) as err:
            case.hold_meeting(present=present, items={
                "road": {"yes": present[:8], "no": present[7:]},
                "lights": {"yes": present[:10]}})
        assert err.value.message.get("zh-Hans") == f"{who} 投了两次票"
        absent = roster.get(REPS[19])
        who = f"{absent.name} (`{absent.id}`)" if absent.name else f"`{absent.id}`"
        with pytest.raises(InvalidAction) as err:
            case.hold_meeting(present=present, items={
                "road": {"yes": present[:8]}, "lights": {"yes": [*present[:9], REPS[19]]}})
        assert err.value.message.get("zh-Hant").startswith(who)
        assert case.version == 1
