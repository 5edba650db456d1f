"""The commands' own words in ``--help`` — each option's help, each command's description and
the summaries in a list of (sub)commands — in the reader's language, for every command and
subcommand; English help reads as the commands wrote it.

In Chinese help, Latin letters may appear only as code, and code is, narrowly:

* what the parser itself declares and argparse prints: option strings (``--lang``), metavars
  (``ID|FILE``, ``K=V``), choices (``{text,yaml}``), (sub)command names and the program's name;
* a span in code formatting (`…`) in a translation: what a clerk types back (``.yaml``,
  ``sqlite:///FILE``, ``extends``);
* the names in ``ALLOWED``: file formats, standards, units and the products a Chinese
  document names in Latin letters too (CSV, UTC, MiB, PostgreSQL…).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest

from deliberation.cli import build_parser, main
from deliberation.cliparse import speaking

CODE = re.compile(r"`[^`\n]*`")
# a word as help prints it: split at blanks and at what argparse puts around declared words
SPLIT = re.compile(r"[\s\[\](){},|。、,;:=]+")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
ALLOWED = {"UTF", "CSV", "YAML", "JSON", "HTML", "PDF", "SVG", "PNG", "JPEG", "TIFF", "WebP",
           "ID", "URL", "HTTP", "UTC", "MiB", "HMAC", "SHA256", "Ed25519", "PEM",
           "SQLite", "PostgreSQL", "Graphviz", "Mermaid", "Dask"}


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse lists a parser's subcommands nowhere public
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _tree(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
          ) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    yield path, parser
    for name, sub in _subparsers(parser).items():
        yield from _tree(sub, (*path, name))


PARSERS = dict(_tree(build_parser()))


def _declared(parser: argparse.ArgumentParser) -> set[str]:
    """The words the parser declares (and argparse prints as they are), split as help splits."""
    words = {"deliberation", *parser.prog.split()}
    for action in parser._actions:
        words.update(action.option_strings)
        metavar = action.metavar if action.metavar is not None else action.dest
        words.update(metavar if isinstance(metavar, tuple) else (str(metavar),))
        words.update(str(c) for c in action.choices or ())
        words.add(action.dest.upper())  # argparse's metavar for an option without one
    return {w for word in words for w in SPLIT.split(word) if w}


def english_left(help_text: str, parser: argparse.ArgumentParser) -> list[str]:
    """The words of ``help_text`` that are Latin but no code (see the module's docstring)."""
    declared = _declared(parser)
    return [word for word in SPLIT.split(CODE.sub(" ", help_text))
            if LATIN_WORD.search(word) and word not in declared
            and not all(w in ALLOWED for w in LATIN_WORD.findall(word))]


@pytest.fixture(autouse=True)
def _eighty_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")  # argparse wraps help to the terminal's width


def _help(path: tuple[str, ...], lang: str) -> str:
    with speaking(lang):
        return PARSERS[path].format_help()


def test_the_tree_is_walked_whole() -> None:
    """Every command, and the subcommands of ``case``, ``roster``, ``token`` and ``procedure``."""
    assert {p[0] for p in PARSERS if p} >= {"lint", "list", "show", "simulate", "compare",
                                            "paths", "diff", "case", "roster", "run", "demo",
                                            "walk", "diagram", "html", "serve", "token",
                                            "procedure"}
    assert {("case", s) for s in ("new", "act", "show", "log", "verify", "export", "list")} \
        <= set(PARSERS)
    assert len(PARSERS) >= 30


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("path", list(PARSERS), ids=lambda p: " ".join(p) or "deliberation")
def test_help_has_no_english_outside_code(path: tuple[str, ...], lang: str) -> None:
    text = _help(path, lang)
    assert english_left(text, PARSERS[path]) == [], text


def test_the_check_sees_english() -> None:
    """The check is not blind: English help is full of words it reports."""
    left = english_left(_help(("show",), "en"), PARSERS[("show",)])
    assert {"step", "procedure", "language"} <= set(left), left


@pytest.mark.parametrize(("lang", "words"), [
    ("zh-Hans", ("逐步显示一个议事程序", "议事程序编号或 `.yaml` 文件",
                 "标签和提示信息的语言(默认 `zh-Hans`)")),
    ("zh-Hant", ("逐步顯示一個議事程序", "議事程序編號或 `.yaml` 檔案",
                 "標籤和提示資訊的語言(預設 `zh-Hans`)")),
])
def test_the_command_line_shows_help_in_the_readers_language(
        lang: str, words: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    """Through ``main``, as a reader runs it: the help of the named command only."""
    with pytest.raises(SystemExit):
        main(["show", "four-deliberations", "--help", "--lang", lang])
    out = capsys.readouterr().out
    assert all(w in out for w in words), out


def test_without_lang_help_speaks_as_its_command_would(capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    with pytest.raises(SystemExit):
        main(["show", "--help"])  # show's default --lang: zh-Hans
    assert "逐步显示一个议事程序" in capsys.readouterr().out


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_summaries_and_defaults_are_filled_in(lang: str) -> None:
    top = _help((), lang)
    assert ("列出搜索路径上的议事程序" if lang == "zh-Hans" else "列出搜尋路徑上的議事程序") in top
    new = _help(("case", "new"), lang)
    assert "`sqlite:///" in new and "%(default)s" not in new, new  # --db's default, filled in
    act = _help(("case", "act"), lang)  # a description filled in from a template
    assert "ACTION 为引擎" in act or "ACTION 為引擎" in act, act
    assert "motion" in act, act


# Lines of English help as the commands write them (and as they read before translation).
ENGLISH = {
    (): ("Village deliberation procedures (四议两公开, 六议两公开) as auditable state machines.",
         "    list      list the procedures on the search path",
         "    case      run a durable case step by step (new, act, show, log, verify,"),
    ("show",): ("Show a procedure (an id on the search path, or a .yaml file) step by step.",
                "  ID|FILE               procedure id or .yaml file",
                "                        language of labels and messages (default zh-Hans)",
                "  --format {text,yaml}  yaml: the flat definition (extends resolved), as the"),
    ("case",): ("Durable cases in an event store (SQLite file or PostgreSQL).",
                "    new       open a case"),
    ("case", "list"): ("  --limit N             at most N cases (default 100)",),
    ("simulate",): ("  --ci-width CI_WIDTH   simulate: keep sampling until the 95% interval of",),
}


@pytest.mark.parametrize("path", list(ENGLISH), ids=lambda p: " ".join(p) or "deliberation")
def test_english_help_reads_as_written(path: tuple[str, ...]) -> None:
    lines = _help(path, "en").splitlines()
    assert [line for line in ENGLISH[path] if line not in lines] == [], "\n".join(lines)


# Positionals whose name argparse prints is already a word a user reads (``fields`` stands for
# the ``--field value …`` pairs after an action).
NAMED_AS_SHOWN = {("case", "act"): {"fields"}}


def unexplained(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> list[str]:
    """Arguments ``--help`` leaves unexplained: an option or positional without a help text,
    or a positional shown by its internal name (``token_id``)."""
    silent = [" ".join(a.option_strings) or a.dest for a in parser._actions
              if a.help is None and not isinstance(a, argparse._SubParsersAction)]
    internal = [f"{a.dest} (no metavar)" for a in parser._actions
                if not a.option_strings and a.metavar is None and not a.choices
                and a.dest not in NAMED_AS_SHOWN.get(path, set())]
    return silent + internal


@pytest.mark.parametrize("path", list(PARSERS), ids=lambda p: " ".join(p) or "deliberation")
def test_every_argument_says_what_it_is(path: tuple[str, ...]) -> None:
    """A user reads each option and positional in ``--help``."""
    assert unexplained(PARSERS[path], path) == []


def test_the_help_check_sees_a_silent_option() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int)
    parser.add_argument("token_id", help="a token")
    parser.add_argument("fields", nargs="*", help="pairs")
    assert unexplained(parser, ("case", "act")) == ["--seed", "token_id (no metavar)"]
