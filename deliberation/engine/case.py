"""Cases: one matter taken through a procedure, as an append-only log of records.

A :class:`Case` is opened for a matter against a procedure and a roster snapshot. Each action
(a motion, a meeting, an opinion, a disclosure, an objection…) is checked against the rules of
the current stage and either appends its records and moves the state, or raises a typed error
and changes nothing. The state is a pure function of the records: :meth:`Case.replay` rebuilds
it and checks every stored result.

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
from datetime import datetime
from itertools import chain
from types import MappingProxyType
from typing import Any, Final

import attrs

from deliberation.definition.model import ActionKind, Procedure
from deliberation.engine.clock import Clock, SystemClock
from deliberation.engine.machine import ESCALATE_EVENT, ESCALATE_TOP, REDO_PREFIX, SKIP, WITHDRAW
from deliberation.engine.plan import (
    CompiledRule,
    Entry,
    Plan,
    StagePlan,
    normalise_settings,
    plan_for,
    quick_facts,
)
from deliberation.engine.records import (
    Record,
    Signature,
    _freeze,
    _trusted_record,
    canonical_json,
    fingerprint,
)
from deliberation.errors import (
    CaseClosed,
    DeliberationError,
    InvalidAction,
    NotEntitled,
    RuleViolation,
)
from deliberation.i18n import DEFAULT_LANG, T, Text
from deliberation.roster import Roster, RosterError
from deliberation.rules.days import DayCount, days_between, local_date
from deliberation.rules.registry import Facts, RuleCheck

_SYSTEM_CLOCK: Final = SystemClock()
_COMMITTEES: Final = ("party-committee", "villagers-committee")
_FP_CACHE: dict[int, tuple[weakref.ref[Roster], str]] = {}
Who = Sequence[str] | int


class ReplayError(DeliberationError):
    """Records do not replay to what they say: a changed procedure, roster or result."""


class _Cursor:
    """The derived state of a case; a pure function of its records. Also the machine's model."""

    __slots__ = ("entered_at", "entered_seq", "objections", "rounds", "state")

    def __init__(self, state: str, entered_seq: int, entered_at: datetime) -> None:
        self.state = state
        self.entered_seq = entered_seq
        self.entered_at = entered_at
        self.objections = 0
        self.rounds: dict[str, int] = {}

    def copy(self) -> _Cursor:
        c = _Cursor(self.state, self.entered_seq, self.entered_at)
        c.objections = self.objections
        c.rounds = self.rounds  # copied on write
        return c


def _new_id() -> str:
    """16 hex digits, as ``uuid.uuid4().hex[:16]`` gives them (version digit ``4`` included),
    without building a UUID object."""
    h = os.urandom(8).hex()
    return h[:12] + "4" + h[13:]


def roster_fingerprint(roster: Roster) -> str:
    """``fingerprint(roster.to_data())``, computed once per roster object."""
    key = id(roster)
    hit = _FP_CACHE.get(key)
    if hit is not None and hit[0]() is roster:
        return hit[1]
    fp = fingerprint(roster.to_data())
    _FP_CACHE[key] = (weakref.ref(roster), fp)
    weakref.finalize(roster, _FP_CACHE.pop, key, None)
    return fp


Result = dict[str, Any]
Evaluator = Callable[["Case", _Cursor, Any, "list[Record]"], Result]


