"""Procedures an admin uploaded to the service, kept in the database beside the built-ins.

A posted YAML definition is checked by the same loader as a file (every problem located, at
once); a clean one is stored exactly as posted, by id and version, with the SHA-256 of its
text. A case opened under it is stored with the procedure version ``VERSION+sha256.HASH``
(build metadata, as in Semantic Versioning): the case's chained header binds the text, so
replay loads exactly the stored text, checks its hash again, and a changed text (or a header
naming another one) fails verify or replay instead of silently changing what the records mean.

An uploaded procedure may ``extends:`` a built-in or another uploaded one (:class:`StoreLibrary`
resolves ids against both). The uploaded one it extends is resolved when it is uploaded (its
last version then) and pinned: its row keeps that one's id and binding hash, and its own binding
hash covers them (:func:`binding_hash`), so a case binds the whole chain of stored texts and
replays under exactly them. A missing parent or a chain that comes back to the procedure being
checked are lint diagnostics (D703, D702), as for files.

>>> from deliberation.service.db import open_service_store
>>> store = open_service_store("sqlite:///:memory:")
>>> text = "id: my-four\\nextends: four-deliberations\\nversion: '2.1'\\n"
>>> added = add_procedure(store, text, "guzhuang")
>>> added.created, added.bound_version == "2.1+sha256." + content_hash(text)
(True, True)
>>> procedure_for(store, "my-four", added.bound_version).id
'my-four'
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Final

import attrs

from deliberation.definition.loader import Library, check_text, default_library, env_path
from deliberation.definition.model import Procedure
from deliberation.diagnostics import Diagnostic
from deliberation.engine.records import canonical_json
from deliberation.errors import DefinitionError, DeliberationError, UnknownProcedure
from deliberation.i18n import Text, _, as_written, series
from deliberation.service.db import now_text
from deliberation.store import Store, StoreError

__all__ = ["MAX_BYTES", "AddedProcedure", "ProcedureTaken", "StoreLibrary", "StoredProcedure",
           "add_procedure", "binding_hash", "bound_hash", "content_hash", "intact", "latest",
           "procedure_for", "stored_procedures"]

# A procedure definition is a few hundred lines; a larger upload is a mistake or an attack.
MAX_BYTES: Final = 256 * 1024

_MARK: Final = "+sha256."


def content_hash(text: str) -> str:
    """The SHA-256 of the definition's text (UTF-8) as stored: what a case binds."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def binding_hash(text: str, base_id: str = "", base_hash: str = "") -> str:
    """What a case opened under an uploaded procedure binds (its ``content_hash`` column): the
    SHA-256 of its text; for one that extends another uploaded procedure, the SHA-256 of the
    canonical JSON ``{"extends": {"id": base_id, "sha256": base_hash}, "text": text}``, which
    covers that one's binding hash and so, in turn, the whole chain of texts.

    >>> binding_hash("id: x\\n") == content_hash("id: x\\n")
    True
    """
    if not base_id:
        return content_hash(text)
    data = {"extends": {"id": base_id, "sha256": base_hash}, "text": text}
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def bound_hash(procedure_version: str) -> str | None:
    """The content hash in a case's stored procedure version (``None``: a built-in).

    >>> bound_hash("2.1+sha256.ab12"), bound_hash("1.0")
    ('ab12', None)
    """
    _version, mark, digest = procedure_version.partition(_MARK)
    return digest if mark else None


class ProcedureTaken(DeliberationError):
    """The id (and version) names another procedure already: choose a new id or version."""


@attrs.frozen
class StoredProcedure:
    """An uploaded procedure's row: id, version, content hash, the village of the admin who
    uploaded it, and when."""

    procedure_id: str
    version: str
    content_hash: str  # the binding hash (see binding_hash)
    village: str
    created_at: str
    base_id: str = ""  # the uploaded procedure it extends, pinned by its binding hash
    base_hash: str = ""

    @property
    def bound_version(self) -> str:
        """The procedure version a case opened under it is stored with."""
        return f"{self.version}{_MARK}{self.content_hash}"


@attrs.frozen
class AddedProcedure:
    stored: StoredProcedure
    procedure: Procedure
    created: bool  # False: this very text was stored already

    @property
    def bound_version(self) -> str:
        return self.stored.bound_version


def _check(text: str, file: str, library: Library | None = None) -> Procedure:
    try:
        procedure, diagnostics = check_text(text, file, library or default_library())
    except DefinitionError:
        raise
    except DeliberationError as err:
        raise DefinitionError([Diagnostic("D100", err.message, file)]) from None
    if diagnostics or procedure is None:
        raise DefinitionError(diagnostics)
    return procedure


_COLUMNS: Final = "procedure_id, version, content_hash, village, created_at, base_id, base_hash"


