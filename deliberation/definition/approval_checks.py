"""D416: a procedure that routes a bound kind through an authority's approval must not let a
matter of that kind reach its success outcome around that approval.

The law table (``deliberation/rules/law.yaml``) lists, under the article that requires them,
the authorities above the village that must approve (or be filed with) a kind's resolution:
the township government and the county agricultural authority for a plot adjustment
(农村土地承包法 (2018) Art. 28), the township government for a contract with outsiders
(Art. 52). A procedure admits a bound kind when a stage applies its regime
(:func:`deliberation.rules.regimes.admission`). For each such kind and each required approval
for which the procedure has gates (``action: gate``, ``authority: {id, asks}``), every route
from the first stage to the success outcome must pass one of them (its ``pass`` route); a route
around them — another stage's route past the gate, or the gate merged away by ``skip_when`` —
is reported at the gate.

A procedure with no gate of a required authority at all (e.g. ``land-contracting-plan``, which
decides the plan itself) is not reported: the engine refuses to adopt such a case until the
authority's decision is recorded.

>>> from deliberation import load_procedure
>>> bypasses(load_procedure("land-plot-adjustment"))
[]
"""

from __future__ import annotations

from collections.abc import Iterator

from deliberation.definition.model import ESCALATE, RECONVENE, OutcomeKind, Procedure, Stage
from deliberation.i18n import _, quoted
from deliberation.rules.authorities import ASK_LABELS, authority_in_sentence
from deliberation.rules.law import REGIMES, Approval, Binding, kind_label
from deliberation.rules.regimes import RULE
from deliberation.yamlsource import Located, Reporter


def _applied(procedure: Procedure) -> Iterator[tuple[str, Binding]]:
    """Each kind the procedure admits under a regime it applies, with its binding."""
    seen: set[str] = set()
    for stage in procedure.stages:
        for spec in procedure.rules_of(stage):
            if spec.rule != RULE:
                continue
            regimes = dict(spec.params).get("regimes") or ()
            for rid in regimes if isinstance(regimes, (list, tuple)) else ():
                reg = REGIMES.get(str(rid))
                for kind, binding in (reg.kinds.items() if reg is not None else ()):
                    if kind not in seen:
                        seen.add(kind)
                        yield kind, binding


def _gates(procedure: Procedure, need: Approval) -> list[Stage]:
    return [s for s in procedure.stages if s.authority is not None
            and (s.authority.id, s.authority.asks) == (need.authority, need.asks)]


def _reaches_success(procedure: Procedure, gates: set[str]) -> bool:
    """Whether some route from the first stage reaches the success outcome without taking the
    ``pass`` route of any stage in ``gates``."""
    won = procedure.outcome_of_kind(OutcomeKind.SUCCESS)
    if won is None or not procedure.stages:
        return False
    success = won.id
    esc = procedure.escalation
    todo, seen = [procedure.stages[0].id], set()
    stages = {s.id: s for s in procedure.stages}
    while todo:
        at = todo.pop()
        if at == success:
            return True
        stage = stages.get(at)
        if stage is None or at in seen:
            continue
        seen.add(at)
        nxt = procedure.pass_target(stage)
        if stage.id not in gates:
            todo.append(nxt)
        elif stage.skippable:  # merged away: goes where pass goes, unapproved
            todo.append(nxt)
        for key, target in stage.on:
            if key == "pass":
                continue
            if target == ESCALATE:
                if esc is not None:
                    todo += [esc.to, esc.top]
            elif target != RECONVENE:
                todo.append(target)
    return False


def bypasses(procedure: Procedure) -> list[tuple[str, Binding, Approval, list[Stage]]]:
    """(kind, binding, required approval, its gates) for every required approval whose gates
    a route to the success outcome can go around."""
    out = []
    for kind, binding in _applied(procedure):
        for need in binding.approvals:
            gates = _gates(procedure, need)
            if gates and _reaches_success(procedure, {s.id for s in gates}):
                out.append((kind, binding, need, gates))
    return out


def check_approvals(procedure: Procedure, where: dict[str, Located], reporter: Reporter
                    ) -> None:
    """Report D416 at the first gate of each required approval a route goes around."""
    for kind, binding, need, gates in bypasses(procedure):
        at = where.get(gates[0].id)
        if at is None:
            continue
        reporter.error(
            "D416",
            _("a matter of the kind {kind}, which this procedure admits, can reach its success "
              "outcome without the {asks} of {authority} required by {cite} (gate {stage})"
              ).format(
                kind=kind_label(kind), asks=ASK_LABELS[need.asks],
                authority=authority_in_sentence(need.authority), cite=binding.basis.text(),
                stage=quoted(gates[0].id)),
            at.get("skip_when") or at.get("required_from") or at,
            _("route every way to the success outcome through the gate: no route past it, "
              "no skip_when or required_from on it"))


__all__ = ["bypasses", "check_approvals"]
