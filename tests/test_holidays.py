"""Holiday tables supplied as data (``DELIBERATION_HOLIDAYS``) for years the package does not
cover: Civil-Code and working-day counts across a supplied holiday at n-1, n, n+1; every kind of
broken file reported at once with its line and path; no file set is exactly the old behaviour.

Every 2027 table here is MADE UP for the tests (the real notice is not known to them): a
holiday run Wed 10 – Fri 12 March 2027 and, in some, a make-up working Saturday 13 March.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberation.rules import calendars
from deliberation.rules.calendars import (
    CalendarCoverageError,
    WorkingCalendar,
    package_years,
    working_calendar,
)
from deliberation.rules.days import DayCount, Period
from deliberation.rules.holidays import ENV_HOLIDAYS, HolidayFileError, parse_holidays

MADE_UP = """\
# MADE-UP table for tests: not the State Council's 2027 arrangement
2027:
  source: 测试用虚构通知（非真实安排）
  holidays: [2027-03-10, 2027-03-11, 2027-03-12]
"""
MADE_UP_WITH_WORKDAY = MADE_UP + "  workdays: [2027-03-13]\n"
MARCH_1 = date(2027, 3, 1)  # a Monday


_PACKAGE_TABLES = calendars._holiday_tables


def _tables_to_2026() -> tuple[dict[date, str], dict[date, str]]:
    holidays, workdays = _PACKAGE_TABLES()
    return ({d: n for d, n in holidays.items() if d.year <= 2026},
            {d: n for d, n in workdays.items() if d.year <= 2026})


@pytest.fixture(autouse=True, scope="module")
def package_stops_at_2026() -> Iterator[None]:
    """The package's tables as chinese-calendar 1.11 has them (to 2026), whatever release is
    installed: these tests supply 2027 themselves, and a release covering it must not break
    them (the CLI tests move to a later year instead)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(calendars, "_holiday_tables", _tables_to_2026)
        patch.setattr(calendars, "_DEFAULT_WORKING", None)
        yield
    calendars._DEFAULT_WORKING = None


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh shared calendar for the test, and the process's own back afterwards."""
    monkeypatch.setattr(calendars, "_DEFAULT_WORKING", None)
    yield


def use_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str) -> Path:
    path = tmp_path / "holidays.yaml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv(ENV_HOLIDAYS, str(path))
    return path


def test_without_the_variable_2027_is_refused_as_before(
    shared: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_HOLIDAYS, raising=False)
    assert 2027 not in working_calendar().years  # chinese-calendar 1.11 stops at 2026
    with pytest.raises(CalendarCoverageError) as err:
        Period(10, DayCount.CIVIL_CODE).last_day(MARCH_1)
    message = err.value.message
    for text in (message.en, message.zh_hans, message.zh_hant):
        assert ENV_HOLIDAYS in text
    assert "节假日" in message.zh_hans and "節假日" in message.zh_hant


@pytest.mark.parametrize(("on", "over", "within"), [
    (date(2027, 3, 14), False, True),  # Sun after the run: the extended last day (n)
    (date(2027, 3, 15), False, True),  # Mon: the first working day after the run, the last day
    (date(2027, 3, 16), True, False),  # the day after it: the period has run
])
def test_a_civil_code_period_ending_on_a_supplied_holiday_moves_past_it(
    shared: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, on: date, over: bool,
    within: bool,
) -> None:
    use_file(monkeypatch, tmp_path, MADE_UP)
    ten = Period(10, DayCount.CIVIL_CODE)  # 1 March + 10 = Thu 11 March, a (made-up) holiday
    assert ten.last_day(MARCH_1) == date(2027, 3, 15)
    assert (ten.over(MARCH_1, on), ten.within(MARCH_1, on)) == (over, within)
    # a period ending the day before the run is not moved
    assert Period(8, DayCount.CIVIL_CODE).last_day(MARCH_1) == date(2027, 3, 9)


@pytest.mark.parametrize(("on", "over", "within"), [
    (date(2027, 3, 12), False, True),
    (date(2027, 3, 13), False, True),  # the make-up Saturday is the last day
    (date(2027, 3, 14), True, False),
])
def test_a_make_up_working_day_ends_the_extension_and_counts_as_working(
    shared: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, on: date, over: bool,
    within: bool,
) -> None:
    use_file(monkeypatch, tmp_path, MADE_UP_WITH_WORKDAY)
    ten = Period(10, DayCount.CIVIL_CODE)
    assert ten.last_day(MARCH_1) == date(2027, 3, 13)
    assert (ten.over(MARCH_1, on), ten.within(MARCH_1, on)) == (over, within)
    cal = working_calendar()
    assert cal.is_working_day(date(2027, 3, 13))  # Saturday, make-up
    assert not cal.is_working_day(date(2027, 3, 10))  # Wednesday, holiday
    assert not cal.is_working_day(date(2027, 3, 20))  # an ordinary Saturday
    # Mon 8 + 5 working days: 9, 13 (Sat, make-up), 15, 16, 17
    assert Period(5, DayCount.WORKING).last_day(date(2027, 3, 8)) == date(2027, 3, 17)
    with pytest.raises(CalendarCoverageError):  # the file supplies 2027, not 2028
        cal.is_working_day(date(2028, 1, 3))


