"""``binding`` compares the procedure's own approval with a land law's 2/3 only when both count
the same votes: at a representatives' meeting the law counts the villager representatives' yes
votes (农村土地承包法 (2018) Art. 19(3)) and the procedure every yes vote, so both bind."""

from __future__ import annotations

from typing import Any

import pytest

from deliberation.rules import RULES
from deliberation.rules.regimes import MatterRegime

APPROVAL = RULES["approval"].bind("approval", {"ratio": "1/2", "compare": ">", "base": "present"})
REGIME = RULES["matter-regime"].bind("matter-regime", {"regimes": ["land-contracting"]})
assert isinstance(REGIME, MatterRegime)
RULE = REGIME.against(APPROVAL)


def _at_representatives(present: int, yes: int, rep_yes: int) -> dict[str, Any]:
    """16 villager representatives and 5 committee members seated ex officio."""
    return {"matter_kind": "land-contracting-plan", "representative_body": True, "members": 21,
            "representative_members": 16, "present": present, "yes": yes,
            "representative_yes": rep_yes}


@pytest.mark.parametrize(("present", "own"), [(21, 11), (20, 11), (13, 7)])
def test_at_a_representatives_meeting_both_bind_each_with_its_need(present: int,
                                                                   own: int) -> None:
    v = RULE.verdict(_at_representatives(present, 14, 9))
    n = v.numbers
    assert (n["binding"], n["own_needed"], n["needed"]) == ("each", own, 11)
    en = v.message.get("en")
    assert "both need" not in en and "prevails" not in en
    assert f"needs {own} yes votes of all who vote" in en
    assert "11 yes votes of villager representatives" in en
    assert f"全部表决人中 {own} 票赞成,法定规则须村民代表中 11 票赞成" in v.message.get("zh-Hans")
    assert "均須" not in v.message.get("zh-Hant") and "分別達到" in v.message.get("zh-Hant")


@pytest.mark.parametrize(("members", "present", "binding"), [
    (31, 31, "regime"),  # 21 of 31 against 16 of those present
    (15, 15, "regime"),  # 10 against 8
])
def test_at_the_villagers_meeting_the_needs_are_compared(members: int, present: int,
                                                         binding: str) -> None:
    v = RULE.verdict({"matter_kind": "land-contracting-plan", "members": members,
                      "present": present, "yes": 1})
    assert v.numbers["binding"] == binding


def test_same_votes_same_need_is_both() -> None:
    # 2/3 of 3 members is 2; more than half of 3 present is 2: the same need on the same votes
    v = RULE.verdict({"matter_kind": "land-contracting-plan", "members": 3, "present": 3,
                      "yes": 2})
    assert v.numbers["binding"] == "both"
    assert "both need 2" in v.message.get("en")