class Case:
    """A matter taken through a procedure. See ``docs/engine.md`` for the whole API.

    >>> from deliberation import load_procedure, Roster
    >>> c = Case.open(load_procedure("four-deliberations"), Roster.generate(), matter="x")
    >>> c.stage, c.closed
    ('proposal', False)
    """

    __slots__ = ("_clock", "_cur", "_id", "_plan", "_records", "_roster")

    def __init__(self, plan: Plan, roster: Roster, case_id: str, clock: Clock) -> None:
        self._plan = plan
        self._roster = roster
        self._id = case_id
        self._clock = clock
        self._records: list[Record] = []
        self._cur = _Cursor(plan.stage_ids[0], 0, _EPOCH)

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
    ) -> Case:
        """Open a case for ``matter``; the roster is the case's snapshot from now on.

        >>> from deliberation import load_procedure, Roster
        >>> c = Case.open("six-deliberations-guzhuang", Roster.generate(), matter="修村道")
        >>> c.records[0].kind, c.state
        ('opened', 'motion')
        """
        if isinstance(procedure, str):
            from deliberation.definition.loader import load_procedure

            procedure = load_procedure(procedure)
        plan = plan_for(procedure, normalise_settings(procedure, settings) if settings else {})
        case = cls(plan, roster, case_id or _new_id(), clock or _SYSTEM_CLOCK)
        data = MappingProxyType({
            "procedure": procedure.id,
            "version": procedure.version,
            "matter": _freeze(matter),
            "roster": roster_fingerprint(roster),
            "settings": plan.settings_frozen,
        })
        case._act("opened", actor, data)
        return case

    @classmethod
    def replay(
        cls,
        procedure: Procedure | str,
        roster: Roster,
        records: Sequence[Record],
        *,
        clock: Clock | None = None,
    ) -> Case:
        """Rebuild a case from its records, re-checking every one.

        Raises :class:`ReplayError` when a record's stored result differs from what the rules
        give now, when the roster or procedure is not the one the case was opened with, or when
        the records are not a gap-free sequence of one case.
        """
        if isinstance(procedure, str):
            from deliberation.definition.loader import load_procedure

            procedure = load_procedure(procedure)
        if not records or records[0].kind != "opened":
            raise ReplayError(T("记录须以 opened 开始", "記錄須以 opened 開始",
                                "records must start with an 'opened' record"))
        first = records[0]
        raw = first.data.get("settings") or {}
        try:
            settings = normalise_settings(procedure, {k: raw[k] for k in raw})
        except InvalidAction as err:
            raise ReplayError(err.message) from None
        plan = plan_for(procedure, settings)
        case = cls(plan, roster, first.case_id, clock or _SYSTEM_CLOCK)
        for n, rec in enumerate(records, start=1):
            if rec.seq != n or rec.case_id != case._id:
                raise ReplayError(T(f"第 {n} 条记录的序号或事项编号不符",
                                    f"第 {n} 條記錄的序號或事項編號不符",
                                    f"record {n}: seq {rec.seq} / case {rec.case_id!r} "
                                    "out of order"))
            case._replay_one(rec)
        return case

    def _replay_one(self, rec: Record) -> None:
        cur = self._cur.copy()
        before = cur.state if cur.state in self._plan.stages and self._records else None
        if self._records and before is not None and self._plan.stages[before].skip \
                and rec.kind != "stage-skipped":
            raise ReplayError(_mismatch(rec, "stage-skipped expected"))
        if (rec.stage or None) != before:
            raise ReplayError(_mismatch(rec, f"stage {rec.stage!r}, expected {before!r}"))
        evaluate = _EVALUATORS.get(rec.kind)
        if evaluate is None:
            raise ReplayError(_mismatch(rec, f"unknown kind {rec.kind!r}"))
        try:
            result = evaluate(self, cur, rec, [])
        except DeliberationError as err:
            raise ReplayError(_mismatch(rec, f"refused now: {err.message.en}")) from None
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise ReplayError(_mismatch(rec, f"malformed data: {err!r}")) from None
        if canonical_json(_plain(result)) != canonical_json(_plain(rec.result)):
            raise ReplayError(_mismatch(rec, f"stored result {_plain(rec.result)} != {result}"))
        self._records.append(rec)
        self._cur = cur

    # -- read-only view ---------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self._id

    @property
    def procedure(self) -> Procedure:
        return self._plan.procedure

    @property
    def plan(self) -> Plan:
        """The precompiled plan (procedure + settings) the case runs on."""
        return self._plan

    @property
    def roster(self) -> Roster:
        return self._roster

    @property
    def settings(self) -> dict[str, Any]:
        return dict(self._plan.settings)

    @property
    def clock(self) -> Clock:
        return self._clock

    @property
    def state(self) -> str:
        """The current stage id, or the outcome id once the case is closed."""
        return self._cur.state

    @property
    def matter(self) -> str:
        """The matter the case was opened for."""
        return str(self._records[0].data.get("matter") or "") if self._records else ""

    @property
    def closed(self) -> bool:
        return self._cur.state not in self._plan.stages

    @property
    def stage(self) -> str | None:
        return None if self.closed else self._cur.state

    @property
    def outcome(self) -> str | None:
        return self._cur.state if self.closed else None

    @property
    def suspended(self) -> bool:
        """Whether an objection is open (the case waits for the answer)."""
        return self._cur.objections > 0

    @property
    def records(self) -> tuple[Record, ...]:
        return tuple(self._records)

    @property
    def version(self) -> int:
        return len(self._records)

    @property
    def entered_at(self) -> datetime:
        """When the case entered its current stage (or closed)."""
        return self._cur.entered_at

    def rounds(self, stage_id: str | None = None) -> int:
        """Meetings held at ``stage_id`` (default: the current stage); at a task, the times it
        was declined or reported unresolved; at an evaluation, the times it was closed."""
        return self._cur.rounds.get(stage_id or self._cur.state, 0)

    @property
    def level(self) -> str | None:
        """The id of the escalation level the case is at (``None`` without a ladder).

        Derived from the records: each record whose result escalated the case raises it one
        level, so a replayed case is at the same level.
        """
        esc = self._plan.procedure.escalation
        if esc is None:
            return None
        return esc.level(_level_index(self, [])).id

    def __repr__(self) -> str:
        proc = self._plan.procedure.id
        return f"<Case {self._id} {proc} state={self._cur.state} v{self.version}>"

    # -- actions ------------------------------------------------------------------------------
    def submit_motion(self, text: str, submitters: Sequence[str], *,
                      signed: Sequence[str] | None = None, actor: str | None = None
                      ) -> tuple[Record, ...]:
        """A written motion (动议) with its submitters; ``signed`` defaults to all of them."""
        subs = _ids(submitters, "submitters")
        signers = subs if signed is None else _ids(signed, "signed")
        now = self._clock.now()
        sigs = tuple(Signature(s, "submitter", f"{self._id}/motion", now) for s in signers
                     if s in subs)
        return self._act("motion", actor, {"text": text, "submitters": subs, "signed": signers},
                         sigs, at=now)

    def give_notice(self, *, for_stage: str | None = None, actor: str | None = None
                    ) -> tuple[Record, ...]:
        """Announce the meeting of ``for_stage`` (starts its notice period)."""
        return self._act("notice", actor,
                         MappingProxyType({"for": self._meeting_stage(for_stage)}))

    def reconvene(self, *, actor: str | None = None) -> tuple[Record, ...]:
        """Call the current stage's meeting again after it lacked a quorum: a new notice (the
        notice period, if the body has one, runs again from now)."""
        return self._act("notice", actor, {"for": self._meeting_stage(None), "reconvene": True})

    def circulate_plan(self, *, for_stage: str | None = None, actor: str | None = None
                       ) -> tuple[Record, ...]:
        """Circulate the plan ahead of the meeting of ``for_stage``."""
        # the stage id is a str: the dict is ours and already frozen once wrapped
        return self._act("circulated", actor,
                         MappingProxyType({"for": self._meeting_stage(for_stage)}))

    def hold_meeting(
        self,
        present: Who,
        yes: Who = 0,
        no: Who = 0,
        abstain: Who = 0,
        *,
        households: int | None = None,
        excused: Who = 0,
        non_voting: int = 0,
        signed: Who | None = None,
        witnesses: Who = 0,
        interested_voting: int = 0,
        content: str = "",
        actor: str | None = None,
    ) -> tuple[Record, ...]:
        """A meeting of the current stage's body, with attendance and votes.

        Give people as villager ids or, for large bodies, as counts. In the consultation stage
        the consultation is closed first (refused unless coverage holds), then the vote is held.
        """
        # Only what was given is recorded (zero counts and empty text are the defaults).
        data: dict[str, Any] = {"present": _who(present, "present"), "yes": _who(yes, "yes")}
        if no != 0:
            data["no"] = _who(no, "no")
        if abstain != 0:
            data["abstain"] = _who(abstain, "abstain")
        if excused != 0:
            data["excused"] = _who(excused, "excused")
        if witnesses != 0:
            data["witnesses"] = _who(witnesses, "witnesses")
        if non_voting != 0:
            data["non_voting"] = _count(non_voting, "non_voting")
        if interested_voting != 0:
            data["interested_voting"] = _count(interested_voting, "interested_voting")
        if content:
            data["content"] = content
        if households is not None:
            data["households"] = _count(households, "households")
        if signed is not None:
            data["signed"] = _who(signed, "signed")
        now = self._clock.now()
        if type(present) is int and type(yes) is int and type(no) is int \
                and type(abstain) is int and type(excused) is int and type(witnesses) is int \
                and type(signed) in _INT_OR_NONE and type(content) is str:
            # counts only: every value is a scalar, and the dict is ours — already frozen
            return self._act("meeting", actor, MappingProxyType(data), (), at=now)
        sigs: list[Signature] = []
        if not isinstance(data["present"], int):
            doc = f"{self._id}/minutes"
            sset = data.get("signed", data["present"])
            if not isinstance(sset, int):
                sigs.extend(Signature(s, "participant", doc, now) for s in sset)
            wit = data.get("witnesses", 0)
            if not isinstance(wit, int):
                sigs.extend(Signature(s, "witness", doc, now) for s in wit)
        return self._act("meeting", actor, data, tuple(sigs), at=now)

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
    ) -> tuple[Record, ...]:
        """One villager's opinion in the consultation (民议), signed or not.

        ``method="proxy"`` records a signature by ``proxy`` on the villager's behalf; it counts
        only when the rule accepts proxies, and needs a written ``authorisation``.
        """
        now = self._clock.now()
        sigs: tuple[Signature, ...] = ()
        if signed:
            try:
                sig = Signature(
                    proxy if method == "proxy" and proxy else villager,
                    "consulted", f"{self._id}/consultation", now, method,
                    on_behalf_of=villager if method == "proxy" else None,
                    authorisation=authorisation,
                )
            except ValueError as err:
                raise InvalidAction(T(f"签名无效:{err}", f"簽名無效:{err}",
                                      f"invalid signature: {err}")) from None
            sigs = (sig,)
        return self._act("opinion", actor, {"villager": villager, "opinion": opinion}, sigs,
                         at=now)

    def record_opinions(self, signed: int, *, unsigned: int = 0, proxies: int = 0,
                        actor: str | None = None) -> tuple[Record, ...]:
        """Opinions given as counts (large bodies, simulation); not mixed with named ones."""
        data = {"count": _count(signed, "signed"), "unsigned": _count(unsigned, "unsigned"),
                "proxies": _count(proxies, "proxies")}
        return self._act("opinion", actor, data)

    def close_consultation(self, *, actor: str | None = None) -> tuple[Record, ...]:
        """Close the consultation: refused with ``consultation-coverage`` while short."""
        return self._act("consultation-closed", actor, {})

    def post_disclosure(self, channel: str, *, content: str = "", actor: str | None = None
                        ) -> tuple[Record, ...]:
        """Post the stage's disclosure on ``channel``; ``actor`` must belong to the stage's body."""
        data = {"channel": channel, "content": content}
        return self._act("disclosure-posted", actor,
                         MappingProxyType(data) if type(channel) is str and type(content) is str
                         else data)

    def conclude_disclosure(self, *, actor: str | None = None) -> tuple[Record, ...]:
        """End the disclosure period: refused (rule ``disclosure``) until it was long enough."""
        return self._act("disclosure-concluded", actor, {})

    def raise_objection(self, by: str, reason: str = "") -> tuple[Record, ...]:
        """The supervision committee objects: the case is suspended until answered."""
        return self._act("objection", by, {"reason": reason})

    def answer_objection(self, by: str, answer: str = "", *, redo: bool | str = False
                         ) -> tuple[Record, ...]:
        """Answer the open objection: resume (``redo=False``), follow the stage's ``objection``
        route (``True``), or send the case back to the named stage to be redone."""
        return self._act("answer", by, {"answer": answer, "redo": redo})

    def withdraw(self, by: str, reason: str = "") -> tuple[Record, ...]:
        """The submitters or proposers withdraw the matter."""
        return self._act("withdrawn", by, {"reason": reason})

    def check_deadlines(self) -> tuple[Record, ...]:
        """Apply the stage's ``deadline`` rules now: an expired one appends ``lapsed``."""
        if self.closed:
            return ()
        try:
            return self._act("lapsed", None, {})
        except _NothingDue:
            return ()

    def note(self, text: str, *, actor: str | None = None) -> tuple[Record, ...]:
        """A clerk's annotation; never changes the state."""
        return self._act("note", actor, {"text": text})

    def record_task(self, result: str = "done", *, handler: str | None = None, note: str = "",
                    actor: str | None = None) -> tuple[Record, ...]:
        """A task stage's handler reports: ``done`` (the stage passes, its rules checked),
        ``declined`` (route ``declined``: by default the same task again, for another handler)
        or ``unresolved`` (route ``unresolved``: by default one level up the escalation ladder).

        ``actor`` — who reports it — must belong to the stage's body; ``handler`` names who is
        assigned (e.g. the volunteer a station dispatches the order to).
        """
        return self._act("task", actor, {"result": result, "handler": handler, "note": note})

    def record_rating(self, villager: str, satisfied: bool = True, *, signed: bool = True,
                      comment: str = "", actor: str | None = None) -> tuple[Record, ...]:
        """One rater's rating in an evaluation stage; it counts only when ``signed`` by the rater
        (a later rating by the same rater replaces an earlier one)."""
        now = self._clock.now()
        sigs: tuple[Signature, ...] = ()
        if signed:
            sigs = (Signature(str(villager), "rater", f"{self._id}/evaluation", now),)
        return self._act("rating", actor, {"villager": villager, "satisfied": satisfied,
                                           "comment": comment}, sigs, at=now)

    def record_ratings(self, satisfied: int, *, unsatisfied: int = 0, unsigned: int = 0,
                       actor: str | None = None) -> tuple[Record, ...]:
        """Signed ratings given as counts (large bodies, simulation); not mixed with named
        ones. ``unsigned`` ratings are recorded but never count."""
        data = {"count": _count(satisfied, "satisfied"),
                "unsatisfied": _count(unsatisfied, "unsatisfied"),
                "unsigned": _count(unsigned, "unsigned")}
        return self._act("rating", actor, data)

    def close_evaluation(self, *, actor: str | None = None) -> tuple[Record, ...]:
        """Close the evaluation: refused below ``min_ratings`` signed ratings; otherwise the
        ``satisfaction`` rule decides (recorded) whether it passes or takes ``rejected``."""
        return self._act("evaluation-closed", actor, {})

    # -- explanations ---------------------------------------------------------------------------
    def blockers(self) -> tuple[Any, ...]:
        """What is missing to move on, rule by rule, with numbers (see :mod:`.explain`)."""
        from deliberation.engine.explain import blockers

        return blockers(self)

    def available_actions(self) -> tuple[Any, ...]:
        """Which actions may be taken now, and who may take them."""
        from deliberation.engine.explain import available_actions

        return available_actions(self)

    def explain(self, lang: str = DEFAULT_LANG) -> str:
        """Where the case stands, what blocks it and who may act, in ``lang``."""
        from deliberation.engine.explain import explain

        return explain(self, lang)

    # -- the engine -------------------------------------------------------------------------------
    def _act(self, kind: str, actor: str | None, data: Mapping[str, Any],
             signatures: tuple[Signature, ...] = (), at: datetime | None = None
             ) -> tuple[Record, ...]:
        """Evaluate one action; commit all its records or none.

        ``data``: a dict (frozen here), or a read-only mapping the caller built frozen.
        Evaluators work on the live cursor; records are appended only once every one of them
        has its result, and a refusal puts the cursor's five fields back as they were
        (cheaper than copying the cursor for every action), so nothing of it remains.
        """
        if type(data) is not MappingProxyType:
            data = _freeze(data)
        now = at or self._clock.now()
        cur = self._cur
        saved = (cur.state, cur.entered_seq, cur.entered_at, cur.objections, cur.rounds)
        plan = self._plan
        sp = plan.stages.get(cur.state)
        if sp is None or (kind == "meeting" and sp.kind is ActionKind.CONSULTATION):
            pending: list[Record] = []
            try:
                if sp is not None and kind == "meeting":
                    # The vote attempted in the consultation: close it first (refused if
                    # short).
                    self._step(cur, pending, "consultation-closed", now, actor, _EMPTY, ())
                self._step(cur, pending, kind, now, actor, data, signatures)
            except BaseException:
                cur.state, cur.entered_seq, cur.entered_at, cur.objections, cur.rounds = saved
                raise
            self._records.extend(pending)
            return tuple(pending)
        # The common case, one action in an open stage: _step, unrolled.
        records = self._records
        rec = _trusted_record(len(records) + 1, self._id, kind, now, actor,
                              None if kind == "opened" else cur.state, data, signatures, _EMPTY)
        try:
            # Evaluators build results frozen already (scalars, tuples of frozen entries).
            _set_result(rec, _sealed(_EVALUATORS[kind](self, cur, rec, [])))
            if cur.state in plan.skips:
                pending = [rec]
                self._skip_through(cur, pending, now)
                records.extend(pending)
                return tuple(pending)
        except BaseException:
            cur.state, cur.entered_seq, cur.entered_at, cur.objections, cur.rounds = saved
            raise
        records.append(rec)
        return (rec,)

    def _step(self, cur: _Cursor, pending: list[Record], kind: str, at: datetime,
              actor: str | None, data: Mapping[str, Any], signatures: tuple[Signature, ...]
              ) -> None:
        """Evaluate one record (``data`` already frozen) and append it to ``pending``.

        The record is built before its result exists and given it once the evaluator returns;
        nobody sees it before then (a refusal drops it with ``pending``).
        """
        seq = len(self._records) + len(pending) + 1
        stage = cur.state if kind != "opened" and cur.state in self._plan.stages else None
        rec = _trusted_record(seq, self._id, kind, at, actor, stage, data, signatures, _EMPTY)
        # Evaluators build results frozen already (scalars, and tuples of frozen check entries).
        _set_result(rec, _sealed(_EVALUATORS[kind](self, cur, rec, pending)))
        pending.append(rec)
        self._skip_through(cur, pending, at)

    def _skip_through(self, cur: _Cursor, pending: list[Record], at: datetime) -> None:
        """Pass through stages merged away by a setting, each with its own record."""
        skips = self._plan.skips
        seq = len(self._records) + len(pending)
        while cur.state in skips:
            seq += 1
            rec = _trusted_record(seq, self._id, "stage-skipped", at, None, cur.state, _EMPTY,
                                  (), _EMPTY)
            _set_result(rec, MappingProxyType(_ev_skipped(self, cur, rec, pending)))
            pending.append(rec)

    def _fire(self, cur: _Cursor, event: str, seq: int, at: datetime) -> None:
        self._plan.machine.events[event].trigger(cur)
        cur.entered_seq = seq
        cur.entered_at = at

    def _history(self, pending: list[Record]) -> Iterator[Record]:
        """Records newest first, the pending ones of this action included."""
        yield from reversed(pending)
        yield from reversed(self._records)

    def _meeting_stage(self, for_stage: str | None) -> str:
        plan = self._plan
        if self.closed:
            raise CaseClosed(_closed_msg(self._cur.state))
        here = plan.stages[self._cur.state]
        if for_stage is None:
            ahead = plan.next_meeting[here.id]
            if ahead is None:
                raise InvalidAction(T("后面没有会议", "後面沒有會議", "no meeting ahead"))
            return ahead
        sp2 = plan.stages.get(for_stage)
        if sp2 is None or sp2.kind is not ActionKind.MEETING or sp2.index < here.index:
            raise InvalidAction(T(f"{for_stage!r} 不是当前或后续的会议步骤",
                                  f"{for_stage!r} 不是當前或後續的會議步驟",
                                  f"{for_stage!r} is not a meeting stage at or after this one"))
        return for_stage

    # helpers used by the evaluators
    def _open_stage(self, cur: _Cursor, rec: Any, kinds: tuple[ActionKind, ...],
                    what: Text) -> StagePlan:
        if cur.state not in self._plan.stages:
            raise CaseClosed(_closed_msg(cur.state))
        if cur.objections:
            raise InvalidAction(T("事项因监督委员会异议暂停,须先答复",
                                  "事項因監督委員會異議暫停,須先答覆",
                                  "the case is suspended by an objection; answer it first"))
        sp = self._plan.stages[cur.state]
        if sp.kind not in kinds:
            raise InvalidAction(T(
                f"当前步骤为“{sp.stage.name.zh_hans}”,不能{what.zh_hans}",
                f"當前步驟為「{sp.stage.name.zh_hant}」,不能{what.zh_hant}",
                f"the case is at {sp.stage.name.en!r}; cannot {what.en} now",
            ))
        return sp

    def _villager(self, vid: str, selectors: tuple[str, ...], stage: str, body: Text) -> Any:
        if vid in self._plan.member_ids(self._roster, selectors):
            return self._roster.get(vid)
        try:
            v = self._roster.get(vid)
        except RosterError:
            raise NotEntitled(stage, vid, T(f"{vid} 不在名册上", f"{vid} 不在名冊上",
                                            f"{vid} is not on the roster")) from None
        if not self._roster.matches(v, selectors):
            raise NotEntitled(stage, vid, T(f"{vid} 不是{body.zh_hans}的成员",
                                            f"{vid} 不是{body.zh_hant}的成員",
                                            f"{vid} is not a member of the {body.en}"))
        return v


