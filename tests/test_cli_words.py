"""argparse's own words in the reader's language: usage errors and the chrome of ``--help``
(usage prefix, section headings, the help of ``-h``) come from the catalogs, with ``--lang``
honoured wherever it is written (also after the mistake); English reads as argparse writes it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliberation.cli import build_parser, main
from deliberation.cliparse import Formatter, Parser, asked_lang, reader_lang, speaking
from deliberation.cliwords import localised
from deliberation.commands import COMMANDS
from deliberation.safetext import printable

# What argparse says in English, none of which may reach a Chinese reader.
ARGPARSE_ENGLISH = ("usage:", "error:", "the following arguments", "invalid choice",
                    "unrecognized", "options:", "positional arguments", "show this help",
                    "expected one argument", "invalid int value", "see ", "did you mean",
                    "choose from", "argument ")
CODE = re.compile(r"`[^`\n]*`")
LATIN = re.compile(r"[A-Za-z]")

# (argv before --lang, the words each language says it in)
MISTAKES = {
    "missing": (["case", "act"], {"zh-Hans": "缺少必需的参数:`CASE`、`ACTION`、`fields`",
                                  "zh-Hant": "缺少必要的參數:`CASE`、`ACTION`、`fields`"}),
    "choice": (["show", "four-deliberations", "--format", "pdf"],
               {"zh-Hans": "参数 `--format`:无效的选择:`pdf`(可选:`text`、`yaml`)",
                "zh-Hant": "參數 `--format`:無效的選擇:`pdf`(可選:`text`、`yaml`)"}),
    "unrecognized": (["show", "four-deliberations", "--bogus"],
                     {"zh-Hans": "无法识别的参数:`--bogus`",
                      "zh-Hant": "無法辨識的參數:`--bogus`"}),
    "int": (["simulate", "four-deliberations", "--runs", "many"],
            {"zh-Hans": "参数 `--runs`:不是有效的整数:`many`",
             "zh-Hant": "參數 `--runs`:不是有效的整數:`many`"}),
    "one-value": (["case", "new", "--db"], {"zh-Hans": "参数 `--db`:须写一个值",
                                            "zh-Hant": "參數 `--db`:須寫一個值"}),
    "did-you-mean": (["case", "shwo"],
                     {"zh-Hans": "参数 `SUBCOMMAND`:无效的选择:`shwo`(是不是 `show`?)",
                      "zh-Hant": "參數 `SUBCOMMAND`:無效的選擇:`shwo`(是不是 `show`?)"}),
    "type-check": (["case", "list", "--limit", "0"],
                   {"zh-Hans": "参数 `--limit`:`0` 须为正数",
                    "zh-Hant": "參數 `--limit`:`0` 須為正數"}),
}


def _usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    out, err = capsys.readouterr()
    assert exit_.value.code == 2 and out == ""
    assert err.count("\n") == 1 and err.endswith("\n"), err  # one line
    return err


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_usage_errors_speak_the_readers_chinese(mistake: str, lang: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    argv, words = MISTAKES[mistake]
    # --lang written after the mistake still counts: argparse stops before reading it
    err = _usage_error([*argv, "--lang", lang], capsys)
    assert words[lang] in err, err
    assert [w for w in ARGPARSE_ENGLISH if w in err] == [], err
    assert LATIN.findall(CODE.sub("", err)) == [], err  # Latin letters only as code
    # where: the parser that found the mistake, as in English (see ENGLISH)
    prog = ENGLISH[mistake].partition(": ")[0]
    see = "详见" if lang == "zh-Hans" else "詳見"
    assert err.startswith(f"`{prog}`:") and err.endswith(f"({see} `{prog} --help`)\n"), err


ENGLISH = {
    "missing": "deliberation case act: the following arguments are required: CASE, ACTION, "
               "fields (see deliberation case act --help)\n",
    "choice": "deliberation show: argument --format: invalid choice: 'pdf' (choose from 'text', "
              "'yaml') (see deliberation show --help)\n",
    "unrecognized": "deliberation: unrecognized arguments: --bogus (see deliberation --help)\n",
    "int": "deliberation simulate: argument --runs: invalid int value: 'many' "
           "(see deliberation simulate --help)\n",
    "one-value": "deliberation case new: argument --db: expected one argument "
                 "(see deliberation case new --help)\n",
    "did-you-mean": "deliberation case: argument SUBCOMMAND: invalid choice: 'shwo' "
                    "(did you mean 'show'?) (see deliberation case --help)\n",
    "type-check": "deliberation case list: argument --limit: 0 is not positive "
                  "(see deliberation case list --help)\n",
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_usage_errors_in_english_read_as_argparse_writes_them(
        mistake: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _usage_error([*MISTAKES[mistake][0], "--lang", "en"], capsys) == ENGLISH[mistake]


HELP_WORDS = {
    "zh-Hans": ("用法: deliberation", "位置参数:", "选项:", "显示此帮助信息并退出"),
    "zh-Hant": ("用法: deliberation", "位置參數:", "選項:", "顯示此說明並結束"),
}


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("argv", [["case", "act", "--help"], ["show", "-h"],
                                  ["--help", "case", "show"]],
                         ids=["case-act", "show", "top"])
def test_help_chrome_speaks_the_readers_chinese(argv: list[str], lang: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--lang", lang])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    assert all(words in out for words in HELP_WORDS[lang]), out
    assert re.search(rf"\n  -h, --help +{HELP_WORDS[lang][-1]}\n", out), out
    assert [w for w in ("usage:", "positional arguments", "options:", "show this help")
            if w in out] == [], out


@pytest.mark.parametrize("argv", [["case", "act"], ["show"], []], ids=["case-act", "show", "top"])
def test_english_help_is_argparse_own(argv: list[str]) -> None:
    """In English the formatter changes nothing: the help reads as argparse's own formatter
    writes it."""
    parser = build_parser([*argv, "--help"])
    for word in argv:
        parser = next(a for a in parser._actions
                      if isinstance(a, argparse._SubParsersAction)).choices[word]
    with speaking("en"):
        ours = parser.format_help()
    parser.formatter_class = argparse.HelpFormatter
    assert ours == parser.format_help()
    assert ours.startswith("usage: ") and "\noptions:\n" in ours
    assert "show this help message and exit" in ours


@pytest.mark.parametrize(("argv", "lang"), [
    (["case", "act", "x", "--lang", "zh-Hant"], "zh-Hant"),
    (["case", "act", "x", "--lang=zh-Hant"], "zh-Hant"),
    (["case", "act", "--lang", "en", "x", "--lang", "zh-Hant"], "zh-Hant"),  # the last wins
    (["case", "act", "x"], "zh-Hans"),  # case's own default
    (["lint", "x"], "en"),  # lint's own default
    (["case", "act", "x", "--lang", "fr"], "zh-Hans"),  # no such language: the default
    (["case", "act", "x", "--", "--lang", "en"], "zh-Hans"),  # after --: a value, not an option
    (["shwo"], "en"),  # no command named: English, as the list of commands is
    ([], "en"),
])
def test_the_readers_language_is_known_before_the_parse(argv: list[str], lang: str) -> None:
    assert reader_lang(build_parser(argv), argv) == lang


def test_without_lang_a_usage_error_speaks_as_its_command_would(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert "缺少必需的参数" in _usage_error(["case", "act"], capsys)
    assert "the following arguments are required: PATH" in _usage_error(["lint"], capsys)
    assert "(did you mean 'show'?)" in _usage_error(["shwo"], capsys)


def test_a_language_that_is_not_one_is_not_asked_for() -> None:
    assert asked_lang(["--lang"]) is None and asked_lang(["--lang", "fr"]) is None
    assert asked_lang(["--lang=zh-Hans", "--lang", "en"]) == "en"


def _argparse_errors() -> list[str]:
    """Messages real argparse formats for every template :mod:`deliberation.cliwords` knows."""
    class Catching(argparse.ArgumentParser):
        def error(self, message: str) -> None:  # type: ignore[override]
            raise LookupError(message)

    parser = Catching(prog="p")
    parser.add_argument("--alpha", type=int)
    parser.add_argument("--alps", type=float)
    parser.add_argument("--when", type=lambda s: int(s))
    parser.add_argument("--one", nargs=1)
    parser.add_argument("--two", nargs=2)
    parser.add_argument("--some", nargs="+")
    parser.add_argument("--maybe", nargs="?", type=int)
    parser.add_argument("--flag", action="store_true")
    parser.add_argument("--colour", choices=["red", "green"])
    either = parser.add_mutually_exclusive_group(required=True)
    either.add_argument("--yes", action="store_true")
    either.add_argument("--no", action="store_true")
    parser.add_argument("needed")
    found = ["choose a COMMAND"]  # the command line's own, when no command is named
    for argv in (["--al", "1"], ["--alpha", "x", "--yes", "n"], ["--alps", "y", "--yes", "n"],
                 ["--when", "z", "--yes", "n"], ["--two", "1", "--yes", "n"],
                 ["--some", "--yes", "n"], ["--colour", "blue", "--yes", "n"],
                 ["--colour", "gren", "--yes", "n"], ["--flag=1", "--yes", "n"],
                 ["--yes", "--no", "n"], ["n"], ["--yes"], ["--yes", "n", "extra"],
                 ["--alpha"], ["--one", "--yes", "n"]):
        with pytest.raises(LookupError) as caught:
            parser.parse_args(argv)
        found.append(str(caught.value.args[0]))
    return found


@pytest.mark.parametrize("message", _argparse_errors())
def test_every_argparse_error_is_read_back(message: str) -> None:
    """Each message argparse formats matches a template: English unchanged (a did-you-mean
    aside), Chinese with Latin letters only as code."""
    text = localised(message)
    assert text.en == message or text.en == re.sub(
        r"\(choose from .*\)$", "(did you mean 'green'?)", message), text.en
    for lang in ("zh-Hans", "zh-Hant"):
        assert LATIN.findall(CODE.sub("", text.get(lang))) == [], text.get(lang)


def test_the_formatter_speaks_in_the_parse_language() -> None:
    parser = Parser(prog="p", formatter_class=Formatter, add_help=True)
    parser.add_argument("--version", action="version", version="1")
    with speaking("zh-Hant"):
        shown = parser.format_help()
    assert shown.startswith("用法: p [-h] [--version]") and "顯示程式版本並結束" in shown
    assert "usage" in parser.format_help()  # outside the parse: English again


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_usage_lines_line_up_under_the_first(lang: str, capsys: pytest.CaptureFixture[str]
                                             ) -> None:
    # "用法: " fills 6 columns in 4 characters: the next lines start under "[-h]" all the same
    with pytest.raises(SystemExit):
        main(["case", "act", "--help", "--lang", lang])
    first, second = capsys.readouterr().out.splitlines()[:2]
    prefix = first[:first.index("[-h]")]
    wide = sum(1 for c in prefix if "\u4e00" <= c <= "\u9fff")
    assert second.startswith(" " * (len(prefix) + wide) + "[") and first.startswith(
        {"zh-Hans": "用法: ", "zh-Hant": "用法: ", "en": "usage: "}[lang])


# Words a command line is made of, right and wrong, and some no command line has.
WORDS = st.one_of(
    st.sampled_from([*COMMANDS, "act", "new", "show", "list", "log", "shwo", "--db", "--lang",
                     "--lang=zh-Hant", "zh-Hans", "zh-Hant", "en", "fr", "--runs", "many", "0",
                     "-1", "--format", "pdf", "json", "--bogus", "-x", "--", "--limit",
                     "--since", "2026-13-01", "four-deliberations", "-h", "'", "`", "a b",
                     "修村道", "a\nb", "\x1b[2J", "--set", "x=1", "--json", "{"]),
    st.text(max_size=6))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(argv=st.lists(WORDS, max_size=7), lang=st.sampled_from(["zh-Hans", "zh-Hant", "en"]))
def test_any_command_line_gets_one_line_in_the_readers_words(argv: list[str], lang: str) -> None:
    """Whatever is typed, the parse ends in help, a parsed command or one usage-error line (exit
    2, no traceback), in the reader's language."""
    argv = [*argv, "--lang", lang]
    parser = build_parser(argv)
    reader = reader_lang(parser, argv)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()), \
            speaking(reader):
        try:
            parser.parse_args(argv)
        except SystemExit as exit_:
            assert exit_.code in (0, 2)
    said = err.getvalue()
    assert said.count("\n") <= 1 and printable(said) == said, said
    if reader != "en" and said:
        assert [w for w in ARGPARSE_ENGLISH if w in said] == [], said


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_an_empty_word_typed_is_an_unrecognized_argument(
        lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``deliberation run lint ""``: argparse names the empty word as nothing at all."""
    err = _usage_error(["run", "lint", "", "--lang", lang], capsys)
    assert [w for w in ARGPARSE_ENGLISH if w in err] == [], err
    assert ("无法识别的参数" if lang == "zh-Hans" else "無法辨識的參數") in err, err
