"""Evaluators of a public comment period: a villager's objection and the answer to it.

``villager-objection`` — a villager the stage's ``comment-period`` rule lets object files a
named objection, signed by their own hand, while the window is open (refused otherwise, and
nothing is recorded). ``objection-reply`` — a member of the answering body answers the
objector's oldest open objection; a late answer is accepted and its record carries the failed
``answer`` verdict (see :mod:`deliberation.rules.comments` for why it is not refused).
Open objections keep the stage from concluding (the rule's verdict at ``conclude``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from deliberation.engine.comment_log import OBJECTION_KIND, REPLY_KIND, filed
from deliberation.engine.context import Context, Draft, member, on_roster
from deliberation.engine.evaluators import Outcome, closed_msg, violation
from deliberation.engine.plan import StagePlan
from deliberation.engine.state import CaseState, Tally
from deliberation.errors import CaseClosed, InvalidAction
from deliberation.frozen import FrozenDict
from deliberation.i18n import _
from deliberation.rules.days import local_date

if TYPE_CHECKING:  # imported where used (comment_rule): start-up speed
    from deliberation.rules.comments import CommentPeriod


def comment_rule(sp: StagePlan) -> CommentPeriod | None:
    """The stage's ``comment-period`` rule, if it has one."""
    # Imported here for start-up speed: only an objection or its answer asks.
    from deliberation.rules.comments import CommentPeriod

    return next((r for r in sp.preconditions if isinstance(r, CommentPeriod)), None)


def _stage(ctx: Context, s: CaseState) -> StagePlan:
    sp = ctx.plan.stages.get(s.state)
    if sp is None:
        raise CaseClosed(closed_msg(ctx, s.state))
    return sp


def _words(data: Any, key: str) -> str:
    value = data.get(key)
    if type(value) is not str or not value.strip():
        raise InvalidAction(_("give the {key} in words").format(key=key))
    return value


def ev_villager_objection(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    _seq, _kind, at, actor, _at_stage, data, signatures = d
    sp = _stage(ctx, s)
    rule = comment_rule(sp)
    if rule is None:
        raise InvalidAction(_(
            "the stage {name!r} takes no villagers' objections (it has no comment period)",
        ).format(name=sp.stage.name))
    member(ctx, actor, rule.objectors, sp.id, _("villagers who may object"))
    _words(data, "reason")
    if not any(sig.signer == actor and sig.method != "proxy" for sig in signatures):
        raise InvalidAction(_("an objection must be signed by the villager raising it"))
    zone = ctx.plan.zone
    v = rule.filing({ch: local_date(posted, zone) for ch, posted in s.postings.items()},
                    local_date(at, zone))
    if not v.ok:
        raise violation(sp, [v])
    return (FrozenDict(route=None, state=s.state, checks=(v.entry(),)), s, None)


def ev_objection_reply(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    _seq, _kind, at, actor, _at_stage, data, _signatures = d
    _stage(ctx, s)
    to = data.get("to")
    on_roster(ctx, to, s.state)
    mine = [f for f in filed(ctx) if f.villager == to and f.answered_on is None]
    if not mine:
        raise InvalidAction(_("{to} has no unanswered objection").format(to=to))
    first = mine[0]
    sp = ctx.plan.stages[first.stage]
    rule = comment_rule(sp)
    assert rule is not None  # an objection is filed only where the stage has the rule
    member(ctx, actor, rule.answered_by, sp.id, _("body that answers objections"))
    _words(data, "answer")
    v = rule.answer(first.filed_on, local_date(at, ctx.plan.zone))
    return (FrozenDict(route=None, state=s.state, objection=first.seq, late=not v.ok,
                       checks=(v.entry(),)), s, None)


EVALUATORS = {OBJECTION_KIND: ev_villager_objection, REPLY_KIND: ev_objection_reply}

__all__ = ["EVALUATORS", "comment_rule", "ev_objection_reply", "ev_villager_objection"]
