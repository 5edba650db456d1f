"""Required observers (列席监督): a meeting counts only when enough named people of a body that
does not vote there attend it — e.g. members of the supervision committee (村务监督委员会) or
township officials (乡镇干部) sent to supervise. A precondition: a meeting held without them is
refused and nothing is recorded.

The meeting names its observers (``observers: [ids]``); the engine counts, for each roster
selector, how many of them it selects (the fact ``observers``, a mapping selector → count).

>>> from deliberation.rules import RULES
>>> r = RULES["observers"].bind("supervisors", {"of": "supervision-committee", "min": 2})
>>> r.verdict({"observers": {"supervision-committee": 1}}).ok
False
>>> r.verdict({"observers": {"supervision-committee": 2}}).numbers["count"]
2

What the rule needs is also declared as a count (for the simulator, which samples who comes):
``observers@<selector>`` of the ``roster@<selector>`` the roster selects must reach ``min``.

>>> r.requirements({"roster@supervision-committee": 3})
(Requirement(count='observers@supervision-committee', total=3, needed=2),)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from deliberation.i18n import Text, _
from deliberation.roster.model import SELECTORS
from deliberation.roster.offices import OFFICE_LABELS
from deliberation.rules import names
from deliberation.rules.actions import ActionKind
from deliberation.rules.base import Description, Param, Requirement, Rule, Verdict, rule_type
from deliberation.rules.facts import Facts, count_of
from deliberation.rules.params import choice, whole

# The fact a meeting establishes: how many of its named observers each roster selector selects.
OBSERVERS: Final = names.OBSERVERS

_LABELS: Final[dict[str, Text]] = {
    "supervision-committee": _("supervision committee members"),
    "township-official": _("township officials sent to supervise"),
    "party-committee": _("Party committee members"),
    "villagers-committee": _("villagers' committee members"),
    "representative": _("villagers' representatives"),
}


def observer_label(selector: str) -> Text:
    """The words for the observers a roster selector picks.

    >>> observer_label("supervision-committee").get("zh-Hans")
    '村务监督委员会委员'
    """
    return _LABELS.get(selector) or OFFICE_LABELS.get(selector) or _(
        "those selected as '{sel}'").format(sel=selector)


@attrs.frozen
class Observers(Rule):
    """At least ``minimum`` of the meeting's named observers are selected by ``of``."""

    of: str
    minimum: int

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> Observers:
        return cls(rule_id, choice(cls, params, "of"), whole(cls, params, "min"), basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({OBSERVERS})

    def verdict(self, facts: Facts) -> Verdict:
        seen: Mapping[str, int] = facts.get(OBSERVERS) or {}
        count = int(seen.get(self.of, 0))
        return self._verdict(count >= self.minimum,
                             {"count": count, "needed": self.minimum, "of": self.of})

    def requirements(self, facts: Facts) -> tuple[Requirement, ...]:
        """``observers@<of>`` (those of ``of`` who attend to observe) must reach ``min``, out
        of ``roster@<of>`` (how many the roster selects as ``of``)."""
        return (Requirement(f"{OBSERVERS}@{self.of}", count_of(facts, f"roster@{self.of}"),
                            self.minimum),)

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        label = observer_label(str(numbers["of"]))
        if ok:
            return _("observers present: {count} of {label}, at least {needed} required").format(
                count=numbers["count"], label=label, needed=numbers["needed"])
        return _(
            "too few observers: {count} of {label} named at the meeting, at least {needed} "
            "required",
        ).format(count=numbers["count"], label=label, needed=numbers["needed"])

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        label = observer_label(self.of)
        return Description(
            _("≥{n} {label} observe").format(n=self.minimum, label=label),
            _("at least {n} {label} attend the meeting as observers, named in its record").format(
                n=self.minimum, label=label))


rule_type(
    Observers, name="observers", label=_("required observers"),
    description="Named observers of a body (supervision committee, township officials) who "
                "must attend the meeting for it to count.",
    params=(Param("of", "choice", choices=tuple(SELECTORS),
                  description="the roster selector the observers belong to"),
            Param("min", "int", required=False, default=1, minimum=1,
                  description="how many of them must attend")),
    actions=(ActionKind.MEETING,))
