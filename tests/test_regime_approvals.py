"""Approvals above the village the law requires (rules/law.yaml ``approvals``): a plot
adjustment (农村土地承包法 (2018) Art. 28) is adopted only once the township government and the
county agricultural authority approved it, a contract with outsiders (Art. 52) once the
township approved it; the refusal cites the article and changes nothing. An ordinary matter is
unaffected.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from test_workflows_scenarios import EXAMPLES, refusals

from deliberation import Roster, RuleViolation
from deliberation.cli import main
from deliberation.definition.approval_checks import bypasses
from deliberation.definition.loader import _Builder, check_text, default_library, load_procedure
from deliberation.definition.model import Procedure
from deliberation.engine.case import Case
from deliberation.engine.clock import ManualClock
from deliberation.engine.scenario import load_scenario, run_scenario
from deliberation.rules.law import REGIMES, Approval, LawDataError, parse_law_data
from deliberation.simulation import SimParams, simulate
from deliberation.simulation.model import SimulationError
from deliberation.yamlsource import Reporter, read_yaml


def _run(tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str, procedure: str,
         kind: str, lang: str = "en") -> dict[str, Any]:
    """The scenario ``source`` run under another procedure and matter kind."""
    text = (EXAMPLES / f"{source}.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^procedure: .*$", f"procedure: {procedure}", text)
    text = re.sub(r"(?m)^kind: .*$", f"kind: {kind}", text)
    path = tmp_path / f"{source}-{kind}.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["run", str(path), "--json", "--lang", lang]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def _refused(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for a in data["actions"] if not a["accepted"] for v in a.get("violations", ())]


def test_the_law_table_declares_the_approvals_with_their_article() -> None:
    kinds = REGIMES["land-contracting"].kinds
    plots, outsiders = kinds["plot-adjustment"], kinds["contracting-to-outsiders"]
    assert (plots.basis.article, plots.approvals) == ("28", (
        Approval("township-government", "approval"), Approval("county-agriculture", "approval")))
    assert (outsiders.basis.article, outsiders.approvals) == (
        "52", (Approval("township-government", "approval"),))
    assert kinds["land-contracting-plan"].approvals == ()


def test_plot_adjustment_without_the_county_approval_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the outsiders' procedure has the township's gate only
    data = _run(tmp_path, capsys, "outsiders-approved", "land-contracting-outsiders",
                "plot-adjustment")
    assert data["outcome"] is None
    (v,) = [v for v in _refused(data) if v["rule"] == "matter-regime"]
    assert v["numbers"]["missing"] == ["county-agriculture:approval"]
    assert v["numbers"]["article"] == "28"
    en = v["message"]["en"]
    assert "Art. 28" in en and "county agricultural" in en
    assert "township" not in en.split("recorded from")[-1]  # the township approved
    # refused, the case stays where it was: the last accepted action left it in a stage
    accepted = [a for a in data["actions"] if a["accepted"]]
    assert accepted[-1]["state"] not in ("adopted",)


def test_plot_adjustment_with_both_approvals_is_adopted(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = _run(tmp_path, capsys, "plot-adjustment-approved", "land-plot-adjustment",
                "plot-adjustment")
    assert data["outcome"] == "adopted"
    assert "matter-regime" not in refusals(data)


def test_outsiders_without_the_township_approval_are_refused_with_it_adopted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the plan's procedure has no gate: a contract with outsiders cannot be adopted under it
    data = _run(tmp_path, capsys, "land-plan-adopted", "land-contracting-plan",
                "contracting-to-outsiders", lang="zh-Hans")
    assert data["outcome"] is None
    (v,) = [v for v in _refused(data) if v["rule"] == "matter-regime"]
    assert v["numbers"]["missing"] == ["township-government:approval"]
    assert "第52条" in v["message"]["zh-Hans"] and "乡(镇)人民政府" in v["message"]["zh-Hans"]
    approved = _run(tmp_path, capsys, "outsiders-approved", "land-contracting-outsiders",
                    "contracting-to-outsiders")
    assert approved["outcome"] == "adopted"


def test_an_ordinary_matter_needs_no_approval_above_the_village(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _run(tmp_path, capsys, "land-plan-adopted", "land-contracting-plan",
                "ordinary-major-matter")
    assert data["outcome"] == "adopted"
    assert "matter-regime" not in refusals(data)


def test_broken_approvals_in_the_law_data_are_located() -> None:
    shipped = (Path(__file__).parents[1] / "deliberation" / "rules" / "law.yaml").read_text(
        encoding="utf-8")
    broken = shipped.replace("{authority: county-agriculture, asks: approval}",
                             "{authority: county-agricultur, asks: approval}").replace(
        "- {authority: township-government, asks: approval}\n      collective",
        "- {authority: township-government, asks: consent}\n      collective")
    assert broken.count("county-agricultur,") == 1 and "asks: consent" in broken
    with pytest.raises(LawDataError) as err:
        parse_law_data(broken, "bad.yaml")
    got = {(d.code, d.line) for d in err.value.diagnostics}
    lines = broken.splitlines()
    unknown = next(i for i, x in enumerate(lines, 1) if "county-agricultur," in x)
    asks = next(i for i, x in enumerate(lines, 1) if "asks: consent" in x)
    assert {("D301", unknown), ("D202", asks)} <= got, got
    hints = " ".join(str(d.hint) for d in err.value.diagnostics)
    assert "county-agriculture" in hints  # did-you-mean


BROKEN = Path(__file__).parent / "broken" / "d416-approval-bypassed.yaml"


def test_a_route_past_the_county_gate_is_reported_and_one_through_it_is_not() -> None:
    text = BROKEN.read_text(encoding="utf-8")
    through = text.replace("    skip_when: county-waived  # <--\n", "")
    assert check_text(through, "ok.yaml")[1] == []
    past = through.replace("    on: {returned: decide, rejected: rejected}\n  - id: county",
                           "    on: {returned: decide, rejected: rejected, pass: publish}\n"
                           "  - id: county", 1)
    assert past != through
    found = check_text(past, "past.yaml")[1]
    (d,) = [d for d in found if d.code == "D416"]  # (beside: the county stage is unreachable)
    assert "county" in d.message.get("en")
    assert "Art. 28" in d.message.get("en") and "第28条" in d.message.get("zh-Hans")


@pytest.mark.parametrize("name", ["land-plot-adjustment", "land-contracting-outsiders"])
def test_the_shipped_approval_procedures_route_every_way_through_their_gates(name: str) -> None:
    procedure = load_procedure(name)
    kinds = {k for k, b in REGIMES["land-contracting"].kinds.items() if b.approvals}
    # the check has gates to look at here (it is not vacuous) and finds no way around them
    assert any(s.authority is not None for s in procedure.stages) and kinds
    assert bypasses(procedure) == []


@pytest.mark.parametrize("lang, words", [("en", "approved by the township government"),
                                         ("zh-Hans", "还须报乡(镇)人民政府批准")])
def test_show_states_the_approvals(lang: str, words: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "land-contracting-plan", "--lang", lang]) == 0
    assert words in capsys.readouterr().out


def test_the_simulator_refuses_what_the_engine_would_never_adopt() -> None:
    # the engine refuses adoption without the approvals: with no gate of those authorities,
    # the simulator refuses the kind rather than report adoptions the engine would not make
    with pytest.raises(SimulationError) as err:
        simulate("land-contracting-plan", SimParams(kind="plot-adjustment"), 5, seed=1)
    assert "Art. 28" in str(err.value)
    assert len(simulate("land-plot-adjustment", SimParams(kind="plot-adjustment"), 5,
                        seed=1)) == 5
    assert len(simulate("land-contracting-plan", SimParams(kind="land-contracting-plan"), 5,
                        seed=1)) == 5


def test_the_refused_adoption_changes_nothing_and_replays(tmp_path: Path) -> None:
    text = (EXAMPLES / "outsiders-approved.yaml").read_text(encoding="utf-8")
    path = tmp_path / "plots.yaml"
    path.write_text(text.replace("kind: contracting-to-outsiders", "kind: plot-adjustment"),
                    encoding="utf-8")
    report = run_scenario(load_scenario(path))
    refused = [a for a in report.actions if not a.accepted]
    assert refused, "the adoption should have been refused"
    case = report.case
    before = (case.state, len(case.records))
    # doing the refused action again is refused again, and nothing is recorded
    with pytest.raises(RuleViolation) as err:
        case.conclude_disclosure()
    assert err.value.rule == "matter-regime" and err.value.basis == (
        "rural-land-contracting-law 28",)
    assert (case.state, len(case.records)) == before and case.outcome is None
    again = Case.replay(case.procedure, case.roster, case.records)
    assert again.state == case.state
    # explain says what is missing, in each language
    (b,) = [b for b in case.blockers() if b.rule == "matter-regime"]
    assert b.numbers["missing"] == ("county-agriculture:approval",)
    assert "county agricultural" in case.explain("en")
    assert "尚未记录县级人民政府农业农村主管部门(审批)的决定" in case.explain("zh-Hans")
    assert "第28條" in case.explain("zh-Hant")


def _unchecked(text: str) -> Procedure:
    """A procedure built without the whole-procedure checks (D416 would refuse to load it):
    the engine's own refusal is what is tested."""
    reporter = Reporter("bypass.yaml")
    root = read_yaml(text, "bypass.yaml", reporter)
    assert root is not None
    procedure = _Builder(reporter, default_library()).build(root)
    assert procedure is not None and not reporter.diagnostics
    return procedure


