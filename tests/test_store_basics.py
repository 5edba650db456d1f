"""The store's API on both backends: create, append, load, conflicts, migrations, signatures."""

from __future__ import annotations

import itertools
import json

import pytest
import test_store_support as support
from test_store_support import make_records, small_roster

from deliberation.engine.records import Record
from deliberation.errors import ConcurrencyConflict, InvalidAction
from deliberation.roster import Roster
from deliberation.store import (
    CaseExists,
    Ed25519Signer,
    HmacSigner,
    StoreError,
    UnknownCase,
    chain_hash,
    genesis_hash,
    open_store,
)
from deliberation.store.core import record_summary
from deliberation.store.migrations import LATEST

store_url = support.store_url  # both backends (see test_store_support)


def test_create_append_and_read_back(store_url: str) -> None:
    with open_store(store_url) as store:
        roster = small_roster()
        assert store.create("c1", "four-deliberations", "1", roster, matter="修村道",
                            records=make_records("c1", 1, 2)) == 2
        assert store.append("c1", 2, make_records("c1", 3, 3)) == 5
        info = store.info("c1")
        assert (info.version, info.procedure_id, info.matter) == (5, "four-deliberations", "修村道")
        assert store.records("c1") == tuple(make_records("c1", 1, 5))
        assert store.roster("c1") == roster
        stored = store.stored("c1")
        assert [s.action_size for s in stored] == [2, 2, 3, 3, 3]
        assert stored[0].prev_hash == genesis_hash(
            "c1", "four-deliberations", "1", info.roster_fingerprint, matter="修村道",
            created_at=info.created_at, village="")
        for a, b in itertools.pairwise(stored):
            assert b.prev_hash == a.hash
        assert info.head_hash == stored[-1].hash
        assert store.verify("c1").ok
    # A second connection sees the same (durable, not cached).
    with open_store(store_url) as again:
        assert again.info("c1").version == 5 and again.verify("c1").ok


def test_rosters_are_stored_once(store_url: str) -> None:
    with open_store(store_url) as store:
        for cid in ("a", "b", "c"):
            store.create(cid, "four-deliberations", "1", small_roster())
        store.create("d", "four-deliberations", "1", Roster.generate(households=3, people=5,
            party_members=1, representatives=1, party_committee=1, villagers_committee=1,
            supervision_committee=1))
        assert store.backend.execute("SELECT COUNT(*) FROM rosters")[0][0] == 2
        assert [c.case_id for c in store.cases()] == ["a", "b", "c", "d"]


def test_stale_version_conflicts_and_changes_nothing(store_url: str) -> None:
    with open_store(store_url) as store:
        store.create("c1", "p", "1", small_roster(), records=make_records("c1", 1, 1))
        store.append("c1", 1, make_records("c1", 2, 1, who="first"))
        before = store.stored("c1")
        with pytest.raises(ConcurrencyConflict) as err:
            store.append("c1", 1, make_records("c1", 2, 1, who="second"))
        assert (err.value.expected_version, err.value.actual_version) == (1, 2)
        assert store.stored("c1") == before


def test_bad_appends_are_refused_whole(store_url: str) -> None:
    with open_store(store_url) as store:
        store.create("c1", "p", "1", small_roster())
        with pytest.raises(UnknownCase):
            store.append("nope", 0, make_records("nope", 1, 1))
        recs = make_records("c1", 1, 3)
        # A gap inside the action: nothing of it is stored.
        with pytest.raises(InvalidAction):
            store.append("c1", 0, [recs[0], recs[2]])
        with pytest.raises(InvalidAction):
            store.append("c1", 0, make_records("other", 1, 1))
        with pytest.raises(InvalidAction):
            store.append("c1", 0, [])
        assert store.info("c1").version == 0 and store.records("c1") == ()
        with pytest.raises(CaseExists):
            store.create("c1", "p", "1", small_roster())


def test_url_errors_are_clear(tmp_path: object) -> None:
    with pytest.raises(StoreError, match="unknown store URL"):
        open_store("mysql://x/y")
    with pytest.raises(StoreError, match="names no file"):
        open_store("sqlite:///")
    with pytest.raises(StoreError, match="cannot connect"):
        open_store("postgresql://nobody:secret@127.0.0.1:1/none")


