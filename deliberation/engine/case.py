"""Cases: one matter taken through a procedure, as an append-only log of records.

A :class:`Case` is opened for a matter against a procedure and a roster snapshot. Each action
(a motion, a meeting, an opinion, a disclosure, an objection…) is evaluated against the rules of
the current stage (:mod:`deliberation.engine.evaluators`) and either appends its records and
moves the state, or raises a typed error and changes nothing. The state is a pure function of
the records: :meth:`Case.replay` rebuilds it through the same evaluation and checks every stored
result. Time never runs backwards in a case.

>>> from deliberation import load_procedure, Roster
>>> from deliberation.engine.clock import ManualClock
>>> case = Case.open(load_procedure("four-deliberations"), Roster.generate(), matter="修村道",
...                  clock=ManualClock())
>>> case.state
'proposal'
>>> _ = case.hold_meeting(present=5, yes=5)
>>> case.state, case.version
('discussion', 2)
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any, Final

import attrs

from deliberation.definition.loader import load_procedure
from deliberation.definition.model import Procedure
from deliberation.definition.versions import acting_refused
from deliberation.engine import explain as _explain
from deliberation.engine.after import ORDER_KIND, ev_order
from deliberation.engine.clock import FUTURE_SKEW, Clock, SystemClock
from deliberation.engine.comment_log import OBJECTION_KIND, REPLY_KIND
from deliberation.engine.comments import EVALUATORS as COMMENT_EVALUATORS
from deliberation.engine.context import Context, Draft
from deliberation.engine.evaluators import (
    EVALUATORS,
    NothingDue,
    Outcome,
    ReplayError,
    closed_msg,
    refuse_late,
)
from deliberation.engine.formats import ENGINE_FORMAT, FORMATS, EngineFormat, case_format
from deliberation.engine.gates import DECISION_KIND, EXAMINATION_KIND
from deliberation.engine.gates import EVALUATORS as GATE_EVALUATORS
from deliberation.engine.groups import ELECTED, context_for
from deliberation.engine.plan import Plan, StagePlan, normalise_settings, plan_for
from deliberation.engine.publication import EVALUATORS as PUBLICATION_EVALUATORS
from deliberation.engine.publication_log import PUBLISHED_KIND, unpublished
from deliberation.engine.records import (
    Attachment,
    Record,
    Signature,
    canonical_json,
    fingerprint,
)
from deliberation.engine.state import CaseState, Tally
from deliberation.errors import (
    CaseClosed,
    DeliberationError,
    InvalidAction,
    SupersededProcedure,
)
from deliberation.frozen import FrozenDict, freeze, thaw
from deliberation.i18n import DEFAULT_LANG, Text, _, quoted
from deliberation.roster import Roster
from deliberation.rules.actions import ActionKind
from deliberation.rules.base import join
from deliberation.rules.days import local_date
from deliberation.rules.electorate import ineligible
from deliberation.rules.law import DEFAULT_KIND
from deliberation.safetext import printable

_SYSTEM_CLOCK: Final = SystemClock()
# What an evaluator reads for a stage visit with nothing counted yet (evaluators only read a
# tally; committing a record that counts something starts the visit's own).
_NO_TALLY: Final = Tally(-1)
_EMPTY: Final = FrozenDict()
# What the engine asks of a roster, worked out once per roster object (rosters never change):
# its fingerprint, and why no case may be opened on it (empty: one may)
_ROSTERS: dict[int, tuple[weakref.ref[Roster], str, tuple[Text, ...]]] = {}
Who = Sequence[str] | int
# an evaluated record, its outcome and the stage visit (``entered_seq``) it was made in
Accepted = tuple[Record, Outcome, int]
# (a module constant: reading an enum member off its class costs far more on Python 3.11, and
# every meeting reads it)
_CONSULTATION: Final = ActionKind.CONSULTATION

__all__ = ["Case", "ReplayError", "roster_fingerprint"]


def _new_id() -> str:
    """16 hex digits, as ``uuid.uuid4().hex[:16]`` gives them (version digit ``4`` included)."""
    h = os.urandom(8).hex()
    return h[:12] + "4" + h[13:]


def roster_fingerprint(roster: Roster) -> str:
    """``fingerprint(roster.to_data())``, computed once per roster object (rosters never
    change)."""
    return _known(roster)[1]


def _known(roster: Roster) -> tuple[weakref.ref[Roster], str, tuple[Text, ...]]:
    """The roster, its fingerprint and :func:`~deliberation.rules.electorate.ineligible`'s
    lines for it, computed once per roster object: every case opened on a roster asks both,
    and a roster never changes (the check alone walked the roster's index at every opening)."""
    key = id(roster)
    hit = _ROSTERS.get(key)
    if hit is not None and hit[0]() is roster:
        return hit
    hit = (weakref.ref(roster), fingerprint(roster.to_data()), ineligible(roster))
    _ROSTERS[key] = hit
    weakref.finalize(roster, _ROSTERS.pop, key, None)
    return hit


# every record kind's evaluator: the stages' own, and the orders that follow an adoption
_EVALUATORS: Final = {**EVALUATORS, ORDER_KIND: ev_order, **COMMENT_EVALUATORS,
                       **PUBLICATION_EVALUATORS, **GATE_EVALUATORS}


class Case:
    """A matter taken through a procedure. See ``docs/engine.md`` for the whole API.

    >>> from deliberation import load_procedure, Roster
    >>> c = Case.open(load_procedure("four-deliberations"), Roster.generate(), matter="x")
    >>> c.stage, c.closed
    ('proposal', False)
    """

    __slots__ = ("_attaching", "_clock", "_ctx", "_format", "_records", "_state", "_tally")

    def __init__(self, plan: Plan, roster: Roster, case_id: str, clock: Clock,
                 roster_fp: str | None = None, fmt: EngineFormat = FORMATS[ENGINE_FORMAT]
                 ) -> None:
        self._clock = clock
        self._records: list[Record] = []
        # roster_fp: the roster's fingerprint as the case's engine format wrote it (replay)
        self._ctx = Context(plan, roster, roster_fp or roster_fingerprint(roster), case_id,
                            self._records)
        self._state = plan.unopened
        if plan.procedure.groups:  # groups a meeting creates: none yet
            self._ctx = context_for(self._ctx, self._state)
        self._tally = _NO_TALLY  # a visit's own tally starts with the first record it counts
        self._attaching: tuple[Attachment, ...] = ()
        # the engine format the case's records were written under (replay compares what it
        # recorded, and counts a stored record as it counted); a case opened now writes the
        # current one, and a new action on any case is counted as today
        self._format = fmt

    # -- opening and replay ----------------------------------------------------------------
    @classmethod
    def open(
        cls,
        procedure: Procedure | str,
        roster: Roster,
        *,
        matter: str = "",
        case_id: str | None = None,
        settings: Mapping[str, Any] | None = None,
        clock: Clock | None = None,
        actor: str | None = None,
        kind: str = DEFAULT_KIND,
    ) -> Case:
        """Open a case for ``matter`` of ``kind`` (a :data:`~deliberation.rules.law.KINDS`
        id: a kind a stricter law binds needs a procedure applying it); the roster is the
        case's snapshot from now on.

        ``procedure`` is a :class:`~deliberation.definition.model.Procedure` (or, for
        convenience, the id of a built-in one, loaded with
        :func:`deliberation.definition.loader.load_procedure`).

        >>> from deliberation import load_procedure, Roster
        >>> c = Case.open(load_procedure("six-deliberations-guzhuang"), Roster.generate(),
        ...               matter="修村道")
        >>> c.records[0].kind, c.state
        ('opened', 'motion')
        """
        procedure = _procedure(procedure)
        if type(matter) is not str:
            raise InvalidAction(_("the matter must be text"))
        if not isinstance(roster, Roster):
            raise InvalidAction(_("the roster must be a Roster, not {value!r}").format(
                value=type(roster).__name__))
        if settings is not None and not isinstance(settings, Mapping):
            raise InvalidAction(_("the settings must map setting ids to values"))
        # a roster giving a minor or a township official a village role would count their
        # votes: no case is opened on it (cases stored before keep their roster and replay)
        _ref, roster_fp, problems = _known(roster)
        if problems:
            raise InvalidAction(_("this roster cannot be used for a case: {problems}").format(
                problems=join(list(problems))))
        if case_id is not None and (type(case_id) is not str or not case_id):
            raise InvalidAction(_("the case id must be non-empty text"))
        clock = clock or _SYSTEM_CLOCK
        # the day it is opened (local): which stages the law then in force requires
        at = clock.now()
        plan = plan_for(procedure, normalise_settings(procedure, settings) if settings else {},
                        _local_day(at, procedure))
        case = cls(plan, roster, case_id or _new_id(), clock, roster_fp)
        # (frozen as it is made: text, the frozen settings and a number — a kind that is not
        # text is refused before any record is made)
        case._act("opened", actor, FrozenDict({
            "procedure": procedure.id, "version": procedure.version, "matter": matter,
            "kind": kind, "roster": case._ctx.roster_fingerprint, "settings": plan.settings_data,
            "engine_format": ENGINE_FORMAT}), at=at)
        return case

    @classmethod
    def replay(cls, procedure: Procedure | str, roster: Roster, records: Sequence[Record], *,
               clock: Clock | None = None) -> Case:
        """Rebuild a case from its records, evaluating each one as when it was made.

        Raises :class:`ReplayError` when a record's stored result differs from what the rules
        give now, when the roster or procedure is not the one the case was opened with, when
        the records are not a gap-free sequence of one case, or when time runs backwards.
        """
        procedure = _procedure(procedure)
        if not records or records[0].kind != "opened":
            raise ReplayError(_("records must start with an 'opened' record"))
        first = records[0]
        raw = first.data.get("settings") or {}
        try:
            settings = normalise_settings(procedure, {k: raw[k] for k in raw})
        except InvalidAction as err:
            raise ReplayError(err.message) from None
        # What the engine format the case was opened under recorded (see engine/formats.py).
        fmt = case_format(first.data)
        if not isinstance(fmt, EngineFormat):
            raise ReplayError(fmt)
        case = cls(plan_for(procedure, settings, _local_day(first.at, procedure)), roster,
                   first.case_id, clock or _SYSTEM_CLOCK,
                   _roster_fp_as_of(fmt, roster, first.data.get("roster")), fmt)
        case.replay_more(records)
        return case

    def replay_more(self, records: Sequence[Record]) -> None:
        """Replay ``records`` that follow the case's last one, as :meth:`replay` does (which
        is this, from an empty case): a case replayed up to record *n* and then given records
        *n+1…m* is the replay of records *1…m*. Raises :class:`ReplayError` as
        :meth:`replay` does; the case is then not to be used.
        """
        for n, rec in enumerate(records, start=len(self._records) + 1):
            if rec.seq != n or rec.case_id != self.id:
                raise ReplayError(_(
                    "record {n}: seq {seq} / case {case_id!r} out of order",
                ).format(n=n, seq=rec.seq, case_id=rec.case_id))
            self._replay_one(rec, self._format)

    def _replay_one(self, rec: Record, fmt: EngineFormat = FORMATS[ENGINE_FORMAT]) -> None:
        s = self._state
        plan = self._ctx.plan
        expected = s.state if self._records and s.state in plan.stages else None
        if expected is not None and expected in plan.skips and rec.kind != "stage-skipped":
            raise ReplayError(_mismatch(rec, "stage-skipped expected"))
        if (rec.stage or None) != expected:
            raise ReplayError(_mismatch(rec, f"stage {rec.stage!r}, expected {expected!r}"))
        if rec.kind not in _EVALUATORS:
            raise ReplayError(_mismatch(rec, f"unknown kind {rec.kind!r}"))
        try:
            self._check_time(rec.at)
            here = plan.stages.get(s.state)
            if here is not None and here.deadlines and fmt.refused_late:
                # as when it was made: not after a deadline (if its engine refused that)
                refuse_late(self._ctx, s, here, rec.kind, rec.at)
            out = self._evaluate(s, (rec.seq, rec.kind, rec.at, rec.actor, rec.stage,
                                     rec.data, rec.signatures))
        except ReplayError:
            raise
        except DeliberationError as err:
            raise ReplayError(_mismatch(rec, f"refused now: {err.message.en}")) from None
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise ReplayError(_mismatch(rec, f"malformed data: {err!r}")) from None
        result, _new, _effect = out
        now = fmt.recorded(rec.kind, result)
        if canonical_json(now) != canonical_json(rec.result):
            raise ReplayError(_mismatch(rec, _differences(rec.result, now)))
        self._commit((rec, out, s.entered_seq))

    @contextmanager
    def attaching(self, attachments: Sequence[Attachment]) -> Iterator[Case]:
        """Within the block, the action taken carries ``attachments`` on its own record (not
        on the records the engine adds around it, such as a stage skipped). The rules never
        read them: evidence is kept, not judged. Nothing is attached if the action is refused.

        >>> from deliberation import load_procedure, Roster
        >>> from deliberation.engine.records import Attachment
        >>> c = Case.open(load_procedure("four-deliberations"), Roster.generate(), matter="x")
        >>> photo = Attachment("board.jpg", "image/jpeg", 5, "0" * 64)
        >>> with c.attaching([photo]):
        ...     rec, = c.note("posted")
        >>> rec.attachments == (photo,)
        True
        """
        if self._attaching:
            raise InvalidAction(_("attachments are already pending for an action"))
        self._attaching = tuple(attachments)
        try:
            yield self
        finally:
            self._attaching = ()

    # -- read-only view ---------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self._ctx.case_id

    @property
    def procedure(self) -> Procedure:
        """The procedure the case runs on."""
        return self._ctx.plan.procedure

    @property
    def plan(self) -> Plan:
        """The compiled plan (procedure + settings) the case runs on."""
        return self._ctx.plan

    @property
    def roster(self) -> Roster:
        return self._ctx.roster

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self._ctx.plan.settings)

    @property
    def clock(self) -> Clock:
        return self._clock

    @property
    def state(self) -> str:
        """The current stage id, or the outcome id once the case is closed."""
        return self._state.state

    @property
    def matter(self) -> str:
        """The matter the case was opened for."""
        return str(self._records[0].data.get("matter") or "") if self._records else ""

    @property
    def kind(self) -> str:
        """The kind of matter (:data:`~deliberation.rules.law.KINDS`) the case was opened for
        (cases recorded before kinds existed are ordinary major matters)."""
        return str(self._records[0].data.get("kind") or DEFAULT_KIND) if self._records else \
            DEFAULT_KIND

    @property
    def closed(self) -> bool:
        return self._state.state not in self._ctx.plan.stages

    @property
    def stage(self) -> str | None:
        return None if self.closed else self._state.state

    @property
    def outcome(self) -> str | None:
        return self._state.state if self.closed else None

    @property
    def suspended(self) -> bool:
        """Whether an objection is open (the case waits for the answer)."""
        return self._state.objections > 0

    @property
    def groups(self) -> dict[str, tuple[str, ...]]:
        """The members of each group a meeting elected (``groups:``), by group id: the latest
        election's; a group not elected yet is absent."""
        return dict(self._state.groups)

    @property
    def records(self) -> tuple[Record, ...]:
        return tuple(self._records)

    @property
    def version(self) -> int:
        return len(self._records)

    @property
    def entered_at(self) -> datetime:
        """When the case entered its current stage (or closed)."""
        return self._state.entered_at

    @property
    def last_at(self) -> datetime | None:
        """When the last record was made; no action may be dated before it."""
        return self._records[-1].at if self._records else None

    def rounds(self, stage_id: str | None = None) -> int:
        """Meetings held at ``stage_id`` (default: the current stage); at a task, the times it
        was declined or reported unresolved; at an evaluation, the times it was closed."""
        return self._state.rounds_at(stage_id or self._state.state)

    @property
    def level(self) -> str | None:
        """The id of the escalation level the case is at (``None`` without a ladder)."""
        esc = self._ctx.plan.procedure.escalation
        if esc is None:
            return None
        return str(esc.level(self._state.level).id)

    def __repr__(self) -> str:
        return (f"<Case {self.id} {self._ctx.plan.procedure.id} state={self._state.state} "
                f"v{self.version}>")

    # -- actions ------------------------------------------------------------------------------
    def submit_motion(self, text: str, submitters: Sequence[str], *,
                      signed: Sequence[str] | None = None, actor: str | None = None,
                      at: datetime | None = None) -> tuple[Record, ...]:
        """A written motion (动议) with its submitters; ``signed`` defaults to all of them."""
        subs = _ids(submitters, "submitters")
        signers = subs if signed is None else _ids(signed, "signed")
        now = self._now(at)
        sigs = tuple(Signature(s, "submitter", f"{self.id}/motion", now) for s in signers
                     if s in subs)
        return self._act("motion", actor, {"text": _text(text, "text"), "submitters": subs,
                                           "signed": signers}, sigs, now)

    def give_notice(self, *, for_stage: str | None = None, actor: str | None = None,
                    at: datetime | None = None) -> tuple[Record, ...]:
        """Announce the meeting of ``for_stage`` (starts its notice period)."""
        return self._act("notice", actor, FrozenDict({"for": self._meeting_stage(for_stage)}),
                         at=at)

    def reconvene(self, *, actor: str | None = None, at: datetime | None = None
                  ) -> tuple[Record, ...]:
        """Call the current stage's meeting again after it lacked a quorum: a new notice (the
        notice period, if the body has one, runs again from now)."""
        return self._act("notice", actor, {"for": self._meeting_stage(None), "reconvene": True},
                         at=at)

    def circulate_plan(self, *, for_stage: str | None = None, actor: str | None = None,
                       at: datetime | None = None) -> tuple[Record, ...]:
        """Circulate the plan ahead of the meeting of ``for_stage``."""
        return self._act("circulated", actor,
                         FrozenDict({"for": self._meeting_stage(for_stage)}), at=at)

    def hold_meeting(
        self,
        present: Who,
        yes: Who = 0,
        no: Who = 0,
        abstain: Who = 0,
        *,
        households: int | None = None,
        excused: Who = 0,
        excluded: Mapping[str, str] | Mapping[str, int] | None = None,
        exclusion_approval: str | None = None,
        written: Mapping[str, Who] | None = None,
        online: Who = 0,
        proxies: Mapping[str, str] | int = 0,
        proxy_authorisation: str | None = None,
        non_voting: int = 0,
        signed: Who | None = None,
        witnesses: Who = 0,
        interested_voting: int = 0,
        content: str = "",
        actor: str | None = None,
        at: datetime | None = None,
        present_among: Mapping[str, int] | None = None,
        yes_among: Mapping[str, int] | None = None,
        items: Mapping[str, Mapping[str, Who]] | None = None,
        observers: Sequence[str] = (),
        place: str | None = None,
        elected: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
    ) -> tuple[Record, ...]:
        """A meeting of the current stage's body, with attendance and votes.

        Give people as villager ids or, for large bodies, as counts. In the consultation stage
        the consultation is closed first (refused unless coverage holds), then the vote is held.

        ``excused`` (请假) are still expected (应到). ``excluded`` leaves voters out of 应到 for a
        category the body allows (``{villager id: category}``, or ``{category: count}``), with
        ``exclusion_approval`` saying who approved it (see :mod:`deliberation.rules.electorate`).
        ``written``: votes handed in writing before the meeting by voters who do not attend,
        ``{"yes": …, "no": …, "abstain": …}`` (ids or counts); recorded always, counted only
        where the approval rule says ``written: true``.
        ``online``: those of ``present`` who attend online; ``proxies``: members represented by
        the written proxy of an adult of their household (``{member: holder}``, or a count with
        counted attendance), with ``proxy_authorisation`` naming the written authorisations —
        each only where the body's ``attendance:`` allows it.
        Where a rule counts a subset of the body present (a quorum ``among: woman``) and
        attendance is given as counts, ``present_among`` gives that subset's count too
        (``{"woman": 7}``); with names it is counted from the roster.
        ``yes_among``: where a stricter law counts only the yes votes of villager
        representatives (a land matter at a representatives' meeting: 农村土地承包法 Art.
        19(3)) and the votes are given as counts, how many of the yes votes came from them
        (``{"representative": 11}``); with named yes votes it is counted from the roster.
        ``items``: where the stage votes on items one by one, the votes on each
        (``{item id: {"yes": …, "no": …, "abstain": …}}``, with ``"yes_among"`` where it is
        needed) instead of ``yes``/``no``/``abstain``.
        ``observers``: the villager ids of those who attended to observe (the supervision
        committee, township officials…), counted by the stage's ``observers`` rules.
        ``place``: where the meeting was held (recorded and printed in the register).
        ``elected``: where the stage elects a group (the procedure's ``groups:``), its members:
        villager ids, or ``{group id: [ids]}`` where the stage elects more than one group (see
        :mod:`deliberation.engine.groups`).
        """
        # Only what was given is recorded (zero counts and empty text are the defaults). Each
        # part is frozen as it is added (counts, text and tuples of ids are frozen already;
        # the mappings rarely given are frozen here), so the record's data is frozen in one
        # copy at the end, without ``freeze`` looking over every part of every meeting again.
        data = _meeting_counts(present, yes, no, abstain, excused, witnesses, online, proxies,
                               non_voting, interested_voting)
        if excluded:
            data["excluded"] = freeze(_exclusions(excluded))
        if exclusion_approval is not None:
            data["exclusion_approval"] = _text(exclusion_approval, "exclusion_approval")
        if written:
            data["written"] = freeze(_written_votes(written))
        if proxy_authorisation is not None:
            data["proxy_authorisation"] = _text(proxy_authorisation, "proxy_authorisation")
        if content != "":
            data["content"] = _text(content, "content")
        if households is not None:
            data["households"] = _count(households, "households")
        if signed is not None:
            data["signed"] = _who(signed, "signed")
        if present_among is not None:
            data["present_among"] = freeze(_counts(present_among, "present_among"))
        if yes_among is not None:
            data["yes_among"] = freeze(_counts(yes_among, "yes_among"))
        if items is not None or observers or place is not None:
            data.update(freeze(_meeting_extras(items, observers, place)))
        if elected is not None:
            data[ELECTED] = freeze(self._elected(elected))
        now = self._clock.now() if at is None else at
        frozen = FrozenDict(data)
        if type(data["present"]) is int:  # (counted attendance, most meetings: no one named)
            return self._act("meeting", actor, frozen, (), now)
        sigs: list[Signature] = []
        doc = f"{self.id}/minutes"
        sset = data.get("signed", data["present"])
        if type(sset) is not int:
            sigs.extend(Signature(s, "participant", doc, now) for s in sset)
        wit = data.get("witnesses", 0)
        if type(wit) is not int:
            sigs.extend(Signature(s, "witness", doc, now) for s in wit)
        return self._act("meeting", actor, frozen, tuple(sigs), now)

    def record_opinion(
        self,
        villager: str,
        opinion: str = "agree",
        *,
        signed: bool = True,
        method: str = "handwritten",
        proxy: str | None = None,
        authorisation: str | None = None,
        actor: str | None = None,
        at: datetime | None = None,
    ) -> tuple[Record, ...]:
        """One villager's opinion in the consultation (民议), signed or not.

        ``method="proxy"`` records a signature by ``proxy`` on the villager's behalf; it counts
        only when the rule accepts proxies, and needs a written ``authorisation``.
        """
        now = self._now(at)
        sigs: tuple[Signature, ...] = ()
        if type(signed) is not bool:
            raise InvalidAction(_("signed must be true or false"))
        if signed:
            try:
                sig = Signature(
                    proxy if method == "proxy" and proxy else villager,
                    "consulted", f"{self.id}/consultation", now, method,
                    on_behalf_of=villager if method == "proxy" else None,
                    authorisation=authorisation,
                )
            except (TypeError, ValueError) as err:
                raise InvalidAction(_("invalid signature: {err}").format(err=err)) from None
            sigs = (sig,)
        return self._act("opinion", actor, {"villager": villager,
                                            "opinion": _text(opinion, "opinion")}, sigs, now)

    def record_opinions(self, signed: int, *, unsigned: int = 0, proxies: int = 0,
                        actor: str | None = None, at: datetime | None = None
                        ) -> tuple[Record, ...]:
        """Opinions given as counts (large bodies, simulation); not mixed with named ones."""
        return self._act("opinion", actor, {
            "count": _count(signed, "signed"), "unsigned": _count(unsigned, "unsigned"),
            "proxies": _count(proxies, "proxies")}, at=at)

    def close_consultation(self, *, actor: str | None = None, at: datetime | None = None
                           ) -> tuple[Record, ...]:
        """Close the consultation: refused with ``consultation-coverage`` while short."""
        return self._act("consultation-closed", actor, _EMPTY, at=at)

    def post_disclosure(self, channel: str, *, content: str = "", actor: str | None = None,
                        at: datetime | None = None) -> tuple[Record, ...]:
        """Post the stage's disclosure on ``channel`` (one the procedure knows); ``actor`` must
        belong to the stage's body."""
        # (frozen as it is made: the content is text, and a channel that is not is refused)
        return self._act("disclosure-posted", actor, FrozenDict(
            {"channel": channel, "content": _text(content, "content")}), at=at)

    def conclude_disclosure(self, *, actor: str | None = None, at: datetime | None = None
                            ) -> tuple[Record, ...]:
        """End the disclosure period: refused (rule ``disclosure``) until it was long enough on
        the required channels, each counted from its own posting."""
        return self._act("disclosure-concluded", actor, _EMPTY, at=at)

    def raise_objection(self, by: str, reason: str = "", *, at: datetime | None = None
                        ) -> tuple[Record, ...]:
        """The supervision committee objects: the case is suspended until answered."""
        return self._act("objection", by, {"reason": _text(reason, "reason")}, at=at)

    def answer_objection(self, by: str, answer: str = "", *, redo: bool | str = False,
                         at: datetime | None = None) -> tuple[Record, ...]:
        """Answer the open objection: resume (``redo=False``), follow the stage's ``objection``
        route (``True``), or send the case back to the named stage to be redone."""
        if not isinstance(redo, bool | str):
            raise InvalidAction(_("redo must be true, false or a stage id"))
        return self._act("answer", by, {"answer": _text(answer, "answer"), "redo": redo}, at=at)

    def file_objection(self, by: str, reason: str, *, signed: bool = True,
                       at: datetime | None = None) -> tuple[Record, ...]:
        """A villager objects, in a comment period (a stage with a ``comment-period`` rule):
        named, with a reason, signed by their own hand; refused outside the window.

        >>> from deliberation import load_procedure, Roster
        >>> from deliberation.engine.clock import ManualClock
        >>> c = Case.open(load_procedure("four-deliberations"), Roster.generate(), matter="x",
        ...               clock=ManualClock())
        >>> c.file_objection("v0001", "the plan was not discussed")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        deliberation.errors.InvalidAction: the stage 'proposal' takes no villagers' objections...
        """
        if type(signed) is not bool:
            raise InvalidAction(_("signed must be true or false"))
        now = self._now(at)
        sigs = (Signature(by, "objector", f"{self.id}/objection", now),) if signed else ()
        return self._act(OBJECTION_KIND, by, {"reason": _text(reason, "reason")}, sigs, now)

    def reply_objection(self, to: str, by: str, answer: str, *, at: datetime | None = None
                        ) -> tuple[Record, ...]:
        """``by`` (of the comment period's answering body) answers ``to``'s oldest open
        objection; an answer after the rule's deadline is recorded with ``late: true``."""
        return self._act(REPLY_KIND, by, {"to": to, "answer": _text(answer, "answer")}, at=at)

    @property
    def results_due(self) -> tuple[str, ...]:
        """The earlier stages whose results the current stage waits for (``results-published``)
        and that are not yet published: publish each with :meth:`publish_result`."""
        # Imported here for start-up speed: only a simulation asks (a case names its own).
        from deliberation.rules.publication import ResultsPublished

        sp = self._ctx.plan.stages.get(self._state.state)
        if sp is None:
            return ()
        waiting = unpublished(self._ctx)
        return tuple(dict.fromkeys(s for r in sp.preconditions if isinstance(r, ResultsPublished)
                                   for s in r.due(waiting)))

    def publish_result(self, stage: str, channel: str, *, content: str = "",
                       actor: str | None = None, at: datetime | None = None
                       ) -> tuple[Record, ...]:
        """Publish the result of the passed stage ``stage`` on ``channel`` (per-stage
        disclosure); ``actor``: a member of that stage's body or of the villagers' committee."""
        return self._act(PUBLISHED_KIND, actor, {"stage": stage, "channel": channel,
                                                 "content": _text(content, "content")}, at=at)

    def withdraw(self, by: str, reason: str = "", *, at: datetime | None = None
                 ) -> tuple[Record, ...]:
        """The submitters or proposers withdraw the matter."""
        return self._act("withdrawn", by, {"reason": _text(reason, "reason")}, at=at)

    def record_order(self, type: str, *, issuer: str, number: str, issued_on: str,
                     reopen: str | None = None, end: str | None = None,
                     actor: str | None = None, at: datetime | None = None
                     ) -> tuple[Record, ...]:
        """An order after adoption (``correction``, ``revocation`` or ``republication``; see
        :mod:`deliberation.engine.after`) with its instrument: ``issuer``, document ``number``
        and ``issued_on`` (YYYY-MM-DD). It reopens the stage ``reopen`` or ends the case in the
        outcome ``end`` (defaults: a revocation ends in failure, a republication reopens the
        first disclosure stage)."""
        data: dict[str, Any] = {"type": type, "issuer": issuer, "number": number,
                                "issued_on": issued_on}
        if reopen is not None:
            data["reopen"] = reopen
        if end is not None:
            data["end"] = end
        return self._act(ORDER_KIND, actor, data, at=at)

    def check_deadlines(self, *, at: datetime | None = None) -> tuple[Record, ...]:
        """Apply the stage's ``deadline`` rules now: an expired one appends ``lapsed``."""
        if self.closed:
            return ()
        try:
            return self._act("lapsed", None, {}, at=at)
        except NothingDue:
            return ()

    def note(self, text: str, *, actor: str | None = None, at: datetime | None = None
             ) -> tuple[Record, ...]:
        """A clerk's annotation while the case is open; never changes the state."""
        return self._act("note", actor, {"text": _text(text, "text")}, at=at)

    def record_task(self, result: str = "done", *, handler: str | None = None, note: str = "",
                    actor: str | None = None, at: datetime | None = None
                    ) -> tuple[Record, ...]:
        """A task stage's handler reports: ``done`` (the stage passes, its rules checked),
        ``declined`` (route ``declined``: by default the same task again, for another handler)
        or ``unresolved`` (route ``unresolved``: by default one level up the escalation ladder).

        ``actor`` — who reports it — must belong to the stage's body; ``handler`` names who is
        assigned (e.g. the volunteer a station dispatches the order to).
        """
        return self._act("task", actor, {"result": result, "handler": handler,
                                         "note": _text(note, "note")}, at=at)

    def record_rating(self, villager: str, satisfied: bool = True, *, signed: bool = True,
                      comment: str = "", actor: str | None = None, at: datetime | None = None
                      ) -> tuple[Record, ...]:
        """One rater's rating in an evaluation stage; it counts only when ``signed`` by the rater
        (a later rating by the same rater replaces an earlier one)."""
        now = self._now(at)
        sigs: tuple[Signature, ...] = ()
        if signed:
            sigs = (Signature(str(villager), "rater", f"{self.id}/evaluation", now),)
        return self._act("rating", actor, {"villager": villager, "satisfied": satisfied,
                                           "comment": _text(comment, "comment")}, sigs, now)

    def record_ratings(self, satisfied: int, *, unsatisfied: int = 0, unsigned: int = 0,
                       actor: str | None = None, at: datetime | None = None
                       ) -> tuple[Record, ...]:
        """Signed ratings given as counts (large bodies, simulation); not mixed with named
        ones. ``unsigned`` ratings are recorded but never count."""
        return self._act("rating", actor, {
            "count": _count(satisfied, "satisfied"),
            "unsatisfied": _count(unsatisfied, "unsatisfied"),
            "unsigned": _count(unsigned, "unsigned")}, at=at)

    def close_evaluation(self, *, actor: str | None = None, at: datetime | None = None
                         ) -> tuple[Record, ...]:
        """Close the evaluation: refused below ``min_ratings`` signed ratings; otherwise the
        ``satisfaction`` rule decides (recorded) whether it passes or takes ``rejected``."""
        return self._act("evaluation-closed", actor, {}, at=at)

    def examine(self, *, met: Sequence[str] = (), not_met: Mapping[str, str] | None = None,
                signed: Sequence[str] = (), actor: str | None = None,
                at: datetime | None = None) -> tuple[Record, ...]:
        """A gate's body examined the matter (see :mod:`deliberation.engine.gates`): every
        check of the stage answered, as ``met`` or in ``not_met`` with its reason; the decision
        ``signed`` by the members who took it (enough of them: rule ``gate-signatures``). All
        met clears the matter; any not met returns it to the stage the gate names.

        >>> from deliberation import load_procedure, Roster
        >>> from deliberation.engine.clock import ManualClock
        >>> c = Case.open(load_procedure("four-deliberations"), Roster.generate(), matter="x",
        ...               clock=ManualClock())
        >>> c.examine(met=["legality"])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        deliberation.errors.InvalidAction: the case is at 'proposal'; cannot examine the matter now
        """
        now = self._now(at)
        signers = _ids(signed, "signed")
        sigs = tuple(Signature(v, "examiner", f"{self.id}/examination", now) for v in signers)
        data = {"met": met, "not_met": {} if not_met is None else not_met}
        return self._act(EXAMINATION_KIND, actor, data, sigs, now)

    def record_authority_decision(self, decision: str, *, issuer: str, number: str,
                                  issued_on: str, reason: str = "", actor: str | None = None,
                                  at: datetime | None = None) -> tuple[Record, ...]:
        """An authority above the village decided the gate: ``approved``, ``refused`` or
        ``returned`` (approval), ``filed`` or ``returned`` (filing), by its instrument —
        ``issuer``, document ``number``, ``issued_on`` (YYYY-MM-DD) — recorded by ``actor``, a
        member of the stage's body. A refusal or return gives its ``reason``."""
        data = {"decision": decision, "issuer": issuer, "number": number,
                "issued_on": issued_on}
        if reason:
            data["reason"] = reason
        return self._act(DECISION_KIND, actor, data, at=at)

    # -- explanations ---------------------------------------------------------------------------
    def blockers(self) -> tuple[_explain.Blocker, ...]:
        """What is missing to move on, rule by rule, with numbers (see :mod:`.explain`)."""
        return _explain.blockers(self._ctx, self._state, self._tally_of(self._state),
                                 self._clock.now())

    def available_actions(self) -> tuple[_explain.ActionHint, ...]:
        """Which actions may be taken now, and who may take them."""
        return _explain.available_actions(self._ctx, self._state)

    def explain(self, lang: str = DEFAULT_LANG, *,
                command: Callable[[str], str] | None = None) -> str:
        """Where the case stands, what blocks it and who may act, in ``lang``; ``command``
        names each action (a method name) as the reader types it."""
        return _explain.explain(self._ctx, self._state, self._tally_of(self._state),
                                self._clock.now(), lang, command)

    # -- the engine -------------------------------------------------------------------------------
    def _now(self, at: datetime | None) -> datetime:
        return self._clock.now() if at is None else at

    def _check_time(self, at: Any) -> None:
        zone = at.tzinfo if type(at) is datetime else None
        if zone is not UTC and (zone is None or at.utcoffset() is None):
            raise InvalidAction(_("the time {at!r} must be an aware datetime").format(at=at))
        if not 1 < at.year < 9999:
            # every period and record counts in UTC and local days: a time on the calendar's
            # first or last day (9999-12-31T23:00-12:00) may have no UTC instant or local date
            # to count from (zone offsets are under a day, so no other year can overflow)
            try:
                at.astimezone(UTC)
                local_date(at, self._ctx.plan.zone)
            except OverflowError:
                raise InvalidAction(_("the time {at} is outside the calendar").format(
                    at=at.isoformat())) from None
        records = self._records
        if records and at < records[-1].at:
            last = records[-1].at
            raise InvalidAction(_(
                "time does not run backwards: {at} is before the last record, made at {last}",
            ).format(at=at.isoformat(), last=last.isoformat()))

    def _check_not_ahead(self, at: datetime) -> None:
        """An action given a time on the machine's clock happened by now (replay does not ask:
        records may be read on a machine whose clock is behind the one that made them)."""
        if at > self._clock.now() + FUTURE_SKEW:
            raise InvalidAction(_(
                "{at} is in the future: only what has happened can be recorded",
            ).format(at=at.isoformat()))

    def _tally_of(self, s: CaseState) -> Tally:
        """The tally of ``s``'s stage visit (empty for a visit with nothing counted yet)."""
        return self._tally if self._tally.visit == s.entered_seq else _NO_TALLY

    def _evaluate(self, s: CaseState, d: Draft) -> Outcome:
        """A stored record evaluated again (replay), counted as the engine format it was
        written under counted it."""
        ctx = self._ctx
        if ctx.engine_format is not self._format:
            ctx = attrs.evolve(ctx, engine_format=self._format)
        _seq, kind, _at, _actor, _stage, _data, _signatures = d
        return _EVALUATORS[kind](ctx, s, self._tally_of(s), d)

    def _act(self, kind: str, actor: str | None, data: Mapping[str, Any],
             signatures: tuple[Signature, ...] = (), at: datetime | None = None
             ) -> tuple[Record, ...]:
        """Evaluate one action — its record, plus a closing record first when a vote is held in
        a consultation, plus one for each stage merged away after it — and commit all of them,
        or raise and change nothing."""
        ctx = self._ctx
        plan = ctx.plan
        if plan.procedure.superseded_by is not None:
            # an earlier version, kept only so that stored cases replay (never through here):
            # no case opens or moves under rules that have since changed
            raise SupersededProcedure(acting_refused(plan.procedure, self.id))
        now = self._clock.now() if at is None else at
        self._check_time(now)
        if at is not None and type(self._clock) is SystemClock:
            self._check_not_ahead(at)
        if actor is not None:
            if type(actor) is not str:
                raise InvalidAction(_("the actor must be a villager id"))
            if actor not in ctx.roster:
                raise InvalidAction(_("the actor {actor} is not on the roster").format(
                    actor=actor))
        # (actions whose data is a stage id or nothing give it frozen already: kept as it is,
        # without a call)
        if type(data) is not FrozenDict:
            data = freeze(data)
        s = self._state
        here = plan.stages.get(s.state)
        before: Accepted | None = None  # the consultation's closing record, when one is due
        if here is None:
            if kind != "opened" and kind != ORDER_KIND:
                raise CaseClosed(closed_msg(ctx, s.state))
        else:
            if here.deadlines:  # an action after a deadline passed is refused (most have none)
                refuse_late(ctx, s, here, kind, now)
            if kind == "meeting" and here.kind is _CONSULTATION:
                # the vote attempted in the consultation: close it first (refused if short)
                before = self._evaluate_new(s, here, "consultation-closed", now, actor, _EMPTY,
                                            (), (), 1)
                _rec, (_result, s, _effect), _visit = before
                here = plan.stages.get(s.state)
        # the action's own record (it carries the evidence attached, once), made as the one
        # record most actions make
        own = self._evaluate_new(s, here, kind, now, actor, data, signatures, self._attaching,
                                 1 if before is None else 2)
        rec, (_result, s, _effect), _visit = own
        skips = plan.skips  # (most procedures merge no stage away: the state is not read then)
        if before is None and (not skips or s.state not in skips):
            self._commit(own)
            self._attaching = ()
            return (rec,)
        made = [own] if before is None else [before, own]
        while s.state in plan.skips:  # a record for each stage merged away after it
            skipped = self._evaluate_new(s, plan.stages.get(s.state), "stage-skipped", now,
                                         None, _EMPTY, (), (), len(made) + 1)
            made.append(skipped)
            _rec, (_result, s, _effect), _visit = skipped
        for accepted in made:
            self._commit(accepted)
        self._attaching = ()
        return tuple([rec for rec, _unused, _visit in made])

    def _evaluate_new(self, s: CaseState, here: StagePlan | None, kind: str, at: datetime,
                      actor: str | None, data: Mapping[str, Any],
                      signatures: tuple[Signature, ...], attachments: tuple[Attachment, ...],
                      n: int) -> Accepted:
        """Evaluate the ``n``-th new record of an action in the state ``s`` (nothing changes):
        the record, its outcome and the stage visit it is made in. ``here``: the plan of the
        stage ``s`` is at (``None`` once the case is closed), which :meth:`_act` has looked up
        for every record it makes."""
        ctx = self._ctx
        seq = len(self._records) + n
        visit = s.entered_seq
        stage = here.id if here is not None and kind != "opened" else None
        tally = self._tally
        out = _EVALUATORS[kind](ctx, s, tally if tally.visit == visit else _NO_TALLY,
                                (seq, kind, at, actor, stage, data, signatures))
        result, _new, _effect = out
        return (Record(seq, ctx.case_id, kind, at, actor, stage, data, signatures, result,
                       attachments), out, visit)

    def _commit(self, accepted: Accepted) -> None:
        """Append an accepted record: the state becomes its state, the tally counts it."""
        rec, (_result, new, effect), visit = accepted
        if effect is not None:
            if self._tally.visit != visit:
                self._tally = Tally(visit)
            effect(self._tally)
        self._records.append(rec)
        before, self._state = self._state, new
        # (a procedure electing no group never has one in its state: nothing to compare, as
        # ``__init__`` selects none)
        if self._ctx.plan.procedure.groups and new.groups is not before.groups:
            # the roster evaluations read selects each group's elected members (see
            # engine.groups); the context already selects them while the groups stay the same
            self._ctx = context_for(self._ctx, new)

    def _elected(self, value: Any) -> dict[str, tuple[str, ...]]:
        """``elected`` as ``{group id: ids}``: a bare list names the members of the one group
        the current stage elects."""
        if isinstance(value, Mapping):
            if not all(type(k) is str for k in value):
                raise InvalidAction(_("{key} must map group ids to villager ids").format(
                    key=quoted(ELECTED)))
            return {k: _ids(v, f"{ELECTED}.{k}") for k, v in value.items()}
        ids = _ids(value, ELECTED)
        electing = self._ctx.plan.procedure.groups_elected_at(self._state.state)
        if not electing:
            raise InvalidAction(_("the stage {stage} elects no group").format(
                stage=self._ctx.plan.stages[self._state.state].stage.name
                if self._state.state in self._ctx.plan.stages else quoted(self._state.state)))
        if len(electing) != 1:
            raise InvalidAction(_(
                "the stage {stage} elects {n} groups: give {key} as a mapping of group ids to "
                "villager ids",
            ).format(stage=self._ctx.plan.stages[self._state.state].stage.name,
                     n=len(electing), key=quoted(ELECTED)))
        return {electing[0].id: ids}

    def _meeting_stage(self, for_stage: str | None) -> str:
        plan = self._ctx.plan
        state = self._state.state
        here = plan.stages.get(state)
        if here is None:  # closed
            raise CaseClosed(closed_msg(self._ctx, state))
        if for_stage is None:
            ahead = plan.next_meeting[here.id]
            if ahead is None:
                raise InvalidAction(_("no meeting ahead"))
            return ahead
        sp2 = plan.stages.get(for_stage) if type(for_stage) is str else None
        if sp2 is None or sp2.kind is not ActionKind.MEETING or sp2.index < here.index:
            raise InvalidAction(_(
                "{for_stage!r} is not a meeting stage at or after this one",
            ).format(for_stage=for_stage))
        return sp2.id


