"""The event store: append-only, hash-chained records per case, on SQLite or PostgreSQL.

A case is stored as its header (procedure id and version, roster fingerprint, matter) and its
records. Each record row carries its ``seq``, its canonical JSON, the action it belongs to
(``action_id``, index, size), ``prev_hash`` and ``hash`` where

    hash = sha256(prev_hash + "\\n" + action_id + ":" + index + "/" + size + "\\n" + canonical JSON)

and the first record's ``prev_hash`` is the case's *genesis*: a hash of its header. Changing,
deleting, inserting or reordering any record breaks the chain where it happened, and
:meth:`Store.verify` says where.

>>> from datetime import datetime, timezone
>>> from deliberation.engine.records import Record
>>> from deliberation.roster import Roster
>>> store = open_store("sqlite:///:memory:")
>>> at = datetime(2026, 3, 1, tzinfo=timezone.utc)
>>> store.create("c1", "four-deliberations", "1", Roster.generate(households=5, people=12,
...     party_members=3, representatives=2, party_committee=1, villagers_committee=1,
...     supervision_committee=1), records=[Record(1, "c1", "opened", at, None, None)])
1
>>> store.append("c1", 1, [Record(2, "c1", "note", at, "v0001", None, {"text": "hi"})])
2
>>> store.verify("c1").ok
True
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

import attrs

from deliberation.diagnostics import closest
from deliberation.engine.records import (
    Attachment,
    Record,
    canonical_json,
    fingerprint,
    record_from_json,
    record_to_json,
)
from deliberation.errors import ConcurrencyConflict, InvalidAction
from deliberation.i18n import Joined, Text, _, _p, as_written
from deliberation.reprs import fields_repr
from deliberation.safetext import printable
from deliberation.store.backends import Backend, Pending, connect, redact
from deliberation.store.errors import CaseExists, StoreError, UnknownCase
from deliberation.store.migrations import LATEST, MIGRATIONS, SCHEMA_VERSION_TABLE
from deliberation.store.signing import HeadSigner, HeadVerifier, head_message
from deliberation.zone import DEFAULT_TIMEZONE, day_start_utc

if TYPE_CHECKING:  # imported where used, for start-up speed: ``case list`` reads no roster
    from deliberation.roster import Roster

# An arbitrary constant: the PostgreSQL advisory lock that serialises schema migrations.
_MIGRATION_LOCK: Final = 7_364_301


def chain_hash(prev_hash: str, action_id: str, index: int, size: int, record_json: str) -> str:
    """The hash of one stored record, chained to the one before it."""
    # One string, one encode, one digest call: verify --all runs this for every record.
    return hashlib.sha256(
        f"{prev_hash}\n{action_id}:{index}/{size}\n{record_json}".encode()).hexdigest()


def genesis_hash(
    case_id: str,
    procedure_id: str,
    procedure_version: str,
    roster_fp: str,
    *,
    matter: str | None = None,
    created_at: str | None = None,
    village: str | None = None,
) -> str:
    """What the first record chains to: the case header, so swapping a case's procedure or
    roster is caught like any other change.

    Cases stored from schema v5 on (``header_version`` 2) also cover the ``matter`` and
    ``created_at`` columns, which ``show`` and ``export`` print; from schema v6 on (header 3)
    also the ``village``, which the service's scopes and ``case list --village`` go by. Older
    cases keep the header they were chained with (the newer fields left as None).
    """
    header: dict[str, Any] = {
        "case": case_id,
        "procedure": procedure_id,
        "procedure_version": procedure_version,
        "roster": roster_fp,
    }
    if matter is not None or created_at is not None:
        header["matter"] = matter or ""
        header["created_at"] = created_at or ""
    if village is not None:
        header["village"] = village
    return hashlib.sha256(canonical_json(header).encode()).hexdigest()


# The header format new cases are chained with (see genesis_hash).
HEADER_VERSION: Final = 3


def case_genesis(info: CaseInfo) -> str:
    """The genesis hash of a stored case, by the header format it was created with (an
    unknown format gives a genesis nothing chains to, so verify reports record 1)."""
    if info.header_version == 3:
        return genesis_hash(info.case_id, info.procedure_id, info.procedure_version,
                            info.roster_fingerprint, matter=info.matter,
                            created_at=info.created_at, village=info.village)
    if info.header_version == 2:
        return genesis_hash(info.case_id, info.procedure_id, info.procedure_version,
                            info.roster_fingerprint, matter=info.matter,
                            created_at=info.created_at)
    if info.header_version == 1:
        return genesis_hash(info.case_id, info.procedure_id, info.procedure_version,
                            info.roster_fingerprint)
    return f"unknown header version {info.header_version}"


@fields_repr
@attrs.frozen(repr=False)
class CaseInfo:
    """A stored case's header and current version (the number of its records)."""

    case_id: str
    procedure_id: str
    procedure_version: str
    roster_fingerprint: str
    matter: str
    created_at: str
    version: int
    head_hash: str
    # 1: the chain covers id, procedure and roster; 2: also matter and created_at; 3: also
    # the village.
    header_version: int = 1
    village: str = ""
    # The last record's state and time (UTC), kept for listing; verify checks them against it.
    state: str = ""
    updated_at: str = ""

    def to_data(self) -> dict[str, Any]:
        return attrs.asdict(self)


@fields_repr
@attrs.frozen(repr=False)
class StoredRecord:
    """One record row as stored, with its chain fields."""

    seq: int
    action_id: str
    action_index: int
    action_size: int
    kind: str
    record_json: str
    prev_hash: str
    hash: str

    @property
    def record(self) -> Record:
        try:
            return record_from_json(self.record_json)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as err:
            raise self._corrupt(err) from None

    def _corrupt(self, err: Exception) -> StoreError:
        # a row changed behind the store's back: its JSON is not a record (case verify says
        # how the chain sees it; show, log and export say this and stop)
        return StoreError(_("record {n} is corrupt ({problem}): run case verify").format(
            n=self.seq, problem=f"{type(err).__name__}: {err}"[:120]))

    def to_data(self) -> dict[str, Any]:
        try:
            record = json.loads(self.record_json)
        except (ValueError, RecursionError) as err:
            raise self._corrupt(err) from None
        return {
            "seq": self.seq,
            "action": {"id": self.action_id, "index": self.action_index, "size": self.action_size},
            "prev_hash": self.prev_hash,
            "hash": self.hash,
            "record": record,
        }


@fields_repr
@attrs.frozen(repr=False)
class SignedHead:
    """A signature over a case's chain head at one version."""

    version: int
    head_hash: str
    algorithm: str
    key_id: str
    signature: str
    signed_at: str


