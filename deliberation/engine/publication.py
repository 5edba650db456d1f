"""The evaluator of per-stage disclosure: a stage's result published (``result-published``).

Only a result that is due — its stage passed and it has not been published since — may be
published, on a channel the procedure knows, by a member of that stage's body or of the
villagers' committee (who keeps the notice board). A stage whose ``results-published`` rule
names it opens only afterwards (:func:`deliberation.engine.publication_log.opening_verdicts`).
"""

from __future__ import annotations

from deliberation.diagnostics import suggest
from deliberation.engine.context import Context, Draft, member
from deliberation.engine.evaluators import Outcome, closed_msg
from deliberation.engine.publication_log import PUBLISHED_KIND, unpublished
from deliberation.engine.state import CaseState, Tally
from deliberation.errors import CaseClosed, InvalidAction
from deliberation.frozen import FrozenDict
from deliberation.i18n import _


def ev_result_published(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    _seq, _kind, _at, actor, _stage, data, _signatures = d
    if s.state not in ctx.plan.stages:
        raise CaseClosed(closed_msg(ctx, s.state))
    stage = data.get("stage")
    if type(stage) is not str or stage not in unpublished(ctx):
        raise InvalidAction(_(
            "the result of {stage!r} is not due: that step has not passed, or its result is "
            "already published",
        ).format(stage=stage))
    channel = data.get("channel")
    if type(channel) is not str or channel not in ctx.plan.channels:
        hint = suggest(str(channel), ctx.plan.channels)
        raise InvalidAction(_(
            "unknown disclosure channel {channel!r}; {hint}",
        ).format(channel=channel, hint=hint))
    sp = ctx.plan.stages[stage]
    member(ctx, actor, (*sp.body.members, "villagers-committee"), s.state,
           _("body that publishes the result"))
    return (FrozenDict(route=None, state=s.state, stage=stage), s, None)


EVALUATORS = {PUBLISHED_KIND: ev_result_published}

__all__ = ["EVALUATORS", "ev_result_published"]
