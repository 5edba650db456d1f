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

from datetime import date
from typing import Any, Final

from deliberation.definition.model import OutcomeKind
from deliberation.engine.context import Context, Draft
from deliberation.engine.evaluators import Outcome
from deliberation.engine.machine import AFTER_PREFIX
from deliberation.engine.plan import Plan
from deliberation.engine.state import CaseState, Tally
from deliberation.errors import InvalidAction
from deliberation.frozen import FrozenDict
from deliberation.i18n import T, Text
from deliberation.rules.actions import ActionKind
from deliberation.rules.days import local_date
from deliberation.rules.law import cite

ORDER_KIND: Final = "order"

# order type -> (label, article of the Organic Law (2018) it rests on)
ORDERS: Final[dict[str, tuple[Text, str]]] = {
    "correction": (T("乡镇人民政府责令改正", "鄉鎮人民政府責令改正",
                     "township government's order to correct"), "27"),
    "revocation": (T("人民法院撤销决定", "人民法院撤銷決定",
                     "court revocation of the decision"), "36"),
    "republication": (T("责令公布(公开不实或未公开)", "責令公佈(公開不實或未公開)",
                        "order to publish (missing or false disclosure)"), "31"),
}


class _Model:
    """What ``transitions`` moves: the state only."""

    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


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


def _text(data: Any, key: str) -> str:
    value = data.get(key)
    if type(value) is not str or not value.strip():
        raise InvalidAction(T("命令须写明 {key}", "命令須寫明 {key}",
                              "the order must give its {key}").format(key=key))
    return value.strip()


def ev_order(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    """An order after adoption: checked, then the case reopened or ended as it says."""
    plan = ctx.plan
    proc = plan.procedure
    success = proc.success_outcome().id
    if s.state != success:
        raise InvalidAction(T("只有已通过并公开的决议才能被责令改正、撤销或责令公布(当前:{state})",
                              "只有已通過並公開的決議才能被責令改正、撤銷或責令公佈(當前:{state})",
                              "only an adopted resolution can be ordered corrected, revoked or "
                              "published (now: {state})").format(state=s.state))
    data = d.data
    kind = data.get("type")
    if kind not in ORDERS:
        raise InvalidAction(T("命令类型须为 {known}", "命令類型須為 {known}",
                              "the order's type must be one of {known}").format(
            known=", ".join(ORDERS)))
    issuer, number = _text(data, "issuer"), _text(data, "number")
    try:
        issued = date.fromisoformat(_text(data, "issued_on"))
    except ValueError:
        raise InvalidAction(T("发文日期须为 YYYY-MM-DD", "發文日期須為 YYYY-MM-DD",
                              "the order's date must be YYYY-MM-DD")) from None
    today = local_date(d.at, plan.zone)
    if issued > today:
        raise InvalidAction(T("发文日期 {on} 晚于记录日期 {today}",
                              "發文日期 {on} 晚於記錄日期 {today}",
                              "the order is dated {on}, after the day it is recorded ({today})"
                              ).format(on=issued.isoformat(), today=today.isoformat()))
    reopen, end = data.get("reopen"), data.get("end")
    if reopen is not None and end is not None:
        raise InvalidAction(T("命令只能重新办理某一步骤或结束事项,不能两者兼有",
                              "命令只能重新辦理某一步驟或結束事項,不能兩者兼有",
                              "an order either reopens a stage or ends the case, not both"))
    dest = reopen if reopen is not None else end
    if dest is None:
        dest = default_destination(plan, kind)
    if reopen is not None and reopen not in plan.stages:
        raise InvalidAction(T("没有步骤 {x}", "沒有步驟 {x}", "no stage {x!r}").format(x=reopen))
    if end is not None and (end not in proc.outcomes or end == success):
        raise InvalidAction(T("结果 {x} 不能结束被责令的事项", "結果 {x} 不能結束被責令的事項",
                              "{x!r} is not an outcome that ends an ordered case").format(x=end))
    if dest is None:
        raise InvalidAction(T("须写明重新办理的步骤(reopen)或结束的结果(end)",
                              "須寫明重新辦理的步驟(reopen)或結束的結果(end)",
                              "say which stage the order reopens (reopen) or how it ends the "
                              "case (end)"))
    m = _Model(s.state)
    plan.machine.events[AFTER_PREFIX + dest].trigger(m)
    article = ORDERS[kind][1]
    opened_on = local_date(ctx.records[0].at, plan.zone) if ctx.records else today
    result = FrozenDict(
        route=ORDER_KIND, state=m.state,
        order=FrozenDict(type=kind, issuer=issuer, number=number, issued_on=issued.isoformat()),
        basis=FrozenDict(law="organic-law", article=article,
                         cited=cite("organic-law", article, opened_on).to_data()))
    return Outcome(result, s.entering(m.state, d.seq, d.at))


__all__ = ["ORDERS", "ORDER_KIND", "default_destination", "ev_order"]
