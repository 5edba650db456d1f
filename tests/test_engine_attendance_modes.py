"""Attending online and by the written proxy of an adult of the same household — only where the
body allows it (the collective economic organisation's member assembly: 农村集体经济组织法 Art. 27).

The test body: every adult villager (24 of 30 people, 10 households: v0001…v0024 adults, the
households round-robin, so v0001, v0011 and v0021 share h0001; v0021…v0030 are children from
v0025 on), quorum ≥ 2/3 of members: 16 of 24 must attend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_engine_support import FOUR, advance_to, open_case, snapshot
from test_sim_support import _TEMPLATE

from deliberation import Case, InvalidAction, NotEntitled, Roster, load_procedure
from deliberation.engine.clock import ManualClock

ROSTER = Roster.generate(households=10, people=30, adults=24, party_members=3,
                         representatives=4, party_committee=1, villagers_committee=1,
                         supervision_committee=1)
AUTH = "委托书 5 份(2026年3月1日)附后"


def _assembly(tmp_path: Path, attendance: str = "{online: true, proxy: same-household}"
              ) -> Case:
    bodies = f"""\
  assembly:
    name: {{zh-Hans: 成员大会, zh-Hant: 成員大會, en: member assembly}}
    members: [adult]
    attendance: {attendance}
    basis: [b]
    rules:
      - rule: quorum
        params: {{ratio: 2/3, compare: ">=", base: members}}
        basis: [b]
      - rule: approval
        params: {{ratio: 2/3, compare: ">=", base: members}}
        basis: [b]"""
    stages = """\
  - id: meeting
    name: {zh-Hans: 会议, zh-Hant: 會議, en: meeting}
    action: meeting
    body: assembly
    basis: [b]
    on: {no_quorum: failed, rejected: failed}"""
    path = tmp_path / "assembly.yaml"
    path.write_text(_TEMPLATE.format(id="assembly", bodies=bodies, stages=stages), "utf-8")
    return Case.open(load_procedure(str(path)), ROSTER, matter="土地补偿费分配",
                     clock=ManualClock())


def _quorum(rec: Any) -> Any:
    return next(c for c in rec.result["checks"] if c["rule"] == "quorum")["numbers"]


@pytest.mark.parametrize(("present", "proxies", "route"), [
    (10, 5, "failed"), (11, 5, "adopted"), (12, 5, "adopted")])
def test_members_by_proxy_count_as_attending(tmp_path: Path, present: int, proxies: int,
                                             route: str) -> None:
    case = _assembly(tmp_path)
    case.hold_meeting(present=present, yes=present + proxies, proxies=proxies, online=2,
                      proxy_authorisation=AUTH)
    rec = case.records[-1]
    assert (_quorum(rec)["count"], _quorum(rec)["needed"]) == (present + proxies, 16)
    assert case.state == route
    assert rec.result["electorate"]["by_proxy"] == proxies
    assert rec.result["electorate"]["online"] == 2


def test_named_proxy_votes_for_the_member_and_is_not_absent(tmp_path: Path) -> None:
    case = _assembly(tmp_path)
    present = [f"v{i:04d}" for i in range(2, 18)]  # 16 in person, v0001 not among them
    (rec,) = case.hold_meeting(present=present, yes=[*present, "v0001"],
                               proxies={"v0001": "v0011"}, online=["v0002", "v0003"],
                               proxy_authorisation=AUTH)
    assert _quorum(rec)["count"] == 17
    approval = next(c for c in rec.result["checks"] if c["rule"] == "approval")["numbers"]
    assert approval["count"] == 17
    electorate = rec.result["electorate"]
    assert electorate["by_proxy"] == 1 and electorate["online"] == 2
    assert "v0001" not in electorate["absent"] and "v0018" in electorate["absent"]


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"proxies": {"v0001": "v0002"}}, InvalidAction),  # another household
    ({"proxies": {"v0001": "v0021"}}, InvalidAction),  # same household, but a member absent
    ({"proxies": {"v0001": "v0001"}}, InvalidAction),  # oneself
    ({"proxies": {"v0003": "v0013"}}, InvalidAction),  # v0003 is present in person
    ({"proxies": {"v0020": "v0010"}}, InvalidAction),  # v0010, a member, is not present
    ({"proxies": {"v0001": "nobody"}}, NotEntitled),
    ({"proxies": 2}, InvalidAction),  # a count with named attendance
    ({"proxies": {"v0001": "v0011"}, "proxy_authorisation": None}, InvalidAction),
    ({"online": ["v0019"]}, InvalidAction),  # online but not among those present
    ({"online": 20}, InvalidAction),  # more online than present
])
def test_refused_proxies_and_online_attendance_change_nothing(
        tmp_path: Path, kwargs: dict[str, Any], error: type[Exception]) -> None:
    case = _assembly(tmp_path)
    present = [f"v{i:04d}" for i in range(2, 10)] + ["v0011"]
    args: dict[str, Any] = {"proxy_authorisation": AUTH} | kwargs
    if args["proxy_authorisation"] is None:
        del args["proxy_authorisation"]
    before = snapshot(case)
    with pytest.raises(error):
        case.hold_meeting(present=present, yes=present, **args)
    assert snapshot(case) == before


def test_the_roster_behind_the_cases() -> None:
    """The households and ages the refusals above rely on."""
    v = {x.id: x for x in ROSTER.villagers}
    assert v["v0001"].household == v["v0011"].household == v["v0021"].household
    assert v["v0002"].household != v["v0001"].household
    assert v["v0021"].adult and not v["v0025"].adult


def test_a_child_cannot_hold_a_proxy(tmp_path: Path) -> None:
    case = _assembly(tmp_path)
    # v0025 (a child) lives in h0005 with v0005 and v0015
    before = snapshot(case)
    with pytest.raises(InvalidAction):
        case.hold_meeting(present=["v0002"], yes=["v0002"], proxies={"v0005": "v0025"},
                          proxy_authorisation=AUTH)
    assert snapshot(case) == before


@pytest.mark.parametrize("kwargs", [{"proxies": 1, "proxy_authorisation": AUTH},
                                    {"online": 1}])
def test_a_body_that_allows_neither_refuses_both(kwargs: dict[str, Any]) -> None:
    case, clock = open_case(FOUR, Roster.generate())
    advance_to(case, clock, "resolution")
    before = snapshot(case)
    with pytest.raises(InvalidAction):
        case.hold_meeting(present=20, yes=20, witnesses=1, **kwargs)
    assert snapshot(case) == before


def test_online_only_allows_no_proxy(tmp_path: Path) -> None:
    case = _assembly(tmp_path, attendance="{online: true}")
    with pytest.raises(InvalidAction):
        case.hold_meeting(present=16, yes=16, proxies=1, proxy_authorisation=AUTH)
    case.hold_meeting(present=16, yes=16, online=16)
    assert case.state == "adopted"
