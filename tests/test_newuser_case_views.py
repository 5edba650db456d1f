"""What a clerk reads from the case commands, followed as a new user follows docs/store.md:
every field of the log has its name in the reader's language, and a refusal names its rules
as `case show` does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deliberation import Case, Roster, load_procedure
from deliberation.cli import main
from deliberation.commands.case_log import record_lines

SNAKE = re.compile(r"`[a-z]+_[a-z_]+`")  # a raw data key shown as code


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_the_opened_record_has_no_raw_key(lang: str) -> None:
    procedure = load_procedure("six-deliberations-guzhuang")
    case = Case.open(procedure, Roster.generate(), matter="修村道")
    lines = record_lines(case.records[0], procedure, case.roster, lang)
    text = "\n".join(lines)
    assert "engine_format" not in text and SNAKE.findall(text) == [], text
    label = {"zh-Hans": "记录格式版本", "zh-Hant": "記錄格式版本", "en": "Record format version"}
    assert label[lang] in text


@pytest.mark.parametrize("lang,label", [
    ("zh-Hans", "[方案提前送达]"), ("zh-Hant", "[方案提前送達]"),
    ("en", "[plan circulated in advance]")])
def test_a_refused_action_names_the_rule_as_case_show_does(
        lang: str, label: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/store.md's session: a refusal names the rule by its label, as `case show` lists
    what is missing, not by the rule's id."""
    common = ["--db", f"sqlite:///{tmp_path / 'c.db'}", "--lang", lang]
    assert main(["case", "new", "--procedure", "four-deliberations", "--id", "road",
                 "--matter", "修村道", *common]) == 0
    for meeting in (["--present", "5", "--yes", "5"], ["--present", "6", "--yes", "6"]):
        assert main(["case", "act", "road", "hold-meeting", *meeting, *common]) == 0
    assert main(["case", "show", "road", *common]) == 0
    assert label in capsys.readouterr().out
    assert main(["case", "act", "road", "hold-meeting", "--present", "40", "--yes", "40",
                 "--witnesses", "1", *common]) == 1
    err = capsys.readouterr().err
    assert label in err and "advance-circulation" not in err, err


@pytest.mark.parametrize("lang,opened", [("zh-Hans", "立项(北京时间)"),
                                         ("zh-Hant", "立項(北京時間)"),
                                         ("en", "created (Beijing time)")])
def test_case_list_says_its_times_are_beijing_time(lang: str, opened: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """`case list` gives the village's local time (22:16 in Asia/Shanghai), as `case log`
    does and as its --since/--until days are read: its header says so."""
    common = ["--db", f"sqlite:///{tmp_path / 'c.db'}", "--lang", lang]
    assert main(["case", "new", "--procedure", "four-deliberations", "--id", "road",
                 "--matter", "修村道", "--at", "2026-03-02T22:16:00+08:00", *common]) == 0
    capsys.readouterr()
    assert main(["case", "list", *common]) == 0
    head, row = capsys.readouterr().out.splitlines()[:2]
    assert opened in head and "2026-03-02 22:16" in row


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_ids_in_chinese_messages_are_code(lang: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A case id, a token id or a procedure id in a Chinese message is code (what the reader
    types back), never a bare Latin word in the sentence."""
    common = ["--db", f"sqlite:///{tmp_path / 'c.db'}", "--lang", lang]
    assert main(["case", "new", "--procedure", "four-deliberations", "--id", "road",
                 "--matter", "修村道", *common]) == 0
    assert main(["case", "verify", "road", *common]) == 0
    assert main(["case", "new", "--procedure", "four-deliberations", "--id", "road",
                 "--matter", "修村道", *common]) != 0
    assert main(["case", "show", "nope", *common]) != 0
    assert main(["token", "revoke", "abc", *common]) != 0
    captured = capsys.readouterr()
    text = re.sub(r"`[^`]*`", "", captured.out + captured.err)
    assert re.findall(r"\b(?:road|nope|abc)\b", text) == [], captured


def _logged(lang: str) -> str:
    """`case log` of every example scenario's records, in ``lang``."""
    from deliberation.engine.scenario import load_scenario, run_scenario

    lines = []
    for f in sorted((Path(__file__).parents[1] / "examples" / "scenarios").glob("*.yaml")):
        case = run_scenario(load_scenario(f)).case
        for rec in case.records:
            lines += record_lines(rec, case.procedure, case.roster, lang)
    return "\n".join(lines)


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_every_field_of_every_example_record_is_labelled(lang: str) -> None:
    """docs/store.md: `case log` gives a record's data "as labelled fields" — counted opinions
    and ratings, tasks, items voted one by one, elected groups, replies, orders, publications:
    no raw key, no Python None, no empty value."""
    text = _logged(lang)
    raw = re.findall(r"`([a-z_]+)`(?::|:)", text)
    assert raw == [], sorted(set(raw))
    assert "null" not in text and "None" not in text
    assert re.findall(r"(?::|: )(?:;|; |$)", text, re.M) == []  # a label with nothing after it


def test_counted_opinions_and_a_task_read_as_a_clerk_writes_them() -> None:
    text = _logged("zh-Hans")
    assert "委托代签:0;已签字意见:60;未签字意见:0" in text
    assert "任务结果:已办结" in text or "任务结果:已拒单" in text


@pytest.mark.parametrize("lang,said", [
    ("zh-Hans", "`hold-meeting` 须写明 `--present`"),
    ("zh-Hant", "`hold-meeting` 須寫明 `--present`"),
    ("en", "hold-meeting needs --present")])
def test_an_action_missing_a_required_field_says_which_option_to_give(
        lang: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Not Python's "missing a required argument: 'present'": the option the clerk must add."""
    common = ["--db", f"sqlite:///{tmp_path / 'c.db'}", "--lang", lang]
    assert main(["case", "new", "--procedure", "four-deliberations", "--id", "road",
                 "--matter", "修村道", *common]) == 0
    assert main(["case", "act", "road", "hold-meeting", *common]) == 2
    err = capsys.readouterr().err
    assert said in err and "argument" not in err, err


def test_case_show_offers_the_actions_as_case_act_spells_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    common = ["--db", f"sqlite:///{tmp_path / 'c.db'}", "--lang", "en"]
    assert main(["case", "new", "--procedure", "four-deliberations", "--id", "road",
                 "--matter", "修村道", *common]) == 0
    assert main(["case", "show", "road", *common]) == 0
    out = capsys.readouterr().out
    assert "(`hold-meeting`)" in out and "(`raise-objection`)" in out
    assert "hold_meeting" not in out


@pytest.mark.parametrize("lang,head", [("zh-Hans", "`hold-meeting` 的字段(必填:`--present`)"),
                                       ("zh-Hant", "`hold-meeting` 的欄位(必填:`--present`)"),
                                       ("en", "fields of hold-meeting (required: --present)")])
def test_an_actions_help_lists_every_field(lang: str, head: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """`case act CASE hold-meeting --help` was an error listing 12 of the 24 fields: it lists
    them all, the required ones named, and needs no store."""
    assert main(["case", "act", "road", "hold-meeting", "--help", "--lang", lang,
                 "--db", f"sqlite:///{tmp_path / 'none.db'}"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(head) and "--interested-voting" in out and "--elected" in out
    assert not (tmp_path / "none.db").exists()
