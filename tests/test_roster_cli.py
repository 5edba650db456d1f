"""``deliberation roster check FILE``: every problem located, a summary, exit 0/1/2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deliberation.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "rosters"


@pytest.mark.parametrize("name", ["village.csv", "village.yaml"])
def test_clean_roster_prints_a_summary(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = EXAMPLES / name
    assert main(["roster", "check", str(path), "--lang", "en"]) == 0
    assert capsys.readouterr().out == (
        f"ok: {path}: 3 household(s), 6 people (5 adults), 3 Party member(s) (1 probationary), "
        "2 representative(s), 3 committee member(s), 1 township official(s)\n")
    assert main(["roster", "check", str(path), "--lang", "zh-Hans"]) == 0
    assert capsys.readouterr().out == (
        f"通过:{path}:3 户,6 人(成年人 5 人),党员 3 人(预备党员 1 人),村民代表 2 人,"
        "委员会成员 3 人,乡镇干部 1 人\n")
    assert main(["roster", "check", str(path), "--lang", "zh-Hant"]) == 0
    assert capsys.readouterr().out.startswith(f"通過:{path}:3 戶,6 人(成年人 5 人),黨員 3 人")


def test_problems_exit_1_each_on_its_line(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "v.csv"
    path.write_text("id,household,is_adult\nv1,h1,true\nv1,h2,false\n", encoding="utf-8")
    assert main(["roster", "check", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{path}:1:3: R201 is_adult: unknown column 'is_adult' (hint: did you mean 'adult'?)",
        f"{path}:3:1: R206 id: id 'v1' appears twice (first at line 2) "
        "(hint: give each person their own id)",
    ]
    assert err == f"{path}: 2 problem(s)\n"
    assert main(["roster", "check", str(path), "--lang", "zh-Hant"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == (
        f"{path}:1:3: R201 is_adult: 未知欄 `is_adult`(提示:是不是 `adult`?)")
    assert err == f"{path}:2 處問題\n"


@pytest.mark.parametrize(
    ("name", "data"),
    [("missing.csv", None), ("v.csv", b"\xff\xfe\x00"), ("v.txt", b"id,household\n"),
     ("v.yaml", b""), ("v.yaml", b"id: four-deliberations\n")],
)
def test_unusable_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
                                data: bytes | None) -> None:
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    assert main(["roster", "check", str(path)]) == 2
    out = capsys.readouterr().out
    assert out.startswith(f"{path}:") and ": R1" in out


def test_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "v.yaml"
    path.write_text("- {id: v1, household: h1, adult: maybe}\n", encoding="utf-8")
    assert main(["roster", "check", str(path), "--format", "json", "--lang", "zh-Hans"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (data["ok"], data["summary"]) == (False, None)
    (d,) = data["diagnostics"]
    assert (d["code"], d["line"], d["column"], d["path"]) == ("R203", 1, 34, "[0].adult")
    assert d["message"] == "`adult` 应为 `true` 或 `false`,不能是 `maybe`"
    assert main(["roster", "check", str(EXAMPLES / "village.csv"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and data["diagnostics"] == []
    assert data["summary"].startswith("ok: ")
