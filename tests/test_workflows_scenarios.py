"""The seeds' other workflows run end to end: per procedure a happy path and at least two
unhappy paths, through the ``run`` command's JSON (the scenario files in examples/scenarios)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from deliberation.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "scenarios"


def run(name: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["run", str(EXAMPLES / f"{name}.yaml"), "--json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def trail(data: dict[str, Any]) -> list[tuple[bool, str | None, str]]:
    """(accepted, route, state) per action."""
    return [(a["accepted"], a["route"], a["state"]) for a in data["actions"]]


def refusals(data: dict[str, Any]) -> list[str]:
    """The rule (or error type) of each refused action, in order."""
    out = []
    for a in data["actions"]:
        if not a["accepted"]:
            out += [v["rule"] for v in a["violations"]] or [a["error"]["type"]]
    return out


# -- 六单 -------------------------------------------------------------------------------------


def test_six_orders_volunteer_declines_and_the_order_is_reassigned(
        capsys: pytest.CaptureFixture[str]) -> None:
    data = run("six-orders-reassigned", capsys)
    assert data["outcome"] == "served"
    states = trail(data)
    assert states[2] == (True, "declined", "dispatch")  # back to the station
    assert states[4:6] == [(True, "pass", "accept"), (True, "pass", "close")]  # reassigned
    assert refusals(data) == ["NotEntitled", "satisfaction"]  # no rating yet: refused


def test_six_orders_resident_cancels(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("six-orders-cancelled", capsys)
    assert data["outcome"] == "cancelled"
    assert refusals(data) == ["NotEntitled"]  # another villager may not cancel it
    assert trail(data)[-1] == (True, "withdraw", "cancelled")


def test_six_orders_unserved_after_three_declines(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("six-orders-unserved", capsys)
    routes = [r for _, r, _ in trail(data)]
    assert routes.count("declined") == 2 and routes[-1] == "max_rounds"
    assert data["outcome"] == "unserved"


# -- 镇呼区应 ----------------------------------------------------------------------------------


def test_town_calls_escalate_village_town_district_across_the_spring_festival(
        capsys: pytest.CaptureFixture[str]) -> None:
    data = run("town-calls-spring-festival", capsys)
    acts = data["actions"]
    # Fri 13 Feb + 5 working days = Fri 27 Feb: nothing due then, due on Sat 28 Feb (make-up day)
    assert acts[2]["at"].startswith("2026-02-27") and acts[2]["records"] == []
    assert acts[3]["at"].startswith("2026-02-28") and acts[3]["route"] == "deadline"
    assert acts[3]["escalated"] == {"from": "village", "to": "town"}
    assert acts[4]["route"] == "unresolved"
    assert acts[4]["escalated"] == {"from": "town", "to": "district"}
    assert data["outcome"] == "resolved"


def test_town_calls_unresolved_at_the_district(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("town-calls-unresolved", capsys)
    acts = data["actions"]
    assert acts[5]["route"] == "rejected" and acts[5]["state"] == "coordination"
    assert [a.get("escalated") for a in acts[6:]] == [
        {"from": "village", "to": "town"}, {"from": "town", "to": "district"},
        {"from": "district", "to": None}]
    assert data["outcome"] == "unresolved"


# -- 党员提案 ----------------------------------------------------------------------------------


def test_party_member_proposal_happy_path_with_revisions(
        capsys: pytest.CaptureFixture[str]) -> None:
    data = run("party-proposal-lijin", capsys)
    routes = [r for _, r, _ in trail(data)]
    assert routes.count("rejected") == 2 and "no_quorum" in routes
    assert data["outcome"] == "settled" and refusals(data) == []


def test_party_member_proposal_lapses_after_ten_working_days(
        capsys: pytest.CaptureFixture[str]) -> None:
    data = run("party-proposal-lapsed", capsys)
    acts = data["actions"]
    assert [a["records"] for a in acts[3:5]] == [[], []]  # 8 and 10 working days: not yet
    assert acts[5]["route"] == "deadline" and data["outcome"] == "lapsed"


def test_talk_day_only_on_lunar_5_15_25(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("talk-days", capsys)
    first = data["actions"][0]
    assert not first["accepted"] and first["violations"][0]["rule"] == "lunar-schedule"
    assert first["violations"][0]["numbers"]["lunar_day"] == 4
    assert data["actions"][1]["accepted"]
    assert trail(data)[-1] == (True, "max_rounds", "rejected")


# -- 一事一议 ----------------------------------------------------------------------------------


def test_one_matter_adopted(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("one-matter-adopted", capsys)
    assert data["outcome"] == "adopted" and refusals(data) == []


def test_one_matter_refused_support_signatures_and_vote(
        capsys: pytest.CaptureFixture[str]) -> None:
    data = run("one-matter-refused", capsys)
    assert refusals(data) == ["proposal-support", "consultation-coverage"]
    support = data["actions"][0]["violations"][0]["numbers"]
    assert (support["count"], support["needed"]) == (11, 12)
    vote = data["actions"][-1]
    assert vote["route"] == "rejected" and data["outcome"] == "rejected"


# -- 年终交账 ----------------------------------------------------------------------------------


def test_year_end_accounting_only_on_the_28th_of_the_twelfth_month(
        capsys: pytest.CaptureFixture[str]) -> None:
    data = run("year-end-accounting", capsys)
    refused = data["actions"][2]  # after the accounts and the Party organisation's study
    assert refused["violations"][0]["rule"] == "lunar-schedule"
    assert (refused["violations"][0]["numbers"]["lunar_month"],
            refused["violations"][0]["numbers"]["lunar_day"]) == (12, 27)
    assert data["outcome"] == "accounted"


def test_year_end_accounts_not_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("year-end-not-accepted", capsys)
    assert [r for _, r, _ in trail(data)][1:] == ["pass", "no_quorum", "rejected"]
    assert data["outcome"] == "not-accepted"


# -- the plain happy paths and the remaining unhappy ones ---------------------------------------


@pytest.mark.parametrize(("name", "outcome"), [
    ("town-calls-resolved", "resolved"),
    ("party-proposal-settled", "settled"),
    ("talk-days-settled", "settled"),
])
def test_happy_paths_have_no_refusal_and_no_detour(name: str, outcome: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    data = run(name, capsys)
    assert data["outcome"] == outcome and refusals(data) == []
    assert {r for _, r, _ in trail(data)} <= {"pass", None}
    assert not any("escalated" in a for a in data["actions"])


def test_party_member_withdraws_before_the_decision(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("party-proposal-withdrawn", capsys)
    assert data["outcome"] == "withdrawn" and refusals(data) == ["CaseClosed"]


def test_one_matter_withdrawn_while_households_are_missing(
        capsys: pytest.CaptureFixture[str]) -> None:
    data = run("one-matter-withdrawn", capsys)
    coverage = data["actions"][3]["violations"][0]["numbers"]  # after the Party's study
    assert (coverage["count"], coverage["needed"], coverage["unsigned"]) == (40, 60, 5)
    assert data["outcome"] == "withdrawn"


def test_year_end_appraisal_not_satisfied(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("year-end-appraisal-failed", capsys)
    assert trail(data)[-1] == (True, "rejected", "not-accepted")


def test_talk_day_matter_lapses_after_ten_working_days(
        capsys: pytest.CaptureFixture[str]) -> None:
    data = run("talk-days-lapsed", capsys)
    assert data["actions"][3]["records"] == [] and data["actions"][4]["route"] == "deadline"
    assert data["outcome"] == "lapsed"
