"""The ``deliberation`` command with ``DELIBERATION_HOLIDAYS``: a scenario counting a Civil-Code
objection window across a supplied 2027 holiday, in a subprocess (the variable is read once per
process, as a deployment's would be); without the variable 2027 is refused as before; a broken
file is a located refusal, and ``serve`` refuses it at start.

The 2027 table is MADE UP for the tests (Wed 10 – Fri 12 March 2027); it is not the State
Council's arrangement, which the tests do not know.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from deliberation.rules.calendars import package_years

# the procedure of test_engine_comments: a comment period of 10 days counted under the Civil Code
PROCEDURE = """\
format: 1
id: comment-test
version: "1"
locality: test
name: {zh-Hans: 公示测试, zh-Hant: 公示測試, en: comment test}
bodies:
  committee:
    name: {zh-Hans: 村委会, zh-Hant: 村委會, en: committee}
    members: [villagers-committee]
    rules:
      - rule: approval
        params: {ratio: 1/2, compare: ">", base: present}
  clerk:
    name: {zh-Hans: 村务公开员, zh-Hant: 村務公開員, en: clerk}
    members: [villagers-committee]
stages:
  - id: draft
    name: {zh-Hans: 拟定方案, zh-Hant: 擬定方案, en: draft}
    action: meeting
    body: committee
  - id: comment
    name: {zh-Hans: 方案公示, zh-Hant: 方案公示, en: comment period}
    action: disclosure
    body: clerk
    rules:
      - rule: disclosure
        params: {min_days: 1}
      - rule: comment-period
        params: {window_days: 10, answer_days: 5, count: civil-code}
  - id: vote
    name: {zh-Hans: 表决, zh-Hant: 表決, en: vote}
    action: meeting
    body: committee
outcomes:
  adopted: {kind: success, name: {zh-Hans: 通过, zh-Hant: 通過, en: adopted}}
  rejected: {kind: failure, name: {zh-Hans: 否决, zh-Hant: 否決, en: rejected}}
"""
# The first year the installed holiday package does not cover whose 1 March is a Monday, as in
# 2027 (the year these tests were written for): a later package release covering 2027 moves
# them on rather than breaking them.
YEAR = next(y for y in range(max(package_years()) + 1, 2200) if date(y, 3, 1).weekday() == 0)


def in_year(text: str) -> str:
    """``text`` written for 2027, in :data:`YEAR`."""
    return text.replace("2027", str(YEAR))


MADE_UP = in_year("""\
# MADE-UP table for tests: not the State Council's 2027 arrangement
2027:
  source: 测试用虚构通知（非真实安排）
  holidays: [2027-03-10, 2027-03-11, 2027-03-12]
""")


def scenario(tmp_path: Path, objection_day: int) -> Path:
    """Posted on Mon 1 March 2027 with a 10-day Civil-Code window: its last day, Thu 11 March,
    is a (made-up) holiday, so the window runs to Mon 15 March; an objection on ``day``."""
    procs = tmp_path / "procs"
    procs.mkdir(exist_ok=True)
    (procs / "comment-test.yaml").write_text(PROCEDURE, encoding="utf-8")
    path = tmp_path / f"objection-{objection_day}.yaml"
    path.write_text(in_year(f"""\
procedure: comment-test
matter: 村规民约修订
start: 2027-02-28T10:00:00+08:00
roster:
  generate: {{}}
actions:
  - do: meeting
    present: 5
    yes: 5
  - do: post
    at: 2027-03-01T10:00:00+08:00
    channel: notice-board
    actor: v0002
  - do: villager-objection
    at: 2027-03-{objection_day:02d}T10:00:00+08:00
    by: v0041
    reason: 异议
"""), encoding="utf-8")
    return path


def deliberation(tmp_path: Path, holidays: str | None,
                 *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DELIBERATION_PATH": str(tmp_path / "procs")}
    env.pop("DELIBERATION_HOLIDAYS", None)
    if holidays is not None:
        (tmp_path / "holidays.yaml").write_text(holidays, encoding="utf-8")
        env["DELIBERATION_HOLIDAYS"] = str(tmp_path / "holidays.yaml")
    return subprocess.run([sys.executable, "-m", "deliberation.cli", *args], env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def objection(tmp_path: Path, holidays: str | None, day: int) -> dict[str, Any]:
    done = deliberation(tmp_path, holidays, "run", str(scenario(tmp_path, day)), "--json")
    assert done.returncode == 0, done.stderr
    action: dict[str, Any] = json.loads(done.stdout)["actions"][2]
    return action


@pytest.mark.parametrize(("day", "taken"), [(14, True), (15, True), (16, False)])
def test_a_civil_code_window_runs_past_a_supplied_holiday(tmp_path: Path, day: int,
                                                         taken: bool) -> None:
    action = objection(tmp_path, MADE_UP, day)
    assert action["error"] is None
    assert action["accepted"] is taken
    if not taken:
        (violation,) = action["violations"]
        assert violation["numbers"]["closes_on"] == in_year("2027-03-15")


def test_without_the_variable_the_window_is_refused_not_guessed(tmp_path: Path) -> None:
    action = objection(tmp_path, None, 15)
    assert not action["accepted"]
    assert action["error"]["type"] == "CalendarCoverageError"
    assert "DELIBERATION_HOLIDAYS" in action["error"]["message"]["zh-Hant"]


def test_a_broken_file_is_reported_with_its_line(tmp_path: Path) -> None:
    action = objection(tmp_path, MADE_UP.replace(f"{YEAR}-03-12", f"{YEAR - 1}-03-12"), 15)
    assert not action["accepted"] and action["error"]["type"] == "HolidayFileError"
    assert in_year("holidays.yaml:4:38: H301 2027.holidays[2]") in action["error"]["message"]["en"]


def test_serve_refuses_a_broken_file_at_start(tmp_path: Path) -> None:
    pytest.importorskip("uvicorn")
    done = deliberation(tmp_path, in_year("2027: {source: x}\n"), "serve", "--db",
                        f"sqlite:///{tmp_path / 'store.db'}", "--port", "1")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert in_year("holidays.yaml:1:7: H203 2027.holidays") in done.stderr
