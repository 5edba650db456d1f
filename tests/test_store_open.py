"""Opening a store: read-only without migrating, refusing what is not a store, several keys."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
import test_store_support as support
from test_store_support import make_records, small_roster

from deliberation.cli import main
from deliberation.store import Ed25519Signer, HmacSigner, StoreError, open_store
from deliberation.store.migrations import LATEST

store_url = support.store_url  # both backends (see test_store_support)


def test_a_second_key_signs_the_same_version_beside_the_first(store_url: str) -> None:
    township = HmacSigner(b"the township's secret key, 32 b.")
    county = Ed25519Signer.generate()
    with open_store(store_url, signer=township) as store:
        store.create("c1", "p", "1", small_roster(), records=make_records("c1", 1, 3))
    with open_store(store_url, signer=county) as store:
        # Before: a raw primary-key error, because the township had signed version 3 already.
        head = store.sign_head("c1")
        assert (head.version, head.key_id) == (3, county.key_id)
        assert {(h.version, h.key_id) for h in store.heads("c1")} == {
            (3, township.key_id), (3, county.key_id)}
        store.append("c1", 3, make_records("c1", 4, 1))
        # Each key checks only its own signatures: the county's covers 4, the township's not.
        assert store.verify("c1", key=county.verifier).ok
        township_view = store.verify("c1", key=township)
        assert [(p.code, p.seq) for p in township_view.problems] == [("unsigned-head", 4)]
        # Signing the same version again with the same key replaces its row, no error.
        store.sign_head("c1")
        assert len([h for h in store.heads("c1") if h.version == 4]) == 1


def test_read_only_open_does_not_migrate(store_url: str) -> None:
    with open_store(store_url, schema_target=1) as old:
        old.create("c1", "p", "1", small_roster(), records=make_records("c1", 1, 4))
    with open_store(store_url, readonly=True) as ro:
        assert ro.schema_version() == 1
        assert ro.verify("c1").ok and ro.info("c1").version == 4
        assert len(ro.records("c1")) == 4
        with pytest.raises(Exception):  # noqa: B017 - the database itself refuses (any driver)
            ro.append("c1", 4, make_records("c1", 5, 1))
    with open_store(store_url) as rw:
        assert rw.schema_version() == LATEST
        assert rw.info("c1").version == 4


def test_read_only_open_refuses_what_is_not_a_store(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    with pytest.raises(StoreError, match="no store file"):
        open_store(f"sqlite:///{missing}", readonly=True)
    assert not missing.exists()  # reading never creates a file
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(StoreError, match="not a case store"):
        open_store(f"sqlite:///{empty}", readonly=True)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    for readonly in (False, True):
        with pytest.raises(StoreError, match="not a database"):
            open_store(f"sqlite:///{junk}", readonly=readonly)


def test_a_store_in_a_read_only_folder_verifies_from_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    db = folder / "village.db"
    url = f"sqlite:///{db}"
    assert main(["case", "new", "--db", url, "--procedure", "four-deliberations",
                 "--matter", "修村道", "--id", "road", "--at", "2026-03-01T09:00+08:00"]) == 0
    assert not (folder / "village.db-wal").exists()  # closed cleanly: everything is in the file
    before = db.read_bytes()
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        if os.geteuid() != 0:
            with pytest.raises(StoreError):  # a writer cannot open it here…
                open_store(url)
        capsys.readouterr()
        # …and every reading command works without writing anything.
        for command in (["show", "road"], ["log", "road"], ["verify", "road"],
                        ["export", "road"], ["list"]):
            assert main(["case", *command, "--db", url, "--lang", "en"]) == 0, command
        assert db.read_bytes() == before  # nothing written, nothing migrated
        if os.geteuid() != 0:  # root may write anywhere, and SQLite then keeps its -shm file
            assert sorted(p.name for p in folder.iterdir()) == ["village.db"]
    finally:
        folder.chmod(0o755)
