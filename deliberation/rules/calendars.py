"""Calendars for deadlines and schedules: working days in China, and lunar-calendar dates.

Working days honour the State Council's public holidays and make-up working days (调休), from
the maintained ``chinese-calendar`` package; a locality can add days the package does not know
yet (next year's notice is published each winter). Lunar dates (农历) come from ``lunardate``.

Lunar dates are matched on the village's local calendar date: callers pass a local date
(:func:`deliberation.rules.days.local_date`), never the UTC date of an instant. How periods of
days are counted (elapsed, Civil Code, working days) is :mod:`deliberation.rules.days`.

>>> from datetime import date
>>> cal = WorkingCalendar()
>>> cal.add(date(2026, 2, 13), 5)  # a Friday; Spring Festival 2026 runs 15–23 February
datetime.date(2026, 2, 27)
>>> LunarSchedule(days=(5, 15, 25)).occurrences(date(2026, 3, 1), date(2026, 3, 31))
[datetime.date(2026, 3, 3), datetime.date(2026, 3, 13), datetime.date(2026, 3, 23)]
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Final

import attrs

from deliberation.errors import DeliberationError
from deliberation.i18n import Triple, _
from deliberation.rules.holidays import ENV_HOLIDAYS, HolidayFileError, read_holidays


class CalendarCoverageError(DeliberationError):
    """A date falls outside the years whose holidays (or lunar months) are known; nothing was
    computed."""


def _holiday_tables() -> tuple[dict[date, str], dict[date, str]]:
    # Imported on first use: its tables are only read when a working day is asked about.
    import chinese_calendar

    return dict(chinese_calendar.holidays), dict(chinese_calendar.workdays)


@attrs.define
class WorkingCalendar:
    """China's working days: Monday–Friday, less public holidays, plus make-up working days.

    ``extra_holidays`` / ``extra_workdays`` add days the holiday package does not know (e.g. a
    year announced after its release); ``years`` widens the covered years accordingly. The
    shared calendar (:func:`working_calendar`) takes them from the file named by
    ``DELIBERATION_HOLIDAYS`` (:mod:`deliberation.rules.holidays`). Asking
    about a year no table covers raises :class:`CalendarCoverageError` instead of guessing.
    """

    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    extra_years: frozenset[int] = frozenset()
    _holidays: frozenset[date] = attrs.field(init=False, repr=False)
    _workdays: frozenset[date] = attrs.field(init=False, repr=False)
    _years: frozenset[int] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        holidays, workdays = _holiday_tables()
        self._holidays = frozenset(holidays) | self.extra_holidays
        self._workdays = frozenset(workdays) | self.extra_workdays
        self._years = (
            frozenset(d.year for d in holidays)
            | self.extra_years
            | frozenset(d.year for d in self.extra_holidays)
        )

    @property
    def years(self) -> frozenset[int]:
        """The years whose holidays this calendar knows."""
        return self._years

    def is_working_day(self, day: date) -> bool:
        if day.year not in self._years:
            first, last = min(self._years), max(self._years)
            raise CalendarCoverageError(
                _(
                    "{day} is outside the years with known public holidays ({first}–{last}); "
                    "upgrade chinese-calendar, or add that year's table from the State "
                    "Council's notice to the file named by {var}",
                ).format(day=day.isoformat(), first=first, last=last, var=ENV_HOLIDAYS)
            )
        if day in self._workdays:
            return True
        return day.weekday() < 5 and day not in self._holidays

    def add(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        remaining = days
        while remaining:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count


def package_years() -> frozenset[int]:
    """The years the ``chinese-calendar`` package's tables cover."""
    return frozenset(d.year for d in _holiday_tables()[0])


def calendar_from_environment() -> WorkingCalendar:
    """A :class:`WorkingCalendar` with the tables of the file named by ``DELIBERATION_HOLIDAYS``
    (none set or empty: the package's tables alone); :class:`HolidayFileError` when the file
    is broken."""
    path = os.environ.get(ENV_HOLIDAYS, "")
    if not path:
        return WorkingCalendar()
    tables = read_holidays(path, package_years())
    return WorkingCalendar(extra_holidays=tables.holidays, extra_workdays=tables.workdays,
                           extra_years=tables.years)


