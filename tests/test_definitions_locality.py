"""`deliberation list` names each procedure's locality in the reader's language: the keyword
`national` and the places of the built-in procedures are words, not the file's raw value; a
place the package does not know is shown as written. `--format json` keeps the raw value."""

from __future__ import annotations

import json

import pytest

from deliberation.cli import main


def _rows(capsys: pytest.CaptureFixture[str], lang: str) -> dict[str, str]:
    assert main(["list", "--lang", lang]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    return {line.split()[0]: line for line in lines}


@pytest.mark.parametrize(("lang", "national", "chongqing", "guzhuang"), [
    ("zh-Hans", "全国", "重庆市", "固庄村、河底镇、阳泉市郊区、山西省"),
    ("zh-Hant", "全國", "重慶市", "固莊村、河底鎮、陽泉市郊區、山西省"),
    ("en", "nationwide", "Chongqing", "Guzhuang Village, Hedi Town, Yangquan Suburban District, "
                                      "Shanxi Province"),
], ids=["zh-Hans", "zh-Hant", "en"])
def test_list_names_the_locality(capsys: pytest.CaptureFixture[str], lang: str, national: str,
                                 chongqing: str, guzhuang: str) -> None:
    rows = _rows(capsys, lang)
    assert f"  {national}  " in rows["four-deliberations"]
    assert f"  {chongqing}  " in rows["four-deliberations-chongqing"]
    assert f"  {guzhuang}  " in rows["six-deliberations-guzhuang"]
    assert not any(" national " in row for row in rows.values())


def test_list_json_keeps_the_locality_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--format", "json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["four-deliberations"]["locality"] == "national"
    assert rows["four-deliberations-chongqing"]["locality"] == "重庆市"
