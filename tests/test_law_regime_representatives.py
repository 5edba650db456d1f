"""The land laws' 2/3 at a representatives' meeting counts the villager representatives only.

农村土地承包法 (2018) Art. 19(3) (and Arts. 28, 52; 土地管理法 (2019) Art. 63): approval by at
least 2/3 of all members of the villagers' meeting, or at least 2/3 of all *villager
representatives* (村民代表). The representatives' meeting also seats the villagers' committee
ex officio (Organic Law Art. 25): its members who are not representatives are neither in the
base nor among the yes votes the law counts. Rosters of 16 and 15 representatives beside a
committee of 5 who are not representatives; each threshold at n−1, n, n+1.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

import attrs
import pytest
from test_law_regimes import to_resolution
from test_sim_support import _TEMPLATE, assert_paths_agree

from deliberation import Case, Roster, load_procedure
from deliberation.definition.loader import load_text
from deliberation.engine.case import ReplayError
from deliberation.engine.clock import ManualClock
from deliberation.engine.formats import ENGINE_FORMAT, FORMATS
from deliberation.errors import InvalidAction
from deliberation.simulation import SimParams, simulate
from deliberation.simulation.model import compile_plan

LAND = load_procedure("land-contracting-plan")
AT_REPS = {"resolution-body": "representatives-meeting"}


def _roster(representatives: int) -> Roster:
    return Roster.generate(households=12, people=69, adults=60, party_members=6,
                           representatives=representatives, supervision_committee=3)


def _ids(roster: Roster, selector: str) -> list[str]:
    return sorted(v.id for v in roster.select((selector,)))


def _at_resolution(representatives: int, kind: str = "land-contracting-plan",
                   settings: dict[str, Any] | None = None) -> Case:
    case = Case.open(LAND, _roster(representatives), matter="第二轮土地承包到期后延包方案",
                     kind=kind, settings=AT_REPS if settings is None else settings,
                     clock=ManualClock(datetime(2026, 3, 2, 1, tzinfo=UTC)))
    to_resolution(case)
    return case


def _checks(records: tuple[Any, ...]) -> tuple[str, dict[str, Any]]:
    (rec,) = [r for r in records if r.kind == "meeting"]
    return rec.result["route"], {c["rule"]: c for c in rec.result["checks"]}


def test_committee_yes_votes_do_not_make_up_two_thirds_of_the_representatives() -> None:
    """The example found: 16 representatives + 5 committee members = 21 members; 9
    representatives and the 5 committee members vote yes: 14/21 ≥ 2/3 of the meeting's members,
    but only 9 of the 16 representatives, and the law needs 11 of them."""
    case = _at_resolution(16)
    reps, committee = _ids(case.roster, "representative"), _ids(case.roster, "villagers-committee")
    assert len(reps) == 16 and len(committee) == 5 and not set(reps) & set(committee)
    yes = reps[:9] + committee
    route, by_rule = _checks(case.hold_meeting(reps + committee, yes, reps[9:], witnesses=1))
    regime = by_rule["matter-regime"]
    assert by_rule["approval"]["ok"] is True  # the meeting's own majority: 14 of 21 present
    assert regime["ok"] is False and route == "rejected"
    n = regime["numbers"]
    assert (n["count"], n["total"], n["needed"], n["base"]) == (9, 16, 11, "representatives")
    assert n["yes"] == 14  # every yes, as cast: the 5 not counted are shown beside


def _needed(representatives: int) -> int:
    """The fewest yes votes of representatives that are at least 2/3 of all of them (以上:
    the number itself counts), worked out on exact fractions."""
    return next(k for k in range(representatives + 1)
                if Fraction(k, representatives) >= Fraction(2, 3))


@pytest.mark.parametrize("representatives,needed", [(16, 11), (15, 10)])
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_named_votes_at_the_boundary(representatives: int, needed: int, delta: int) -> None:
    """16 representatives: 2/3 is 10.67, so 10 fails and 11 passes; 15: exactly 10 passes and
    9 fails — whatever the committee's 5 vote (all yes here)."""
    assert _needed(representatives) == needed
    assert Fraction(needed - 1, representatives) < Fraction(2, 3) <= Fraction(needed,
                                                                              representatives)
    case = _at_resolution(representatives)
    reps, committee = _ids(case.roster, "representative"), _ids(case.roster, "villagers-committee")
    k = needed + delta
    route, by_rule = _checks(case.hold_meeting(reps + committee, reps[:k] + committee, reps[k:],
                                               witnesses=1))
    n = by_rule["matter-regime"]["numbers"]
    assert (n["count"], n["total"], n["needed"], n["yes"]) == (k, representatives, needed, k + 5)
    assert by_rule["matter-regime"]["ok"] is (delta >= 0)
    assert route == ("pass" if delta >= 0 else "rejected")


