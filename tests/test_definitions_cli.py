"""``deliberation lint``, ``list`` and ``show`` through ``deliberation.cli.main``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from deliberation.cli import main
from deliberation.definition.loader import builtin_procedures_dir, load_procedure
from deliberation.rules.thresholds import threshold_of

Capture = pytest.CaptureFixture[str]


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_lint_clean_folder_exits_0(capsys: Capture) -> None:
    code, out, _ = run(capsys, "lint", str(builtin_procedures_dir()))
    # the earlier versions kept in history/ are checked too: they must stay loadable
    shipped = len(list(builtin_procedures_dir().rglob("*.yaml")))
    assert shipped >= 8 and code == 0 and f"{shipped} file(s)" in out


def test_lint_by_id_and_unknown_path(capsys: Capture) -> None:
    assert run(capsys, "lint", "six-deliberations-guzhuang")[0] == 0
    code, out, _ = run(capsys, "lint", "no/such/file.yaml")
    assert code == 1 and "D100" in out


def test_lint_path_option_resolves_extends(tmp_path: Path, capsys: Capture) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "county.yaml").write_text("id: county\nextends: four-deliberations\n", encoding="utf-8")
    child = tmp_path / "village.yaml"
    child.write_text("id: village\nextends: county\n", encoding="utf-8")
    code, out, _ = run(capsys, "lint", str(child))
    assert code == 1 and "D703" in out
    assert run(capsys, "lint", "--path", str(lib), str(child))[0] == 0


def test_lint_json_on_clean_file(capsys: Capture) -> None:
    code, out, _ = run(
        capsys,
        "lint",
        "--format",
        "json",
        str(builtin_procedures_dir() / "four-deliberations.yaml"),
    )
    assert code == 0 and json.loads(out) == {
        "ok": True,
        "files": [str(builtin_procedures_dir() / "four-deliberations.yaml")],
        "diagnostics": [],
    }


def test_list_shows_ids_versions_and_extends(capsys: Capture) -> None:
    code, out, _ = run(capsys, "list", "--lang", "en")
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("six-deliberations-guzhuang"))
    assert "Guzhuang" in row and "1.1" in row and "four-deliberations" in row
    assert "Guzhuang Village, Hedi Town" in row
    code, out, _ = run(capsys, "list", "--format", "json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows["four-deliberations"]["extends"] is None
    assert rows["six-deliberations-guzhuang"]["extends"] == "four-deliberations"


def test_list_marks_invalid_procedures(tmp_path: Path, capsys: Capture) -> None:
    (tmp_path / "bad.yaml").write_text("id: bad-one\nversion: 1\n", encoding="utf-8")
    code, out, _ = run(capsys, "list", "--lang", "en", "--path", str(tmp_path))
    assert code == 0
    assert re.search(r"bad-one\s+invalid \(\d+ problem", out)


def test_show_six_lists_the_eight_steps_in_order_with_numbers(capsys: Capture) -> None:
    code, out, _ = run(capsys, "show", "six-deliberations-guzhuang", "--lang", "en")
    assert code == 0
    p = load_procedure("six-deliberations-guzhuang")
    steps = re.findall(r"^(\d+)\. .*?\(`([a-z-]+)`\) — action", out, re.MULTILINE)
    assert steps == [(str(i), s.id) for i, s in enumerate(p.stages, 1)]
    assert len(steps) == 8
    assert "written motion: raised in writing by at least 1 villager(s)" in out
    assert "opinions from at least 100% of adult villagers" in out
    assert "only signed opinions count" in out
    # every threshold's numbers, as Threshold.describe words them
    rep = p.bodies["representatives-meeting"]
    for spec in rep.rules:
        desc = threshold_of(dict(spec.params)).describe("en")
        assert f"{spec.rule}: {desc}" in out
    assert "quorum: at least 2/3 of members" in out
    # settings resolved and marked open
    assert "`party-assembly-quorum-ratio = 1/2` [open]" in out
    assert "`consultation-unit = villager` [open]" in out
    # records and basis titles
    assert "submitters' signatures" in out
    assert "Civil Code Art. 1259" in out


@pytest.mark.parametrize(
    "lang,word", [("zh-Hans", "民议"), ("zh-Hant", "民議"), ("en", "consultation")]
)
def test_show_speaks_three_languages(lang: str, word: str, capsys: Capture) -> None:
    code, out, _ = run(capsys, "show", "six-deliberations-guzhuang", "--lang", lang)
    assert code == 0 and word in out


def test_show_file_path_and_yaml_format(capsys: Capture) -> None:
    path = builtin_procedures_dir() / "four-deliberations.yaml"
    code, out, _ = run(capsys, "show", str(path), "--lang", "en")
    assert code == 0 and "1. proposal (`proposal`)" in out
    code, out, _ = run(capsys, "show", "six-deliberations-guzhuang", "--format", "yaml")
    assert code == 0 and "extends" not in out and "id: consultation" in out


def test_show_bad_input_is_a_message_not_a_traceback(tmp_path: Path, capsys: Capture) -> None:
    code, _, err = run(capsys, "show", "no-such-procedure", "--lang", "en")
    assert code == 2 and "no procedure 'no-such-procedure'" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nname: !!python/object:os.system y\n", encoding="utf-8")
    code, _, err = run(capsys, "show", str(bad))
    assert code == 2 and "D102" in err


@pytest.mark.parametrize("command", [["show"], ["walk"], ["simulate", "--runs", "10"],
                                     ["diagram"]])
@pytest.mark.parametrize("lang,said", [("zh-Hans", "未知的键 `setings`"),
                                       ("zh-Hant", "未知的鍵 `setings`"),
                                       ("en", "unknown key 'setings'")])
def test_a_broken_file_is_reported_in_the_readers_language(
        command: list[str], lang: str, said: str, tmp_path: Path, capsys: Capture) -> None:
    """`show`, `walk`, `simulate`… of a broken file list its problems as `lint --lang` does,
    not in English under a Chinese heading."""
    broken = tmp_path / "ours.yaml"
    broken.write_text("id: ours\nextends: four-deliberations\nversion: '1.0'\nsetings: {}\n",
                      encoding="utf-8")
    assert main([command[0], str(broken), *command[1:], "--lang", lang]) != 0
    err = capsys.readouterr().err
    assert said in err, err