class _NothingDue(InvalidAction):
    """check_deadlines found nothing expired (internal: no record is made)."""


_EPOCH: Final = datetime(1970, 1, 1)


def _sealed(result: Result) -> Mapping[str, Any]:
    """An evaluator's result, read-only. Evaluators build results frozen (scalars, and tuples
    of frozen check entries), so wrapping suffices; a list or dict among the values (an
    evaluator that did not) is frozen the slow, safe way."""
    for v in result.values():
        if type(v) is list or type(v) is dict:
            return _freeze(result)  # type: ignore[no-any-return]
    return MappingProxyType(result)
_INT_OR_NONE: Final = (int, type(None))
_set_result: Final = Record.result.__set__  # type: ignore[attr-defined]
_EMPTY: Final[Mapping[str, Any]] = MappingProxyType({})


# -- evaluators: record (without result) + cursor -> result; raise to refuse ------------------


Rec = Any  # a Record (its result not yet set while an action is evaluated)

# What each action is, for 'cannot … now' messages (built once).
_ANY_KIND: Final = tuple(ActionKind)
_DO_MOTION: Final = T("提交动议", "提交動議", "submit a motion")
_DO_NOTICE: Final = T("通知", "通知", "give notice")
_DO_MEETING: Final = T("开会", "開會", "hold a meeting")
_DO_OPINION: Final = T("记录意见", "記錄意見", "record an opinion")
_DO_CLOSE: Final = T("结束征求意见", "結束徵求意見", "close the consultation")
_DO_POST: Final = T("公开", "公開", "post a disclosure")
_DO_CONCLUDE: Final = T("结束公开", "結束公開", "conclude the disclosure")
_DO_TASK: Final = T("报告任务办理情况", "報告任務辦理情況", "report on a task")
_DO_RATE: Final = T("记录评价", "記錄評價", "record a rating")
_DO_CLOSE_EVAL: Final = T("结束评价", "結束評價", "close the evaluation")
_TASK_ROUTES: Final = {"done": "pass", "declined": "declined", "unresolved": "unresolved"}