@pytest.mark.parametrize("representatives,needed", [(16, 11), (15, 10)])
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_counted_votes_at_the_boundary(representatives: int, needed: int, delta: int) -> None:
    case = _at_resolution(representatives)
    k = needed + delta
    route, by_rule = _checks(case.hold_meeting(representatives + 5, k + 5, representatives - k,
                                               witnesses=1, yes_among={"representative": k}))
    n = by_rule["matter-regime"]["numbers"]
    assert (n["count"], n["total"], n["needed"]) == (k, representatives, needed)
    assert route == ("pass" if delta >= 0 else "rejected")


def test_counted_votes_without_the_representatives_yes_are_refused_and_change_nothing() -> None:
    case = _at_resolution(16)
    before = len(case.records)
    with pytest.raises(InvalidAction) as err:
        case.hold_meeting(21, 14, 7, witnesses=1)
    text = err.value.message.en
    assert "Art. 19(3)" in text and "yes_among: {representative: N}" in text
    assert "of the 14 yes votes" in text
    assert "村民代表" in err.value.message.get("zh-Hans")
    assert len(case.records) == before and case.stage == "resolution"


def test_a_meeting_without_a_quorum_is_not_asked_for_the_representatives_yes() -> None:
    case = _at_resolution(16)
    (rec,) = case.hold_meeting(13, 13, witnesses=1)  # 13 of 21: 2/3 of the members is 14
    assert rec.result["route"] == "no_quorum"


@pytest.mark.parametrize("present,yes,among,word", [
    (21, 14, 15, "more than the 14 possible"),  # more representatives' yes than yes votes
    (21, 14, 17, "more than the 14 possible"),
    (21, 20, 14, "the other 6 outnumber the 5 members who are not representatives"),
    (14, 14, 15, "more than the 14 possible"),
])
def test_inconsistent_counts_are_refused(present: int, yes: int, among: int, word: str) -> None:
    case = _at_resolution(16)
    before = len(case.records)
    with pytest.raises(InvalidAction) as err:
        case.hold_meeting(present, yes, present - yes, witnesses=1,
                          yes_among={"representative": among})
    assert word in err.value.message.en
    assert len(case.records) == before


def test_representatives_present_bound_their_yes_votes() -> None:
    """Named attendance, counted votes: the representatives' yes votes are at most the
    representatives present."""
    case = _at_resolution(16)
    reps, committee = _ids(case.roster, "representative"), _ids(case.roster, "villagers-committee")
    with pytest.raises(InvalidAction) as err:
        case.hold_meeting(reps[:10] + committee, 15, witnesses=1,
                          yes_among={"representative": 11})
    assert "more than the 10 representatives present" in err.value.message.en


def test_named_votes_and_a_different_count_given_are_refused() -> None:
    case = _at_resolution(16)
    reps, committee = _ids(case.roster, "representative"), _ids(case.roster, "villagers-committee")
    with pytest.raises(InvalidAction) as err:
        case.hold_meeting(reps + committee, reps[:9] + committee, witnesses=1,
                          yes_among={"representative": 14})
    assert "include 9 of villager representatives, not the 14 given" in err.value.message.en


