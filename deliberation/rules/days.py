"""Counting days: periods on the village's local calendar, in three named ways.

Every period a procedure states — a notice given *at least* 10 days ahead, a disclosure posted
*at least* 7 days, a task done *within* 5 working days — is counted on **local calendar dates**:
the dates of the village's time zone (``Asia/Shanghai`` unless the procedure says otherwise),
never the UTC dates of the instants the records keep. Between 00:00 and 08:00 Beijing time the
UTC date is still the previous day, so counting UTC dates would give a notice written at 01:00
one day too many. :func:`local_date` turns an instant into its local date; everything else here
works on dates.

A rule names how its days are counted (:class:`DayCount`):

``elapsed``
    The difference of the two local dates: a notice on the 1st for a meeting on the 11th is 10
    days, whatever the hours. A minimum period has run on ``start + days``. This is how the
    library has always counted; procedure files that say ``count: calendar`` mean this.
``civil-code``
    The Civil Code's rules (民法典 第二百零一条、第二百零三条): the starting day is not counted;
    when the last day is a statutory holiday (法定休假日: a public holiday, or a weekend day that
    is not a make-up working day), the period's last day is the first working day after the
    holiday run; the last day ends at 24:00, so a minimum period has run only on the day after
    its last day. Art. 204 lets other law or an agreement count otherwise (hence ``elapsed``).
``working``
    Working days (工作日): Monday–Friday less China's public holidays, plus make-up working days
    (调休), from :class:`~deliberation.rules.calendars.WorkingCalendar`.

>>> from datetime import date
>>> notice = Period(10, DayCount.ELAPSED)
>>> notice.last_day(date(2026, 3, 1)), notice.over(date(2026, 3, 1), date(2026, 3, 11))
(datetime.date(2026, 3, 11), True)
>>> civil = Period(10, DayCount.CIVIL_CODE)
>>> civil.over(date(2026, 3, 1), date(2026, 3, 11)), civil.over(date(2026, 3, 1), date(2026, 3, 12))
(False, True)
"""

from __future__ import annotations

import enum
import functools
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo, available_timezones

import attrs

from deliberation.diagnostics import did_you_mean
from deliberation.i18n import Text, _
from deliberation.reprs import fields_repr

# The working-day calendar (and the holiday tables it reads) is imported where a count of
# working days or a civil-code deadline needs it, not here: most periods count elapsed days,
# and every procedure with a period imports this module (start-up speed).
if TYPE_CHECKING:
    from deliberation.rules.calendars import WorkingCalendar

# The word procedure files used for ``elapsed`` before the Civil Code's count existed; still
# read, so ``count: calendar`` keeps its meaning.
_ALIASES: Final = {"calendar": "elapsed"}


class DayCount(enum.Enum):
    """How the days of a period are counted; the value is the word a procedure file uses.

    ``"calendar"`` is read as :attr:`ELAPSED` (the name older files use):

    >>> DayCount("calendar") is DayCount.ELAPSED
    True
    >>> DayCount.parse("civil-code")
    <DayCount.CIVIL_CODE: 'civil-code'>
    """

    ELAPSED = "elapsed"  # the difference of local dates (届满 N 日, as counted until now)
    CIVIL_CODE = "civil-code"  # 民法典 Arts. 201, 203: start day excluded, holiday extension
    WORKING = "working"  # only working days count (N 个工作日)

    @classmethod
    def _missing_(cls, value: object) -> DayCount | None:
        alias = _ALIASES.get(value) if isinstance(value, str) else None
        return cls(alias) if alias is not None else None

    @classmethod
    def parse(cls, text: str) -> DayCount:
        """The count a procedure file names (``calendar`` is :attr:`ELAPSED`).

        >>> DayCount.parse("civil_code")
        Traceback (most recent call last):
        ...
        ValueError: unknown day count 'civil_code' (did you mean 'civil-code'?)
        """
        try:
            return cls(text)
        except ValueError:
            hint = did_you_mean(str(text), DAY_COUNT_WORDS)
            raise ValueError(f"unknown day count {text!r} ({hint})") from None

    def between(self, start: date, on: date, calendar: WorkingCalendar | None = None) -> int:
        """Days of this count from ``start`` to ``on``, for display (negative when ``on`` is
        before ``start``: the same count taken backwards).

        ``elapsed`` and ``civil-code``: ``(on - start).days`` — under the Civil Code the day
        ``on`` is the N-th day of the period (the starting day is not counted), though it has
        run only at 24:00. ``working``: the working days after ``start`` up to and including
        ``on``.

        >>> DayCount.WORKING.between(date(2026, 2, 13), date(2026, 2, 27))  # Spring Festival
        5
        """
        if self is not _WORKING:
            return (on - start).days
        cal = _calendar(calendar)
        return cal.between(start, on) if on >= start else -cal.between(on, start)


