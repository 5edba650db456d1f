"""Matter kinds and legal regimes: the stricter rule prevails, through real cases.

Sizes are not domain.md's (28/30 representatives): villagers' meetings of 31 and 30 adults,
representatives' meetings of 30 and 31 members; each threshold at n−1, n, n+1.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Any

import pytest
from test_engine_support import wait_for_notice

from deliberation import Case, Roster, load_procedure
from deliberation.definition.loader import load_text
from deliberation.engine.clock import ManualClock
from deliberation.engine.scenario import ScenarioError, parse_scenario, run_scenario
from deliberation.errors import InvalidAction, RuleViolation
from deliberation.rules.law import (
    DEFAULT_KIND,
    KINDS,
    LawDataError,
    cite,
    parse_law_data,
    regime_of,
)

# -- driving a case to its resolution ----------------------------------------------------------


def _case(procedure: Any, adults: int, kind: str, *, representatives: int = 5,
          settings: dict[str, Any] | None = None, at: datetime | None = None) -> Case:
    roster = Roster.generate(households=12, people=adults + 9, adults=adults, party_members=6,
                             representatives=representatives, supervision_committee=3)
    clock = ManualClock(at or datetime(2026, 3, 2, 1, tzinfo=UTC))
    return Case.open(procedure, roster, matter="土地延包", kind=kind, settings=settings,
                     clock=clock)


def to_resolution(case: Case) -> None:
    """Through proposal, discussion and review to a noticed resolution (the notice period
    run): shared with the representatives-only tests."""
    case.hold_meeting(5, 5)
    case.clock.advance(days=2)  # type: ignore[attr-defined]
    case.hold_meeting(6, 6)
    case.circulate_plan()
    case.clock.advance(days=3)  # type: ignore[attr-defined]
    case.hold_meeting(6, 6, witnesses=1)
    assert case.stage == "resolution"
    case.give_notice()
    wait_for_notice(case, case.clock)  # type: ignore[attr-defined]


def _resolve(case: Case, present: int, yes: int, **more: Any) -> dict[str, Any]:
    """Hold the resolution; the meeting record's result with its checks by rule id."""
    (rec,) = case.hold_meeting(present, yes, present - yes, witnesses=1, **more)
    result = dict(rec.result)
    result["by_rule"] = {c["rule"]: c for c in rec.result["checks"]}
    return result


LAND = load_procedure("land-contracting-plan")


@pytest.mark.parametrize("adults,needed", [(31, 21), (30, 20)])
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_two_thirds_of_all_members_at_the_boundary(adults: int, needed: int, delta: int) -> None:
    case = _case(LAND, adults, "land-contracting-plan")
    to_resolution(case)
    yes = needed + delta
    out = _resolve(case, 25, yes)  # 25 present: the procedure's own rule needs only 13
    regime = out["by_rule"]["matter-regime"]
    assert regime["numbers"]["needed"] == needed and regime["numbers"]["total"] == adults
    assert out["by_rule"]["approval"]["ok"] is True
    assert regime["ok"] is (delta >= 0)
    assert out["route"] == ("pass" if delta >= 0 else "rejected")


def test_regime_stricter_than_the_procedure_names_the_binding_rule_and_basis() -> None:
    case = _case(LAND, 31, "plot-adjustment")
    to_resolution(case)
    before = case.explain("en")  # what the vote needs, before it is held
    assert "Art. 28, i.e." not in before and "at least 21 yes of all 31" in before
    assert "approved by the township government, the county agricultural" in before
    assert "至少 21 人赞成" in case.explain("zh-Hans")
    out = _resolve(case, 25, 20)
    n = out["by_rule"]["matter-regime"]["numbers"]
    assert (n["binding"], n["own_needed"], n["needed"]) == ("regime", 13, 21)
    assert (n["law"], n["article"], n["base"], n["ratio"]) == (
        "rural-land-contracting-law", "28", "members", "2/3")
    assert out["route"] == "rejected" and case.stage == "discussion"