# What verify() can find, in the three languages. ``{…}`` are filled per problem.
PROBLEMS: Final[Mapping[str, Text]] = {
    "missing": _("record {seq} is missing (deleted or moved)"),
    "broken-link": _(
        "record {seq} does not chain to the record before it: a record before it was deleted, "
        "inserted or reordered",
    ),
    "hash-mismatch": _("record {seq}'s content or hash was changed"),
    "unreadable": _("record {seq} cannot be read: {detail}"),
    "seq-mismatch": _("record {seq} says it is record {detail}: it was moved"),
    "case-mismatch": _("record {seq} belongs to case {detail}"),
    "kind-mismatch": _("record {seq}'s kind column does not match its content"),
    "not-canonical": _("record {seq} is not canonical JSON"),
    "incomplete-action": _("the action of record {seq} is incomplete ({detail})"),
    "count-mismatch": _("the case says it has {detail} records; {seq} were found"),
    "head-mismatch": _("the chain head does not match the last record ({seq})"),
    "roster-mismatch": _("the roster's content does not match its fingerprint"),
    "archive-mismatch": _("the archive's {detail} disagrees with the case header"),
    "bad-signature": _("the signature on the chain head at version {seq} is invalid"),
    "signed-head-mismatch": _(
        "the signed chain head at version {seq} does not match the stored records: the chain was "
        "rewritten or truncated",
    ),
    "summary-mismatch": _("the case's {detail} column does not match its last record ({seq})"),
    "newer-format": _(
        "the archive is in format {detail}, written by a newer version of deliberation: upgrade "
        "to verify it",
    ),
    "matter-changed": _(
        "the case's matter column in the cases table was changed: record {seq} is chained to "
        "the value first stored ({detail})",
    ),
    "header-changed": _(
        "a column of the case's header in the cases table was changed ({detail}): record {seq} "
        "is chained to the values first stored",
    ),
    "unsigned-head": _(
        "the chain head at the current version {seq} is not signed with key {detail}",
    ),
    "attachment-missing": _("record {seq} names the attachment {detail}, whose bytes are missing"),
    "attachment-changed": _(
        "the bytes of record {seq}'s attachment {detail} were changed (digest or size differs)",
    ),
    "attachment-unreferenced": _("the store holds attachment bytes {detail} that no record names"),
}


@fields_repr
@attrs.frozen(repr=False)
class Problem:
    """One thing verify() found wrong, and where (``seq``: record number or version)."""

    code: str
    seq: int | None
    detail: str = ""

    @property
    def message(self) -> Text:
        return PROBLEMS[self.code].format(seq=self.seq, detail=self.detail)

    def to_data(self) -> dict[str, Any]:
        return {"code": self.code, "seq": self.seq, "detail": self.detail,
                "message": self.message.to_data()}


@fields_repr
@attrs.frozen(repr=False)
class Verification:
    """The result of :meth:`Store.verify`: ``ok`` when nothing is wrong.

    ``signature`` is ``"valid"``, ``"invalid"`` or ``"not-checked"`` (no key given).
    """

    case_id: str
    records: int
    head_hash: str
    problems: tuple[Problem, ...]
    signature: str = "not-checked"

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def where(self) -> tuple[int | None, ...]:
        """The seq (or version) of every problem, in order found."""
        return tuple(p.seq for p in self.problems)

    def to_data(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "ok": self.ok,
            "records": self.records,
            "head_hash": self.head_hash,
            "signature": self.signature,
            "problems": [p.to_data() for p in self.problems],
        }

    def explain(self, lang: str = "zh-Hans") -> str:
        if self.ok:
            return _("case {case_id}: {records} records, hash chain intact").format(
                case_id=self.case_id, records=self.records).get(lang)
        return "\n".join(p.message.get(lang) for p in self.problems)


_CASE_COLUMNS: Final = (
    "case_id, procedure_id, procedure_version, roster_fingerprint, matter, created_at, version, "
    "head_hash, header_version, village, state, updated_at"
)
# Before schema v6 there are no village, state and updated_at columns.
_CASE_COLUMNS_V5: Final = _CASE_COLUMNS.replace(
    "village, state, updated_at", "'' AS village, '' AS state, '' AS updated_at")
# Before schema v5 there is no header_version column either: every case there has header 1.
_CASE_COLUMNS_V4: Final = _CASE_COLUMNS_V5.replace("header_version", "1 AS header_version")
_RECORD_COLUMNS: Final = (
    "seq, action_id, action_index, action_size, kind, record_json, prev_hash, hash"
)


