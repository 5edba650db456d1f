"""Every subcommand, given bad input, answers in one line with a non-zero exit.

The table is ``tests/cli_bad_inputs.py``. Each row runs in this process through
:func:`deliberation.cli.main`, under an alarm (a hang fails the row), and must: exit non-zero
(``SystemExit`` from argparse included), print no traceback and no internal-error code, and
write at most one line to stderr (a command that reports findings, such as ``verify`` or
``lint``, prints them on stdout and exits 1).
"""

from __future__ import annotations

import re
import shutil
import signal
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from cli_bad_inputs import BAD_INPUTS
from test_i18n_no_english import latin_words
from test_yamlwords import english_left

from deliberation.cli import main
from deliberation.definition.loader import load_procedure

LOCATED = re.compile(r"^\S.*:[1-9]\d*:[1-9]\d*: [DR]\d{3} ")  # procedure (D) or roster (R) codes
LINE_ZERO = re.compile(r":0:0: [DR]\d{3}")
SYNTAX_ERROR = re.compile(r"D101 YAML (语法错误|語法錯誤)")
SECONDS = 60  # far above any row's real time; a row that needs this long is hanging


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp = tmp_path_factory.mktemp("bad-inputs")
    db = tmp / "store.db"
    url = f"sqlite:///{db}"
    assert main(["case", "new", "--db", url, "--procedure", "four-deliberations", "--matter",
                 "修村道", "--id", "road", "--at", "2026-03-01T09:00+08:00"]) == 0
    assert main(["case", "act", "road", "note", "--text", "会前准备", "--at",
                 "2026-03-01T10:00+08:00", "--db", url]) == 0

    def copy(name: str, *statements: str) -> str:
        target = tmp / name
        shutil.copy(db, target)
        with sqlite3.connect(target) as conn:
            for sql in statements:
                conn.execute(sql)
        conn.close()
        return f"sqlite:///{target}"

    junk = tmp / "junk.db"
    junk.write_bytes(b"not a database, just words\n" * 200)
    trunc = tmp / "trunc.db"
    trunc.write_bytes(db.read_bytes()[:3000])
    empty = tmp / "empty.db"
    sqlite3.connect(empty).close()
    binary = tmp / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00procedure: \x80\x81\n")
    badyaml = tmp / "bad.yaml"
    badyaml.write_text("id: [unclosed\n  - x: {\n", encoding="utf-8")
    (tmp / "dir").mkdir()
    shortkey = tmp / "short.key"
    shortkey.write_bytes(b"short")
    badpem = tmp / "bad.pem"
    badpem.write_text("-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n")
    badpub = tmp / "bad.pub"
    badpub.write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    busy = socket.socket()  # a port another program listens on
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    zero_csv = tmp / "zero.csv"
    zero_csv.symlink_to("/dev/zero")
    proc_file = tmp / "four.yaml"
    shutil.copy(load_procedure("four-deliberations").source or "", proc_file)

    def scenario(name: str, text: str) -> str:
        path = tmp / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    head = ("procedure: four-deliberations\nmatter: m\nstart: 2026-03-02T09:00:00+08:00\n"
            "roster:\n  generate: {households: 20, people: 50}\n")
    out = {
        "db": url,
        "newdb": f"sqlite:///{tmp / 'new.db'}",
        "junk": f"sqlite:///{junk}",
        "trunc": f"sqlite:///{trunc}",
        "empty": f"sqlite:///{empty}",
        "newer": copy("newer.db", "INSERT INTO schema_version VALUES (99, 'future', 'x')"),
        "tampered": copy("tampered.db",
                         "UPDATE records SET record_json = replace(record_json, '会前', '会后')"),
        "badseq": copy("badseq.db", "UPDATE records SET seq = 'x' WHERE seq = 2"),
        "notrecord": copy("notrecord.db", "UPDATE records SET record_json = '{}' WHERE seq = 2"),
        "notjson": copy("notjson.db", "UPDATE records SET record_json = '[' WHERE seq = 2"),
        "pathproc": copy("pathproc.db",
                         f"UPDATE cases SET procedure_id = '{proc_file}'"),
        "badjson": "{bad json",
        "missing": str(tmp / "missing.yaml"),
        # a name longer than a file name may be: looking it up fails with ENAMETOOLONG
        "longname": "x" * 300,
        "missing_csv": str(tmp / "missing.csv"),
        "devzero_csv": str(zero_csv),
        "builtin": str(proc_file),
        "busyport": str(busy.getsockname()[1]),
        "nodir": str(tmp / "no" / "such" / "folder"),
        "dir": str(tmp / "dir"),
        "file": str(badyaml),
        "binary": str(binary),
        "badyaml": str(badyaml),
        "shortkey": str(shortkey),
        "badpem": str(badpem),
        "badpub": str(badpub),
        "scenario_bad_procedure": scenario(
            "s1.yaml", head.replace("four-deliberations", "no-such") + "actions: []\n"),
        "scenario_bad_date": scenario(
            "s2.yaml", head.replace("2026-03-02T09:00:00+08:00", "2026-13-45") + "actions: []\n"),
        "scenario_inf": scenario("s3.yaml", head + "actions:\n  - do: note\n    after: .inf\n"),
        "scenario_huge": scenario(
            "s4.yaml", head.replace("{households: 20, people: 50}", "{people: 1000000000000000}")
            + "actions: []\n"),
        "scenario_devzero": scenario(
            "s5.yaml", head.replace("  generate: {households: 20, people: 50}",
                                    "  file: /dev/zero") + "actions: []\n"),
    }
    yield out
    busy.close()


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise TimeoutError(f"no answer within {SECONDS} s")