def test_an_unknown_key_gets_a_did_you_mean() -> None:
    case = _at_resolution(16)
    with pytest.raises(InvalidAction) as err:
        case.hold_meeting(21, 16, witnesses=1, yes_among={"representatives": 11})
    assert "representative" in err.value.message.en and "did you mean" in err.value.message.en


@pytest.mark.parametrize("kind,settings", [
    ("ordinary-major-matter", AT_REPS),  # no regime binds the kind
    ("land-contracting-plan", {}),  # the villagers' meeting: 2/3 of all its members
])
def test_yes_among_where_no_rule_counts_it_is_refused(kind: str, settings: dict[str, Any]
                                                      ) -> None:
    case = _at_resolution(16, kind, settings)
    with pytest.raises(InvalidAction) as err:
        case.hold_meeting(21, 16, witnesses=1, yes_among={"representative": 11})
    assert "leave out yes_among" in err.value.message.en


@pytest.mark.parametrize("kind,article", [
    ("plot-adjustment", "28"), ("contracting-to-outsiders", "52"),
    ("collective-construction-land", "63"),  # 土地管理法 (2019) Art. 63 names the same base
])
def test_every_land_kind_counts_the_representatives(kind: str, article: str) -> None:
    case = _at_resolution(16, kind)
    reps, committee = _ids(case.roster, "representative"), _ids(case.roster, "villagers-committee")
    route, by_rule = _checks(case.hold_meeting(reps + committee, reps[:10] + committee,
                                               reps[10:], witnesses=1))
    n = by_rule["matter-regime"]["numbers"]
    assert (n["article"], n["count"], n["total"], n["needed"]) == (article, 10, 16, 11)
    assert route == "rejected"


def test_the_verdict_says_the_base_and_the_votes_not_counted_in_three_languages() -> None:
    case = _at_resolution(16)
    reps, committee = _ids(case.roster, "representative"), _ids(case.roster, "villagers-committee")
    before = case.explain("zh-Hans")  # what the vote needs, before it is held
    assert "全体 16 名村民代表中至少 11 人同意" in before
    assert "at least 11 yes of all 16 villager representatives" in case.explain("en")
    _route, by_rule = _checks(case.hold_meeting(reps + committee, reps[:9] + committee,
                                                reps[9:], witnesses=1))
    rule = case.plan.stages["resolution"].regime
    assert rule is not None
    text = rule.message(False, by_rule["matter-regime"]["numbers"])
    en, hans, hant = (text.get(lang) for lang in ("en", "zh-Hans", "zh-Hant"))
    assert "9 yes of all 16 villager representatives" in en and "at least 11" in en
    assert "5 yes vote(s) of members who are not villager representatives" in en
    assert "全体村民代表16人中9人同意" in hans and "须经全体村民代表三分之二以上同意" in hans
    assert "5票" in hans and "全體村民代表16人中9人同意" in hant


# -- cases stored by an earlier engine ---------------------------------------------------------


def _stored_by_format_3() -> tuple[Case, list[Any]]:
    """The example's case as the engine of format 3 stored it: the resolution accepted with
    14 of all 21 members (its meeting record counted so when it was made)."""
    case = _at_resolution(16)
    # (the engine of format 3 counting the meeting, as it counted every meeting then)
    case._ctx = attrs.evolve(case._ctx, engine_format=FORMATS[3])  # type: ignore[attr-defined]
    reps, committee = _ids(case.roster, "representative"), _ids(case.roster, "villagers-committee")
    route, by_rule = _checks(case.hold_meeting(reps + committee, reps[:9] + committee,
                                               reps[9:], witnesses=1))
    assert route == "pass" and by_rule["matter-regime"]["numbers"]["total"] == 21
    records = list(case.records)
    opened = attrs.evolve(records[0], data={**records[0].data, "engine_format": 3})
    return case, [opened, *records[1:]]