class Store:
    """An event store on one database (see :func:`open_store`).

    ``signer`` (optional) signs each new chain head; pass the same key (or its public half) to
    :meth:`verify` to check them. Use one Store per process or thread.
    """

    def __init__(
        self,
        backend: Backend,
        signer: HeadSigner | None = None,
        *,
        schema_target: int = LATEST,
        readonly: bool = False,
    ) -> None:
        self.backend = backend
        self.signer = signer
        self.readonly = readonly
        # Rosters are content-addressed and never change: each distinct one is parsed, counted
        # (Roster memoises its counts) and fingerprint-checked once per Store, not once per
        # case loaded or verified. Keyed by the stored fingerprint; bounded, least recent out.
        self._rosters: OrderedDict[str, Roster] = OrderedDict()
        self._schema: int | None = None  # read once, when first needed
        if readonly:
            # Reading never migrates: a read-only copy (an archive, an auditor's snapshot) can
            # be shown and verified as it is.
            self._check_readable()
        else:
            self._migrate(schema_target)

    # -- lifecycle ------------------------------------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.backend.close()

    @property
    def url(self) -> str:
        return self.backend.url

    def _migrate(self, target: int) -> None:
        b = self.backend
        with b.write():
            if b.dialect == "postgresql":
                # Two processes opening a fresh database at once must not both migrate it.
                b.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,))
            b.execute(SCHEMA_VERSION_TABLE)
            current = self._schema_version_unlocked()
            _refuse_newer(current)
            for m in MIGRATIONS:
                if current < m.version <= target:
                    for sql in m.statements(b.dialect):
                        b.execute(sql)
                    if m.version == SUMMARY_SCHEMA:
                        _backfill_summaries(b)
                    b.execute(
                        "INSERT INTO schema_version (version, description, applied_at) "
                        "VALUES (?, ?, ?)",
                        (m.version, m.description, _now()),
                    )

    def _check_readable(self) -> None:
        b = self.backend
        with b.read():
            if not b.has_table("schema_version"):
                raise StoreError(_(
                    "{url} is not a case store (it has no schema_version table)",
                ).format(url=b.url))
            _refuse_newer(self._schema_version_unlocked())

    def _schema_at_least(self, version: int) -> bool:
        # Read once per Store: a store is migrated when opened, never while in use.
        if self._schema is None:
            self._schema = self._schema_version_unlocked()
        return self._schema >= version

    def _columns(self) -> str:
        if self._schema_at_least(6):
            return _CASE_COLUMNS
        return _CASE_COLUMNS_V5 if self._schema_at_least(5) else _CASE_COLUMNS_V4

    def _schema_version_unlocked(self) -> int:
        rows = self.backend.execute("SELECT MAX(version) FROM schema_version")
        return int(rows[0][0] or 0)

    def schema_version(self) -> int:
        """The schema version this database is at."""
        return self._schema_version_unlocked()

    # -- writing --------------------------------------------------------------------------------
    def create(
        self,
        case_id: str,
        procedure_id: str,
        procedure_version: str,
        roster: Roster | Sequence[Mapping[str, Any]],
        *,
        matter: str = "",
        village: str = "",
        records: Sequence[Record] = (),
        attachments: Mapping[str, bytes] | None = None,
    ) -> int:
        """Store a new case (its roster once, by fingerprint) and its first records, atomically.
        Returns the case's version. Raises :class:`CaseExists` if the id is taken.
        ``village``: the village the case belongs to ('' for none), under the chain.
        ``attachments``: the bytes of the evidence the records name (see :meth:`append`)."""
        if not case_id:
            raise InvalidAction(_("the case id is empty"))
        from deliberation.roster import Roster  # (lazy: start-up speed, see the imports)

        roster_data = roster.to_data() if isinstance(roster, Roster) else [dict(r) for r in roster]
        roster_fp = fingerprint(roster_data)
        created_at = _now()
        # A store held at an older schema (upgrade tests) chains cases with the old header.
        columns = self._columns()
        header = {_CASE_COLUMNS: HEADER_VERSION, _CASE_COLUMNS_V5: 2}.get(columns, 1)
        if village and header < HEADER_VERSION:
            raise StoreError(_(
                "{url} is at an older schema that cannot record a village: open it writable once "
                "to upgrade it",
            ).format(url=self.url))
        info = CaseInfo(case_id, procedure_id, str(procedure_version), roster_fp, matter,
                        created_at, 0, "", header, village)
        genesis = case_genesis(info)
        b = self.backend
        try:
            with b.write():
                b.execute(
                    "INSERT INTO rosters (fingerprint, roster_json) VALUES (?, ?) "
                    "ON CONFLICT (fingerprint) DO NOTHING",
                    (roster_fp, canonical_json(roster_data)),
                )
                if b.execute("SELECT 1 FROM cases WHERE case_id = ?", (case_id,)):
                    raise CaseExists(case_id)
                values = (case_id, procedure_id, str(procedure_version), roster_fp, matter,
                          created_at, 0, genesis, header, village, "", "")
                columns = {3: _CASE_COLUMNS, 2: _CASE_COLUMNS.rsplit(", village", 1)[0]}.get(
                    header, _CASE_COLUMNS.split(", header_version", 1)[0])
                b.execute(
                    f"INSERT INTO cases ({columns}) VALUES "
                    f"({', '.join('?' * len(columns.split(',')))})",
                    values[: len(columns.split(","))],
                )
                if records:
                    version, _rows, done = self._append_locked(case_id, 0, records, None,
                                                               attachments=attachments)
                    if done is not None and not done():  # (its record rows were there)
                        raise CaseExists(case_id)
                    return version
                return 0
        except Exception as err:
            if b.is_unique_violation(err):
                # Another process created the same case (or roster) between our check and insert.
                raise CaseExists(case_id) from None
            raise

    def append(
        self,
        case_id: str,
        expected_version: int,
        records: Sequence[Record],
        *,
        action_id: str | None = None,
        head: str | None = None,
        then: Callable[[tuple[StoredRecord, ...]], None] | None = None,
        attachments: Mapping[str, bytes] | None = None,
    ) -> int:
        """Append one action's ``records`` to a case that must be at ``expected_version``.

        All records commit together or none do. If another writer got there first, raises
        :class:`~deliberation.errors.ConcurrencyConflict` and stores nothing: reload, retry.
        Returns the new version.

        ``head``: the case's chain head at ``expected_version``, if the caller read it with
        that version (the append then checks both in its update instead of reading them
        first, and waits for the database once, after ``then``). ``then``: called with the
        rows being stored inside the append's transaction, so what it writes commits with the
        records or not at all; with ``head``, the statements it sends must write rows without
        reading what the append writes (see :meth:`Backend.write`'s ``at_once``: on
        PostgreSQL they and the append's go as one statement). ``attachments``: the bytes of the
        evidence the records name, by SHA-256 (hex); each must match its digest and size, and
        every attachment named must have its bytes here or already in the case (stored once
        per case and digest, in the same transaction as the records).
        """
        b = self.backend
        try:
            # With the head known, the append's first statement is its guarded update, and
            # its others (and then's) only write: on PostgreSQL all of them go as one.
            with b.write(at_once=head is not None):
                version, stored, done = self._append_locked(
                    case_id, expected_version, records, action_id, head, attachments=attachments)
                if then is not None:
                    then(stored)
                if done is not None and not done():
                    # The case was not at the version and head the records chain from: the
                    # transaction (records, and whatever ``then`` wrote) is rolled back.
                    raise _Moved()
                # (done is None: the database itself fails the transaction in that case, so
                # it commits in the round trip that sends it)
                return version
        except Exception as err:
            if isinstance(err, _Moved) or b.is_unique_violation(err) or b.is_guard_failure(err):
                # The unique (case_id, seq) key caught a racer the version check did not see.
                actual = self._info_unlocked(case_id).version  # (raises UnknownCase if gone)
                raise ConcurrencyConflict(case_id, expected_version, actual) from None
            raise

    def _append_locked(
        self, case_id: str, expected: int, records: Sequence[Record], action_id: str | None,
        known_head: str | None = None, *, attachments: Mapping[str, bytes] | None = None,
    ) -> tuple[int, tuple[StoredRecord, ...], Callable[[], bool] | None]:
        """Store ``records`` after ``expected`` (inside a write transaction). With
        ``known_head``, the case row is moved by a conditional update sent without waiting.
        The records are inserted unless their seqs are taken (``ON CONFLICT DO NOTHING``: a
        racer's records are not an error that would abort the pipeline). The caller must check
        the returned ``done()`` — the case row moved and every record went in — before the
        transaction commits, and roll it back otherwise.

        Where the backend can make a statement fail when it returns no row
        (:meth:`Backend.send_guarded`, PostgreSQL) and the head is known, ``done`` is ``None``: the
        update fails the transaction if the case was not at ``expected`` and ``known_head``,
        and the records are inserted without ``ON CONFLICT`` (a seq taken fails it too), so
        the transaction can commit without first waiting for the update's row. On a busy
        server that wait — a round trip, and the thread's turn at the interpreter — was
        spent holding the case row's lock and the event feed's (see the service's feed)."""
        if not records:
            raise InvalidAction(_("no records to append"))
        b = self.backend
        named = {a.sha256: a for rec in records for a in rec.attachments}
        if named or attachments:
            self._store_attachments(case_id, named, attachments or {})
        if known_head is None:
            lock = " FOR UPDATE" if b.dialect == "postgresql" else ""
            rows = b.execute(
                f"SELECT version, head_hash FROM cases WHERE case_id = ?{lock}", (case_id,)
            )
            if not rows:
                raise UnknownCase(case_id)
            version, head = int(rows[0][0]), str(rows[0][1])
            if version != expected:
                raise ConcurrencyConflict(case_id, expected, version)
        else:
            head = known_head
        import uuid  # (lazy: start-up speed; only an action's append needs a new id)

        action = action_id or uuid.uuid4().hex
        size = len(records)
        out: list[tuple[Any, ...]] = []
        for i, rec in enumerate(records):
            if rec.case_id != case_id or rec.seq != expected + 1 + i:
                raise InvalidAction(
                    _(
                        "record must be {case_id}#{value}, not {case_id2}#{seq}",
                    ).format(
                        case_id=case_id,
                        value=expected + 1 + i,
                        case_id2=rec.case_id,
                        seq=rec.seq,
                    )
                )
            text = record_to_json(rec)
            h = chain_hash(head, action, i, size, text)
            out.append((case_id, rec.seq, action, i, size, rec.kind, text, head, h))
            head = h
        new_version = expected + size
        # With the head known, the update is the version and head check, and takes the row's
        # lock before the records are written: a racer waits for it, then finds the version
        # moved (no row) and its records' seqs taken (none inserted).
        moved, guarded = (self._advance(case_id, expected, known_head, new_version, head,
                                        out[-1][6], guard=True)
                          if known_head is not None else (None, False))
        on_conflict = "" if guarded else " ON CONFLICT (case_id, seq) DO NOTHING"
        inserted = [b.send(
            f"INSERT INTO records (case_id, {_RECORD_COLUMNS}) VALUES "
            + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
            + f"{on_conflict} RETURNING seq",
            [v for row in chunk for v in row])
            for chunk in (out[i:i + _INSERT_ROWS] for i in range(0, len(out), _INSERT_ROWS))]
        if known_head is None:
            self._advance(case_id, expected, None, new_version, head, out[-1][6])
        if self.signer is not None:
            self._sign_locked(case_id, new_version, head)

        def done() -> bool:
            return ((moved is None or bool(moved.rows()))
                    and sum(len(p.rows()) for p in inserted) == size)

        return new_version, tuple(StoredRecord(*row[1:]) for row in out), (
            None if guarded else done)

    def _store_attachments(self, case_id: str, named: Mapping[str, Attachment],
                           contents: Mapping[str, bytes]) -> None:
        """Check the bytes of the attachments the new records name and store those the case
        does not hold yet (inside the append's transaction)."""
        if not self._schema_at_least(ATTACHMENT_SCHEMA):
            raise StoreError(_(
                "{url} is at an older schema that cannot hold attachments: open it writable once "
                "to upgrade it",
            ).format(url=self.url))
        for digest in contents:
            if digest not in named:
                raise InvalidAction(_(
                    "attachment bytes {digest} are not named by any record",
                ).format(digest=digest[:12]))
        todo = sorted(named)
        held = {str(r[0]) for r in self.backend.execute(
            f"SELECT sha256 FROM attachments WHERE case_id = ? AND sha256 IN "
            f"({', '.join('?' * len(todo))})", (case_id, *todo))}
        new: list[tuple[str, str, bytes]] = []
        for digest in todo:
            a = named[digest]
            content = contents.get(digest)
            if content is None:
                if digest in held:
                    continue
                raise InvalidAction(_("the bytes of attachment {name} were not given").format(
                    name=a.name))
            if hashlib.sha256(content).hexdigest() != digest or len(content) != a.size:
                raise InvalidAction(_(
                    "the bytes given for attachment {name} do not match its digest and size",
                ).format(name=a.name))
            if digest not in held:
                new.append((case_id, digest, bytes(content)))
        if new:
            self.backend.executemany(
                "INSERT INTO attachments (case_id, sha256, content) VALUES (?, ?, ?)", new)

    def _advance(self, case_id: str, expected: int, expected_head: str | None,
                 new_version: int, head: str, last_json: str, *, guard: bool = False
                 ) -> tuple[Pending, bool]:
        """Move the case row to ``new_version``/``head`` if it is at ``expected`` (and
        ``expected_head``); sent without waiting: its rows say whether it was. ``guard``:
        if it was not, the statement fails where the backend can do that
        (:meth:`Backend.send_guarded`); the flag returned says whether it will."""
        sets, params = "version = ?, head_hash = ?", [new_version, head]
        if self._schema_at_least(SUMMARY_SCHEMA):
            sets += ", state = ?, updated_at = ?"
            params += record_summary(last_json)
        where, keys = "case_id = ? AND version = ?", [case_id, expected]
        if expected_head is not None:
            where += " AND head_hash = ?"
            keys.append(expected_head)
        sql = f"UPDATE cases SET {sets} WHERE {where} RETURNING version"
        sent = self.backend.send_guarded(sql, (*params, *keys)) if guard else None
        if sent is not None:
            return sent, True
        return self.backend.send(sql, (*params, *keys)), False

    def _sign_locked(self, case_id: str, version: int, head: str) -> None:
        assert self.signer is not None
        sig = self.signer.sign(head_message(case_id, version, head))
        self.backend.execute(
            "INSERT INTO heads (case_id, version, head_hash, algorithm, key_id, signature, "
            "signed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (case_id, version, head, self.signer.algorithm, self.signer.key_id, sig, _now()),
        )

    def sign_head(self, case_id: str) -> SignedHead:
        """Sign a case's current head with the store's signer — after checking the chain, so a
        key is never put on a tampered chain (e.g. when signing starts on an existing store)."""
        if self.signer is None:
            raise StoreError(_("this store was opened without a signing key"))
        result = self.verify(case_id)
        wrong = [p for p in result.problems if p.code != "unsigned-head"]
        if wrong:
            raise StoreError(_("case {case} does not verify; refusing to sign: {problems}").format(
                case=as_written(case_id), problems=Joined(_p("between messages", "; "),
                                                      tuple(p.message for p in wrong))))
        with self.backend.write():
            info = self._info_unlocked(case_id)
            if info.head_hash != result.head_hash:
                # Someone appended between the check and now; sign only what was checked.
                raise ConcurrencyConflict(case_id, result.records, info.version)
            self.backend.execute(
                "DELETE FROM heads WHERE case_id = ? AND version = ? AND key_id = ?",
                (case_id, info.version, self.signer.key_id),
            )
            self._sign_locked(case_id, info.version, info.head_hash)
        key_id = self.signer.key_id
        return next(h for h in self.heads(case_id)
                    if h.version == info.version and h.key_id == key_id)

    # -- reading --------------------------------------------------------------------------------
    def _info_unlocked(self, case_id: str) -> CaseInfo:
        rows = self.backend.execute(f"SELECT {self._columns()} FROM cases WHERE case_id = ?",
                                    (case_id,))
        if not rows:
            raise UnknownCase(case_id)
        return _case_info(rows[0])

    def info(self, case_id: str) -> CaseInfo:
        """The case's header and version; raises :class:`UnknownCase`."""
        return self._info_unlocked(case_id)

    def info_and(self, case_id: str, *queries: tuple[str, Sequence[Any]]
                 ) -> tuple[CaseInfo, list[list[tuple[Any, ...]]]]:
        """The case's header and the rows of each of ``queries`` (SQL, parameters), read in one
        round trip, in that order (what a later one reads is at least as new as the header: on
        PostgreSQL they share one snapshot, on SQLite each reads the latest).

        >>> store = open_store("sqlite:///:memory:")
        >>> store.create("c1", "four-deliberations", "1", [])
        0
        >>> info, (rows,) = store.info_and(
        ...     "c1", ("SELECT COUNT(*) FROM records WHERE case_id = ?", ("c1",)))
        >>> info.version, rows
        (0, [(0,)])
        """
        header, *more = self.read_together(self.info_query(case_id), *queries)
        return self.info_from(case_id, header), more

    def info_query(self, case_id: str) -> tuple[str, tuple[Any, ...]]:
        """The query (SQL, parameters) of the case's header, for :meth:`read_together`; its
        rows go to :meth:`info_from`."""
        return f"SELECT {self._columns()} FROM cases WHERE case_id = ?", (case_id,)

    @staticmethod
    def info_from(case_id: str, rows: Sequence[Sequence[Any]]) -> CaseInfo:
        """The header in the rows of :meth:`info_query`; raises :class:`UnknownCase`."""
        if not rows:
            raise UnknownCase(case_id)
        return _case_info(rows[0])

    def read_together(self, *queries: tuple[str, Sequence[Any]]) -> list[list[tuple[Any, ...]]]:
        """The rows of each of ``queries`` (SQL, parameters), run in that order and sent to the
        database in one round trip (:meth:`Backend.read_many`: columns of text, integers,
        booleans or NULL)."""
        return self.backend.read_many(queries)

    def exists(self, case_id: str) -> bool:
        return bool(self.backend.execute("SELECT 1 FROM cases WHERE case_id = ?", (case_id,)))

    def nearest_case(self, case_id: str, village: str | None = None, *,
                     in_a_village: bool = False) -> str | None:
        """The stored case id closest to ``case_id`` (``difflib``, as every did-you-mean of the
        library), among the cases of ``village`` when given (of any village, not those opened
        without one, with ``in_a_village``: what the service serves); ``None`` when none is
        close.

        The database hands over only ids that can be close: difflib's ratio 2M/(a+b) is at
        least 0.6 only if the lengths a, b satisfy 3a <= 7b and 3b <= 7a, so the length filter
        drops no candidate; no case's records or header are read.

        >>> store = open_store("sqlite:///:memory:")
        >>> for cid in ("road-2026", "well-2026", "a-much-longer-case-id-than-road"):
        ...     _ = store.create(cid, "four-deliberations", "1", [])
        >>> store.nearest_case("raod-2026"), store.nearest_case("zzz")
        ('road-2026', None)
        """
        sql = ("SELECT case_id FROM cases "
               "WHERE 7 * length(case_id) >= ? AND 3 * length(case_id) <= ?")
        params: list[Any] = [3 * len(case_id), 7 * len(case_id)]
        if village is not None:
            sql += " AND village = ?"
            params.append(village)
        elif in_a_village:
            sql += " AND village <> ''"
        rows = self.backend.execute(sql, tuple(params))
        return closest(case_id, (str(r[0]) for r in rows))

    def cases(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        procedure: str | None = None,
        since: str | None = None,
        until: str | None = None,
        village: str | None = None,
        state: str | None = None,
        updated_since: str | None = None,
        updated_until: str | None = None,
        zone: str = DEFAULT_TIMEZONE,
    ) -> tuple[CaseInfo, ...]:
        """Stored cases, oldest first; the database filters (on indexed columns) and pages them.

        ``after``: the page after this case id (keyset paging: stable while cases are added).
        ``procedure``: one procedure id. ``village``: one village. ``state``: the state the
        case is in now (a stage id or an outcome). ``since``/``until``: creation dates,
        ``updated_since``/``updated_until``: dates of the last action, inclusive
        (``YYYY-MM-DD``): calendar days in ``zone`` (the village's, ``Asia/Shanghai`` by
        default), each turned into the UTC instants it spans to compare with the stored UTC
        timestamps. ``limit``: at most this many.

        >>> from deliberation.store import open_store
        >>> store = open_store("sqlite:///:memory:")
        >>> store.cases(village="guzhuang", state="review")
        ()
        """
        newer = (village, state, updated_since, updated_until)
        if any(v is not None for v in newer) and not self._schema_at_least(SUMMARY_SCHEMA):
            raise StoreError(_(
                "{url} is at an older schema that cannot filter by village, state or last action: "
                "open it writable once to upgrade it",
            ).format(url=self.url))
        where: list[str] = []
        params: list[Any] = []
        if after is not None:
            rows = self.backend.execute("SELECT created_at FROM cases WHERE case_id = ?",
                                        (after,))
            if not rows:
                raise UnknownCase(after)
            where.append("(created_at > ? OR (created_at = ? AND case_id > ?))")
            params += [rows[0][0], rows[0][0], after]
        if procedure is not None:
            where.append("procedure_id = ?")
            params.append(procedure)
        for column, value in (("village", village), ("state", state)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        for column, first, last in (("created_at", since, until),
                                    ("updated_at", updated_since, updated_until)):
            if first is not None:
                where.append(f"{column} >= ?")
                params.append(day_start_utc(first, zone))
            if last is not None:
                # ISO timestamps in UTC sort as text: every instant of that local day is below
                # the instant the next local day begins.
                where.append(f"{column} < ?")
                params.append(day_start_utc(_next_day(last), zone))
        sql = f"SELECT {self._columns()} FROM cases"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY created_at, case_id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return tuple(_case_info(r) for r in self.backend.execute(sql, params))

    def roster(self, case_id: str) -> Roster:
        """The roster the case was opened with (parsed once per distinct roster)."""
        from deliberation.roster import Roster  # (lazy: start-up speed, see the imports)

        fp = self._info_unlocked(case_id).roster_fingerprint
        cached = self._rosters.get(fp)
        if cached is not None:
            self._rosters.move_to_end(fp)
            return cached
        rows = self.backend.execute("SELECT roster_json FROM rosters WHERE fingerprint = ?", (fp,))
        if not rows:
            raise StoreError(_("the roster {roster} of case {case} is missing").format(
                roster=as_written(fp), case=as_written(case_id)))
        try:
            roster = Roster.from_records(json.loads(rows[0][0]), f"roster {fp}")
        except (ValueError, TypeError, KeyError) as err:
            raise StoreError(
                _("the roster {roster} of case {case} cannot be read: {problem}").format(
                    roster=as_written(fp), case=as_written(case_id), problem=as_written(str(err)))
            ) from None
        _remember(self._rosters, fp, roster)
        return roster



    def stored(self, case_id: str) -> tuple[StoredRecord, ...]:
        """The case's record rows with their chain fields, in seq order."""
        with self.backend.read():
            self._info_unlocked(case_id)
            return self._stored_unlocked(case_id)

    def _stored_unlocked(self, case_id: str) -> tuple[StoredRecord, ...]:
        out = []
        for n, row in enumerate(self._record_rows(case_id), start=1):
            stored = _stored_record(row)
            if isinstance(stored, str):
                raise StoreError(_(
                    "record row {n} of case {case_id} is corrupt ({stored}): run case verify",
                ).format(case_id=case_id, n=n, stored=stored))
            out.append(stored)
        return tuple(out)

    def _record_rows(self, case_id: str) -> list[tuple[Any, ...]]:
        return self.backend.execute(
            f"SELECT {_RECORD_COLUMNS} FROM records WHERE case_id = ? ORDER BY seq", (case_id,)
        )

    def records(self, case_id: str) -> tuple[Record, ...]:
        """The case's records, in order: what :meth:`Case.replay` takes."""
        return tuple(s.record for s in self.stored(case_id))

    def load_raw(self, case_id: str) -> tuple[CaseInfo, tuple[Record, ...]]:
        """Header and records read in one snapshot (so the version matches the records)."""
        with self.backend.read():
            info = self._info_unlocked(case_id)
            stored = self._stored_unlocked(case_id)
        return info, tuple(s.record for s in stored)

    def attachment(self, case_id: str, sha256: str) -> bytes:
        """The stored bytes of one of the case's attachments, by its SHA-256 (hex); raises
        :class:`StoreError` when the store does not hold them."""
        rows = (self.backend.execute(
            "SELECT content FROM attachments WHERE case_id = ? AND sha256 = ?", (case_id, sha256))
            if self._schema_at_least(ATTACHMENT_SCHEMA) else [])
        if not rows:
            self._info_unlocked(case_id)  # an unknown case is said as such
            raise StoreError(_("case {case_id} holds no attachment {digest}").format(
                case_id=case_id, digest=sha256[:12]))
        return _blob(rows[0][0])

    def attachments(self, case_id: str) -> dict[str, bytes]:
        """The bytes of all the case's attachments, by SHA-256 (hex)."""
        with self.backend.read():
            self._info_unlocked(case_id)
            return self._attachments_unlocked([case_id]).get(case_id, {})

    def _attachments_unlocked(self, case_ids: Sequence[str]) -> dict[str, dict[str, bytes]]:
        if not case_ids or not self._schema_at_least(ATTACHMENT_SCHEMA):
            return {}
        out: dict[str, dict[str, bytes]] = {}
        for r in self.backend.execute(
                f"SELECT case_id, sha256, content FROM attachments WHERE case_id IN "
                f"({', '.join('?' * len(case_ids))}) ORDER BY case_id, sha256", case_ids):
            out.setdefault(str(r[0]), {})[str(r[1])] = _blob(r[2])
        return out

    def heads(self, case_id: str) -> tuple[SignedHead, ...]:
        """The signed chain heads of a case, by version."""
        rows = self.backend.execute(
            "SELECT version, head_hash, algorithm, key_id, signature, signed_at FROM heads "
            "WHERE case_id = ? ORDER BY version, key_id",
            (case_id,),
        )
        return tuple(
            SignedHead(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]))
            for r in rows
        )

    # -- verification ---------------------------------------------------------------------------
    def verify(
        self, case_id: str, key: HeadVerifier | None = None, *,
        rosters_checked: dict[str, bool] | None = None,
    ) -> Verification:
        """Check a case's whole chain (and, with ``key`` or the store's signer, its signed heads).

        Finds any changed, deleted, inserted or reordered record and says at which seq.
        ``rosters_checked`` (see :meth:`verify_many`) remembers, for one pass over many
        cases, which roster fingerprints were already checked, so each is read once.
        """
        checked = {} if rosters_checked is None else rosters_checked
        with self.backend.read():
            info = self._info_unlocked(case_id)
            # A roster already checked in this pass is not read again (verify --all).
            self._check_rosters({info.roster_fingerprint}, checked)
            raw_rows = self._record_rows(case_id)
            heads = self.heads(case_id) if self._schema_at_least(2) else ()
            contents = self._attachments_unlocked([case_id]).get(case_id, {})
        return self._verified(info, checked[info.roster_fingerprint], raw_rows, heads, key,
                              contents)

    def _check_rosters(self, fingerprints: Iterable[str], checked: dict[str, bool]) -> None:
        """Note in ``checked`` whether each roster not yet there matches its fingerprint."""
        todo = sorted(set(fingerprints) - set(checked))
        if not todo:
            return
        rows = self.backend.execute(
            f"SELECT fingerprint, roster_json FROM rosters WHERE fingerprint IN "
            f"({', '.join('?' * len(todo))})", todo)
        found = {str(r[0]): str(r[1]) for r in rows}
        for fp in todo:
            checked[fp] = fp in found and _roster_fp(found[fp]) == fp

    def _verified(self, info: CaseInfo, roster_ok: bool, raw_rows: Sequence[Sequence[Any]],
                  heads: Sequence[SignedHead], key: HeadVerifier | None,
                  contents: Mapping[str, bytes]) -> Verification:
        """What :meth:`verify` finds in a case's rows as read."""
        case_id = info.case_id
        problems: list[Problem] = []
        if not roster_ok:
            problems.append(Problem("roster-mismatch", None))
        rows: list[StoredRecord] = []
        for n, row in enumerate(raw_rows, start=1):
            stored = _stored_record(row)
            if isinstance(stored, str):
                # A row whose columns are not even of the right kind: say which, go on.
                problems.append(Problem("unreadable", n, stored))
            else:
                rows.append(stored)
        prev = case_genesis(info)
        problems.extend(named_header_change(info, rows, check_chain(case_id, prev, rows)))
        problems.extend(check_attachments(rows, contents))
        last_seq = rows[-1].seq if rows else 0
        if len(rows) != info.version or last_seq != info.version:
            problems.append(Problem("count-mismatch", len(rows), str(info.version)))
        head = rows[-1].hash if rows else prev
        if head != info.head_hash:
            problems.append(Problem("head-mismatch", last_seq))
        if self._schema_at_least(SUMMARY_SCHEMA):
            problems.extend(check_summary(info, rows[-1].record_json if rows else None, last_seq))
        verifier = key if key is not None else self.signer
        signature = "not-checked"
        if verifier is not None:
            sig_problems = _check_heads(case_id, verifier, heads, rows, prev, info.version)
            signature = "invalid" if sig_problems else "valid"
            problems.extend(sig_problems)
        return Verification(case_id, len(rows), head, tuple(problems), signature)

    def verify_many(
        self, case_ids: Iterable[str], key: HeadVerifier | None = None
    ) -> Iterator[Verification]:
        """:meth:`verify` each case in turn, checking each distinct roster once. Cases are read
        a batch at a time (a few statements per batch instead of several per case); each batch
        in one snapshot."""
        checked: dict[str, bool] = {}
        ids = iter(case_ids)
        while batch := list(itertools.islice(ids, _VERIFY_BATCH)):
            yield from self._verify_batch(batch, key, checked)

    def _verify_batch(self, batch: list[str], key: HeadVerifier | None,
                      checked: dict[str, bool]) -> Iterator[Verification]:
        b = self.backend
        marks = ", ".join("?" * len(batch))
        records: dict[str, list[Sequence[Any]]] = {}
        heads: dict[str, list[SignedHead]] = {}
        with b.read():
            infos = {r[0]: _case_info(r) for r in b.execute(
                f"SELECT {self._columns()} FROM cases WHERE case_id IN ({marks})", batch)}
            self._check_rosters((i.roster_fingerprint for i in infos.values()), checked)
            for r in b.execute(f"SELECT case_id, {_RECORD_COLUMNS} FROM records "
                               f"WHERE case_id IN ({marks}) ORDER BY case_id, seq", batch):
                records.setdefault(r[0], []).append(r[1:])
            if self._schema_at_least(2):
                for r in b.execute(
                        "SELECT case_id, version, head_hash, algorithm, key_id, signature, "
                        f"signed_at FROM heads WHERE case_id IN ({marks}) "
                        "ORDER BY case_id, version, key_id", batch):
                    heads.setdefault(r[0], []).append(SignedHead(
                        int(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6])))
            contents = self._attachments_unlocked(batch)
        for case_id in batch:
            info = infos.get(case_id)
            if info is None:
                raise UnknownCase(case_id)
            yield self._verified(info, checked[info.roster_fingerprint],
                                 records.get(case_id, []), heads.get(case_id, []), key,
                                 contents.get(case_id, {}))