# Every word a procedure file may write for a count (the values, then the aliases).
DAY_COUNT_WORDS: Final = (*(c.value for c in DayCount), *_ALIASES)
# The counts as module constants for the comparisons every checked period makes: reading an
# enum member off its class costs about twenty times a global's lookup on Python 3.11.
_ELAPSED: Final = DayCount.ELAPSED
_CIVIL_CODE: Final = DayCount.CIVIL_CODE
_WORKING: Final = DayCount.WORKING


def _calendar(calendar: WorkingCalendar | None) -> WorkingCalendar:
    """``calendar``, or else the shared working-day calendar of the package."""
    if calendar is not None:
        return calendar
    # Imported here for start-up speed (see the imports): only a count that meets a working
    # or a non-working day reads the calendar.
    from deliberation.rules.calendars import working_calendar

    return working_calendar()


@functools.cache  # the machine's zone database does not change while the process runs
def zone_names() -> frozenset[str]:
    """The IANA time zone names this machine knows (``tzdata`` supplies them where the system
    has none). A procedure's ``timezone:`` must be one of them.

    >>> "Asia/Shanghai" in zone_names(), "Asia/Beijing" in zone_names()
    (True, False)
    """
    return frozenset(available_timezones())


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    """The date of the aware instant ``moment`` in the zone ``tz``.

    A naive datetime is a :class:`ValueError`: its date would depend on a zone nobody chose.

    >>> from datetime import UTC
    >>> local_date(datetime(2026, 3, 1, 17, tzinfo=UTC), ZoneInfo("Asia/Shanghai"))
    datetime.date(2026, 3, 2)
    """
    # UTC (what clocks and records use) first: it is aware by definition, and this is on the
    # engine's path for every period it checks.
    if moment.tzinfo is not UTC and (moment.tzinfo is None or moment.utcoffset() is None):
        raise ValueError(f"a naive datetime ({moment.isoformat()}) has no local date; "
                         "give an aware one (e.g. tzinfo=UTC)")
    return moment.astimezone(tz).date()


def days_between(earlier: datetime, later: datetime, tz: ZoneInfo) -> int:
    """Whole days from ``earlier`` to ``later``: the difference of their local dates in ``tz``
    (:attr:`DayCount.ELAPSED`). A notice posted on the 1st for a meeting on the 11th gives 10
    days, whatever the hours.

    >>> from datetime import UTC
    >>> beijing = ZoneInfo("Asia/Shanghai")
    >>> # 02:00 Beijing time on 2 March is still 1 March in UTC: 9 local days, not 10
    >>> days_between(datetime(2026, 3, 1, 18, tzinfo=UTC), datetime(2026, 3, 11, 2, tzinfo=UTC),
    ...              beijing)
    9
    """
    return DayCount.ELAPSED.between(local_date(earlier, tz), local_date(later, tz))


# Why a Civil-Code period is not over on its N-th day (Arts. 201, 203), for refusals that would
# otherwise read "10 days ahead, at least 10 needed".
_CIVIL_CODE_NOT_RUN: Final = _(
    "under Civil Code Arts. 201 and 203 the starting day is not counted and the period runs to "
    "24:00 on its last day (a last day on a statutory holiday moves to the first working day "
    "after it)",
)

# No period in any law or village rule comes near a century; the bound keeps a period's last
# day within the calendar (a date cannot pass 9999-12-31) and refuses a mistyped day count.
MAX_DAYS: Final = 36_500


