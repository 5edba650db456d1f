"""`case new/act/show` and refusals speak only Chinese in a Chinese view: stages and outcomes by
name, record kinds and routes by label, rules by label; ids appear only as code (`…`), which is
what a clerk types back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deliberation.cli import main

LATIN = re.compile(r"[A-Za-z]{2,}")
CODE = re.compile(r"`[^`]*`")


def _latin(text: str) -> list[str]:
    return LATIN.findall(CODE.sub("", text))


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_case_commands_speak_chinese(tmp_path: Path, lang: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    common = ["--db", db, "--lang", lang]
    assert main(["case", "new", "--procedure", "four-deliberations", "--id", "c1",
                 "--matter", "修路", *common]) == 0
    assert main(["case", "act", "c1", "hold-meeting", "--present", "3", "--yes", "3",
                 *common]) == 0
    assert main(["case", "act", "c1", "hold-meeting", "--present", "1", "--yes", "1",
                 *common]) == 0  # no quorum: recorded, routed back
    assert main(["case", "show", "c1", *common]) == 0
    out = capsys.readouterr().out
    assert "商议" in out or "商議" in out
    assert _latin(out) == [], out
    # a refusal (the signatures rule): every line on stderr in Chinese too
    assert main(["case", "act", "c1", "hold-meeting", "--present", "6", "--yes", "6",
                 "--signed", "0", *common]) == 1
    err = capsys.readouterr().err
    assert err and _latin(err) == [], err