class _Moved(Exception):
    """An append's conditional update found the case at another version or head."""


def check_chain(case_id: str, genesis: str, rows: Iterable[StoredRecord]) -> list[Problem]:
    """Problems in a sequence of record rows chained from ``genesis`` (see :meth:`Store.verify`)."""
    # imported here, for start-up speed: only verify and the archive check a chain (msgspec)
    from deliberation.store.record_head import Unreadable, decode_head

    problems: list[Problem] = []
    prev = genesis
    expected_seq = 1
    group: StoredRecord | None = None  # the first row of the action being read
    group_next = 0
    last: StoredRecord | None = None
    for row in rows:
        seq = row.seq
        if seq != expected_seq:
            problems.append(Problem("missing", expected_seq, str(seq)))
        if row.prev_hash != prev:
            problems.append(Problem("broken-link", seq))
        if chain_hash(row.prev_hash, row.action_id, row.action_index, row.action_size,
                      row.record_json) != row.hash:
            problems.append(Problem("hash-mismatch", seq))
        # The hash above covers the stored bytes exactly; what it does not cover (the seq and
        # kind columns, the case) is checked against the record's own fields. Only those three
        # are decoded: building the whole record (json.loads) cost more than the hashing.
        try:
            head = decode_head(row.record_json)
        except Unreadable as err:
            problems.append(Problem("unreadable", seq, str(err)[:120]))
        else:
            if head.seq != seq or type(head.seq) is not int:
                problems.append(Problem("seq-mismatch", seq, str(head.seq)[:40]))
            if head.case != case_id:
                problems.append(Problem("case-mismatch", seq, str(head.case)[:40]))
            if head.kind != row.kind:
                problems.append(Problem("kind-mismatch", seq))
        # Action groups: index 0 opens one of ``size`` rows; the next size-1 rows must follow.
        if group is not None and group_next < group.action_size and (
            row.action_id != group.action_id
            or row.action_index != group_next
            or row.action_size != group.action_size
        ):
            problems.append(Problem("incomplete-action", group.seq,
                                    f"{group_next}/{group.action_size}"))
            group = None
        if group is None or group_next >= group.action_size:
            if row.action_index != 0 or row.action_size < 1:
                problems.append(Problem("incomplete-action", seq,
                                        f"{row.action_index}/{row.action_size}"))
            group, group_next = row, 1
        else:
            group_next += 1
        prev = row.hash
        expected_seq = seq + 1
        last = row
    if group is not None and group_next < group.action_size and last is not None:
        problems.append(
            Problem("incomplete-action", group.seq, f"{group_next}/{group.action_size}")
        )
    return problems


