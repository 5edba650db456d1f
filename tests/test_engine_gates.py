"""Gates (``action: gate``): a body examining the matter against named checks, its decision
signed by enough of its members (rule ``gate-signatures``, tested at n-1, n and n+1 signers on
bodies of 3 and 5), returns routed and counted against ``max_rounds``; an authority above the
village approving, refusing, returning or filing, with its instrument. Refusals change
nothing; replay agrees.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import register_support as support
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_engine_support import snapshot
from test_workflows_scenarios import EXAMPLES, refusals, run, trail

from deliberation import DeliberationError, Roster, RuleViolation
from deliberation.cli import main
from deliberation.commands.case_log import record_lines
from deliberation.definition.loader import load_procedure, load_text
from deliberation.definition.model import Procedure
from deliberation.engine.case import Case
from deliberation.engine.clock import ManualClock
from deliberation.engine.scenario import load_scenario, run_scenario
from deliberation.errors import InvalidAction, NotEntitled
from deliberation.store.register import build_register

COMMITTEE = ("v0002", "v0003", "v0004", "v0005", "v0006")  # villagers' committee (generated)
SUPERVISORS = ("v0007", "v0008", "v0009")  # supervision committee (generated roster)
START = datetime(2026, 3, 2, 2, tzinfo=UTC)


def procedure(examiners: str = "supervision-committee", ratio: str = "1/2", compare: str = ">",
              max_rounds: int = 2) -> Procedure:
    """Draft, a gate examined by ``examiners``, a vote, an authority's approval and a filing."""
    return load_text(gate_text(examiners, ratio, compare, max_rounds))


def gate_text(examiners: str = "supervision-committee", ratio: str = "1/2", compare: str = ">",
              max_rounds: int = 2) -> str:
    return f"""
format: 1
id: gate-test
version: "1"
locality: test
name: {{zh-Hans: 审查测试, zh-Hant: 審查測試, en: gate test}}
bodies:
  committee:
    name: {{zh-Hans: 村委会, zh-Hant: 村委會, en: committee}}
    members: [villagers-committee]
    rules:
      - rule: approval
        params: {{ratio: 1/2, compare: ">", base: present}}
  examiners:
    name: {{zh-Hans: 审查人, zh-Hant: 審查人, en: examiners}}
    members: [{examiners}]
  reporters:
    name: {{zh-Hans: 村民委员会, zh-Hant: 村民委員會, en: villagers' committee}}
    members: [villagers-committee]
stages:
  - id: draft
    name: {{zh-Hans: 拟定方案, zh-Hant: 擬定方案, en: draft}}
    action: meeting
    body: committee
  - id: review
    name: {{zh-Hans: 审查, zh-Hant: 審查, en: review}}
    action: gate
    body: examiners
    checks:
      - id: legality
        name: {{zh-Hans: 合法合规, zh-Hant: 合法合規, en: lawful}}
      - id: materials
        name: {{zh-Hans: 材料完备, zh-Hant: 材料完備, en: materials complete}}
    rules:
      - rule: gate-signatures
        params: {{ratio: {ratio}, compare: "{compare}"}}
    max_rounds: {max_rounds}
    on: {{returned: draft}}
  - id: vote
    name: {{zh-Hans: 表决, zh-Hant: 表決, en: vote}}
    action: meeting
    body: committee
  - id: approval
    name: {{zh-Hans: 乡镇审批, zh-Hant: 鄉鎮審批, en: township approval}}
    action: gate
    body: reporters
    authority: township-government
    on: {{returned: draft, rejected: rejected}}
  - id: filing
    name: {{zh-Hans: 备案, zh-Hant: 備案, en: filing}}
    action: gate
    body: reporters
    authority: {{id: county-office, asks: filing}}
    on: {{returned: vote}}
authorities:
  county-office:
    zh-Hans: 县农经站
    zh-Hant: 縣農經站
    en: county rural economy station
outcomes:
  adopted: {{kind: success, name: {{zh-Hans: 通过, zh-Hant: 通過, en: adopted}}}}
  rejected: {{kind: failure, name: {{zh-Hans: 否决, zh-Hant: 否決, en: rejected}}}}
"""


def at_review(proc: Procedure | None = None) -> tuple[Case, ManualClock]:
    clock = ManualClock(START)
    case = Case.open(proc or procedure(), Roster.generate(), matter="修村道", clock=clock)
    case.hold_meeting(present=5, yes=5)
    assert case.state == "review"
    return case, clock


