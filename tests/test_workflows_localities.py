"""The locality packs (Shandong, Chongqing) run end to end: per pack a happy path and two
unhappy paths (examples/scenarios), and every provincial figure cites its article."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_engine_support import advance_to, open_case
from test_workflows_scenarios import EXAMPLES, refusals, run, trail

from deliberation import Roster, RuleViolation, load_procedure
from deliberation.cli import main
from deliberation.engine.scenario import load_scenario, run_scenario
from deliberation.rules.days import local_date
from deliberation.rules.disclosure import Disclosure


@pytest.mark.parametrize("name", ["shandong-adopted", "chongqing-adopted"])
def test_happy_paths_have_no_refusal_and_no_detour(name: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    data = run(name, capsys)
    assert data["outcome"] == "adopted" and refusals(data) == []
    assert {r for _, r, _ in trail(data)} <= {"pass", None}


def test_shandong_women_quorum_missed_three_times(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("shandong-women-quorum", capsys)
    assert refusals(data) == ["InvalidAction"] * 3  # no count; 9 of 8 women reps; 14 of 13 others
    routes = [r for _, r, _ in trail(data) if r not in (None, "pass")]
    assert routes == ["no_quorum", "no_quorum", "max_rounds"]
    report = run_scenario(load_scenario(EXAMPLES / "shandong-women-quorum.yaml"))
    checks = [c for rec in report.case.records if rec.kind == "meeting"
              for c in rec.result["checks"] if c["rule"] == "quorum"]
    failed = [c["numbers"]["failed"] for c in checks if not c["ok"]]
    assert failed == ["women-present"] * 3
    assert data["outcome"] == "rejected"


def test_shandong_short_notice_and_short_posting(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("shandong-short-notice", capsys)
    assert refusals(data) == ["notice-period"]
    # taken down after 4 of 5 days: a route back to posting, not a refusal (Art. 13)
    assert [r for _, r, _ in trail(data)].count("short") == 1
    report = run_scenario(load_scenario(EXAMPLES / "shandong-short-notice.yaml"))
    (short,) = [rec for rec in report.case.records if rec.result.get("route") == "short"]
    check = next(c for c in short.result["checks"] if c["rule"] == "disclosure")
    assert (check["numbers"]["count"], check["numbers"]["needed"]) == (4, 5)
    assert data["outcome"] == "adopted"


def test_chongqing_short_posting_and_notice(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("chongqing-short-posting", capsys)
    assert refusals(data) == ["notice-period"]
    assert [r for _, r, _ in trail(data)].count("short") == 1
    assert data["outcome"] == "adopted"


def test_chongqing_objection_reposts_and_counts_again(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    data = run("chongqing-objection", capsys)
    assert "objection" in [r for _, r, _ in trail(data)]
    assert "short" in [r for _, r, _ in trail(data)] and refusals(data) == []
    assert data["outcome"] == "adopted"


@pytest.mark.parametrize(("pack", "days", "answer", "article"), [
    ("four-deliberations-shandong", 5, 5, "shandong-disclosure-art13"),
    ("four-deliberations-chongqing", 10, 3, "chongqing-measures-art30"),
])
def test_packs_extend_the_national_procedure_with_cited_figures(
        pack: str, days: int, answer: int, article: str) -> None:
    p = load_procedure(pack)
    assert p.extends == "four-deliberations"
    assert p.settings["disclosure-days"].default == days
    assert article in p.settings["disclosure-days"].basis
    assert p.supervision is not None and p.supervision.answer_within_days == answer
    for body in p.bodies.values():
        for spec in body.rules:
            assert spec.basis, (pack, body.id, spec.id)


@pytest.mark.parametrize("pack", ["four-deliberations-shandong", "four-deliberations-chongqing"])
@pytest.mark.parametrize("command", [["lint"], ["show"], ["diagram"], ["show", "--format", "yaml"]])
def test_packs_run_through_the_tools(pack: str, command: list[str],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    args = [command[0], pack, *command[1:]] if command[0] != "lint" else ["lint", pack]
    assert main(args) == 0
    assert capsys.readouterr().out


@pytest.mark.parametrize("pack", ["four-deliberations-shandong", "four-deliberations-chongqing"])
def test_packs_make_a_page_and_a_walkthrough(pack: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.html"
    assert main(["html", pack, "-o", str(page)]) == 0
    assert "<html" in page.read_text(encoding="utf-8")
    script = tmp_path / "walk.txt"
    script.write_text("meeting present=5 yes=5\n", encoding="utf-8")
    assert main(["walk", pack, "--lang", "en", "--script", str(script)]) == 0
    assert "Step 2 of" in capsys.readouterr().out


def test_walkthrough_takes_the_womens_count(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "walk.txt"
    script.write_text("\n".join([
        "meeting present=5 yes=5", "meeting present=6 yes=6", "circulate", "wait 3",
        "meeting present=45 yes=45 witnesses=1", "notice", "wait 5",
        "meeting present=25 yes=25 witnesses=1",
        "meeting present=25 yes=25 witnesses=1 among.woman-representative=14",
    ]) + "\n", encoding="utf-8")
    main(["walk", "four-deliberations-shandong", "--lang", "en", "--script", str(script)])
    out = capsys.readouterr().out
    assert "give present_among: {woman-representative: N} too" in out
    assert "passed → publish the resolution" in out


@pytest.mark.parametrize(("offset", "route"), [(-1, "short"), (0, "pass"), (1, "pass")])
def test_chongqing_posting_too_short_is_posted_again(offset: int, route: str) -> None:
    # Art. 30's 10 days under the Civil Code: the posting has run on the day after its 10th
    # day (later when that day is a holiday); n-1 is short, n and n+1 pass
    case, clock = open_case(load_procedure("four-deliberations-chongqing"),
                            Roster.generate(households=120, people=300, party_members=20,
                                            representatives=16))
    advance_to(case, clock, "resolution-disclosure")
    case.post_disclosure("notice-board", actor="v0002")
    (posting,) = [r for r in case.plan.stage(case.state).preconditions
                  if isinstance(r, Disclosure)]
    posted = local_date(clock.now(), case.procedure.zone)
    runs_out = posting.period.runs_out(posted)
    assert (runs_out - posted).days >= 11
    clock.advance(days=(runs_out - posted).days + offset)
    (rec,) = case.conclude_disclosure()
    assert rec.result["route"] == route
    assert case.state == ("resolution-disclosure" if route == "short" else "results-disclosure")
    if route == "short":  # the postings were cleared: concluding again needs a new posting
        with pytest.raises(RuleViolation):
            case.conclude_disclosure()
        case.post_disclosure("notice-board", actor="v0002")
        clock.advance(days=9)
        assert case.conclude_disclosure()[0].result["route"] == "short"


def test_a_posting_never_made_is_still_refused() -> None:
    case, clock = open_case(load_procedure("four-deliberations-chongqing"))
    advance_to(case, clock, "resolution-disclosure")
    with pytest.raises(RuleViolation):
        case.conclude_disclosure()
