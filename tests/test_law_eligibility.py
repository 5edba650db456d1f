"""Who may hold a village role: a case is not opened on a roster that gives a minor or a
township official a vote they cannot lawfully have.

Villager representatives, the villagers' committee and the supervision committee are elected
from the villagers aged 18 and over (Organic Law 2018 Arts. 13, 25, 32); a Party member is 18 or
over (Party Constitution Art. 1); a township official attends as a witness and is no villager.
Before this check a roster could say otherwise and the engine counted such people: a minor and a
township official marked as full Party members carried the Party assembly's review, and the
same two, marked as representatives, carried the representatives' meeting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_engine_support import FOUR, open_case

from deliberation import Case, Roster
from deliberation.engine.clock import ManualClock
from deliberation.errors import InvalidAction
from deliberation.rules.electorate import ineligible


def _rows(*extra: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"id": f"c{i}", "household": f"h{i}", "party": "full",
         "committees": ["villagers-committee", "party-committee"]} for i in range(3)]
    rows += [{"id": f"r{i}", "household": f"h{10 + i}", "representative": True}
             for i in range(4)]
    rows += [{"id": "p0", "household": "h20", "party": "full"},
             {"id": "s0", "household": "h90", "committees": ["supervision-committee"]},
             {"id": "t01", "household": "township", "township": True},
             {"id": "child", "household": "h10", "adult": False, "collective_member": True}]
    return rows + list(extra)


@pytest.mark.parametrize("person,role_en,role_zh", [
    ({"id": "kid", "household": "h10", "adult": False, "representative": True},
     "a villager representative", "村民代表"),
    ({"id": "kid", "household": "h10", "adult": False, "party": "full"},
     "a Party member", "党员"),
    ({"id": "kid", "household": "h10", "adult": False, "party": "probationary"},
     "a Party member", "党员"),
    ({"id": "kid", "household": "h10", "adult": False, "committees": ["villagers-committee"]},
     "a member of the villagers' committee", "村民委员会"),
    ({"id": "kid", "household": "h10", "adult": False, "committees": ["supervision-committee"]},
     "a member of the supervision committee", "村务监督委员会"),
    ({"id": "kid", "household": "h10", "adult": False, "offices": ["accountant"]},
     "village accountant", "村会计"),
])
def test_a_minor_in_a_village_role_is_refused(person: dict[str, Any], role_en: str,
                                              role_zh: str) -> None:
    roster = Roster.from_records(_rows(person))
    with pytest.raises(InvalidAction) as err:
        Case.open(FOUR, roster, matter="修村道", clock=ManualClock())
    en, zh = err.value.message.get("en"), err.value.message.get("zh-Hans")
    assert "`kid`" in en or "'kid'" in en
    assert "not an adult" in en and role_en in en
    assert "未满十八周岁" in zh and role_zh in zh
    assert "未滿十八週歲" in err.value.message.get("zh-Hant")


@pytest.mark.parametrize("person,role_en", [
    ({"id": "tp", "household": "township", "township": True, "representative": True},
     "a villager representative"),
    ({"id": "tp", "household": "township", "township": True, "party": "full"},
     "a Party member"),
    ({"id": "tp", "household": "township", "township": True,
      "committees": ["villagers-committee"]}, "a member of the villagers' committee"),
    ({"id": "tp", "household": "township", "township": True, "collective_member": True},
     "a member of the collective economic organisation"),
])
def test_a_township_official_in_a_village_role_is_refused(person: dict[str, Any],
                                                          role_en: str) -> None:
    roster = Roster.from_records(_rows(person))
    with pytest.raises(InvalidAction) as err:
        Case.open(FOUR, roster, matter="修村道", clock=ManualClock())
    en = err.value.message.get("en")
    assert "township official" in en and role_en in en
    assert "乡镇干部" in err.value.message.get("zh-Hans")
    assert "鄉鎮幹部" in err.value.message.get("zh-Hant")


def test_every_problem_is_reported_at_once() -> None:
    roster = Roster.from_records(_rows(
        {"id": "kid", "household": "h10", "adult": False, "representative": True,
         "party": "full"},
        {"id": "tp", "household": "township", "township": True, "representative": True}))
    problems = ineligible(roster)
    assert len(problems) == 2  # one line per person, naming both of the minor's roles
    en = [p.get("en") for p in problems]
    assert "a villager representative" in en[0] and "a Party member" in en[0]
    assert "township official" in en[1]


def test_lawful_rosters_open_as_before() -> None:
    # a minor member of the collective (members may be minors) and a township witness
    assert ineligible(Roster.from_records(_rows())) == ()
    assert ineligible(Roster.generate()) == ()
    case, _clock = open_case(FOUR, Roster.from_records(_rows()))
    assert case.state == "proposal"


def test_the_party_assembly_loophole_is_closed_before_any_record() -> None:
    """The reproduction: with a minor and a township official marked as full Party members,
    4 of the 7 "members" carried the review; now no case is opened, so nothing is stored."""
    roster = Roster.from_records(_rows(
        {"id": "kid", "household": "h10", "adult": False, "party": "full"},
        {"id": "tp", "household": "township", "township": True, "party": "full"}))
    with pytest.raises(InvalidAction):
        open_case(FOUR, roster)


@pytest.mark.parametrize("name", ["village.csv", "village.yaml"])
def test_the_example_rosters_are_lawful(name: str) -> None:
    # the example township official was once marked a full Party member, which counted him in
    # the village Party assembly
    path = Path(__file__).resolve().parent.parent / "examples" / "rosters" / name
    assert ineligible(Roster.from_file(path)) == ()
