"""The trainer's view of a procedure: numbering, summaries, routes, sample numbers."""

from __future__ import annotations

from fractions import Fraction

import pytest

from deliberation import Roster, load_procedure
from deliberation.rules import RULES, Facts
from deliberation.rules.thresholds import Base, Comparison, Threshold
from deliberation.trainer.steps import build_view, route_keys


@pytest.fixture(scope="module")
def six():
    return build_view(load_procedure("six-deliberations-guzhuang"), roster=Roster.generate())


def test_steps_follow_the_definition_order_and_number_rules(six):
    proc = load_procedure("six-deliberations-guzhuang")
    assert [s.id for s in six.steps] == [s.id for s in proc.stages]
    for step in six.steps:
        assert [r.number for r in step.rules] == [
            f"{step.number}.{i + 1}" for i in range(len(proc.rules_of(proc.stage(step.id))))
        ]


def test_transition_summary_states_the_boundary_words(six):
    resolution = six.step("resolution")
    assert six.transition_summary(resolution).en == (
        "≥2/3 of members present; >1/2 of present vote yes"
    )
    assert six.transition_summary(resolution).zh_hans == "到会≥组成人员的2/3;赞成>实到人数的1/2"
    review = six.step("review")
    assert ">1/2 of expected (应到) vote yes" in six.transition_summary(review).en


def test_routes_cover_every_result_of_a_meeting(six):
    routes = {r.key: (r.kind, r.target) for r in six.step("resolution").routes}
    assert routes == {
        "pass": ("stage", "resolution-disclosure"),
        "no_quorum": ("reconvene", "reconvene"),
        "rejected": ("stage", "discussion"),
        "max_rounds": ("outcome", "rejected"),
        "objection": ("reconvene", "reconvene"),  # an objection answered with a redo
    }
    last = six.steps[-1]
    assert ("pass", "adopted") in {(r.key, r.target) for r in last.routes}
    proc = load_procedure("six-deliberations-guzhuang")
    assert route_keys(proc, proc.stage("consultation")) == ("pass", "objection")


def test_rule_views_carry_resolved_params_that_the_registry_accepts(six):
    """The params shown are the ones the engine uses: the registry's check runs on them."""
    for step in six.steps:
        for rule in step.rules:
            result = RULES[rule.rule].check(rule.params, Facts())
            assert result.rule  # ran without KeyError on any parameter


def test_thresholds_match_the_library_threshold(six):
    quorum = six.step("resolution").rules[0]
    t = quorum.thresholds[0]
    lib = Threshold(Fraction(2, 3), Comparison.AT_LEAST, Base.MEMBERS)
    assert (t.ratio, t.compare, t.base) == (lib.ratio, ">=", "members")
    assert (t.count_field, t.total_field) == ("present_members", "members")


def test_open_settings_are_named_on_their_rules(six):
    review_quorum = six.step("review").rules[0]
    assert {s.id for s in review_quorum.settings} == {
        "party-assembly-quorum-ratio", "party-assembly-quorum-compare",
    }
    assert all(s.open for s in review_quorum.settings)


def test_sample_counts_come_from_the_roster(six):
    assert six.step("review").sample["members"] == 45
    assert six.step("resolution").sample["members"] == 33  # 5 committee members + 28 reps


def test_settings_change_what_is_shown():
    proc = load_procedure("four-deliberations")
    view = build_view(proc, {"party-assembly-quorum-ratio": Fraction(2, 3)})
    assert view.step("review").rules[0].summary.en.startswith("≥2/3 of expected")
    assert build_view(proc).step("review").rules[0].summary.en.startswith("≥1/2 of expected")
