"""Scenario files and ``deliberation run``: refusals are outcomes, bad files exit 2 located."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deliberation.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "scenarios"


def test_example_scenario_runs_to_adoption_with_refusals(capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    assert main(["run", str(EXAMPLES / "road-guzhuang.yaml"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["procedure"] == "six-deliberations-guzhuang"
    assert (data["state"], data["outcome"]) == ("adopted", "adopted")
    refused = [a for a in data["actions"] if not a["accepted"]]
    assert [v["rule"] for a in refused for v in a["violations"]] == [
        "consultation-coverage", "disclosure"]
    coverage = refused[0]["violations"][0]["numbers"]
    assert (coverage["count"], coverage["needed"]) == (677, 678)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_scenario_runs(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(path), "--lang", "zh-Hant"]) == 0
    assert capsys.readouterr().out.strip()


def test_invalid_scenario_exits_2_with_location(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("procedure: four-deliberations\nroster: {generate: {}}\nactions:\n"
                   "  - do: meting\n  - do: meeting\n    present: many\n", encoding="utf-8")
    assert main(["run", str(bad), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:4:" in err and "actions[0].do" in err and "meeting" in err
    assert f"{bad}:6:" in err and "actions[1].present" in err


def test_unknown_procedure_and_roster_errors_are_located(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("procedure: nine-deliberations\nroster: {generate: {households: 0}}\n"
                   "actions: []\n", encoding="utf-8")
    assert main(["run", str(bad), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:1:" in err and f"{bad}:2:" in err


def test_refused_action_reports_not_entitled(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    s = tmp_path / "s.yaml"
    s.write_text("procedure: four-deliberations\nroster: {generate: {}}\nactions:\n"
                 "  - do: objection\n    by: v0100\n", encoding="utf-8")
    assert main(["run", str(s), "--json"]) == 0
    (action,) = json.loads(capsys.readouterr().out)["actions"]
    assert action["accepted"] is False and action["error"]["type"] == "NotEntitled"


def test_roster_from_a_csv_file_and_inline_villagers(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "village.csv").write_text(
        "id,household,adult,party,committees\n"
        "a1,h1,true,full,party-committee\n"
        "a2,h1,true,full,party-committee\n"
        "a3,h2,true,none,\n", encoding="utf-8")
    s = tmp_path / "s.yaml"
    s.write_text("procedure: four-deliberations\nroster: {file: village.csv}\nactions:\n"
                 "  - do: meeting\n    present: [a1, a2]\n    yes: [a1, a2]\n"
                 "  - do: meeting\n    present: [a1, a3]\n", encoding="utf-8")
    assert main(["run", str(s), "--json"]) == 0
    first, second = json.loads(capsys.readouterr().out)["actions"]
    assert (first["accepted"], first["route"], first["state"]) == (True, "pass", "discussion")
    assert second["accepted"] is False and second["error"]["type"] == "NotEntitled"
    inline = tmp_path / "inline.yaml"
    inline.write_text("procedure: four-deliberations\nroster:\n  villagers:\n"
                      "    - {id: a1, household: h1, party: full, committees: [party-committee]}\n"
                      "actions:\n  - do: meeting\n    present: 0\n", encoding="utf-8")
    assert main(["run", str(inline), "--json"]) == 0
    (only,) = json.loads(capsys.readouterr().out)["actions"]
    assert only["route"] == "no_quorum"


def test_roster_problems_in_a_scenario_are_located(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    inline = tmp_path / "inline.yaml"
    inline.write_text("procedure: four-deliberations\nroster:\n  villagers:\n"
                      "    - {id: a1, household: h1, is_adult: false}\n"
                      "    - {id: a1, household: h1, party: ful}\n"
                      "actions: []\n", encoding="utf-8")
    assert main(["run", str(inline), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert f"{inline}:4:31: R201 roster.villagers[0].is_adult: unknown key 'is_adult'" in err
    assert f"{inline}:5:38: R203 roster.villagers[1].party:" in err
    assert f"{inline}:5:12: R206 roster.villagers[1].id:" in err
    counts = tmp_path / "counts.yaml"
    counts.write_text("procedure: four-deliberations\nroster:\n  generate: {peple: 5, "
                      "away_share: .nan}\nactions: []\n", encoding="utf-8")
    assert main(["run", str(counts), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert f"{counts}:3:14: R301 roster.generate.peple: unknown parameter 'peple' " \
           "(hint: did you mean 'people'?)" in err
    assert f"{counts}:3:36: R303 roster.generate.away_share:" in err
    (tmp_path / "village.csv").write_text("id,household,committee\na1,h1,x\n", encoding="utf-8")
    by_file = tmp_path / "file.yaml"
    by_file.write_text("procedure: four-deliberations\nroster: {file: village.csv}\n"
                       "actions: []\n", encoding="utf-8")
    assert main(["run", str(by_file), "--lang", "en"]) == 2
    assert f"{tmp_path / 'village.csv'}:1:3: R201 committee:" in capsys.readouterr().err
    by_file.write_text("procedure: four-deliberations\nroster: {file: nowhere.csv}\n"
                       "actions: []\n", encoding="utf-8")
    assert main(["run", str(by_file), "--lang", "en"]) == 2
    assert f"{by_file}:2:16: D202 roster.file: no roster file" in capsys.readouterr().err


@pytest.mark.parametrize("after", [".inf", ".nan", "36501", "-1"])
def test_a_wait_off_the_calendar_is_a_located_error(tmp_path: Path, after: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "wait.yaml"
    bad.write_text("procedure: four-deliberations\nroster: {generate: {}}\nactions:\n"
                   f"  - do: meeting\n    after: {after}\n    present: 5\n    yes: 5\n",
                   encoding="utf-8")
    assert main(["run", str(bad), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:5:" in err and "actions[0].after" in err and "Traceback" not in err


def test_waits_that_together_leave_the_calendar_are_refused(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    steps = "".join("  - do: note\n    text: x\n    after: 36500\n" for _ in range(90))
    bad = tmp_path / "long.yaml"
    bad.write_text(f"procedure: four-deliberations\nroster: {{generate: {{}}}}\nactions:\n{steps}",
                   encoding="utf-8")
    assert main(["run", str(bad), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "past the calendar" in err and "Traceback" not in err
    assert main(["run", str(bad)]) == 2  # the report's language (zh-Hans unless told)
    assert "日期超出日历范围" in capsys.readouterr().err
