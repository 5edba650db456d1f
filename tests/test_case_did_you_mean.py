"""An unknown case id names the nearest stored one: `case show/log/verify/export/act` answer in
one line, exit 2 and change nothing; the store finds it from ids alone (on SQLite and
PostgreSQL), among one village's cases when asked."""

from __future__ import annotations

from pathlib import Path

import pytest
import test_store_support as support
from test_store_support import small_roster

from deliberation.cli import main
from deliberation.store import open_store

IDS = ("road-2026", "well-2026", "school-repair")
store_url = support.store_url  # both backends (see test_store_support)


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    for cid in IDS:
        assert main(["case", "new", "--db", url, "--procedure", "four-deliberations",
                     "--matter", "修路", "--id", cid, "--lang", "en"]) == 0
    return url


COMMANDS = {
    "show": ["case", "show", "{id}"],
    "log": ["case", "log", "{id}"],
    "verify": ["case", "verify", "{id}"],
    "export": ["case", "export", "{id}", "--out", "{out}"],
    "act": ["case", "act", "{id}", "give-notice"],
}


def _state(url: str) -> list[tuple[str, int, int]]:
    with open_store(url, readonly=True) as store:
        return [(c.case_id, c.version, len(store.records(c.case_id))) for c in store.cases()]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_misspelt_case_id_names_the_nearest(command: str, db: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    before = _state(db)
    out = tmp_path / "x.json"
    argv = [a.format(id="raod-2026", out=out) for a in COMMANDS[command]]
    assert main([*argv, "--db", db, "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert lines == ["deliberation: no case raod-2026 in the store; did you mean road-2026?"]
    assert _state(db) == before and not out.exists()


@pytest.mark.parametrize("lang,words", [("zh-Hans", "是不是"), ("zh-Hant", "是不是")])
def test_in_chinese_the_ids_are_code(db: str, lang: str, words: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["case", "show", "wel-2026", "--db", db, "--lang", lang]) == 2
    err = capsys.readouterr().err
    assert "`wel-2026`" in err and "`well-2026`" in err and words in err, err


def test_nothing_close_says_where_to_look(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["case", "show", "zzzzzz", "--db", db, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "did you mean" not in err and "case list" in err, err


def test_nearest_case_by_village(store_url: str) -> None:
    with open_store(store_url) as store:
        for cid, village in (("road-2026", "guzhuang"), ("road-2025", "lijin"),
                             ("rood-2026", ""), ("a-very-much-longer-road-2026", "guzhuang")):
            store.create(cid, "four-deliberations", "1", small_roster(), village=village)
        assert store.nearest_case("raod-2026") in ("road-2026", "rood-2026")
        assert store.nearest_case("raod-2026", "lijin") == "road-2025"
        assert store.nearest_case("rood-2025", "guzhuang") == "road-2026"
        assert store.nearest_case("rood-2026", in_a_village=True) != "rood-2026"
        assert store.nearest_case("zzzz") is None
        # the length bound keeps every id difflib accepts: at lengths 3 and 7 the ratio is
        # 2·3/10 = 0.6, just enough (either way round); at 3 and 8 it is not
        store.create("abcdefg", "four-deliberations", "1", small_roster())
        store.create("xyz", "four-deliberations", "1", small_roster())
        assert store.nearest_case("abc") == "abcdefg"
        assert store.nearest_case("xyzqrst") == "xyz"
        assert store.nearest_case("xyzqrstu") is None
