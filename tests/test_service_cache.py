"""Replayed cases kept between requests (``acting.CASES``): what comes out of the cache is the
replay of exactly the stored chain, and acting on a stale version leaves nothing stale in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deliberation import load_procedure
from deliberation.errors import ConcurrencyConflict
from deliberation.roster import Roster
from deliberation.service import acting
from deliberation.service.db import open_service_store

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _note(i: int) -> acting.Step:
    at = (T0 + timedelta(hours=i + 1)).isoformat()
    return acting.parse_action(f'{{"do": "note", "text": "n{i}", "at": "{at}"}}',
                               load_procedure("four-deliberations"))


def test_cached_cases_are_the_replay_of_the_stored_chain(tmp_path: Path) -> None:
    store = open_service_store(f"sqlite:///{tmp_path / 'c.db'}")
    acting.open_case(store, "v", "four-deliberations", Roster.generate(), case_id="k1", at=T0)
    for i in range(6):
        out = acting.act(store, "k1", _note(i), expected_version=i + 1)
        assert out.head == store.info("k1").head_hash
        out.keep()
    info = store.info("k1")
    cached = acting.checkout(store, info)
    fresh = acting.load(store, "k1")
    assert cached is not fresh and cached.records == fresh.records
    assert (cached.state, cached.version) == (fresh.state, fresh.version) == (fresh.state, 7)
    # Taken means taken: a second user of the same head replays its own.
    assert acting.checkout(store, info) is not cached
    acting.keep(cached, info.version, info.head_hash)
    assert acting.checkout(store, info) is cached


def test_a_stale_version_leaves_nothing_stale_in_the_cache(tmp_path: Path) -> None:
    store = open_service_store(f"sqlite:///{tmp_path / 'c.db'}")
    acting.open_case(store, "v", "four-deliberations", Roster.generate(), case_id="k2", at=T0)
    acting.act(store, "k2", _note(0), expected_version=1).keep()
    stale = store.info("k2")
    acting.act(store, "k2", _note(1), expected_version=2).keep()  # another writer moves on
    with pytest.raises(ConcurrencyConflict):
        acting.act(store, "k2", _note(2), expected_version=2, info=stale)
    assert acting.CASES.take("k2", stale.version, stale.head_hash) is None
    now = store.info("k2")
    assert acting.checkout(store, now).version == 3