def _row(r: tuple[object, ...]) -> StoredProcedure:
    return StoredProcedure(*(str(v) for v in r[:7]))


@attrs.define
class StoreLibrary(Library):
    """The procedure search path (built-ins and ``DELIBERATION_PATH``) and the procedures
    uploaded to ``store``, for resolving ``extends:``. An uploaded id resolves to the binding
    hash ``pinned`` gives it (a stored procedure's recorded parent) or else to its last
    uploaded version (checking a new upload); ``resolved`` notes which uploaded ones were used.
    ``fresh``: parse uploaded texts again rather than take them from the parsed cache (checking
    an upload, so every chain is checked for loops as it stands).

    >>> from deliberation.service.db import open_service_store
    >>> store = open_service_store("sqlite:///:memory:")
    >>> _ = add_procedure(store, "id: base-x\\nextends: four-deliberations\\nversion: '1'\\n", "g")
    >>> lib = StoreLibrary(env_path(), store=store)
    >>> lib.load("base-x").extends, "base-x" in lib.ids(), lib.resolved["base-x"][:8]
    ('four-deliberations', True, 'd81c6cc7')
    """

    store: Store | None = attrs.field(default=None, kw_only=True)
    pinned: dict[str, str] = attrs.field(factory=dict, kw_only=True)
    fresh: bool = attrs.field(default=False, kw_only=True)
    resolved: dict[str, str] = attrs.field(factory=dict, init=False)

    def ids(self) -> list[str]:
        uploaded = {r.procedure_id for r in stored_procedures(self.store)} if self.store else set()
        return sorted(set(super().ids()) | uploaded)

    def kept_versions(self, procedure_id: str) -> Text:
        if procedure_id in self.index() or self.store is None:
            return super().kept_versions(procedure_id)
        rows = self.store.backend.execute(
            "SELECT version FROM service_procedures WHERE procedure_id = ? ORDER BY created_at",
            (procedure_id,))
        return series(as_written(str(r[0])) for r in rows) if rows else as_written("-")

    def load(self, procedure_id: str, version: str | None = None) -> Procedure:
        if procedure_id in self.index() or self.store is None:
            # (an upload never takes a built-in's id)
            return super().load(procedure_id, version)
        digest = self.pinned.get(procedure_id)
        if digest is None:
            # ``extends: ID@VERSION`` names an uploaded version; else the last one uploaded
            row = (latest(self.store, procedure_id) if version is None
                   else uploaded_version(self.store, procedure_id, version))
            if row is None:
                raise UnknownProcedure(_("no procedure {procedure_id!r}").format(
                    procedure_id=procedure_id))
            digest = row.content_hash
        self.resolved[procedure_id] = digest
        if self.fresh:
            return _parse_stored(self.store, procedure_id, digest, fresh=True)
        return _by_hash(self.store, procedure_id, digest)


def add_procedure(store: Store, text: str, village: str, file: str = "<upload>"
                  ) -> AddedProcedure:
    """Check ``text`` and store it (uploaded by an admin of ``village``).

    Raises :class:`~deliberation.errors.DefinitionError` with every diagnostic, or
    :class:`ProcedureTaken` when the id is a built-in's or the id and version were stored with
    another text (the same text again changes nothing: ``created`` is False).
    """
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise DefinitionError([Diagnostic("D100", _(
            "the definition is larger than {limit} bytes",
        ).format(limit=MAX_BYTES), file)])
    library = StoreLibrary(env_path(), store=store, fresh=True)
    procedure = _check(text, file, library)
    if procedure.id in default_library().ids():
        raise ProcedureTaken(_(
            "{id} is a built-in procedure: give yours another id",
        ).format(id=procedure.id))
    base_hash = library.resolved.get(procedure.extends or "", "")
    base_id = (procedure.extends or "") if base_hash else ""
    digest = binding_hash(text, base_id, base_hash)
    row = StoredProcedure(procedure.id, str(procedure.version), digest, village, now_text(),
                          base_id, base_hash)
    b = store.backend
    with b.write():
        inserted = b.execute(
            "INSERT INTO service_procedures (procedure_id, version, content_hash, yaml_text, "
            "village, created_at, base_id, base_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING RETURNING content_hash",
            (row.procedure_id, row.version, digest, text, village, row.created_at, base_id,
             base_hash))
        found = b.execute(
            f"SELECT {_COLUMNS} FROM service_procedures WHERE procedure_id = ? AND version = ?",
            (row.procedure_id, row.version))
    if not found or str(found[0][2]) != digest:
        raise ProcedureTaken(_(
            "{id} version {version} is stored with another text: raise the version",
        ).format(id=row.procedure_id, version=row.version))
    return AddedProcedure(_row(found[0]), procedure, bool(inserted))


