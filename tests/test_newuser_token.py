"""`deliberation token` as README's service session uses it: `token list` says in the reader's
language which tokens work, and says what to do when there are none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deliberation.cli import main


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("lang,words", [
    ("zh-Hans", ("有效", "已撤销", "角色", "deliberation token create")),
    ("zh-Hant", ("有效", "已撤銷", "角色", "deliberation token create")),
    ("en", ("valid", "revoked", "role", "deliberation token create"))])
def test_token_list_in_the_readers_language(lang: str, words: tuple[str, ...], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    common = ["--db", f"sqlite:///{tmp_path / 's.db'}", "--lang", lang]
    code, empty, _ = _run(capsys, "token", "list", *common)
    assert code == 0 and words[3] in empty  # none yet: how to make one
    assert _run(capsys, "token", "create", "--role", "clerk", "--village", "guzhuang",
                *common)[0] == 0
    code, _, note = _run(capsys, "token", "create", "--role", "auditor", "--village",
                         "guzhuang", *common)
    token_id = re.findall(r"[0-9a-f]{16}", note)[0]
    assert _run(capsys, "token", "revoke", token_id, *common)[0] == 0
    code, listed, _ = _run(capsys, "token", "list", *common)
    assert code == 0
    head, valid, revoked = listed.splitlines()
    assert words[2] in head and words[0] in valid and words[1] in revoked
    if lang != "en":  # ids, roles and villages as code; no English word in the sentence
        assert re.findall(r"[A-Za-z]{2,}", re.sub(r"`[^`]*`", "", note + listed)) == []