def _procedure(procedure: Procedure | str) -> Procedure:
    # the convenience form Case.open("four-deliberations", …): the built-in library
    if isinstance(procedure, str):
        return load_procedure(procedure)
    if not isinstance(procedure, Procedure):
        raise InvalidAction(_("the procedure must be a Procedure or a procedure id, not {value!r}")
                            .format(value=type(procedure).__name__))
    return procedure


# -- small helpers ----------------------------------------------------------------------------


def _ids(values: Any, what: str) -> tuple[str, ...]:
    if isinstance(values, str) or not isinstance(values, list | tuple | set | frozenset) \
            or not all(type(v) is str for v in values):
        raise InvalidAction(_("{what} must be a list of villager ids").format(what=what))
    return tuple(values)


def _who(value: Any, what: str) -> int | tuple[str, ...]:
    if type(value) is int:
        return value if value >= 0 else _count(value, what)
    if isinstance(value, bool) or isinstance(value, int | float):
        raise InvalidAction(_(
            "{what} must be a count (a whole number ≥ 0) or a list of villager ids, not {value!r}",
        ).format(what=what, value=value))
    return _ids(value, what)


def _exclusions(value: Any) -> dict[str, Any]:
    """``{villager id: category}`` or ``{category: count}``, not a mixture."""
    if not isinstance(value, Mapping) or not all(type(k) is str for k in value):
        raise InvalidAction(_(
            "excluded must map villager ids to categories, or categories to counts",
        ))
    kinds = {type(v) for v in value.values()}
    if kinds == {int}:
        return {k: _count(v, f"excluded.{k}") for k, v in value.items()}
    if kinds == {str}:
        return dict(value)
    raise InvalidAction(_(
        "excluded maps either every villager id to a category or every category to a count, not a "
        "mixture",
    ))


