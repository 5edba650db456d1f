"""The views of a procedure (show, the trainer's page, diagrams, the service) describe a land
law's 2/3 at a representatives' meeting as the law counts it: 2/3 of all villager
representatives, on their yes votes (农村土地承包法 (2018) Art. 19(3)), from the rule itself."""

from __future__ import annotations

import io

import pytest

from deliberation.cli import main
from deliberation.definition.loader import builtin_procedures_dir, load_procedure
from deliberation.definition.wording import describe_rule
from deliberation.engine.plan import plan_for
from deliberation.roster import Roster
from deliberation.rules.regimes import MatterRegime
from deliberation.trainer.html_page import page_data
from deliberation.trainer.steps import build_view
from deliberation.trainer.walk import Walkthrough

Capture = pytest.CaptureFixture[str]
REPS = {"resolution-body": "representatives-meeting"}


def _show(capsys: Capture, lang: str) -> list[str]:
    assert main(["show", "land-contracting-plan", "--lang", lang]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return out.splitlines()


def _regime_lines(lines: list[str], label: str) -> tuple[str, str]:
    """The regime's line at the default body (the villagers' meeting), then at the
    representatives' meeting (listed under the body setting's other choice)."""
    found = [line for line in lines if line.strip().startswith(f"- {label}")]
    assert len(found) == 2, found
    return found[0], found[1]


@pytest.mark.parametrize(("lang", "label", "among", "article"), [
    ("zh-Hans", "特别法规定的表决", "全体村民代表三分之二以上同意,以村民代表的赞成票计算",
     "第19条第3项"),
    ("zh-Hant", "特別法規定的表決", "全體村民代表三分之二以上同意,以村民代表的贊成票計算",
     "第19條第3項"),
    ("en", "vote required by a stricter law",
     "at least 2/3 of all villager representatives, counted on their yes votes", "Art. 19(3)"),
])
def test_show_says_the_representatives_base_at_a_representatives_meeting(
        capsys: Capture, lang: str, label: str, among: str, article: str) -> None:
    villagers, reps = _regime_lines(_show(capsys, lang), label)
    assert among in reps and article in reps
    assert among not in villagers and article in villagers


def test_describe_rule_is_the_rules_own_description_at_the_body() -> None:
    p = load_procedure("land-contracting-plan")
    stage = next(s for s in p.stages if s.id == "resolution")
    spec = next(r for r in p.rules_of(stage, REPS) if r.rule == "matter-regime")
    rule = MatterRegime.from_params(spec.id, dict(spec.params), spec.basis)
    line = describe_rule(p, spec, "en", p.bodies["representatives-meeting"])
    assert rule.at_body(True).describe().detail.get("en") in line
    assert rule.at_body(False).describe().detail.get("en") in describe_rule(
        p, spec, "en", p.bodies["villagers-meeting"])


def _resolution(overrides: dict[str, str] | None) -> tuple[dict[str, object], dict[str, str]]:
    data = page_data(build_view(load_procedure("land-contracting-plan"), overrides,
                                Roster.generate()))
    i = next(i for i, c in enumerate(data["calc"]) if c["id"] == "resolution")
    calc = data["calc"][i]
    (rule,) = (r for r in calc["rules"] if r["rule"] == "matter-regime")
    summary = next(r["summary"] for r in data["text"]["zh-Hans"]["steps"][i]["rules"]
                   if r["number"] == rule["number"])
    return calc | {"regime": rule}, {"summary": summary}


def test_page_calculator_counts_representatives_yes_votes_at_a_representatives_meeting() -> None:
    calc, text = _resolution(REPS)
    (t,) = calc["regime"]["thresholds"]  # type: ignore[index]
    assert (t["count"], t["total"], t["num"], t["den"], t["compare"]) == (
        "representative_yes", "representative_members", 2, 3, ">=")
    assert {"representative_yes", "representative_members"} <= set(calc["fields"])  # type: ignore[arg-type]
    roster = Roster.generate()
    members = load_procedure("land-contracting-plan").bodies["representatives-meeting"].members
    reps = sum(1 for v in roster.select(members) if v.representative)
    sample = calc["sample"]
    assert 0 < sample["representative_members"] == reps < sample["members"]  # type: ignore[index]
    assert "全体村民代表" in text["summary"]


def test_page_calculator_counts_all_members_at_the_villagers_meeting() -> None:
    calc, text = _resolution(None)
    (t,) = calc["regime"]["thresholds"]  # type: ignore[index]
    assert (t["count"], t["total"]) == ("yes", "members")
    assert "representative_yes" not in calc["fields"]  # type: ignore[operator]
    assert "全体村民代表" not in text["summary"]


def test_walk_shows_the_representatives_base_and_sample_at_a_representatives_meeting() -> None:
    # (the walkthrough has no matter kind, so the regime is only described there: docs/trainer.md)
    out = io.StringIO()
    w = Walkthrough.start("land-contracting-plan", lang="en", out=out, settings=REPS)
    step = w.view.step("resolution")
    (rule,) = (r for r in step.rules if r.rule == "matter-regime")
    roster = w.case.roster
    reps = sum(1 for v in roster.select(step.body.members) if v.representative)
    needed = -(-2 * reps // 3)
    assert w._sample_note(step, rule) == f"  [sample village: at least {needed} of {reps}]"
    assert "of all villager representatives" in rule.summary.get("en")


def test_procedure_header_comments_give_the_representatives_base() -> None:
    # a comment changes no record's meaning (no version bump), but it is what an editor reads
    applying = [f for f in builtin_procedures_dir().glob("*.yaml")
                if "rule: matter-regime" in f.read_text(encoding="utf-8")]
    assert applying
    for f in applying:
        lines = f.read_text(encoding="utf-8").splitlines()
        header = " ".join(line.lstrip("# ") for line in lines[:next(
            i for i, line in enumerate(lines) if not line.startswith("#"))])
        if "2/3" in header:
            assert "deciding body" not in header, f.name
            assert "ALL villager representatives, counted on their yes votes" in header, f.name
            assert "19(3)" in header, f.name


def test_the_engines_plan_describes_the_regime_at_its_body() -> None:
    # what diff and paths describe: the plan's own rule, told its body
    p = load_procedure("land-contracting-plan")
    for settings, count in ((REPS, "representative_yes"), ({}, "yes")):
        regime = plan_for(p, settings).stages["resolution"].regime
        assert regime is not None
        assert regime.describe().thresholds[0].count_field == count