def stored_procedures(store: Store) -> list[StoredProcedure]:
    """Every uploaded procedure, by id, newest version last."""
    return [_row(r) for r in store.backend.execute(
        f"SELECT {_COLUMNS} FROM service_procedures ORDER BY procedure_id, created_at")]


def uploaded_version(store: Store, procedure_id: str, version: str) -> StoredProcedure | None:
    """``version`` of the uploaded ``procedure_id`` (an id and version have one text)."""
    rows = store.backend.execute(
        f"SELECT {_COLUMNS} FROM service_procedures WHERE procedure_id = ? AND version = ?",
        (procedure_id, version))
    return _row(rows[0]) if rows else None


def latest(store: Store, procedure_id: str) -> StoredProcedure | None:
    """The version of ``procedure_id`` uploaded last (new cases are opened under it)."""
    rows = store.backend.execute(
        f"SELECT {_COLUMNS} FROM service_procedures WHERE procedure_id = ? "
        "ORDER BY created_at DESC LIMIT 1", (procedure_id,))
    return _row(rows[0]) if rows else None


class _Parsed:
    """Parsed procedures by content hash, shared by a process's threads: the hash names the
    text, so an entry cannot go stale (the text is hashed again when read from the database)."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._items: OrderedDict[str, Procedure] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, digest: str) -> Procedure | None:
        with self._lock:
            return self._items.get(digest)

    def put(self, digest: str, procedure: Procedure) -> None:
        with self._lock:
            self._items[digest] = procedure
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_PARSED: Final = _Parsed()


def procedure_for(store: Store, procedure_id: str, procedure_version: str) -> Procedure:
    """The uploaded procedure a case stored with ``procedure_id`` and ``procedure_version``
    runs under, by the binding hash its version binds; the stored text (and those of the
    uploaded procedures it extends) must still have that hash. Raises
    :class:`~deliberation.store.StoreError` if one is missing or changed (built-in procedures
    are loaded by :func:`deliberation.store.cases.load_case`)."""
    digest = bound_hash(procedure_version)
    if digest is None:
        raise _changed(procedure_id, procedure_version)
    return _by_hash(store, procedure_id, digest, procedure_version)


def _by_hash(store: Store, procedure_id: str, digest: str, version: str = "") -> Procedure:
    cached = _PARSED.get(digest)
    if cached is not None and cached.id == procedure_id:
        return cached
    procedure = _parse_stored(store, procedure_id, digest, version=version)
    _PARSED.put(digest, procedure)
    return procedure


def _parse_stored(store: Store, procedure_id: str, digest: str, *, fresh: bool = False,
                  version: str = "") -> Procedure:
    """The stored procedure with this binding hash, parsed, ``extends:`` resolved to the
    uploaded parent its row pins (if any)."""
    row = _stored_text(store, procedure_id, digest)
    if row is None or binding_hash(*row) != digest:
        # Like a case that no longer replays: the operator's matter (see docs/service.md).
        raise _changed(procedure_id, version or digest[:12])
    text, base_id, base_hash = row
    library = StoreLibrary(env_path(), store=store, fresh=fresh,
                           pinned={base_id: base_hash} if base_id else {})
    try:
        return _check(text, f"{procedure_id}@{digest[:12]}", library)
    except DefinitionError:
        if base_id and not intact(store, base_id, base_hash):
            raise _changed(base_id, base_hash[:12]) from None
        raise


def _changed(procedure_id: str, version: str) -> StoreError:
    return StoreError(_(
        "the text of procedure {id} version {version} is missing or changed",
    ).format(id=procedure_id, version=version))


def _stored_text(store: Store, procedure_id: str, digest: str) -> tuple[str, str, str] | None:
    rows = store.backend.execute(
        "SELECT yaml_text, base_id, base_hash FROM service_procedures "
        "WHERE procedure_id = ? AND content_hash = ?", (procedure_id, digest))
    return (str(rows[0][0]), str(rows[0][1]), str(rows[0][2])) if rows else None


def text_of(store: Store, procedure_id: str, digest: str) -> str | None:
    """The stored text of an uploaded procedure (``None``: no such text)."""
    row = _stored_text(store, procedure_id, digest)
    return row[0] if row else None


# Longer chains of uploaded procedures than this are not followed (a chain cannot loop:
# each pins a parent stored before it, by a hash that covers that one's parent in turn).
_MAX_CHAIN: Final = 64


def intact(store: Store, procedure_id: str, digest: str) -> bool:
    """Whether the stored text with this binding hash, and that of every uploaded procedure
    it extends, still has its hash (read from the database, not from any cache)."""
    for _step in range(_MAX_CHAIN):
        row = _stored_text(store, procedure_id, digest)
        if row is None or binding_hash(*row) != digest:
            return False
        if not row[1]:
            return True
        procedure_id, digest = row[1], row[2]
    return False
