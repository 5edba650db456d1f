"""Opinions given as counts (``record_opinions``): each villager (or household) is counted once,
by its best opinion, so the kinds of opinion that count towards coverage together never exceed
the people consulted. A villager reported by proxy and again in person is not two opinions:
such counts are refused, and the case is unchanged.

The village: 12 adults (six-deliberations-guzhuang, 100% signed coverage).
"""

from __future__ import annotations

from typing import Any

import pytest
from test_engine_six import adults, small_roster
from test_engine_support import SIX, advance_to, open_case, snapshot

from deliberation import Case, InvalidAction, RuleViolation


def at_consultation(**settings: Any) -> tuple[Case, int]:
    roster = small_roster()
    case, clock = open_case(SIX, roster, **settings)
    advance_to(case, clock, "consultation")
    return case, len(adults(roster))


def test_a_villager_counted_by_proxy_and_again_in_person_is_refused() -> None:
    case, population = at_consultation(**{"consultation-proxies": True})
    assert population == 12
    case.record_opinions(0, proxies=4)  # four away villagers, by written proxy
    before = snapshot(case)
    # three of them come home and sign in person, with seven others: 14 opinions counted for
    # at most 11 villagers — one was never consulted
    with pytest.raises(InvalidAction) as err:
        case.record_opinions(10)
    assert snapshot(case) == before
    assert "14" in err.value.message.en and "12" in err.value.message.en
    with pytest.raises(RuleViolation) as refused:
        case.close_consultation()
    assert refused.value.numbers["count"] == 4


def test_one_call_counting_more_opinions_than_villagers_is_refused() -> None:
    case, _population = at_consultation(**{"consultation-proxies": True})
    before = snapshot(case)
    with pytest.raises(InvalidAction):
        case.record_opinions(10, proxies=4)
    assert snapshot(case) == before


@pytest.mark.parametrize("signed,proxies,closes", [
    (7, 4, False),  # n - 1: 11 of 12
    (8, 4, True),  # n: every villager once, four of them by proxy
])
def test_signed_and_proxy_opinions_of_distinct_villagers_count_together(
        signed: int, proxies: int, closes: bool) -> None:
    case, _population = at_consultation(**{"consultation-proxies": True})
    case.record_opinions(signed, proxies=proxies)
    if closes:
        case.close_consultation()
        assert case.stage != "consultation"
    else:
        with pytest.raises(RuleViolation):
            case.close_consultation()


def test_kinds_that_do_not_count_may_overlap_with_signed_ones() -> None:
    # without proxies (the default) a proxy opinion counts nothing: the same villagers signing
    # in person later is no double count; an unsigned opinion signed later neither
    case, population = at_consultation()
    case.record_opinions(0, unsigned=5, proxies=4)
    case.record_opinions(population)
    case.close_consultation()
    assert case.stage != "consultation"