def _non_negative(_unused: object, __: object, value: int) -> None:
    if type(value) is not int or not 0 <= value <= MAX_DAYS:
        raise ValueError(f"a period's days are a whole number from 0 to {MAX_DAYS}, "
                         f"not {value!r}")


def _span_of(period: Period) -> timedelta | None:
    """The period's days as a :class:`timedelta`, made once with the period (``None`` for days
    the validator refuses, or too many for a timedelta: :meth:`Period.last_day` then makes it,
    and fails, as it always did)."""
    days = period.days
    return timedelta(days=days) if type(days) is int and 0 <= days <= 999_999_999 else None


@fields_repr
@attrs.frozen(repr=False)
class Period:
    """``days`` days counted as ``count``, from a starting local date.

    Every method takes local dates (see :func:`local_date`; the ``*_at`` forms take aware
    instants and the zone) and a :class:`~deliberation.rules.calendars.WorkingCalendar` for the
    counts that need one (``civil-code``, ``working``; default: the shared calendar). A date the
    calendar's holiday tables do not cover raises
    :class:`~deliberation.rules.calendars.CalendarCoverageError`; ``elapsed`` never asks.

    >>> Period(5, DayCount.WORKING).last_day(date(2026, 2, 13))  # Fri + 5 over Spring Festival
    datetime.date(2026, 2, 27)
    """

    days: int = attrs.field(validator=_non_negative)
    count: DayCount = attrs.field(validator=attrs.validators.instance_of(DayCount))
    # ``days`` as a timedelta, for the elapsed count's last day (asked for every period checked)
    _span: timedelta | None = attrs.field(init=False, eq=False, repr=False,
                                          default=attrs.Factory(_span_of, takes_self=True))

    def last_day(self, start: date, calendar: WorkingCalendar | None = None) -> date:
        """The period's last day, for a period starting on ``start``.

        ``elapsed``: ``start + days``. ``civil-code``: ``start + days`` (the starting day is not
        counted, Art. 201), moved to the first working day after it when it is a statutory
        holiday or a weekend day that is no make-up working day (Art. 203). ``working``: the
        ``days``-th working day after ``start``.

        >>> Period(10, DayCount.CIVIL_CODE).last_day(date(2026, 2, 5))  # 15 Feb: Spring Festival
        datetime.date(2026, 2, 24)
        """
        if self.count is _WORKING:
            return _calendar(calendar).add(start, self.days)
        span = self._span
        if span is None:
            span = timedelta(days=self.days)
        if date.max - start < span:
            return date.max  # a period ending past the calendar's last day never runs out
        last = start + span
        if self.count is _ELAPSED:
            return last
        cal = _calendar(calendar)
        while not cal.is_working_day(last):
            last += timedelta(days=1)
        return last

    def elapsed(self, start: date, on: date, calendar: WorkingCalendar | None = None) -> int:
        """Days of this period's count from ``start`` to ``on``, for display
        (:meth:`DayCount.between`). Decide with :meth:`over` and :meth:`within`, not with this
        number: under the Civil Code a period is not over on its ``days``-th day.

        >>> Period(7, DayCount.ELAPSED).elapsed(date(2026, 3, 1), date(2026, 3, 5))
        4
        """
        return self.count.between(start, on, calendar)

    def runs_out(self, start: date, calendar: WorkingCalendar | None = None) -> date:
        """The first local date on which a *minimum* period starting on ``start`` has fully
        run: its last day for ``elapsed`` and ``working``, the day after it under the Civil
        Code (the last day ends at 24:00, Art. 203). A meeting or a conclusion that has to
        wait for the period waits until this date.

        >>> civil = Period(10, DayCount.CIVIL_CODE)
        >>> civil.runs_out(date(2026, 3, 1)), civil.runs_out(date(2026, 9, 21))  # 10-01: holiday
        (datetime.date(2026, 3, 12), datetime.date(2026, 10, 9))
        """
        last = self.last_day(start, calendar)
        if self.count is _CIVIL_CODE and last < date.max:
            return last + timedelta(days=1)
        return last

    @property
    def least_days(self) -> int:
        """The fewest calendar days a *minimum* period takes from any start: ``days``, one
        more under the Civil Code (its last day runs to 24:00); a holiday at the end, or
        working days, only lengthen it (:meth:`runs_out` gives the date for a given start).

        >>> Period(10, DayCount.CIVIL_CODE).least_days, Period(10, DayCount.ELAPSED).least_days
        (11, 10)
        """
        return self.days + 1 if self.count is _CIVIL_CODE else self.days

    def over(self, start: date, on: date, calendar: WorkingCalendar | None = None) -> bool:
        """Whether a *minimum* period ("posted at least N days", "notice at least N days
        before") has fully run by the local date ``on``.

        ``elapsed`` and ``working``: ``on >= last_day``. ``civil-code``: ``on > last_day``,
        because the last day ends at 24:00 (Art. 203).

        >>> seven = Period(7, DayCount.ELAPSED)
        >>> [seven.over(date(2026, 3, 1), date(2026, 3, d)) for d in (7, 8, 9)]
        [False, True, True]
        """
        last = self.last_day(start, calendar)
        return on > last if self.count is _CIVIL_CODE else on >= last

    def within(self, start: date, on: date, calendar: WorkingCalendar | None = None) -> bool:
        """Whether a *deadline* ("within N days") is still met on the local date ``on``:
        ``on <= last_day`` for every count (the Civil Code's last day lasts until 24:00).

        >>> five = Period(5, DayCount.WORKING)
        >>> five.within(date(2026, 2, 13), date(2026, 2, 27)), five.within(date(2026, 2, 13),
        ...                                                                date(2026, 3, 2))
        (True, False)
        """
        return on <= self.last_day(start, calendar)

    def not_run(self) -> Text | None:
        """Why a period of this count may not have run though its ``days`` are reached, for
        a refusal (``None`` where the count of days says it all: ``elapsed``, ``working``).

        >>> Period(10, DayCount.CIVIL_CODE).not_run().en[:42]
        'under Civil Code Arts. 201 and 203 the sta'
        """
        if self.count is not DayCount.CIVIL_CODE:
            return None
        return _CIVIL_CODE_NOT_RUN

    def describe(self) -> Text:
        """The period as a cadre would write it, in zh-Hans, zh-Hant and en.

        >>> Period(10, DayCount.CIVIL_CODE).describe().zh_hans
        '10 日(依民法典第二百零一条、第二百零三条计算)'
        >>> Period(5, DayCount.WORKING).describe().en
        '5 working day(s)'
        """
        n = self.days
        if self.count is DayCount.WORKING:
            return _("{n} working day(s)").format(n=n)
        if self.count is DayCount.CIVIL_CODE:
            return _("{n} day(s), counted under Civil Code Arts. 201 and 203").format(n=n)
        return _("{n} day(s)").format(n=n)

    # -- the same on aware instants ---------------------------------------------------------
    def elapsed_at(self, start: datetime, on: datetime, tz: ZoneInfo,
                   calendar: WorkingCalendar | None = None) -> int:
        """:meth:`elapsed` on the local dates of two aware instants in ``tz``."""
        return self.elapsed(local_date(start, tz), local_date(on, tz), calendar)

    def over_at(self, start: datetime, on: datetime, tz: ZoneInfo,
                calendar: WorkingCalendar | None = None) -> bool:
        """:meth:`over` on the local dates of two aware instants in ``tz``.

        >>> from datetime import UTC
        >>> # notice at 01:00 on 2 March Beijing time (1 March in UTC), meeting on 11 March
        >>> Period(10, DayCount.ELAPSED).over_at(datetime(2026, 3, 1, 17, tzinfo=UTC),
        ...     datetime(2026, 3, 11, 2, tzinfo=UTC), ZoneInfo("Asia/Shanghai"))
        False
        """
        return self.over(local_date(start, tz), local_date(on, tz), calendar)

    def within_at(self, start: datetime, on: datetime, tz: ZoneInfo,
                  calendar: WorkingCalendar | None = None) -> bool:
        """:meth:`within` on the local dates of two aware instants in ``tz``."""
        return self.within(local_date(start, tz), local_date(on, tz), calendar)