def _proxies(value: Any, what: str) -> Any:
    """``{member: holder}`` or a count."""
    if type(value) is int:
        return _count(value, what)
    if not isinstance(value, Mapping) or not all(
            type(k) is str and type(v) is str for k, v in value.items()):
        raise InvalidAction(_("proxies must map each member to their proxy holder, or be a count"))
    return dict(value)


def _written_votes(value: Any, what: str = "written") -> dict[str, Any]:
    if not isinstance(value, Mapping) or not set(value) <= {"yes", "no", "abstain"}:
        raise InvalidAction(_(
            "{what} must map yes, no and abstain to counts or villager ids",
        ).format(what=what))
    return {k: _who(v, f"{what}.{k}") for k, v in value.items()}


def _meeting_counts(present: Any, yes: Any, no: Any, abstain: Any, excused: Any,
                    witnesses: Any, online: Any, proxies: Any, non_voting: Any,
                    interested_voting: Any) -> dict[str, Any]:
    """A meeting's attendance and votes as given, checked: ``present`` and ``yes`` always, each
    other part only when given (not zero). (One test per part, written out: every meeting goes
    through here.)"""
    # (a count ≥ 0, as most meetings give them, is taken as it is: what ``_who`` returns for it)
    data: dict[str, Any] = {
        "present": present if type(present) is int and present >= 0 else _who(present, "present"),
        "yes": yes if type(yes) is int and yes >= 0 else _who(yes, "yes")}
    if no != 0:
        data["no"] = _who(no, "no")
    if abstain != 0:
        data["abstain"] = _who(abstain, "abstain")
    if excused != 0:
        data["excused"] = _who(excused, "excused")
    if witnesses != 0:
        data["witnesses"] = _who(witnesses, "witnesses")
    if online != 0:
        data["online"] = _who(online, "online")
    if proxies != 0:
        data["proxies"] = freeze(_proxies(proxies, "proxies"))
    if non_voting != 0:
        data["non_voting"] = _count(non_voting, "non_voting")
    if interested_voting != 0:
        data["interested_voting"] = _count(interested_voting, "interested_voting")
    return data


