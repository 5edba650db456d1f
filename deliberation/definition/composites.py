"""Reading composite rules (``all-of`` / ``any-of``) and quorums among a subset in a file.

The loader reads a rule's ``rules:`` parameter here: each element is a rule exactly as a stage
lists it (``rule``, ``id``, ``params``, ``basis``, ``note``), read by the loader's own rule
reader, and kept as a nested parameter value so that settings inside it resolve like any other
(:meth:`~deliberation.definition.model.Procedure.params_of`). What is checked here:

- D430 — a composite of fewer than two rules (one rule needs no composite);
- D431 — rules that decide differently combined (a quorum with a vote): a composite's failure
  must mean one thing (no quorum, rejected, refused);
- D432 — composites nested more than :data:`~deliberation.rules.composite.MAX_DEPTH` deep;
- D433 — a quorum ``among`` a subset counted on a base other than ``members``;
- D409 — a written consultation's ``reply-quorum`` alternative on a base other than ``adults``
  or ``households``.
"""

from __future__ import annotations

from typing import Protocol

from deliberation.definition.model import FrozenMap, ParamValue, RuleSpec, SettingRef
from deliberation.i18n import _, quoted, series
from deliberation.rules import RULES, Effect
from deliberation.rules.actions import ActionKind
from deliberation.rules.attendance import AMONG_BASES
from deliberation.yamlsource import Located, Reporter


class RuleReader(Protocol):
    """What this module needs of the loader that calls it: where problems go, and its reader
    of a ``rules:`` list (so the loader need not be imported here: no cycle)."""

    r: Reporter

    def rules(self, loc: Located | None, action: ActionKind | None) -> tuple[RuleSpec, ...]:
        ...


def spec_value(spec: RuleSpec) -> FrozenMap:
    """A rule as a nested parameter value (what a composite's ``from_params`` binds)."""
    return FrozenMap((("rule", spec.rule), ("id", spec.id),
                      ("params", FrozenMap(spec.params)), ("basis", spec.basis)))


def effect_of(value: FrozenMap) -> Effect | None:
    """What a failure of the nested rule ``value`` does (``None``: mixed, already reported)."""
    name = str(value.get("rule"))
    if name not in ("all-of", "any-of"):
        return RULES[name].effect
    params = value.get("params")
    children = params.get("rules") if isinstance(params, FrozenMap) else None
    effects = {effect_of(c) for c in (children if isinstance(children, tuple) else ())
               if isinstance(c, FrozenMap)}
    return effects.pop() if len(effects) == 1 else None


def read_rules(b: RuleReader, loc: Located, action: ActionKind | None, depth: int
               ) -> tuple[ParamValue, ...] | None:
    """The ``rules:`` of a composite at nesting ``depth`` (1: a stage's or body's rule)."""
    # Imported here for start-up speed: the family loads when a procedure names it (as RULES
    # does), not for every procedure read.
    from deliberation.rules.composite import MAX_DEPTH

    if depth > MAX_DEPTH:
        b.r.error("D432", _("composite rules nested more than {n} deep").format(n=MAX_DEPTH), loc,
                  _("a statute's conditions fit in two levels: {all_of} over {any_of}, or the "
                    "reverse").format(all_of=quoted("all-of"), any_of=quoted("any-of")))
        return None
    if not loc.is_seq:
        b.r.error("D202", _("rules must be a list of rules"), loc)
        return None
    specs = b.rules(loc, action)
    if len(list(loc.elements())) < 2:
        b.r.error("D430", _("a composite rule combines at least two rules"), loc,
                  _("write the one rule directly in the stage's or body's rules"))
        return None
    values = tuple(spec_value(s) for s in specs)
    effects = {effect_of(v) for v in values}
    if len(effects) > 1 and None not in effects:
        b.r.error("D431", _("the rules of a composite must decide the same way, not {effects}")
                  .format(effects=series(quoted(e) for e in
                                         sorted(e.value for e in effects if e is not None))), loc,
                  _("combine quorums with quorums and votes with votes; list the others "
                    "separately in the stage's rules"))
        return None
    return values


def check_among(b: RuleReader, loc: Located, spec: RuleSpec) -> None:
    """D433: a quorum ``among`` a subset counts that subset's members, so its bases (the main
    one and every ``any_of`` alternative) must be ``members``. D409 for a ``reply-quorum``
    alternative on a base replies are not counted on."""
    if spec.rule == "reply-quorum":
        from deliberation.rules.written import REPLY_BASES  # (lazy: start-up speed, as above)

        alts = spec.param("any_of")
        for i, alt in enumerate(alts if isinstance(alts, tuple) else ()):
            base = alt.get("base") if isinstance(alt, FrozenMap) else None
            if isinstance(base, str) and base not in REPLY_BASES:
                p = loc.get("params")
                where = p.get("any_of") if p is not None and p.is_map else None
                b.r.error("D409", _("replies cannot be counted on {base}").format(
                    base=quoted(base)),
                          (list(where.elements())[i] if where is not None and where.is_seq
                           else None) or loc, _("replies are counted on adults or households"))
        return
    if spec.rule != "quorum" or not spec.param("among"):
        return
    bases = [spec.param("base")]
    alts = spec.param("any_of")
    for alt in alts if isinstance(alts, tuple) else ():
        if isinstance(alt, FrozenMap):
            bases.append(alt.get("base"))
    bad = [str(x) for x in bases
           if x is not None and not isinstance(x, SettingRef) and x not in AMONG_BASES]
    if bad:
        p = loc.get("params")
        b.r.error("D433", _("a quorum among {among} counts that subset's members, not {bases}")
                  .format(among=quoted(spec.param("among")),
                          bases=series(quoted(x) for x in bad)),
                  (p.get("base") if p is not None and p.is_map else None) or p or loc,
                  _("write {fix}").format(fix=quoted("base: members")))
