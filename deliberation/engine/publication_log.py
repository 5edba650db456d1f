"""Which stages' results are published, read from a case's records.

A stage's result is *unpublished* when the stage's latest ``pass`` came after its latest
``result-published`` record (or there is none). The records are the one source; nothing is
kept beside them in the case's state.
"""

from __future__ import annotations

from typing import Final

from deliberation.engine.context import Context
from deliberation.engine.plan import StagePlan
from deliberation.rules import Verdict
from deliberation.rules.facts import Facts
from deliberation.rules.names import RESULTS_UNPUBLISHED as FACT

PUBLISHED_KIND: Final = "result-published"


def unpublished(ctx: Context) -> frozenset[str]:
    """The stages that passed and whose result has not been published since."""
    passed: dict[str, int] = {}
    published: dict[str, int] = {}
    for rec in ctx.records:
        if rec.kind == PUBLISHED_KIND:
            published[str(rec.data["stage"])] = rec.seq
        elif rec.stage is not None and rec.result.get("route") == "pass":
            passed[rec.stage] = rec.seq
    return frozenset(s for s, seq in passed.items() if published.get(s, 0) < seq)



def opening_verdicts(ctx: Context, sp: StagePlan) -> list[Verdict]:
    """The stage's ``results-published`` rules asked now (empty when it has none)."""
    facts: Facts = {FACT: unpublished(ctx)}
    return [r.verdict(facts) for r in sp.preconditions if FACT in r.reads]


__all__ = ["PUBLISHED_KIND", "opening_verdicts", "unpublished"]
