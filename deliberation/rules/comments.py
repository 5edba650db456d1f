"""Public comment periods: ``comment-period`` — villagers object to a posting within a window,
and the responsible body answers each objection within a deadline.

A disclosure stage with this rule is a comment period (公示期): from the stage's first posting,
villagers on the roster (``objectors``, default every villager) may file a named, signed
objection for ``window_days`` (``0``, the default: for as long as the stage is posted,
until it is concluded); the body ``answered_by`` (default the villagers' committee) must
answer each one within ``answer_days`` of its filing. The stage cannot be concluded — so the
next stage, e.g. the vote, cannot open — while the window is still open or any objection is
unanswered. Days are the village's local dates, counted as ``count`` says
(:mod:`deliberation.rules.days`).

The window is open *through* its last day (a villager may object on that day), so the stage
concludes at the earliest the day after: with ``window_days: 5`` and a posting on 1 March,
objections are taken until 6 March and the stage concludes from 7 March.

**A late answer is recorded and flagged, not refused, and takes no route.** The provincial texts
(山东省村务公开条例 Art. 16: 5 days; 重庆市实施办法 Art. 35: 3 days) lay the deadline on the
committee as a duty; neither makes a late answer void or sends the matter back. The remedy they
and the Organic Law (2018, Art. 31) give the villager is to report to the township government,
which may order the matter corrected or published — the after-adoption orders the engine
already records. Refusing a late answer would leave the objection open for ever and stall the
case, turning the committee's delay into the villagers' loss; so the answer is accepted, its
record carries the failed ``answer`` verdict (days taken, the last day, days late), and the
stage's conclusion counts the late answers.

>>> from datetime import date
>>> from deliberation.rules import RULES
>>> r = RULES["comment-period"].bind("comment-period", {"window_days": 5, "answer_days": 5})
>>> posted = {"notice-board": date(2026, 3, 1)}
>>> [r.filing(posted, date(2026, 3, d)).ok for d in (6, 7)]
[True, False]
>>> v = r.verdict({"posted_on": posted, "on": date(2026, 3, 7),
...                "villager_objections": ((date(2026, 3, 2), None),)})
>>> v.ok, v.numbers["open"]
(False, 1)
>>> r.answer(date(2026, 3, 2), date(2026, 3, 8)).numbers["late_by"]
1
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

import attrs

from deliberation.i18n import Text, _
from deliberation.roster.model import SELECTORS
from deliberation.rules.actions import ActionKind
from deliberation.rules.base import Description, Param, Rule, Verdict, join, rule_type
from deliberation.rules.days import MAX_DAYS, Period
from deliberation.rules.disclosure import COUNT_PARAM, day_count
from deliberation.rules.facts import Facts
from deliberation.rules.names import COMMENT_PERIOD

NAME: Final = COMMENT_PERIOD
# what the verdict was asked: the stage's conclusion, one filing, one answer
CONCLUDE: Final = "conclude"
FILING: Final = "filing"
ANSWER: Final = "answer"

# One objection as the rule sees it: the local date it was filed, the date it was answered
# (``None`` while open).
Objection = tuple[date, date | None]


def first_posting(posted_on: Mapping[str, date]) -> date | None:
    """The day the stage was first posted on any channel: the window opens then."""
    return min(posted_on.values(), default=None)


@attrs.frozen
class CommentPeriod(Rule):
    """Objections taken for ``window`` from the first posting (``window.days == 0``: while
    the stage is posted); each answered within ``answer_period``; the stage concludes once the
    window is over and nothing is left open."""

    window: Period
    answer_period: Period
    objectors: tuple[str, ...]
    answered_by: tuple[str, ...]

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> CommentPeriod:
        count = day_count(params.get("count"))
        window, answer = int(params["window_days"]), int(params["answer_days"])
        if window < 0 or answer < 1:
            raise ValueError("window_days is at least 0 and answer_days at least 1")
        return cls(rule_id, Period(window, count), Period(answer, count),
                   _selectors(params.get("objectors"), ("villager",)),
                   _selectors(params.get("answered_by"), ("villagers-committee",)),
                   basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({"posted_on", "on", "villager_objections"})

    # -- the three questions ----------------------------------------------------------------
    def verdict(self, facts: Facts) -> Verdict:
        """May the stage conclude: the window over, every objection answered."""
        start = first_posting(facts.get("posted_on") or {})
        on = facts.get("on")
        objections: Sequence[Objection] = facts.get("villager_objections") or ()
        open_ = sum(1 for _f, answered in objections if answered is None)
        late = sum(1 for filed, answered in objections
                   if answered is not None and not self.answer_period.within(filed, answered))
        overdue = sum(1 for filed, answered in objections
                      if answered is None and on is not None
                      and not self.answer_period.within(filed, on))
        if start is None or on is None:
            over, elapsed, closes = False, None, None
        elif not self.window.days:  # objections taken while posted: nothing to wait out
            over, elapsed, closes = True, None, None
        else:
            over = not self.window.within(start, on)
            elapsed = self.window.elapsed(start, on)
            closes = self.window.last_day(start).isoformat()
        return self._verdict(over and not open_, {
            "check": CONCLUDE, "window_days": self.window.days, "elapsed": elapsed,
            "closes_on": closes, "window_over": over, "filed": len(objections),
            "open": open_, "late": late, "overdue": overdue})

    def filing(self, posted_on: Mapping[str, date], on: date) -> Verdict:
        """May a villager object on ``on``: posted, and the window not yet over."""
        start = first_posting(posted_on)
        timed = start is not None and self.window.days > 0
        ok = start is not None and (not timed or self.window.within(start, on))
        return self._verdict(ok, {
            "check": FILING, "window_days": self.window.days,
            "posted_on": None if start is None else start.isoformat(),
            "closes_on": self.window.last_day(start).isoformat() if timed and start else None,
            "on": on.isoformat()})

    def answer(self, filed: date, answered: date) -> Verdict:
        """Was the objection filed on ``filed`` answered in time on ``answered`` (a failed
        verdict flags a late answer; it is never a refusal)."""
        due = self.answer_period.last_day(filed)
        return self._verdict(self.answer_period.within(filed, answered), {
            "check": ANSWER, "answer_days": self.answer_period.days,
            "days": self.answer_period.elapsed(filed, answered), "due": due.isoformat(),
            "late_by": max(0, (answered - due).days)})

    # -- words ---------------------------------------------------------------------------------
    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        check = numbers["check"]
        if check == FILING:
            if numbers["posted_on"] is None:
                return _("nothing is posted yet: there is nothing to object to")
            if ok and numbers["closes_on"] is None:
                return _("objection filed while the matter is posted")
            if ok:
                return _("objection filed within the window (open until {closes})").format(
                    closes=numbers["closes_on"])
            return _(
                "the objection window closed on {closes} ({n} day(s) from the posting on "
                "{posted}); objections are no longer taken",
            ).format(closes=numbers["closes_on"], n=numbers["window_days"],
                     posted=numbers["posted_on"])
        if check == ANSWER:
            if ok:
                return _("answered in {days} day(s), within {n}").format(
                    days=numbers["days"], n=numbers["answer_days"])
            return _(
                "answered late: {days} day(s) after the objection, due within {n} (by {due}), "
                "{late} day(s) late",
            ).format(days=numbers["days"], n=numbers["answer_days"], due=numbers["due"],
                     late=numbers["late_by"])
        problems: list[Text] = []
        if not numbers["window_over"] and numbers["closes_on"] is None:
            problems.append(_("nothing is posted yet: the comment period has not begun"))
        elif not numbers["window_over"]:
            problems.append(_(
                "the comment period is open until {closes} (day {elapsed} of {n}); objections "
                "may still be filed",
            ).format(closes=numbers["closes_on"], elapsed=numbers["elapsed"],
                     n=numbers["window_days"]))
        if numbers["open"]:
            problems.append(_("{open} villagers' objection(s) not yet answered").format(
                open=numbers["open"]))
        if numbers["late"]:
            problems.append(_("{late} objection(s) were answered late").format(
                late=numbers["late"]))
        if ok and not problems:
            return _("comment period over; {filed} objection(s), all answered in time").format(
                filed=numbers["filed"])
        return join(problems)

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        a = self.answer_period.describe()
        if not self.window.days:
            summary = _("objections answered ≤{a} days").format(a=self.answer_period.days)
            detail = _(
                "villagers may object in writing, signed, while the matter is posted; each "
                "objection is answered within {a} of its filing; the stage concludes only with "
                "every objection answered (a late answer is recorded and flagged)",
            ).format(a=a)
            return Description(summary, detail, on_arrow=True)
        summary = _("objections ≤{w} days, answered ≤{a} days").format(
            w=self.window.days, a=self.answer_period.days)
        detail = _(
            "villagers may object in writing, signed, within {w} of the first posting; each "
            "objection is answered within {a} of its filing; the stage concludes after the "
            "window, with every objection answered (a late answer is recorded and flagged)",
        ).format(w=self.window.describe(), a=a)
        # the stage waits out the whole window: it concludes the day after its last day
        return Description(summary, detail, days=self.window.days + 1, on_arrow=True)


def _selectors(value: Any, default: tuple[str, ...]) -> tuple[str, ...]:
    names = tuple(str(s) for s in (value or default))
    for name in names:
        if name not in SELECTORS:
            raise ValueError(f"unknown roster selector {name!r}")
    return names


rule_type(
    CommentPeriod, name=NAME, label=_("public comment period"),
    description="Villagers object in writing within a window from the first posting; each "
    "objection is answered within a deadline; the stage concludes only after the window, with "
    "every objection answered.",
    params=(Param("window_days", "int", required=False, default=0, minimum=0, maximum=MAX_DAYS,
                  description="days from the first posting in which villagers may object "
                  "(0: while the matter is posted, until the stage is concluded)"),
            Param("answer_days", "int", minimum=1, maximum=MAX_DAYS,
                  description="days from an objection's filing within which it is answered"),
            COUNT_PARAM,
            Param("objectors", "list", required=False, default=("villager",),
                  choices=tuple(SELECTORS),
                  description="roster selectors of who may object (default: every villager)"),
            Param("answered_by", "list", required=False, default=("villagers-committee",),
                  choices=tuple(SELECTORS),
                  description="roster selectors of who answers (default: the villagers' "
                  "committee)")),
    actions=(ActionKind.DISCLOSURE,))


__all__ = ["ANSWER", "CONCLUDE", "FILING", "NAME", "CommentPeriod", "Objection",
           "first_posting"]
