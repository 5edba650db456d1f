"""Every stored column and every archive field, changed in turn, is detected and located by
``verify`` (or ``verify_archive``): never missed, never a crash.

The columns are read from the database itself, so a column added later is tampered with too
(and must be covered, or listed in ``UNCOVERED`` with the reason).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
import test_store_support as support
from test_store_support import make_records, small_roster

from deliberation.store import HmacSigner, Store, UnknownCase, open_store
from deliberation.store.archive import archive_data, verify_archive
from deliberation.store.evidence import evidence_from_bytes

store_url = support.store_url  # both backends (see test_store_support)
KEY = HmacSigner(b"the township's key, kept elsewhere")

# Columns no reader relies on for what a case says, with why.
UNCOVERED = {
    ("heads", "signed_at"): "when the signature was made: informational",
    ("heads", "algorithm"): "a changed algorithm only hides the row from its key: unsigned-head",
}


def _columns(store: Store, table: str) -> list[str]:
    if store.backend.dialect == "sqlite":
        return [str(r[1]) for r in store.backend.execute(f"PRAGMA table_info({table})")]
    return [str(r[0]) for r in store.backend.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
        "AND table_schema = current_schema() ORDER BY ordinal_position", (table,))]


def _changed(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        raw = bytes(value)
        return raw[:-1] + bytes([raw[-1] ^ 1])
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    text = str(value)
    return text[:-1] + ("0" if text[-1:] != "0" else "1") if text else "x"


def _fill(store: Store) -> None:
    store.create("c", "four-deliberations", "1", small_roster(), matter="修村道",
                 records=make_records("c", 1, 2))
    store.append("c", 2, make_records("c", 3, 3))
    # an action carrying evidence: its record names the file, the store holds the bytes
    scan = evidence_from_bytes("纪要.pdf", b"%PDF-1.7 minutes")
    (rec,) = make_records("c", 6, 1)
    store.append("c", 5, [attrs.evolve(rec, attachments=(scan.attachment,))],
                 attachments={scan.attachment.sha256: scan.content})


TABLES = {"cases": "case_id = 'c'", "records": "case_id = 'c' AND seq = 4",
          "rosters": "1 = 1", "heads": "case_id = 'c' AND version = 6",
          "attachments": "case_id = 'c'"}


def _targets() -> Iterator[tuple[str, str]]:
    with open_store("sqlite:///:memory:") as store:
        for table in TABLES:
            for column in _columns(store, table):
                if (table, column) not in UNCOVERED:
                    yield table, column


@pytest.mark.parametrize(("table", "column"), list(_targets()))
def test_every_stored_column_is_covered(store_url: str, table: str, column: str) -> None:
    with open_store(store_url, signer=KEY) as store:
        _fill(store)
        assert store.verify("c", key=KEY).ok
        where = TABLES[table]
        (old,) = store.backend.execute(f"SELECT {column} FROM {table} WHERE {where}")[0]
        if table == "records" and column == "case_id":
            # The row moves to a case that does not exist: the foreign key refuses it.
            return
        try:
            store.backend.execute(f"UPDATE {table} SET {column} = ? WHERE {where}",
                                  (_changed(old),))
        except Exception as err:
            assert store.backend.is_database_error(err)
            return
        if table == "cases" and column == "case_id":
            # Renamed (where the database let it): case c is gone, and the renamed one's
            # records still name c, so neither verifies.
            with pytest.raises(UnknownCase):
                store.verify("c", key=KEY)
            assert not store.verify(_changed(old), key=KEY).ok
            return
        result = store.verify("c", key=KEY)
        assert not result.ok, f"{table}.{column} changed unnoticed"
        assert result.problems


def test_a_stored_roster_rewritten_in_other_bytes_is_found(store_url: str) -> None:
    # verify hashes the roster's bytes as stored (the canonical JSON its fingerprint is the
    # hash of): the same people written with other spacing or key order are a changed row too
    with open_store(store_url, signer=KEY) as store:
        _fill(store)
        (text,) = store.backend.execute("SELECT roster_json FROM rosters")[0]
        people = json.loads(text)
        for other in (json.dumps(people, ensure_ascii=False),  # spaces after , and :
                      json.dumps(people[::-1], ensure_ascii=False, separators=(",", ":"))):
            store.backend.execute("UPDATE rosters SET roster_json = ?", (other,))
            result = store.verify("c", key=KEY)
            assert [p.code for p in result.problems] == ["roster-mismatch"]
        store.backend.execute("UPDATE rosters SET roster_json = ?", (text,))
        assert store.verify("c", key=KEY).ok


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _leaves(v, (*path, i))
    else:
        yield path


# Archive parts that are reports about the case, not the case: changing them changes no claim.
INFORMATIONAL = ("exported_at", "verification", "state", "heads", "format", "format_version")


def test_every_archive_field_is_covered(tmp_path: Any) -> None:
    with open_store(f"sqlite:///{tmp_path / 's.db'}", signer=KEY) as store:
        _fill(store)
        data = json.loads(json.dumps(archive_data(store, "c", key=KEY, attachments=True)))
    assert verify_archive(data) == []
    checked = 0
    for path in _leaves(data):
        if path[0] in INFORMATIONAL:
            continue
        tampered = copy.deepcopy(data)
        node = tampered
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = _changed(node[path[-1]])
        problems = verify_archive(tampered)
        assert problems, f"archive field {path} changed unnoticed"
        if path[0] == "records":
            assert any(p.seq is not None for p in problems), (path, problems)
        # A field of the wrong shape is a problem found, not an exception.
        node[path[-1]] = {"not": "a scalar"}
        assert verify_archive(tampered)
        checked += 1
    assert checked > 50
    for key in ("case", "roster", "records"):
        broken = copy.deepcopy(data)
        del broken[key]
        assert verify_archive(broken)
