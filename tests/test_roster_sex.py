"""The roster's ``sex`` column: read strictly, selected as ``woman``/``man``, generated."""

from __future__ import annotations

import pytest

from deliberation.roster import Roster
from deliberation.roster.files import read_rows


def test_sex_spellings_and_selectors() -> None:
    r = Roster.from_records([
        {"id": "a", "household": "h1", "sex": "female"},
        {"id": "b", "household": "h1", "sex": "男"},
        {"id": "c", "household": "h2", "sex": "F"},
        {"id": "d", "household": "h2"},
    ])
    assert [v.sex for v in r.villagers] == ["female", "male", "female", ""]
    assert r.count("woman") == 2 and r.count("man") == 1


def test_unknown_sex_is_an_error_with_a_hint() -> None:
    problems = read_rows([{"id": "a", "household": "h1", "sex": "femal"}], "<t>").problems
    assert [p.code for p in problems] == ["R203"]
    assert "female" in problems[0].hint.en


@pytest.mark.parametrize("reps", [1, 2, 3, 7, 28])
def test_generated_representatives_are_at_least_a_third_women(reps: int) -> None:
    r = Roster.generate(households=40, people=100, representatives=reps)
    women = sum(1 for v in r.select(("representative",)) if v.sex == "female")
    assert 3 * women >= reps
    assert 0 < r.count("woman") < len(r)
