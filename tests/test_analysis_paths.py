"""``deliberation paths``: every path a matter can take, counted, grouped, and checked against
the engine (each derived path is driven through a real case, which must take the same routes).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from test_engine_support import wait_for_notice

from deliberation import Case, Roster, load_procedure
from deliberation.analysis.paths import WITHDRAW, Step, all_paths, derive_paths
from deliberation.analysis.paths_render import to_mermaid, to_text
from deliberation.cli import main
from deliberation.definition.loader import load_file
from deliberation.definition.model import ActionKind, Procedure
from deliberation.engine.clock import ManualClock

# the Mermaid syntax around the labels (node ids g1, o1 …, entity codes #gt;)
MERMAID_WORDS = frozenset({"flowchart", "LR", "start", "gt", "lt", "quot", "amp"})
SMALL = Path(__file__).parent / "procedures" / "small-vote.yaml"
PROCEDURES = Path(__file__).parent.parent / "procedures"
ROSTER = Roster.generate()


def test_small_procedure_has_the_hand_counted_paths() -> None:
    # vote (at most 2 meetings; no quorum or rejected: held again), confirm (approval only),
    # publish; withdrawal until the vote.
    #   adopted: vote pass | nq,pass | rej,pass — then confirm pass, publish pass     = 3
    #   confirm rejected: the same three ways to pass the vote, then confirm rejects   = 3
    #   vote rounds exhausted by no quorum: (nq | rej) then nq                         = 2
    #   vote rounds exhausted by rejection: (nq | rej) then rej                        = 2
    #   withdrawn at the vote: before the first meeting, after nq, after rej           = 3
    a = derive_paths(load_file(SMALL))
    counts = {(g.ending.stage, g.ending.result, g.ending.route, g.ending.outcome): g.count
              for g in a.groups}
    assert counts == {
        ("publish", "pass", "pass", "adopted"): 3,
        ("confirm", "rejected", "rejected", "rejected"): 3,
        ("vote", "no_quorum", "max_rounds", "rejected"): 2,
        ("vote", "rejected", "max_rounds", "rejected"): 2,
        ("vote", WITHDRAW, WITHDRAW, "withdrawn"): 3,
    }
    assert a.total == 13
    # the objection to the publication may repeat without bound: listed once, not counted
    assert [(lp.stage, lp.result, lp.to) for lp in a.loops] == [
        ("publish", "objection", "publish")]
    assert len(all_paths(load_file(SMALL))) == 13


def test_four_deliberations_lists_the_rounds_exhausted_groups_with_their_rule() -> None:
    a = derive_paths(load_procedure("four-deliberations"))
    review = a.group(stage="review", result="rejected", route="max_rounds")
    assert (review.ending.rule, review.ending.outcome) == ("approval", "rejected")
    resolution = a.group(stage="resolution", result="no_quorum", route="max_rounds")
    assert resolution.ending.rule == "quorum"
    en = to_text(a, "en")
    assert ("review: rejected [approval: >1/2 of expected (应到) vote yes] → rounds exhausted "
            "(3 rounds held) → rejected") in en
    assert "simplest: review rejected 3 times → rejected" in en
    assert ("resolution: no quorum [quorum: ≥2/3 of members present] → rounds exhausted "
            "(3 rounds held) → rejected") in en
    assert "simplest: resolution without quorum 3 times → rejected" in en
    zh = to_text(a, "zh-Hans")
    assert "最简:审议未通过 3 次 → 未通过" in zh
    assert "最简:决议未达法定人数 3 次 → 未通过" in zh
    assert "最簡:審議未通過 3 次 → 未通過" in to_text(a, "zh-Hant")
    assert sum(g.count for g in a.groups) == a.total == len(all_paths(a.procedure))


@pytest.mark.parametrize("procedure", ["four-deliberations", "six-deliberations-guzhuang"])
@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_a_chinese_path_list_names_its_rules_in_chinese(procedure: str, lang: str) -> None:
    """The rule that ends a group is named by its label (〔表决通过:…〕), not by its id: a
    Chinese view has no Latin word outside code (docs/trainer.md)."""
    a = derive_paths(load_procedure(procedure))
    for text in (to_text(a, lang), to_mermaid(a, lang)):
        latin = re.findall(r"[A-Za-z]{2,}", re.sub(r"`[^`]*`", "", text))
        assert [w for w in latin if w not in MERMAID_WORDS] == [], text
    assert ("〔表决通过:赞成>组成人员的1/2〕" if lang == "zh-Hans"
            else "〔表決通過:贊成>組成人員的1/2〕") in to_text(a, lang)


def test_a_setting_that_merges_a_stage_removes_its_endings() -> None:
    four = load_procedure("four-deliberations")
    merged = derive_paths(four, {"one-person-both-chairs": True})
    assert not [g for g in merged.groups if g.ending.stage == "discussion"]
    assert derive_paths(four).total > merged.total


def _member(case: Case, selectors: tuple[str, ...]) -> str:
    """A member of a body: a committee member if there is one (they may propose), else any."""
    members = [v for v in case.roster.villagers if case.roster.matches(v, selectors)]
    committee = [v for v in members if case.roster.matches(v, ("villagers-committee",))]
    return (committee or members)[0].id


def _today(case: Case, clock: ManualClock) -> date:
    return clock.now().astimezone(case.plan.zone).date()


def _drive(case: Case, clock: ManualClock, step: Step) -> None:
    """Make ``step`` happen in ``case`` with the engine's own actions."""
    sp = case.plan.stage(case.state)
    counts = case.plan.counts(case.roster, sp.body)
    if step.result == WITHDRAW:
        first = next((s for s in case.plan.stages.values() if s.kind is ActionKind.MEETING),
                     None)
        if first is not None:
            case.withdraw(_member(case, first.body.members))
        else:  # no proposing body: the submitter of the motion (as _drive submits it)
            motion = next(s for s in case.plan.stages.values() if s.kind is ActionKind.MOTION)
            case.withdraw(_member(case, motion.body.members))
        return
    lunar = sp.rule("lunar-schedule")
    while lunar is not None and not lunar.verdict({"on": _today(case, clock)}).ok:
        clock.advance(days=1)  # wait for the next scheduled lunar day
    if step.result == "deadline":
        clock.advance(days=40)
        case.check_deadlines()
        return
    if sp.kind is ActionKind.MOTION:
        case.submit_motion("修建村道", [_member(case, sp.body.members)])
    elif sp.kind is ActionKind.CONSULTATION:
        coverage = sp.rule("consultation-coverage")
        by_household = getattr(coverage, "unit", "villager") == "household"
        case.record_opinions(counts.households if by_household else counts.adults)
        case.close_consultation()
    elif sp.kind is ActionKind.DISCLOSURE:
        case.post_disclosure("notice-board", actor=_member(case, sp.body.members))
        clock.advance(days=7)
        case.conclude_disclosure()
    elif sp.kind is ActionKind.TASK:
        result = {"pass": "done"}.get(step.result, step.result)
        records = case.record_task(result, actor=_member(case, sp.body.members))
        task = next(r.result for r in records if r.kind == "task")
        assert task["route"] == step.route, step
    elif sp.kind is ActionKind.EVALUATION:
        n = counts.members
        if step.result == "pass":
            case.record_ratings(n)
        else:
            case.record_ratings(0, unsatisfied=n)
        records = case.close_evaluation()
        closed = next(r.result for r in records if r.kind == "evaluation-closed")
        assert (closed["route"], closed["round"]) == (step.route, step.round), step
    elif sp.kind is ActionKind.GATE:
        auth = sp.stage.authority
        if auth is not None:
            decision = {"pass": "approved" if auth.asks == "approval" else "filed",
                        "rejected": "refused", "returned": "returned"}[step.result]
            records = case.record_authority_decision(
                decision, issuer="township", number="1", issued_on=_today(case, clock).isoformat(),
                reason="incomplete", actor=_member(case, sp.body.members))
        else:
            checks = [c.id for c in sp.stage.checks]
            returned = step.result == "returned"
            records = case.examine(met=checks[1:] if returned else checks,
                                   not_met={checks[0]: "incomplete"} if returned else None,
                                   signed=[v.id for v in case.roster.select(sp.body.members)])
        decided = next(r.result for r in records if r.kind in ("examination",
                                                               "authority-decision"))
        assert (decided["route"], decided["round"]) == (step.route, step.round), step
    else:
        assert sp.kind is ActionKind.MEETING
        rules = {r.name for r in sp.preconditions}
        if "notice-period" in rules:
            case.give_notice()
            wait_for_notice(case, clock)
        if "advance-circulation" in rules:
            case.circulate_plan()
            clock.advance(days=3)
        n = counts.voters
        present, yes = {"pass": (n, n), "no_quorum": (0, 0), "rejected": (n, 0)}[step.result]
        records = case.hold_meeting(present=present, yes=yes, no=present - yes,
                                    households=counts.households if present else 0,
                                    non_voting=(counts.members - n) if present else 0,
                                    witnesses=1)
        meeting = next(r.result for r in records if r.kind == "meeting")
        assert (meeting["route"], meeting["round"]) == (step.route, step.round), step


