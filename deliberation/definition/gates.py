"""Gates in a file: reading a gate's ``checks:`` and ``authority:``, and checking how a gate
fits its procedure.

A gate stage (``action: gate``) is decided either by its body, examining the matter against
named checks and signing the decision, or by an authority above the village::

    - id: supervision-review
      action: gate
      body: supervision-committee
      checks:
        - id: legality
          name: {zh-Hans: 合法合规, zh-Hant: 合法合規, en: lawful}
      rules:
        - rule: gate-signatures
          params: {ratio: 1/2, compare: ">"}
      on: {returned: proposal}

    - id: township-approval
      action: gate
      body: villagers-committee      # who reports the matter and records the decision
      authority: {id: township-government, asks: approval}
      on: {returned: resolution, rejected: rejected}

Diagnostics (the loader reads, :func:`check_gates` checks the whole procedure):

- D480 — ``checks:`` or ``authority:`` on a stage that is not a gate;
- D481 — a gate examined by its body with no checks, or a check id used twice;
- D482 — a gate whose ``returned`` route is not named, or leads to a later stage or an
  outcome (a return sends the matter back: to this or an earlier stage);
- D483 — a gate examined by its body without a ``gate-signatures`` rule (its decision could not
  be signed by anyone in particular);
- D484 — an authority that is neither built in nor declared under ``authorities:`` (with a
  did-you-mean), or an unknown ``asks``;
- D485 — an authority's gate with checks or a ``gate-signatures`` rule: an authority decides by
  its instrument (issuer, document number, date), not by the body's checks and signatures.

>>> from deliberation import load_procedure
>>> [s.id for s in gate_stages(load_procedure("four-deliberations-supervised"))]
['supervision-review']
"""

from __future__ import annotations

from typing import Final

from deliberation.definition.model import (
    RECONVENE,
    ActionKind,
    GateAuthority,
    GateCheck,
    Procedure,
    Stage,
)
from deliberation.definition.reading import Reader, elements, names
from deliberation.diagnostics import suggest
from deliberation.i18n import Text, _, quoted, series
from deliberation.rules.authorities import ASKS, AUTHORITIES
from deliberation.yamlsource import Located, Reporter

CHECK_KEYS: Final = ("id", "name")
AUTHORITY_KEYS: Final = ("id", "asks")


def _not_a_gate(b: Reader, loc: Located, key: str, action: ActionKind | None) -> bool:
    if action is None or action is ActionKind.GATE:
        return False
    b.r.error("D480", _("only a gate has {key}, not a {action} stage").format(
        key=quoted(key), action=action.value), loc,
        _("remove {key} or make the stage's action 'gate'").format(key=quoted(key)))
    return True


def read_checks(b: Reader, loc: Located | None, action: ActionKind | None
                ) -> tuple[GateCheck, ...]:
    """A gate's ``checks:`` (empty when absent); problems reported, good checks kept."""
    if loc is None or _not_a_gate(b, loc, "checks", action):
        return ()
    listed = elements(b.r, loc, _("checks must be a list"))
    if listed is None:
        return ()
    out: list[GateCheck] = []
    seen: set[str] = set()
    for el in listed:
        if not b.keys(el, CHECK_KEYS, "a check"):
            continue
        cid = b.ident(b.required(el, "id", "a check"), "check id")
        name = b.text(b.required(el, "name", "a check"), "check name")
        if cid is not None and cid in seen:
            b.r.error("D481", _("check id {id!r} is used twice").format(id=cid),
                      el.get("id") or el)
            continue
        if cid is not None:
            seen.add(cid)
        if cid is not None and name is not None:
            out.append(GateCheck(cid, name))
    return tuple(out)


