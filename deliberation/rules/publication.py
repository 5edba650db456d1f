"""Per-stage disclosure: ``results-published`` — the results of named earlier stages are
published before this stage opens.

Some villages publish every step of 四议两公开 as it is taken (the proposal, the discussion's
plan, the Party members' review), not only the resolution and the results. A stage with this
rule cannot be acted on at all — no notice, no posting, no vote — while a named earlier stage
has passed without its result being published since (``publish_result`` records that: which
stage, on which channel, by whom). A stage that has not passed (not reached, or merged away)
has nothing to publish. The rule is the one place this is decided; the engine asks it before
any action at the stage.

>>> from deliberation.rules import RULES
>>> r = RULES["results-published"].bind("results-published", {"stages": ["proposal"]})
>>> r.verdict({"results_unpublished": frozenset({"proposal"})}).ok
False
>>> r.verdict({"results_unpublished": frozenset()}).ok
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from deliberation.i18n import Text, _
from deliberation.rules.actions import ActionKind
from deliberation.rules.base import Description, Param, Rule, Verdict, rule_type
from deliberation.rules.facts import Facts
from deliberation.rules.names import RESULTS_PUBLISHED, RESULTS_UNPUBLISHED
from deliberation.rules.params import some

NAME: Final = RESULTS_PUBLISHED
FACT: Final = RESULTS_UNPUBLISHED


@attrs.frozen
class ResultsPublished(Rule):
    """Every stage in ``stages`` that has passed has its result published since."""

    stages: tuple[str, ...]

    @classmethod
    def from_params(cls, rule_id: str, params: Mapping[str, Any], basis: tuple[str, ...]
                    ) -> ResultsPublished:
        return cls(rule_id, some(cls, params, "stages"), basis=basis)

    @property
    def reads(self) -> frozenset[str]:
        return frozenset({FACT})

    def due(self, unpublished: frozenset[str]) -> tuple[str, ...]:
        """The named stages whose result is still to be published, in the rule's order."""
        return tuple(s for s in self.stages if s in unpublished)

    def verdict(self, facts: Facts) -> Verdict:
        missing = self.due(frozenset(facts.get(FACT) or ()))
        return self._verdict(not missing, {"missing": missing, "stages": self.stages})

    def message(self, ok: bool, numbers: Mapping[str, Any]) -> Text:
        if ok:
            return _("the results of {stages} are published").format(
                stages=_ids(numbers["stages"]))
        return _("publish the result of {stages} before this step opens").format(
            stages=_ids(numbers["missing"]))

    def describe(self, channels: Mapping[str, Text] | None = None) -> Description:
        names = _ids(self.stages)
        return Description(
            _("results of {stages} published first").format(stages=names),
            _("opens only once the results of {stages} are published (each after it passed)",
              ).format(stages=names), on_arrow=False)


def _ids(stages: Any) -> str:
    """Stage ids as written in the file (code, the same in every language)."""
    return ", ".join(f"`{s}`" for s in stages)


rule_type(
    ResultsPublished, name=NAME, label=_("earlier results published"),
    description="The results of the named earlier stages are published before this stage "
    "opens (per-stage disclosure).",
    params=(Param("stages", "list",
                  description="ids of earlier stages whose results are published first"),),
    actions=tuple(ActionKind))


__all__ = ["FACT", "NAME", "ResultsPublished"]