def _meeting_extras(items: Any, observers: Any, place: Any) -> dict[str, Any]:
    """A meeting's votes per item, its observers and its place, as far as they were given."""
    data: dict[str, Any] = {}
    if items is not None:
        data["items"] = _item_votes(items)
    if observers:
        data["observers"] = _ids(observers, "observers")
    if place is not None:
        data["place"] = _place(place)
    return data


def _item_votes(value: Any) -> dict[str, Any]:
    """``{item id: {yes, no, abstain}}``, each a count or villager ids."""
    if not isinstance(value, Mapping) or not all(type(k) is str for k in value):
        raise InvalidAction(_("items must map item ids to their votes (yes, no, abstain)"))
    return {k: _item_vote(v, f"items.{k}") for k, v in value.items()}


def _item_vote(value: Any, what: str) -> dict[str, Any]:
    """One item's ``{yes, no, abstain}`` and, where given, its ``yes_among`` counts."""
    if isinstance(value, Mapping) and "yes_among" in value:
        votes = _written_votes({k: v for k, v in value.items() if k != "yes_among"}, what)
        return votes | {"yes_among": _counts(value["yes_among"], f"{what}.yes_among")}
    return _written_votes(value, what)


# the longest place name a meeting records (a room, a hall, a village: never a document)
_PLACE_MAX: Final = 200