def _through_engine(procedure: Procedure, settings: dict[str, object] | None = None) -> int:
    """Drive every derived path through a real case; each step must lead where it says."""
    paths = all_paths(procedure, settings)
    for path in paths:
        clock = ManualClock()
        case = Case.open(procedure, ROSTER, matter="修村道", clock=clock, settings=settings)
        steps = list(path)
        for i, step in enumerate(steps):
            if step.result == "skip":
                continue  # the engine merges the stage away by itself
            assert case.state == step.stage, (path, i)
            _drive(case, clock, step)
            # a stage merged away is passed straight through by the engine
            expected = step.to
            for later in steps[i + 1:]:
                if later.result != "skip":
                    break
                expected = later.to
            assert case.state == expected, (path, i, case.state)
        assert case.closed and case.outcome == path[-1].to
    return len(paths)


def test_every_path_of_the_small_procedure_is_one_the_engine_takes() -> None:
    assert _through_engine(load_file(SMALL)) == 13


@pytest.mark.parametrize("pid,settings", [
    ("four-deliberations", None),
    ("four-deliberations", {"one-person-both-chairs": True}),
    ("six-deliberations-guzhuang", None),
    ("one-matter-one-discussion", None),
    ("party-member-proposal-lijin", None),
    ("talk-days", None),
    ("six-orders-duannangou", None),
    ("town-calls-linzi", None),
    ("year-end-accounting-guzhuang", None),
    ("four-deliberations-supervised", None),  # a gate examined by the supervision committee
    ("land-contracting-outsiders", None),  # a gate decided by the township government
])
def test_every_path_of_a_built_in_procedure_is_one_the_engine_takes(
        pid: str, settings: dict[str, object] | None) -> None:
    procedure = load_procedure(pid)
    assert _through_engine(procedure, settings) == derive_paths(procedure, settings).total