def test_a_case_stored_under_the_old_count_replays_as_it_was_accepted() -> None:
    case, stored = _stored_by_format_3()
    again = Case.replay(LAND, case.roster, stored)
    assert again.stage == case.stage != "resolution"
    # the same records claimed as today's format: the meeting's verdict differs, and replay
    # names it
    today = [attrs.evolve(stored[0], data={**stored[0].data, "engine_format": ENGINE_FORMAT}),
             *stored[1:]]
    with pytest.raises(ReplayError) as err:
        Case.replay(LAND, case.roster, today)
    assert 'route: stored "pass", now "rejected"' in err.value.message.en


def test_a_new_vote_on_a_case_of_an_earlier_format_is_counted_by_the_law() -> None:
    case, stored = _stored_by_format_3()
    meeting = next(i for i, r in enumerate(stored) if r.kind == "meeting"
                   and r.stage == "resolution")
    before = Case.replay(LAND, case.roster, stored[:meeting], clock=case.clock)
    assert before.stage == "resolution"
    reps, committee = _ids(case.roster, "representative"), _ids(case.roster, "villagers-committee")
    route, by_rule = _checks(before.hold_meeting(reps + committee, reps[:9] + committee,
                                                 reps[9:], witnesses=1))
    assert route == "rejected" and by_rule["matter-regime"]["numbers"]["total"] == 16


# -- the simulator: both paths count the representatives' yes votes apart ------------------------


def _binomial_tail(n: int, p: float, k: int) -> float:
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


_SURE = {"branch-committee": 1.0, "two-committees": 1.0, "party-assembly": 1.0}


def _sim_params(**more: Any) -> Any:
    return SimParams(**{"kind": "land-contracting-plan", "households": 60, "people": 200,
                        "adults": 200, "party_members": 10, "representatives": 16,
                        "settings": AT_REPS, **more})


def test_the_simulators_plan_counts_the_representatives() -> None:
    plan = compile_plan(LAND, _sim_params())
    st = next(s for s in plan.stages if s.id == "resolution")
    assert st.representative_yes and st.members == 21
    (regime,) = [a for a in st.approval if a.rule_id == "matter-regime"]
    assert (regime.count, regime.fixed_needed) == ("representative_yes", 11)
    assert sum(g.n for g in st.groups if g.representative) == 16


def test_simulator_against_the_exact_binomial_of_the_representatives() -> None:
    """Everyone attends and each votes yes with 0.7: the law's vote passes when at least 11 of
    the 16 representatives do, P = P(Binomial(16, 0.7) ≥ 11) (the meeting's own majority, 11
    of 21, then holds too); the resolution is held up to 3 times, so P(adopted) =
    1 − (1 − p)³. Counting all 21 members instead would give P(Binomial(21, 0.7) ≥ 14)."""
    p = _binomial_tail(16, 0.7, 11)
    old = _binomial_tail(21, 0.7, 14)
    expected, wrong = 1 - (1 - p) ** 3, 1 - (1 - old) ** 3
    runs = 40_000
    se = math.sqrt(expected * (1 - expected) / runs)
    assert abs(expected - wrong) > 10 * se  # the test tells the two counts apart
    params = _sim_params(attendance_by_body={**_SURE, "representatives-meeting": 1.0},
                         support=0.7, support_concentration=None, revision_gain=0.0,
                         support_by_body={**_SURE, "representatives-meeting": 0.7})
    out = simulate("land-contracting-plan", params, runs, seed=5)
    got = float((out["outcome"] == "adopted").mean())
    assert abs(got - expected) < 4 * se, (got, expected, wrong)


def test_engine_and_vectorised_paths_agree_at_the_representatives_meeting() -> None:
    params = _sim_params(support_by_body={"branch-committee": 0.9, "two-committees": 0.85,
                                          "representatives-meeting": 0.75},
                         attendance_by_body={"representatives-meeting": 0.9}, support=0.8)
    eng = simulate("land-contracting-plan", params, 600, seed=23, path="engine")
    vec = simulate("land-contracting-plan", params, 40_000, seed=23)
    ends = vec["end_rule"].value_counts(normalize=True)
    assert 0.02 < ends.get("matter-regime", 0.0) < 0.98, ends
    assert_paths_agree(eng, vec, 600, 40_000, ("days", "reconvenings", "revisions", "meetings"))