def _place(value: Any) -> str:
    """Where a meeting was held: text, not blank, at most a line, no control characters (it is
    printed in the register and on terminals as written)."""
    text = _text(value, "place").strip()
    if not text or len(text) > _PLACE_MAX or "\n" in text or printable(text) != text:
        raise InvalidAction(_(
            "the place must be a line of plain text (1 to {n} characters, no control "
            "characters)",
        ).format(n=_PLACE_MAX))
    return text


def _count(value: Any, what: str) -> int:
    if type(value) is not int or value < 0:
        raise InvalidAction(_(
            "{what} must be a whole number ≥ 0, not {value!r}",
        ).format(what=what, value=value))
    return value


def _counts(value: Any, what: str) -> dict[str, int]:
    """A mapping of names to counts (``present_among: {woman: 7}``)."""
    if not isinstance(value, Mapping) or not all(type(k) is str for k in value):
        raise InvalidAction(_("{what} must map names to counts, not {value!r}").format(
                              what=what, value=value))
    return {k: _count(v, f"{what}.{k}") for k, v in value.items()}


def _text(value: Any, what: str) -> str:
    if type(value) is not str:
        raise InvalidAction(_("{what} must be text, not {value!r}").format(what=what, value=value))
    return value


def _local_day(at: Any, procedure: Procedure) -> date | None:
    """The local date of a case's opening, when ``at`` is a time that has one (any other is
    refused with its reason when the opened record is checked) and a stage of the procedure
    depends on it (:func:`~deliberation.engine.plan.not_required_on`; None otherwise: no stage
    does)."""
    if not procedure.dated_stages or type(at) is not datetime or at.utcoffset() is None:
        return None
    try:
        return local_date(at, procedure.zone)
    except OverflowError:
        return None