def at_approval() -> tuple[Case, ManualClock]:
    case, clock = at_review()
    case.examine(met=["legality", "materials"], signed=SUPERVISORS[:2])
    case.hold_meeting(present=5, yes=4, no=1)
    assert case.state == "approval"
    return case, clock


def instrument(**more: str) -> dict[str, str]:
    return {"issuer": "河底镇人民政府", "number": "河政字〔2026〕12号", "issued_on": "2026-03-02",
            **more}


# -- signatures at the boundary -----------------------------------------------------------------


@pytest.mark.parametrize(("examiners", "ratio", "compare", "needed", "size"), [
    ("supervision-committee", "1/2", ">", 2, 3),  # more than half of 3: 2
    ("villagers-committee", "2/3", ">=", 4, 5),  # at least 2/3 of 5 (3.33): 4
    ("villagers-committee", "1/2", ">", 3, 5),  # more than half of 5: 3
])
def test_signatures_at_n_minus_1_n_n_plus_1(examiners: str, ratio: str, compare: str,
                                             needed: int, size: int) -> None:
    members = SUPERVISORS if examiners == "supervision-committee" else COMMITTEE
    assert len(members) == size
    proc = procedure(examiners, ratio, compare)
    case, _clock = at_review(proc)
    before = snapshot(case)
    with pytest.raises(RuleViolation) as err:
        case.examine(met=["legality", "materials"], signed=members[:needed - 1])
    assert err.value.rule == "gate-signatures"
    assert err.value.numbers["needed"] == needed and err.value.numbers["count"] == needed - 1
    assert snapshot(case) == before
    rec = case.examine(met=["legality", "materials"], signed=members[:needed])[-1]
    assert case.state == "vote" and rec.result["cleared"] is True
    assert rec.result["signers"] == tuple(members[:needed])
    if needed < size:  # n + 1 signers clear it too
        case2, _ = at_review(proc)
        case2.examine(met=["legality", "materials"], signed=members[:needed + 1])
        assert case2.state == "vote"


def test_returned_with_reasons_goes_back_and_max_rounds_ends_it() -> None:
    case, _clock = at_review()
    rec = case.examine(met=["legality"], not_met={"materials": "缺少土地测量图"},
                       signed=SUPERVISORS)[-1]
    assert case.state == "draft"
    assert rec.result["route"] == "returned" and rec.result["cleared"] is False
    assert rec.data["not_met"] == {"materials": "缺少土地测量图"}
    assert [s.signer for s in rec.signatures] == list(SUPERVISORS)
    assert rec.result["round"] == 1
    case.hold_meeting(present=5, yes=5)
    last = case.examine(met=["materials"], not_met={"legality": "违反村规民约第三条"},
                        signed=SUPERVISORS)[-1]
    assert last.result["route"] == "max_rounds" and case.state == "rejected"
    replayed = Case.replay(case.procedure, case.roster, case.records)
    assert replayed.state == case.state and replayed.records == case.records


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"met": ["legality", "materals"]}, InvalidAction, "materials"),  # did you mean
    ({"met": ["legality"]}, InvalidAction, "not answered"),
    ({"met": ["legality", "materials"], "not_met": {"materials": "x"}}, InvalidAction, "twice"),
    ({"met": ["legality"], "not_met": {"materials": "  "}}, InvalidAction, "reason"),
    ({"met": ["legality", "materials"], "signed": ["v0007", "v0041"]}, NotEntitled, "v0041"),
    ({"met": ["legality", "materials"], "signed": ["v0007", "v0007"]}, InvalidAction, "twice"),
    ({"met": ["legality", "materials"], "actor": "v0041"}, NotEntitled, "v0041"),
])
def test_bad_examinations_are_refused_and_change_nothing(
        kwargs: dict[str, object], error: type[Exception], words: str) -> None:
    case, _clock = at_review()
    before = snapshot(case)
    kwargs = {"signed": SUPERVISORS, **kwargs}
    with pytest.raises(error) as err:
        case.examine(**kwargs)  # type: ignore[arg-type]
    assert words in str(err.value)
    assert snapshot(case) == before


def test_an_examination_is_not_an_authority_decision_and_back() -> None:
    case, _clock = at_review()
    with pytest.raises(InvalidAction, match="examines"):
        case.record_authority_decision("approved", actor=COMMITTEE[0], **instrument())
    case2, _ = at_approval()
    before = snapshot(case2)
    with pytest.raises(InvalidAction, match="authority decides"):
        case2.examine(met=["legality", "materials"], signed=SUPERVISORS)
    assert snapshot(case2) == before


