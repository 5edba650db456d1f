"""The command line's parser, in the reader's language: argparse's own words — the usage line,
the section headings, the help of ``-h``, every usage error — come from the catalogs like every
other message, with ``--lang`` read before the parse can fail.

argparse looks its words up with :func:`gettext.gettext` in the process-wide text domain, with
the language taken from the environment: no hook per parser, and nothing that would follow
``--lang``. So the parser renders them itself: :meth:`Parser.error` (argparse's documented
override point) words the message argparse formatted (:mod:`deliberation.cliwords` matches it
against argparse's templates), and :class:`Formatter` words the usage prefix, the section
headings and the help of ``-h``/``--version``; the help, descriptions and summaries the commands
give (marked :func:`N_` for the catalogs) it looks up in the catalogs as it renders them. Only
a formatter's name is public API; it overrides the methods argparse's own formatters go through
(``_get_help_string``, as ``ArgumentDefaultsHelpFormatter`` does, ``add_text`` and
``_format_usage``), and tests/test_cli_words.py checks that English help is argparse's own, so a
Python that changes them shows there.

>>> parser = Parser(prog="demo")
>>> with speaking("zh-Hant"):
...     print(parser.format_usage().strip())
用法: demo [-h]
>>> print(parser.format_usage().strip())
usage: demo [-h]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar

from deliberation.safetext import printable

TYPE_CHECKING = False  # typing for the checker only (see deliberation/__init__.py)
if TYPE_CHECKING:
    from typing import Any, Final, NoReturn

# The language argparse's words are shown in (``speaking`` sets it around the parse). Kept here,
# not in deliberation.i18n, so that an English ``deliberation --help`` reads no catalog (and
# imports neither the catalogs nor attrs): start-up speed.
_LANG: Final[ContextVar[str]] = ContextVar("deliberation_cli_lang", default="en")


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Parse (and show help and usage errors) in ``lang``; a text rendered with ``str()`` while
    parsing, such as a type check's message, is in ``lang`` too."""
    token = _LANG.set(lang)
    try:
        with ExitStack() as stack:
            if lang != "en":
                # Imported here for start-up speed: only another language needs the catalogs.
                from deliberation.i18n import using_lang

                stack.enter_context(using_lang(lang))
            yield
    finally:
        _LANG.reset(token)


def N_(english: str) -> str:  # gettext's own name for this marker
    """``english`` as written: marks a command's help, description or summary for the catalogs
    (``pybabel extract -k N_``) without reading them, so an English ``--help`` needs none;
    :class:`Formatter` shows it in the reader's language.

    >>> parser = Parser(prog="demo", description=N_("open a case"))
    >>> with speaking("zh-Hans"):
    ...     print(parser.format_help().splitlines()[2])
    开办一件事项
    """
    return english


class Filled(str):
    """A command's help filled in from a template marked :func:`N_`, e.g. with a list of ids:
    the text in English, and the template and values to fill it in another language. A list
    of ids is joined with commas in English, and as code (`…`) in the reader's language.

    >>> kinds = Filled(N_("ACTION is an engine action ({actions})."), actions=("a", "b"))
    >>> print(kinds)
    ACTION is an engine action (a, b).
    >>> print(kinds.fill("{actions}", "zh-Hans"))
    `a`、`b`
    """

    template: str
    values: dict[str, str | tuple[str, ...]]

    def __new__(cls, template: str, **values: str | tuple[str, ...]) -> Filled:
        filled = super().__new__(cls, template.format(
            **{k: v if isinstance(v, str) else ", ".join(v) for k, v in values.items()}))
        filled.template = template
        filled.values = values
        return filled

    def fill(self, template: str, lang: str) -> str:
        """``template`` (the translation of :attr:`template`) filled in for ``lang``."""
        return template.format(**{k: v if isinstance(v, str) else "、".join(f"`{i}`" for i in v)
                                  for k, v in self.values.items()})


def asked_lang(argv: Sequence[str]) -> str | None:
    """The language ``--lang X`` (or ``--lang=X``) asks for, anywhere before ``--``: the last
    one written, as argparse would keep it; ``None`` when none names a language.

    >>> asked_lang(["case", "act", "--lang", "zh-Hant"]), asked_lang(["show", "--lang=fr"])
    ('zh-Hant', None)
    """
    asked = None
    for i, word in enumerate(argv):
        if word == "--":
            break
        if word.startswith("--lang="):
            asked = word.partition("=")[2]
        elif word == "--lang" and i + 1 < len(argv):
            asked = argv[i + 1]
    return asked if asked is not None and _is_lang(asked) else None


def reader_lang(parser: argparse.ArgumentParser, argv: Sequence[str]) -> str:
    """The language the command line answers in: the one ``--lang`` asks for, else the default
    ``--lang`` of the (sub)command named (the language its output would be in), else English.
    """
    asked = asked_lang(argv)
    if asked is not None:
        return asked
    default = _named(parser, argv).get_default("lang")
    return default if isinstance(default, str) and _is_lang(default) else "en"


def _is_lang(word: str) -> bool:
    # Imported here for start-up speed: only a command line that names a language reads this.
    from deliberation.i18n import LANGS

    return word in LANGS


def _named(parser: argparse.ArgumentParser, argv: Iterable[str]) -> argparse.ArgumentParser:
    """The parser of the deepest (sub)command ``argv`` names (``parser`` when it names none)."""
    for word in argv:
        if word == "--":
            break
        chosen = _subcommands(parser).get(word)
        if chosen is not None:
            parser = chosen
    return parser


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse lists a parser's subcommands nowhere public
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


