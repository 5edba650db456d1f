"""Opening and acting on stored cases for the service: the engine's checks, the store's
optimistic version, the village a case belongs to, and the event feed — no HTTP here.

An action is a scenario step (:func:`deliberation.engine.scenario.parse_action`), applied by
the same code as ``deliberation run`` (:func:`~deliberation.engine.scenario.apply_step`), so a
refusal carries exactly the payload of ``run --json``. Its time is the step's ``at``, or
``after`` days after the case's last record, or now; it may not precede the last record nor
lie in the future (beyond a small clock skew).

>>> from deliberation.service.db import open_service_store
>>> from deliberation.roster import Roster
>>> from datetime import datetime, timezone
>>> store = open_service_store("sqlite:///:memory:")
>>> t0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
>>> case = open_case(store, "guzhuang", "four-deliberations", Roster.generate(), case_id="c1",
...                  at=t0)
>>> out = act(store, "c1", parse_action('{"do": "note", "text": "hi", "at": "2026-03-03"}',
...           case.procedure), expected_version=1)
>>> out.result.accepted, out.case.version
(True, 2)
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import attrs

from deliberation.definition.loader import default_library
from deliberation.definition.model import Procedure
from deliberation.engine.case import Case, ReplayError
from deliberation.engine.clock import Clock, ManualClock
from deliberation.engine.scenario import Step, StepResult, apply_step, parse_action
from deliberation.errors import ConcurrencyConflict
from deliberation.i18n import _
from deliberation.roster import Roster
from deliberation.rules.law import DEFAULT_KIND
from deliberation.service.feed import sync_case
from deliberation.service.problems import ServiceProblem
from deliberation.service.procedures import bound_hash, latest, procedure_for
from deliberation.store import CaseExists, CaseInfo, Store, StoredRecord, chain_hash
from deliberation.store.cases import load_case, save_case
from deliberation.store.evidence import Evidence

__all__ = ["CASES", "ROSTERS", "ActOutcome", "Fetched", "act", "action_id_for", "case_village",
           "catch_up_query", "checkout", "checkout_at", "fetched", "keep", "load", "open_case",
           "parse_action", "procedure_of", "stored_after"]


class RosterCache:
    """Rosters by fingerprint, shared by a process's threads. A roster is content-addressed and
    never changes, so an entry cannot go stale; parsing one (hundreds of villagers) and
    fingerprinting it would otherwise be most of the cost of every request on a case."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[str, Roster] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store: Store, case_id: str, fp: str) -> Roster:
        with self._lock:
            roster = self._items.get(fp)
            if roster is not None:
                self._items.move_to_end(fp)
                return roster
        roster = store.roster(case_id)
        with self._lock:
            self._items[fp] = roster
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return roster


ROSTERS: Final = RosterCache()


def load(store: Store, case_id: str, clock: Clock | None = None,
         info: CaseInfo | None = None) -> Case:
    """The stored case, replayed (its roster from :data:`ROSTERS`; replay checks it against
    the fingerprint in the opened record). ``info``: its header, if just read."""
    info = info or store.info(case_id)
    roster = ROSTERS.get(store, case_id, info.roster_fingerprint)
    if bound_hash(info.procedure_version) is None:
        return load_case(store, case_id, clock=clock, roster=roster)
    # An uploaded procedure: exactly the text whose hash the chained header binds.
    procedure = procedure_for(store, info.procedure_id, info.procedure_version)
    _header, records = store.load_raw(case_id)
    return Case.replay(procedure, roster, records, clock=clock)


def procedure_of(store: Store, info: CaseInfo) -> Procedure:
    """The procedure a stored case runs under: the uploaded text its header binds by hash, or
    the built-in with its id (for parsing actions; replay checks the version)."""
    if bound_hash(info.procedure_version) is None:
        return default_library().load(info.procedure_id)
    return procedure_for(store, info.procedure_id, info.procedure_version)