def _ev_opened(case: Case, cur: _Cursor, rec: Rec, pending: list[Record]) -> Result:
    proc = case._plan.procedure
    d = rec.data
    if d.get("procedure") != proc.id or d.get("version") != proc.version:
        raise ReplayError(T("事项的过程定义或版本不同", "事項的過程定義或版本不同",
                            f"case was opened under {d.get('procedure')} {d.get('version')}, "
                            f"not {proc.id} {proc.version}"))
    if d.get("roster") != roster_fingerprint(case._roster):
        raise ReplayError(T("名册与开启事项时的名册不同", "名冊與開啟事項時的名冊不同",
                            "the roster is not the one the case was opened with"))
    cur.state = case._plan.stage_ids[0]
    cur.entered_seq = rec.seq
    cur.entered_at = rec.at
    return {"state": cur.state}


def _ev_motion(case: Case, cur: _Cursor, rec: Rec, pending: list[Record]) -> Result:
    sp = case._open_stage(cur, rec, (ActionKind.MOTION,), _DO_MOTION)
    subs = list(rec.data.get("submitters") or ())
    signed = set(rec.data.get("signed") or ())
    if len(set(subs)) != len(subs):
        raise InvalidAction(T("提出人重复", "提出人重複", "a submitter is listed twice"))
    for s in subs:
        case._villager(s, sp.body.members, sp.id, sp.body.name)
    values = {"submitters": len(subs), "submitters_signed": len(signed & set(subs)),
              "text": str(rec.data.get("text") or "")}
    if sp.reads_date:
        values["held_on"] = rec.at.date()
    if sp.rule("proposal-support") is not None:
        values.update(_support(case, sp, subs, signed))
    checks = _preconditions(sp, quick_facts(values))
    return _move(case, cur, rec, sp, "pass", checks)


def _support(case: Case, sp: StagePlan, subs: list[str], signed: set[str]) -> dict[str, Any]:
    """Who signed a proposal, for ``proposal-support``: adults of the roster, representatives
    and villagers' committee members among the signed submitters."""
    roster = case._roster
    reps = case._plan.member_ids(roster, ("representative",))
    committee = case._plan.member_ids(roster, ("villagers-committee",))
    adults = case._plan.member_ids(roster, ("adult",))
    who = [s for s in subs if s in signed]
    return {"adults": len(adults), "representatives": len(reps),
            "submitters_signed": sum(1 for s in who if s in adults),
            "submitters_representatives": sum(1 for s in who if s in reps),
            "submitters_committee": sum(1 for s in who if s in committee)}


def _ev_notice(case: Case, cur: _Cursor, rec: Rec, pending: list[Record]) -> Result:
    sp = case._open_stage(cur, rec, _ANY_KIND, _DO_NOTICE)
    target = case._plan.stages.get(str(rec.data.get("for")))
    if target is None or target.kind is not ActionKind.MEETING or target.index < sp.index:
        raise InvalidAction(T("通知的会议步骤无效", "通知的會議步驟無效",
                              "the notice names no meeting stage at or after this one"))
    if rec.data.get("reconvene"):
        last = next((r for r in case._history(pending)
                     if r.kind == "meeting" and r.stage == target.id), None)
        if target.id != sp.id or last is None or last.result.get("route") != "no_quorum":
            raise InvalidAction(T("只有未达法定人数的会议才需另行召集",
                                  "只有未達法定人數的會議才需另行召集",
                                  "only a meeting that lacked a quorum is reconvened"))
    return {"route": None, "state": cur.state}


def _ev_meeting(case: Case, cur: _Cursor, rec: Rec, pending: list[Record]) -> Result:
    sp = case._open_stage(cur, rec, (ActionKind.MEETING,), _DO_MEETING)
    # A meeting given as counts is decided by its counts, the body's sizes and the notice and
    # circulation days alone: the same inputs give the same checks, so remember them.
    # a rule reading the date (lunar schedule) makes the verdict depend on it: not remembered
    key = _counted_key(case, sp, rec, pending) if not sp.reads_date else None
    verdict = sp.memo.get(key) if key is not None else None
    if verdict is None:
        facts = _meeting_facts(case, sp, rec, pending)
        if sp.reads_date:
            facts = attrs.evolve(facts, held_on=rec.at.date())
        checks = _preconditions(sp, facts)  # raises on a failed precondition: not remembered
        route = "pass"
        if sp.quorum is not None:
            ok, entry = sp.quorum.entry(facts)
            checks.append(entry)
            if not ok:
                route = "no_quorum"
        if route == "pass" and sp.approval is not None:
            ok, entry = sp.approval.entry(facts)
            checks.append(entry)
            if not ok:
                route = "rejected"
        verdict = (tuple(checks), route)
        if key is not None:
            if len(sp.memo) >= _MEMO_CAP:
                sp.memo.clear()
            sp.memo[key] = verdict
    checks_done, route = verdict
    held = cur.rounds.get(sp.id, 0) + 1
    cur.rounds = {**cur.rounds, sp.id: held}
    cap = sp.stage.max_rounds
    if route != "pass" and cap is not None and held >= cap:
        route = "max_rounds"
    result = _move(case, cur, rec, sp, route, checks_done)
    result["round"] = held
    return result