@pytest.mark.parametrize("waived, outcome", [(True, None), (False, "adopted")])
def test_a_gate_merged_away_still_leaves_the_adoption_refused(waived: bool,
                                                              outcome: str | None) -> None:
    procedure = _unchecked(BROKEN.read_text(encoding="utf-8"))
    roster = Roster.generate(households=12, people=40, adults=31, party_members=6,
                             representatives=5, supervision_committee=3)
    case = Case.open(procedure, roster, matter="调地", kind="plot-adjustment",
                     settings={"county-waived": waived},
                     clock=ManualClock(datetime(2026, 3, 2, 1, tzinfo=UTC)))
    case.hold_meeting(25, 21, 4)
    papers = {"issuer": "河底镇人民政府", "number": "河政函〔2026〕3号", "issued_on": "2026-03-02"}
    case.record_authority_decision("approved", actor="v0002", **papers)
    if not waived:
        case.record_authority_decision("approved", actor="v0002", **papers)
    case.post_disclosure("notice-board", actor="v0002")
    case.clock.advance(days=7)  # type: ignore[attr-defined]
    missing = [b for b in case.blockers() if b.rule == "matter-regime"]
    assert len(missing) == (1 if waived else 0)
    if waived:
        with pytest.raises(RuleViolation) as err:
            case.conclude_disclosure()
        assert err.value.numbers["missing"] == ("county-agriculture:approval",)
    else:
        case.conclude_disclosure()
    assert case.outcome == outcome


