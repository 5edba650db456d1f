"""What every evaluation reads besides the case's state: the record being evaluated, the plan,
the roster, and who on the roster may act.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import attrs

from deliberation.definition.wording import code, person
from deliberation.engine.census import member_ids
from deliberation.engine.formats import ENGINE_FORMAT, FORMATS, EngineFormat
from deliberation.engine.plan import Plan
from deliberation.engine.records import Record, Signature
from deliberation.errors import InvalidAction, NotEntitled
from deliberation.i18n import Text, _
from deliberation.reprs import fields_repr
from deliberation.roster import Roster, RosterError, Villager

# A record being evaluated: everything but its result, in this order: its seq, kind, time,
# actor, stage, data and signatures. A plain tuple, built as a literal and unpacked once by each
# function that reads it (``seq, kind, at, actor, stage, data, signatures = d``, a field it does
# not read named with a leading underscore, ``_seq``: ``_`` alone is the translation function):
# on Python 3.11 a named tuple costs about four times as much to make, once a record, and each
# field read by name costs more than the unpacking of all seven; mypy checks every place that
# builds or unpacks one against this alias.
Draft = tuple[int, str, datetime, str | None, str | None, Mapping[str, Any],
              tuple[Signature, ...]]


# the engine format a context counts under unless told otherwise: the current one
_CURRENT_FORMAT: Final = FORMATS[ENGINE_FORMAT]


# (slotted: every evaluation reads ``ctx.plan``, ``ctx.roster``… and Python 3.11 reads a slot
# fast, where an attribute of an instance whose ``__dict__`` was filled directly, as attrs fills a
# frozen class without slots, is looked up the slow way each time; making one costs a little
# more, once per case)
@fields_repr
@attrs.frozen(repr=False, eq=False, init=False)  # never compared: no __eq__ to compile
class Context:
    """The plan, the roster and the case an evaluation belongs to."""

    plan: Plan
    roster: Roster
    roster_fingerprint: str
    case_id: str
    records: Sequence[Record]  # the committed records, oldest first (read, never scanned)
    # the engine format an action is counted under: the current one, but for a stored record
    # of an earlier format on replay, counted as its engine counted it (engine/formats.py)
    engine_format: EngineFormat = _CURRENT_FORMAT

    def __init__(self, plan: Plan, roster: Roster, roster_fingerprint: str, case_id: str,
                 records: Sequence[Record], engine_format: EngineFormat = _CURRENT_FORMAT
                 ) -> None:
        # Written out by hand so that each slot of this frozen class is set through its own
        # descriptor. The __init__ attrs would generate calls ``object.__setattr__`` for each
        # field instead, about half as dear again, and every case opened makes a context. A
        # field added to the class but not here fails at import: the setters below are
        # unpacked from the fields.
        _set_plan(self, plan)
        _set_roster(self, roster)
        _set_fingerprint(self, roster_fingerprint)
        _set_case_id(self, case_id)
        _set_records(self, records)
        _set_format(self, engine_format)


# (the slots' own setters, in the order of the fields: ``Context.__init__`` fills each once)
(_set_plan, _set_roster, _set_fingerprint, _set_case_id, _set_records,
 _set_format) = (vars(Context)[f.name].__set__ for f in attrs.fields(Context))


def on_roster(ctx: Context, vid: Any, stage: str) -> Villager:
    """The villager ``vid`` (refused when it is not an id on the roster)."""
    if type(vid) is not str:
        raise InvalidAction(_("{vid!r} is not a villager id").format(vid=vid))
    try:
        return ctx.roster.get(vid)
    except RosterError:
        raise NotEntitled(stage, vid, _("{vid} is not on the roster").format(
            vid=code(vid))) from None


def member(ctx: Context, vid: Any, selectors: tuple[str, ...], stage: str, body: Text
           ) -> Villager:
    """The villager ``vid``, refused unless a member selected by ``selectors``."""
    v = on_roster(ctx, vid, stage)
    if vid not in member_ids(ctx.roster, selectors):
        raise NotEntitled(stage, vid, _(
            "{vid} is not a member of the {body}",
        ).format(vid=person(v.name, v.id), body=body))
    return v


# What a count that is too large counts, in words (the engine names it by its field).
_COUNTED: Final[Mapping[str, Text]] = {
    "online": _("the number attending online"),
    "non_voting": _("the number of members without a vote"),
    "present": _("the number present"),
    "present + non_voting": _("the number present, members without a vote included"),
    "households": _("the number of households present"),
    "votes cast": _("the number of votes cast"),
    "signed": _("the number who signed"),
    "witnesses": _("the number of township officials present"),
    "written votes": _("the number of written votes"),
}


def too_many(what: str, n: int, limit: int) -> Text:
    counted = _COUNTED.get(what)
    return _("{what} is {n}, more than the {limit} possible").format(
        what=counted if counted is not None else code(what), n=n, limit=limit)
