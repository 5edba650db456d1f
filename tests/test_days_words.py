"""What a notice period or a disclosure *says* matches how the engine counts its days.

Under the Civil Code (民法典 Arts. 201, 203) a 10-day notice given on 2 March has run only at
the end of 12 March: a meeting on the 12th is refused. The refusal used to read "10 day(s)
ahead, at least 10 needed" — a contradiction a clerk cannot act on — and `show` described a
Civil-Code or working-day period as plain days ("notice at least 5 day(s) ahead" for five
working days, which can be a week and more across a holiday).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from deliberation import Case, Roster, RuleViolation
from deliberation.cli import main
from deliberation.definition.loader import load_text
from deliberation.definition.model import Procedure
from deliberation.engine.clock import ManualClock

TEXT = """
format: 1
id: counted-days
version: "1"
extends: four-deliberations
settings:
  resolution-body: {default: villagers-meeting}
bodies:
  villagers-meeting:
    name: {zh-Hans: 村民会议, zh-Hant: 村民會議, en: villagers' meeting}
    members: [adult]
    rules:
      - rule: quorum
        params: {ratio: 1/2, compare: ">", base: adults}
      - rule: approval
        params: {ratio: 1/2, compare: ">", base: present}
      - rule: notice-period
        params: {days: 10, count: %(count)s}
stages:
  - update: resolution-disclosure
    add_rules:
      - rule: disclosure
        params: {channels: [notice-board], min_days: 7, count: %(count)s}
"""


def _procedure(count: str) -> Procedure:
    return load_text(TEXT % {"count": count}, f"{count}.yaml")


def _at_resolution(count: str) -> tuple[Case, ManualClock]:
    clock = ManualClock(datetime(2026, 2, 24, 1, tzinfo=UTC))
    case = Case.open(_procedure(count), Roster.generate(), matter="修村道", clock=clock)
    case.hold_meeting(present=5, yes=5)
    case.hold_meeting(present=6, yes=6)
    case.circulate_plan()
    clock.advance(days=3)
    case.hold_meeting(present=40, yes=38, no=2, witnesses=1)
    # notice on Monday 2 March 2026, 10:00 Beijing time; the 12th and 13th are working days
    clock.set(datetime(2026, 3, 2, 2, tzinfo=UTC))
    return case, clock


@pytest.mark.parametrize(("day", "held"), [(11, False), (12, False), (13, True)])
def test_a_civil_code_notice_says_why_its_last_day_is_not_enough(day: int, held: bool) -> None:
    case, clock = _at_resolution("civil-code")
    case.give_notice()
    clock.set(datetime(2026, 3, day, 2, tzinfo=UTC))
    if held:
        case.hold_meeting(present=400, yes=300, witnesses=1)
        assert case.state == "resolution-disclosure"
        return
    with pytest.raises(RuleViolation) as err:
        case.hold_meeting(present=400, yes=300, witnesses=1)
    text = str(err.value.message.en)
    assert "Civil Code" in text and "24:00" in text
    assert "at least 10 needed" not in text  # not the contradiction "10 ahead, 10 needed"
    zh = err.value.message.get("zh-Hans")
    assert "民法典" in zh


def test_an_elapsed_notice_keeps_its_plain_words() -> None:
    case, clock = _at_resolution("elapsed")
    case.give_notice()
    clock.set(datetime(2026, 3, 11, 2, tzinfo=UTC))
    with pytest.raises(RuleViolation) as err:
        case.hold_meeting(present=400, yes=300, witnesses=1)
    assert "9 day(s) ahead, at least 10 needed" in err.value.message.en


@pytest.mark.parametrize(("days", "route"), [(7, None), (8, "pass")])
def test_a_civil_code_posting_says_why_its_last_day_is_not_enough(days: int,
                                                                   route: str | None) -> None:
    case, clock = _at_resolution("civil-code")
    case.give_notice()
    clock.set(datetime(2026, 3, 13, 2, tzinfo=UTC))
    case.hold_meeting(present=400, yes=300, witnesses=1)
    case.post_disclosure("notice-board", actor="v0002")  # Friday 13 March
    clock.advance(days=days)  # the 20th and 21st are a Friday and a Saturday
    if route is None:
        with pytest.raises(RuleViolation) as err:
            case.conclude_disclosure()
        assert "Civil Code" in err.value.message.en
        return
    (rec,) = case.conclude_disclosure()
    assert rec.result["route"] == route


@pytest.mark.parametrize(("count", "words"), [
    ("civil-code", ["notice at least 10 day(s) ahead, counted under Civil Code Arts. 201 and "
                    "203",
                    "for at least 7 day(s), counted under Civil Code Arts. 201 and 203",
                    "posted ≥7 days (Civil Code)"]),
    ("working", ["notice at least 10 working day(s) ahead", "notice ≥10 working days ahead",
                 "for at least 7 working day(s)", "posted ≥7 working days"]),
    ("elapsed", ["notice at least 10 day(s) ahead", "for at least 7 day(s)"]),
])
def test_show_states_how_the_days_are_counted(count: str, words: list[str], tmp_path: object,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / f"{count}.yaml"
    path.write_text(TEXT % {"count": count}, encoding="utf-8")
    assert main(["show", str(path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert main(["diagram", str(path), "--lang", "en"]) == 0
    out += capsys.readouterr().out
    for w in words:
        assert w in out, w
