"""The village's time zone, for code that must not load a procedure to know it.

Days are the village's local calendar days: ``Asia/Shanghai`` (China Standard Time, UTC+8 all
year) unless a procedure names another zone (``timezone:``). The store keeps instants in UTC;
a day the reader names is turned into the UTC instant it begins at, to compare with them.

>>> day_start_utc("2026-11-30")
'2026-11-29T16:00:00+00:00'
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Final
from zoneinfo import ZoneInfo

# The time zone a procedure counts its days in unless it names another (``timezone:``): China
# Standard Time, under its IANA name.
DEFAULT_TIMEZONE: Final = "Asia/Shanghai"


def day_start_utc(day: str, zone: str = DEFAULT_TIMEZONE) -> str:
    """The UTC instant (ISO, to the second) at which the local calendar day ``day``
    (``YYYY-MM-DD``) begins in ``zone``. Without fractional seconds it sorts, as text, at or
    below every stored instant of that day, with or without microseconds."""
    start = datetime.combine(date.fromisoformat(day), time(), tzinfo=ZoneInfo(zone))
    return start.astimezone(UTC).isoformat(timespec="seconds")


def local_minute(instant: str, zone: str = DEFAULT_TIMEZONE) -> str:
    """A stored ISO instant as ``YYYY-MM-DD HH:MM`` in ``zone`` (as found if it does not read).

    >>> local_minute("2026-03-02T14:16:00.000000+00:00")
    '2026-03-02 22:16'
    """
    try:
        at = datetime.fromisoformat(instant)
    except ValueError:
        return instant[:16].replace("T", " ")
    if at.tzinfo is not None:
        at = at.astimezone(ZoneInfo(zone))
    return at.strftime("%Y-%m-%d %H:%M")


__all__ = ["DEFAULT_TIMEZONE", "day_start_utc", "local_minute"]