def _roster_fp_as_of(fmt: EngineFormat, roster: Roster, opened_fp: Any) -> str | None:
    """The roster's fingerprint as the case's format wrote it, when that is the one the case
    was opened with and differs from today's (None: today's, which the opened record is then
    checked against as usual)."""
    if not fmt.villager_omits or opened_fp == roster_fingerprint(roster):
        return None
    then = fmt.roster_data(roster.to_data())
    return opened_fp if then is not None and fingerprint(then) == opened_fp else None


def _differences(stored: Mapping[str, Any], now: Mapping[str, Any]) -> str:
    """Which parts of a stored result differ from what the rules give now, each as stored and
    as now (shortened), instead of the two whole results."""
    parts = []
    for key in sorted(set(stored) | set(now)):
        a, b = stored.get(key, _ABSENT), now.get(key, _ABSENT)
        if a is _ABSENT or b is _ABSENT or canonical_json(thaw(a)) != canonical_json(thaw(b)):
            parts.append(f"{key}: stored {_short(a)}, now {_short(b)}")
    return "the stored result differs from the rules' — " + "; ".join(parts)


_ABSENT: Final = object()


def _short(value: Any) -> str:
    if value is _ABSENT:
        return "(absent)"
    text = canonical_json(thaw(value))
    return text if len(text) <= 160 else text[:157] + "…"


def _mismatch(rec: Record, why: str) -> Any:
    return _(
        "record {seq} ({kind}) does not replay: {why}",
    ).format(seq=rec.seq, kind=rec.kind, why=why)
