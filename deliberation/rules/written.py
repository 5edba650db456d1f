"""Written consultations as decisions (书面征求意见): ``reply-quorum`` and ``consent``.

A body asked in writing decides when enough of it replies **under their real names** (a reply
quorum: the consultation is valid) and enough of those replies agree (consent). The two
thresholds have their own bases. Shanghai's implementing measures (上海市实施办法, 2017, am. 2020)
Art. 16(2): the villagers' meeting delegates to the representatives' meeting by written
consultation, valid when more than 1/2 of the adult villagers, or at least 2/3 of the
household representatives, reply under their real names; granted when consents are more than
1/2 of the replies.

Only a reply the villager signed in person counts (a proxy or an unsigned reply is not a reply
under one's real name); a household has replied when one of its adults did. Closing a
consultation whose replies fall short is recorded (route ``no_quorum``), as is one whose
consents fall short (``rejected``).

>>> from deliberation.rules import RULES
>>> q = RULES["reply-quorum"].bind("reply-quorum", {"ratio": "1/2", "compare": ">",
...     "base": "adults", "any_of": [{"ratio": "2/3", "compare": ">=", "base": "households"}]})
>>> q.verdict({"adults": 120, "replied_adults": 60, "households": 45,
...            "replied_households": 30}).ok
True
>>> c = RULES["consent"].bind("consent", {"ratio": "1/2", "compare": ">"})
>>> c.verdict({"replies": 61, "consents": 30}).numbers["needed"]
31
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Final

import attrs

from deliberation.i18n import LANGS, Text, Triple, _
from deliberation.rules.actions import ActionKind, Effect
from deliberation.rules.base import Description, Param, Requirement, Rule, Verdict, rule_type
from deliberation.rules.facts import Facts, count_of
from deliberation.rules.thresholds import THRESHOLD_PARAMS, Base, ShareRule, Threshold, threshold_of

# What a reply quorum may be counted on, and the fact that counts the replies of each.
REPLY_BASES: Final = {"adults": "replied_adults", "households": "replied_households"}
_UNITS: Final = {"adults": _("adult villagers"),
                 "households": _("households (their representatives)")}
_REPLIES: Final = _("replies under real names")


@attrs.frozen
class ReplyQuorum(Rule):
    """Enough of the body replied under their real names, on one of the allowed bases."""

    alternatives: tuple[Threshold, ...]

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> ReplyQuorum:
        alts = [params, *(params.get("any_of") or ())]
        for a in alts:
            if a["base"] not in REPLY_BASES:
                raise ValueError(f"replies cannot be counted on {a['base']!r}")
        return cls(rule_id, tuple(threshold_of(a) for a in alts), basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset(f for t in self.alternatives
                         for f in (t.base.value, REPLY_BASES[t.base.value]))

    def verdict(self, facts: Facts) -> Verdict:
        rows = []
        for t in self.alternatives:
            count = count_of(facts, REPLY_BASES[t.base.value])
            total = count_of(facts, t.base.value)
            rows.append((t.numbers(count, total), t.holds(count, total)))
        numbers, ok = next((r for r in rows if r[1]), rows[0])
        if len(rows) > 1:
            numbers = numbers | {"alternatives": tuple(n | {"ok": held} for n, held in rows)}
        return self._verdict(ok, numbers)

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        t = threshold_of(numbers)
        text = (_(
            "written consultation valid: {count} of {total} {unit} replied under their real names, "
            "{cmp} {frac} needed, i.e. at least {needed}",
        ) if ok else
                _(
                    "written consultation not valid: {count} of {total} {unit} replied under their "
                    "real names, {cmp} {frac} needed, i.e. at least {needed}",
                ))
        return text.format(unit=_UNITS[numbers["base"]], count=numbers["count"],
                    total=numbers["total"], needed=numbers["needed"],
                    frac=t.ratio_text, cmp=t.compare.label)

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        parts = [_("{cmp} {frac} of {unit} reply under their real names").format(
                      unit=_UNITS[t.base.value], frac=t.ratio_text,
                      cmp=t.compare.label) for t in self.alternatives]
        short = [_("{sym}{frac} of {unit} reply").format(unit=_UNITS[t.base.value],
                      sym=t.symbol, frac=t.ratio_text) for t in self.alternatives]

        def joined(texts: list[Text]) -> Text:
            return Triple(*(_("; or ").get(lang).join(x.get(lang) for x in texts)
                          for lang in LANGS))

        views = tuple(t.view(REPLY_BASES[t.base.value]) for t in self.alternatives)
        return Description(joined(short), joined(parts), views, on_arrow=True)

    def requirements(self, facts: Facts) -> tuple[Requirement, ...]:
        out = []
        for t in self.alternatives:
            total = count_of(facts, t.base.value)
            out.append(t.requirement(REPLY_BASES[t.base.value], total))
        return tuple(out)

    def holds_if_any(self) -> bool:
        return True


@attrs.frozen
class Consent(ShareRule):
    """Enough of the replies under real names agree."""

    COUNT: ClassVar[str] = "consents"
    TOTAL: ClassVar[str] = "replies"
    BASE: ClassVar[Base] = Base.VOTES_CAST

    def verdict(self, facts: Facts) -> Verdict:
        count, total = self.counted(facts)
        numbers = self.threshold.numbers(count, total) | {"base": "replies"}
        return self._verdict(self.threshold.holds(count, total), numbers)

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        t, n = self.threshold, numbers
        text = (_(
            "granted: {count} of {total} replies consent, {cmp} {frac} needed, i.e. at least "
            "{needed}",
        ) if ok else
                _(
                    "not granted: {count} of {total} replies consent, {cmp} {frac} needed, i.e. at "
                    "least {needed}",
                ))
        return text.format(count=n["count"], total=n["total"], needed=n["needed"],
                    frac=t.ratio_text, cmp=t.compare.label)

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        t = self.threshold
        values = {"sym": t.symbol, "frac": t.ratio_text, "cmp": t.compare.label,
                  "replies": _REPLIES}
        return Description(
            _("{sym}{frac} of {replies} consent").format(**values),
            _("consents {cmp} {frac} of the {replies}").format(**values),
            (t.view("consents", "replies", "replies"),), on_arrow=True)


rule_type(
    ReplyQuorum, name="reply-quorum", label=_("written consultation reply quorum"),
    description="A written consultation is valid when enough of the body reply under their "
    "real names.",
    params=(*THRESHOLD_PARAMS, Param("base", "base", choices=tuple(REPLY_BASES)),
            Param("any_of", "thresholds", required=False, default=(),
                  description="alternative thresholds; valid if any holds")),
    actions=(ActionKind.CONSULTATION,), effect=Effect.NO_QUORUM)

rule_type(
    Consent, name="consent",
    label=_("written consultation consent"),
    description="A written consultation is granted when enough of the replies consent.",
    params=THRESHOLD_PARAMS, actions=(ActionKind.CONSULTATION,), effect=Effect.REJECTED)