# argparse's English, which a reader who asked for Chinese never sees (tests/test_cli_words.py)
ARGPARSE_ENGLISH = re.compile(r"usage:|error:|the following arguments|invalid choice|"
                              r"unrecognized|expected one argument|invalid \w+ value|"
                              r"did you mean|\(see ")


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
@pytest.mark.parametrize("row", BAD_INPUTS, ids=lambda row: " ".join(row)[:60] or "(none)")
def test_bad_input_is_one_line_and_a_non_zero_exit(
    row: tuple[str, ...], lang: str, places: dict[str, str], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    argv = [word.format(**places) for word in row]
    # Nothing interactive: a command that waits for a terminal would hang here.
    monkeypatch.setattr("sys.stdin", open("/dev/null"))
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(SECONDS)
    try:
        parser_said = False  # a usage error: argparse's words, through the catalogs
        try:
            code = main([*argv, *(["--lang", lang] if _takes_lang(argv) else [])])
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 2
            parser_said = True
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    out, err = capsys.readouterr()
    assert code != 0, f"exit 0 for {argv}\n{out[-500:]}"
    assert "Traceback" not in out + err
    assert "D900" not in out + err
    lines = [line for line in err.splitlines() if line.strip()]
    # One line; a broken file may follow it with one located diagnostic per problem.
    if code != 1:  # exit 1: a refused action or findings, reported rule by rule
        assert all(LOCATED.match(line) for line in lines[1:]), f"several lines:\n{err}"
    assert not LINE_ZERO.search(out + err), f"a diagnostic at line 0:\n{out}{err}"
    assert lines or code == 1, f"exit {code} without a message"
    if lang != "en" and _takes_lang(argv) and parser_said:
        assert not ARGPARSE_ENGLISH.search(err), err
    if lang != "en" and _takes_lang(argv):
        # a YAML syntax error: PyYAML's words said in Chinese after the location, not its
        # English as code (tests/test_yamlwords.py)
        for line in (out + err).splitlines():
            if SYNTAX_ERROR.search(line):
                assert english_left(LOCATED.sub("", line)) == [], line


def _takes_lang(argv: list[str]) -> bool:
    # each row in English and in Chinese; rows that test --lang itself keep their own.
    # (serve has no --lang: its rows would all fail on the option instead of what they test)
    return "--lang" not in argv and bool(argv) and argv[0] not in ("--no-such-option",
                                                                    "no-such-command", "serve")


def test_show_never_sends_control_characters_to_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = Path(load_procedure("four-deliberations").source or "").read_text(encoding="utf-8")
    hostile = source.replace("  en: Four deliberations and two disclosures",
                             '  en: "Four\\e[2J\\e]0;owned\\a deliberations"', 1)
    assert hostile != source
    path = tmp_path / "hostile.yaml"
    path.write_text(hostile, encoding="utf-8")
    assert main(["show", str(path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "Four\\x1b[2J\\x1b]0;owned\\x07 deliberations" in out


@pytest.mark.parametrize(("argv", "words"), [
    (["shwo"], "invalid choice: 'shwo' (did you mean 'show'?) (see deliberation --help)"),
    (["case", "shwo", "x"],
     "invalid choice: 'shwo' (did you mean 'show'?) (see deliberation case --help)"),
    (["case", "verfy", "x"], "(did you mean 'verify'?)"),
])
def test_a_mistyped_command_names_the_one_meant(
        argv: list[str], words: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and words in err and err.count("\n") == 1


def test_a_command_nothing_is_close_to_keeps_the_list(capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["zzzz"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "(choose from 'lint', 'list', 'show'" in err
    assert "did you mean" not in err


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_a_store_error_says_what_to_do_next(lang: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A new user in an empty folder: no store file says how to name one (``--db``,
    ``DELIBERATION_DB``) or make one (``case new``), and creates nothing; an id already taken
    says to choose another ``--id`` or look at the case; an unknown case names the nearest
    stored id, or says where the list is. One line each, in the reader's language, commands
    and options as code."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DELIBERATION_DB", raising=False)

    def said(argv: list[str]) -> str:
        assert main([*argv, "--lang", lang]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        if lang != "en":
            assert latin_words(err.removeprefix("deliberation: ")) == [], err
        return err

    missing = said(["case", "show", "road"])
    for words in ("deliberation.db", "--db", "DELIBERATION_DB", "case new"):
        assert words in missing, missing
    assert not (tmp_path / "deliberation.db").exists()
    new = ["case", "new", "--procedure", "four-deliberations", "--matter", "修村道",
           "--id", "road"]
    assert main(new) == 0
    capsys.readouterr()
    taken = said(new)
    for words in ("road", "--id", "case show road"):
        assert words in taken, taken
    unknown = said(["case", "show", "well"])  # nothing close: where the list is
    assert "well" in unknown and "case list" in unknown, unknown
    near = said(["case", "show", "raod"])  # a close one: named
    assert "raod" in near and "road" in near and "case list" not in near, near