# Read once per process: the tables (and a broken file's refusal) hold for its whole life.
_DEFAULT_WORKING: WorkingCalendar | HolidayFileError | None = None


def working_calendar() -> WorkingCalendar:
    """The shared default :class:`WorkingCalendar`: the package's tables plus the file named by
    ``DELIBERATION_HOLIDAYS``, read once per process. A broken file raises
    :class:`~deliberation.rules.holidays.HolidayFileError` on every call."""
    global _DEFAULT_WORKING
    if _DEFAULT_WORKING is None:
        try:
            _DEFAULT_WORKING = calendar_from_environment()
        except HolidayFileError as err:
            _DEFAULT_WORKING = err
    if isinstance(_DEFAULT_WORKING, HolidayFileError):
        raise HolidayFileError(_DEFAULT_WORKING.diagnostics)  # fresh: no tracebacks pile up
    return _DEFAULT_WORKING


# -- lunar calendar --------------------------------------------------------------------------

LUNAR_MONTH_NAMES: Final = (
    "正月", "二月", "三月", "四月", "五月", "六月",
    "七月", "八月", "九月", "十月", "冬月", "腊月",
)
_DIGITS: Final = "一二三四五六七八九十"


def lunar_day_name(day: int) -> str:
    """初一 … 初十, 十一 … 二十, 廿一 … 三十: how a lunar day is written."""
    if day <= 10:
        return "初" + _DIGITS[day - 1]
    if day < 20:
        return "十" + _DIGITS[day - 11]
    if day == 20:
        return "二十"
    if day < 30:
        return "廿" + _DIGITS[day - 21]
    return "三十"


# The lunar years lunardate's tables cover, and the solar dates they span: 正月初一 of 1900
# (31 January 1900) to the last day of 腊月 2099 (8 February 2100). Outside them lunardate gives
# nonsense (negative or wrapped-around days), so every conversion checks first. The two days are
# written here, not asked of lunardate at import (start-up speed: lunardate is imported where a
# lunar date is converted); tests/test_calendars.py derives them from lunardate's tables.
LUNAR_YEARS: Final = range(1900, 2100)
LUNAR_FIRST_DAY: Final = date(1900, 1, 31)
LUNAR_LAST_DAY: Final = date(2100, 2, 8)


def _lunar_coverage_error(zh_hans: str, zh_hant: str, en: str) -> CalendarCoverageError:
    """The refusal for a date (named in the three languages) the lunar tables do not cover."""
    first, last = LUNAR_FIRST_DAY.isoformat(), LUNAR_LAST_DAY.isoformat()
    return CalendarCoverageError(
        Triple(
            f"{zh_hans} 超出农历换算范围(公历 {first} 至 {last},即农历 1900—2099 年)",
            f"{zh_hant} 超出農曆換算範圍(公曆 {first} 至 {last},即農曆 1900—2099 年)",
            f"{en} is outside the lunar calendar's range (solar {first} to {last}, "
            "lunar years 1900–2099)",
        )
    )


@attrs.frozen
class LunarDay:
    """A day of the Chinese lunar calendar.

    Lunar dates are matched on **local** dates: the caller passes the village's calendar date
    (:func:`deliberation.rules.days.local_date`), never the UTC date of an instant — before
    08:00 Beijing time the UTC date is still the day before. Dates outside
    :data:`LUNAR_FIRST_DAY`–:data:`LUNAR_LAST_DAY` raise :class:`CalendarCoverageError`.

    >>> LunarDay.of(date(2026, 2, 17))  # 春节 2026
    LunarDay(year=2026, month=1, day=1, leap=False)
    >>> LunarDay.of(date(2100, 2, 9))
    Traceback (most recent call last):
    ...
    deliberation.rules.calendars.CalendarCoverageError: 2100-02-09 is outside the lunar ...
    """

    year: int
    month: int
    day: int
    leap: bool = False

    @classmethod
    def of(cls, solar: date) -> LunarDay:
        """The lunar day of the local calendar date ``solar``."""
        if not LUNAR_FIRST_DAY <= solar <= LUNAR_LAST_DAY:
            day = solar.isoformat()
            raise _lunar_coverage_error(day, day, day)
        from lunardate import LunarDate  # (lazy: start-up speed, see LUNAR_YEARS)

        ld = LunarDate.from_solar_date(solar.year, solar.month, solar.day)
        return cls(int(ld.year), int(ld.month), int(ld.day), bool(ld.is_leap_month))

    def to_solar(self) -> date:
        """The solar date of this lunar day; :class:`CalendarCoverageError` outside lunar
        1900–2099, :class:`ValueError` for a day the lunar month does not have."""
        if self.year not in LUNAR_YEARS:
            y = self.year
            raise _lunar_coverage_error(f"农历 {y} 年", f"農曆 {y} 年", f"lunar year {y}")
        from lunardate import LunarDate  # (lazy: start-up speed, see LUNAR_YEARS)

        solar: date = LunarDate(self.year, self.month, self.day, self.leap).to_solar_date()
        return solar