_STRICT = """\
format: 1
id: land-strict
extends: land-contracting-plan
version: "1"
locality: test
name: {zh-Hans: 严格, zh-Hant: 嚴格, en: strict}
stages:
  - update: resolution
    add_rules:
      - rule: approval
        params: {ratio: 3/4, compare: ">=", base: members}
"""


@pytest.mark.parametrize("yes,route,ok_own", [(23, "rejected", False), (24, "pass", True),
                                              (25, "pass", True)])
def test_procedure_stricter_than_the_regime_prevails(yes: int, route: str, ok_own: bool) -> None:
    strict = load_text(_STRICT, "strict.yaml")
    case = _case(strict, 31, "land-contracting-plan")
    to_resolution(case)
    out = _resolve(case, 28, yes)
    regime = out["by_rule"]["matter-regime"]
    assert regime["ok"] is True  # 23 ≥ 21: the law alone would pass it
    assert out["by_rule"]["approval"]["ok"] is ok_own
    assert (regime["numbers"]["binding"], regime["numbers"]["own_needed"]) == ("procedure", 24)
    assert out["route"] == route


def test_ordinary_matter_under_the_land_procedure_uses_the_procedures_rule() -> None:
    case = _case(LAND, 31, DEFAULT_KIND)
    to_resolution(case)
    out = _resolve(case, 25, 13)
    assert out["route"] == "pass"
    assert out["by_rule"]["matter-regime"]["numbers"]["applies"] is False


@pytest.mark.parametrize("members_delta", [-1, 0, 1])
def test_representatives_meeting_two_thirds_of_all_representatives(members_delta: int) -> None:
    # committee 5 + 26 representatives = 31 members; Art. 52 names 2/3 of all villager
    # representatives: 26 × 2/3 = 17.33, so 18 of them, whatever the committee votes
    case = _case(LAND, 60, "contracting-to-outsiders", representatives=26,
                 settings={"resolution-body": "representatives-meeting"})
    to_resolution(case)
    reps_yes = 18 + members_delta
    out = _resolve(case, 24, reps_yes + 3, yes_among={"representative": reps_yes})
    n = out["by_rule"]["matter-regime"]["numbers"]
    assert (n["count"], n["total"], n["needed"], n["base"]) == (reps_yes, 26, 18,
                                                                 "representatives")
    assert out["route"] == ("pass" if members_delta >= 0 else "rejected")


# -- what the engine refuses ---------------------------------------------------------------------


def test_bound_kind_under_a_procedure_without_its_regime_is_refused_with_rule_and_basis() -> None:
    with pytest.raises(RuleViolation) as err:
        _case(load_procedure("four-deliberations"), 31, "land-contracting-plan")
    e = err.value
    assert e.rule == "matter-regime"
    assert dict(e.numbers) == {"kind": "land-contracting-plan", "regime": "land-contracting",
                               "law": "rural-land-contracting-law", "article": "19(3)",
                               "ratio": "2/3", "compare": ">=", "base": "members"}
    assert "第19条第3项" in e.message.zh_hans and "general majority" in e.message.en
    assert e.basis == ("rural-land-contracting-law 19(3)",)


def test_unknown_kind_is_refused_with_a_hint() -> None:
    with pytest.raises(InvalidAction) as err:
        _case(LAND, 31, "land-contracting")
    assert "land-contracting-plan" in err.value.message.en


_COLLECTIVE = """\
format: 1
id: collective
extends: four-deliberations
version: "1"
locality: test
name: {zh-Hans: 集体, zh-Hant: 集體, en: collective}
settings:
  resolution-body:
    default: villagers-meeting
stages:
  - update: resolution
    add_rules:
      - rule: matter-regime
        params: {regimes: [collective-economic-organisation]}
"""


def test_reserved_kind_may_not_go_to_a_representative_body() -> None:
    proc = load_text(_COLLECTIVE, "collective.yaml")
    reps = {"resolution-body": "representatives-meeting"}
    with pytest.raises(RuleViolation) as err:
        _case(proc, 31, "land-compensation-use", settings=reps)
    assert "Art. 27" in err.value.message.en and "第27条" in err.value.message.zh_hans
    # not reserved: the representatives may decide it; reserved at the full meeting: fine
    assert _case(proc, 31, "collective-asset-disposal", settings=reps).stage == "proposal"
    assert _case(proc, 31, "land-compensation-use").stage == "proposal"


