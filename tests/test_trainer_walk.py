"""The scripted walkthrough of 六议两公开: steps shown, actions recorded, refusals explained."""

from __future__ import annotations

import io

import pytest

from deliberation.cli import main
from deliberation.trainer.walk import Walkthrough, run_walk

# A rehearsal of the whole of 六议两公开 on the sample village (固庄: 45 Party members, 33 at
# the representatives' meeting), with the mistakes trainers demonstrate.
SCRIPT = """\
# 动议 — a motion by one villager
motion 1
# 提议, 商议
meeting present=3 yes=3
meeting 6 6
# 审议 — without circulating the plan three days ahead: refused
meeting present=45 yes=40 witnesses=1
circulate
wait 3
meeting present=45 yes=40 witnesses=1
# 民议 — the vote before the consultation reached 100%: refused
meeting present=30 yes=25 witnesses=1
opinions 677
close
opinions 1
close
# 决议 — quorum short by one (21 of 33, 22 needed), then met
meeting present=21 yes=20 witnesses=1
meeting present=22 yes=20 witnesses=1
post notice-board
wait 7
conclude
post broadcast
wait 7
conclude
"""


def rehearse(lang: str, script: str = SCRIPT) -> tuple[int, str]:
    out = io.StringIO()
    code = run_walk("six-deliberations-guzhuang", script.splitlines(), lang=lang, out=out)
    return code, out.getvalue()


@pytest.fixture(scope="module")
def english() -> str:
    code, text = rehearse("en")
    assert code == 0
    return text


def test_every_step_is_shown_with_actor_rules_records_and_basis(english):
    for n, name in enumerate(["motion", "proposal", "discussion", "review",
                              "villagers' consultation", "resolution", "publish the resolution",
                              "publish the results"], start=1):
        assert f"━━ Step {n} of 8: {name} ━━" in english
    assert ("Who acts: Party member assembly (Party members); only full Party members vote"
            in english)
    assert ("Rule 6.1  quorum: at least 2/3 of members  [sample village: at least 22 of 33]"
            in english)
    assert "[law] Organic Law (2018) Art. 26" in english
    assert "What must be recorded: villagers' opinions, a signature on every opinion" in english
    assert english.rstrip().endswith("The case is closed: adopted and published")


def test_vote_before_full_consultation_is_refused_and_explained(english):
    refusal = english.split("> meeting present=30 yes=25 witnesses=1\n", 1)[1]
    assert refusal.startswith("✗ Refused; nothing was recorded and the case is unchanged:\n"
                              "  ✗ Rule 5.1 [consultation coverage] signed opinions from 0 of 678")
    assert "[source article] Guzhuang village's six deliberations" in refusal.split("> ", 1)[0]
    short = english.split("> opinions 677\n", 1)[1].split("> close\n", 1)[1]
    assert short.startswith("✗ Refused")
    assert "677 of 678 villagers" in short.split("> ", 1)[0]


def test_quorum_short_by_one_is_recorded_and_sent_back(english):
    block = english.split("> meeting present=21 yes=20 witnesses=1\n", 1)[1].split("> ", 1)[0]
    assert "✗ 6.1 quorum: at least 2/3 of members — 21 / 33, at least 22" in block
    assert "Result: no quorum → reconvene (round 1)" in block
    block = english.split("> meeting present=22 yes=20 witnesses=1\n", 1)[1].split("> ", 1)[0]
    assert "✓ 6.1 quorum: at least 2/3 of members — 22 / 33, at least 22" in block


def test_missing_circulation_and_witness_are_refused_together(english):
    block = english.split("> meeting present=45 yes=40 witnesses=1\n", 1)[1].split("> ", 1)[0]
    assert "✗ Rule 4.3 [plan circulated in advance]" in block
    assert "plan circulated: not yet; needed at least 3 day(s) before the meeting" in block


def test_the_same_rehearsal_in_simplified_chinese():
    code, text = rehearse("zh-Hans")
    assert code == 0
    refusal = text.split("> meeting present=30 yes=25 witnesses=1\n", 1)[1].split("> ", 1)[0]
    assert "✗ 被拒绝,未作任何记录,事项保持原状" in refusal
    assert "✗ 规则 5.1 [民意征求全覆盖] 已签字征求意见 0/678 村民" in refusal
    block = text.split("> meeting present=21 yes=20 witnesses=1\n", 1)[1].split("> ", 1)[0]
    assert "✗ 6.1 法定人数:达到组成人员的三分之二以上 — 21/33,至少 22" in block
    assert "结果:未达法定人数 → 重新召开" in block
    assert "━━ 第 5 步 / 共 8 步:民议 ━━" in text
    assert "规则 6.1  法定人数:达到组成人员的三分之二以上  [示例村:共 33,至少 22]" in text
    assert text.rstrip().endswith("事项已结束:已决议并公开")


