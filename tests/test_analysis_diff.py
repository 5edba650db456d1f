"""``deliberation diff``: what one procedure changes against another, and nothing else."""

from __future__ import annotations

import itertools
import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from test_i18n_no_english import latin_words

from deliberation import load_procedure
from deliberation.analysis.diff import KINDS, Diff, diff
from deliberation.analysis.diff_render import W, to_data, to_text
from deliberation.cli import main
from deliberation.definition.loader import load_file

FOUR_PATH = Path(load_procedure("four-deliberations").source or "")
SMALL = Path(__file__).parent / "procedures" / "small-vote.yaml"


def _ids() -> list[str]:
    folder = Path(load_procedure("four-deliberations").source or "").parent
    return sorted(p.stem for p in folder.glob("*.yaml"))


IDS = _ids()


def _schema() -> jsonschema.Draft202012Validator:
    text = (resources.files("deliberation.schema") / "diff.v1.schema.json").read_text("utf-8")
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _variant(tmp_path: Path, old: str, new: str, name: str = "variant.yaml") -> Path:
    text = FOUR_PATH.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize("pid", IDS)
def test_every_built_in_procedure_against_itself_has_no_difference(pid: str) -> None:
    p = load_procedure(pid)
    assert diff(p, p).changes == ()
    assert "No difference in governance terms." in to_text(diff(p, p), "en")


def test_six_deliberations_adds_the_motion_and_the_signed_consultation_and_nothing_else(
) -> None:
    d = diff(load_procedure("four-deliberations"), load_procedure("six-deliberations-guzhuang"))
    assert [(c.kind, c.subject) for c in d.changes] == [
        ("stage-added", "motion"),
        ("stage-added", "consultation"),
        ("body-added", "villagers"),
        ("setting-added", "consultation-unit"),
        ("setting-added", "consultation-proxies"),
        ("setting-added", "motion-min-submitters"),
        ("basis-added", "seed-guzhuang"),
    ]
    consultation = d.changes[1].after
    coverage = consultation["rules"][0]
    assert coverage["rule"] == "consultation-coverage"
    assert coverage["thresholds"][0]["num"] == coverage["thresholds"][0]["den"] == 1
    assert coverage["params"]["signed_only"] is True
    en = to_text(d, "en")
    assert '+ new step "motion" (written motion, by villagers), before "proposal"' in en
    assert ('+ new step "villagers\' consultation" (consultation, by villagers), '
            'before "resolution"') in en
    assert "opinions from at least 100% of adult villagers, only signed opinions count" in en
    zh = to_text(d, "zh-Hans")
    assert "+ 新增步骤“民议”(征求意见,由村民办理),在“决议”之前" in zh
    assert "100%以上(含本数),仅签字的意见计入" in zh
    assert "+ 新增步驟「動議」" in to_text(d, "zh-Hant")


def test_talk_days_against_the_procedure_it_extends() -> None:
    d = diff(load_procedure("party-member-proposal-lijin"), load_procedure("talk-days"))
    kinds = [(c.kind, c.stage) for c in d.changes]
    assert ("rule-added", "raise") in kinds and ("stage-body", "raise") in kinds
    assert not [k for k, _ in kinds if k.startswith("stage-added") or k.endswith("removed")]


@pytest.mark.parametrize("a,b", list(itertools.permutations(IDS, 2)))
def test_every_built_in_pair_mirrors_and_matches_the_schema(a: str, b: str) -> None:
    pa, pb = load_procedure(a), load_procedure(b)
    there, back = diff(pa, pb), diff(pb, pa)
    swap = {"added": "removed", "removed": "added"}

    def mirrored(kind: str) -> str:
        head, _, tail = kind.rpartition("-")
        return f"{head}-{swap[tail]}" if tail in swap else kind

    assert sorted((mirrored(c.kind), c.subject, c.stage) for c in there.changes) == sorted(
        (c.kind, c.subject, c.stage) for c in back.changes)
    for c in there.changes:
        assert c.kind in KINDS
    _schema().validate(to_data(there))
    for lang in ("zh-Hans", "zh-Hant", "en"):
        assert to_text(there, lang)
    # a Chinese reader sees names; ids, setting values and parameters stand only as code
    for lang in ("zh-Hans", "zh-Hant"):
        assert latin_words(to_text(there, lang)) == [], to_text(there, lang)


