"""The villagers' objections of a case, read from its records: who filed each, at which stage,
on which local date, and when it was answered.

There is no second copy in the case's state: the records are the one source, read only when a
stage with a ``comment-period`` rule asks (a filing, an answer, the stage's conclusion).
"""

from __future__ import annotations

from datetime import date
from typing import Final, NamedTuple

from deliberation.engine.context import Context
from deliberation.rules.days import local_date

OBJECTION_KIND: Final = "villager-objection"
REPLY_KIND: Final = "objection-reply"


class Filed(NamedTuple):
    """One villager's objection: its record, who filed it, where, when, when answered."""

    seq: int
    villager: str
    stage: str
    filed_on: date
    answered_on: date | None


def filed(ctx: Context) -> list[Filed]:
    """Every villager's objection of the case so far, oldest first."""
    zone = ctx.plan.zone
    out: dict[int, Filed] = {}
    for rec in ctx.records:
        if rec.kind == OBJECTION_KIND:
            out[rec.seq] = Filed(rec.seq, str(rec.actor), str(rec.stage),
                                 local_date(rec.at, zone), None)
        elif rec.kind == REPLY_KIND:
            seq = rec.result["objection"]
            out[seq] = out[seq]._replace(answered_on=local_date(rec.at, zone))
    return list(out.values())


def stage_objections(ctx: Context, stage: str) -> tuple[tuple[date, date | None], ...]:
    """The objections filed at ``stage`` as the ``villager_objections`` fact."""
    return tuple((f.filed_on, f.answered_on) for f in filed(ctx) if f.stage == stage)


__all__ = ["OBJECTION_KIND", "REPLY_KIND", "Filed", "filed", "stage_objections"]
