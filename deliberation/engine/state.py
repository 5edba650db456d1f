"""The derived state of a case: a pure function of its records, advanced one record at a time.

:class:`CaseState` is small and frozen: the stage, when it was entered, rounds, open objections,
the escalation level, the standing notices, the postings of the current disclosure and the time
of the last record. What grows with the records of one stage — the opinions of a consultation,
the ratings of an evaluation — is a :class:`Tally`, counted as each record is committed, so that
counting the facts of the next action never rescans the log.

A record is first *evaluated* against the state and the tally (nothing changes), and only when
every record of the action is accepted is each one *committed*: the state replaced, the tally
counted. A refused action therefore leaves the case exactly as it was.

>>> from datetime import datetime, timezone
>>> s = CaseState("proposal", 1, datetime(2026, 3, 1, tzinfo=timezone.utc))
>>> s.rounds_at("proposal"), s.with_round("proposal").rounds_at("proposal")
(0, 1)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final, NamedTuple

from deliberation.frozen import FrozenDict

_EMPTY = FrozenDict()


class CaseState(NamedTuple):
    """Where a case stands after its last record (see the module docstring).

    An immutable tuple: each record gives a new one (``_replace``), cheaply.
    """

    state: str  # the current stage id, or the outcome id once closed
    entered_seq: int  # the record that entered the current stage
    entered_at: datetime
    objections: int = 0  # open objections (the case is suspended while any is open)
    level: int = 0  # escalation levels climbed
    # the stage of each meeting (or decline, closing) held, in order: a round adds its stage
    # (where a mapping of counts per stage was copied whole at every meeting)
    rounds: tuple[str, ...] = ()
    notices: Mapping[str, datetime] = _EMPTY  # the standing notice of each meeting stage
    circulated: Mapping[str, datetime] = _EMPTY  # the standing circulation of each stage
    # the stages whose last meeting lacked a quorum: all that is asked later of the route a
    # meeting took (only such a meeting is reconvened). A set most meetings leave as it is,
    # where a mapping of each stage's last route was built anew at every meeting.
    lacked_quorum: frozenset[str] = frozenset()
    postings: Mapping[str, datetime] = _EMPTY  # first posting per channel in this stage
    submitters: frozenset[str] = frozenset()  # everyone who submitted a motion
    groups: Mapping[str, tuple[str, ...]] = _EMPTY  # each elected group's members (the last)

    def entering(self, state: str, seq: int, at: datetime) -> CaseState:
        """The state once the record ``seq`` (made ``at``) moved the case to ``state``: a new
        stage visit, with no postings yet. (Built directly: this is every move's cost.)"""
        (_state, _seq, _at, objections, level, rounds, notices, circulated, lacked_quorum,
         _postings, submitters, groups) = self
        return new_named(CaseState, (state, seq, at, objections, level, rounds, notices,
                                     circulated, lacked_quorum, _EMPTY, submitters, groups))

    def after_meeting(self, stage: str, route: str,
                      entering: tuple[str, int, datetime] | None = None) -> CaseState:
        """The state once a meeting of ``stage`` (one more round) took ``route``: the meeting
        used up its notice, and its circulated plan stands only after a failed quorum. With
        ``entering`` (state, seq, at), the meeting also moved the case there (as
        :meth:`entering` does). (Built in one go: every meeting pays for it.)"""
        (state, seq, at, objections, level, rounds, notices, circulated, lacked_quorum, postings,
         submitters, groups) = self
        if stage in notices:
            notices = without(notices, stage)
        if route != "no_quorum" and stage in circulated:
            circulated = without(circulated, stage)
        # (a concatenation: unpacking into a new tuple costs more, and every meeting adds one)
        rounds = rounds + (stage,)  # noqa: RUF005
        if route == "no_quorum":
            lacked_quorum = lacked_quorum | {stage}
        elif stage in lacked_quorum:
            lacked_quorum = lacked_quorum - {stage}
        if entering is not None:
            state, seq, at = entering
            postings = _EMPTY
        return new_named(CaseState, (state, seq, at, objections, level, rounds, notices,
                                     circulated, lacked_quorum, postings, submitters, groups))

    def with_notice(self, stage: str, at: datetime) -> CaseState:
        """The state once a notice of the meeting of ``stage`` was given ``at``."""
        (state, seq, entered_at, objections, level, rounds, notices, circulated, lacked_quorum,
         postings, submitters, groups) = self
        return new_named(CaseState, (state, seq, entered_at, objections, level, rounds,
                                     with_item(notices, stage, at), circulated, lacked_quorum,
                                     postings, submitters, groups))

    def with_circulation(self, stage: str, at: datetime) -> CaseState:
        """The state once the plan for the meeting of ``stage`` was circulated ``at``."""
        (state, seq, entered_at, objections, level, rounds, notices, circulated, lacked_quorum,
         postings, submitters, groups) = self
        return new_named(CaseState, (state, seq, entered_at, objections, level, rounds, notices,
                                     with_item(circulated, stage, at), lacked_quorum, postings,
                                     submitters, groups))

    def with_posting(self, channel: str, at: datetime) -> CaseState:
        """The state once this stage's disclosure was posted on ``channel`` ``at`` (the
        caller keeps a channel's first posting: this one replaces any before it)."""
        (state, seq, entered_at, objections, level, rounds, notices, circulated, lacked_quorum,
         postings, submitters, groups) = self
        return new_named(CaseState, (state, seq, entered_at, objections, level, rounds, notices,
                                     circulated, lacked_quorum, with_item(postings, channel, at),
                                     submitters, groups))

    def returned(self) -> CaseState:
        """The state once the case was sent back to an earlier stage: the plan goes back to be
        revised, so no notice or circulated plan given for it stands (the revised plan is
        announced and circulated anew)."""
        if not self.notices and not self.circulated:
            return self
        return self._replace(notices=_EMPTY, circulated=_EMPTY)

    def rounds_at(self, stage: str) -> int:
        """The rounds held at ``stage``."""
        return self.rounds.count(stage)

    def with_round(self, stage: str) -> CaseState:
        return self._replace(rounds=(*self.rounds, stage))


# A named tuple from one tuple of every field, ``new_named(CaseState, fields)``: ``_make``
# without its Python frame (the named tuple's ``tuple.__new__`` called directly; cheaper than
# the generated ``__new__`` and than a ``functools.partial`` of it), for the state every action
# builds. Callers give every field. (The state's builders above unpack ``self`` once: Python
# 3.11 reads a named tuple's field by name the slow way, each read costing about what unpacking
# all twelve does.)
new_named: Final = tuple.__new__


def with_item(mapping: Mapping[str, Any], key: str, value: Any) -> FrozenDict:
    """``mapping`` with ``key`` set (a new frozen mapping)."""
    return FrozenDict({**mapping, key: value})


def without(mapping: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """``mapping`` without ``key`` (the same object when it has none, the shared empty one when
    it was the only key: a meeting's own notice or plan is most often the only one standing)."""
    if key not in mapping:
        return mapping
    if len(mapping) == 1:
        return _EMPTY
    rest = dict(mapping)  # (a copy from C, less the key: no comprehension frame)
    del rest[key]
    return FrozenDict(rest)


class Tally:
    """What the records of one stage visit have counted: opinions and ratings.

    Mutable, and owned by its case: it is only ever changed by committing an accepted record of
    the visit it belongs to (``visit`` is the ``entered_seq`` of that visit), so it always equals
    what counting that visit's records from scratch would give. Each update is O(1).
    """

    __slots__ = ("counted_opinions", "counted_ratings", "named", "opinion_units",
                 "opinions_by_status", "ratings", "ratings_signed", "ratings_signed_satisfied",
                 "replies", "visit")

    # an opinion's status for its unit: the best one counts (own signature > proxy > none)
    UNSIGNED, PROXY, OWN = 1, 2, 3

    def __init__(self, visit: int) -> None:
        self.visit = visit
        self.named: bool | None = None  # named opinions/ratings, or counts; never both
        self.opinion_units: dict[str, int] = {}  # unit -> best status
        self.opinions_by_status = [0, 0, 0, 0]  # units per status (index = status)
        self.counted_opinions = [0, 0, 0]  # signed, unsigned, proxies given as counts
        self.ratings: dict[str, tuple[bool, bool]] = {}  # rater -> (satisfied, signed)
        self.ratings_signed = 0
        self.ratings_signed_satisfied = 0
        self.counted_ratings = [0, 0, 0]  # satisfied, unsatisfied, unsigned given as counts
        # replies under real names (signed in person): villager -> whether the latest consents
        self.replies: dict[str, bool] = {}

    def add_opinion(self, unit: str, status: int) -> None:
        old = self.opinion_units.get(unit, 0)
        if status > old:
            self.opinion_units[unit] = status
            if old:
                self.opinions_by_status[old] -= 1
            self.opinions_by_status[status] += 1
        self.named = True

    def add_reply(self, villager: str, consents: bool) -> None:
        """A reply under the villager's real name; a later one replaces it."""
        self.replies[villager] = consents

    def add_counted_opinions(self, signed: int, unsigned: int, proxies: int) -> None:
        c = self.counted_opinions
        c[0] += signed
        c[1] += unsigned
        c[2] += proxies
        self.named = False

    def add_rating(self, rater: str, satisfied: bool, signed: bool) -> None:
        old = self.ratings.get(rater)
        if old is not None and old[1]:
            self.ratings_signed -= 1
            self.ratings_signed_satisfied -= 1 if old[0] else 0
        self.ratings[rater] = (satisfied, signed)
        if signed:
            self.ratings_signed += 1
            self.ratings_signed_satisfied += 1 if satisfied else 0
        self.named = True

    def add_counted_ratings(self, satisfied: int, unsatisfied: int, unsigned: int) -> None:
        c = self.counted_ratings
        c[0] += satisfied
        c[1] += unsatisfied
        c[2] += unsigned
        self.named = False
