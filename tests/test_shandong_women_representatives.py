"""Shandong's representatives' meeting counts its women *representatives* (山东省村务公开条例
Art. 24 as domain.md §8 states it: ≥ 2/3 of the members and ≥ 2/3 of the women representatives
present), not every woman of the body: women of the villagers' committee, who sit in the
meeting ex officio, cannot stand in for the women the villagers chose as representatives.

The meeting here: 5 committee members (4 of them women) and 6 representatives (3 women), 11 in
all. ≥ 2/3 of 11 needs 8 present; ≥ 2/3 of the 3 women representatives needs 2 (the 7 women of
the body would have needed 5, which the committee's 4 and one representative reach).
"""

from __future__ import annotations

from typing import Any

import pytest
from test_engine_support import advance_to, open_case, wait_for_notice

from deliberation import Roster, load_procedure
from deliberation.cli import main

SHANDONG = load_procedure("four-deliberations-shandong")
COMMITTEE = [f"c{i}" for i in range(5)]  # c0 is the only man
WOMEN_REPS = ["w0", "w1", "w2"]
MEN_REPS = ["m0", "m1", "m2"]


def _roster() -> Roster:
    rows: list[dict[str, Any]] = []
    for i, vid in enumerate(COMMITTEE):
        rows.append({"id": vid, "household": f"h{i}", "sex": "male" if i == 0 else "female",
                     "committees": ["villagers-committee"] + (["party-committee"] if i < 3
                                                              else []),
                     "party": "full" if i < 3 else "none"})
    for i, vid in enumerate(WOMEN_REPS + MEN_REPS):
        rows.append({"id": vid, "household": f"h{i + 10}", "representative": True,
                     "sex": "female" if vid.startswith("w") else "male"})
    rows += [{"id": f"p{i}", "household": f"h{i + 60}", "party": "full"} for i in range(4)]
    rows += [{"id": "s0", "household": "h90", "committees": ["supervision-committee"]},
             {"id": "t01", "household": "township", "township": True}]
    return Roster.from_records(rows)


@pytest.mark.parametrize(("women_reps", "route"), [(1, "no_quorum"), (2, "pass"), (3, "pass")])
def test_the_women_quorum_counts_women_representatives(women_reps: int, route: str) -> None:
    case, clock = open_case(SHANDONG, _roster())
    advance_to(case, clock, "resolution")
    case.give_notice()
    wait_for_notice(case, clock)  # Art. 24's 5 days, counted under the Civil Code
    # the whole committee (4 women) and all 3 men representatives: 8 + women_reps present
    present = COMMITTEE + MEN_REPS + WOMEN_REPS[:women_reps]
    (rec,) = case.hold_meeting(present=present, yes=present, witnesses=["t01"])
    assert rec.result["route"] == route
    (quorum,) = [c for c in rec.result["checks"] if c["rule"] == "quorum"]
    women = next(c for c in quorum["numbers"]["children"] if c["rule"] == "women-present")
    assert (women["numbers"]["count"], women["numbers"]["total"],
            women["numbers"]["needed"]) == (women_reps, 3, 2)


def test_counted_attendance_gives_the_women_representatives() -> None:
    case, clock = open_case(SHANDONG, _roster())
    advance_to(case, clock, "resolution")
    case.give_notice()
    wait_for_notice(case, clock)  # Art. 24's 5 days, counted under the Civil Code
    (rec,) = case.hold_meeting(present=9, yes=9, witnesses=1,
                               present_among={"woman-representative": 1})
    assert rec.result["route"] == "no_quorum"


def test_show_says_women_representatives(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "four-deliberations-shandong", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "at least 2/3 of the women representatives" in out
    assert "women members" not in out
    assert main(["show", "four-deliberations-shandong", "--lang", "zh-Hans"]) == 0
    assert "且妇女代表的" in capsys.readouterr().out  # the rule line, not the description