def test_paths_command_text_json_and_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["paths", str(SMALL), "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "13 paths in 5 groups" in text
    assert main(["paths", "four-deliberations", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["paths"] == 334 == sum(g["paths"] for g in data["groups"])
    review = next(g for g in data["groups"]
                  if (g["stage"], g["result"], g["route"]) == ("review", "rejected", "max_rounds"))
    assert review["simplest_summary"]["en"] == "review rejected 3 times → rejected"
    assert main(["paths", "four-deliberations", "--format", "mermaid", "--lang", "zh-Hant"]) == 0
    mermaid = capsys.readouterr().out
    assert mermaid.startswith("flowchart LR") and "審議" in mermaid


def test_simulated_shares_cover_every_run(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pandas")
    assert main(["paths", "four-deliberations", "--simulate", "--runs", "3000", "--seed", "1",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    runs = [g["simulated"]["runs"] for g in data["groups"] if "simulated" in g]
    unmatched = [u["runs"] for u in data["simulation"]["unmatched"]]
    assert sum(runs) + sum(unmatched) == data["simulation"]["runs"] == 3000
    adopted = next(g for g in data["groups"] if g["outcome_kind"] == "success")
    assert 0 < adopted["simulated"]["p"] < 1
    assert adopted["simulated"]["ci_low"] <= adopted["simulated"]["p"] <= adopted["simulated"][
        "ci_high"]


def test_too_many_paths_is_one_clear_line(capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("deliberation.analysis.paths.MAX_PATHS", 10)
    assert main(["paths", "four-deliberations", "--lang", "en"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "deliberation: too many paths (over 10) to enumerate"


def test_simulated_shares_on_the_engine_path(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pandas")
    assert main(["paths", str(SMALL), "--simulate", "--runs", "40", "--seed", "2",
                 "--sim-path", "engine", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    runs = [g["simulated"]["runs"] for g in data["groups"] if "simulated" in g]
    assert sum(runs) + sum(u["runs"] for u in data["simulation"]["unmatched"]) == 40


def test_a_path_too_long_to_enumerate_is_one_clear_line(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("deliberation.analysis.paths.MAX_STEPS", 5)
    assert main(["paths", "four-deliberations", "--lang", "en"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "deliberation: a path longer than 5 steps: too long to enumerate"


def test_loops_allowing_hundreds_of_rounds_are_refused_not_a_recursion_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a fuzzed copy of a land procedure once reached Python's recursion limit here
    text = (PROCEDURES / "four-deliberations.yaml").read_text(encoding="utf-8")
    assert "max_rounds: 3" in text
    file = tmp_path / "many-rounds.yaml"
    file.write_text(text.replace("max_rounds: 3", "max_rounds: 900"), encoding="utf-8")
    assert main(["paths", str(file), "--lang", "en"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "deliberation: a path longer than 200 steps: too long to enumerate"