# -- authorities ----------------------------------------------------------------------------------


def test_approved_then_filed_records_the_instruments() -> None:
    case, clock = at_approval()
    rec = case.record_authority_decision("approved", actor=COMMITTEE[0], **instrument())[-1]
    assert case.state == "filing"
    assert rec.result["instrument"] == instrument()
    assert rec.result["authority"] == "township-government" and rec.result["decision"] == "approved"
    clock.advance(days=3)
    case.record_authority_decision("filed", actor=COMMITTEE[1], issuer="县农经站",
                                   number="农经备〔2026〕3号", issued_on="2026-03-04")
    assert case.state == "adopted"
    replayed = Case.replay(case.procedure, case.roster, case.records)
    assert replayed.state == "adopted"


def test_refused_needs_a_reason_and_ends_the_case() -> None:
    case, _clock = at_approval()
    before = snapshot(case)
    with pytest.raises(InvalidAction, match="reason"):
        case.record_authority_decision("refused", actor=COMMITTEE[0], **instrument())
    assert snapshot(case) == before
    rec = case.record_authority_decision("refused", actor=COMMITTEE[0],
                                         reason="占用基本农田", **instrument())[-1]
    assert rec.result["route"] == "rejected" and case.state == "rejected"
    assert rec.result["reason"] == "占用基本农田"


def test_returned_for_completion_goes_back() -> None:
    case, _clock = at_approval()
    case.record_authority_decision("returned", actor=COMMITTEE[0], reason="补充测量图",
                                   **instrument())
    assert case.state == "draft"


@pytest.mark.parametrize(("decision", "actor", "more", "words"), [
    ("filed", COMMITTEE[0], {}, "approved"),  # an approval is not filed
    ("approve", COMMITTEE[0], {}, "approved"),
    ("approved", "v0041", {}, "v0041"),  # not of the reporting body
    ("approved", COMMITTEE[0], {"number": " "}, "number"),
    ("approved", COMMITTEE[0], {"issued_on": "2026-3-2"}, "YYYY-MM-DD"),
    ("approved", COMMITTEE[0], {"issued_on": "2026-03-09"}, "after the day"),
])
def test_bad_authority_decisions_are_refused_and_change_nothing(
        decision: str, actor: str, more: dict[str, str], words: str) -> None:
    case, _clock = at_approval()
    before = snapshot(case)
    with pytest.raises((InvalidAction, NotEntitled)) as err:
        case.record_authority_decision(decision, actor=actor, **instrument(**more))
    assert words in str(err.value)
    assert snapshot(case) == before


def test_issued_on_is_the_local_day() -> None:
    """Issued 03-03 and recorded at 00:30 on 03-03 Beijing time (16:30 UTC on 03-02): not a
    date in the future of the village's day."""
    case, clock = at_approval()
    clock.set(datetime(2026, 3, 2, 16, 30, tzinfo=UTC))
    case.record_authority_decision("approved", actor=COMMITTEE[0],
                                   **instrument(issued_on="2026-03-03"))
    assert case.state == "filing"
    case2, clock2 = at_approval()
    clock2.set(datetime(2026, 3, 2, 15, 30, tzinfo=UTC) + timedelta(minutes=0))
    with pytest.raises(InvalidAction, match="after the day"):
        case2.record_authority_decision("approved", actor=COMMITTEE[0],
                                        **instrument(issued_on="2026-03-03"))


# -- the built-in procedures ------------------------------------------------------------------


def test_builtin_gates() -> None:
    sup = load_procedure("four-deliberations-supervised")
    gate = sup.stage("supervision-review")
    assert [c.id for c in gate.checks] == ["legality", "village-charter", "materials"]
    assert sup.stage_index("supervision-review") + 1 == sup.stage_index("resolution")
    plots = load_procedure("land-plot-adjustment")
    assert [(s.id, s.authority.id if s.authority else None) for s in plots.stages
            if s.authority] == [("township-approval", "township-government"),
                                ("county-approval", "county-agriculture")]
    outsiders = load_procedure("land-contracting-outsiders")
    assert [s.id for s in outsiders.stages if s.authority] == ["township-approval"]


# -- the scenarios (examples/scenarios), through the run command --------------------------------