# How a stored record that names attachments begins its list (canonical JSON: no spaces); a
# record without the text has none, so only the few with evidence are parsed for it.
_ATTACHMENTS_KEY: Final = '"attachments":['


def check_attachments(rows: Iterable[StoredRecord], contents: Mapping[str, Any]
                      ) -> list[Problem]:
    """Problems with a case's evidence: each attachment a record names must have its bytes in
    ``contents`` (SHA-256 hex → bytes) with that digest and size; bytes no record names are
    reported too. Located at the naming record; the bytes of one digest are hashed once."""
    problems: list[Problem] = []
    named: set[str] = set()
    good: dict[str, bool] = {}
    for row in rows:
        if _ATTACHMENTS_KEY not in row.record_json:
            continue
        try:
            listed = json.loads(row.record_json).get("attachments") or []
            items = [(str(a["name"]), str(a["sha256"]), a["size"]) for a in listed]
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            problems.append(Problem("unreadable", row.seq, f"attachments: {err}"[:120]))
            continue
        for name, digest, size in items:
            named.add(digest)
            where = f"{printable(name)[:60]} ({digest[:12]})"
            content = contents.get(digest)
            if content is None:
                problems.append(Problem("attachment-missing", row.seq, where))
                continue
            if digest not in good:
                good[digest] = (isinstance(content, bytes)
                                and hashlib.sha256(content).hexdigest() == digest)
            if not good[digest] or len(content) != size:
                problems.append(Problem("attachment-changed", row.seq, where))
    for digest in sorted(set(contents) - named):
        problems.append(Problem("attachment-unreferenced", None, str(digest)[:12]))
    return problems


