"""The service reads YAML and JSON on many threads at once: parsing actions and procedure
definitions concurrently gives every thread its own, correct values (no shared parser state)."""

from __future__ import annotations

import threading

from test_service_support import ROOT

from deliberation import load_procedure
from deliberation.definition.loader import check_text
from deliberation.engine.scenario import parse_action

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
