"""Roster.generate checks its counts before building anything (issue 10, item 5)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from deliberation.roster import Roster, RosterError, RosterFileError
from deliberation.roster.generate import MAX_PEOPLE, MAX_TOWNSHIP_OFFICIALS


def problems(**params: object) -> list[tuple[str, str]]:
    with pytest.raises(RosterFileError) as caught:
        Roster.generate(**params)  # type: ignore[arg-type]
    return [(p.code, p.path) for p in caught.value.problems]


def test_a_huge_count_is_refused_before_anything_is_built() -> None:
    assert problems(people=10**30) == [("R303", "people")]
    assert problems(households=10**30, people=10**30) == [
        ("R303", "households"), ("R303", "people")]


@pytest.mark.parametrize("share", [math.nan, math.inf, -math.inf, -0.01, 1.01, "0.5", True, None])
def test_away_share_is_a_finite_number_from_0_to_1(share: object) -> None:
    found = problems(away_share=share)
    assert [path for _, path in found] == ["away_share"]


@pytest.mark.parametrize("share", [0, 1, 0.5, Fraction(1, 3)])
def test_away_share_accepts_numbers_from_0_to_1(share: float) -> None:
    roster = Roster.generate(households=10, people=20, party_members=2, representatives=0,
                             away_share=share)
    away = sum(1 for v in roster.villagers if v.adult and not v.resident)
    assert away == round(roster.count("adult") * share)


@pytest.mark.parametrize(
    "param",
    ["households", "people", "adults", "party_members", "probationary", "representatives",
     "party_committee", "villagers_committee", "supervision_committee", "township_officials"],
)
@pytest.mark.parametrize("value", [-1, 2.5, "3", True])
def test_counts_are_whole_non_negative_numbers(param: str, value: object) -> None:
    found = problems(**{param: value})
    assert found == [("R303" if value == -1 else "R302", param)]


def test_bounds_n_minus_1_n_n_plus_1() -> None:
    assert problems(households=0) == [("R303", "households")]
    assert len(Roster.generate(households=1, people=1, adults=1, party_members=0,
                               representatives=0, party_committee=0, villagers_committee=0,
                               supervision_committee=0, township_officials=0)) == 1
    assert problems(people=MAX_PEOPLE + 1) == [("R303", "people")]
    assert problems(township_officials=MAX_TOWNSHIP_OFFICIALS + 1) == [
        ("R303", "township_officials")]
    roster = Roster.generate(township_officials=MAX_TOWNSHIP_OFFICIALS)
    assert roster.count("township-official") == MAX_TOWNSHIP_OFFICIALS


def test_inconsistent_counts() -> None:
    assert problems(households=10, people=9) == [("R303", "people")]
    assert problems(households=10, people=20, adults=9) == [("R303", "adults")]
    assert problems(households=10, people=20, adults=21) == [("R303", "adults")]
    assert problems(households=2, people=4, adults=3, party_members=4, representatives=4,
                    party_committee=2, villagers_committee=2, supervision_committee=0) == [
        ("R303", "party_members"), ("R303", "representatives"), ("R303", ""),
        ("R303", "representatives")]
    assert problems(party_members=3, probationary=4) == [("R303", "probationary")]
    assert problems(households=10, people=10, adults=10, party_members=1, representatives=6,
                    party_committee=1, villagers_committee=1, supervision_committee=1,
                    away_share=0.5) == [
        ("R303", "representatives")]


def test_every_problem_at_once_and_a_value_error() -> None:
    with pytest.raises(ValueError) as caught:
        Roster.generate(households=-1, people="many", away_share=2)  # type: ignore[arg-type]
    assert isinstance(caught.value, RosterError)
    message = str(caught.value)
    assert message.startswith("the roster has 3 problem(s):")
    for part in ("households must be from 1 to", "people must be a whole number, not 'many'",
                 "away_share must be from 0 to 1, not 2"):
        assert part in message
    # a parameter is named as code in Chinese, as the caller wrote it
    chinese = caught.value.explain("zh-Hans")
    assert "`away_share` 应在 0 到 1 之间" in chinese and "`households` 应在 1 到" in chinese
    assert "`people` 应为整数" in chinese


def test_defaults_are_guzhuang() -> None:
    roster = Roster.generate()
    assert (roster.households, roster.count("villager"), roster.count("adult")) == (365, 847, 678)
    assert roster.count("party-member") == 45
    assert roster.count("representative") == 28