@pytest.mark.parametrize(("lang", "words"), [
    ("zh-Hans", "未知的事项类别 `plot-ajustment`:是不是 `plot-adjustment`?"),
    ("zh-Hant", "未知的事項類別 `plot-ajustment`:是不是 `plot-adjustment`?"),
    ("en", "unknown matter kind 'plot-ajustment': did you mean 'plot-adjustment'?"),
])
def test_an_unknown_matter_kind_is_refused_in_the_readers_language(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, words: str) -> None:
    # the kind a clerk mistypes is refused in their language, with the kind meant; no case
    # is stored
    db = f"sqlite:///{tmp_path / 'cases.db'}"
    code = main(["case", "new", "--db", db, "--procedure", "four-deliberations",
                 "--matter", "调地", "--kind", "plot-ajustment", "--lang", lang])
    err = capsys.readouterr().err
    assert code != 0 and words in err and "Traceback" not in err
    assert main(["case", "list", "--db", db, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["cases"] == []
    # a scenario file gives the same words, located at its `kind:` line
    scenario = tmp_path / "s.yaml"
    text = (EXAMPLES / "outsiders-approved.yaml").read_text(encoding="utf-8")
    scenario.write_text(re.sub(r"(?m)^kind: .*$", "kind: plot-ajustment", text),
                        encoding="utf-8")
    assert main(["run", str(scenario), "--lang", lang]) != 0
    err = capsys.readouterr().err
    line = text.splitlines().index(next(x for x in text.splitlines() if x.startswith("kind:")))
    assert words in err and f":{line + 1}:" in err
