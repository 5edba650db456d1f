"""After adoption: orders that reopen or end an adopted case, with the instrument recorded.

Three routes the Organic Law (2018) keeps open after a resolution is adopted:

- ``correction`` — the township government orders a resolution that breaks the law corrected
  (Art. 27(3)): the case is reopened at the stage the order names, or ended in an outcome;
- ``revocation`` — a court revokes the decision on an injured villager's application
  (Art. 36): by default the case ends in the procedure's failure outcome;
- ``republication`` — on a complaint of missing or false disclosure the government orders the
  matter published (Art. 31): by default the case is reopened at its first disclosure stage.

Each order is a record (``order``) holding its instrument — who issued it, its document
number and the date it was issued — and the article it rests on, cited by the version of the
law in force on the day the case was opened.

>>> from deliberation.definition.loader import load_procedure
>>> from deliberation.engine.plan import plan_for
>>> default_destination(plan_for(load_procedure("four-deliberations"), {}), "republication")
'resolution-disclosure'
"""

from __future__ import annotations

from typing import Final

from deliberation.definition.model import OutcomeKind
from deliberation.engine.context import Context, Draft
from deliberation.engine.evaluators import Outcome, fire
from deliberation.engine.instruments import read_instrument
from deliberation.engine.machine import AFTER_PREFIX
from deliberation.engine.plan import Plan
from deliberation.engine.state import CaseState, Tally
from deliberation.errors import InvalidAction
from deliberation.frozen import FrozenDict
from deliberation.i18n import Text, _
from deliberation.rules.actions import ActionKind
from deliberation.rules.days import local_date
from deliberation.rules.law import cite

ORDER_KIND: Final = "order"

# order type -> (label, article of the Organic Law (2018) it rests on)
ORDERS: Final[dict[str, tuple[Text, str]]] = {
    "correction": (_("township government's order to correct"), "27"),
    "revocation": (_("court revocation of the decision"), "36"),
    "republication": (_("order to publish (missing or false disclosure)"), "31"),
}


def default_destination(plan: Plan, order: str) -> str | None:
    """Where an order of type ``order`` leads when it does not say: a revocation ends the
    case in the failure outcome, a republication reopens the first disclosure stage, a
    correction must say."""
    proc = plan.procedure
    if order == "revocation":
        return next((o.id for o in proc.outcomes.values() if o.kind is OutcomeKind.FAILURE),
                    None)
    if order == "republication":
        return next((sp.id for sp in plan.stages.values()
                     if sp.kind is ActionKind.DISCLOSURE), None)
    return None


def ev_order(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    """An order after adoption: checked, then the case reopened or ended as it says."""
    seq, _kind, at, _actor, _stage, data, _signatures = d
    plan = ctx.plan
    proc = plan.procedure
    success = proc.success_outcome().id
    if s.state != success:
        raise InvalidAction(_(
            "only an adopted resolution can be ordered corrected, revoked or published (now: "
            "{state})",
        ).format(state=proc.outcomes[s.state].name if s.state in proc.outcomes
                 else proc.stage(s.state).name))
    kind = data.get("type")
    if kind not in ORDERS:
        raise InvalidAction(_("the order's type must be one of {known}").format(
            known=", ".join(ORDERS)))
    today = local_date(at, plan.zone)
    instrument = read_instrument(data, today)
    reopen, end = data.get("reopen"), data.get("end")
    if reopen is not None and end is not None:
        raise InvalidAction(_("an order either reopens a stage or ends the case, not both"))
    dest = reopen if reopen is not None else end
    if dest is None:
        dest = default_destination(plan, kind)
    if reopen is not None and reopen not in plan.stages:
        raise InvalidAction(_("no stage {x!r}").format(x=reopen))
    if end is not None and (end not in proc.outcomes or end == success):
        raise InvalidAction(_("{x!r} is not an outcome that ends an ordered case").format(x=end))
    if dest is None:
        raise InvalidAction(_(
            "say which stage the order reopens (reopen) or how it ends the case (end)",
        ))
    state = fire(ctx, s.state, AFTER_PREFIX + dest)
    article = ORDERS[kind][1]
    opened_on = local_date(ctx.records[0].at, plan.zone) if ctx.records else today
    result = FrozenDict(
        route=ORDER_KIND, state=state,
        order=FrozenDict(type=kind, **instrument),
        basis=FrozenDict(law="organic-law", article=article,
                         cited=cite("organic-law", article, opened_on).to_data()))
    return (result, s.entering(state, seq, at), None)


__all__ = ["ORDERS", "ORDER_KIND", "default_destination", "ev_order"]