_MEMO_CAP: Final = 4096  # remembered meeting verdicts per stage plan (bounds the memory)


def _counted_key(case: Case, sp: StagePlan, rec: Rec, pending: list[Record]
                 ) -> tuple[Any, ...] | None:
    """Everything a meeting given as counts is decided by, or ``None`` if people are named."""
    d = rec.data
    get = d.get
    present = d["present"]
    yes, no, abstain = get("yes", 0), get("no", 0), get("abstain", 0)
    excused, witnesses, signed = get("excused", 0), get("witnesses", 0), get("signed")
    non_voting = get("non_voting", 0)
    households = get("households", 0)
    interested = get("interested_voting", 0)
    if not (type(present) is int and type(yes) is int and type(no) is int
            and type(abstain) is int and type(excused) is int and type(witnesses) is int
            and type(signed) in _INT_OR_NONE and type(non_voting) is int
            and type(households) is int and type(interested) is int):
        return None
    notice = circulated = None
    if sp.reads_notice:
        given = prior_notice(case, sp.id, "notice", pending)
        notice = days_between(given, rec.at, case.procedure.zone) if given is not None else None
    if sp.reads_circulation:
        circ = prior_notice(case, sp.id, "circulated", pending)
        circulated = (days_between(circ, rec.at, case.procedure.zone) if circ is not None
                      else None)
    return (case._plan.counts(case._roster, sp.body), present, yes, no, abstain, excused,
            witnesses, signed, non_voting, households, interested, notice, circulated)


def _ev_opinion(case: Case, cur: _Cursor, rec: Rec, pending: list[Record]) -> Result:
    sp = case._open_stage(cur, rec, (ActionKind.CONSULTATION,), _DO_OPINION)
    named = "villager" in rec.data
    for r in _since_entered(case, cur, pending, "opinion"):
        if ("villager" in r.data) != named:
            raise InvalidAction(T("不能混用具名意见与计数意见", "不能混用具名意見與計數意見",
                                  "named opinions and counted opinions cannot be mixed"))
        break
    if named:
        vid = str(rec.data["villager"])
        v = case._villager(vid, sp.body.members, sp.id, sp.body.name)
        if not v.adult:  # the population consulted is the body's adults (domain.md §3)
            raise NotEntitled(sp.id, vid, T(f"{vid} 未满十八周岁,不在征求范围内",
                                            f"{vid} 未滿十八周歲,不在徵求範圍內",
                                            f"{vid} is under 18 and not consulted"))
        for sig in rec.signatures:
            if sig.method == "proxy":
                if sig.on_behalf_of != vid:
                    raise InvalidAction(T("委托签名须代表本人", "委託簽名須代表本人",
                                          "the proxy signature must be on behalf of the villager"))
            elif sig.signer != vid:
                raise InvalidAction(T("签名人须为本人", "簽名人須為本人",
                                      "the signature must be the villager's own"))
    return {"route": None, "state": cur.state}


def _ev_consultation_closed(case: Case, cur: _Cursor, rec: Rec, pending: list[Record]
                            ) -> Result:
    sp = case._open_stage(cur, rec, (ActionKind.CONSULTATION,), _DO_CLOSE)
    facts = consultation_facts(case, sp, cur, pending)
    checks = _preconditions(sp, facts)
    return _move(case, cur, rec, sp, "pass", checks)


def _ev_disclosure_posted(case: Case, cur: _Cursor, rec: Rec, pending: list[Record]) -> Result:
    sp = case._open_stage(cur, rec, (ActionKind.DISCLOSURE,), _DO_POST)
    if rec.actor is None:
        raise InvalidAction(T("须写明由谁公开", "須寫明由誰公開", "say who posts the disclosure"))
    case._villager(rec.actor, sp.body.members, sp.id, sp.body.name)
    if not str(rec.data.get("channel") or "").strip():
        raise InvalidAction(T("须写明公开渠道", "須寫明公開渠道", "name the channel"))
    return {"route": None, "state": cur.state}


def _ev_disclosure_concluded(case: Case, cur: _Cursor, rec: Rec, pending: list[Record]
                             ) -> Result:
    sp = case._open_stage(cur, rec, (ActionKind.DISCLOSURE,), _DO_CONCLUDE)
    facts = disclosure_facts(case, cur, pending, rec.at)
    checks = _preconditions(sp, facts)
    return _move(case, cur, rec, sp, "pass", checks)


def _ev_objection(case: Case, cur: _Cursor, rec: Rec, pending: list[Record]) -> Result:
    if cur.state not in case._plan.stages:
        raise CaseClosed(_closed_msg(cur.state))
    sup = case._plan.procedure.supervision
    if sup is None:
        raise InvalidAction(T("此过程没有监督机构", "此過程沒有監督機構",
                              "this procedure has no supervision body"))
    body = case._plan.procedure.bodies[sup.body]
    case._villager(str(rec.actor), body.members, cur.state, body.name)
    cur.objections += 1
    return {"route": None, "state": cur.state, "open_objections": cur.objections}


def _ev_answer(case: Case, cur: _Cursor, rec: Rec, pending: list[Record]) -> Result:
    if cur.state not in case._plan.stages:
        raise CaseClosed(_closed_msg(cur.state))
    if not cur.objections:
        raise InvalidAction(T("没有待答复的异议", "沒有待答覆的異議", "there is no open objection"))
    case._villager(str(rec.actor), _COMMITTEES, cur.state,
                   T("村两委", "村兩委", "two village committees"))
    sp = case._plan.stages[cur.state]
    redo = rec.data.get("redo", False)
    cur.objections -= 1
    if redo is False or redo is None:
        return {"route": None, "state": cur.state, "open_objections": cur.objections}
    if redo is True:
        event = "objection"
    else:
        back = case._plan.stages.get(str(redo))
        if back is None or back.index > sp.index:
            raise InvalidAction(T(f"不能退回到 {redo!r}", f"不能退回到 {redo!r}",
                                  f"cannot send the case back to {redo!r}: "
                                  "not this or an earlier stage"))
        event = REDO_PREFIX + back.id
    case._fire(cur, event, rec.seq, rec.at)
    return {"route": event, "state": cur.state, "open_objections": cur.objections}


def _ev_withdrawn(case: Case, cur: _Cursor, rec: Rec, pending: list[Record]) -> Result:
    if cur.state not in case._plan.stages:
        raise CaseClosed(_closed_msg(cur.state))
    proc = case._plan.procedure
    allowed = case._plan.machine.events[WITHDRAW].transitions.get(cur.state) \
        if WITHDRAW in case._plan.machine.events else None
    if proc.withdrawal is None or not allowed:
        raise InvalidAction(T("此时不能撤回", "此時不能撤回",
                              "the matter can no longer be withdrawn"))
    by = str(rec.actor)
    submitters = {s for r in case._history(pending) if r.kind == "motion"
                  for s in r.data.get("submitters") or ()}
    if by not in submitters:
        proposers = next((sp.body for sp in case._plan.stages.values()
                          if sp.kind is ActionKind.MEETING), None)
        sel = proposers.members if proposers is not None else ()
        case._villager(by, sel, cur.state, T("提出人或提议机构", "提出人或提議機構",
                                             "submitters or the proposing body"))
    case._fire(cur, WITHDRAW, rec.seq, rec.at)
    return {"route": WITHDRAW, "state": cur.state}