def test_the_same_rehearsal_in_traditional_chinese():
    code, text = rehearse("zh-Hant")
    assert code == 0
    refusal = text.split("> meeting present=30 yes=25 witnesses=1\n", 1)[1].split("> ", 1)[0]
    assert "✗ 被拒絕,未作任何記錄,事項保持原狀" in refusal
    assert "規則 5.1 [民意徵求全覆蓋] 已簽字徵求意見 0/678 村民" in refusal
    assert "規則 6.1  法定人數:達到組成人員的三分之二以上  [範例村:共 33,至少 22]" in text


def test_a_refusal_changes_nothing():
    walk = Walkthrough.start("six-deliberations-guzhuang", lang="en", out=io.StringIO())
    walk.run(["motion 1", "meeting 3 3", "meeting 6 6"])
    before = (walk.case.state, walk.case.version, walk.case.records)
    walk.run(["meeting present=45 yes=40"])  # no circulation, no witness
    assert (walk.case.state, walk.case.version, walk.case.records) == before


def test_malformed_commands_are_reported_and_make_the_script_fail():
    code, text = rehearse("en", "motion one\nfly away\nmeeting yes=3\nlang xx\n")
    assert code == 1
    assert "bad command: `submitters` must be a whole number, 0 or more, not `one`" in text
    assert "unknown command `fly`" in text
    assert "meeting needs `present=N`" in text
    assert "lang takes one of `zh-Hans`, `zh-Hant`, `en`" in text
    _code, chinese = rehearse("zh-Hans", "motion one\nfly away\n")
    assert "命令有误:`submitters` 须为 0 或正整数,不能是 `one`" in chinese
    assert "没有 `fly` 这个命令" in chinese


def test_language_can_change_mid_session_and_quit_stops():
    code, text = rehearse("en", "lang zh-Hant\nshow\nquit\nmotion 1\n")
    assert code == 0
    assert "語言:繁體中文" in text and "第 1 步 / 共 8 步:動議" in text
    assert "> motion 1" not in text  # nothing after quit


def test_objection_suspends_and_answer_resumes():
    code, text = rehearse("en", "motion 1\nobject the plan was not circulated\nmeeting 3 3\n"
                          "answer\nmeeting 3 3\n")
    assert code == 0
    after_objection = text.split("> meeting 3 3\n", 1)[1].split("> ", 1)[0]
    assert after_objection.startswith("✗ Refused")
    assert "Result: passed → discussion" in text


def test_cli_runs_a_script_file(tmp_path, capsys):
    script = tmp_path / "rehearsal.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    args = ["walk", "six-deliberations-guzhuang", "--script", str(script), "--lang", "en"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "✗ Rule 5.1 [consultation coverage]" in out
    assert "The case is closed: adopted and published" in out


def test_cli_reads_stdin_when_it_is_not_a_terminal(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("motion 0\n"))
    assert main(["walk", "six-deliberations-guzhuang", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "> motion 0" in out and "✗ Rule 1.1 [written motion]" in out


def test_cli_settings_merge_a_stage_away(capsys, tmp_path):
    script = tmp_path / "s.txt"
    script.write_text("meeting 3 3\nstatus\n", encoding="utf-8")
    args = ["walk", "four-deliberations", "--set", "one-person-both-chairs=true",
            "--script", str(script), "--lang", "en"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Now at: review" in out
    assert main(["walk", "four-deliberations", "--set", "nonsense", "--lang", "en"]) == 2
    assert "--set takes SETTING=VALUE" in capsys.readouterr().err


def test_records_are_listed_in_the_chosen_language():
    code, text = rehearse("zh-Hans", "motion 1\nmeeting 2 2\nrecords\n")
    assert code == 0
    listing = text.split("> records\n", 1)[1]
    assert listing.splitlines()[:3] == [
        "  #1 立项", "  #2 书面动议 · 动议 · 通过", "  #3 会议记录 · 提议 · 未达法定人数",
    ]


def test_explain_names_the_walkthroughs_own_commands():
    """`explain` in a walkthrough offers what the trainer can type there (`meeting`, `object`),
    not the engine's method names, which the walkthrough does not know."""
    out = io.StringIO()
    walk = Walkthrough.start("six-deliberations-guzhuang", lang="en", out=out)
    walk.run(["motion 1", "explain"])
    text = out.getvalue().split("> explain", 1)[-1] if "> explain" in out.getvalue() else \
        out.getvalue()
    assert "(`meeting`)" in text and "(`object`)" in text and "(`withdraw`)" in text
    assert "hold_meeting" not in text and "raise_objection" not in text