class Formatter(argparse.HelpFormatter):
    """Help in the reader's language: the usage prefix, the headings argparse gives its groups
    (``positional arguments``, ``options``) and the help of ``-h`` and ``--version``.

    The help, descriptions and summaries the commands give (marked :func:`N_`) come from the
    catalogs in the same way, when rendered: with ``%(default)s`` still to be filled.
    """

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        # argparse makes a formatter for every argument added (to check its metavar), and
        # without a width its first one imports shutil for the terminal's: about 7M
        # instructions of every command (bz2, lzma and the rest come with it)
        super().__init__(prog, indent_increment, max_help_position,
                         _terminal_columns() - 2 if width is None else width)

    def _format_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                      groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None,
                      ) -> str:
        # the one place argparse puts its usage prefix (in help, usage and errors alike)
        if prefix is not None or _LANG.get() == "en":
            return super()._format_usage(usage, actions, groups, prefix)
        word = _own_word("usage: ")
        # argparse lines the usage's next lines up under its first by counting characters; a
        # Chinese character fills two columns, so it counts a blank of the word's width
        blank = " " * _columns(word)
        return word + super()._format_usage(usage, actions, groups, blank)[len(blank):]

    def start_section(self, heading: str | None) -> None:
        super().start_section(_word(heading) if heading else heading)

    def add_text(self, text: str | None) -> None:
        # a parser's description and epilog, and an argument group's description
        super().add_text(_word(text) if text and text != argparse.SUPPRESS else text)

    def _split_lines(self, text: str, width: int) -> list[str]:
        # an option's help; argparse breaks lines at blanks only, counting characters
        if _LANG.get() == "en":
            return super()._split_lines(text, width)
        return _wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        # a description
        if _LANG.get() == "en":
            return super()._fill_text(text, width, indent)
        return "\n".join(indent + line for line in _wrap(text, width))

    def _get_help_string(self, action: argparse.Action) -> str | None:
        # the hook argparse's own ArgumentDefaultsHelpFormatter overrides; a command's summary
        # in its parent's list of commands comes here too
        return _word(action.help) if action.help else action.help


def _terminal_columns() -> int:
    """The terminal's width as :func:`shutil.get_terminal_size` gives it (``COLUMNS`` when
    set, else the width of the terminal on stdout, else 80), without importing shutil."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    stdout = sys.__stdout__
    if stdout is None:
        return 80
    try:
        size = os.get_terminal_size(stdout.fileno())
    except (AttributeError, ValueError, OSError):  # closed, detached, or not a terminal
        return 80
    return size.columns or 80


# What a line of Chinese help may break between: a span of code (`…`, never broken: a clerk
# types it back), a run of other Latin letters, digits and signs up to a backtick (a word), a
# blank, or any one other character (Chinese breaks between any two characters); an opening
# mark stays with what it opens. (A pattern, compiled by re on first use: only help in another
# language wraps, and compiling it costs every other command about 2M instructions.)
_UNITS: Final = r"[(（“「]*(?:`[^`]*`|[!-_a-~]+|\s+|.)"
# Marks that close what comes before them: never the first thing on a line.
_CLOSING: Final = frozenset(",.;:!?)]、。，；：！？）」”")


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken where Chinese is (see ``_UNITS``);
    a unit wider than a line, or a closing mark, may overrun it.

    >>> _wrap("加入 `--path DIR` 搜索路径,可多次使用", 18)
    ['加入 `--path DIR`', '搜索路径,可多次使', '用']
    >>> _wrap("事项编号(默认:随机生成)", 10)
    ['事项编号', '(默认:随机', '生成)']
    """
    lines: list[str] = []
    line = ""
    for unit in re.findall(_UNITS, " ".join(text.split())):
        if unit == " ":
            line += unit
        elif line.strip() and _columns(line + unit) > width and unit not in _CLOSING:
            lines.append(line.rstrip())
            line = unit
        else:
            line += unit
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _columns(text: str) -> int:
    """The terminal columns ``text`` fills (a wide character, such as a Chinese one, two)."""
    # Imported here for start-up speed: only help in another language is measured.
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)


def _word(english: str) -> str:
    """``english`` (one of argparse's own words, or a command's words marked :func:`N_`) in the
    reader's language; as it is when the catalogs have no translation for it."""
    lang = _LANG.get()
    if lang == "en":
        return english
    own = _own_word(english)
    if own != english:
        return own
    # Imported here for start-up speed: only help in another language needs the catalogs.
    from deliberation.i18n import translate

    if isinstance(english, Filled):
        return english.fill(translate(english.template, lang), lang)
    return translate(english, lang)


def _own_word(english: str) -> str:
    """``english`` in the reader's language when it is one of argparse's own words."""
    lang = _LANG.get()
    if lang == "en":
        return english
    # Imported here for start-up speed: only help in another language needs the catalogs.
    from deliberation.cliwords import own_word

    word = own_word(english)
    return english if word is None else word.get(lang)


class Parser(argparse.ArgumentParser):
    """Usage errors in one line (what was wrong, and where to read more), in the reader's
    language, exit 2; help through :class:`Formatter`. Subcommand parsers are made from this
    class too (argparse uses the parent's class)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        # Imported here for start-up speed: only a usage error reads these words.
        from deliberation.cliwords import usage_error

        # one line, whatever was typed: argparse repeats an unrecognized argument as it came,
        # and the command line's stream guard (safetext) is not in place yet while parsing
        line = printable(usage_error(self.prog, message).get(_LANG.get())).replace("\n", "\\n")
        self.exit(2, line + "\n")