def _as_days(value: Iterable[int]) -> tuple[int, ...]:
    """The converter of ``LunarSchedule.days`` (typed, so callers type-check)."""
    return tuple(value)


def _check_lunar_day(_unused: object, __: object, value: tuple[int, ...]) -> None:
    if not value or any(not 1 <= d <= 30 for d in value):
        raise ValueError("lunar days are between 1 and 30")


def _check_lunar_month(_unused: object, __: object, value: int | None) -> None:
    if value is not None and not 1 <= value <= 12:
        raise ValueError("lunar months are between 1 and 12")


@attrs.frozen
class LunarSchedule:
    """Recurring lunar dates: ``month=None`` means every month (逢五说事: days 5, 15, 25);
    ``month=12, days=(28,)`` is 腊月二十八 (年终交账).

    ``leap_months`` says whether a leap month (闰月) holds its own occurrences: on by default,
    since a fixed talk day falls in every lunar month a village lives through.

    Every method takes **local** calendar dates (the village's, see
    :func:`deliberation.rules.days.local_date`); a date outside the lunar tables' range raises
    :class:`CalendarCoverageError`.
    """

    days: tuple[int, ...] = attrs.field(converter=_as_days, validator=_check_lunar_day)
    month: int | None = attrs.field(default=None, validator=_check_lunar_month)
    leap_months: bool = True

    def matches(self, solar: date) -> bool:
        lunar = LunarDay.of(solar)
        if lunar.leap and not self.leap_months:
            return False
        if self.month is not None and lunar.month != self.month:
            return False
        return lunar.day in self.days

    def occurrences(self, start: date, end: date) -> list[date]:
        """Every matching solar date from ``start`` to ``end`` inclusive, in order."""
        return [d for d in _days(start, end) if self.matches(d)]

    def next_on_or_after(self, start: date, horizon_days: int = 800) -> date:
        """The first matching date on or after ``start``."""
        for d in _days(start, start + timedelta(days=horizon_days)):
            if self.matches(d):
                return d
        raise ValueError(f"no occurrence within {horizon_days} days of {start}")

    def describe(self, lang: str = "zh-Hans") -> str:
        days_zh = "、".join(lunar_day_name(d) for d in self.days)
        if lang == "en":
            which = "every lunar month" if self.month is None else f"lunar month {self.month}"
            return f"{which}, day(s) {', '.join(str(d) for d in self.days)}"
        which = "农历每月" if self.month is None else f"农历{LUNAR_MONTH_NAMES[self.month - 1]}"
        if lang == "zh-Hant":
            which = which.replace("农历", "農曆").replace("腊月", "臘月")
        return f"{which}{days_zh}"


def _days(start: date, end: date) -> Iterator[date]:
    current = start
    one = timedelta(days=1)
    while current <= end:
        yield current
        current += one


def lunar_new_years_eve_accounting(year: int) -> date:
    """腊月二十八 of lunar ``year``: the day 固庄's committees account to all villagers."""
    return LunarDay(year, 12, 28).to_solar()


def unique_sorted(days: Iterable[date]) -> list[date]:
    return sorted(set(days))