def _blob(value: Any) -> bytes:
    """A stored attachment's bytes as ``bytes`` (drivers may give a memoryview; a value
    tampered into text stays text, so its check fails instead of crashing)."""
    if isinstance(value, memoryview | bytearray):
        return bytes(value)
    return value  # type: ignore[no-any-return]


def _check_heads(
    case_id: str,
    verifier: HeadVerifier,
    heads: Sequence[SignedHead],
    rows: Sequence[StoredRecord],
    genesis: str,
    version: int,
) -> list[Problem]:
    problems: list[Problem] = []
    hash_at = {r.seq: r.hash for r in rows}
    hash_at[0] = genesis
    mine = [h for h in heads if h.key_id == verifier.key_id and h.algorithm == verifier.algorithm]
    for h in mine:
        if not verifier.verify(head_message(case_id, h.version, h.head_hash), h.signature):
            problems.append(Problem("bad-signature", h.version))
        elif hash_at.get(h.version) != h.head_hash:
            problems.append(Problem("signed-head-mismatch", h.version))
    if version > 0 and not any(h.version == version for h in mine):
        problems.append(Problem("unsigned-head", version, verifier.key_id))
    return problems


_RECORD_NAMES: Final = _RECORD_COLUMNS.split(", ")
_ROW_TYPES: Final = (int, str, int, int, str, str, str, str)


