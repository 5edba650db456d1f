"""Time: ``deadline`` (a step completed within so many days — once it has passed, the engine
refuses any action of the stage but the lapse, which ``check_deadlines`` records) and
``lunar-schedule`` (held only on scheduled lunar days, e.g. 逢五说事; a precondition). Dates are
the village's local dates.

>>> from datetime import date
>>> from deliberation.rules import RULES
>>> r = RULES["deadline"].bind("deadline", {"days": 5})
>>> r.verdict({"since": date(2026, 3, 2), "on": date(2026, 3, 8)}).message.get("en")
'deadline 5 day(s), 6 elapsed'
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Final

import attrs

from deliberation.i18n import Text, Triple, _, each_lang
from deliberation.rules.actions import ActionKind, Effect
from deliberation.rules.base import Description, Param, Rule, Verdict, rule_type
from deliberation.rules.calendars import (
    LUNAR_MONTH_NAMES,
    LunarDay,
    LunarSchedule,
    lunar_day_name,
)
from deliberation.rules.days import MAX_DAYS, DayCount, Period
from deliberation.rules.disclosure import COUNT_PARAM, day_count
from deliberation.rules.facts import Facts

REFERENCES: Final = ("stage-entered", "case-opened")


@attrs.frozen
class Deadline(Rule):
    """The step is completed within ``days`` of its reference point (``from``)."""

    period: Period
    reference: str

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> Deadline:
        ref = str(params.get("from") or "stage-entered")
        if ref not in REFERENCES:
            raise ValueError(f"from {ref!r}: choose stage-entered or case-opened")
        return cls(rule_id, Period(int(params["days"]), day_count(params.get("count"))), ref,
                   basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({"since", "on"})

    def verdict(self, facts: Facts) -> Verdict:
        since, on = facts.get("since"), facts.get("on")
        if since is None or on is None:
            return self._verdict(True, {"count": 0, "needed": self.period.days})
        numbers: dict[str, Any] = {
            "count": self.period.elapsed(since, on),
            "needed": self.period.days}
        if self.period.count is not DayCount.ELAPSED:
            numbers["days"] = self.period.count.value
        return self._verdict(self.period.within(since, on),
                             numbers)

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        limit, got = numbers["needed"], numbers["count"]
        if self.period.count is DayCount.WORKING:
            return _("deadline {limit} working day(s), {got} elapsed").format(limit=limit, got=got)
        return _("deadline {limit} day(s), {got} elapsed").format(limit=limit, got=got)

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        d = self.period.days
        frm = (_("entering this step")
               if self.reference == "stage-entered" else
               _("the case being opened"))
        if self.period.count is DayCount.WORKING:
            detail = _(
                "completed within {d} working day(s) of {frm} (public holidays excluded, make-up "
                "working days counted)",
            ).format(d=d, frm=frm)
        else:
            detail = _("completed within {d} day(s) of {frm}").format(d=d, frm=frm)
        return Description(_("done within {d} days").format(d=d), detail)


@attrs.frozen
class LunarScheduleRule(Rule):
    """The action takes place on a scheduled lunar day (逢五说事; 腊月二十八 年终交账)."""

    schedule: LunarSchedule

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> LunarScheduleRule:
        month = params.get("month")
        days = tuple(int(d) for d in params["days"])
        return cls(rule_id, LunarSchedule(days, int(month) if month is not None else None),
                   basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({"on"})

    def verdict(self, facts: Facts) -> Verdict:
        s = self.schedule
        numbers: dict[str, Any] = {"days": s.days, "month": s.month}
        on: date | None = facts.get("on")
        if on is None:
            return self._verdict(False, numbers | {"date": None})
        lunar = LunarDay.of(on)
        return self._verdict(s.matches(on), numbers | {
            "date": on.isoformat(), "lunar_month": lunar.month, "lunar_day": lunar.day,
            "leap": lunar.leap})

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        s = self.schedule
        when = each_lang(s.describe)
        day = numbers["date"]
        if day is None:
            return _("no date; must be on {when}").format(when=when)
        month, lday, leap = numbers["lunar_month"], numbers["lunar_day"], numbers["leap"]
        name = ("闰" if leap else "") + LUNAR_MONTH_NAMES[month - 1] + lunar_day_name(lday)
        # the lunar date's Chinese name, in traditional characters for zh-Hant; English uses
        # numbers (month/day)
        lunar = Triple(name, name.replace("闰", "閏").replace("腊", "臘"), f"{month}/{lday}")
        if ok:
            return _("{day} (lunar {lunar}) is a scheduled day").format(day=day, lunar=lunar)
        return _("{day} is lunar {lunar}, not a scheduled day ({when})").format(
            day=day, lunar=lunar, when=when)

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        s = self.schedule
        return Description(
            self.type.label,
            _("held only on {when}").format(when=each_lang(s.describe)))


rule_type(
    Deadline, name="deadline", label=_("deadline"),
    description="The step must be completed within a number of days; an action after it is "
                "refused, and the lapse is recorded when deadlines are checked.",
    params=(Param("days", "int", minimum=0, maximum=MAX_DAYS),
            Param("from", "choice", required=False, default="stage-entered",
                  choices=REFERENCES),
            COUNT_PARAM),
    actions=tuple(ActionKind), effect=Effect.DEADLINE)

rule_type(
    LunarScheduleRule, name="lunar-schedule", label=_("lunar schedule"),
    description="The step is held only on scheduled lunar days (e.g. 5th, 15th, 25th).",
    params=(Param("days", "ints", minimum=1, maximum=30,
                  description="lunar days of the month, 1–30, e.g. [5, 15, 25]"),
            Param("month", "int", required=False, default=None, minimum=1, maximum=12,
                  description="a lunar month 1–12 (12 = 腊月); every month when absent")),
    actions=(ActionKind.MEETING, ActionKind.MOTION, ActionKind.TASK))