class CaseCache:
    """Replayed cases between requests, one per case id, each with the version and chain head
    it is the replay of, so a request need not replay the whole chain again.

    This is a cache no second code path keeps in step: an entry is only ever a case that
    :meth:`Case.replay` / :meth:`Case.replay_more` built from stored rows, and it is checked on
    every use against the header just read from the database (:func:`checkout`): at the same
    version *and* head it is used as it is; behind, it replays the rows after its version,
    which must chain from its head to the database's head (hashes recomputed), else the whole
    chain is replayed. Acting on it can never act on a stale case either: the append is
    conditional on the version and head the case was checked against, in the same
    transaction. An entry has one user at a time: :meth:`take` hands it out and marks the case
    in use; a second request on the case in the same worker waits (up to ``wait_s`` seconds)
    until the first gives it back (:meth:`give`, only a case known to be at a given head) or
    lets it go (:meth:`release`) — rather than replaying the whole chain beside it. With
    several worker processes, each keeps its own; a case acted on by another worker is caught
    up, not replayed anew.
    """

    def __init__(self, size: int = 256, wait_s: float = 2.0) -> None:
        self.size = size
        self.wait_s = wait_s
        self._items: OrderedDict[str, tuple[int, str, Case]] = OrderedDict()
        self._lock = threading.Lock()
        self._returned = threading.Condition(self._lock)
        self._users: dict[str, int] = {}

    def version_of(self, case_id: str) -> int | None:
        """The version of the replay held for the case, if any (it stays held)."""
        with self._lock:
            held = self._items.get(case_id)
        return None if held is None else held[0]

    def take(self, case_id: str) -> tuple[int, str, Case] | None:
        """The case's entry (version, head, case), removed until given back; the case is in
        use by the caller until it calls :meth:`give` or :meth:`release`. If another user has
        it, this waits for it (a user that does not come back within ``wait_s`` is not waited
        for: the caller then gets nothing and replays, as with nothing kept)."""
        with self._returned:
            if self._users.get(case_id):
                self._returned.wait_for(lambda: not self._users.get(case_id), self.wait_s)
            self._users[case_id] = self._users.get(case_id, 0) + 1
            return self._items.pop(case_id, None)

    def give(self, case: Case, head: str) -> None:
        """Put ``case`` back as the replay of the chain ending in ``head``, and end the
        caller's use of it."""
        with self._returned:
            held = self._items.get(case.id)
            if held is None or held[0] <= case.version:
                # (else another request put back a newer replay meanwhile: keep that)
                self._items[case.id] = (case.version, head, case)
                self._items.move_to_end(case.id)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
            self._done(case.id)

    def release(self, case_id: str) -> None:
        """End the caller's use of the case without giving a replay back (it holds records
        that were not stored, or it was never taken)."""
        with self._returned:
            self._done(case_id)

    def _done(self, case_id: str) -> None:
        users = self._users.get(case_id, 0)
        if users <= 1:
            self._users.pop(case_id, None)
            self._returned.notify_all()
        else:
            self._users[case_id] = users - 1


CASES: Final = CaseCache()


@attrs.frozen
class Fetched:
    """Stored rows of a case with ``seq > after``, read together with its header (see
    :func:`catch_up_query`): what a held replay at ``after`` or later lacks."""

    after: int
    rows: tuple[StoredRecord, ...]


_AFTER: Final = (
    "SELECT seq, action_id, action_index, action_size, kind, record_json, prev_hash, hash "
    "FROM records WHERE case_id = ? AND seq > ? ORDER BY seq")


def catch_up_query(store: Store, case_id: str) -> tuple[int, tuple[str, tuple[Any, ...]]] | None:
    """The version of the replay of the case held in :data:`CASES` and the query (SQL,
    parameters) for the stored rows after it, to send with the read of the case's header
    (:meth:`Store.info_and`), so catching the replay up takes no round trip of its own;
    ``None`` when no replay is held, or on SQLite (in-process: there is no round trip to
    save, and :func:`checkout` reads rows only when the replay is behind). Give
    :func:`fetched` its rows."""
    if store.backend.dialect != "postgresql":
        return None
    held = CASES.version_of(case_id)
    return None if held is None else (held, (_AFTER, (case_id, held)))


def fetched(after: int, rows: Sequence[tuple[Any, ...]]) -> Fetched:
    return Fetched(after, _stored_rows(rows))


def checkout(store: Store, info: CaseInfo, now: datetime | None = None,
             rows: Fetched | None = None) -> Case:
    """:func:`checkout_at`, for a caller that needs only the case."""
    return checkout_at(store, info, now, rows)[0]


