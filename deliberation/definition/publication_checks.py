"""Checks of per-stage disclosure (``results-published``), run by the checker.

* D442 — a stage named in ``stages`` that the procedure does not have (with the closest
  stage id as a hint);
* D443 — a stage named that is not before this one: a step cannot wait for the result of
  itself or of a later step.

>>> from deliberation import load_procedure
>>> [s.id for s in publishing_stages(load_procedure("four-deliberations-step-by-step"))]
['discussion', 'review', 'resolution']
"""

from __future__ import annotations

from deliberation.definition.model import Procedure, RuleSpec, Stage
from deliberation.definition.regime_checks import _param_node, _rule_node
from deliberation.diagnostics import suggest
from deliberation.i18n import _
from deliberation.rules.names import RESULTS_PUBLISHED as NAME  # not the family: see there
from deliberation.yamlsource import Located, Reporter


def _specs(procedure: Procedure, stage: Stage) -> list[RuleSpec]:
    return [r for r in procedure.rules_of(stage) if r.rule == NAME]


def publishing_stages(procedure: Procedure) -> list[Stage]:
    """The stages that open only once earlier results are published."""
    return [s for s in procedure.stages if _specs(procedure, s)]


def _element(node: Located, i: int) -> Located:
    return list(node.elements())[i] if node.is_seq else node


def check_publication(procedure: Procedure, where: dict[str, Located],
                      reporter: Reporter) -> None:
    """Report D442 and D443 for every stage with a ``results-published`` rule."""
    order = [s.id for s in procedure.stages]
    for index, stage in enumerate(procedure.stages):
        at = where.get(stage.id)
        if at is None:
            continue
        for spec in _specs(procedure, stage):
            named = spec.param("stages")
            node = _param_node(_rule_node(at, spec), "stages")
            for i, sid in enumerate(named if isinstance(named, tuple) else ()):
                if sid not in order:
                    reporter.error(
                        "D442",
                        _("stage {stage!r}: no stage {sid!r} to publish the result of").format(
                            stage=stage.id, sid=sid),
                        _element(node, i), suggest(str(sid), order))
                elif order.index(str(sid)) >= index:
                    reporter.error(
                        "D443",
                        _("stage {stage!r} waits for the result of {sid!r}, which is not an "
                          "earlier step").format(stage=stage.id, sid=sid),
                        _element(node, i),
                        _("name only steps taken before this one"))


__all__ = ["check_publication", "publishing_stages"]
