"""Shared fixtures and helpers of the store tests: every store test runs on SQLite and on
PostgreSQL. PostgreSQL is the session's ``postgres_url`` (see ``conftest.py``: a server the test
session starts itself, or ``DELIBERATION_TEST_POSTGRES_URL``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest

from deliberation.engine.records import Record, Signature
from deliberation.roster import Roster

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)


def small_roster() -> Roster:
    return Roster.generate(households=6, people=14, party_members=4, representatives=3,
                           party_committee=1, villagers_committee=1, supervision_committee=1)


def make_records(case_id: str, start: int, n: int, **data: object) -> list[Record]:
    """``n`` synthetic records numbered from ``start`` (some with signatures and CJK text)."""
    out = []
    for i in range(n):
        seq = start + i
        at = T0 + timedelta(hours=seq)
        sigs = (Signature(f"v{seq % 9 + 1:04d}", "participant", "minutes", at),) if seq % 3 else ()
        out.append(Record(seq, case_id, "note", at, "v0001", "review",
                          {"text": f"第{seq}条 <b>&</b>", "n": seq, **data}, sigs))
    return out


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    base = str(request.getfixturevalue("postgres_url"))
    import psycopg

    # One schema per test keeps tests independent without needing CREATE DATABASE rights.
    schema = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
