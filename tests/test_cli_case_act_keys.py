"""`case act`: an unknown key in `--json` (or an unknown `--field`) is refused with one line that
says which key and suggests the field meant, in the reader's language; nothing is recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from deliberation.cli import main
from deliberation.store import open_store


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    assert main(["case", "new", "--db", url, "--procedure", "four-deliberations", "--matter",
                 "修村道", "--id", "road"]) == 0
    return url


@pytest.mark.parametrize(("fields", "en", "zh"), [
    (["--json", '{"txet": "修村道", "submitters": ["v0001"]}'],
     "submit-motion: unknown key 'txet' in --json (did you mean 'text'?)",
     "`submit-motion`:`--json` 中没有 `txet` 这一项(是不是 `text`?)"),
    (["--json", '{"text": "修村道", "submiters": ["v0001"]}'],
     "submit-motion: unknown key 'submiters' in --json (did you mean 'submitters'?)",
     "`submit-motion`:`--json` 中没有 `submiters` 这一项(是不是 `submitters`?)"),
    (["--txet", "修村道"],
     "submit-motion: no field --txet (did you mean '--text'?)",
     "`submit-motion`:没有 `--txet` 这一项(是不是 `--text`?)"),
])
def test_an_unknown_key_suggests_the_field_meant(db: str, fields: list[str], en: str, zh: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    for lang, message in (("en", en), ("zh-Hans", zh)):
        capsys.readouterr()
        assert main(["case", "act", "road", "submit-motion", "--db", db, "--lang", lang,
                     *fields]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, err
    with open_store(db) as store:
        assert store.info("road").version == 1


@pytest.mark.parametrize(("action", "en", "zh"), [
    ("motion", "unknown action 'motion'; did you mean 'submit-motion'?",
     "没有 `motion` 这个操作;是不是 `submit-motion`?"),
    # a part of one action's name beats a close spelling ("note")
    ("notice", "unknown action 'notice'; did you mean 'give-notice'?",
     "没有 `notice` 这个操作;是不是 `give-notice`?"),
    ("hold-meting", "unknown action 'hold-meting'; did you mean 'hold-meeting'?",
     "没有 `hold-meting` 这个操作;是不是 `hold-meeting`?"),
    ("xyzzy", "unknown action 'xyzzy'; expected one of 'answer-objection', ",
     "没有 `xyzzy` 这个操作;应为以下之一:`answer-objection`、"),
])
def test_an_unknown_action_suggests_the_action_meant(db: str, action: str, en: str, zh: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    for lang, message in (("en", en), ("zh-Hans", zh)):
        capsys.readouterr()
        assert main(["case", "act", "road", action, "--db", db, "--lang", lang,
                     "--text", "修村道"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and message in err, err
    with open_store(db) as store:
        assert store.info("road").version == 1