SCENARIOS = {
    # name: (outcome, routes other than pass, refused: rules or error types)
    "supervised-adopted": ("adopted", [], ["gate-signatures"]),
    "supervised-returned": ("adopted", ["returned"], ["InvalidAction"]),
    "supervised-rounds-exhausted": ("rejected", ["returned", "returned", "max_rounds"],
                                    ["NotEntitled"]),
    "plot-adjustment-approved": ("adopted", [], ["InvalidAction"]),
    "plot-adjustment-refused": ("rejected", ["rejected"], ["InvalidAction"]),
    "plot-adjustment-returned": ("rejected", ["returned", "max_rounds"], ["InvalidAction"]),
    "outsiders-approved": ("adopted", [], ["NotEntitled"]),
    "outsiders-refused": ("rejected", ["rejected"], []),
    "outsiders-short-resolution": (None, ["rejected"], ["InvalidAction"]),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenarios(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    outcome, routes, refused = SCENARIOS[name]
    data = run(name, capsys)
    assert data["outcome"] == outcome
    assert [r for _, r, _ in trail(data) if r not in (None, "pass")] == routes
    assert refusals(data) == refused


def test_scenario_records_carry_instruments_and_reasons() -> None:
    scenario = load_scenario(EXAMPLES / "plot-adjustment-approved.yaml")
    report = run_scenario(scenario)
    decisions = [r for r in report.case.records if r.kind == "authority-decision"]
    assert [(r.result["authority"], r.result["instrument"]["number"]) for r in decisions] == [
        ("township-government", "河政函〔2026〕18号"), ("county-agriculture", "郊农函〔2026〕7号")]
    returned = run_scenario(load_scenario(EXAMPLES / "supervised-returned.yaml")).case
    rec = next(r for r in returned.records if r.kind == "examination")
    assert rec.data["not_met"] == {"village-charter": "承包期超过村规民约规定的五年"}
    assert len(rec.signatures) == 3


# -- the tools: show, diagram, html, walk, case act, the register ------------------------------


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
def test_show_diagram_and_page_describe_gates(lang: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    words = {"en": ("lawful and within policy", "township government", "returned"),
             "zh-Hans": ("合法合规", "乡(镇)人民政府", "退回"),
             "zh-Hant": ("合法合規", "鄉(鎮)人民政府", "退回")}[lang]
    assert main(["show", "four-deliberations-supervised", "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert words[0] in out and words[2] in out and "`supervision-review`" in out
    assert main(["show", "land-plot-adjustment", "--lang", lang]) == 0
    assert words[1] in capsys.readouterr().out
    assert main(["diagram", "land-contracting-outsiders", "--lang", lang]) == 0
    assert words[1] in capsys.readouterr().out
    page = tmp_path / "page.html"
    assert main(["html", "four-deliberations-supervised", "--lang", lang, "-o", str(page)]) == 0
    assert words[0] in page.read_text(encoding="utf-8")


def test_the_walkthrough_examines_and_decides(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "walk.txt"
    meetings = ("meeting present=5 yes=5\nmeeting present=6 yes=6\ncirculate\nwait 3\n"
                "meeting present=45 yes=40 witnesses=1 signed=45\n")
    script.write_text(meetings + "clear signed=1\nreturn materials the survey is missing\n"
                      + meetings + "clear\n", encoding="utf-8")
    assert main(["walk", "four-deliberations-supervised", "--lang", "en",
                 "--script", str(script)]) == 0
    out = capsys.readouterr().out
    assert "decision signed by 1 of 3 members" in out  # refused: two must sign
    assert "Result: returned → discussion (round 1)" in out
    assert "Recorded (examination)" in out
    assert "Result: passed → resolution (round 2)" in out


def test_case_act_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                      ) -> None:
    db = f"sqlite:///{tmp_path / 'cases.db'}"
    base = ["--db", db, "--path", str(tmp_path)]
    (tmp_path / "gate-test.yaml").write_text(gate_text(), encoding="utf-8")
    assert main(["case", "new", *base, "--procedure", "gate-test", "--matter", "修路",
                 "--id", "c1", "--at", "2026-03-02T10:00:00+08:00"]) == 0
    assert main(["case", "act", *base, "c1", "hold-meeting", "--json",
                 '{"present": 5, "yes": 5}', "--at", "2026-03-02T11:00:00+08:00"]) == 0
    capsys.readouterr()
    assert main(["case", "act", *base, "c1", "examine", "--json",
                 '{"met": ["legality"], "signed": ["v0007", "v0008"]}',
                 "--at", "2026-03-03T10:00:00+08:00"]) == 1
    assert "materials" in capsys.readouterr().err
    assert main(["case", "act", *base, "c1", "examine", "--json",
                 '{"met": ["legality"], "not_met": {"materials": "缺图"}, '
                 '"signed": ["v0007", "v0008"]}', "--at", "2026-03-03T10:00:00+08:00"]) == 0
    assert main(["case", "show", *base, "c1", "--format", "json"]) == 0
    assert '"draft"' in capsys.readouterr().out


def test_the_register_lists_checks_signers_and_instruments() -> None:
    def register_text(name: str, lang: str) -> str:
        case = run_scenario(load_scenario(EXAMPLES / f"{name}.yaml")).case
        register = build_register(support.archive_of(case), lang=lang)
        return "\n".join(f"{s.title} {r.label} {r.value}" for s in register.sections
                         for r in s.rows)

    text = register_text("supervised-returned", "zh-Hans")
    assert "不符合的事项 符合村规民约:承包期超过村规民约规定的五年" in text
    assert "符合的事项 合法合规、材料完备" in text
    text = register_text("plot-adjustment-approved", "zh-Hant")
    assert "鄉(鎮)人民政府" in text and "河政函〔2026〕18号" in text
    assert "縣級人民政府農業農村主管部門" in text and "決定 批准" in text


# -- anything, with any value: a clear refusal or a decision, never a traceback ----------------

ODD = st.one_of(st.none(), st.integers(), st.booleans(), st.text(max_size=6),
                st.sampled_from(["legality", "materials", "v0007", "v0041", "2026-03-02", ""]),
                st.lists(st.sampled_from(["legality", "materials", "x", "v0007"]), max_size=3),
                st.dictionaries(st.sampled_from(["legality", "materials", "x"]),
                                st.one_of(st.text(max_size=4), st.integers()), max_size=2))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.booleans(), ODD, ODD, ODD, ODD, ODD, ODD)
def test_fuzzed_gate_actions_refuse_cleanly(at_gate: bool, a: Any, b: Any, c: Any, d: Any,
                                            e: Any, f: Any) -> None:
    case, _clock = at_review() if at_gate else at_approval()
    before = snapshot(case)
    try:
        if at_gate:
            case.examine(met=a, not_met=b, signed=c, actor=d)
        else:
            case.record_authority_decision(a, issuer=b, number=c, issued_on=d, reason=e,
                                           actor=f)
    except DeliberationError:
        assert snapshot(case) == before
        return
    assert case.version == before[1] + 1  # accepted: one record, and the case replays
    assert Case.replay(case.procedure, case.roster, case.records).state == case.state


def test_case_log_words_the_gate_records() -> None:
    returned = run_scenario(load_scenario(EXAMPLES / "supervised-returned.yaml")).case
    exam = next(r for r in returned.records if r.kind == "examination")
    zh = "\n".join(record_lines(exam, returned.procedure, returned.roster, "zh-Hans"))
    assert "不符合的事项:符合村规民约:承包期超过村规民约规定的五年" in zh
    assert "结果:退回 → 商议" in zh
    refused = run_scenario(load_scenario(EXAMPLES / "plot-adjustment-refused.yaml")).case
    decision = refused.records[-1]
    en = "\n".join(record_lines(decision, refused.procedure, refused.roster, "en"))
    assert "Decision: refused" in en and "Document number: 郊农函〔2026〕9号" in en
    hant = "\n".join(record_lines(decision, refused.procedure, refused.roster, "zh-Hant"))
    assert "決定:不予批准" in hant and "文號:郊农函〔2026〕9号" in hant


def test_blockers_and_actions_at_a_gate() -> None:
    case, _clock = at_review()
    found = {b.rule: b for b in case.blockers()}
    assert found["checks"].numbers["checks"] == ("legality", "materials")
    assert found["gate-signatures"].numbers["needed"] == 2
    assert next(a.action for a in case.available_actions()) == "examine"
    assert "lawful" in case.explain("en") and "合法合规" in case.explain("zh-Hans")
    case2, _ = at_approval()
    (blocker,) = case2.blockers()
    assert blocker.rule == "authority" and blocker.numbers["authority"] == "township-government"
    assert "乡(镇)人民政府审批" in blocker.message.get("zh-Hans")
    assert next(a.action for a in case2.available_actions()) == "record_authority_decision"