@pytest.mark.parametrize("at,refused", [
    (datetime(2025, 4, 30, 15, 59, tzinfo=UTC), False),  # 23:59 on 30 April in Beijing
    (datetime(2025, 4, 30, 16, 0, tzinfo=UTC), True),  # 00:00 on 1 May: the law is in force
])
def test_collective_regime_binds_from_its_local_date_of_force(at: datetime, refused: bool
                                                              ) -> None:
    four = load_procedure("four-deliberations")
    if refused:
        with pytest.raises(RuleViolation):
            _case(four, 31, "collective-asset-disposal", at=at)
    else:
        assert _case(four, 31, "collective-asset-disposal", at=at).kind == (
            "collective-asset-disposal")


def test_the_kind_is_in_the_opening_record_and_survives_replay() -> None:
    case = _case(LAND, 31, "land-contracting-plan")
    assert case.records[0].data["kind"] == "land-contracting-plan"
    again = Case.replay(LAND, case.roster, case.records)
    assert again.kind == "land-contracting-plan"


# -- citations by version ------------------------------------------------------------------------


@pytest.mark.parametrize("on,confirmed", [(date(2025, 12, 31), True), (date(2026, 1, 1), False)])
def test_organic_law_citation_by_version(on: date, confirmed: bool) -> None:
    text = cite("organic-law", "27", on)
    if confirmed:
        assert text.zh_hans == "《村民委员会组织法》(2018年修正,2018-12-29施行)第27条"
    else:
        assert "2025年修订" in text.zh_hans and "条号待确认" in text.zh_hans
        assert "條號待確認" in text.zh_hant
        assert "article number not yet confirmed" in text.en and "Art. 27" in text.en


def test_every_kind_has_three_labels_and_ascii_ids() -> None:
    assert len(KINDS) >= 9
    for k in KINDS.values():
        assert k.id.isascii() and all(k.label.get(lang) for lang in ("zh-Hans", "zh-Hant", "en"))
    assert regime_of("collective-construction-land") is not None
    assert regime_of("one-matter-project") is None


def test_broken_law_data_reports_every_problem_located() -> None:
    text = """\
format: 1
laws:
  a-law:
    title: {zh-Hans: 法, zh-Hant: 法, en: law}
    versions:
      - {version: "1", label: {zh-Hans: 一, zh-Hant: 一, en: one}, effective: 20200101}
kinds:
  x:
    label: {zh-Hans: 甲, en: x}
regimes:
  r:
    name: {zh-Hans: 乙, zh-Hant: 乙, en: r}
    approval: {ratio: 0.6, compare: ">=", base: members}
    text: {zh-Hans: 丙, zh-Hant: 丙, en: c}
    kinds:
      y: {basis: {law: b-law, article: "1"}}
"""
    with pytest.raises(LawDataError) as err:
        parse_law_data(text, "bad.yaml")
    got = {(d.code, d.line) for d in err.value.diagnostics}
    assert {("D202", 6), ("D601", 9), ("D403", 13), ("D301", 16)} <= got, got
    assert all(d.file == "bad.yaml" for d in err.value.diagnostics)


# -- scenarios ---------------------------------------------------------------------------------


_SCENARIO = """\
procedure: four-deliberations
kind: {kind}
matter: 延包
start: 2026-03-02
roster:
  generate: {{households: 12, people: 40, party_members: 6, representatives: 5}}
actions: []
"""


def test_scenario_kind_errors_are_located() -> None:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(_SCENARIO.format(kind="land-plan"), "s.yaml")
    assert [(d.code, d.line) for d in err.value.diagnostics] == [("D202", 2)]
    scenario = parse_scenario(_SCENARIO.format(kind="land-contracting-plan"), "s.yaml")
    with pytest.raises(ScenarioError) as err:
        run_scenario(scenario)
    (d,) = err.value.diagnostics
    assert (d.line, d.path) == (2, "kind") and "general majority" in d.message_in("en")
    assert "一般过半数" in d.message_in("zh-Hans")  # the refusal in words, not its English text