def test_a_pair_differing_in_one_threshold_reports_only_that_threshold(tmp_path: Path) -> None:
    variant = _variant(tmp_path, "        params: {ratio: 2/3, compare: \">=\", base: members}\n"
                       "        basis: [organic-law-2018-art26, civil-code-1259]",
                       "        params: {ratio: 3/4, compare: \">=\", base: members}\n"
                       "        basis: [organic-law-2018-art26, civil-code-1259]")
    d = diff(load_procedure("four-deliberations"), load_file(variant))
    assert [(c.kind, c.stage, c.subject) for c in d.changes] == [
        ("rule-changed", "resolution", "quorum")]
    before, after = d.changes[0].before, d.changes[0].after
    assert (before["thresholds"][0]["num"], before["thresholds"][0]["den"]) == (2, 3)
    assert (after["thresholds"][0]["num"], after["thresholds"][0]["den"]) == (3, 4)
    assert "~ resolution: quorum ≥2/3 of members present → ≥3/4 of members present" in to_text(
        d, "en")
    assert "~ 决议:法定人数 到会≥组成人员的2/3 → 到会≥组成人员的3/4" in to_text(d, "zh-Hans")


def test_a_setting_default_is_reported_with_the_threshold_it_moves(tmp_path: Path) -> None:
    variant = _variant(tmp_path, "    type: fraction\n    default: 1/2\n",
                       "    type: fraction\n    default: 2/3\n")
    d = diff(load_procedure("four-deliberations"), load_file(variant))
    assert [(c.kind, c.subject) for c in d.changes] == [
        ("rule-changed", "quorum"), ("setting-default", "party-assembly-quorum-ratio")]
    zh = to_text(d, "zh-Hans")
    assert "~ 审议:法定人数 到会≥应到人数的1/2 → 到会≥应到人数的2/3" in zh
    assert "~ 设置 `party-assembly-quorum-ratio` 的默认值:`1/2` → `2/3`" in zh


def test_disclosure_days_and_channels(tmp_path: Path) -> None:
    text = FOUR_PATH.read_text(encoding="utf-8")
    at = text.index("  - id: results-disclosure")
    rule = ("channels: [notice-board, broadcast, wechat-group, website]\n"
            "          min_days: {setting: disclosure-days}")
    assert text[at:].count(rule) == 1
    variant = tmp_path / "variant.yaml"
    variant.write_text(text[:at] + text[at:].replace(
        rule, "channels: [notice-board]\n          min_days: 15"), encoding="utf-8")
    d = diff(load_procedure("four-deliberations"), load_file(variant))
    assert [(c.kind, c.stage) for c in d.changes] == [("rule-changed", "results-disclosure")]
    en = to_text(d, "en")
    assert "posted ≥7 days, objections answered → posted ≥15 days, objections answered" in en
    assert "channels=[notice-board, broadcast, wechat-group, website], min_days=7" in en
    assert "channels=[notice-board], min_days=15" in en


def test_a_moved_stage_is_named(tmp_path: Path) -> None:
    text = SMALL.read_text(encoding="utf-8")
    vote = text[text.index("  - id: vote"):text.index("  - id: confirm")]
    confirm = text[text.index("  - id: confirm"):text.index("  - id: publish")]
    moved = tmp_path / "moved.yaml"
    moved.write_text(text.replace(vote + confirm, confirm + vote), encoding="utf-8")
    d = diff(load_file(SMALL), load_file(moved))
    assert [(c.kind, c.subject, c.before, c.after) for c in d.of("stage-moved")] == [
        ("stage-moved", "vote", 1, 2)]


