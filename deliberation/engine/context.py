"""What every evaluation reads besides the case's state: the record being evaluated, the plan,
the roster, and who on the roster may act.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

import attrs

from deliberation.engine.census import member_ids
from deliberation.engine.plan import Plan
from deliberation.engine.records import Record, Signature
from deliberation.errors import InvalidAction, NotEntitled
from deliberation.i18n import Text, _
from deliberation.roster import Roster, RosterError, Villager


class Draft(NamedTuple):
    """A record being evaluated: everything but its result."""

    seq: int
    kind: str
    at: datetime
    actor: str | None
    stage: str | None
    data: Mapping[str, Any]
    signatures: tuple[Signature, ...]


@attrs.frozen(slots=False)  # (filled through its __dict__: cheaper to make, once per case)
class Context:
    """The plan, the roster and the case an evaluation belongs to."""

    plan: Plan
    roster: Roster
    roster_fingerprint: str
    case_id: str
    records: Sequence[Record]  # the committed records, oldest first (read, never scanned)


def on_roster(ctx: Context, vid: Any, stage: str) -> Villager:
    """The villager ``vid`` (refused when it is not an id on the roster)."""
    if type(vid) is not str:
        raise InvalidAction(_("{vid!r} is not a villager id").format(vid=vid))
    try:
        return ctx.roster.get(vid)
    except RosterError:
        raise NotEntitled(stage, vid, _("{vid} is not on the roster").format(vid=vid)) from None


def member(ctx: Context, vid: Any, selectors: tuple[str, ...], stage: str, body: Text
           ) -> Villager:
    """The villager ``vid``, refused unless a member selected by ``selectors``."""
    v = on_roster(ctx, vid, stage)
    if vid not in member_ids(ctx.roster, selectors):
        raise NotEntitled(stage, vid, _(
            "{vid} is not a member of the {body}",
        ).format(vid=vid, body=body))
    return v


def too_many(what: str, n: int, limit: int) -> Text:
    return _("{what} is {n}, more than the {limit} possible").format(what=what, n=n, limit=limit)
