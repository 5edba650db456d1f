"""Disclosure and notice: ``disclosure`` (posted on the required channels, each for the minimum
period counted from its own posting, objections answered), ``notice-period`` (the meeting was
announced long enough before) and ``advance-circulation`` (the plan was circulated long enough
before). All three are preconditions; days are the village's local dates, counted as the rule
says (``count: elapsed | civil-code | working``, see :mod:`deliberation.rules.days`).

>>> from datetime import date
>>> from deliberation.rules import RULES
>>> r = RULES["disclosure"].bind("disclosure", {"channels": ["notice-board"], "min_days": 7})
>>> v = r.verdict({"posted_on": {"foo-channel": date(2026, 3, 1),
...                              "notice-board": date(2026, 3, 9)}, "on": date(2026, 3, 9)})
>>> v.ok, v.numbers["count"]
(False, 0)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar, Final, Self

import attrs

from deliberation.frozen import FrozenDict
from deliberation.i18n import Text, _, series
from deliberation.reprs import fields_repr
from deliberation.rules.actions import ActionKind
from deliberation.rules.base import Description, Param, Rule, Verdict, join, rule_type
from deliberation.rules.channels import channel_name
from deliberation.rules.days import MAX_DAYS, DayCount, Period
from deliberation.rules.facts import Facts
from deliberation.rules.params import choice, some, whole

COUNTS: Final = tuple(c.value for c in DayCount)
REQUIRE: Final = ("any", "all")
# What concluding a posting that was up for less than ``min_days`` does: refused, or recorded
# and sent back to posting again (山东省村务公开条例 Art. 13: "不足的应当重新公开").
WHEN_SHORT: Final = ("refuse", "repost")

COUNT_PARAM: Final = Param(
    "count", "choice", required=False, default="elapsed", choices=(*COUNTS, "calendar"),
    description="how days are counted: elapsed local dates, the Civil Code's way (start day "
    "not counted, a holiday at the end extends it), or working days ('calendar' = elapsed)")


def day_count(value: Any) -> DayCount:
    """``count:`` as a :class:`DayCount` (``calendar``, the older name, is ``elapsed``)."""
    return DayCount.ELAPSED if value in (None, "calendar") else DayCount(str(value))


def _unit(count: DayCount) -> Text:
    if count is DayCount.WORKING:
        return _(" working day(s)")
    return _(" day(s)")


def _days(n: int, count: DayCount) -> Text:
    u = _unit(count)
    return _("{n}{u}").format(n=n, u=u)


def _period(period: Period) -> Text:
    """A rule's period as its description states it: the Civil Code's count named, so that
    "7 days" is not read as the seventh day."""
    if period.count is DayCount.CIVIL_CODE:
        return period.describe()
    return _days(period.days, period.count)


@fields_repr
@attrs.frozen(repr=False)
class Disclosure(Rule):
    """Posted on the required channels — ``require: any`` (one of them) or ``all`` (each) —
    each for at least ``min_days`` counted from that channel's own first posting in the stage,
    with no objection left open."""

    channels: tuple[str, ...]
    period: Period
    require_all: bool
    objection_window_days: int
    # a posting concluded too early: refused, or (repost) recorded with the ``short`` route
    repost: bool = False

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> Disclosure:
        period = Period(whole(cls, params, "min_days"), day_count(params.get("count")))
        return cls(rule_id, some(cls, params, "channels"), period,
                   choice(cls, params, "require") == "all",
                   int(params.get("objection_window_days") or 0),
                   choice(cls, params, "when_short") == "repost", basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({"posted_on", "on", "open_objections"})

    def verdict(self, facts: Facts) -> Verdict:
        posted: Mapping[str, date] = facts.get("posted_on") or {}
        on = facts.get("on")
        period = self.period
        days: dict[str, int] = {}  # per required channel posted: its days so far
        ran = 0  # the required channels whose period has run
        missing: list[str] = []
        for ch in self.channels:
            start = posted.get(ch)
            if start is None:
                missing.append(ch)
            elif on is not None:
                days[ch] = period.elapsed(start, on)
                if period.over(start, on):
                    ran += 1
        if self.require_all:
            met = ran == len(self.channels)
            count = min([days.get(ch, 0) for ch in self.channels], default=0)
        else:
            met = ran > 0
            count = max(days.values()) if days else 0
        objections = facts.get("open_objections", 0)
        if type(objections) is not int:  # (the engine's count is one, taken as it is)
            objections = int(objections)
        return self._verdict(met and not objections, {
            "count": count, "needed": period.days, "days": FrozenDict(days),
            "channels": tuple(posted), "missing": tuple(missing) if missing else (),
            "require": "all" if self.require_all else "any", "open_objections": objections,
            "met": met})

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        days: Mapping[str, int] = numbers["days"]
        count = self.period.count
        if ok:
            used = [channel_name(c) for c in days]
            return _("posted for {days} on {channels}").format(
                days=_days(numbers["count"], count), channels=series(used))
        problems: list[Text] = []
        names = [channel_name(c) for c in self.channels]
        if not numbers["met"]:
            need = _days(self.period.days, count)
            if self.require_all:
                lacking = list(self.channels)
                per = [_("{channel} {days}").format(channel=channel_name(c), days=days.get(c, 0))
                       for c in lacking]
                problems.append(_(
                    "each of {channels} needs at least {need} (posted: {per})"
                ).format(channels=series(names), need=need, per=series(per)))
            elif not days:
                problems.append(_("not posted on a required channel (one of {channels})").format(
                    channels=series(names)))
            else:
                got = _days(numbers["count"], count)
                problems.append(_(
                    "posted for {got}, at least {need} needed",
                ).format(got=got, need=need))
            if (why := self.period.not_run()) is not None:
                problems.append(why)
        if numbers["open_objections"]:
            n = numbers["open_objections"]
            problems.append(_("{n} objection(s) still unanswered").format(n=n))
        return join(problems)

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        names = [channel_name(c, channels) for c in self.channels]
        need = _period(self.period)
        window = self.objection_window_days
        where = (_("on each of {channels}") if self.require_all
                 else _("on one of {channels}")).format(channels=series(names))
        if window:
            detail = _(
                "posted {where} for at least {need}; objections within {window} day(s)",
            ).format(where=where, need=need, window=window)
        else:  # objections, if taken, are a comment period's (rules.comments)
            detail = _("posted {where} for at least {need}").format(where=where, need=need)
        d, count = self.period.days, self.period.count
        summary = (_("posted ≥{d} working days, objections answered") if count is DayCount.WORKING
                   else _("posted ≥{d} days (Civil Code), objections answered")
                   if count is DayCount.CIVIL_CODE
                   else _("posted ≥{d} days, objections answered")).format(d=d)
        return Description(summary, detail, days=d, on_arrow=True)


@fields_repr
@attrs.frozen(repr=False)
class DaysBefore(Rule):
    """A meeting announced (``notice-period``) or its plan circulated (``advance-circulation``)
    at least ``days`` before it is held."""

    fact: ClassVar[str]  # the date counted from: each kind of rule names its own
    period: Period

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> Self:
        return cls(rule_id, Period(int(params["days"]), day_count(params.get("count"))),
                   basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({self.fact, "on"})

    def verdict(self, facts: Facts) -> Verdict:
        given: date | None = facts.get(self.fact)  # type: ignore[assignment]
        on = facts.get("on")
        if given is None or on is None:
            return self._verdict(False, {"count": None, "needed": self.period.days})
        return self._verdict(self.period.over(given, on),
                             {"count": self.period.elapsed(given, on),
                              "needed": self.period.days})

    def _what(self) -> Text:
        if self.fact == "notice_on":
            return _("meeting notice")
        return _("plan circulated")

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        got = "—" if numbers["count"] is None else str(numbers["count"])
        what, need = self._what(), numbers["needed"]
        u = _unit(self.period.count)
        if numbers["count"] is None:  # not given at all: say so, and how far ahead it must be
            return _("{what}: not yet; needed at least {need}{u} before the meeting").format(
                what=what, need=need, u=u)
        why = self.period.not_run()
        if why is None:
            return _(
                "{what}: {got}{u} ahead, at least {need} needed",
            ).format(what=what, got=got, u=u, need=need)
        # under the Civil Code the N-th day is not enough: say when the period has run
        if ok:
            return _("{what}: {got}{u} ahead; the period of {period} has run").format(
                what=what, got=got, u=u, period=self.period.describe())
        return _("{what}: {got}{u} ahead; {need}{u} are needed, and {why}").format(
            what=what, got=got, u=u, need=need, why=why)

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        d, count = self.period.days, self.period.count
        notice = self.fact == "notice_on"
        if count is DayCount.ELAPSED:
            if notice:
                return Description(_("notice ≥{d} days ahead").format(d=d),
                                   _(
                                       "notice at least {d} day(s) ahead",
                                   ).format(d=d), days=d, on_arrow=True)
            return Description(_("plan circulated ≥{d} days ahead").format(d=d),
                               _("plan circulated at least {d} day(s) ahead").format(d=d),
                               days=d)
        # working days, or the Civil Code's count: the words say which (a period of 5 working
        # days is a week and more across a holiday)
        period = self.period.describe()
        if count is DayCount.WORKING:
            summary = (_("notice ≥{d} working days ahead") if notice
                       else _("plan circulated ≥{d} working days ahead")).format(d=d)
            detail = (_("notice at least {period} ahead") if notice
                      else _("plan circulated at least {period} ahead")).format(period=period)
        else:
            summary = (_("notice ≥{d} days ahead (Civil Code)") if notice
                       else _("plan circulated ≥{d} days ahead (Civil Code)")).format(d=d)
            # the count named after the period, so that "ahead" does not trail the article
            detail = (_("notice at least {d} day(s) ahead, counted under Civil Code Arts. 201 "
                        "and 203") if notice
                      else _("plan circulated at least {d} day(s) ahead, counted under Civil "
                             "Code Arts. 201 and 203")).format(d=d)
        return Description(summary, detail, days=d, on_arrow=notice)


@fields_repr
@attrs.frozen(repr=False)
class NoticePeriod(DaysBefore):
    fact: ClassVar[str] = "notice_on"

    def notice_days(self) -> int:
        # a count of working days or under the Civil Code is never shorter than as many
        # elapsed days
        return self.period.days


@fields_repr
@attrs.frozen(repr=False)
class AdvanceCirculation(DaysBefore):
    fact: ClassVar[str] = "circulated_on"

rule_type(
    Disclosure, name="disclosure", label=_("disclosure"),
    description="Published on the required channels for a minimum period, objections answered.",
    params=(Param("channels", "channels", required=False, default=("notice-board",),
                  description="disclosure channels: built-in ids or the procedure's own"),
            Param("min_days", "int", required=False, default=7, minimum=0, maximum=MAX_DAYS),
            Param("objection_window_days", "int", required=False, default=0, minimum=0,
                  maximum=MAX_DAYS),
            Param("require", "choice", required=False, default="any", choices=REQUIRE,
                  description="any: one of the channels suffices; all: each channel, each for "
                  "the full period from its own posting"),
            COUNT_PARAM,
            Param("when_short", "choice", required=False, default="refuse",
                  choices=WHEN_SHORT,
                  description="concluding a posting up for less than min_days: refuse, or "
                  "repost (record it and take the 'short' route: post again, counting anew)")),
    actions=(ActionKind.DISCLOSURE,))

rule_type(
    NoticePeriod, name="notice-period", label=_("notice period"),
    description="The meeting was announced at least ``days`` days before it is held.",
    params=(Param("days", "int", minimum=0, maximum=MAX_DAYS), COUNT_PARAM),
    actions=(ActionKind.MEETING,))

rule_type(
    AdvanceCirculation, name="advance-circulation",
    label=_("plan circulated in advance"),
    description="The plan was circulated to the participants at least ``days`` days ahead.",
    params=(Param("days", "int", minimum=0, maximum=MAX_DAYS), COUNT_PARAM),
    actions=(ActionKind.MEETING,))
