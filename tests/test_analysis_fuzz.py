"""``paths`` and ``diff`` on mutated copies of the shipped procedures: whatever the loader
accepts, both commands answer (exit 0), and whatever it refuses is one located error (exit 2);
never a traceback. Seeded (the seed and example number are in every failure)::

    DELIBERATION_FUZZ_EXAMPLES=3000 pytest tests/test_analysis_fuzz.py -s
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from test_fuzz_files import PROCEDURES, _bounded, _mutate

from deliberation.cli import main

EXAMPLES = int(os.environ.get("DELIBERATION_FUZZ_EXAMPLES", "120"))
SEED = int(os.environ.get("DELIBERATION_FUZZ_SEED", "20261128"))


def test_mutated_procedures_get_an_answer_or_one_clear_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(SEED)
    answered = {"paths": 0, "diff": 0}
    for n in range(EXAMPLES):
        source = PROCEDURES[n % len(PROCEDURES)]
        # one mutation: many copies still load, so the analyses see odd but valid definitions
        mutated = _mutate(source.read_text(encoding="utf-8"), rng)
        path = tmp_path / f"{n:05d}-{source.name}"
        path.write_bytes(mutated)
        for argv in (["paths", str(path), "--format", "json"],
                     ["diff", str(source), str(path), "--format", "json"]):
            codes: list[int] = []
            try:
                _bounded(lambda argv=argv, codes=codes: codes.append(
                    main([*argv, "--lang", "en"])))
            except Exception as err:  # a crash: say how to reproduce it
                raise AssertionError(
                    f"example {n} (seed {SEED}, from {source.name}) {argv[0]} raised "
                    f"{type(err).__name__}: {err}\n--- file ---\n{mutated[:2000]!r}") from err
            out, err = capsys.readouterr()
            assert codes[0] in (0, 2), (n, argv, err)
            assert "Traceback" not in out + err
            answered[argv[0]] += codes[0] == 0
    print(f"{EXAMPLES} mutated procedures (seed {SEED}), answered: {answered}")
    # some mutations load: the analyses themselves were exercised, not only the loader
    assert answered["paths"] > 0 and answered["diff"] > 0
