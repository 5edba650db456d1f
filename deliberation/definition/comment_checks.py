"""Checks of a procedure's comment periods (``comment-period``), run by the checker.

* D440 — two comment periods in one stage: a villager's objection must belong to one window
  and one answer deadline;
* D441 — a stage whose comment period enforces the objection window while its ``disclosure``
  rule also states ``objection_window_days``: the same window written twice, one figure
  enforced and the other only shown, so they can drift apart.

(An unknown roster selector in ``objectors`` or ``answered_by`` is the loader's D413, with a
did-you-mean.)

>>> from deliberation import load_procedure
>>> [s.id for s in comment_stages(load_procedure("four-deliberations-shandong"))]
['resolution-disclosure', 'results-disclosure']
"""

from __future__ import annotations

from deliberation.definition.model import Procedure, RuleSpec, Stage
from deliberation.definition.regime_checks import _param_node, _rule_node
from deliberation.i18n import _
from deliberation.rules.names import COMMENT_PERIOD as NAME  # not the family: see there
from deliberation.yamlsource import Located, Reporter


def _periods(procedure: Procedure, stage: Stage) -> list[RuleSpec]:
    return [r for r in procedure.rules_of(stage) if r.rule == NAME]


def comment_stages(procedure: Procedure) -> list[Stage]:
    """The stages that are comment periods."""
    return [s for s in procedure.stages if _periods(procedure, s)]


def check_comment_periods(procedure: Procedure, where: dict[str, Located],
                          reporter: Reporter) -> None:
    """Report D440 and D441 for every stage with a comment period."""
    for stage in procedure.stages:
        at = where.get(stage.id)
        periods = _periods(procedure, stage)
        if at is None or not periods:
            continue
        if len(periods) > 1:
            reporter.error(
                "D440",
                _("stage {stage!r} has {n} comment periods; a villager's objection belongs to "
                  "one window and one answer deadline").format(stage=stage.id, n=len(periods)),
                _rule_node(at, periods[1]),
                _("keep one comment-period rule in the stage"))
        for spec in procedure.rules_of(stage):
            window = spec.param("objection_window_days") if spec.rule == "disclosure" else None
            if window:
                reporter.error(
                    "D441",
                    _("stage {stage!r}: the disclosure states objection_window_days, but its "
                      "comment period enforces the window").format(stage=stage.id),
                    _param_node(_rule_node(at, spec), "objection_window_days"),
                    _("drop objection_window_days from the disclosure and give the window as "
                      "the comment period's window_days"))


__all__ = ["check_comment_periods", "comment_stages"]
