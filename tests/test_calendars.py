"""Working-day deadlines and lunar schedules, checked against independently known dates.

2026 Spring Festival (State Council notice): holiday 15–23 February, make-up working days
Saturday 14 February and Saturday 28 February. 元宵 2026 (lunar 1/15) is 3 March. In 2025 the
sixth lunar month is doubled (闰六月 from 25 July); 七夕 (lunar 7/7) is 29 August 2025.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lunardate import LunarDate

from deliberation.rules.calendars import (
    LUNAR_FIRST_DAY,
    LUNAR_LAST_DAY,
    LUNAR_YEARS,
    CalendarCoverageError,
    LunarDay,
    LunarSchedule,
    WorkingCalendar,
    lunar_day_name,
    lunar_new_years_eve_accounting,
    working_calendar,
)
from deliberation.rules.days import DayCount, Period


def test_working_day_deadline_spans_the_spring_festival() -> None:
    friday = date(2026, 2, 13)
    # Sat 14 Feb is a make-up working day (1); 15–23 Feb are holidays; 24, 25, 26, 27 Feb (2–5).
    assert Period(5, DayCount.WORKING).last_day(friday) == date(2026, 2, 27)
    # The 6th working day is Saturday 28 February, another make-up working day.
    assert Period(6, DayCount.WORKING).last_day(friday) == date(2026, 2, 28)
    # Counted as elapsed days, the same 10 days end inside the holiday.
    assert Period(10, DayCount.ELAPSED).last_day(friday) == date(2026, 2, 23)


def test_working_days_between_counts_make_up_days_and_skips_holidays() -> None:
    cal = working_calendar()
    assert cal.between(date(2026, 2, 13), date(2026, 2, 27)) == 5
    assert DayCount.WORKING.between(date(2026, 2, 13), date(2026, 2, 27)) == 5
    assert DayCount.ELAPSED.between(date(2026, 2, 13), date(2026, 2, 27)) == 14
    assert cal.is_working_day(date(2026, 2, 14))  # Saturday, make-up day
    assert not cal.is_working_day(date(2026, 2, 16))  # Monday, holiday
    assert not cal.is_working_day(date(2026, 3, 7))  # an ordinary Saturday
    assert cal.is_working_day(date(2026, 3, 9))  # an ordinary Monday


def test_a_year_without_holiday_data_is_an_error_not_a_guess() -> None:
    cal = WorkingCalendar()
    with pytest.raises(CalendarCoverageError) as err:
        cal.is_working_day(date(max(cal.years) + 1, 2, 8))
    assert "DELIBERATION_HOLIDAYS" in err.value.message.en
    assert "节假日" in err.value.message.zh_hans and "節假日" in err.value.message.zh_hant


def test_a_locality_can_supply_a_year_the_package_does_not_know() -> None:
    known = WorkingCalendar().years
    year = max(known) + 1
    holiday = date(year, 1, 1)
    while holiday.weekday() >= 5:  # pick a weekday so the holiday changes the answer
        holiday += timedelta(days=1)
    cal = WorkingCalendar(extra_holidays=frozenset({holiday}), extra_years=frozenset({year}))
    assert not cal.is_working_day(holiday)
    week_later = holiday + timedelta(days=7)
    assert cal.is_working_day(week_later) == (week_later.weekday() < 5)


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError):
        working_calendar().add(date(2026, 3, 2), -1)


@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 9, 30)),
    n=st.integers(min_value=0, max_value=60),
)
def test_adding_then_counting_working_days_round_trips(start: date, n: int) -> None:
    cal = working_calendar()
    end = cal.add(start, n)
    assert cal.between(start, end) == n
    assert n == 0 or cal.is_working_day(end)


def test_fixed_talk_days_fall_on_the_lunar_5th_15th_25th() -> None:
    talk = LunarSchedule(days=(5, 15, 25))
    # 元宵 (lunar 1/15) 2026 is 3 March; 二月 begins 19 March, so 二月初五 is 23 March.
    assert talk.occurrences(date(2026, 3, 1), date(2026, 3, 31)) == [
        date(2026, 3, 3),
        date(2026, 3, 13),
        date(2026, 3, 23),
    ]
    assert talk.next_on_or_after(date(2026, 3, 4)) == date(2026, 3, 13)
    assert talk.describe() == "农历每月初五、十五、廿五"


def test_year_end_accounting_is_on_the_28th_of_the_twelfth_lunar_month() -> None:
    # Lunar year 2025 ends on 16 February 2026 (除夕, 腊月廿九), so 腊月廿八 is 15 February.
    assert lunar_new_years_eve_accounting(2025) == date(2026, 2, 15)
    accounting = LunarSchedule(days=(28,), month=12)
    assert accounting.occurrences(date(2026, 1, 1), date(2026, 12, 31)) == [date(2026, 2, 15)]
    assert accounting.describe("zh-Hant") == "農曆臘月廿八"


def test_leap_months_hold_their_own_occurrences_unless_excluded() -> None:
    # 2025: 六月初七 is 1 July, 闰六月初七 is 31 July, 七月初七 (七夕) is 29 August.
    sevenths = LunarSchedule(days=(7,))
    summer = (date(2025, 6, 25), date(2025, 9, 5))
    assert sevenths.occurrences(*summer) == [date(2025, 7, 1), date(2025, 7, 31), date(2025, 8, 29)]
    no_leap = LunarSchedule(days=(7,), leap_months=False)
    assert no_leap.occurrences(*summer) == [date(2025, 7, 1), date(2025, 8, 29)]
    assert LunarDay.of(date(2025, 7, 31)) == LunarDay(2025, 6, 7, leap=True)


def test_lunar_day_names() -> None:
    assert [lunar_day_name(d) for d in (1, 10, 11, 20, 21, 28, 30)] == [
        "初一", "初十", "十一", "二十", "廿一", "廿八", "三十",
    ]


def test_schedules_refuse_impossible_days() -> None:
    with pytest.raises(ValueError):
        LunarSchedule(days=(31,))
    with pytest.raises(ValueError):
        LunarSchedule(days=(5,), month=13)


# -- the lunar tables' range: lunar years 1900–2099, as lunardate really covers them ----------


def _last_lunar_day(year: int) -> date:
    """The solar date of the last day of lunar ``year``, from lunardate's tables (its 腊月, or a
    闰腊月 after it, has 29 or 30 days)."""
    leap = LunarDate.leap_month_for_year(year) == 12
    for day in (30, 29):
        try:
            solar: date = LunarDate(year, 12, day, leap).to_solar_date()
        except ValueError:
            continue
        return solar
    raise AssertionError(f"lunardate knows no last day of lunar year {year}")


def test_the_lunar_range_is_what_lunardate_covers() -> None:
    # 正月初一 1900 is 31 January 1900; the last day of lunar 2099 (腊月三十) is 8 February 2100.
    assert (LUNAR_FIRST_DAY, LUNAR_LAST_DAY) == (date(1900, 1, 31), date(2100, 2, 8))
    # as lunardate's tables have them (calendars.py writes them down, for start-up speed)
    assert LUNAR_FIRST_DAY == LunarDate(LUNAR_YEARS[0], 1, 1).to_solar_date()
    assert LUNAR_LAST_DAY == _last_lunar_day(LUNAR_YEARS[-1])
    assert LunarDay.of(LUNAR_FIRST_DAY) == LunarDay(1900, 1, 1)
    assert LunarDay.of(LUNAR_LAST_DAY) == LunarDay(2099, 12, 30)
    assert LunarDay(1900, 1, 1).to_solar() == LUNAR_FIRST_DAY
    assert LunarDay(2099, 12, 30).to_solar() == LUNAR_LAST_DAY


@pytest.mark.parametrize(("solar", "lunar"), [
    (date(1900, 1, 31), LunarDay(1900, 1, 1)),
    (date(2099, 12, 31), LunarDay(2099, 11, 20)),
    (date(2100, 1, 1), LunarDay(2099, 11, 21)),  # solar 2100, still lunar 2099: covered
    (date(2100, 2, 8), LunarDay(2099, 12, 30)),
])
def test_dates_just_inside_the_lunar_range(solar: date, lunar: LunarDay) -> None:
    assert LunarDay.of(solar) == lunar
    assert lunar.to_solar() == solar


@pytest.mark.parametrize("solar", [
    date(1899, 12, 31),
    date(1900, 1, 30),  # lunardate would answer "1900-01-00"
    date(2100, 2, 9),  # lunardate would answer 正月初一 2099, wrapped around
    date(2100, 12, 31),
    date(1, 1, 1),
    date(9999, 12, 31),
])
def test_dates_outside_the_lunar_range_are_a_coverage_error(solar: date) -> None:
    with pytest.raises(CalendarCoverageError) as err:
        LunarDay.of(solar)
    message = err.value.message
    assert solar.isoformat() in message.en and "1900-01-31" in message.en
    assert "2100-02-08" in message.en
    assert "农历" in message.zh_hans and "農曆" in message.zh_hant
    with pytest.raises(CalendarCoverageError):
        LunarSchedule(days=(5, 15, 25)).matches(solar)


@pytest.mark.parametrize("year", [1899, 2100])
def test_lunar_years_outside_the_tables_are_a_coverage_error(year: int) -> None:
    with pytest.raises(CalendarCoverageError, match=f"lunar year {year}"):
        LunarDay(year, 1, 1).to_solar()
    with pytest.raises(CalendarCoverageError):
        lunar_new_years_eve_accounting(year)


def test_a_lunar_day_the_month_lacks_is_a_value_error() -> None:
    # 腊月 of lunar 2025 has 29 days (除夕 is 廿九, 16 February 2026).
    with pytest.raises(ValueError, match="day out of range"):
        LunarDay(2025, 12, 30).to_solar()


def test_a_schedule_reaching_past_the_range_stops_with_a_coverage_error() -> None:
    talk = LunarSchedule(days=(5, 15, 25))
    assert talk.occurrences(date(2100, 1, 20), date(2100, 2, 8)) == [date(2100, 1, 24),
                                                                      date(2100, 2, 3)]
    with pytest.raises(CalendarCoverageError):
        talk.occurrences(date(2100, 2, 1), date(2100, 2, 20))
    with pytest.raises(CalendarCoverageError):
        talk.next_on_or_after(date(2100, 2, 4))  # 腊月廿五 2099 has passed: none before the end
