"""Exact thresholds: a fraction, an explicit comparison and an explicit base.

The boundary words of 民法典 Art. 1259 decide the comparison: 以上 includes the number
(``>=``), 超过 and 过半数 exclude it (``>``). Arithmetic is done on :class:`fractions.Fraction`,
never on floats, so "two thirds of 28" needs 19 and "two thirds of 30" needs exactly 20.

>>> t = Threshold(Fraction(2, 3), Comparison.AT_LEAST, Base.MEMBERS)
>>> t.needed(28), t.needed(30)
(19, 20)
>>> t.holds(18, 28), t.holds(19, 28)
(False, True)
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, ClassVar, Final, Self

import attrs

from deliberation.errors import WordedValueError
from deliberation.i18n import Text, Triple, _, _p, quoted
from deliberation.reprs import fields_repr
from deliberation.rules.base import Param, Requirement, Rule, ThresholdView
from deliberation.rules.facts import Facts, count_of


class Comparison(enum.Enum):
    """How a count is compared with ``ratio × base``."""

    AT_LEAST = ">="  # 以上 / 届满: the number itself counts
    MORE_THAN = ">"  # 超过 / 过半数: strictly more

    @property
    def label(self) -> Text:
        return _COMPARISON_LABELS[self]


_COMPARISON_LABELS: Final = {
    Comparison.AT_LEAST: _("at least"),
    Comparison.MORE_THAN: _("more than"),
}


class Base(enum.Enum):
    """What a threshold is a fraction *of*. Every threshold names its base explicitly."""

    MEMBERS = "members"  # everyone who belongs to the body
    VOTERS = "voters"  # members with a vote (e.g. full Party members only)
    EXPECTED = "expected"  # 应到: voters who should attend (less approved exclusions, never leave)
    PRESENT = "present"  # 实到: voters present at the meeting
    VOTES_CAST = "votes_cast"  # ballots cast: yes + no + abstain
    HOUSEHOLDS = "households"  # households of the electorate
    ADULTS = "adults"  # villagers aged 18 and over

    @property
    def label(self) -> Text:
        return _BASE_LABELS[self]

    @property
    def attending(self) -> str | None:
        """The fact a quorum on this base counts (who is there), or ``None`` for a base that
        is not a body (``present``, ``votes_cast``)."""
        return _ATTENDING[self._value_]

    @property
    def fact(self) -> str:
        """The fact (or, for ``votes_cast``, the sum ``yes + no + abstain``) this base totals."""
        return self.value

    def total(self, facts: Mapping[str, Any]) -> int:
        """This base's total in ``facts`` (a missing fact reads as 0)."""
        key = self._value_  # (plain attribute: faster than .value on the hot path)
        if key == "votes_cast":
            return int(facts.get("yes", 0)) + int(facts.get("no", 0)) + int(
                facts.get("abstain", 0))
        total = facts.get(key, 0)
        # (the engine's counts are ints, taken as they are; ``int`` converts any other number)
        return total if type(total) is int else int(total)


_ATTENDING: Final[dict[str, str | None]] = {
    "members": "present_members",
    "voters": "present",
    "expected": "present",
    "present": None,
    "votes_cast": None,
    "households": "present_households",
    "adults": "present_adults",
}

_BASE_LABELS: Final = {
    Base.MEMBERS: _("members"),
    Base.VOTERS: _p("rules.thresholds", "voting members"),
    Base.EXPECTED: _("those expected to attend"),
    Base.PRESENT: _("those present at the meeting"),
    Base.VOTES_CAST: _("votes cast"),
    Base.HOUSEHOLDS: _("households"),
    Base.ADULTS: _("villagers aged 18 and over"),
}


class FractionError(WordedValueError):
    """A value that is not an exact fraction in [0, 1]; ``text`` says why in every language."""


