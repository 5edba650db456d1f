"""Composite rules (all-of / any-of) and quorums among a subset of the body, through real cases.

The representatives' meeting here has 25 members, 10 of them women: ≥ 2/3 of members needs 17
(16 2/3 rounds up), ≥ 2/3 of the women needs 7 (6 2/3 rounds up) — other sizes than domain.md's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_engine_support import advance_to, open_case

from deliberation import InvalidAction, Roster
from deliberation.definition.loader import load_text
from deliberation.definition.model import Procedure
from deliberation.rules import RULES

COMPOSITE = """
format: 1
id: composite-quorum
version: "1"
extends: four-deliberations
bodies:
  representatives-meeting:
    name: {zh-Hans: 村民代表会议, zh-Hant: 村民代表會議, en: representatives' meeting}
    members: [villagers-committee, representative]
    rules:
      - rule: %s
        id: quorum
        params:
          rules:
            - rule: quorum
              id: members-present
              params: {ratio: 2/3, compare: ">=", base: members}
            - rule: quorum
              id: women-present
              params: {ratio: 2/3, compare: ">=", base: members, among: woman}
      - rule: approval
        params: {ratio: 1/2, compare: ">", base: present}
"""


def procedure(mode: str = "all-of") -> Procedure:
    return load_text(COMPOSITE % mode, "composite.yaml")


def roster(members: int = 25, women: int = 10) -> Roster:
    """A village whose representatives' meeting has ``members`` members, ``women`` of them
    women (the 5 villagers' committee members are men)."""
    rows: list[dict[str, Any]] = []
    for i in range(5):
        rows.append({"id": f"c{i}", "household": f"h{i}", "sex": "male",
                     "committees": ["villagers-committee"] + (["party-committee"] if i < 3
                                                              else []),
                     "party": "full" if i < 3 else "none"})
    for i in range(members - 5):
        rows.append({"id": f"r{i:02d}", "household": f"h{i + 10}", "representative": True,
                     "sex": "female" if i < women else "male"})
    rows += [{"id": f"p{i}", "household": f"h{i + 60}", "party": "full"} for i in range(4)]
    rows += [{"id": "s0", "household": "h90", "committees": ["supervision-committee"]},
             {"id": "t01", "household": "township", "township": True}]
    return Roster.from_records(rows)


def at_resolution(mode: str = "all-of", members: int = 25, women: int = 10) -> Any:
    case, clock = open_case(procedure(mode), roster(members, women))
    advance_to(case, clock, "resolution")
    return case


@pytest.mark.parametrize(("present", "women", "route", "failed"), [
    (16, 7, "no_quorum", "members-present"),  # members: n-1
    (17, 7, "pass", ""),  # both at n
    (18, 8, "pass", ""),  # both at n+1
    (17, 6, "no_quorum", "women-present"),  # women: n-1
    (18, 7, "pass", ""),
    (17, 8, "pass", ""),
])
def test_all_of_members_and_women_counts(present: int, women: int, route: str,
                                         failed: str) -> None:
    case = at_resolution()
    (rec,) = case.hold_meeting(present=present, yes=present, witnesses=1,
                               present_among={"woman": women})
    assert rec.result["route"] == route
    check = next(c for c in rec.result["checks"] if c["rule"] == "quorum")
    assert check["numbers"]["failed"] == failed
    members, subset = check["numbers"]["children"]
    assert (members["numbers"]["count"], members["numbers"]["needed"]) == (present, 17)
    assert (subset["numbers"]["count"], subset["numbers"]["total"],
            subset["numbers"]["needed"]) == (women, 10, 7)
    assert case.state == ("resolution" if failed else "resolution-disclosure")


@pytest.mark.parametrize(("present", "women", "route"), [
    (16, 6, "no_quorum"), (16, 7, "pass"), (17, 6, "pass"), (17, 7, "pass"),
])
def test_any_of_holds_when_one_part_does(present: int, women: int, route: str) -> None:
    case = at_resolution("any-of")
    (rec,) = case.hold_meeting(present=present, yes=present, witnesses=1,
                               present_among={"woman": women})
    assert rec.result["route"] == route


@pytest.mark.parametrize(("women_present", "route"), [(5, "no_quorum"), (6, "pass"),
                                                      (7, "pass")])
def test_names_count_the_subset_from_the_roster(women_present: int, route: str) -> None:
    # 24 members, 9 women: 2/3 of 9 is exactly 6
    case = at_resolution(members=24, women=9)
    present = [f"c{i}" for i in range(5)] + [f"r{i:02d}" for i in range(women_present)] + [
        f"r{i:02d}" for i in range(9, 19)]
    (rec,) = case.hold_meeting(present=present, yes=present, witnesses=1)
    assert rec.result["route"] == route
    check = next(c for c in rec.result["checks"] if c["rule"] == "quorum")
    assert check["numbers"]["children"][1]["numbers"]["count"] == women_present


def _refused(case: Any, **kw: Any) -> str:
    before = len(case.records)
    with pytest.raises(InvalidAction) as err:
        case.hold_meeting(witnesses=1, **kw)
    assert len(case.records) == before  # nothing recorded
    return err.value.message.get("en")


def test_counts_without_the_subset_count_are_refused() -> None:
    msg = _refused(at_resolution(), present=20, yes=20)
    assert "present_among" in msg and "woman" in msg


@pytest.mark.parametrize(("present", "women", "word"), [
    (20, 11, "more than the 10 possible"),  # more women than there are
    (6, 7, "more than the 6 present"),  # more women present than present
    (20, 4, "outnumber"),  # 16 others present, but only 15 men
])
def test_inconsistent_subset_counts_are_refused(present: int, women: int, word: str) -> None:
    msg = _refused(at_resolution(), present=present, yes=present,
                   present_among={"woman": women})
    assert word in msg


def test_unknown_subset_is_refused_with_a_hint() -> None:
    msg = _refused(at_resolution(), present=20, yes=20,
                   present_among={"women": 8, "woman": 8})
    assert "'women'" in msg and "'woman'?" in msg


def test_names_and_a_disagreeing_count_are_refused() -> None:
    case = at_resolution()
    present = [f"c{i}" for i in range(5)] + [f"r{i:02d}" for i in range(15)]
    msg = _refused(case, present=present, yes=present, present_among={"woman": 3})
    assert "not the 3 given" in msg


def test_verdict_message_names_the_child_that_failed() -> None:
    rule = RULES["all-of"].bind("quorum", {"rules": (
        {"rule": "quorum", "id": "members-present",
         "params": {"ratio": "2/3", "compare": ">=", "base": "members"}},
        {"rule": "quorum", "id": "women-present",
         "params": {"ratio": "2/3", "compare": ">=", "base": "members", "among": "woman"}})})
    v = rule.verdict({"members": 25, "present_members": 17, "members@woman": 10,
                      "present_members@woman": 6})
    assert not v.ok
    assert v.message.en.startswith("women-present not met")
    assert "6 of 10 of the women members present" in v.message.en
    assert "妇女成员实到 6/10" in v.message.zh_hans and "婦女成員實到 6/10" in v.message.zh_hant
    assert rule.describe().summary.en == "≥2/3 of members present; and ≥2/3 of the women " \
        "members present"


def test_any_of_clauses_distribute() -> None:
    rule = RULES["any-of"].bind("q", {"rules": (
        {"rule": "all-of", "params": {"rules": (
            {"rule": "quorum", "id": "a", "params": {"ratio": "2/3", "compare": ">=",
                                                       "base": "members"}},
            {"rule": "quorum", "id": "b", "params": {"ratio": "2/3", "compare": ">=",
                                                       "base": "members", "among": "woman"}},
        )}},
        {"rule": "quorum", "params": {"ratio": "1", "compare": ">=", "base": "members"}})})
    clauses = rule.clauses({"members": 25, "members@woman": 10})
    # (a and b) or c  ==  (a or c) and (b or c)
    assert [[(r.count, r.needed) for r in cl] for cl in clauses] == [
        [("present_members", 17), ("present_members", 25)],
        [("present_members@woman", 7), ("present_members", 25)]]


def test_the_composite_procedure_file_lints_clean(tmp_path: Path) -> None:
    from deliberation.cli import main
    path = tmp_path / "composite.yaml"
    path.write_text(COMPOSITE % "all-of", encoding="utf-8")
    assert main(["lint", str(path)]) == 0