def checkout_at(store: Store, info: CaseInfo, now: datetime | None = None,
                rows: Fetched | None = None) -> tuple[Case, CaseInfo]:
    """The case at ``info``'s version and head — or at a newer header, returned with it —
    for this caller alone, from :data:`CASES`: as it is, or caught up with the rows stored
    since (``rows`` if they were read with ``info``, else read now); else replayed. Its clock
    is a manual one set to ``now`` (default the current time). The caller has the case in use
    until it gives it back with :func:`keep` (or lets it go, :meth:`CaseCache.release`).

    A kept replay newer than ``info`` means the header was read before another request of
    this worker stored more (often one whose case this request waited for): the header and
    the rows after the replay are read again, and the case is checked out against that newer
    header — rather than replaying the whole chain to act on a version that is gone. (The
    database's version only grows; a newer header that disagrees with the replay replays the
    chain.)"""
    entry = CASES.take(info.case_id)
    try:
        case = None
        if entry is not None and entry[0] > info.version:
            query = (_AFTER, (info.case_id, entry[0]))
            info, (more,) = store.info_and(info.case_id, query)
            rows = fetched(entry[0], more)
        if entry is not None:
            version, head, cached = entry
            if version == info.version and head == info.head_hash:
                case = cached
            elif version < info.version:
                case = _caught_up(store, cached, head, info, rows)
        if case is None:
            case = load(store, info.case_id,
                        clock=ManualClock(datetime(1900, 1, 1, tzinfo=UTC)), info=info)
    except BaseException:
        CASES.release(info.case_id)
        raise
    clock = case.clock
    assert isinstance(clock, ManualClock)
    clock.current = now or datetime.now(UTC)
    return case, info


def _caught_up(store: Store, case: Case, head: str, info: CaseInfo,
               prefetched: Fetched | None = None) -> Case | None:
    """``case`` (the replay of the chain up to ``head``) with the stored rows after it up to
    ``info``'s version replayed, if they chain from ``head`` to ``info.head_hash``; else
    ``None`` (the caller replays the whole chain, as if nothing were cached). The rows come
    from ``prefetched`` when it starts at or before the case's version (it was read after
    ``info``, so it holds every row up to ``info.version``), else from the store."""
    if prefetched is not None and prefetched.after <= case.version:
        after: Sequence[StoredRecord] = prefetched.rows
    else:
        after = stored_after(store, info.case_id, case.version)
    rows = [r for r in after if case.version < r.seq <= info.version]
    if len(rows) != info.version - case.version:
        return None
    prev = head
    for r in rows:
        if r.prev_hash != prev or chain_hash(prev, r.action_id, r.action_index, r.action_size,
                                             r.record_json) != r.hash:
            return None
        prev = r.hash
    if prev != info.head_hash:
        return None
    try:
        case.replay_more([r.record for r in rows])
    except (ReplayError, ValueError, KeyError, TypeError):
        return None
    return case


def keep(case: Case, version: int, head: str | None) -> None:
    """End the use of a case :func:`checkout` gave: put it back in :data:`CASES` as the
    replay of the chain ending in ``head`` — if it is at that chain's ``version`` (a replay
    may have read a newer chain than its header) — or else let it go."""
    if head is not None and case.version == version:
        CASES.give(case, head)
    else:
        CASES.release(case.id)


@attrs.frozen
class ActOutcome:
    """An action's result; ``records`` are the stored rows it appended (none if refused);
    ``head`` is the chain head at ``case.version`` when known (for :func:`keep`)."""

    def keep(self) -> None:
        keep(self.case, self.case.version, self.head)


    case: Case
    result: StepResult
    records: tuple[StoredRecord, ...] = ()
    head: str | None = None


def case_village(store: Store, case_id: str) -> str | None:
    """The village a case belongs to (``None``: unknown case, or one opened without a
    village, which the service does not serve)."""
    rows = store.backend.execute("SELECT village FROM cases WHERE case_id = ?", (case_id,))
    return str(rows[0][0]) if rows and rows[0][0] else None


def _check_time(at: datetime, not_before: datetime | None, skew_s: float) -> None:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    if not_before is not None and at < not_before:
        raise ServiceProblem(422, "invalid-action", _(
            "time does not run backwards: {at} is before the last record ({not_before})",
        ).format(at=at.isoformat(), not_before=not_before.isoformat()))
    if at > datetime.now(UTC) + timedelta(seconds=skew_s):
        raise ServiceProblem(422, "invalid-action", _(
            "{at} is in the future: only what has happened can be recorded",
        ).format(at=at.isoformat()))


def open_case(
    store: Store,
    village: str,
    procedure: str,
    roster: Roster,
    *,
    matter: str = "",
    settings: Mapping[str, Any] | None = None,
    case_id: str | None = None,
    at: datetime | None = None,
    actor: str | None = None,
    skew_s: float = 300.0,
    kind: str = DEFAULT_KIND,
) -> Case:
    """Open a case for ``village`` under a built-in procedure or the last uploaded version of
    one (:mod:`deliberation.service.procedures`), store it, and feed its first records."""
    when = at or datetime.now(UTC)
    _check_time(when, None, skew_s)
    uploaded = latest(store, procedure)
    bound = None if uploaded is None else uploaded.bound_version
    case = Case.open(procedure if bound is None else procedure_for(store, procedure, bound),
                     roster, matter=matter, case_id=case_id, settings=settings,
                     clock=ManualClock(when if when.tzinfo else when.replace(tzinfo=UTC)),
                     actor=actor, kind=kind)
    try:
        save_case(store, case, village, procedure_version=bound)
    except CaseExists:
        raise ServiceProblem(409, "conflict", _(
            "case id {id} is already taken",
        ).format(id=case.id)) from None
    sync_case(store, case.id, village)
    return case