def read_authority(b: Reader, loc: Located | None, action: ActionKind | None
                   ) -> GateAuthority | None:
    """A gate's ``authority:`` — an id, or ``{id, asks}`` (``asks``: approval by default)."""
    if loc is None or _not_a_gate(b, loc, "authority", action):
        return None
    if loc.is_scalar:
        aid = b.ident(loc, "authority")
        return GateAuthority(aid) if aid is not None else None
    if not b.keys(loc, AUTHORITY_KEYS, "authority"):
        return None
    aid = b.ident(b.required(loc, "id", "authority"), "authority")
    asks = "approval"
    if (a_loc := loc.get("asks")) is not None:
        asks = str(a_loc.value())
        if asks not in ASKS:
            b.r.error("D484", _("an authority is asked for {asks}, not {value!r}").format(
                asks=series(quoted(a) for a in ASKS), value=asks), a_loc, suggest(asks, ASKS))
            return None
    return GateAuthority(aid, asks) if aid is not None else None


def read_authorities(b: Reader, loc: Located) -> dict[str, Text]:
    """A procedure's own authorities above the village: ``id: {zh-Hans, zh-Hant, en}``."""
    return names(b, loc, _("authorities must map ids to names"), "authority id", "authority name")


def gate_stages(procedure: Procedure) -> list[Stage]:
    """The procedure's gate stages."""
    return [s for s in procedure.stages if s.action is ActionKind.GATE]


def check_gates(procedure: Procedure, where: dict[str, Located], reporter: Reporter) -> None:
    """Report D481–D485 for every gate stage of ``procedure``."""
    gates = gate_stages(procedure)
    if not gates:
        return
    # Imported here for start-up speed: the gate rule family loads for a procedure with gates.
    from deliberation.rules.gates import NAME as SIGNATURES

    index = {s.id: i for i, s in enumerate(procedure.stages)}
    known = {*AUTHORITIES, *procedure.authorities}
    for stage in gates:
        at = where.get(stage.id)
        if at is None:
            continue
        signed = any(r.rule == SIGNATURES for r in procedure.rules_of(stage))
        back = stage.route("returned")
        if back is None or back == RECONVENE or index.get(back, len(index)) > index[stage.id]:
            on = at.get("on")
            reporter.error(
                "D482",
                _("gate {stage!r}: say where a returned matter goes (on.returned), this or an "
                  "earlier stage").format(stage=stage.id) if back is None else
                _("gate {stage!r}: returned leads to {target!r}, which is not this or an earlier "
                  "stage").format(stage=stage.id, target=back),
                (on.get("returned") if on is not None and on.get("returned") is not None
                 else at),
                _("e.g. 'on: {returned: proposal}': a return sends the matter back to be "
                  "redone"))
        auth = stage.authority
        if auth is None:
            if not stage.checks:
                reporter.error(
                    "D481",
                    _("gate {stage!r} is examined by its body but names no checks").format(
                        stage=stage.id),
                    at, _("list the checks under 'checks:' (id and name), or give the "
                          "authority that decides it under 'authority:'"))
            if not signed:
                reporter.error(
                    "D483",
                    _("gate {stage!r} has no gate-signatures rule: nobody need sign its "
                      "decision").format(stage=stage.id),
                    at, _("add '- rule: gate-signatures' with ratio and compare (a share of "
                          "the body's members)"))
            continue
        if auth.id not in known:
            node = at.get("authority")
            if node is not None and node.is_map and node.get("id") is not None:
                node = node.get("id")
            reporter.error(
                "D484", _("unknown authority {id!r}").format(id=auth.id), node or at,
                suggest(auth.id, known))
        if stage.checks or signed:
            reporter.error(
                "D485",
                _("gate {stage!r} is decided by an authority, which decides by its instrument: "
                  "it takes no checks and no gate-signatures rule").format(stage=stage.id),
                at.get("checks") or at,
                _("drop the checks and the gate-signatures rule, or examine the matter in a "
                  "gate of the village's own body first"))


__all__ = ["check_gates", "gate_stages", "read_authorities", "read_authority", "read_checks"]