# -- items voted one by one under the regime -------------------------------------------------------


def _items_case() -> Case:
    bodies = """\
  reps:
    name: {zh-Hans: 村民代表会议, zh-Hant: 村民代表會議, en: representatives}
    members: [villagers-committee, representative]
    basis: [b]
    rules:
      - rule: quorum
        params: {ratio: 2/3, compare: ">=", base: members}
        basis: [b]
      - rule: approval
        params: {ratio: 1/2, compare: ">", base: present}
        basis: [b]"""
    stages = """\
  - id: vote
    name: {zh-Hans: 表决, zh-Hant: 表決, en: vote}
    action: meeting
    body: reps
    basis: [b]
    rules:
      - rule: matter-regime
        params: {regimes: [land-contracting]}
        basis: [b]
    items:
      - id: north
        name: {zh-Hans: 北片, zh-Hant: 北片, en: north}
      - id: south
        name: {zh-Hans: 南片, zh-Hant: 南片, en: south}
    on: {no_quorum: failed, rejected: failed}"""
    proc = load_text(_TEMPLATE.format(id="land-items", bodies=bodies, stages=stages),
                     "land-items.yaml")
    return Case.open(proc, _roster(16), matter="两片土地承包方案", kind="land-contracting-plan",
                     clock=ManualClock(datetime(2026, 3, 2, 1, tzinfo=UTC)))


def test_each_item_counts_its_own_representatives_yes() -> None:
    case = _items_case()
    reps, committee = _ids(case.roster, "representative"), _ids(case.roster, "villagers-committee")
    (rec,) = [r for r in case.hold_meeting(reps + committee, items={
        "north": {"yes": reps[:11] + committee, "no": reps[11:]},
        "south": {"yes": reps[:10] + committee, "no": reps[10:]}}, witnesses=0)
        if r.kind == "meeting"]
    by_item = {it["id"]: it for it in rec.result["items"]}
    law = {k: next(c for c in it["checks"] if c["rule"] == "matter-regime")
           for k, it in by_item.items()}
    assert (law["north"]["numbers"]["count"], law["north"]["ok"]) == (11, True)
    assert (law["south"]["numbers"]["count"], law["south"]["ok"]) == (10, False)
    assert by_item["north"]["adopted"] and not by_item["south"]["adopted"]


def test_counted_item_votes_give_each_items_representatives_yes() -> None:
    case = _items_case()
    with pytest.raises(InvalidAction) as err:
        case.hold_meeting(21, items={"north": {"yes": 16, "no": 5,
                                               "yes_among": {"representative": 11}},
                                     "south": {"yes": 16, "no": 5}})
    assert "items.south.yes_among: {representative: N}" in err.value.message.en
    assert case.version == 1
    with pytest.raises(InvalidAction) as err:  # the meeting's, beside the items': refused
        case.hold_meeting(21, items={"north": {"yes": 16, "no": 5}, "south": {"yes": 16, "no": 5}},
                          yes_among={"representative": 11})
    assert "give yes_among with each item's votes" in err.value.message.en
    (rec,) = [r for r in case.hold_meeting(21, items={
        "north": {"yes": 16, "no": 5, "yes_among": {"representative": 11}},
        "south": {"yes": 16, "no": 5, "yes_among": {"representative": 12}}})
        if r.kind == "meeting"]
    assert rec.result["route"] == "pass"


def test_simulator_paths_agree_on_items_under_the_regime() -> None:
    """Each item's law vote on its own representatives' yes votes, in both paths."""
    params = _sim_params(settings={}, attendance_by_body={"reps": 0.85}, support=0.75)
    proc = _items_case().procedure
    vec = simulate(proc, params, 20_000, seed=3)
    eng = simulate(proc, params, 600, seed=3, path="engine")
    ends = vec["end_rule"].value_counts(normalize=True)
    assert 0.02 < ends.get("matter-regime", 0.0) < 0.98, ends
    assert_paths_agree(eng, vec, 600, 20_000, ("days", "meetings"))
