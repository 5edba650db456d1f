"""One shared :class:`transitions.Machine` per procedure definition.

Every case of a procedure is driven by the same machine: the engine fires
``machine.events[key].trigger(model)`` on a small model object that only carries ``state``.
Models are never added to the machine (``add_model`` keeps a list and scans it), so opening a
case costs the same whether ten or a hundred thousand cases are alive.

>>> from deliberation import load_procedure
>>> m = machine_for(load_procedure("four-deliberations"))
>>> {"pass", "no_quorum", "rejected", "withdraw", "redo:review"} <= set(m.events)
True
"""

from __future__ import annotations

import weakref
from typing import Any, Final

from transitions import Machine

from deliberation.definition.model import ESCALATE, RECONVENE, ROUTE_KEYS, OutcomeKind, Procedure

# Events besides the route keys of ``Stage.on``.
SKIP: Final = "skip"  # a stage merged away by a setting (skip_when): goes where ``pass`` goes
WITHDRAW: Final = "withdraw"
REDO_PREFIX: Final = "redo:"  # ``redo:<stage>``: an answered objection sends the case back
AFTER_PREFIX: Final = "after:"  # ``after:<state>``: an order after adoption (engine/after.py)
# A route leading to ``escalate`` fires one of these (the case's level decides which):
ESCALATE_EVENT: Final = "escalate"  # one level up: to ``escalation.to``
ESCALATE_TOP: Final = "escalate-top"  # from the top level: to ``escalation.top``

_MACHINES: dict[int, tuple[weakref.ref[Procedure], Any]] = {}


def route_target(procedure: Procedure, stage_id: str, key: str) -> str | None:
    """The state ``key`` leads to from ``stage_id`` (``reconvene`` resolved), or ``None``."""
    stage = procedure.stage(stage_id)
    try:
        target = procedure.target(stage, key)
    except LookupError:
        return None
    return stage_id if target == RECONVENE else target


def build_machine(procedure: Procedure) -> Any:
    """A fresh machine for ``procedure``: states are stage ids then outcome ids."""
    stage_ids = [s.id for s in procedure.stages]
    states = stage_ids + [o for o in procedure.outcomes if o not in stage_ids]
    machine = Machine(
        model=None,
        states=states,
        initial=stage_ids[0],
        auto_transitions=False,
        send_event=False,
        ignore_invalid_triggers=False,
    )
    for sid in stage_ids:
        for key in ROUTE_KEYS:
            dest = route_target(procedure, sid, key)
            if dest is not None and dest != ESCALATE:  # escalations: the two events below
                machine.add_transition(key, sid, dest)
        dest = route_target(procedure, sid, "pass")
        if dest is not None:
            machine.add_transition(SKIP, sid, dest)
        for target in stage_ids:
            machine.add_transition(REDO_PREFIX + target, sid, target)
    esc = procedure.escalation
    if esc is not None:
        if esc.to in stage_ids:
            machine.add_transition(ESCALATE_EVENT, list[Any](stage_ids), esc.to)
        if esc.top in states:
            machine.add_transition(ESCALATE_TOP, list[Any](stage_ids), esc.top)
    # Orders after adoption (engine/after.py): from the success outcome back to any stage, or
    # to another outcome.
    success = [o.id for o in procedure.outcomes.values() if o.kind is OutcomeKind.SUCCESS]
    for done in success:
        for dest in states:
            if dest != done:
                machine.add_transition(AFTER_PREFIX + dest, done, dest)
    w = procedure.withdrawal
    if w is not None and w.outcome in procedure.outcomes:
        last = procedure.stage_index(w.until) if w.until in stage_ids else len(stage_ids) - 1
        machine.add_transition(WITHDRAW, list[Any](stage_ids[: last + 1]), w.outcome)
    return machine


def machine_for(procedure: Procedure) -> Any:
    """The shared machine of ``procedure`` (built once, cached while the procedure lives)."""
    key = id(procedure)
    hit = _MACHINES.get(key)
    if hit is not None and hit[0]() is procedure:
        return hit[1]
    machine = build_machine(procedure)
    _MACHINES[key] = (weakref.ref(procedure), machine)
    weakref.finalize(procedure, _MACHINES.pop, key, None)
    return machine