# -- the simulator ---------------------------------------------------------------------------------


def _binomial_tail(n: int, p: float, k: int) -> float:
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


def test_simulator_two_thirds_of_all_against_the_exact_binomial() -> None:
    """domain.md §8: N = 200, attendance 0.75, 80% yes: P ≈ 1.000 under the villagers'
    meeting rule, ≈ 0.025 under 2/3 of all. Every earlier body passes for sure here, the
    resolution is held up to 3 times with the same support, so P(adopted) = 1 − (1 − p)³."""
    from deliberation.simulation import SimParams, simulate

    sure = {"branch-committee": 1.0, "two-committees": 1.0, "party-assembly": 1.0}
    base = dict(households=60, people=200, adults=200, party_members=10, representatives=10,
                attendance_by_body={**sure, "villagers-meeting": 0.75}, support=0.8,
                support_concentration=None, revision_gain=0.0, support_by_body=sure)
    runs = 40_000
    # each present adult votes yes with 0.8: yes ~ Binomial(200, 0.75 × 0.8)
    p = _binomial_tail(200, 0.6, 134)  # 2/3 of 200 is 133.33: 134 needed
    assert 0.02 < p < 0.03
    expected = 1 - (1 - p) ** 3
    land = simulate("land-contracting-plan", SimParams(**base, kind="land-contracting-plan"),
                    runs, seed=11)
    got = float((land["outcome"] == "adopted").mean())
    se = math.sqrt(expected * (1 - expected) / runs)
    assert abs(got - expected) < 4 * se, (got, expected)
    ordinary = simulate("land-contracting-plan", SimParams(**base), runs, seed=11)
    # > 1/2 of those present: P(Binomial(n, 0.8) > n/2) is 1.000 to three places
    assert float((ordinary["outcome"] == "adopted").mean()) > 0.999


def test_simulator_refuses_a_kind_the_procedure_cannot_decide() -> None:
    from deliberation.simulation import SimParams, simulate
    from deliberation.simulation.model import SimulationError

    with pytest.raises(SimulationError) as err:
        simulate("four-deliberations", SimParams(kind="plot-adjustment"), 10, seed=1)
    assert "Art. 28" in err.value.message.en


def test_engine_and_vectorised_paths_agree_on_two_thirds_of_all() -> None:
    from test_sim_support import assert_paths_agree

    from deliberation.simulation import SimParams, simulate

    params = SimParams(kind="land-contracting-plan", households=40, people=120, adults=60,
                       party_members=8, representatives=10,
                       support_by_body={"branch-committee": 0.9, "two-committees": 0.85},
                       attendance_by_body={"villagers-meeting": 0.8}, support=0.8)
    eng = simulate("land-contracting-plan", params, 600, seed=21, path="engine")
    vec = simulate("land-contracting-plan", params, 40_000, seed=21)
    # the regime binds sometimes, not always: the comparison is informative
    ends = vec["end_rule"].value_counts(normalize=True)
    assert 0.02 < ends.get("matter-regime", 0.0) < 0.98, ends
    assert_paths_agree(eng, vec, 600, 40_000, ("days", "reconvenings", "revisions", "meetings"))


# -- citations shown: explanations, show, archives -----------------------------------------------


def _four_at_resolution(at: datetime) -> Case:
    case = Case.open(load_procedure("four-deliberations"), Roster.generate(), matter="修路",
                     clock=ManualClock(at))
    case.hold_meeting(5, 5)
    case.hold_meeting(6, 6)
    case.circulate_plan()
    case.clock.advance(days=3)  # type: ignore[attr-defined]
    case.hold_meeting(40, 40, witnesses=1)
    assert case.stage == "resolution"
    return case


