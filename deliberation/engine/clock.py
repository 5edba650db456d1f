"""Time, injected: the engine asks a clock for "now" and never starts a thread or a timer.

>>> from datetime import datetime, timezone, timedelta
>>> c = ManualClock(datetime(2026, 3, 1, 9, tzinfo=timezone.utc))
>>> c.advance(days=10); c.now().day
11
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol

import attrs


class Clock(Protocol):
    """Anything with ``now()`` returning an aware :class:`datetime`."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@attrs.define
class ManualClock:
    """A clock that moves only when told to: for tests, scenarios, training and simulation."""

    current: datetime = attrs.field(factory=lambda: datetime(2026, 1, 5, 9, tzinfo=UTC))

    def __attrs_post_init__(self) -> None:
        if self.current.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime (e.g. tzinfo=timezone.utc)")

    def now(self) -> datetime:
        return self.current

    def advance(self, days: float = 0, hours: float = 0, minutes: float = 0) -> None:
        self.current += timedelta(days=days, hours=hours, minutes=minutes)

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        if when < self.current:
            raise ValueError("time does not run backwards in a case")
        self.current = when


def days_between(earlier: datetime, later: datetime) -> int:
    """Whole calendar days from ``earlier`` to ``later`` (dates, not 24-hour spans).

    A notice posted on the 1st for a meeting on the 11th gives 10 days, whatever the hours.
    """
    return (_day(later) - _day(earlier)).days


def _day(moment: datetime) -> date:
    return moment.date()
