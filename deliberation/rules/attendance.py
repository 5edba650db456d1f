"""Attendance and votes: ``quorum`` (enough of the body there), ``approval`` (enough yes votes)
and ``recusal`` (interested parties do not vote).

A failed quorum or vote is *recorded* — the meeting happened and failed (routes ``no_quorum``
and ``rejected``); recusal is a precondition. Each threshold names its base explicitly, and the
:class:`~deliberation.rules.thresholds.Base` says what it counts.

>>> from deliberation.rules import RULES
>>> q = RULES["quorum"].bind("quorum", {"ratio": "1/2", "compare": ">", "base": "adults",
...     "any_of": [{"ratio": "2/3", "compare": ">=", "base": "households"}]})
>>> v = q.verdict({"adults": 100, "present_adults": 40, "households": 30,
...                "present_households": 20})
>>> v.ok, v.numbers["base"]
(True, 'households')
>>> q.describe().summary.get("en")
'>1/2 of adults present or ≥2/3 of households represented'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from deliberation.frozen import FrozenDict
from deliberation.i18n import Joined, Text, _, _p
from deliberation.reprs import fields_repr
from deliberation.roster.model import SELECTORS
from deliberation.rules.actions import ActionKind, Effect
from deliberation.rules.base import Description, Param, Requirement, Rule, Verdict, join, rule_type
from deliberation.rules.facts import Facts, count_of
from deliberation.rules.thresholds import THRESHOLD_PARAMS, Base, Threshold, threshold_of

QUORUM_BASES: Final = tuple(b.value for b in Base if b.attending is not None)
APPROVAL_BASES: Final = ("present", "expected", "votes_cast", "members", "voters", "households")

# Short names of the bases inside one-line summaries.
_BASE_SHORT: Final[dict[Base, Text]] = {
    Base.MEMBERS: _("members"),
    Base.VOTERS: _("voting members"),
    Base.EXPECTED: _("expected (应到)"),
    Base.PRESENT: _("present"),
    Base.VOTES_CAST: _("votes cast"),
    Base.HOUSEHOLDS: _("households"),
    Base.ADULTS: _("adults"),
}
# between the descriptions of alternative thresholds, and between their short forms on an arrow
_OR: Final = _p("between alternatives", " or ")
_OR_SHORT: Final = _p("between short alternatives", " or ")


def among_fact(fact: str, among: str) -> str:
    """The fact ``fact`` counted on the subset of the body that the roster selector ``among``
    selects: ``among_fact("present_members", "woman") == "present_members@woman"``."""
    return f"{fact}@{among}" if among else fact


# The bases a quorum may count on a subset of the body (``among``): the subset's members.
AMONG_BASES: Final = ("members",)


def _counted(q: Quorum) -> tuple[tuple[str, str], ...]:
    return tuple((among_fact(t.base.attending or "", q.among), among_fact(t.base.value, q.among))
                 for t in q.alternatives)


def _judged(q: Quorum) -> tuple[tuple[Threshold, str, str], ...]:
    return tuple((t, present, of) for t, (present, of) in zip(q.alternatives, q.counted,
                                                             strict=True))


@fields_repr
@attrs.frozen(repr=False)
class Quorum(Rule):
    """Enough of the body attends, on one of the allowed bases (``any_of``: alternatives).

    With ``among`` (a roster selector), the quorum counts only the members of the body that the
    selector selects — e.g. ``among: woman``: at least 2/3 of the women members present.
    """

    alternatives: tuple[Threshold, ...]
    among: str = ""
    # per alternative, the facts it compares (what is counted, what it is a share of)
    counted: tuple[tuple[str, str], ...] = attrs.field(init=False, eq=False, repr=False,
                                                       default=attrs.Factory(
        _counted, takes_self=True))
    # each alternative with the two facts it compares, paired once (the verdict walks them)
    judged: tuple[tuple[Threshold, str, str], ...] = attrs.field(
        init=False, eq=False, repr=False, default=attrs.Factory(_judged, takes_self=True))
    # the alternatives after the first, as judged (most quorums have none)
    others: tuple[tuple[Threshold, str, str], ...] = attrs.field(
        init=False, eq=False, repr=False, default=attrs.Factory(
            lambda q: q.judged[1:], takes_self=True))

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> Quorum:
        alts = [threshold_of(params), *(threshold_of(a) for a in params.get("any_of") or ())]
        among = str(params.get("among") or "")
        for t in alts:
            if t.base.attending is None:
                raise ValueError(f"a quorum cannot be counted on {t.base.value!r}")
            if among and t.base.value not in AMONG_BASES:
                raise ValueError(f"a quorum among {among!r} counts members, "
                                 f"not {t.base.value!r}")
        return cls(rule_id, tuple(alts), among, basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset(f for pair in self.counted for f in pair)

    def verdict(self, facts: Facts) -> Verdict:
        get = facts.get
        judged = self.judged
        # the first alternative, then any others (most quorums have none): the verdict is the
        # first that holds, else the first
        # (counts are the engine's ints, taken as they are; ``int`` converts any other number a
        # caller's own facts give, as it would an int, at several times the cost of the test)
        t, present, of = judged[0]
        count: Any = get(present, 0)
        total: Any = get(of, 0)
        if type(count) is not int or type(total) is not int:
            count, total = int(count), int(total)
        ok, numbers = t.judge(count, total)
        rows = None
        if self.others:
            rows = [(ok, numbers)]
            for t, present, of in self.others:
                count, total = get(present, 0), get(of, 0)
                if type(count) is not int or type(total) is not int:
                    count, total = int(count), int(total)
                rows.append(t.judge(count, total))
            ok, numbers = next((row for row in rows if row[0]), rows[0])
        if self.among:
            numbers = numbers | {"among": self.among}
        if rows is not None:
            numbers = numbers | {"alternatives": tuple(
                FrozenDict(n | {"ok": held}) for held, n in rows)}
        return self._verdict(ok, numbers)

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        t = threshold_of(numbers)
        n = numbers
        if self.among:
            return _among_message(ok, n, t, self.among)
        template = (_("quorum met: {count} of {total} present, {threshold} needed, i.e. at least "
                      "{needed}") if ok else
                    _("quorum not met: {count} of {total} present, {threshold} needed, i.e. at "
                      "least {needed}"))
        return template.format(count=n["count"], total=n["total"], needed=n["needed"],
                               threshold=t.wording())

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        lines = []
        for t in self.alternatives:
            frac, sym, base = t.ratio_text, t.symbol, _BASE_SHORT[t.base]
            verb_en = "represented" if t.base is Base.HOUSEHOLDS else "present"
            lines.append(_(
                "{sym}{frac} of {base} {verb_en}",
            ).format(sym=sym, base=base, frac=frac, verb_en=verb_en))
        summary: Text = Joined(_OR_SHORT, tuple(lines))
        detail: Text = Joined(_OR, tuple(t.wording() for t in self.alternatives))
        if self.among:  # one alternative, on members: name the subset instead
            t = self.alternatives[0]
            values = {"label": subset_label(self.among), "sym": t.symbol,
                      "frac": t.ratio_text, "cmp": t.compare.label}
            summary = _("{sym}{frac} of {label} present").format(**values)
            detail = _("{cmp} {frac} of {label}").format(**values)
        return Description(summary, detail,
                           tuple(t.view(t.base.attending or "") for t in self.alternatives),
                           on_arrow=True)

    def requirements(self, facts: Facts) -> tuple[Requirement, ...]:
        out = []
        for t, (present, of) in zip(self.alternatives, self.counted, strict=True):
            total = count_of(facts, of) if self.among else t.base.total(facts)
            out.append(t.requirement(present, total))
        return tuple(out)

    def holds_if_any(self) -> bool:
        return True


# What a quorum's ``among`` subset is called in its words (a selector not listed here is
# named by the selector itself).
_SUBSETS: Final[dict[str, Text]] = {
    "woman": _("the women members"),
    "man": _("the men members"),
    "woman-representative": _("the women representatives"),
    "resident": _("the resident members"),
    "adult": _("the adult members"),
    "full-party-member": _("the full Party members"),
    "representative": _("the representatives"),
}


def subset_label(among: str) -> Text:
    """The words for the subset of a body a roster selector picks (``woman`` → women members)."""
    return _SUBSETS.get(among) or _("the members selected as '{sel}'").format(sel=among)


def _among_message(ok: bool, n: Mapping[str, Any], t: Threshold, among: str) -> Text:
    label = subset_label(among)
    if ok:
        text = _(
            "quorum met: {count} of {total} of {label} present, {cmp} {frac} needed, i.e. at least "
            "{needed}",
        )
    else:
        text = _(
            "quorum not met: {count} of {total} of {label} present, {cmp} {frac} needed, i.e. at "
            "least {needed}",
        )
    return text.format(label=label, count=n["count"], total=n["total"], needed=n["needed"],
                frac=t.ratio_text, cmp=t.compare.label)


@fields_repr
@attrs.frozen(repr=False)
class Approval(Rule):
    """The vote passes: yes votes against the stated base.

    ``written``: votes handed in writing before the meeting by voters who do not attend count
    with the votes cast there (off by default: they are recorded, not counted, and the verdict
    says how many were left out).
    """

    threshold: Threshold
    written: bool = False

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> Approval:
        t = threshold_of(params)
        if t.base.value not in APPROVAL_BASES:
            raise ValueError(f"a vote cannot be counted against {t.base.value!r}")
        return cls(rule_id, t, bool(params.get("written", False)), basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({"yes", "no", "abstain", *_WRITTEN, self.threshold.base.value}
                         ) - {"votes_cast"}

    def verdict(self, facts: Facts) -> Verdict:
        t = self.threshold
        yes, no, abstain = facts.get("yes", 0), facts.get("no", 0), facts.get("abstain", 0)
        # (the engine's counts are ints, taken as they are; ``int`` converts any other number a
        # caller's own facts give, as it would an int, at several times the cost of the test)
        if type(yes) is not int or type(no) is not int or type(abstain) is not int:
            yes, no, abstain = int(yes), int(no), int(abstain)
        wy, wn, wa = (facts.get("written_yes", 0), facts.get("written_no", 0),
                      facts.get("written_abstain", 0))
        written = 0
        if wy or wn or wa:  # (most meetings hand in no written votes: nothing to count)
            wy, wn, wa = int(wy), int(wn), int(wa)
            written = wy + wn + wa
            if written and self.written:
                yes, no, abstain = yes + wy, no + wn, abstain + wa
        # (the votes cast with the written ones where they count: the base alone does not know)
        total = yes + no + abstain if t.base is _VOTES_CAST else t.base.total(facts)
        ok, numbers = t.judge(yes, total)
        numbers["no"], numbers["abstain"] = no, abstain
        if written:  # what was done with votes handed in writing
            numbers["written_counted" if self.written else "written_not_counted"] = written
        return self._verdict(ok, numbers)

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        t, n = self.threshold, numbers
        word = _("passed") if ok else _("failed")
        msg = _("vote {word}: {count} yes of {total}, {threshold} needed, i.e. at least "
                 "{needed}").format(word=word, count=n["count"], total=n["total"],
                                    needed=n["needed"], threshold=t.wording())
        note = _written_note(n)
        return msg if note is None else join([msg, note])

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        t = self.threshold
        frac, sym, base = t.ratio_text, t.symbol, _BASE_SHORT[t.base]
        summary = _("{sym}{frac} of {base} vote yes").format(sym=sym, base=base, frac=frac)
        detail = t.wording()
        if self.written:
            detail = join([detail, _("votes handed in writing before the meeting count")])
        return Description(summary, detail, (t.view("yes"),), on_arrow=True)

    def requirements(self, facts: Facts) -> tuple[Requirement, ...]:
        total = self.threshold.base.total(facts)
        return (self.threshold.requirement("yes", total),)


_WRITTEN: Final = ("written_yes", "written_no", "written_abstain")
# (a module constant: reading an enum member off its class costs far more on Python 3.11, and
# every vote reads it)
_VOTES_CAST: Final = Base.VOTES_CAST


def _written_note(n: Mapping[str, Any]) -> Text | None:
    """What the verdict did with votes handed in writing, if there were any."""
    if "written_counted" in n:
        k = n["written_counted"]
        return _("including {k} vote(s) handed in writing before the meeting").format(k=k)
    if "written_not_counted" in n:
        k = n["written_not_counted"]
        return _(
            "{k} vote(s) handed in writing before the meeting not counted (this procedure does not "
            "count written votes)",
        ).format(k=k)
    return None


@fields_repr
@attrs.frozen(repr=False)
class Recusal(Rule):
    """Interested parties (利害关系人) do not vote on their own matter."""

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> Recusal:
        return cls(rule_id, basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({"interested_voting"})

    def verdict(self, facts: Facts) -> Verdict:
        n = int(facts.get("interested_voting", 0))
        return self._verdict(n == 0, {"count": n, "needed": 0})

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        if ok:
            return _("interested parties recused")
        n = numbers["count"]
        return _("{n} interested part(y/ies) voted and should have recused").format(n=n)

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        return Description(
            _("interested parties recuse themselves"),
            _("interested parties do not vote"))


rule_type(
    Quorum, name="quorum", label=_("quorum"),
    description="Enough of the body attends: count of those present against a base.",
    params=(*THRESHOLD_PARAMS, Param("base", "base", choices=QUORUM_BASES),
            Param("any_of", "thresholds", required=False, default=(),
                  description="alternative thresholds; the quorum holds if any holds"),
            Param("among", "choice", required=False, default="", choices=tuple(SELECTORS),
                  description="count only the body's members this roster selector selects "
                              "(e.g. woman); base must be members")),
    actions=(ActionKind.MEETING,), effect=Effect.NO_QUORUM)

rule_type(
    Approval, name="approval", label=_("approval"),
    description="The vote passes: yes votes against a base.",
    params=(*THRESHOLD_PARAMS, Param("base", "base", choices=APPROVAL_BASES),
            Param("written", "bool", required=False, default=False,
                  description="count votes handed in writing before the meeting by voters "
                              "who do not attend (off: recorded, not counted)")),
    actions=(ActionKind.MEETING,), effect=Effect.REJECTED)

rule_type(
    Recusal, name="recusal",
    label=_("recusal of interested parties"),
    description="Optional: interested parties may not vote on the matter.",
    params=(), actions=(ActionKind.MEETING,))
