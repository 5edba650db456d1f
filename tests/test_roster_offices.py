"""Office-holders named by role (the roster's ``offices``) and the members of the collective
economic organisation (``collective_member``): read strictly from CSV and YAML, selected by
role, used as bodies, observers and the member assembly, and counted at n-1, n, n+1."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from test_sim_support import _TEMPLATE

from deliberation import Case, Roster, RuleViolation
from deliberation.definition.loader import load_text
from deliberation.definition.model import Procedure
from deliberation.engine.clock import ManualClock
from deliberation.roster import SELECTORS, RosterFileError
from deliberation.roster.offices import OFFICE_LABELS, OFFICES
from deliberation.trainer.catalog import selector_label

CSV = """\
id,household,name,committees,offices,collective_member
v1,h1,王书记,party-committee,party-secretary,是
v2,h1,李主任,villagers-committee,"committee-chair;accountant",true
v3,h2,张监督,supervision-committee,supervision-chair,false
v4,h2,赵,,,
"""


def test_offices_and_members_read_from_csv(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(CSV, "utf-8")
    roster = Roster.from_file(path)
    assert roster.get("v2").offices == frozenset({"committee-chair", "accountant"})
    assert [v.id for v in roster.select(("party-secretary", "committee-chair"))] == ["v1", "v2"]
    assert [v.id for v in roster.select(("collective-member",))] == ["v1", "v2"]
    assert [v.id for v in roster.select(("accountant",))] == ["v2"]


def test_an_unknown_office_is_an_error_with_did_you_mean(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("villagers:\n  - {id: v1, household: h1, offices: [acountant]}\n"
                    "  - {id: v2, household: h1, collective_member: maybe}\n", "utf-8")
    with pytest.raises(RosterFileError) as err:
        Roster.from_file(path)
    found = {(p.code, p.path): p for p in err.value.problems}
    office = found[("R204", "villagers[0].offices")]
    assert "acountant" in office.message.en and "'accountant'" in office.hint.en
    assert ("R203", "villagers[1].collective_member") in found


def test_a_roster_without_the_new_columns_keeps_its_data() -> None:
    roster = _BASE
    assert all("offices" not in row and "collective_member" not in row
               for row in roster.to_data())
    holder = Roster((attrs.evolve(roster.villagers[0], offices=frozenset({"cashier"}),
                                  collective_member=True), *roster.villagers[1:]))
    again = Roster.from_data({"villagers": holder.to_data()})
    assert again == holder and again.get(holder.villagers[0].id).offices == {"cashier"}


def test_every_office_is_a_selector_with_a_label_in_three_languages() -> None:
    for office in OFFICES:
        assert office in SELECTORS
        assert all(OFFICE_LABELS[office].get(lang) for lang in ("zh-Hans", "zh-Hant", "en"))
        assert selector_label(office).get("zh-Hans") == OFFICE_LABELS[office].get("zh-Hans")


# -- bodies by role and the member assembly, through cases -------------------------------------

# 30 people in 10 households: the first 24 adults; 21 of them members of the collective
# economic organisation (v0001-v0021), and v0025-v0027 are members under 18 (not in the
# assembly). v0001 is the Party secretary, v0002 the committee chair, v0004 the supervision
# committee's chair (v0004).
_BASE = Roster.generate(households=10, people=30, adults=24, party_members=3, representatives=4,
                        party_committee=1, villagers_committee=2, supervision_committee=1)
_OFFICE = {"v0001": {"party-secretary"}, "v0002": {"committee-chair"},
           "v0004": {"supervision-chair"}}
ROSTER = Roster(tuple(attrs.evolve(v, offices=frozenset(_OFFICE.get(v.id, ())),
                              collective_member=(v.id <= "v0021" or "v0025" <= v.id <= "v0027")
                              and not v.township)
                       for v in _BASE.villagers))


HEADS = ["v0001", "v0002"]  # the Party secretary and the committee chair sign


def _procedure() -> Procedure:
    bodies = """\
  heads:
    name: {zh-Hans: 两委主要负责人, zh-Hant: 兩委主要負責人, en: heads of the two committees}
    members: [party-secretary, committee-chair]
    basis: [b]
    rules:
      - rule: quorum
        params: {ratio: 1, compare: ">=", base: members}
        basis: [b]
      - rule: approval
        params: {ratio: 1, compare: ">=", base: members}
        basis: [b]
  assembly:
    name: {zh-Hans: 成员大会, zh-Hant: 成員大會, en: member assembly}
    members: [adult-collective-member]
    basis: [b]
    rules:
      - rule: quorum
        params: {ratio: 2/3, compare: ">=", base: members}
        basis: [b]
      - rule: approval
        params: {ratio: 2/3, compare: ">=", base: members}
        basis: [b]"""
    stages = """\
  - id: propose
    name: {zh-Hans: 提议, zh-Hant: 提議, en: propose}
    action: meeting
    body: heads
    basis: [b]
    on: {no_quorum: failed, rejected: failed}
  - id: decide
    name: {zh-Hans: 决定, zh-Hant: 決定, en: decide}
    action: meeting
    body: assembly
    basis: [b]
    rules:
      - rule: observers
        params: {of: supervision-chair, min: 1}
        basis: [b]
      - rule: signed-by
        params: {offices: [party-secretary, committee-chair]}
        basis: [b]
    on: {no_quorum: failed, rejected: failed}"""
    return load_text(_TEMPLATE.format(id="roles", bodies=bodies, stages=stages), "roles.yaml")


def _at_decide() -> Case:
    case = Case.open(_procedure(), ROSTER, matter="集体资产处置", clock=ManualClock())
    case.hold_meeting(present=["v0001", "v0002"], yes=["v0001", "v0002"])
    assert case.state == "decide"
    return case


def test_a_body_of_office_holders_named_by_role() -> None:
    case = Case.open(_procedure(), ROSTER, matter="x", clock=ManualClock())
    assert case.plan.counts(ROSTER, case.plan.stage("propose").body).members == 2
    with pytest.raises(Exception, match="v0003"):
        case.hold_meeting(present=["v0001", "v0003"], yes=["v0001"])
    assert case.version == 1


@pytest.mark.parametrize(("present", "yes", "outcome"), [
    (15, 13, "failed"), (15, 14, "adopted"), (15, 15, "adopted")])
def test_the_member_assembly_two_thirds_of_all_members(present: int, yes: int,
                                                       outcome: str) -> None:
    # 21 adult members: 2/3 is 14 — approval needs 14 yes of all 21, whoever attends
    case = _at_decide()
    assert case.plan.counts(ROSTER, case.plan.stage("decide").body).members == 21
    case.hold_meeting(present=present, yes=yes, observers=["v0004"], signed=HEADS)
    assert case.outcome == outcome


@pytest.mark.parametrize(("present", "route"), [(13, "no_quorum"), (14, "pass"), (15, "pass")])
def test_the_member_assembly_quorum_at_n_minus_one_n_n_plus_one(present: int,
                                                                route: str) -> None:
    case = _at_decide()
    rec = case.hold_meeting(present=present, yes=present, observers=["v0004"],
                            signed=HEADS)[-1]
    assert rec.result["route"] == route


def test_the_supervision_chair_must_observe_by_role() -> None:
    case = _at_decide()
    with pytest.raises(RuleViolation, match="too few observers"):
        case.hold_meeting(present=15, yes=15, observers=["v0005"], signed=HEADS)  # not the chair
    assert case.version == 2
    case.hold_meeting(present=15, yes=15, observers=["v0004"], signed=HEADS)
    assert case.outcome == "adopted"


@pytest.mark.parametrize(("signers", "missing"), [
    ([], ("party-secretary", "committee-chair")), (["v0001"], ("committee-chair",)),
    (["v0002", "v0003"], ("party-secretary",))])
def test_the_minutes_must_be_signed_by_the_two_heads(signers: list[str],
                                                      missing: tuple[str, ...]) -> None:
    case = _at_decide()
    present = [f"v{i:04d}" for i in range(1, 16)]
    with pytest.raises(RuleViolation) as err:
        case.hold_meeting(present=present, yes=present, observers=["v0004"], signed=signers)
    assert err.value.rule == "signed-by" and err.value.numbers["missing"] == missing
    assert case.version == 2
    with pytest.raises(RuleViolation, match="not signed by"):  # signers only counted
        case.hold_meeting(present=15, yes=15, observers=["v0004"], signed=15)
    case.hold_meeting(present=present, yes=present, observers=["v0004"],
                      signed=sorted({*signers, *HEADS}))
    assert case.outcome == "adopted"