def _ev_lapsed(case: Case, cur: _Cursor, rec: Rec, pending: list[Record]) -> Result:
    if cur.state not in case._plan.stages:
        raise CaseClosed(_closed_msg(cur.state))
    sp = case._plan.stages[cur.state]
    checks = deadline_checks(case, cur, sp, rec.at)
    if all(c["ok"] for c in checks):
        raise _NothingDue(T("没有到期的期限", "沒有到期的期限", "no deadline has passed"))
    return _move(case, cur, rec, sp, "deadline", checks)


def _ev_skipped(case: Case, cur: _Cursor, rec: Rec, pending: list[Record]) -> Result:
    sp = case._plan.stages.get(cur.state)
    if sp is None or not sp.skip:
        raise InvalidAction(T("此步骤不应跳过", "此步驟不應跳過", "this stage is not skipped"))
    case._fire(cur, SKIP, rec.seq, rec.at)
    return {"route": SKIP, "state": cur.state, "setting": sp.stage.skip_when}


def _ev_note(case: Case, cur: _Cursor, rec: Rec, pending: list[Record]) -> Result:
    return {"route": None, "state": cur.state}


def _ev_task(case: Case, cur: _Cursor, rec: Rec, pending: list[Record]) -> Result:
    sp = case._open_stage(cur, rec, (ActionKind.TASK,), _DO_TASK)
    d = rec.data
    route = _TASK_ROUTES.get(d.get("result"))
    if route is None:
        raise InvalidAction(T("任务结果须为 done、declined 或 unresolved",
                              "任務結果須為 done、declined 或 unresolved",
                              f"a task's result is done, declined or unresolved, "
                              f"not {d.get('result')!r}"))
    if rec.actor is None:
        raise InvalidAction(T("须写明由谁报告", "須寫明由誰報告", "say who reports on the task"))
    case._villager(str(rec.actor), sp.body.members, sp.id, sp.body.name)
    handler = d.get("handler")
    if handler is not None:
        if type(handler) is not str:
            raise InvalidAction(T("承办人须为村民编号", "承辦人須為村民編號",
                                  "the handler must be a villager id"))
        try:
            case._roster.get(handler)
        except RosterError:
            raise NotEntitled(sp.id, handler, T(f"{handler} 不在名册上", f"{handler} 不在名冊上",
                                                f"{handler} is not on the roster")) from None
    if route == "pass":
        values: dict[str, Any] = {"held_on": rec.at.date()} if sp.reads_date else {}
        checks = _preconditions(sp, quick_facts(values))
        return _move(case, cur, rec, sp, route, checks)
    held = cur.rounds.get(sp.id, 0) + 1
    cur.rounds = {**cur.rounds, sp.id: held}
    cap = sp.stage.max_rounds
    if cap is not None and held >= cap:
        route = "max_rounds"
    result = _move(case, cur, rec, sp, route, ())
    result["round"] = held
    return result


def _ev_rating(case: Case, cur: _Cursor, rec: Rec, pending: list[Record]) -> Result:
    sp = case._open_stage(cur, rec, (ActionKind.EVALUATION,), _DO_RATE)
    named = "villager" in rec.data
    for r in _since_entered(case, cur, pending, "rating"):
        if ("villager" in r.data) != named:
            raise InvalidAction(T("不能混用具名评价与计数评价", "不能混用具名評價與計數評價",
                                  "named ratings and counted ratings cannot be mixed"))
        break
    if named:
        vid = str(rec.data["villager"])
        case._villager(vid, sp.body.members, sp.id, sp.body.name)
        if type(rec.data.get("satisfied")) is not bool:
            raise InvalidAction(T("满意与否须为 true 或 false", "滿意與否須為 true 或 false",
                                  "satisfied must be true or false"))
        for sig in rec.signatures:
            if sig.signer != vid:
                raise InvalidAction(T("签名人须为评价人本人", "簽名人須為評價人本人",
                                      "the signature must be the rater's own"))
    return {"route": None, "state": cur.state}


def _ev_evaluation_closed(case: Case, cur: _Cursor, rec: Rec, pending: list[Record]
                          ) -> Result:
    sp = case._open_stage(cur, rec, (ActionKind.EVALUATION,), _DO_CLOSE_EVAL)
    facts = evaluation_facts(case, sp, cur, pending)
    checks = _preconditions(sp, facts)
    route = "pass"
    rule = sp.approval  # the satisfaction rule
    if rule is not None:
        minimum = int(rule.params.get("min_ratings", 1))
        if facts.ratings < minimum:  # too few signed ratings to decide anything: refused
            c = rule.run(facts)
            raise RuleViolation(rule.id, sp.id, T(
                f"已签字评价 {facts.ratings} 份,至少须 {minimum} 份",
                f"已簽字評價 {facts.ratings} 份,至少須 {minimum} 份",
                f"{facts.ratings} signed rating(s), at least {minimum} needed"),
                c.numbers, rule.basis)
        ok, entry = rule.entry(facts)
        checks.append(entry)
        if not ok:
            route = "rejected"
    held = cur.rounds.get(sp.id, 0) + 1
    cur.rounds = {**cur.rounds, sp.id: held}
    cap = sp.stage.max_rounds
    if route != "pass" and cap is not None and held >= cap:
        route = "max_rounds"
    result = _move(case, cur, rec, sp, route, checks)
    result["round"] = held
    return result


_EVALUATORS: Final[dict[str, Evaluator]] = {
    "opened": _ev_opened,
    "motion": _ev_motion,
    "notice": _ev_notice,
    "circulated": _ev_notice,
    "meeting": _ev_meeting,
    "opinion": _ev_opinion,
    "consultation-closed": _ev_consultation_closed,
    "disclosure-posted": _ev_disclosure_posted,
    "disclosure-concluded": _ev_disclosure_concluded,
    "objection": _ev_objection,
    "answer": _ev_answer,
    "withdrawn": _ev_withdrawn,
    "lapsed": _ev_lapsed,
    "stage-skipped": _ev_skipped,
    "note": _ev_note,
    "task": _ev_task,
    "rating": _ev_rating,
    "evaluation-closed": _ev_evaluation_closed,
}


# -- facts ------------------------------------------------------------------------------------


def _meeting_facts(case: Case, sp: StagePlan, rec: Rec, pending: list[Record]) -> Facts:
    d = rec.data
    get = d.get
    present = d["present"]
    yes, no, abstain = get("yes", 0), get("no", 0), get("abstain", 0)
    excused, witnesses, signed = get("excused", 0), get("witnesses", 0), get("signed")
    if type(present) is int and type(yes) is int and type(no) is int \
            and type(abstain) is int and type(excused) is int and type(witnesses) is int \
            and type(signed) in _INT_OR_NONE:
        return _counted_meeting_facts(case, sp, rec, pending, present, yes, no, abstain,
                                      excused, witnesses, signed)
    return _named_meeting_facts(case, sp, rec, pending)


def _counted_meeting_facts(case: Case, sp: StagePlan, rec: Rec, pending: list[Record],
                           present: int, yes: int, no: int, abstain: int, excused: int,
                           witnesses: int, signed: int | None) -> Facts:
    """:func:`_named_meeting_facts` for a meeting given as counts only: the same checks in
    the same order, without the branches for named people."""
    d = rec.data
    bc = case._plan.counts(case._roster, sp.body)
    if present > bc.voters:
        raise InvalidAction(_too_many("present", present, bc.voters))
    present_members = present + int(d.get("non_voting", 0))
    if present_members > bc.members:
        raise InvalidAction(_too_many("present + non_voting", present_members, bc.members))
    present_households = int(d.get("households", 0))
    if present_households > bc.households:
        raise InvalidAction(_too_many("households", present_households, bc.households))
    cast = yes + no + abstain
    if cast > present:
        raise InvalidAction(_too_many("votes cast", cast, present))
    if excused > bc.voters:
        raise InvalidAction(_too_many("excused", excused, bc.voters))
    n_signed = present_members if signed is None else signed
    if n_signed > present_members:
        raise InvalidAction(_too_many("signed", n_signed, present_members))
    at = rec.at
    notice = circulated = None
    if sp.reads_notice:
        given = prior_notice(case, sp.id, "notice", pending)
        notice = days_between(given, at, case.procedure.zone) if given is not None else None
    if sp.reads_circulation:
        circ = prior_notice(case, sp.id, "circulated", pending)
        circulated = days_between(circ, at, case.procedure.zone) if circ is not None else None
    return quick_facts({
        "members": bc.members, "voters": bc.voters, "expected": bc.voters - excused,
        "households": bc.households, "adults": bc.adults, "present": present,
        "present_members": present_members, "present_households": present_households,
        "present_adults": present_members, "yes": yes, "no": no, "abstain": abstain,
        "participants": present_members, "participants_signed": n_signed,
        "witnesses_signed": witnesses, "interested_voting": int(d.get("interested_voting", 0)),
        "notice_days": notice, "circulated_days": circulated,
    })


