"""The new rules at their boundaries (n − 1, n, n + 1), with exact fractions."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from deliberation.rules.days import DayCount
from deliberation.rules.registry import RULES, Facts

SATISFACTION = RULES["satisfaction"]
SUPPORT = RULES["proposal-support"]
LUNAR = RULES["lunar-schedule"]
DEADLINE = RULES["deadline"]


@pytest.mark.parametrize(("satisfied", "ok"), [(5, False), (6, True), (7, True)])
def test_satisfaction_more_than_half_of_ten_ratings_needs_six(satisfied: int, ok: bool) -> None:
    params = SATISFACTION.with_defaults({"ratio": Fraction(1, 2), "compare": ">",
                                         "base": "ratings"})
    c = SATISFACTION.check(params, Facts(ratings=10, satisfied=satisfied, raters=40))
    assert c.ok is ok and c.numbers["needed"] == 6


@pytest.mark.parametrize(("satisfied", "ok"), [(26, False), (27, True), (28, True)])
def test_satisfaction_two_thirds_of_all_raters(satisfied: int, ok: bool) -> None:
    # 2/3 of 40 raters is 26.67: at least 27, whatever the ratings cast
    params = SATISFACTION.with_defaults({"ratio": Fraction(2, 3), "compare": ">=",
                                         "base": "raters"})
    c = SATISFACTION.check(params, Facts(ratings=30, satisfied=satisfied, raters=40))
    assert c.ok is ok and c.numbers["needed"] == 27


@pytest.mark.parametrize(("ratings", "ok"), [(1, False), (2, True), (3, True)])
def test_satisfaction_min_ratings(ratings: int, ok: bool) -> None:
    params = SATISFACTION.with_defaults({"ratio": Fraction(0), "compare": ">=",
                                         "base": "ratings", "min_ratings": 2})
    assert SATISFACTION.check(params, Facts(ratings=ratings, satisfied=ratings)).ok is ok


def _support(**facts: int) -> bool:
    params = SUPPORT.with_defaults({})
    base = {"adults": 120, "representatives": 6}
    return SUPPORT.check(params, Facts(**(base | facts))).ok


@pytest.mark.parametrize(("signed", "ok"), [(11, False), (12, True), (13, True)])
def test_one_tenth_of_villagers(signed: int, ok: bool) -> None:
    assert _support(submitters=signed, submitters_signed=signed) is ok


@pytest.mark.parametrize(("reps", "ok"), [(1, False), (2, True), (3, True)])
def test_one_fifth_of_representatives(reps: int, ok: bool) -> None:
    # 1/5 of 6 is 1.2: two representatives are needed
    assert _support(submitters=reps, submitters_signed=reps, submitters_representatives=reps) is ok


def test_the_villagers_committee_may_propose_unless_switched_off() -> None:
    assert _support(submitters=1, submitters_signed=1, submitters_committee=1)
    params = SUPPORT.with_defaults({"committee": False})
    facts = Facts(adults=120, representatives=6, submitters=1, submitters_signed=1,
                  submitters_committee=1)
    assert not SUPPORT.check(params, facts).ok


@pytest.mark.parametrize(("day", "ok"), [(date(2027, 2, 3), False), (date(2027, 2, 4), True),
                                         (date(2027, 2, 5), False)])
def test_la_yue_28_and_the_days_either_side(day: date, ok: bool) -> None:
    c = LUNAR.check({"days": (28,), "month": 12}, Facts(held_on=day))
    assert c.ok is ok and c.numbers["lunar_month"] == 12


@pytest.mark.parametrize(("day", "ok"), [(date(2026, 3, 22), False), (date(2026, 3, 23), True),
                                         (date(2026, 3, 24), False)])
def test_talk_day_lunar_fifth_and_the_days_either_side(day: date, ok: bool) -> None:
    assert LUNAR.check({"days": (5, 15, 25), "month": None}, Facts(held_on=day)).ok is ok


def test_lunar_schedule_without_a_date_fails() -> None:
    assert not LUNAR.check({"days": (5,), "month": None}, Facts()).ok


@pytest.mark.parametrize(("end", "elapsed", "ok"), [
    (date(2026, 2, 26), 4, True),   # Thu 26 Feb: the 4th working day after Fri 13 Feb
    (date(2026, 2, 27), 5, True),   # Fri 27 Feb: the 5th — the deadline day
    (date(2026, 2, 28), 6, False),  # Sat 28 Feb, a make-up working day: the 6th — expired
])
def test_working_day_deadline_across_the_spring_festival(end: date, elapsed: int,
                                                         ok: bool) -> None:
    n = DayCount.WORKING.between(date(2026, 2, 13), end)
    assert n == elapsed
    params = DEADLINE.with_defaults({"days": 5, "count": "working"})
    c = DEADLINE.check(params, Facts(days_elapsed=n))
    assert c.ok is ok and c.numbers["days"] == "working"


def test_calendar_day_deadline_results_are_unchanged() -> None:
    # the recorded numbers of an existing (calendar-day) deadline keep their old shape
    c = DEADLINE.check(DEADLINE.with_defaults({"days": 5}), Facts(days_elapsed=6))
    assert dict(c.numbers) == {"count": 6, "needed": 5} and not c.ok
