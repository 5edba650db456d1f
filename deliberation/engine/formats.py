"""Engine formats: what each version of the engine wrote into a case, so a case stored by an
earlier version replays after an upgrade.

Replay recomputes every record's result and compares it with the stored one. When a later
version records more (a meeting's ``electorate``) or serialises the roster with more fields (a
villager's ``sex``), a case stored before would "not replay" although nothing in it is wrong.
So each case says, in its ``opened`` record (the first link of its hash chain, so the chain
covers it), the format it was opened under, ``"engine_format": N``; replay compares what that
format recorded, as declared here — the one place — and refuses a format newer than this
library with a clear message.

Cases opened before the format was recorded carry no ``engine_format``: they are format 1,
which covers every earlier version, so it leaves out everything added over that time.

A format also says what its engine refused that an earlier one accepted, where records it
accepted may be stored: replay asks a stored record only what the engine asked when it was
made (new actions on such a case are asked everything, as on any other).

>>> FORMATS[1].recorded("meeting", {"route": "pass", "electorate": {"voters": 5}})
{'route': 'pass'}
>>> FORMATS[ENGINE_FORMAT].recorded("meeting", {"route": "pass", "electorate": {"voters": 5}})
{'route': 'pass', 'electorate': {'voters': 5}}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from deliberation.i18n import Text, _
from deliberation.reprs import fields_repr


@fields_repr
@attrs.frozen(repr=False, eq=False)  # never compared: no __eq__ to compile (start-up speed)
class EngineFormat:
    """What cases of one engine format recorded: ``result_omits`` are the result keys (by
    record kind) it did not write; ``villager_omits`` the villager fields its rosters lacked
    (a roster whose villagers have them at their empty default fingerprints as it did then)."""

    version: int
    result_omits: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    villager_omits: tuple[str, ...] = ()
    # whether the engine that wrote such cases refused an action after a stage's deadline had
    # passed (earlier ones applied deadlines only when ``check_deadlines`` was called, so their
    # cases may hold a record made after one: replay takes it as it was accepted then)
    refused_late: bool = True
    # whether its engine counted a legal regime's 2/3 at a representatives' meeting on the
    # villager representatives only, as the land laws name them (农村土地承包法 Art. 19(3):
    # "三分之二以上村民代表"); earlier ones counted every member of the meeting, the villagers'
    # committee seated ex officio included, and all their yes votes, and recorded the verdict so:
    # replay of such a case reproduces it (see rules/regimes.py, ``regime_base``)
    regime_among_representatives: bool = True
    # whether the engine that wrote such cases withdrew the standing notices and circulated
    # plans when a route sent the case back to an earlier stage (a plan returned for revision
    # is a new plan: earlier ones let a notice given for the old plan convene the meeting on
    # the revised one, so their cases may hold such a meeting: replay keeps the notice)
    withdraws_on_return: bool = True

    def recorded(self, kind: str, result: Mapping[str, Any]) -> Mapping[str, Any]:
        """``result`` as this format recorded it for a record of ``kind``."""
        drop = self.result_omits.get(kind)
        if not drop:
            return result
        return {k: v for k, v in result.items() if k not in drop}

    def roster_data(self, villagers: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        """The roster data as this format serialised it, or None when a villager has a field
        this format could not record (so no case of this format had this roster)."""
        if not self.villager_omits:
            return villagers
        out = []
        for v in villagers:
            if any(v.get(k) not in (None, "") for k in self.villager_omits):
                return None
            out.append({k: x for k, x in v.items() if k not in self.villager_omits})
        return out


# The format new cases are opened under. A change to what a result records, or to the roster's
# serialisation, is a new format here, with what the previous one lacked.
ENGINE_FORMAT: Final = 4

FORMATS: Final[Mapping[int, EngineFormat]] = {
    # Every case opened before formats were recorded: meetings did not yet record their
    # electorate (应到 by category), and rosters had no sex column.
    1: EngineFormat(1, {"meeting": ("electorate",)}, ("sex",), refused_late=False,
                    regime_among_representatives=False, withdraws_on_return=False),
    # Records as today's, but an action after a passed deadline was still accepted.
    2: EngineFormat(2, refused_late=False, regime_among_representatives=False,
                    withdraws_on_return=False),
    # Records as today's, but a legal regime's 2/3 at a representatives' meeting was still
    # counted on all its members, and a notice or circulated plan stood through a return to an
    # earlier stage (Organic Law 2018 Art. 21: the meeting on the revised plan needs its own).
    3: EngineFormat(3, regime_among_representatives=False, withdraws_on_return=False),
    4: EngineFormat(4),
}


def case_format(opened: Mapping[str, Any]) -> EngineFormat | Text:
    """The format of a case, from its ``opened`` record's data; or, for a format this library
    does not know (a newer version stored it), the refusal to show."""
    version = opened.get("engine_format", 1)
    known = FORMATS.get(version) if type(version) is int else None
    if known is not None:
        return known
    return _(
        "this case was stored under engine format {version}; this version of deliberation "
        "replays formats up to {latest}: upgrade deliberation to replay it",
    ).format(version=str(version)[:20], latest=ENGINE_FORMAT)
