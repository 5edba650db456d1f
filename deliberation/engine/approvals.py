"""The approvals above the village a case still lacks before it may be adopted.

``rules/law.yaml`` lists, for a bound kind, the authorities that must approve (or be filed
with) its resolution (农村土地承包法 (2018) Art. 28: township and county; Art. 52: township).
An approval counts when an authority's decision granting what it was asked (``approved``,
``filed``) is recorded since the last resolution that passed: a resolution taken again after a
return is a new one. The engine refuses the adoption while any is missing
(:mod:`deliberation.engine.evaluators`); ``explain`` lists them at the stage that leads to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deliberation.definition.regime_checks import regime_stages
from deliberation.engine.context import Context
from deliberation.rules.days import local_date
from deliberation.rules.law import DEFAULT_KIND, Approval, Binding, regime_of
from deliberation.rules.regimes import GRANTED, bound, missing_approvals


def lacking(ctx: Context, extra: Mapping[str, Any] | None = None
            ) -> tuple[str, Binding, tuple[Approval, ...]] | None:
    """(kind, its binding, the approvals not yet recorded) for the case of ``ctx``, counting
    ``extra`` (the result of the record being made) too; ``None`` when none is missing."""
    if not ctx.records:
        return None
    opened = ctx.records[0]
    kind = str(opened.data.get("kind") or DEFAULT_KIND)
    if regime_of(kind) is None:  # a kind no law binds needs no approval, whatever the day
        return None
    on = local_date(opened.at, ctx.plan.zone)
    hit = bound(kind, on)
    if hit is None or not hit[1].approvals:
        return None
    # the log is read only for a case of such a kind, at the stage leading to its adoption
    resolving = {st.id for st in regime_stages(ctx.plan.procedure)}
    since = max((i for i, r in enumerate(ctx.records)
                 if r.stage in resolving and r.result.get("route") == "pass"), default=0)
    decisions = [(r.result.get("authority"), r.result.get("decision"))
                 for r in ctx.records[since:] if "authority" in r.result]
    if extra is not None:
        decisions.append((extra.get("authority"), extra.get("decision")))
    granted = {(str(a), GRANTED[str(dec)]) for a, dec in decisions if dec in GRANTED}
    missing = missing_approvals(kind, on, granted)
    return (kind, hit[1], missing) if missing else None


__all__ = ["lacking"]
