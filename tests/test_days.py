"""Counting days on the local calendar: elapsed, Civil Code (民法典 Arts. 201, 203), working days.

Each boundary is tested at n − 1, n and n + 1. The dates are independently known: the 2026
Spring Festival holiday runs Sun 15 – Mon 23 February (State Council notice), with make-up
working days Sat 14 and Sat 28 February; 7–8 March 2026 and 14–15 March 2026 are ordinary
weekends. Beijing time is UTC+8 all year (no summer time since 1991).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliberation.rules.calendars import CalendarCoverageError, working_calendar
from deliberation.rules.days import (
    DAY_COUNT_WORDS,
    DayCount,
    Period,
    days_between,
    local_date,
)

BEIJING = ZoneInfo("Asia/Shanghai")


def d(month: int, day: int) -> date:
    return date(2026, month, day)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


# -- local dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(("moment", "local"), [
    (utc(3, 1, 15, 59), d(3, 1)),  # 23:59 Beijing time
    (utc(3, 1, 16, 0), d(3, 2)),   # 00:00 Beijing time: the next day, though still 1 March UTC
    (utc(3, 1, 23, 59), d(3, 2)),  # 07:59 Beijing time
    (utc(3, 2, 0, 0), d(3, 2)),
])
def test_local_date_is_the_date_in_beijing_not_in_utc(moment: datetime, local: date) -> None:
    assert local_date(moment, BEIJING) == local


def test_local_date_of_an_instant_given_in_another_offset() -> None:
    from datetime import timezone

    new_york_evening = datetime(2026, 3, 1, 20, tzinfo=timezone(timedelta(hours=-5)))
    assert local_date(new_york_evening, BEIJING) == d(3, 2)  # 09:00 on 2 March in Beijing


def test_a_naive_datetime_has_no_local_date() -> None:
    with pytest.raises(ValueError, match="naive"):
        local_date(datetime(2026, 3, 1, 9), BEIJING)
    with pytest.raises(ValueError, match="naive"):
        days_between(datetime(2026, 3, 1, 9), utc(3, 11, 2), BEIJING)


# -- a 10-day notice written as UTC times (issue: days counted in UTC) -------------------------


@pytest.mark.parametrize(("given_at", "meeting_at", "local_days", "ok"), [
    # given 02:00 on 2 Mar Beijing (still 1 Mar UTC), meeting 10:00 on 11 Mar: 10 UTC dates
    # apart, but 9 local days — must not pass a 10-day rule
    (utc(3, 1, 18), utc(3, 11, 2), 9, False),
    # given 23:00 on 1 Mar Beijing: 10 local days
    (utc(3, 1, 15), utc(3, 11, 2), 10, True),
    # given 02:00 on 2 Mar Beijing, meeting 10:00 on 12 Mar: 10 local days
    (utc(3, 1, 18), utc(3, 12, 2), 10, True),
    # n + 1
    (utc(3, 1, 15), utc(3, 12, 2), 11, True),
    # meeting at 07:00 on 11 Mar Beijing (23:00 on 10 Mar UTC), notice 1 Mar 10:00 Beijing:
    # 9 UTC dates, but 10 local days — passes
    (utc(3, 1, 2), utc(3, 10, 23), 10, True),
])
def test_notice_period_counts_beijing_dates(given_at: datetime, meeting_at: datetime,
                                            local_days: int, ok: bool) -> None:
    notice = Period(10, DayCount.ELAPSED)
    assert days_between(given_at, meeting_at, BEIJING) == local_days
    assert notice.elapsed_at(given_at, meeting_at, BEIJING) == local_days
    assert notice.over_at(given_at, meeting_at, BEIJING) is ok


def test_the_same_instants_counted_in_utc_would_wrongly_pass() -> None:
    # The defect itself: UTC dates say 10 days for what is 9 in the village.
    given_at, meeting_at = utc(3, 1, 18), utc(3, 11, 2)
    assert Period(10, DayCount.ELAPSED).over_at(given_at, meeting_at, ZoneInfo("UTC"))
    assert not Period(10, DayCount.ELAPSED).over_at(given_at, meeting_at, BEIJING)


# -- elapsed -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("on", "over", "within"), [
    (d(3, 10), False, True),  # n − 1
    (d(3, 11), True, True),   # n: the last day
    (d(3, 12), True, False),  # n + 1
])
def test_elapsed_boundary(on: date, over: bool, within: bool) -> None:
    ten = Period(10, DayCount.ELAPSED)
    assert ten.last_day(d(3, 1)) == d(3, 11)
    assert ten.over(d(3, 1), on) is over
    assert ten.within(d(3, 1), on) is within
    assert ten.elapsed(d(3, 1), on) == (on - d(3, 1)).days


def test_elapsed_ignores_holidays_and_needs_no_holiday_tables() -> None:
    # 10 days from 5 Feb end on 15 Feb, inside the Spring Festival: no extension.
    assert Period(10, DayCount.ELAPSED).last_day(d(2, 5)) == d(2, 15)
    # a year no holiday table covers is no problem for the elapsed count
    far = date(max(working_calendar().years) + 3, 6, 1)
    assert Period(10, DayCount.ELAPSED).over(far, far + timedelta(days=10))


def test_elapsed_is_negative_when_on_is_before_start() -> None:
    assert Period(3, DayCount.ELAPSED).elapsed(d(3, 5), d(3, 2)) == -3
    assert Period(3, DayCount.WORKING).elapsed(d(3, 9), d(3, 6)) == -1  # Fri → Mon back: 1
    assert not Period(0, DayCount.ELAPSED).over(d(3, 5), d(3, 4))


# -- Civil Code: start day not counted, 24:00, holiday extension --------------------------------


@pytest.mark.parametrize(("on", "over", "within"), [
    (d(3, 8), False, True),   # n − 1 (Sun)
    (d(3, 9), False, True),   # n: the last day (Mon), which lasts until 24:00
    (d(3, 10), True, False),  # n + 1: the period has run
])
def test_civil_code_on_an_ordinary_working_day(on: date, over: bool, within: bool) -> None:
    seven = Period(7, DayCount.CIVIL_CODE)  # posted Mon 2 Mar; day 1 is 3 Mar (Art. 201)
    assert seven.last_day(d(3, 2)) == d(3, 9)
    assert seven.over(d(3, 2), on) is over
    assert seven.within(d(3, 2), on) is within
    assert seven.elapsed(d(3, 2), on) == (on - d(3, 2)).days


def test_civil_code_is_one_day_stricter_than_elapsed_for_a_minimum_period() -> None:
    start, on = d(3, 2), d(3, 9)
    assert Period(7, DayCount.ELAPSED).over(start, on)
    assert not Period(7, DayCount.CIVIL_CODE).over(start, on)


@pytest.mark.parametrize(("on", "over", "within"), [
    (d(3, 14), False, True),  # the nominal last day, a Saturday
    (d(3, 15), False, True),  # Sunday
    (d(3, 16), False, True),  # Monday: the extended last day, until 24:00
    (d(3, 17), True, False),  # Tuesday
])
def test_civil_code_extends_a_period_ending_on_a_weekend(on: date, over: bool,
                                                         within: bool) -> None:
    seven = Period(7, DayCount.CIVIL_CODE)
    assert seven.last_day(d(3, 7)) == d(3, 16)  # 7 Mar + 7 = Sat 14 Mar → Mon 16 Mar
    assert seven.over(d(3, 7), on) is over
    assert seven.within(d(3, 7), on) is within


@pytest.mark.parametrize(("on", "over", "within"), [
    (d(2, 15), False, True),  # the nominal last day: the first day of the holiday
    (d(2, 23), False, True),  # the holiday's last day
    (d(2, 24), False, True),  # the day after the holiday: the period's last day (Art. 203)
    (d(2, 25), True, False),
])
def test_civil_code_extends_a_period_ending_in_the_spring_festival(on: date, over: bool,
                                                                   within: bool) -> None:
    ten = Period(10, DayCount.CIVIL_CODE)
    assert ten.last_day(d(2, 5)) == d(2, 24)
    assert ten.over(d(2, 5), on) is over
    assert ten.within(d(2, 5), on) is within


@pytest.mark.parametrize(("on", "over", "within"), [
    (d(2, 13), False, True),
    (d(2, 14), False, True),  # Saturday, but a make-up working day: the last day stays
    (d(2, 15), True, False),  # holiday, but the period has already run
])
def test_civil_code_does_not_extend_past_a_make_up_working_day(on: date, over: bool,
                                                               within: bool) -> None:
    ten = Period(10, DayCount.CIVIL_CODE)
    assert ten.last_day(d(2, 4)) == d(2, 14)
    assert ten.over(d(2, 4), on) is over
    assert ten.within(d(2, 4), on) is within


def test_civil_code_across_midnight_beijing_time() -> None:
    ten = Period(10, DayCount.CIVIL_CODE)
    posted = utc(3, 1, 17)  # 01:00 on 2 Mar in Beijing: day 1 is 3 Mar, last day Thu 12 Mar
    assert not ten.over_at(posted, utc(3, 12, 15, 59), BEIJING)  # 23:59 on 12 Mar Beijing
    assert ten.over_at(posted, utc(3, 12, 16, 0), BEIJING)  # 00:00 on 13 Mar Beijing
    assert ten.within_at(posted, utc(3, 12, 15, 59), BEIJING)
    assert not ten.within_at(posted, utc(3, 12, 16, 0), BEIJING)


def test_civil_code_outside_the_holiday_tables_is_refused_not_guessed() -> None:
    year = max(working_calendar().years) + 1
    with pytest.raises(CalendarCoverageError):
        Period(10, DayCount.CIVIL_CODE).over(date(year, 3, 1), date(year, 3, 20))


# -- working days ------------------------------------------------------------------------------


@pytest.mark.parametrize(("on", "elapsed", "over", "within"), [
    (d(2, 26), 4, False, True),  # n − 1
    (d(2, 27), 5, True, True),   # n: Fri 27 Feb
    (d(2, 28), 6, True, False),  # n + 1: Sat 28 Feb, a make-up working day
])
def test_working_days_across_the_spring_festival(on: date, elapsed: int, over: bool,
                                                 within: bool) -> None:
    five = Period(5, DayCount.WORKING)  # from Fri 13 Feb: 14 Feb (make-up), 24, 25, 26, 27
    assert five.last_day(d(2, 13)) == d(2, 27)
    assert five.elapsed(d(2, 13), on) == elapsed
    assert five.over(d(2, 13), on) is over
    assert five.within(d(2, 13), on) is within


def test_a_make_up_working_day_counts_as_a_working_day() -> None:
    assert Period(1, DayCount.WORKING).last_day(d(2, 13)) == d(2, 14)  # Saturday, 调休
    assert Period(1, DayCount.WORKING).last_day(d(3, 6)) == d(3, 9)  # ordinary Saturday skipped


def test_a_working_deadline_is_missed_on_the_weekend_after_its_last_day() -> None:
    # Fri 6 Mar + 5 working days = Fri 13 Mar; Sat 14 Mar is past it though no working day ran.
    five = Period(5, DayCount.WORKING)
    assert five.within(d(3, 6), d(3, 13))
    assert not five.within(d(3, 6), d(3, 14))
    assert five.elapsed(d(3, 6), d(3, 14)) == 5


# -- the words ---------------------------------------------------------------------------------


def test_day_count_words_and_the_calendar_alias() -> None:
    assert DayCount("calendar") is DayCount.ELAPSED
    assert DayCount.parse("calendar") is DayCount.ELAPSED
    assert [DayCount.parse(w) for w in ("elapsed", "civil-code", "working")] == list(DayCount)
    assert DAY_COUNT_WORDS == ("elapsed", "civil-code", "working", "calendar")
    with pytest.raises(ValueError, match="did you mean 'civil-code'"):
        DayCount.parse("civil_code")
    with pytest.raises(ValueError, match="expected one of"):
        DayCount.parse("fortnights")


def test_periods_describe_themselves_in_three_languages() -> None:
    assert [Period(3, c).describe().zh_hans for c in DayCount] == [
        "3 天", "3 日(依民法典第二百零一条、第二百零三条计算)", "3 个工作日",
    ]
    assert [Period(3, c).describe().zh_hant for c in DayCount] == [
        "3 天", "3 日(依民法典第二百零一條、第二百零三條計算)", "3 個工作日",
    ]
    assert [Period(3, c).describe().en for c in DayCount] == [
        "3 day(s)", "3 day(s), counted under Civil Code Arts. 201 and 203", "3 working day(s)",
    ]


def test_periods_refuse_bad_days_and_counts() -> None:
    with pytest.raises(ValueError):
        Period(-1, DayCount.ELAPSED)
    with pytest.raises(ValueError):
        Period(True, DayCount.ELAPSED)
    with pytest.raises(TypeError):
        Period(3, "working")  # type: ignore[arg-type]
    p = Period(3, DayCount.WORKING)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        p.days = 4  # type: ignore[misc]


# -- properties --------------------------------------------------------------------------------

# Starts and days chosen so every date asked about stays inside the holiday tables (to 2026).
STARTS = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 10, 31))
DAYS = st.integers(min_value=0, max_value=40)
OFFSETS = st.integers(min_value=-10, max_value=60)
COUNTS = st.sampled_from(list(DayCount))


@given(start=STARTS, days=DAYS, a=OFFSETS, b=OFFSETS, count=COUNTS)
def test_over_is_monotone_and_within_antitone_in_on(start: date, days: int, a: int, b: int,
                                                    count: DayCount) -> None:
    p = Period(days, count)
    early, late = start + timedelta(days=min(a, b)), start + timedelta(days=max(a, b))
    assert not p.over(start, early) or p.over(start, late)
    assert not p.within(start, late) or p.within(start, early)


@given(start=STARTS, days=DAYS, offset=OFFSETS, count=COUNTS)
def test_over_and_within_meet_exactly_at_the_last_day(start: date, days: int, offset: int,
                                                      count: DayCount) -> None:
    p = Period(days, count)
    on = start + timedelta(days=offset)
    last = p.last_day(start)
    assert last >= start + timedelta(days=days)
    if count is DayCount.CIVIL_CODE:
        assert p.over(start, on) is not p.within(start, on)  # the last day belongs to the period
        assert working_calendar().is_working_day(last)
    else:
        assert p.over(start, on) or p.within(start, on)
        assert (p.over(start, on) and p.within(start, on)) is (on == last)


@given(start=STARTS, days=DAYS, offset=OFFSETS)
def test_elapsed_over_is_the_local_date_difference(start: date, days: int, offset: int) -> None:
    on = start + timedelta(days=offset)
    assert Period(days, DayCount.ELAPSED).over(start, on) is ((on - start).days >= days)
    assert Period(days, DayCount.ELAPSED).within(start, on) is ((on - start).days <= days)


@given(start=STARTS, days=DAYS, offset=st.integers(min_value=0, max_value=60))
def test_working_over_agrees_with_the_working_days_elapsed(start: date, days: int,
                                                           offset: int) -> None:
    # from the start on (before it, a 0-day period has not run though 0 working days separate
    # a weekend start from the Friday before)
    on = start + timedelta(days=offset)
    p = Period(days, DayCount.WORKING)
    assert p.over(start, on) is (p.elapsed(start, on) >= days)
    assert p.elapsed(start, p.last_day(start)) == days


@given(
    a=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31),
                   timezones=st.just(UTC)),
    b=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31),
                   timezones=st.just(UTC)),
)
def test_beijing_days_between_is_the_utc_plus_8_date_difference(a: datetime, b: datetime) -> None:
    eight = timedelta(hours=8)
    expected = ((b + eight).date() - (a + eight).date()).days
    assert days_between(a, b, BEIJING) == expected