@pytest.mark.parametrize("at,amended", [
    (datetime(2025, 12, 31, 15, 59, tzinfo=UTC), False),  # 23:59 on 31 December in Beijing
    (datetime(2025, 12, 31, 16, 0, tzinfo=UTC), True),  # 00:00 on 1 January 2026
])
def test_explanation_cites_the_organic_law_version_of_the_opening_day(at: datetime,
                                                                      amended: bool) -> None:
    case = _four_at_resolution(at)
    zh, en = case.explain("zh-Hans"), case.explain("en")
    if amended:
        assert "立项日 2026-01-01" in zh and "对应2018年文本第26条的条款(条号待确认)" in zh
        assert "the article that was Art. 26 of the 2018 text (article number not yet " \
               "confirmed)" in en
    else:
        assert "立项日 2025-12-31" in zh and "(2018年修正,2018-12-29施行)第26条" in zh
        assert "not yet confirmed" not in en


def test_show_lists_each_later_version_of_a_cited_article(
        capsys: pytest.CaptureFixture[str]) -> None:
    from deliberation.cli import main

    assert main(["show", "four-deliberations", "--lang", "zh-Hant"]) == 0
    out = capsys.readouterr().out
    assert "自 2026-01-01 起" in out and "對應2018年文本第22條的條款(條號待確認)" in out


def test_archive_cites_the_regime_article_by_version() -> None:
    from deliberation.store import open_store
    from deliberation.store.archive import archive_html
    from deliberation.store.cases import save_case

    case = _case(LAND, 31, "land-contracting-plan")
    to_resolution(case)
    _resolve(case, 25, 22)
    store = open_store("sqlite:///:memory:")
    save_case(store, case)
    html = archive_html(store, case.id, lang="en")
    assert "Rural Land Contracting Law (2018 amendment, in force 2019-01-01) Art. 19(3)" in html


# -- the example scenarios ---------------------------------------------------------------------