def parse_fraction(value: object) -> Fraction:
    """Read ``"2/3"``, ``1`` or ``Fraction(2, 3)``; floats are refused (they are not exact).

    Raises :class:`FractionError` (a ``ValueError``) with a hint when the value is not an exact
    fraction in [0, 1].
    """
    if isinstance(value, bool):
        raise FractionError(_("a ratio must be a fraction such as 1/2 or 2/3, not a boolean"))
    if isinstance(value, float):
        raise FractionError(_("{value} is a float; write the exact fraction, e.g. 1/2 or 2/3")
                            .format(value=quoted(value)))
    if isinstance(value, Fraction):
        result = value
    elif isinstance(value, int):
        result = Fraction(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            if "/" in text:
                num, den = text.split("/", 1)
                result = Fraction(int(num.strip()), int(den.strip()))
            elif "." in text or "e" in text.lower():
                raise ValueError
            else:
                result = Fraction(int(text))
        except (ValueError, ZeroDivisionError):
            raise FractionError(
                _("{value} is not an exact fraction; write it as 1/2, 2/3 or 1")
                .format(value=quoted(value))
            ) from None
    else:
        raise FractionError(_("{value} is not a fraction; write it as 1/2, 2/3 or 1")
                            .format(value=quoted(value)))
    if not 0 <= result <= 1:
        raise FractionError(_("{value} is outside 0..1; a share of a body cannot exceed all of it")
                            .format(value=quoted(value)))
    return result


def format_fraction(value: Fraction) -> str:
    """``Fraction(2, 3)`` → ``"2/3"``; whole numbers print without a denominator."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


_CN_DIGITS: Final = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    """1–99 in Chinese numerals (the same characters in simplified and traditional)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return (_CN_DIGITS[tens] if tens > 1 else "") + "十" + (_CN_DIGITS[ones] if ones else "")
    return str(n)


def fraction_words(value: Fraction) -> Text:
    """A fraction as a document writes it: ``三分之二`` in Chinese, ``2/3`` in English.

    >>> fraction_words(Fraction(2, 3)).get("zh-Hans"), fraction_words(Fraction(1, 10)).en
    ('三分之二', '1/10')
    """
    if value.denominator == 1 or value.denominator > 99 or value.numerator > 99:
        return Triple.same(format_fraction(value))
    zh = f"{_chinese_number(value.denominator)}分之{_chinese_number(value.numerator)}"
    return Triple(zh, zh, format_fraction(value))


@fields_repr
@attrs.frozen(repr=False)
class Threshold:
    """``count  <compare>  ratio × total``, with ``total`` counted on ``base``."""

    ratio: Fraction
    compare: Comparison
    base: Base
    # the ratio's parts, as plain integers for the arithmetic (computed when it is made)
    _num: int = attrs.field(init=False, repr=False, eq=False,
                            default=attrs.Factory(lambda t: t.ratio.numerator, takes_self=True))
    _den: int = attrs.field(init=False, repr=False, eq=False,
                            default=attrs.Factory(lambda t: t.ratio.denominator,
                                                  takes_self=True))
    _text: str = attrs.field(init=False, repr=False, eq=False,
                             default=attrs.Factory(lambda t: format_fraction(t.ratio),
                                                   takes_self=True))
    _compare: str = attrs.field(init=False, repr=False, eq=False, default=attrs.Factory(
        lambda t: t.compare.value, takes_self=True))
    _base: str = attrs.field(init=False, repr=False, eq=False, default=attrs.Factory(
        lambda t: t.base.value, takes_self=True))
    _at_least: bool = attrs.field(init=False, repr=False, eq=False, default=attrs.Factory(
        lambda t: t.compare is Comparison.AT_LEAST, takes_self=True))
    # what :meth:`needed` adds before its floor division: ``den - 1`` rounds ``num × total /
    # den`` up (the smallest count at least it), ``den`` gives the next count above its floor
    # (the smallest count more than it)
    _round: int = attrs.field(init=False, repr=False, eq=False, default=attrs.Factory(
        lambda t: t._den - 1 if t._at_least else t._den, takes_self=True))

    def needed(self, total: int) -> int:
        """The smallest count that satisfies the threshold out of ``total``: for ``>=`` the
        ceiling of ``ratio × total``, for ``>`` its floor plus one (exact integers, one floor
        division).

        May exceed ``total`` (e.g. more than all of 0): then nothing satisfies it.

        >>> t = Threshold(Fraction(1, 2), Comparison.MORE_THAN, Base.PRESENT)
        >>> t.needed(10), t.needed(11), t.needed(0)
        (6, 6, 1)
        """
        return (self._num * total + self._round) // self._den

    def holds(self, count: int, total: int) -> bool:
        """Whether ``count`` out of ``total`` satisfies the threshold (exact arithmetic): it
        reaches :meth:`needed`, the smallest count that does."""
        return count >= self.needed(total)

    def judge(self, count: int, total: int) -> tuple[bool, dict[str, Any]]:
        """:meth:`holds` and :meth:`numbers` at once (``needed`` worked out once).

        >>> Threshold(Fraction(1, 2), Comparison.MORE_THAN, Base.PRESENT).judge(5, 10)[0]
        False
        """
        needed = self.needed(total)
        return count >= needed, {"count": count, "total": total, "needed": needed,
                                 "ratio": self._text, "compare": self._compare,
                                 "base": self._base}

    @property
    def symbol(self) -> str:
        """The comparison as a one-line summary writes it: ``≥`` or ``>``."""
        return "≥" if self._at_least else ">"

    @property
    def ratio_text(self) -> str:
        """The ratio as written: ``2/3``, ``1``."""
        return self._text

    def numbers(self, count: int, total: int) -> dict[str, Any]:
        """``count`` against ``total``: what was counted, what was needed, and the threshold."""
        return self.judge(count, total)[1]

    def requirement(self, count: str, total: int) -> Requirement:
        """What this threshold needs of the fact ``count`` out of ``total`` (for the simulator).

        >>> Threshold(Fraction(2, 3), Comparison.AT_LEAST, Base.MEMBERS).requirement("yes", 28)
        Requirement(count='yes', total=28, needed=19)
        """
        return Requirement(count, total, self.needed(total))

    def view(self, count: str, total: str | None = None, base: str | None = None
             ) -> ThresholdView:
        """This threshold as a calculator shows it: the fact ``count`` against the fact
        ``total`` (by default the one its base totals), labelled ``base`` (by default its own).

        >>> Threshold(Fraction(1, 2), Comparison.MORE_THAN, Base.PRESENT).view("yes").to_data()
        {'num': 1, 'den': 2, 'compare': '>', 'base': 'present', 'count': 'yes', 'total': 'present'}
        """
        return ThresholdView(self._num, self._den, self._compare, base or self._base, count,
                             total or self.base.fact)

    def describe(self, lang: str = "zh-Hans") -> str:
        """The threshold as laws and village documents word it, from its comparison and base.

        >>> t = Threshold(Fraction(2, 3), Comparison.AT_LEAST, Base.EXPECTED)
        >>> t.describe("zh-Hans"), t.describe("en")
        ('达到应到人数的三分之二以上', 'at least 2/3 of those expected to attend')
        >>> Threshold(Fraction(1, 2), Comparison.MORE_THAN, Base.PRESENT).describe("zh-Hant")
        '超過到會人數的半數'
        """
        return self.wording().get(lang)

    def wording(self) -> Text:
        """:meth:`describe` in all three languages."""
        frac, base = fraction_words(self.ratio), self.base.label
        if self._at_least and self.ratio >= 1:
            return _("all of {base} (100%)").format(base=base)
        if self._at_least:
            return _("at least {fraction} of {base}").format(fraction=frac, base=base)
        if self.ratio == Fraction(1, 2):
            return _("more than half of {base}").format(base=base)
        return _("more than {fraction} of {base}").format(fraction=frac, base=base)

    def to_data(self) -> dict[str, str]:
        return {
            "ratio": format_fraction(self.ratio),
            "compare": self.compare.value,
            "base": self.base.value,
        }


# The parameters of a rule that counts against one threshold (its base is named apart).
THRESHOLD_PARAMS: Final = (
    Param("ratio", "fraction", description="exact fraction, e.g. 1/2 or 2/3"),
    Param("compare", "comparison", choices=(">=", ">"),
          description=">= for 以上, > for 超过/过半数"),
)


def threshold_of(params: Mapping[str, Any], base: Base | str | None = None,
                 ratio: str = "ratio") -> Threshold:
    """The :class:`Threshold` of a rule's parameters: the fraction ``params[ratio]``, the
    comparison ``params["compare"]`` and the base ``base`` (by default ``params["base"]``).

    >>> threshold_of({"ratio": "2/3", "compare": ">=", "base": "members"}).needed(28)
    19
    >>> threshold_of({"ratio": "1/2", "compare": ">"}, Base.ADULTS).describe("en")
    'more than half of villagers aged 18 and over'
    """
    return Threshold(parse_fraction(params[ratio]), Comparison(params["compare"]),
                     Base(params["base"] if base is None else base))


@fields_repr
@attrs.frozen(repr=False)
class ShareRule(Rule):
    """A rule of one threshold on a base of its own: the fact :attr:`COUNT` out of the fact
    :attr:`TOTAL` (a gate's signatures out of the body's members, consents out of the replies).
    A subclass names the two facts and the base, and says its verdict in its own words.
    """

    COUNT: ClassVar[str]
    TOTAL: ClassVar[str]
    BASE: ClassVar[Base]
    threshold: Threshold

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> Self:
        return cls(rule_id, threshold_of(params, cls.BASE), basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({self.TOTAL, self.COUNT})

    def counted(self, facts: Facts) -> tuple[int, int]:
        """The count and the total in ``facts`` (0 for either not given)."""
        return count_of(facts, self.COUNT), count_of(facts, self.TOTAL)

    def requirements(self, facts: Facts) -> tuple[Requirement, ...]:
        return (self.threshold.requirement(self.COUNT, count_of(facts, self.TOTAL)),)
