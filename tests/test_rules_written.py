"""Written consultations as decisions (reply-quorum, consent), through real cases.

The village: 25 adults in 10 households. Valid when more than 1/2 of adults reply under their
real names (13; 12.5 is not enough) or at least 2/3 of households do (7; 6 2/3 rounds up);
granted when consents are more than 1/2 of the replies (of 13 replies: 7).
"""

from __future__ import annotations

from typing import Any

import pytest

from deliberation import Case, InvalidAction, Roster
from deliberation.definition.loader import load_text
from deliberation.engine.clock import ManualClock

WRITTEN = """
format: 1
id: written-delegation
version: "1"
locality: test
name: {zh-Hans: 书面征求授权, zh-Hant: 書面徵求授權, en: delegation by written consultation}
bodies:
  villagers:
    name: {zh-Hans: 村民, zh-Hant: 村民, en: villagers}
    members: [adult]
  committee:
    name: {zh-Hans: 村委会, zh-Hant: 村委會, en: villagers' committee}
    members: [villagers-committee]
stages:
  - id: written
    name: {zh-Hans: 书面征求, zh-Hant: 書面徵求, en: written consultation}
    action: consultation
    body: villagers
    rules:
      - rule: reply-quorum
        params:
          ratio: 1/2
          compare: ">"
          base: adults
          any_of: [{ratio: 2/3, compare: ">=", base: households}]
      - rule: consent
        params: {ratio: 1/2, compare: ">"}
    on: {no_quorum: reconvene, rejected: refused}
  - id: publish
    name: {zh-Hans: 公开, zh-Hant: 公開, en: publish}
    action: disclosure
    body: committee
    rules:
      - rule: disclosure
        params: {channels: [notice-board], min_days: 5}
outcomes:
  granted: {kind: success, name: {zh-Hans: 已授权, zh-Hant: 已授權, en: granted}}
  refused: {kind: failure, name: {zh-Hans: 未授权, zh-Hant: 未授權, en: refused}}
"""

PROCEDURE = load_text(WRITTEN, "written.yaml")
# household h{k} holds adults a{k}-0, a{k}-1 and, for k < 5, a{k}-2: 5*3 + 5*2 = 25
ADULTS = [f"a{k}-{i}" for k in range(10) for i in range(3 if k < 5 else 2)]


def village() -> Roster:
    rows: list[dict[str, Any]] = [{"id": vid, "household": f"h{vid[1]}"} for vid in ADULTS]
    # the villagers' committee: one of the adults (a minor cannot sit on it)
    rows[0]["committees"] = ["villagers-committee"]
    return Roster.from_records(rows)


def opened() -> Case:
    return Case.open(PROCEDURE, village(), matter="授权村民代表会议", clock=ManualClock())


def reply(case: Case, who: list[str], consent: int) -> None:
    for i, vid in enumerate(who):
        case.record_opinion(vid, "agree" if i < consent else "disagree")


def close(case: Case) -> dict[str, Any]:
    (rec,) = case.close_consultation()
    return dict(rec.result)


def one_per_household(n: int) -> list[str]:
    return [f"a{k}-0" for k in range(n)]


@pytest.mark.parametrize(("who", "route", "base"), [
    (ADULTS[:12], "no_quorum", "adults"),  # 12 adults, 4 households: neither (adults n-1)
    (ADULTS[:13], "pass", "adults"),  # adults at n (5 households)
    (ADULTS[:14], "pass", "adults"),  # adults at n+1
    (one_per_household(6), "no_quorum", "adults"),  # households n-1 (6 adults)
    (one_per_household(7), "pass", "households"),  # households at n
    (one_per_household(8), "pass", "households"),  # households at n+1
])
def test_reply_quorum_adults_or_households(who: list[str], route: str, base: str) -> None:
    case = opened()
    reply(case, who, consent=len(who))
    result = close(case)
    assert result["route"] == route
    check = next(c for c in result["checks"] if c["rule"] == "reply-quorum")
    assert check["numbers"]["base"] == base
    assert case.state == ("written" if route == "no_quorum" else "publish")


@pytest.mark.parametrize(("consents", "route"), [(6, "rejected"), (7, "pass"), (8, "pass")])
def test_consent_more_than_half_of_replies(consents: int, route: str) -> None:
    case = opened()
    reply(case, ADULTS[:13], consent=consents)
    result = close(case)
    assert result["route"] == route
    check = next(c for c in result["checks"] if c["rule"] == "consent")
    assert (check["numbers"]["count"], check["numbers"]["total"],
            check["numbers"]["needed"]) == (consents, 13, 7)
    assert case.state == ("publish" if route == "pass" else "refused")


def test_only_replies_signed_in_person_count() -> None:
    case = opened()
    reply(case, ADULTS[:12], consent=12)
    case.record_opinion(ADULTS[12], "agree", signed=False)  # unsigned: not a reply
    case.record_opinion(ADULTS[13], "agree", method="proxy", proxy=ADULTS[0],
                        authorisation="委托书")  # by proxy: not under one's own name
    result = close(case)
    assert result["route"] == "no_quorum"
    check = next(c for c in result["checks"] if c["rule"] == "reply-quorum")
    assert check["numbers"]["count"] == 12


def test_a_later_reply_replaces_an_earlier_one() -> None:
    case = opened()
    reply(case, ADULTS[:13], consent=6)
    case.record_opinion(ADULTS[12], "同意")  # changes their mind, in writing
    assert close(case)["route"] == "pass"


def test_counted_opinions_are_refused_with_a_clear_error() -> None:
    case = opened()
    case.record_opinions(20)
    with pytest.raises(InvalidAction) as err:
        case.close_consultation()
    assert "by name" in err.value.message.en
    assert case.state == "written"


def test_words() -> None:
    case = opened()
    reply(case, ADULTS[:13], consent=6)
    (rec,) = case.close_consultation()
    consent = next(c for c in rec.result["checks"] if c["rule"] == "consent")
    rule = case.plan.stage("written").approval
    assert rule is not None
    msg = rule.message(consent["ok"], consent["numbers"])
    assert msg.en == ("not granted: 6 of 13 replies consent, more than 1/2 needed, "
                      "i.e. at least 7")
    assert "同意 6/13 份实名回复" in msg.zh_hans and "同意 6/13 份實名回覆" in msg.zh_hant