def _stored_record(r: Sequence[Any]) -> StoredRecord | str:
    """A record row as a :class:`StoredRecord`, or what is wrong with it."""
    if tuple(map(type, r)) == _ROW_TYPES:  # the usual case, fast
        return StoredRecord(*r)
    names = _RECORD_NAMES
    for i in (0, 2, 3):
        if isinstance(r[i], bool) or not isinstance(r[i], int):
            return f"{names[i]} = {str(r[i])[:40]!r} is not a whole number"
    for i in (1, 4, 5, 6, 7):
        if not isinstance(r[i], str):
            return f"{names[i]} is not text"
    return StoredRecord(int(r[0]), str(r[1]), int(r[2]), int(r[3]), str(r[4]), str(r[5]),
                        str(r[6]), str(r[7]))


def _next_day(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def _refuse_newer(version: int) -> None:
    if version > LATEST:
        raise StoreError(_(
            "the store's schema is version {version}; this program reads up to version {LATEST}: "
            "upgrade deliberation",
        ).format(version=version, LATEST=LATEST))


_CACHE_SIZE: Final = 256  # distinct rosters kept: a county's villages, several times over


def _remember(cache: OrderedDict[str, Any], key: str, value: Any) -> None:
    cache[key] = value
    if len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)


def _roster_fp(text: str) -> str:
    """A stored roster's fingerprint, from its bytes as stored: :meth:`Store.create` stores the
    canonical JSON the fingerprint is the hash of, so an unchanged roster hashes to it and any
    change to the bytes (even one that parses the same) is found, with nothing parsed or written
    again."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _case_info(r: Sequence[Any]) -> CaseInfo:
    try:
        return CaseInfo(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]),
                        int(r[6]), str(r[7]), int(r[8]), str(r[9]), str(r[10]), str(r[11]))
    except (TypeError, ValueError):
        raise StoreError(_(
            "the cases row of {value} is corrupt (its version or header_version is not a number)",
        ).format(value=r[0])) from None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


# Record rows per INSERT statement (9 parameters each: well under every database's limit).
_INSERT_ROWS: Final = 500

# Cases read at a time by verify_many (well under every database's limit on parameters).
_VERIFY_BATCH: Final = 256

# From this schema on, cases carry village, state and updated_at (see migrations).
SUMMARY_SCHEMA: Final = 6
# From this schema on, the store holds attachment bytes.
ATTACHMENT_SCHEMA: Final = 7


def record_summary(record_json: str) -> tuple[str, str]:
    """A stored record's state (its result's) and its time in UTC, as the cases row keeps
    them for listing: ``("", "")`` for parts that are missing or not readable.

    >>> record_summary('{"at": "2026-03-02T10:00:00+08:00", "result": {"state": "review"}}')
    ('review', '2026-03-02T02:00:00.000000+00:00')
    """
    try:
        data = json.loads(record_json)
    except ValueError:
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    result = data.get("result")
    state = result.get("state") if isinstance(result, dict) else None
    at = data.get("at")
    when = ""
    if isinstance(at, str):
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            when = moment.astimezone(UTC).isoformat(timespec="microseconds")
    return (state if isinstance(state, str) else ""), when


def check_summary(info: CaseInfo, last_record_json: str | None, last_seq: int) -> list[Problem]:
    """Problems with the cases row's ``state`` and ``updated_at``: they must restate the last
    record (a case without records has neither)."""
    state, updated = record_summary(last_record_json) if last_record_json else ("", "")
    return [Problem("summary-mismatch", last_seq, name)
            for name, stored, expected in (("state", info.state, state),
                                           ("updated_at", info.updated_at, updated))
            if stored != expected]


def named_header_change(info: CaseInfo, rows: Sequence[StoredRecord],
                        chain: list[Problem]) -> list[Problem]:
    """``chain``'s problems, with a broken first link said for what it is when record 1 is
    intact: no record moved, a column of the case's header changed in the cases table. The
    matter is named with its first value (the opened record keeps it); ``created_at`` and
    ``village`` are in no record, so which of the two changed cannot be told."""
    broken = Problem("broken-link", 1)
    if (not rows or rows[0].seq != 1 or broken not in chain
            or Problem("hash-mismatch", 1) in chain or info.header_version < 2):
        return chain
    try:
        first = json.loads(rows[0].record_json)
        recorded = first["data"]["matter"] if first["kind"] == "opened" else None
    except (ValueError, TypeError, KeyError):
        return chain
    if not isinstance(recorded, str):
        return chain
    if recorded != info.matter:
        named = Problem("matter-changed", 1, recorded)
    else:
        named = Problem("header-changed", 1,
                        "created_at, village" if info.header_version >= 3 else "created_at")
    return [named if p == broken else p for p in chain]


def _backfill_summaries(b: Backend) -> None:
    """Fill in ``state`` and ``updated_at`` of the cases stored before schema v6, from their
    last records (inside the migration's transaction)."""
    rows = b.execute("SELECT c.case_id, r.record_json FROM cases c JOIN records r "
                     "ON r.case_id = c.case_id AND r.seq = c.version")
    b.executemany("UPDATE cases SET state = ?, updated_at = ? WHERE case_id = ?",
                  [(*record_summary(str(r[1])), str(r[0])) for r in rows])


def open_store(
    url: str,
    *,
    signer: HeadSigner | None = None,
    schema_target: int = LATEST,
    readonly: bool = False,
    create: bool = True,
) -> Store:
    """Open (creating and migrating as needed) the store at ``url``.

    ``sqlite:///village.db`` (a file; created if absent), ``sqlite:///:memory:``, or
    ``postgresql://user:password@host/dbname``. ``schema_target`` exists for upgrade tests.
    ``readonly=True`` opens an existing store for reading only: nothing is created or migrated
    (a read-only file or database user is enough), and a store written by a newer version of
    this program is refused, as it is for writing. ``create=False``: an SQLite file must
    already exist.
    """
    backend = connect(url, readonly=readonly, create=create)
    try:
        return Store(backend, signer, schema_target=schema_target, readonly=readonly)
    except StoreError:
        backend.close()
        raise
    except Exception as err:
        backend.close()
        if backend.is_database_error(err):
            # A file that is not a database, a truncated one, a full disk: one clear line.
            raise StoreError(_("{where}: {problem}").format(
                where=redact(backend.url), problem=as_written(str(err)))) from None
        raise
