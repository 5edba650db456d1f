"""Checks of the legal regimes a procedure applies (``matter-regime``), run by the checker.

(D413, an unknown regime or matter kind, is the loader's: a closed vocabulary.)

* D414 ``kinds`` listing a kind that a regime binds which the rule does not apply: such a
  matter would pass under the procedure's own (generic > 1/2) rule alone;
* D415 a kind a regime reserves to the full assembly decided, by default, by a representative
  body (its members include representatives);
* D417 a full assembly deciding kinds a regime binds, called with less notice than the regime
  requires (农村集体经济组织法: 10 days, with time, place and agenda) — the engine refuses to
  open such a case.

>>> from deliberation import load_procedure
>>> [s.id for s in regime_stages(load_procedure("land-contracting-plan"))]
['resolution']
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from deliberation.definition.model import Procedure, RuleSpec, Stage
from deliberation.i18n import _, quoted, series
from deliberation.rules import RULES
from deliberation.rules.law import REGIMES, is_representative, regime_of
from deliberation.rules.regimes import RULE, notice_days
from deliberation.yamlsource import Located, Reporter


def regime_stages(procedure: Procedure) -> list[Stage]:
    """The stages whose rules (their own or their default body's) apply a regime."""
    return [s for s in procedure.stages if any(r.rule == RULE for r in procedure.rules_of(s))]


def _specs(procedure: Procedure, stage: Stage) -> Iterator[RuleSpec]:
    yield from (r for r in procedure.rules_of(stage) if r.rule == RULE)


def _names(spec: RuleSpec, key: str) -> tuple[str, ...]:
    value = dict(spec.params).get(key) or ()
    return tuple(str(v) for v in value) if isinstance(value, (list, tuple)) else ()


def _rule_node(at: Located, spec: RuleSpec) -> Located:
    """Where ``spec`` is written under the stage (or the stage, when inherited)."""
    for key in ("rules", "add_rules"):
        rules = at.get(key)
        if rules is None or not rules.is_seq:
            continue
        for el in rules.elements():
            rid, name = el.get("id"), el.get("rule")
            if (rid is not None and rid.value() == spec.id) or (
                    rid is None and name is not None and name.value() == spec.id):
                return el
    return at


def _param_node(rule: Located, key: str) -> Located:
    params = rule.get("params")
    if params is not None and params.is_map and params.get(key) is not None:
        found = params.get(key)
        assert found is not None
        return found
    return rule


def check_regimes(procedure: Procedure, where: dict[str, Located], reporter: Reporter) -> None:
    """Report D414 and D415 for every stage applying a regime."""
    for stage in procedure.stages:
        at = where.get(stage.id)
        if at is None:
            continue
        for spec in _specs(procedure, stage):
            node = _rule_node(at, spec)
            regimes = _names(spec, "regimes")
            for k in _names(spec, "kinds"):
                bound = regime_of(k)
                if bound is not None and bound.id not in regimes:
                    reporter.error(
                        "D414",
                        _("stage {stage}: kind {kind} is bound by the regime {regime} ({text}), "
                          "but the rule does not apply it, so the matter would pass under the "
                          "procedure's own rule").format(stage=quoted(stage.id), kind=quoted(k),
                                                         regime=quoted(bound.id),
                                                         text=bound.text),
                        _param_node(node, "kinds"),
                        _("add {regime} to {regimes}, or remove {kind} from {kinds}").format(
                            regime=quoted(bound.id), regimes=quoted("regimes"), kind=quoted(k),
                            kinds=quoted("kinds")))
            body = procedure.bodies.get(str(procedure.resolve(stage.body)))
            if body is not None and not is_representative(body.members):
                _check_notice(procedure, stage, regimes, node, reporter)
            if body is None or not is_representative(body.members):
                continue
            for r in regimes:
                reg = REGIMES.get(r)
                reserved = [k for k, b in reg.kinds.items() if b.reserved] if reg else []
                if reserved:
                    reporter.error(
                        "D415",
                        _("stage {stage}: by default its body {body} is a representative body, "
                          "but the regime {regime} reserves {kinds} to the full assembly").format(
                            stage=quoted(stage.id), body=quoted(body.id), regime=quoted(r),
                            kinds=series(quoted(k) for k in reserved)),
                        at.get("body") or node,
                        _("make the full assembly the default body (a case may still choose "
                          "another body for other kinds)"))


# The rules that may give a stage its notice: the notice period, alone or combined.
NOTICE_RULES: Final = frozenset({"notice-period", "all-of", "any-of"})


def _check_notice(procedure: Procedure, stage: Stage, regimes: tuple[str, ...],
                  node: Located, reporter: Reporter) -> None:
    """D417: the assembly of ``stage`` called with less notice than a regime it applies needs
    (read on the defaults, as the engine's refusal at opening reads a case's settings)."""
    # (the engine's admission asks the same function of the same rules, bound; a notice may
    # sit inside an all-of or any-of)
    given = notice_days(RULES[spec.rule].bind(spec.id, procedure.params_of(spec, {}), spec.basis)
                        for spec in procedure.rules_of(stage)
                        if spec.rule in NOTICE_RULES)
    for r in regimes:
        reg = REGIMES.get(r)
        if reg is None or given >= reg.assembly_notice_days:
            continue
        reporter.error(
            "D417",
            _("stage {stage}: the regime {regime} needs the assembly called at least {need} "
              "day(s) ahead ({text}), but its notice period is {given} day(s)").format(
                stage=quoted(stage.id), regime=quoted(r), need=reg.assembly_notice_days,
                text=reg.text, given=given),
            node,
            _("add a {rule} rule of at least {need} days to the stage or its body").format(
                rule=quoted("notice-period"), need=reg.assembly_notice_days))


__all__ = ["check_regimes", "regime_stages"]
