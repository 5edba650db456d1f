"""Procedures an admin uploaded to the service, kept in the database beside the built-ins.

A posted YAML definition is checked by the same loader as a file (every problem located, at
once); a clean one is stored exactly as posted, by id and version, with the SHA-256 of its
text. A case opened under it is stored with the procedure version ``VERSION+sha256.HASH``
(build metadata, as in Semantic Versioning): the case's chained header binds the text, so
replay loads exactly the stored text, checks its hash again, and a changed text (or a header
naming another one) fails verify or replay instead of silently changing what the records mean.

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

from deliberation.definition.loader import check_text, default_library
from deliberation.definition.model import Procedure
from deliberation.diagnostics import Diagnostic
from deliberation.errors import DefinitionError, DeliberationError
from deliberation.i18n import _
from deliberation.service.db import now_text
from deliberation.store import Store, StoreError

__all__ = ["MAX_BYTES", "AddedProcedure", "ProcedureTaken", "StoredProcedure", "add_procedure",
           "bound_hash", "content_hash", "latest", "procedure_for", "stored_procedures"]

# A procedure definition is a few hundred lines; a larger upload is a mistake or an attack.
MAX_BYTES: Final = 256 * 1024

_MARK: Final = "+sha256."


def content_hash(text: str) -> str:
    """The SHA-256 of the definition's text (UTF-8) as stored: what a case binds."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
    content_hash: str
    village: str
    created_at: str

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


def _check(text: str, file: str) -> Procedure:
    try:
        procedure, diagnostics = check_text(text, file, default_library())
    except DefinitionError:
        raise
    except DeliberationError as err:
        raise DefinitionError([Diagnostic("D100", err.message, file)]) from None
    if diagnostics or procedure is None:
        raise DefinitionError(diagnostics)
    return procedure


_COLUMNS: Final = "procedure_id, version, content_hash, village, created_at"


def _row(r: tuple[object, ...]) -> StoredProcedure:
    return StoredProcedure(*(str(v) for v in r[:5]))


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
    procedure = _check(text, file)
    if procedure.id in default_library().ids():
        raise ProcedureTaken(_(
            "{id} is a built-in procedure: give yours another id",
        ).format(id=procedure.id))
    digest = content_hash(text)
    row = StoredProcedure(procedure.id, str(procedure.version), digest, village, now_text())
    b = store.backend
    with b.write():
        inserted = b.execute(
            "INSERT INTO service_procedures (procedure_id, version, content_hash, yaml_text, "
            "village, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING "
            "RETURNING content_hash",
            (row.procedure_id, row.version, digest, text, village, row.created_at))
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
    runs under, by the content hash its version binds; the stored text must still have that
    hash. Raises :class:`~deliberation.store.StoreError` if it is missing or changed
    (built-in procedures are loaded by :func:`deliberation.store.cases.load_case`)."""
    digest = bound_hash(procedure_version)
    cached = _PARSED.get(digest) if digest else None
    if cached is not None and cached.id == procedure_id:
        return cached
    text = text_of(store, procedure_id, digest) if digest else None
    if digest is None or text is None or content_hash(text) != digest:
        # Like a case that no longer replays: the operator's matter (see docs/service.md).
        raise StoreError(_(
            "the text of procedure {id} version {version} is missing or changed",
        ).format(id=procedure_id, version=procedure_version))
    procedure = _check(text, f"{procedure_id}@{digest[:12]}")
    _PARSED.put(digest, procedure)
    return procedure


def text_of(store: Store, procedure_id: str, digest: str) -> str | None:
    """The stored text of an uploaded procedure (``None``: no such text)."""
    rows = store.backend.execute(
        "SELECT yaml_text FROM service_procedures WHERE procedure_id = ? AND content_hash = ?",
        (procedure_id, digest))
    return str(rows[0][0]) if rows else None