def test_diff_command_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "four-deliberations", "six-deliberations-guzhuang", "--lang",
                 "en"]) == 0
    assert "7 change(s)" in capsys.readouterr().out
    assert main(["diff", "four-deliberations", str(FOUR_PATH), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["changes"] == []
    _schema().validate(data)


def test_a_number_that_becomes_a_setting_with_the_same_default(tmp_path: Path) -> None:
    # the representatives' meeting quorum reads a new setting whose default is the old number:
    # nothing changes at the defaults but how the rule is written, and the setting is new
    text = FOUR_PATH.read_text(encoding="utf-8")
    old = '        params: {ratio: 2/3, compare: ">=", base: members}\n'
    new = '        params: {ratio: {setting: reps-quorum}, compare: ">=", base: members}\n'
    setting = ("settings:\n  reps-quorum:\n    type: fraction\n    default: 2/3\n"
               "    description: {zh-Hans: 代表会议到会比例, zh-Hant: 代表會議到會比例, "
               "en: representatives' quorum}\n")
    assert text.count(old) == 1 and text.count("settings:\n") == 1
    variant = tmp_path / "variant.yaml"
    variant.write_text(text.replace(old, new).replace("settings:\n", setting), encoding="utf-8")
    d = diff(load_procedure("four-deliberations"), load_file(variant))
    assert [(c.kind, c.subject) for c in d.changes] == [
        ("rule-changed", "quorum"), ("setting-added", "reps-quorum")]
    assert "~ resolution: quorum `{ratio=2/3}` → `{ratio={setting=reps-quorum}}`" in to_text(
        d, "en")


def test_a_new_step_after_the_last_common_one_says_what_it_follows() -> None:
    d = diff(load_procedure("one-matter-one-discussion"), load_procedure("four-deliberations"))
    added = {c.subject: c.after for c in d.of("stage-added")}
    assert (added["discussion"]["before"], added["discussion"]["after"]) == (None, "proposal")
    assert '+ new step "discussion" (meeting and vote, by joint meeting of the two village ' \
           'committees), after "proposal"' in to_text(d, "en")
    assert "~ 结局 `adopted`:已通过并公示(成功) → 已决议并公开(成功)" in to_text(d, "zh-Hans")


GROUP_PATH = Path(load_procedure("land-contracting-plan-working-group").source or "")


def _group_variant(tmp_path: Path, old: str, new: str) -> Path:
    text = GROUP_PATH.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "group-variant.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_group_whose_size_changes_reports_min_and_max_old_and_new(tmp_path: Path) -> None:
    a = load_procedure("land-contracting-plan-working-group")
    d = diff(a, load_file(_group_variant(tmp_path, "    min: 3\n    max: 9\n",
                                         "    min: 5\n    max: 7\n")))
    assert [(c.kind, c.subject) for c in d.changes] == [("group-changed", "working-group")]
    change = d.changes[0]
    assert (change.before["min"], change.before["max"]) == (3, 9)
    assert (change.after["min"], change.after["max"]) == (5, 7)
    en = to_text(d, "en").splitlines()[2:]
    assert en == ['~ group "contracting working group": fewest members 3 → 5',
                  '~ group "contracting working group": most members 9 → 7']
    assert "~ 小组“承包工作小组”的最少人数:3 → 5" in to_text(d, "zh-Hans")
    assert "~ 小組「承包工作小組」的最多人數:9 → 7" in to_text(d, "zh-Hant")
    _schema().validate(to_data(d))


def test_a_group_without_an_upper_limit(tmp_path: Path) -> None:
    d = diff(load_procedure("land-contracting-plan-working-group"),
             load_file(_group_variant(tmp_path, "    max: 9\n", "")))
    assert [(c.kind, c.before["max"], c.after["max"]) for c in d.changes] == [
        ("group-changed", 9, None)]
    assert '~ group "contracting working group": most members 9 → no limit' in to_text(d, "en")
    assert "的最多人数:9 → 不限" in to_text(d, "zh-Hans")


def test_who_may_be_elected_to_a_group(tmp_path: Path) -> None:
    d = diff(load_procedure("land-contracting-plan-working-group"),
             load_file(_group_variant(tmp_path, "    eligible: [adult]\n",
                                      "    eligible: [villager]\n")))
    assert [(c.kind, c.before["eligible"], c.after["eligible"]) for c in d.changes] == [
        ("group-changed", ["adult"], ["villager"])]
    assert ('~ group "contracting working group": who may be elected villagers aged 18+ → '
            'villagers') in to_text(d, "en")
    assert "~ 小组“承包工作小组”的可当选人员:十八周岁以上村民 → 村民" in to_text(d, "zh-Hans")


def test_a_group_added_and_removed_by_name_with_no_id_in_chinese() -> None:
    plain, grouped = (load_procedure("land-contracting-plan"),
                      load_procedure("land-contracting-plan-working-group"))
    there, back = diff(plain, grouped), diff(grouped, plain)
    added, removed = there.of("group-added"), back.of("group-removed")
    assert [c.subject for c in added] == [c.subject for c in removed] == ["working-group"]
    assert added[0].after == removed[0].before
    assert (added[0].after["min"], added[0].after["max"], added[0].after["elected_at"]) == (
        3, 9, "group-election")
    assert ('+ new group "contracting working group", elected at "election of the working '
            'group": 3 to 9 members, from villagers aged 18+') in to_text(there, "en")
    assert ("+ 新增小组“承包工作小组”,在“选举承包工作小组”选举产生:3 至 9 人,"
            "从十八周岁以上村民中选出") in to_text(there, "zh-Hans")
    assert "- 刪去小組「承包工作小組」(原於「選舉承包工作小組」選舉產生)" in to_text(
        back, "zh-Hant")
    # in Chinese, a group and the body made of it are named, never shown by their English id
    # (ids such as the group's basis stand as code, which a reader types, not prose)
    for d in (there, back):
        for change in to_data(d)["changes"]:
            if change["kind"].startswith(("group-", "body-")):
                for lang in ("zh-Hans", "zh-Hant"):
                    assert latin_words(change["text"][lang]) == [], change["text"][lang]
    assert "组成:承包工作小组;" in to_text(there, "zh-Hans")


SUPERVISED_PATH = Path(load_procedure("four-deliberations-supervised").source or "")
PLOT_PATH = Path(load_procedure("land-plot-adjustment").source or "")
MATERIALS = ("        - id: materials\n"
             "          name: {zh-Hans: 材料完备, zh-Hant: 材料完備, en: materials complete}\n")


def _file_variant(tmp_path: Path, source: Path, *edits: tuple[str, str]) -> Path:
    text = source.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / f"{source.stem}-variant.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _no_english_in_chinese(d: Diff, prefixes: tuple[str, ...]) -> None:
    """The changes of these kinds name things in Chinese; ids appear only as code."""
    seen = 0
    for change in to_data(d)["changes"]:
        if change["kind"].startswith(prefixes):
            seen += 1
            for lang in ("zh-Hans", "zh-Hant"):
                assert latin_words(change["text"][lang]) == [], change["text"][lang]
    assert seen


def test_a_gate_check_added_is_named_with_its_id_as_code(tmp_path: Path) -> None:
    budget = ("        - id: budget\n"
              "          name: {zh-Hans: 资金来源明确, zh-Hant: 資金來源明確, "
              "en: funding identified}\n")
    a = load_procedure("four-deliberations-supervised")
    variant = _file_variant(tmp_path, SUPERVISED_PATH, (MATERIALS, MATERIALS + budget))
    d = diff(a, load_file(variant))
    assert [(c.kind, c.stage, c.subject) for c in d.changes] == [
        ("gate-check-added", "supervision-review", "budget")]
    assert d.changes[0].after["name"]["en"] == "funding identified"
    assert '+ supervision review: new check "funding identified" (`budget`)' in to_text(d, "en")
    assert "+ 监督审查:新增审查事项“资金来源明确”(`budget`)" in to_text(d, "zh-Hans")
    assert "+ 監督審查:新增審查事項「資金來源明確」(`budget`)" in to_text(d, "zh-Hant")
    _no_english_in_chinese(d, ("gate-",))
    _schema().validate(to_data(d))
    # and back: the same check removed
    back = diff(d.b, a)
    assert [(c.kind, c.subject) for c in back.changes] == [("gate-check-removed", "budget")]
    assert "- 监督审查:删去审查事项“资金来源明确”(`budget`)" in to_text(back, "zh-Hans")


def test_a_gate_check_whose_label_changes_old_and_new(tmp_path: Path) -> None:
    renamed = MATERIALS.replace("材料完备", "材料齐全").replace("材料完備", "材料齊全").replace(
        "materials complete", "all materials attached")
    d = diff(load_procedure("four-deliberations-supervised"),
             load_file(_file_variant(tmp_path, SUPERVISED_PATH, (MATERIALS, renamed))))
    assert [(c.kind, c.subject, c.before["name"]["zh-Hans"], c.after["name"]["zh-Hans"])
            for c in d.changes] == [("gate-check-changed", "materials", "材料完备", "材料齐全")]
    assert ('~ supervision review: check `materials` "materials complete" → '
            '"all materials attached"') in to_text(d, "en")
    assert "~ 监督审查:审查事项 `materials`:“材料完备” → “材料齐全”" in to_text(d, "zh-Hans")
    assert "~ 監督審查:審查事項 `materials`:「材料完備」 → 「材料齊全」" in to_text(d, "zh-Hant")
    _no_english_in_chinese(d, ("gate-",))


def test_a_gate_whose_authority_changes_and_a_new_authority_of_the_procedure(
        tmp_path: Path) -> None:
    d = diff(load_procedure("land-plot-adjustment"), load_file(_file_variant(
        tmp_path, PLOT_PATH,
        ("authority: {id: county-agriculture, asks: approval}",
         "authority: {id: county-lands, asks: approval}"),
        ("\nstages:\n", "\nauthorities:\n  county-lands: {zh-Hans: 县国土部门, "
                        "zh-Hant: 縣國土部門, en: county land bureau}\nstages:\n"))))
    assert [(c.kind, c.stage, c.subject) for c in d.changes] == [
        ("gate-authority", "county-approval", "county-approval"),
        ("authority-added", None, "county-lands")]
    change = d.changes[0]
    assert (change.before["id"], change.after["id"]) == ("county-agriculture", "county-lands")
    assert change.before["asks"] == change.after["asks"] == "approval"
    assert ("~ county approval: decided by the county agricultural and rural affairs authority "
            "(`county-agriculture`), for approval → the county land bureau (`county-lands`), "
            "for approval") in to_text(d, "en")
    zh = to_text(d, "zh-Hans")
    assert ("~ 县农业农村部门审批:决定机关 "
            "报县级人民政府农业农村主管部门审批(`county-agriculture`) → "
            "报县国土部门审批(`county-lands`)") in zh
    assert "+ 新增上级机关 `county-lands`:县国土部门" in zh
    assert "+ 新增上級機關 `county-lands`:縣國土部門" in to_text(d, "zh-Hant")
    _no_english_in_chinese(d, ("gate-", "authority-"))
    _schema().validate(to_data(d))


def test_a_gate_asking_for_filing_instead_of_approval(tmp_path: Path) -> None:
    d = diff(load_procedure("land-plot-adjustment"), load_file(_file_variant(
        tmp_path, PLOT_PATH, ("authority: {id: township-government, asks: approval}",
                              "authority: {id: township-government, asks: filing}"))))
    assert [(c.kind, c.stage, c.before["asks"], c.after["asks"]) for c in d.changes] == [
        ("gate-authority", "township-approval", "approval", "filing")]
    assert ("~ 乡镇审批:决定机关 报乡(镇)人民政府审批(`township-government`) → "
            "报乡(镇)人民政府备案(`township-government`)") in to_text(d, "zh-Hans")
    assert ("~ 鄉鎮審批:決定機關 報鄉(鎮)人民政府審批(`township-government`) → "
            "報鄉(鎮)人民政府備案(`township-government`)") in to_text(d, "zh-Hant")
    assert "(`township-government`), for approval → the township government " \
           "(`township-government`), for filing" in to_text(d, "en")
    _no_english_in_chinese(d, ("gate-",))


def test_a_gate_added_says_what_it_examines_and_who_decides() -> None:
    d = diff(load_procedure("four-deliberations"), load_procedure("four-deliberations-supervised"))
    added = d.of("stage-added")
    assert [c.subject for c in added] == ["supervision-review"]
    assert [c["id"] for c in added[0].after["checks"]] == [
        "legality", "village-charter", "materials"]
    assert added[0].after["authority"] is None
    assert ("    · 逐项审查:合法合规、符合村规民约、材料完备;全部符合即通过,否则附理由退回"
            in to_text(d, "zh-Hans"))
    plot = diff(load_procedure("land-contracting-plan"), load_procedure("land-plot-adjustment"))
    township = {c.subject: c.after for c in plot.of("stage-added")}["township-approval"]
    assert township["authority"] == {"id": "township-government", "asks": "approval", "name": {
        "zh-Hans": "乡(镇)人民政府", "zh-Hant": "鄉(鎮)人民政府", "en": "township government"}}
    assert "    · 报乡(镇)人民政府审批,记录批复文件" in to_text(plot, "zh-Hans")


def test_identical_gates_and_groups_report_nothing(tmp_path: Path) -> None:
    # the same procedures written again, from another file: nothing to report in any form
    for source in (SUPERVISED_PATH, PLOT_PATH, GROUP_PATH):
        copy = tmp_path / source.name
        copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        d = diff(load_file(source), load_file(copy))
        assert d.changes == ()
        assert to_data(d)["changes"] == []
        for lang in ("zh-Hans", "zh-Hant", "en"):
            assert to_text(d, lang).splitlines()[2:] == [W["none"].get(lang)]


def test_a_gate_of_checks_that_becomes_an_authoritys_filing(tmp_path: Path) -> None:
    text = SUPERVISED_PATH.read_text(encoding="utf-8")
    checks_and_rules = text[text.index("      checks:\n"):text.index("      max_rounds: 3\n")]
    d = diff(load_procedure("four-deliberations-supervised"), load_file(_file_variant(
        tmp_path, SUPERVISED_PATH,
        (checks_and_rules, "      authority: {id: township-government, asks: filing}\n"))))
    assert [(c.kind, c.subject) for c in d.changes] == [
        ("gate-check-removed", "legality"), ("gate-check-removed", "village-charter"),
        ("gate-check-removed", "materials"), ("gate-authority", "supervision-review"),
        ("rule-removed", "gate-signatures")]
    assert d.of("gate-authority")[0].before is None
    assert ("~ 监督审查:决定机关 由村务监督委员会逐项审查 → "
            "报乡(镇)人民政府备案(`township-government`)") in to_text(d, "zh-Hans")
    assert ("~ supervision review: decided by the village affairs supervision committee, "
            "examining its checks → the township government (`township-government`), "
            "for filing") in to_text(d, "en")
    _no_english_in_chinese(d, ("gate-",))


def test_diff_command_reports_gates_and_groups_in_text_and_json(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    filing = _file_variant(tmp_path, PLOT_PATH,
                           ("authority: {id: township-government, asks: approval}",
                            "authority: {id: township-government, asks: filing}"))
    assert main(["diff", "land-plot-adjustment", str(filing), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    _schema().validate(data)
    assert [(c["kind"], c["before"]["asks"], c["after"]["asks"]) for c in data["changes"]] == [
        ("gate-authority", "approval", "filing")]
    assert "备案" in data["changes"][0]["text"]["zh-Hans"]
    smaller = _group_variant(tmp_path, "    min: 3\n    max: 9\n", "    min: 3\n    max: 5\n")
    assert main(["diff", "land-contracting-plan-working-group", str(smaller), "--lang",
                 "zh-Hant"]) == 0
    assert "~ 小組「承包工作小組」的最多人數:9 → 5" in capsys.readouterr().out