def action_id_for(case_id: str, idempotency_key: str) -> str:
    """The stored action id of a keyed request: its records can be found again by it."""
    return hashlib.sha256(f"{case_id}\n{idempotency_key}".encode()).hexdigest()[:32]


def act(
    store: Store,
    case_id: str,
    step: Step,
    *,
    expected_version: int,
    village: str | None = None,
    action_id: str | None = None,
    skew_s: float = 300.0,
    info: CaseInfo | None = None,
    then: Callable[[ActOutcome], None] | None = None,
    evidence: Sequence[Evidence] = (),
    rows: Fetched | None = None,
) -> ActOutcome:
    """Apply ``step`` to the stored case, which must be at ``expected_version``.

    A refusal stores nothing and comes back in ``result``; a stale version (checked before
    and, atomically, while appending) raises :class:`ConcurrencyConflict`. ``then`` is called
    with the outcome of an accepted action inside the transaction that stores its records
    (what it writes, such as feed rows and a kept response, commits with them). ``evidence``:
    files the action carries (its record names them; their bytes are stored with it).
    ``rows``: the stored rows read with ``info`` (see :func:`checkout`). The outcome's case
    is in use by the caller until :meth:`ActOutcome.keep` (also for a refusal: it gives the
    case back, still the replay of the stored chain).
    """
    case, info = checkout_at(store, info or store.info(case_id), rows=rows)
    try:
        return _act(store, case, info, step, expected_version=expected_version,
                    village=village, action_id=action_id, skew_s=skew_s, then=then,
                    evidence=evidence)
    except BaseException:
        # Refused by a check (which changes nothing: the case is still the replay of the
        # chain at ``info``, and goes back), or lost a race (it holds records that were not
        # stored, and is let go).
        keep(case, info.version, info.head_hash)
        raise


def _act(store: Store, case: Case, info: CaseInfo, step: Step, *, expected_version: int,
         village: str | None, action_id: str | None, skew_s: float,
         then: Callable[[ActOutcome], None] | None, evidence: Sequence[Evidence]
         ) -> ActOutcome:
    """:func:`act` on the case checked out at ``info``."""
    case_id = case.id
    if case.version != expected_version:
        raise ConcurrencyConflict(case_id, expected_version, case.version)
    last = case.records[-1].at
    if step.at is not None:
        when = step.at
    elif step.after_days:
        when = last + timedelta(days=step.after_days)
    else:
        when = datetime.now(UTC)
    _check_time(when, last, skew_s)
    clock = case.clock
    assert isinstance(clock, ManualClock)
    clock.current = when
    before = case.version
    if evidence:
        with case.attaching([e.attachment for e in evidence]):
            result = apply_step(case, step, when)
    else:
        result = apply_step(case, step, when)
    new = case.records[before:]
    if not result.accepted or not new:
        # (a refusal changes nothing: the case is still the replay of the same chain)
        return ActOutcome(case, result, head=info.head_hash if before == info.version else None)
    done: list[ActOutcome] = []

    def stored(rows: tuple[StoredRecord, ...]) -> None:
        done.append(ActOutcome(case, result, rows, rows[-1].hash if rows else None))
        if then is not None:
            then(done[0])

    # The head read with the version saves reading it again (the append checks both).
    store.append(case_id, before, new, action_id=action_id, then=stored,
                 head=info.head_hash if before == info.version else None,
                 attachments={e.attachment.sha256: e.content for e in evidence} or None)
    if village is not None:  # (the HTTP handler feeds them itself, with the kept response)
        sync_case(store, case_id, village)
    return done[0]


def stored_after(store: Store, case_id: str, after: int) -> tuple[StoredRecord, ...]:
    """The case's stored rows with ``seq > after`` (without reading the ones before)."""
    return _stored_rows(store.backend.execute(_AFTER, (case_id, after)))


def _stored_rows(rows: Sequence[tuple[Any, ...]]) -> tuple[StoredRecord, ...]:
    return tuple(StoredRecord(int(r[0]), str(r[1]), int(r[2]), int(r[3]), str(r[4]),
                              str(r[5]), str(r[6]), str(r[7])) for r in rows)
