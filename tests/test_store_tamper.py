"""Tamper evidence: any changed byte, deleted, inserted or reordered record is found and located.

Each trial stores a fresh case of several actions, tampers with it through raw SQL the way
someone holding the database could, and checks that ``verify`` fails *and* names the place.
The detection rate is printed (``pytest -s``) and must be 100%.
"""

from __future__ import annotations

import random

import pytest
import test_store_support as support
from test_store_support import make_records, small_roster

from deliberation.cli import main
from deliberation.engine.records import Record, record_to_json
from deliberation.roster import Roster
from deliberation.store import Store, chain_hash, open_store

store_url = support.store_url  # both backends (see test_store_support)

TRIALS = 200
KINDS = ("byte", "delete", "insert", "reorder")
COLUMNS = ("record_json", "prev_hash", "hash", "action_id", "kind")


def _fill(store: Store, case_id: str, rng: random.Random) -> int:
    """A case of 3–6 actions of 1–3 records each; returns its version."""
    store.create(case_id, "four-deliberations", "1", small_roster(),
                 records=make_records(case_id, 1, 1))
    version = 1
    for _ in range(rng.randint(3, 6)):
        size = rng.randint(1, 3)
        version = store.append(case_id, version, make_records(case_id, version + 1, size))
    return version


def _other_char(rng: random.Random, old: str) -> str:
    pool = "0123456789abcdef{}\":,x中"
    return rng.choice([c for c in pool if c != old])


def _tamper(store: Store, case_id: str, version: int, kind: str, rng: random.Random) -> set[int]:
    """Tamper once; return the seqs at which a correct report may point."""
    b = store.backend
    rows = store.stored(case_id)
    if kind == "byte":
        row = rng.choice(rows)
        column = rng.choice(COLUMNS)
        value = str(b.execute(f"SELECT {column} FROM records WHERE case_id = ? AND seq = ?",
                              (case_id, row.seq))[0][0])
        i = rng.randrange(len(value))
        value = value[:i] + _other_char(rng, value[i]) + value[i + 1:]
        b.execute(f"UPDATE records SET {column} = ? WHERE case_id = ? AND seq = ?",
                  (value, case_id, row.seq))
        return {row.seq}
    if kind == "delete":
        seq = rng.randint(1, version)
        b.execute("DELETE FROM records WHERE case_id = ? AND seq = ?", (case_id, seq))
        # Deleting the last record shows at the case head (the count), not at a later record.
        return {seq, seq + 1, version - 1}
    if kind == "insert":
        # A well-formed forged record with a correct hash over its predecessor, slipped in at
        # ``at``; the rows after it are renumbered to make room.
        at = rng.randint(1, version + 1)
        for row in reversed(rows):
            if row.seq >= at:
                b.execute("UPDATE records SET seq = ? WHERE case_id = ? AND seq = ?",
                          (row.seq + 1, case_id, row.seq))
        prev = rows[at - 2].hash if at > 1 else rows[0].prev_hash
        forged = make_records(case_id, at, 1, forged=True)[0]
        text = record_to_json(forged)
        h = chain_hash(prev, "forged", 0, 1, text)
        b.execute("INSERT INTO records (case_id, seq, action_id, action_index, action_size, "
                  "kind, record_json, prev_hash, hash) VALUES (?, ?, ?, 0, 1, ?, ?, ?, ?)",
                  (case_id, at, "forged", forged.kind, text, prev, h))
        return {at, at + 1, version + 1}
    # reorder: swap two records (their rows keep their content, exchange places).
    a, c = sorted(rng.sample(range(1, version + 1), 2))
    b.execute("UPDATE records SET seq = ? WHERE case_id = ? AND seq = ?", (-1, case_id, a))
    b.execute("UPDATE records SET seq = ? WHERE case_id = ? AND seq = ?", (a, case_id, c))
    b.execute("UPDATE records SET seq = ? WHERE case_id = ? AND seq = ?", (c, case_id, -1))
    return {a, c}


def test_tampering_is_detected_and_located(store_url: str) -> None:
    rng = random.Random(20260301)
    found = located = 0
    misses: list[str] = []
    with open_store(store_url) as store:
        for n in range(TRIALS):
            case_id = f"t{n}"
            version = _fill(store, case_id, rng)
            assert store.verify(case_id).ok
            kind = KINDS[n % len(KINDS)]
            where = _tamper(store, case_id, version, kind, rng)
            result = store.verify(case_id)
            if not result.ok:
                found += 1
            if where & set(result.where):
                located += 1
            else:
                misses.append(f"{kind} at {sorted(where)}: reported {result.where}")
    print(f"\ntamper trials on {store_url.split(':')[0]}: {TRIALS}; "
          f"detected {found / TRIALS:.0%}, located {located / TRIALS:.0%}")
    assert found == TRIALS, misses
    assert located == TRIALS, misses