def _named_meeting_facts(case: Case, sp: StagePlan, rec: Rec, pending: list[Record]) -> Facts:
    """The facts of a meeting: attendance and votes counted, input checked."""
    d = rec.data
    body = sp.body
    roster = case._roster
    bc = case._plan.counts(roster, body)
    voters_sel = body.voters or body.members
    stage = sp.id
    present = d["present"]
    if isinstance(present, int):
        n_present = present
        if n_present > bc.voters:
            raise InvalidAction(_too_many("present", n_present, bc.voters))
        present_members = n_present + int(d.get("non_voting", 0))
        if present_members > bc.members:
            raise InvalidAction(_too_many("present + non_voting", present_members, bc.members))
        present_households = int(d.get("households", 0))
        if present_households > bc.households:
            raise InvalidAction(_too_many("households", present_households, bc.households))
        present_adults = present_members
        present_set: set[str] | None = None
        voter_set: set[str] | None = None
    else:
        ids = list(present)
        present_set = set(ids)
        if len(present_set) != len(ids):
            raise InvalidAction(T("出席名单有重复", "出席名單有重複",
                                  "someone is listed twice as present"))
        people = [case._villager(v, body.members, stage, body.name) for v in ids]
        voter_set = {v.id for v in people if roster.matches(v, voters_sel)}
        n_present = len(voter_set)
        present_members = len(ids)
        present_households = len({v.household for v in people})
        present_adults = sum(1 for v in people if v.adult)
    votes: dict[str, int] = {}
    seen: set[str] = set()
    for key in ("yes", "no", "abstain"):
        val = d.get(key, 0)
        if isinstance(val, int):
            votes[key] = val
            continue
        for vid in val:
            if vid in seen:
                raise InvalidAction(T(f"{vid} 投了两次票", f"{vid} 投了兩次票",
                                      f"{vid} voted twice"))
            seen.add(vid)
            v = case._villager(vid, body.members, stage, body.name)
            if not roster.matches(v, voters_sel):
                raise NotEntitled(stage, vid, T(f"{vid} 无表决权(如预备党员)",
                                                f"{vid} 無表決權(如預備黨員)",
                                                f"{vid} has no vote here "
                                                "(e.g. a probationary member)"))
            if present_set is not None and vid not in present_set:
                raise InvalidAction(T(f"{vid} 未出席却投票", f"{vid} 未出席卻投票",
                                      f"{vid} voted without being present"))
        votes[key] = len(val)
    cast = votes["yes"] + votes["no"] + votes["abstain"]
    if cast > n_present:
        raise InvalidAction(_too_many("votes cast", cast, n_present))
    excused = d.get("excused", 0)
    n_excused = excused if isinstance(excused, int) else len(set(excused))
    if not isinstance(excused, int):
        for vid in excused:
            v = case._villager(vid, voters_sel, stage, body.name)
            if present_set is not None and v.id in present_set:
                raise InvalidAction(T(f"{vid} 既请假又出席", f"{vid} 既請假又出席",
                                      f"{vid} is both excused and present"))
    if n_excused > bc.voters:
        raise InvalidAction(_too_many("excused", n_excused, bc.voters))
    signed = d.get("signed")
    if signed is None:
        n_signed = present_members
    elif isinstance(signed, int):
        n_signed = signed
    else:
        n_signed = len(set(signed) & present_set) if present_set is not None else len(set(signed))
    if n_signed > present_members:
        raise InvalidAction(_too_many("signed", n_signed, present_members))
    witnesses = d.get("witnesses", 0)
    if isinstance(witnesses, int):
        n_witnesses = witnesses
    else:
        for vid in witnesses:
            case._villager(vid, ("township-official",), stage,
                           T("乡镇列席人员", "鄉鎮列席人員", "township officials"))
        n_witnesses = len(set(witnesses))
    # A reconvened meeting needs a new notice; the plan circulated for a meeting that lacked a
    # quorum still stands (it was not revised), but not once a meeting decided on it.
    # Scan the history only for the periods this stage's rules read.
    given = prior_notice(case, stage, "notice", pending) if sp.reads_notice else None
    circ = prior_notice(case, stage, "circulated", pending) if sp.reads_circulation else None
    notice = days_between(given, rec.at, case.procedure.zone) if given is not None else None
    circulated = days_between(circ, rec.at, case.procedure.zone) if circ is not None else None
    return quick_facts({
        "members": bc.members, "voters": bc.voters, "expected": bc.voters - n_excused,
        "households": bc.households, "adults": bc.adults, "present": n_present,
        "present_members": present_members, "present_households": present_households,
        "present_adults": present_adults, "yes": votes["yes"], "no": votes["no"],
        "abstain": votes["abstain"], "participants": present_members,
        "participants_signed": n_signed, "witnesses_signed": n_witnesses,
        "interested_voting": int(d.get("interested_voting", 0)),
        "notice_days": notice, "circulated_days": circulated,
    })


def prior_notice(case: Case, stage: str, kind: str, pending: list[Record] | None = None
                 ) -> datetime | None:
    """When the ``notice`` (or ``circulated``) that stands for the next meeting of ``stage`` was
    given, or ``None``.

    A reconvened meeting needs a new notice; a plan circulated for a meeting that lacked a
    quorum still stands (it was not revised), but not once a meeting decided on it.
    """
    for r in chain(reversed(pending), reversed(case._records)) if pending \
            else reversed(case._records):
        if r.kind == "meeting" and r.stage == stage:
            if kind == "notice" or r.result.get("route") != "no_quorum":
                return None
        elif r.kind == kind and r.data.get("for") == stage:
            return r.at
    return None


def _since_entered(case: Case, cur: _Cursor, pending: list[Record], kind: str
                   ) -> list[Record]:
    """The ``kind`` records since the case last entered its stage, newest first.

    Records are gap-free from seq 1, so those after ``entered_seq`` are a slice.
    """
    out = [r for r in reversed(pending) if r.kind == kind]
    out.extend(r for r in reversed(case._records[cur.entered_seq:]) if r.kind == kind)
    return out


def consultation_facts(case: Case, sp: StagePlan, cur: _Cursor, pending: list[Record]) -> Facts:
    """Coverage of the consultation so far: signed opinions by unit (villager or household)."""
    rule = sp.rule("consultation-coverage")
    params = rule.params if rule is not None else {"unit": "villager", "proxies": False,
                                                   "signed_only": True}
    by_household = params.get("unit") == "household"
    proxies_ok = bool(params.get("proxies"))
    signed_only = bool(params.get("signed_only", True))
    bc = case._plan.counts(case._roster, sp.body)
    population = bc.households if by_household else bc.adults
    counted: set[str] = set()
    by_proxy: set[str] = set()
    own: set[str] = set()
    unsigned: set[str] = set()
    n_signed = n_unsigned = n_proxy = 0
    named = False
    for r in _since_entered(case, cur, pending, "opinion"):
        if "villager" not in r.data:
            n_signed += int(r.data.get("count", 0))
            n_unsigned += int(r.data.get("unsigned", 0))
            n_proxy += int(r.data.get("proxies", 0))
            continue
        named = True
        vid = str(r.data["villager"])
        unit = case._roster.get(vid).household if by_household else vid
        sig = r.signatures[0] if r.signatures else None
        if sig is not None and sig.method != "proxy":
            counted.add(unit)
            own.add(unit)
        elif sig is not None and proxies_ok:
            counted.add(unit)
            by_proxy.add(unit)
        elif sig is None and not signed_only:
            counted.add(unit)
        else:
            unsigned.add(unit)
    if named:
        unsigned -= counted
        # counted through a proxy only: no own signature on any of the unit's opinions
        by_proxy -= own
        consulted = len(counted)
        return quick_facts({"population": population, "consulted": consulted,
                            "consulted_signed": consulted - len(by_proxy),
                            "consulted_unsigned": len(unsigned),
                            "consulted_by_proxy": len(by_proxy)})
    consulted = n_signed + (n_proxy if proxies_ok else 0) + (0 if signed_only else n_unsigned)
    consulted = min(consulted, population)
    return quick_facts({"population": population, "consulted": consulted,
                        "consulted_signed": n_signed,
                        "consulted_unsigned": n_unsigned if signed_only else 0,
                        "consulted_by_proxy": n_proxy if proxies_ok else 0})


