"""The service reads YAML and JSON on many threads at once: parsing actions and procedure
definitions concurrently gives every thread its own, correct values (no shared parser state)."""

from __future__ import annotations

import threading
from pathlib import Path

import test_service_support as support
from test_service_support import ROOT

from deliberation import load_procedure
from deliberation.definition.loader import check_text
from deliberation.engine.scenario import parse_action
from deliberation.service.db import StorePool

THREADS = 8
ROUNDS = 150


def test_actions_and_definitions_parse_correctly_on_many_threads_at_once() -> None:
    procedure = load_procedure("six-deliberations-guzhuang")
    definition = (ROOT / "procedures" / "four-deliberations.yaml").read_text(encoding="utf-8")
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def work(n: int) -> None:
        barrier.wait()
        try:
            for i in range(ROUNDS):
                voters = [f"v{n:02d}{i:03d}", f"v{n:02d}{i + 1:03d}"]
                step = parse_action(
                    f'{{"do": "meeting", "present": {n + i}, "yes": {voters!r}, '
                    f'"content": "第{n}组第{i}次"}}'.replace("'", '"'), procedure)
                assert step.params["present"] == n + i
                assert list(step.params["yes"]) == voters
                assert step.params["content"] == f"第{n}组第{i}次"
                if i % 25 == 0:
                    assert check_text(definition, "four.yaml")[1] == []
        except BaseException as err:  # collected: the assertion below names them
            errors.append(err)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_the_store_pool_closes_the_connections_of_ended_threads(
        postgres_url: str, tmp_path: Path) -> None:
    # The server's worker threads end when idle and new ones start: each new thread opens a
    # connection, and those of the ended ones must be closed, or PostgreSQL runs out of slots.
    urls = support.database_url("postgresql", tmp_path, postgres_url)
    pool = StorePool(next(urls))
    try:
        for _ in range(3 * THREADS):
            t = threading.Thread(target=lambda: pool.get().backend.execute("SELECT 1"))
            t.start()
            t.join()
        pool.get()
        assert pool.open_count() <= 2  # this thread's, and at most the last one's
    finally:
        pool.close()
        for _ in urls:
            pass
    assert pool.open_count() == 0