def test_problem_messages_name_the_place_in_three_languages(store_url: str) -> None:
    with open_store(store_url) as store:
        store.create("c", "p", "1", small_roster(), records=make_records("c", 1, 5))
        rows = store.stored("c")
        forged = Record.from_data({**rows[2].record.to_data(), "actor": "v0009"})
        store.backend.execute("UPDATE records SET record_json = ? WHERE case_id = ? AND seq = 3",
                              (record_to_json(forged), "c"))
        result = store.verify("c")
        assert [(p.code, p.seq) for p in result.problems] == [("hash-mismatch", 3)]
        assert "record 3" in result.explain("en")
        assert "第 3 条" in result.explain("zh-Hans") and "第 3 條" in result.explain("zh-Hant")
        assert result.to_data()["problems"][0]["seq"] == 3


@pytest.mark.parametrize("column", ["procedure_id", "roster_fingerprint"])
def test_changed_case_header_is_detected(store_url: str, column: str) -> None:
    with open_store(store_url) as store:
        store.create("c", "four-deliberations", "1", small_roster(),
                     records=make_records("c", 1, 2))
        # Swap in another stored roster (or procedure) under the case's records.
        other = Roster.generate(households=4, people=5, party_members=1, representatives=1,
                                party_committee=1, villagers_committee=1,
                                supervision_committee=1)
        store.create("d", "six-deliberations-guzhuang", "1", other)
        store.backend.execute(f"UPDATE cases SET {column} = (SELECT {column} FROM cases "
                              "WHERE case_id = ?) WHERE case_id = ?", ("d", "c"))
        result = store.verify("c")
        assert not result.ok and 1 in result.where


def test_a_changed_matter_is_reported_and_never_shown(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The cases row's matter is a copy; the chained opened record holds the real one. show and
    # the register printed the copy, so a changed matter was what a reader saw.
    at = "2026-03-01T09:00+08:00"
    assert main(["case", "new", "--db", store_url, "--procedure", "four-deliberations",
                 "--matter", "修村道", "--id", "road", "--at", at]) == 0
    with open_store(store_url) as store:
        store.backend.execute("UPDATE cases SET matter = ? WHERE case_id = ?", ("建广场", "road"))
        assert not store.verify("road").ok
    capsys.readouterr()
    assert main(["case", "show", "road", "--db", store_url]) == 0
    assert main(["case", "show", "road", "--db", store_url, "--format", "json"]) == 0
    assert main(["case", "export", "road", "--db", store_url, "--format", "html"]) == 0
    out = capsys.readouterr().out
    assert out.count("修村道") >= 3 and '"matter": "修村道"' in out and "建广场" not in out


HEADER_CHANGED = {
    "matter": {
        "en": "the case's matter column in the cases table was changed: record 1 is chained to "
              "the value first stored (修村道)",
        "zh-Hans": "事项登记表中的事项名称栏(`matter`)被改动:第 1 条记录衔接的是最初登记的值"
                   "(修村道)",
        "zh-Hant": "事項登記表中的事項名稱欄(`matter`)被改動:第 1 條記錄銜接的是最初登記的值"
                   "(修村道)",
    },
    "created_at": {
        "en": "a column of the case's header in the cases table was changed (created_at, "
              "village): record 1 is chained to the values first stored",
        "zh-Hans": "事项登记表中的表头栏被改动(created_at, village):第 1 条记录衔接的是"
                   "最初登记的值",
        "zh-Hant": "事項登記表中的表頭欄被改動(created_at, village):第 1 條記錄銜接的是"
                   "最初登記的值",
    },
}


@pytest.mark.parametrize(("column", "value"), [("matter", "建广场"),
                                               ("created_at", "2020-01-01T00:00:00+00:00")])
def test_a_changed_header_column_is_named(store_url: str, column: str, value: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """verify says which column of the cases table changed, not that records were deleted,
    inserted or reordered (the chain's first link is what breaks, but no record moved)."""
    assert main(["case", "new", "--db", store_url, "--procedure", "four-deliberations",
                 "--matter", "修村道", "--id", "road", "--at", "2026-03-01T09:00+08:00"]) == 0
    with open_store(store_url) as store:
        store.backend.execute(f"UPDATE cases SET {column} = ? WHERE case_id = 'road'", (value,))
    for lang, message in HEADER_CHANGED[column].items():
        capsys.readouterr()
        assert main(["case", "verify", "road", "--db", store_url, "--lang", lang]) != 0
        out = capsys.readouterr()
        text = out.out + out.err
        assert message in text, text
        assert "reorder" not in text and "调换" not in text and "調換" not in text
