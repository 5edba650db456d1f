"""The locality packs (Shandong, Chongqing) run end to end: per pack a happy path and two
unhappy paths (examples/scenarios), and every provincial figure cites its article."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_workflows_scenarios import EXAMPLES, refusals, run, trail

from deliberation import load_procedure
from deliberation.cli import main
from deliberation.engine.scenario import load_scenario, run_scenario


@pytest.mark.parametrize("name", ["shandong-adopted", "chongqing-adopted"])
def test_happy_paths_have_no_refusal_and_no_detour(name: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    data = run(name, capsys)
    assert data["outcome"] == "adopted" and refusals(data) == []
    assert {r for _, r, _ in trail(data)} <= {"pass", None}


def test_shandong_women_quorum_missed_three_times(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("shandong-women-quorum", capsys)
    assert refusals(data) == ["InvalidAction"] * 3  # no women's count; 12 of 11; 11 of 10 men
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
    assert refusals(data) == ["notice-period", "disclosure"]
    posting = next(v for a in data["actions"] if not a["accepted"]
                   for v in a["violations"] if v["rule"] == "disclosure")
    assert posting["numbers"]["needed"] == 5
    assert data["outcome"] == "adopted"


def test_chongqing_short_posting_and_notice(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("chongqing-short-posting", capsys)
    assert refusals(data) == ["notice-period", "disclosure"]
    assert data["outcome"] == "adopted"


def test_chongqing_objection_reposts_and_counts_again(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    data = run("chongqing-objection", capsys)
    assert "objection" in [r for _, r, _ in trail(data)]
    assert refusals(data) == ["disclosure"]
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
        "meeting present=25 yes=25 witnesses=1 among.woman=12"]) + "\n", encoding="utf-8")
    main(["walk", "four-deliberations-shandong", "--lang", "en", "--script", str(script)])
    out = capsys.readouterr().out
    assert "give present_among: {woman: N} too" in out
    assert "passed → publish the resolution" in out
