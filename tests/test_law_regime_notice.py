"""The collective economic organisation's member assembly is called at least 10 days ahead
(农村集体经济组织法, in force 2025-05-01, Arts. 26–28; domain.md §8): a procedure deciding a
collective-asset matter at an assembly without such a notice is refused when a case is opened
(as a land matter under the generic majority is), and lint reports it (D417).

Before, the regime's own words said "the member assembly is called 10 days ahead with its
agenda" while a sale of collective property was adopted two hours after the Party assembly,
with no notice at all.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from deliberation import Case, Roster, RuleViolation
from deliberation.cli import main
from deliberation.definition.loader import load_text
from deliberation.definition.model import Procedure
from deliberation.engine.clock import ManualClock
from deliberation.errors import DefinitionError

ASSEMBLY = """\
format: 1
id: member-assembly
extends: four-deliberations
version: "1"
locality: test
name: {zh-Hans: 成员大会, zh-Hant: 成員大會, en: member assembly}
settings:
  resolution-body: {default: villagers-meeting}
  assembly-notice-days:
    type: int
    default: %(days)s
    description: {zh-Hans: 通知天数, zh-Hant: 通知天數, en: notice days}
bodies:
  villagers-meeting:
    name: {zh-Hans: 成员大会, zh-Hant: 成員大會, en: member assembly}
    members: [adult-collective-member]
    rules:
      - rule: quorum
        params: {ratio: 2/3, compare: ">=", base: members}
      - rule: approval
        params: {ratio: 1/2, compare: ">", base: present}
%(notice)s
stages:
  - update: resolution
    add_rules:
      - rule: matter-regime
        params: {regimes: [collective-economic-organisation]}
"""
NOTICE = """\
      - rule: notice-period
        params: {days: {setting: assembly-notice-days}}"""


def _text(days: int | None) -> str:
    return ASSEMBLY % {"days": days or 0, "notice": NOTICE if days is not None else ""}


def _procedure(days: int | None) -> Procedure:
    return load_text(_text(days), "assembly.yaml")


def _roster() -> Roster:
    rows: list[dict[str, Any]] = []
    for i in range(5):
        rows.append({"id": f"c{i}", "household": f"h{i}", "collective_member": True,
                     "committees": ["villagers-committee"] + (["party-committee"] if i < 3
                                                              else []),
                     "party": "full" if i < 3 else "none"})
    rows += [{"id": f"m{i:02d}", "household": f"h{10 + i // 2}", "collective_member": True}
             for i in range(16)]
    rows += [{"id": "s0", "household": "h90", "committees": ["supervision-committee"]},
             {"id": "t01", "household": "township", "township": True}]
    return Roster.from_records(rows)


def _open(procedure: Procedure, kind: str, settings: dict[str, Any] | None = None) -> Case:
    clock = ManualClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    return Case.open(procedure, _roster(), matter="出售集体厂房", kind=kind, clock=clock,
                     settings=settings)


@pytest.mark.parametrize(("days", "admitted"), [(0, False), (9, False), (10, True),
                                                (11, True)])
def test_a_collective_matter_needs_an_assembly_called_ten_days_ahead(
        days: int, admitted: bool) -> None:
    """Through a case's setting: the notice the procedure gives by default is 10 days."""
    procedure = _procedure(10)
    settings = {"assembly-notice-days": days}
    if admitted:
        assert _open(procedure, "collective-asset-disposal", settings).stage == "proposal"
        return
    with pytest.raises(RuleViolation) as err:
        _open(procedure, "collective-asset-disposal", settings)
    en = err.value.message.en
    assert "10 day(s)" in en and "Arts. 26–28" in en
    assert "第26—28条" in err.value.message.zh_hans


def test_other_kinds_and_the_representatives_assembly_are_not_bound_by_it() -> None:
    none = {"assembly-notice-days": 0}
    assert _open(_procedure(10), "ordinary-major-matter", none).stage == "proposal"
    reps = {"resolution-body": "representatives-meeting", **none}
    assert _open(_procedure(10), "collective-asset-disposal", reps).stage == "proposal"


def test_the_assembly_is_held_only_after_the_ten_days() -> None:
    case = _open(_procedure(10), "collective-asset-disposal")
    clock = case.clock
    assert isinstance(clock, ManualClock)
    case.hold_meeting(3, 3)
    case.hold_meeting(5, 5)
    case.circulate_plan()
    clock.advance(days=3)
    case.hold_meeting(3, 3, witnesses=1)
    case.give_notice()
    clock.advance(days=9)
    with pytest.raises(RuleViolation):
        case.hold_meeting(21, 21, witnesses=1)
    clock.advance(days=1)
    (rec,) = case.hold_meeting(21, 21, witnesses=1)
    assert rec.result["route"] == "pass"


@pytest.mark.parametrize(("days", "clean"), [(None, False), (9, False), (10, True)])
def test_lint_reports_an_assembly_without_the_notice(days: int | None, clean: bool,
                                                      tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "assembly.yaml"
    path.write_text(_text(days), encoding="utf-8")
    assert (main(["lint", str(path)]) == 0) is clean
    assert ("D417" in capsys.readouterr().out) is not clean


def test_the_simulator_refuses_it_as_the_engine_does() -> None:
    from deliberation.simulation import SimParams, simulate
    from deliberation.simulation.model import SimulationError

    with pytest.raises(SimulationError):
        simulate(_procedure(10), SimParams(kind="collective-asset-disposal",
                                           settings={"assembly-notice-days": 9}), 5, seed=1)


def _combined(mode: str, other: str) -> str:
    """The assembly's notice period combined by ``mode`` with ``other`` (a rule, as YAML)."""
    return f"""\
      - rule: {mode}
        params:
          rules:
            - rule: notice-period
              params: {{days: {{setting: assembly-notice-days}}}}
            - {other}"""


ALL_OF = _combined("all-of", "{rule: advance-circulation, params: {days: 1}}")
ANY_OF = _combined("any-of", "{rule: notice-period, id: short-notice, params: {days: 3}}")


def _composite(notice: str, days: int) -> str:
    return ASSEMBLY % {"days": days, "notice": notice}


@pytest.mark.parametrize(("days", "admitted"), [(9, False), (10, True), (11, True)])
def test_a_notice_inside_all_of_is_a_notice(days: int, admitted: bool, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Every rule of an ``all-of`` must hold, so its notice period is the meeting's notice:
    lint and the engine (for a case's own setting) read it as they read a plain one."""
    path = tmp_path / "assembly.yaml"
    path.write_text(_composite(ALL_OF, days), encoding="utf-8")
    assert (main(["lint", str(path)]) == 0) is admitted
    assert ("D417" in capsys.readouterr().out) is not admitted
    procedure = load_text(_composite(ALL_OF, 10), "assembly.yaml")
    settings = {"assembly-notice-days": days}
    if admitted:
        assert _open(procedure, "collective-asset-disposal", settings).stage == "proposal"
    else:
        with pytest.raises(RuleViolation):
            _open(procedure, "collective-asset-disposal", settings)


@pytest.mark.parametrize("days", [10, 30])
def test_an_any_of_guarantees_only_its_shortest_notice(days: int, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    """One branch of an ``any-of`` suffices: a 3-day branch lets the assembly meet 3 days
    after its notice, however long the other branch is."""
    path = tmp_path / "assembly.yaml"
    path.write_text(_composite(ANY_OF, days), encoding="utf-8")
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out
    assert "D417" in out and "3 day(s)" in out
    with pytest.raises(DefinitionError):
        load_text(_composite(ANY_OF, days), "assembly.yaml")
