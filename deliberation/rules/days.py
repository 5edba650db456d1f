"""Counting days as a rule says: elapsed dates, the Civil Code's way, or working days.

(Interim version; the full module with its documentation lands with the local-time work.)
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import attrs

from deliberation.rules.calendars import WorkingCalendar


class DayCount(enum.Enum):
    ELAPSED = "elapsed"
    CIVIL_CODE = "civil-code"
    WORKING = "working"


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no local date")
    return moment.astimezone(tz).date()


@attrs.frozen
class Period:
    days: int
    count: DayCount = DayCount.ELAPSED

    def last_day(self, start: date, calendar: WorkingCalendar) -> date:
        if self.count is DayCount.WORKING:
            return calendar.add(start, self.days)
        end = start + timedelta(days=self.days)
        if self.count is DayCount.CIVIL_CODE:
            while not calendar.is_working_day(end):
                end += timedelta(days=1)
        return end

    def elapsed(self, start: date, on: date, calendar: WorkingCalendar) -> int:
        if self.count is DayCount.WORKING:
            return calendar.between(start, on)
        return (on - start).days

    def over(self, start: date, on: date, calendar: WorkingCalendar) -> bool:
        last = self.last_day(start, calendar)
        return on > last if self.count is DayCount.CIVIL_CODE else on >= last

    def within(self, start: date, on: date, calendar: WorkingCalendar) -> bool:
        return on <= self.last_day(start, calendar)