def test_upgrade_from_schema_v1(store_url: str) -> None:
    with open_store(store_url, schema_target=1) as old:
        assert old.schema_version() == 1
        old.create("c1", "p", "1", small_roster(), records=make_records("c1", 1, 4))
        with pytest.raises(Exception):  # noqa: B017 - the v2 table is absent at v1 (any driver error)
            old.backend.execute("SELECT COUNT(*) FROM heads")
    key = HmacSigner(b"k" * 32)
    with open_store(store_url, signer=key) as new:
        assert new.schema_version() == LATEST == 7
        versions = new.backend.execute("SELECT version FROM schema_version ORDER BY version")
        assert [v[0] for v in versions] == [1, 2, 3, 4, 5, 6, 7]
        assert new.records("c1") == tuple(make_records("c1", 1, 4))
        # v6 filled in the listing columns from the case's last record
        info = new.info("c1")
        assert (info.state, info.updated_at) == record_summary(new.stored("c1")[-1].record_json)
        assert info.updated_at and info.village == ""
        # The old, unsigned head is reported until someone signs it after checking the chain.
        assert [p.code for p in new.verify("c1").problems] == ["unsigned-head"]
        new.sign_head("c1")
        new.append("c1", 4, make_records("c1", 5, 1))
        assert new.verify("c1").ok and new.verify("c1").signature == "valid"


def test_newer_schema_is_refused(store_url: str) -> None:
    with open_store(store_url) as store:
        store.backend.execute(
            "INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'x', 'y')"
        )
    with pytest.raises(StoreError, match="version 99"):
        open_store(store_url)
    with pytest.raises(StoreError, match="version 99"):
        open_store(store_url, readonly=True)


@pytest.mark.parametrize("algorithm", ["hmac", "ed25519"])
def test_signed_head_catches_a_rewritten_chain(store_url: str, algorithm: str) -> None:
    signer = HmacSigner(b"secret key held by the township") if algorithm == "hmac" else (
        Ed25519Signer.generate()
    )
    verifier = signer if algorithm == "hmac" else signer.verifier  # type: ignore[attr-defined]
    with open_store(store_url, signer=signer) as store:
        store.create("c1", "p", "1", small_roster(), records=make_records("c1", 1, 2))
        store.append("c1", 2, make_records("c1", 3, 2))
        assert [h.version for h in store.heads("c1")] == [2, 4]
    with open_store(store_url) as store:  # whoever holds the database, but not the key
        assert store.verify("c1").ok and store.verify("c1").signature == "not-checked"
        assert store.verify("c1", key=verifier).signature == "valid"
        # Rewrite record 3 and recompute every hash after it, and the case head: the chain
        # itself looks perfect, only the signature can tell.
        rows = store.stored("c1")
        forged = json.loads(rows[2].record_json)
        forged["data"]["text"] = "改过的"
        text = Record.from_data(forged)
        from deliberation.engine.records import record_to_json

        new_json = record_to_json(text)
        prev = rows[1].hash
        b = store.backend
        for row in rows[2:]:
            body = new_json if row.seq == 3 else row.record_json
            h = chain_hash(prev, row.action_id, row.action_index, row.action_size, body)
            b.execute("UPDATE records SET record_json = ?, prev_hash = ?, hash = ? "
                      "WHERE case_id = ? AND seq = ?", (body, prev, h, "c1", row.seq))
            prev = h
        b.execute("UPDATE cases SET head_hash = ? WHERE case_id = ?", (prev, "c1"))
        assert store.verify("c1").ok  # the unkeyed chain cannot see it
        result = store.verify("c1", key=verifier)
        assert not result.ok and result.signature == "invalid"
        assert [(p.code, p.seq) for p in result.problems] == [("signed-head-mismatch", 4)]
        # A forged signature row is refused too.
        b.execute("UPDATE heads SET head_hash = ?, signature = ? WHERE case_id = ? AND version = 4",
                  (prev, "AAAA", "c1"))
        assert ("bad-signature", 4) in [(p.code, p.seq) for p in
                                        store.verify("c1", key=verifier).problems]


def test_verify_many_reads_in_batches_and_finds_what_verify_finds(store_url: str) -> None:
    key = HmacSigner(b"k" * 32)
    ids = [f"m{i:03d}" for i in range(300)]  # more than one batch
    with open_store(store_url, signer=key) as store:
        for cid in ids:
            store.create(cid, "p", "1", small_roster(), records=make_records(cid, 1, 3))
        b = store.backend
        b.execute("UPDATE records SET record_json = replace(record_json, '第', 'X') "
                  "WHERE case_id = 'm007' AND seq = 2")
        b.execute("UPDATE cases SET state = 'decided' WHERE case_id = 'm150'")
        b.execute("DELETE FROM heads WHERE case_id = 'm299'")
        b.execute("DELETE FROM records WHERE case_id = 'm256' AND seq = 3")
        many = [v.to_data() for v in store.verify_many(ids)]
        one = [store.verify(cid).to_data() for cid in ids]
        assert many == one
        bad = {v["case"]: [p["code"] for p in v["problems"]] for v in many if not v["ok"]}
        assert bad == {"m007": ["hash-mismatch"], "m150": ["summary-mismatch"],
                       "m256": ["incomplete-action", "count-mismatch", "head-mismatch",
                                "summary-mismatch", "signed-head-mismatch"],
                       "m299": ["unsigned-head"]}
        with pytest.raises(UnknownCase):
            list(store.verify_many(["m001", "nope"]))