def disclosure_facts(case: Case, cur: _Cursor, pending: list[Record], at: datetime) -> Facts:
    """Channels and days posted in the current disclosure stage, as of ``at``."""
    channels: list[str] = []
    first: datetime | None = None
    # newest first: the pending records of this action, then those since the stage began
    for recs in (pending, case._records[cur.entered_seq:]):
        for r in reversed(recs):
            if r.kind == "disclosure-posted":
                ch = str(r.data.get("channel"))
                if ch not in channels:
                    channels.insert(0, ch)
                first = r.at
    days = days_between(first, at, case.procedure.zone) if first is not None else 0
    return quick_facts({"channels": tuple(channels), "days_posted": days,
                        "days_since_posting": days, "open_objections": cur.objections})


def deadline_checks(case: Case, cur: _Cursor, sp: StagePlan, at: datetime) -> list[Entry]:
    """The stage's deadline rules checked at ``at`` (``count: working``: China's working days,
    holidays and make-up working days from :mod:`deliberation.rules.calendars`)."""
    out = []
    for rule in sp.deadlines:
        ref = case._records[0].at if rule.params.get("from") == "case-opened" else cur.entered_at
        if rule.params.get("count") == "working":
            zone = case.procedure.zone
            elapsed = DayCount.WORKING.between(local_date(ref, zone), local_date(at, zone))
        else:
            elapsed = days_between(ref, at, case.procedure.zone)
        out.append(_summary(rule, rule.run(Facts(days_elapsed=elapsed))))
    return out


def evaluation_facts(case: Case, sp: StagePlan, cur: _Cursor, pending: list[Record]) -> Facts:
    """Ratings so far in the evaluation stage: only signed ones count; a rater's latest rating
    replaces earlier ones."""
    bc = case._plan.counts(case._roster, sp.body)
    latest: dict[str, tuple[bool, bool]] = {}
    n_sat = n_unsat = n_unsigned = 0
    named = False
    for r in _since_entered(case, cur, pending, "rating"):  # newest first
        d = r.data
        if "villager" in d:
            named = True
            latest.setdefault(str(d["villager"]), (bool(d.get("satisfied")), bool(r.signatures)))
        else:
            n_sat += int(d.get("count", 0))
            n_unsat += int(d.get("unsatisfied", 0))
            n_unsigned += int(d.get("unsigned", 0))
    if named:
        signed = [sat for sat, sig in latest.values() if sig]
        ratings, satisfied = len(signed), sum(signed)
        unsigned = len(latest) - len(signed)
    else:
        ratings = min(n_sat + n_unsat, bc.members)
        satisfied, unsigned = min(n_sat, ratings), n_unsigned
    return quick_facts({"raters": bc.members, "ratings": ratings, "satisfied": satisfied,
                        "ratings_unsigned": unsigned})


def _level_index(case: Case, pending: list[Record]) -> int:
    """How many levels the case has been raised: one per record whose result escalated it."""
    n = 0
    for r in chain(case._records, pending):
        moved = r.result.get("escalated") if r.result else None
        if moved is not None and moved.get("to") is not None:
            n += 1
    return n


# -- rule results --------------------------------------------------------------------------------


def _summary(rule: CompiledRule, check: RuleCheck) -> Entry:
    return MappingProxyType({"rule": rule.id, "ok": check.ok,
                             "numbers": _freeze(dict(check.numbers))})


def _preconditions(sp: StagePlan, facts: Facts) -> list[Entry]:
    """Run the stage's preconditions; raise one RuleViolation carrying every failure."""
    checks: list[Entry] = []
    failed: list[RuleViolation] = []
    for rule in sp.preconditions:
        ok, entry = rule.entry(facts)
        checks.append(entry)
        if not ok:
            c = rule.run(facts)  # the registered check, for its message
            failed.append(RuleViolation(rule.id, sp.id, c.message, c.numbers, rule.basis))
    if failed:
        first = failed[0]
        raise RuleViolation(first.rule, sp.id, first.message if len(failed) == 1 else Text(
            ";".join(f.message.zh_hans for f in failed),
            ";".join(f.message.zh_hant for f in failed),
            "; ".join(f.message.en for f in failed),
        ), first.numbers, first.basis, failed)
    return checks


def _move(case: Case, cur: _Cursor, rec: Any, sp: StagePlan, route: str,
          checks: Sequence[Entry]) -> Result:
    if route in sp.escalates:
        return _escalate(case, cur, rec, route, checks)
    case._plan.machine.events[route].trigger(cur)  # Case._fire, inlined: the hot path
    cur.entered_seq = rec.seq
    cur.entered_at = rec.at
    return {"route": route, "state": cur.state, "checks": tuple(checks)}


def _escalate(case: Case, cur: _Cursor, rec: Any, route: str, checks: Sequence[Entry]
              ) -> Result:
    """Follow a route that leads to ``escalate``: one level up (to ``escalation.to``), or from
    the top level to ``escalation.top``. The result says from which level to which."""
    esc = case._plan.procedure.escalation
    assert esc is not None  # escalates is empty without a ladder
    index = min(_level_index(case, []), len(esc.levels) - 1)
    if index + 1 < len(esc.levels):
        event, to = ESCALATE_EVENT, esc.levels[index + 1].id
    else:
        event, to = ESCALATE_TOP, None
    case._plan.machine.events[event].trigger(cur)
    cur.entered_seq = rec.seq
    cur.entered_at = rec.at
    return {"route": route, "state": cur.state, "checks": tuple(checks),
            "escalated": MappingProxyType({"from": esc.levels[index].id, "to": to})}


# -- small helpers ----------------------------------------------------------------------------


def _ids(values: Sequence[str], what: str) -> list[str]:
    if isinstance(values, str) or not all(isinstance(v, str) for v in values):
        raise InvalidAction(T(f"{what} 须为村民编号列表", f"{what} 須為村民編號列表",
                              f"{what} must be a list of villager ids"))
    return list(values)


def _who(value: Who, what: str) -> int | list[str]:
    if type(value) is int and value >= 0:  # the common case first (bool is not int here)
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return _count(value, what)
    if isinstance(value, bool):
        raise InvalidAction(T(f"{what} 须为人数或名单", f"{what} 須為人數或名單",
                              f"{what} must be a count or a list of villager ids"))
    return _ids(value, what)


def _count(value: int, what: str) -> int:
    if type(value) is int and value >= 0:
        return value
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidAction(T(f"{what} 须为非负整数", f"{what} 須為非負整數",
                              f"{what} must be a whole number ≥ 0, not {value!r}"))
    return value


def _too_many(what: str, n: int, limit: int) -> Text:
    return T(f"{what} 为 {n},超过上限 {limit}", f"{what} 為 {n},超過上限 {limit}",
             f"{what} is {n}, more than the {limit} possible")


def _closed_msg(state: str) -> Text:
    return T(f"事项已结束({state})", f"事項已結束({state})", f"the case is closed ({state})")


def _mismatch(rec: Record, why: str) -> Text:
    return T(f"第 {rec.seq} 条记录({rec.kind})重放不符:{why}",
             f"第 {rec.seq} 條記錄({rec.kind})重放不符:{why}",
             f"record {rec.seq} ({rec.kind}) does not replay: {why}")


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
