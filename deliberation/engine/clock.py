"""Time, injected: the engine asks a clock for "now" and never starts a thread or a timer.

Clocks give aware instants (UTC is fine: records keep instants). Days are counted on the
village's local calendar dates, never here: see :mod:`deliberation.rules.days`
(``days_between(earlier, later, procedure.zone)``, :class:`~deliberation.rules.days.Period`).

>>> from datetime import datetime, timezone, timedelta
>>> c = ManualClock(datetime(2026, 3, 1, 9, tzinfo=timezone.utc))
>>> c.advance(days=10); c.now().day
11
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final, Protocol

import attrs

from deliberation.reprs import fields_repr


class Clock(Protocol):
    """Anything with ``now()`` returning an aware :class:`datetime`."""

    def now(self) -> datetime: ...


# How far ahead of the machine's clock an action may be dated (clocks of the machines that send
# a time differ a little): beyond it, the action would be dated before it happened, and a record
# dated ahead meets every period at once (a 7-day posting concluded the day it goes up).
FUTURE_SKEW: Final = timedelta(minutes=5)


class SystemClock:
    """The machine's clock: aware instants in UTC (local dates are read in the procedure's zone).

    It is the one clock that knows what has happened: a case on it refuses an action dated more
    than :data:`FUTURE_SKEW` ahead of it. (A :class:`ManualClock` is the caller's own time.)
    """

    def now(self) -> datetime:
        return datetime.now(UTC)


@fields_repr
@attrs.define(repr=False)
class ManualClock:
    """A clock that moves only when told to: for tests, scenarios, training and simulation."""

    current: datetime = attrs.field(factory=lambda: datetime(2026, 1, 5, 9, tzinfo=UTC))

    def __attrs_post_init__(self) -> None:
        if self.current.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime (e.g. tzinfo=timezone.utc)")

    def now(self) -> datetime:
        return self.current

    def advance(self, days: float = 0, hours: float = 0, minutes: float = 0) -> None:
        # (positional: timedelta(days, seconds, microseconds, milliseconds, minutes, hours))
        self.current += timedelta(days, 0, 0, 0, minutes, hours)

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        if when < self.current:
            raise ValueError("time does not run backwards in a case")
        self.current = when