def _run(name: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    import json
    from pathlib import Path

    from deliberation.cli import main

    path = Path(__file__).resolve().parent.parent / "examples" / "scenarios" / f"{name}.yaml"
    assert main(["run", str(path), "--json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_land_plan_adopted_with_exactly_two_thirds_of_all(
        capsys: pytest.CaptureFixture[str]) -> None:
    data = _run("land-plan-adopted", capsys)
    assert data["outcome"] == "adopted"
    assert all(a["accepted"] for a in data["actions"])


def test_land_plan_one_vote_short_of_two_thirds_of_all(
        capsys: pytest.CaptureFixture[str]) -> None:
    data = _run("land-plan-two-thirds-short", capsys)
    routes = [(a["route"], a["state"]) for a in data["actions"]]
    assert ("rejected", "discussion") in routes and data["outcome"] == "withdrawn"


def test_land_plan_representatives_lack_quorum_then_two_thirds(
        capsys: pytest.CaptureFixture[str]) -> None:
    data = _run("land-plan-representatives-no-quorum", capsys)
    routes = [a["route"] for a in data["actions"]]
    assert routes[4:6] == ["no_quorum", "rejected"] and data["outcome"] == "withdrawn"


@pytest.mark.parametrize("command", [["show"], ["diagram"], ["html"]])
def test_land_procedure_runs_through_the_tools(command: list[str], tmp_path: Any,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from deliberation.cli import main

    args = [*command, "land-contracting-plan", "--lang", "en"]
    if command == ["html"]:
        args += ["-o", str(tmp_path / "land.html")]
    assert main(args) == 0
    out = capsys.readouterr().out
    text = (tmp_path / "land.html").read_text(encoding="utf-8") if command == ["html"] else out
    assert "2/3" in text


def test_land_procedure_walkthrough_reaches_the_resolution() -> None:
    import io

    from deliberation.trainer.walk import run_walk

    out = io.StringIO()
    # notice on Thu 8 Jan: the tenth day, Sun 18 Jan, moves to Mon 19 Jan (Civil Code Art. 203),
    # so the meeting is lawful from 20 Jan, 12 days on
    script = ["meeting 5 5", "meeting 6 6", "circulate", "wait 3",
              "meeting present=45 yes=40 witnesses=1", "notice", "wait 12",
              "meeting present=600 yes=400 witnesses=1"]
    assert run_walk("land-contracting-plan", script, lang="en", out=out) == 0
    text = out.getvalue()
    assert "✓ 4.6 vote required by a stricter law" in text and "None" not in text
    assert "Result: passed → publish the resolution" in text


def test_mutated_law_data_gets_located_errors() -> None:
    """The shipped law data, mutated as the file fuzzer mutates procedures: a located
    LawDataError (never another exception, never line 0) or a clean parse."""
    import random
    from importlib import resources

    from test_fuzz_files import EXAMPLES, SEED, _mutate

    text = resources.files("deliberation.rules").joinpath("law.yaml").read_text(encoding="utf-8")
    rng = random.Random(SEED)
    for n in range(EXAMPLES):
        mutated = text
        for _ in range(rng.randrange(1, 4)):
            mutated = _mutate(mutated, rng).decode("utf-8", "replace")
        try:
            parse_law_data(mutated, "law.yaml")
        except LawDataError as err:
            assert err.diagnostics, n
            assert all(d.line >= 1 for d in err.diagnostics), (n, err.diagnostics)


def test_service_opens_a_case_of_a_kind_over_http(tmp_path: Any) -> None:
    import test_service_support as support

    urls = support.database_url("sqlite", tmp_path)
    db = next(urls)
    server = support.Server(db)
    try:
        token = support.make_token(db, "clerk", "guzhuang")
        roster = {"generate": {"households": 12, "people": 40, "adults": 31, "party_members": 6,
                               "representatives": 5, "supervision_committee": 3}}
        body = {"procedure": "land-contracting-plan", "roster": roster, "matter": "延包",
                "kind": "land-contracting-plan", "case_id": "land-" + support.uid()}
        with server.client(token, "en") as c:
            r = c.post("/v1/cases", json=body)
            assert r.status_code == 201, r.text
            records = c.get(f"/v1/cases/{body['case_id']}/records")
            assert records.status_code == 200, records.text
            assert '"kind": "land-contracting-plan"' in records.text.replace('":"', '": "')
            refused = c.post("/v1/cases", json=body | {"procedure": "four-deliberations",
                                                      "case_id": "land-" + support.uid()})
            assert refused.status_code == 422, refused.text
            assert "general majority" in refused.text and "Traceback" not in refused.text
            unknown = c.post("/v1/cases", json=body | {"kind": "land-plan",
                                                      "case_id": "land-" + support.uid()})
            assert unknown.status_code == 422 and "land-contracting-plan" in unknown.text
    finally:
        log = server.stop()
        for _ in urls:
            pass
    assert "Traceback" not in log, log


# -- after adoption --------------------------------------------------------------------------


def _adopted(kind: str = "land-contracting-plan") -> Case:
    case = _case(LAND, 31, kind)
    to_resolution(case)
    _resolve(case, 25, 21)
    for _ in range(2):
        case.post_disclosure("notice-board", actor="v0002")
        case.clock.advance(days=7)  # type: ignore[attr-defined]
        case.conclude_disclosure()
    assert case.state == "adopted"
    return case


def test_township_correction_order_reopens_the_resolution_with_its_instrument() -> None:
    case = _adopted()
    (rec,) = case.record_order("correction", issuer="河底镇人民政府", number="河政责〔2026〕7号",
                               issued_on="2026-03-30", reopen="resolution")
    assert case.stage == "resolution" and not case.closed
    assert dict(rec.result["order"]) == {"type": "correction", "issuer": "河底镇人民政府",
                                         "number": "河政责〔2026〕7号", "issued_on": "2026-03-30"}
    # opened in 2026: the 2018 Art. 27 under the amended law, number unconfirmed
    assert "条号待确认" in rec.result["basis"]["cited"]["zh-Hans"]
    assert rec.result["basis"]["article"] == "27"
    # the case goes on from there: a new vote, held again under the land law
    case.give_notice()
    wait_for_notice(case, case.clock)  # type: ignore[attr-defined]
    assert _resolve(case, 30, 20)["route"] == "rejected"
    assert Case.replay(LAND, case.roster, case.records).state == case.state


def test_correction_order_may_end_the_case_and_must_say_how() -> None:
    case = _adopted()
    with pytest.raises(InvalidAction):
        case.record_order("correction", issuer="镇政府", number="1号", issued_on="2026-03-30")
    with pytest.raises(InvalidAction):
        case.record_order("correction", issuer="镇政府", number="1号", issued_on="2026-03-30",
                          end="adopted")
    case.record_order("correction", issuer="镇政府", number="1号", issued_on="2026-03-30",
                      end="rejected")
    assert case.state == "rejected"


def test_court_revocation_ends_the_case_and_republication_reopens_the_disclosure() -> None:
    case = _adopted()
    case.record_order("republication", issuer="镇政府", number="2号", issued_on="2026-03-30")
    assert case.stage == "resolution-disclosure"
    for _ in range(2):
        case.post_disclosure("notice-board", actor="v0002")
        case.clock.advance(days=7)  # type: ignore[attr-defined]
        case.conclude_disclosure()
    assert case.state == "adopted"
    case.record_order("revocation", issuer="区人民法院", number="(2026)晋0311民初108号",
                      issued_on="2026-04-10")
    assert case.state == "rejected" and case.closed


@pytest.mark.parametrize("changes,word", [
    ({"type": "annulment"}, "one of"),
    ({"issuer": " "}, "issuer"),
    ({"number": ""}, "number"),
    ({"issued_on": "2026-13-01"}, "YYYY-MM-DD"),
    ({"issued_on": "2099-01-01"}, "after the day"),
    ({"reopen": "nowhere"}, "no stage"),
    ({"reopen": "resolution", "end": "rejected"}, "not both"),
])
def test_bad_orders_are_refused_and_change_nothing(changes: dict[str, Any], word: str) -> None:
    case = _adopted()
    before = case.version
    args: dict[str, Any] = {"type": "correction", "issuer": "镇政府", "number": "3号",
                            "issued_on": "2026-03-30", "reopen": "resolution"} | changes
    with pytest.raises(InvalidAction) as err:
        case.record_order(args.pop("type"), **args)
    assert word in err.value.message.en and case.version == before


def test_an_order_needs_an_adopted_case() -> None:
    case = _case(LAND, 31, "land-contracting-plan")
    with pytest.raises(InvalidAction) as err:
        case.record_order("revocation", issuer="法院", number="1号", issued_on="2026-03-02")
    assert "adopted" in err.value.message.en


def test_land_plan_revoked_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    data = _run("land-plan-revoked", capsys)
    orders = [a for a in data["actions"] if a["do"] == "order"]
    assert [(a["route"], a["state"]) for a in orders] == [
        ("order", "resolution-disclosure"), ("order", "rejected")]
    assert data["outcome"] == "rejected"


def test_simulate_command_takes_the_kind(capsys: pytest.CaptureFixture[str]) -> None:
    from deliberation.cli import main

    assert main(["simulate", "land-contracting-plan", "--runs", "300", "--set",
                 "kind=land-contracting-plan", "--lang", "en"]) == 0
    assert "matter-regime" in capsys.readouterr().out
    assert main(["simulate", "four-deliberations", "--runs", "10", "--set",
                 "kind=plot-adjustment", "--lang", "en"]) != 0
    err = capsys.readouterr()
    assert "Art. 28" in err.err + err.out and "Traceback" not in err.err


def test_a_confirmed_renumbering_is_cited_by_its_new_number() -> None:
    """Once law.yaml maps an old article to its confirmed new number, that number is cited."""
    from importlib import resources

    import deliberation.rules.law as law

    text = resources.files("deliberation.rules").joinpath("law.yaml").read_text(encoding="utf-8")
    laws, _, _ = parse_law_data(text.replace("renumbered: {}", 'renumbered: {"22": "25"}'))
    saved = dict(law.LAWS)
    try:
        law.LAWS.update(laws)
        assert cite("organic-law", "22", date(2026, 1, 1)).en.endswith("in force 2026-01-01) "
                                                                       "Art. 25")
        assert "not yet confirmed" in cite("organic-law", "21", date(2026, 1, 1)).en
    finally:
        law.LAWS.clear()
        law.LAWS.update(saved)