def test_the_shared_calendar_reads_the_file_once_per_process(
    shared: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = use_file(monkeypatch, tmp_path, MADE_UP)
    first = working_calendar()
    path.write_text("not: [a table", encoding="utf-8")  # changed (and broken) afterwards
    assert working_calendar() is first
    assert not first.is_working_day(date(2027, 3, 11))


def test_a_broken_file_is_refused_on_every_count_with_its_problems(
    shared: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = use_file(monkeypatch, tmp_path, MADE_UP.replace("source", "sorce"))
    for _ in range(2):  # read once, refused each time
        with pytest.raises(HolidayFileError) as err:
            Period(10, DayCount.CIVIL_CODE).last_day(MARCH_1)
        (unknown, missing) = err.value.diagnostics
        assert unknown.format() == (
            f"{path}:3:3: H201 2027.sorce: unknown key 'sorce' (hint: did you mean 'source'?)")
        assert (missing.code, missing.line, missing.path) == ("H203", 3, "2027.source")
        assert ENV_HOLIDAYS in err.value.message.en
    # elapsed days never ask the calendar
    assert Period(10, DayCount.ELAPSED).last_day(MARCH_1) == date(2027, 3, 11)


def problems(text: str) -> list[tuple[str, int, str]]:
    with pytest.raises(HolidayFileError) as err:
        parse_holidays(text, "h.yaml", package_years())
    return [(d.code, d.line, d.path) for d in err.value.diagnostics]


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    text = """\
2027:
  source: 虚构通知（测试用）
  holidays: [2027-03-10, 2028-01-01, 2027-03-10, 3 March]
  workdays: [2027-03-10]
  holidy: []
2026:
  source: 虚构
  holidays: [2026-01-01]
2029:
  holidays: [2029-01-01]
twenty:
  source: x
2030: [2030-01-01]
2031:
  source: x
  holidays: []
"""
    assert problems(text) == [
        ("H201", 5, "2027.holidy"),
        ("H301", 3, "2027.holidays[1]"),   # a date outside its year
        ("H304", 3, "2027.holidays[2]"),   # listed twice
        ("H202", 3, "2027.holidays[3]"),   # not a date
        ("H303", 6, "2026"),               # a year the package covers
        ("H203", 10, "2029.source"),       # no source
        ("H202", 11, "twenty"),            # not a year
        ("H202", 13, "2030"),              # not a table
        ("H203", 16, "2031.holidays"),     # no holidays
    ]


def test_a_day_both_holiday_and_workday_is_reported_at_the_workday() -> None:
    text = MADE_UP + "  workdays: [2027-03-13, 2027-03-11]\n"
    assert problems(text) == [("H302", 5, "2027.workdays[1]")]


@pytest.mark.parametrize(("text", "expected"), [
    ("", [("H203", 1, "")]),
    ("# only a comment\n", [("H203", 1, "")]),
    ("2027: {source: x, holidays: [2027-01-01\n", [("D101", 2, "")]),
    ("- 2027\n", [("H202", 1, "")]),
    ("2027: !!python/object:os.system {}\n", [("D102", 1, "2027")]),
    ("2027:\n  source: x\n  source: y\n  holidays: [2027-01-01]\n", [("D104", 3, "2027.source")]),
    ("2027:\n  source: [x]\n  holidays: [2027-01-01]\n", [("H202", 2, "2027.source")]),
    ("2027:\n  source: x\n  holidays: 2027-01-01\n", [("H202", 3, "2027.holidays")]),
    ("2027:\n  source: x\n  holidays: [2027-01-01 08:00:00]\n",
     [("H202", 3, "2027.holidays[0]")]),
    ("2027:\n  source: x\n  holidays: [2027-02-30]\n", [("D101", 3, "2027.holidays[0]")]),
])
def test_each_kind_of_broken_file_is_located(text: str,
                                             expected: list[tuple[str, int, str]]) -> None:
    assert problems(text) == expected


def test_an_unreadable_file_is_a_located_refusal(
    shared: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ENV_HOLIDAYS, str(tmp_path / "missing.yaml"))
    with pytest.raises(HolidayFileError) as err:
        working_calendar()
    assert err.value.diagnostics[0].code == "D100"
    assert "missing.yaml:1:1" in err.value.message.en


def test_an_empty_variable_is_no_file(shared: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_HOLIDAYS, "")
    assert working_calendar().years == WorkingCalendar().years


_PIECES = ["2027:", "\n", "  ", "source: x", "holidays: ", "workdays: ", "[", "]", ", ",
           "2027-03-10", "2026-01-01", "2027-02-30", "{", "}", "- ", "!!str ", "&a ", "*a",
           "sorce: y", "null", "2027-03-10 08:00", "'2027-03-11'", "1e9", ":", "\t", "#"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30) | st.text(max_size=200))
def test_no_text_gives_anything_but_tables_or_located_problems(pieces: list[str] | str) -> None:
    text = pieces if isinstance(pieces, str) else "".join(pieces)
    try:
        tables = parse_holidays(text, "h.yaml", package_years())
    except HolidayFileError as err:
        assert err.diagnostics and all(d.line >= 1 for d in err.diagnostics)
    else:
        assert all(d.year in tables.years for d in tables.holidays | tables.workdays)
        assert not tables.holidays & tables.workdays
