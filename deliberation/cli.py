"""The ``deliberation`` command. Each subcommand lives in its own module under
:mod:`deliberation.commands` and exposes ``register(subparsers)``;
:data:`deliberation.commands.COMMANDS` lists them.

Only the module of the command being run is imported (``deliberation --help`` imports none):
the trainer, store, simulation and YAML machinery load when a command needs them.

Exit codes: 0 done, 1 findings (e.g. lint diagnostics), 2 bad input (a located message).
No traceback reaches the user for a :class:`~deliberation.errors.DeliberationError`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from collections.abc import Sequence
from typing import Final, NoReturn, TextIO, cast

from deliberation import __version__
from deliberation.commands import COMMANDS
from deliberation.safetext import PrintableStream


def _chosen(argv: Sequence[str]) -> str | None:
    """The command named on the command line, if any (its first non-option word)."""
    for word in argv:
        if word == "--":
            return None
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def _lists_commands(argv: Sequence[str]) -> bool:
    """Whether the parse may show the list of commands: ``--help`` before a command is named
    (``deliberation --help case`` prints the top-level help), or no known command named."""
    for word in argv:
        if word in ("-h", "--help", "--"):
            return True
        if not word.startswith("-"):
            return word not in COMMANDS
    return True


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line (what was wrong, and where to read more), exit 2. Subcommand
    parsers are made from this class too (argparse uses the parent's class)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {_with_suggestion(message)} (see {self.prog} --help)\n")


# argparse's words for a mistyped command or subcommand (choices quoted up to Python 3.13)
_INVALID_CHOICE: Final = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)$")


def _with_suggestion(message: str) -> str:
    """An "invalid choice" error names the command meant, when one is close, instead of
    listing them all (the list stays when none is)."""
    found = _INVALID_CHOICE.search(message)
    if found is None:
        return message
    # Imported here for start-up speed: only a mistyped command gets this far.
    from deliberation.diagnostics import closest

    choices = [c.strip().strip("'") for c in found.group(2).split(",")]
    near = closest(found.group(1), choices)
    if near is None:
        return message
    return f"{message[:found.start()]}invalid choice: '{found.group(1)}' (did you mean '{near}'?)"


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with ``argv``, only the chosen command's module is imported (the others
    appear in ``--help`` by their summary). Without it, every command is registered."""
    parser = _Parser(
        prog="deliberation",
        description=(
            "Village deliberation procedures (四议两公开, 六议两公开) as auditable state machines."
        ),
    )
    parser.add_argument("--version", action="version", version=f"deliberation {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = _chosen(argv) if argv is not None else None
    # The other commands' entries (a parser each, only for the list in ``--help`` and in an
    # "invalid choice" error) are left out when a command is named and no list can be shown:
    # start-up speed, as each parser costs argparse several gettext look-ups on disk.
    listed = argv is None or _lists_commands(argv)
    registered: set[str] = set()
    for name, (module, summary) in COMMANDS.items():
        if name in registered:
            continue  # a module that registers several commands (simulate, compare)
        if argv is None or name == chosen or COMMANDS.get(chosen or "", ("",))[0] == module:
            before = set(sub.choices)
            command = importlib.import_module(module)
            if argv is not None and name == chosen and hasattr(command, "register_chosen"):
                # a command with subcommands builds the one named (see commands/__init__.py)
                words = list(argv)
                command.register_chosen(sub, words[words.index(name) + 1:])
            else:
                command.register(sub)
            registered |= set(sub.choices) - before
        elif listed:
            sub.add_parser(name, help=summary)
            registered.add(name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_in)
    args = parser.parse_args(args_in)
    if not getattr(args, "func", None):
        parser.error("choose a COMMAND")
    # Imported once a command runs, for start-up speed: ``deliberation --help`` (which exits in
    # parse_args) then loads neither the error classes nor, through them, the catalogs and attrs.
    from deliberation.errors import DeliberationError
    from deliberation.i18n import using_lang

    # the output edge: text from files (labels, matters, notes) reaches the terminal with its
    # control characters shown as codes, whichever command prints it
    out, err_out = sys.stdout, sys.stderr
    sys.stdout = cast(TextIO, PrintableStream(out))
    sys.stderr = cast(TextIO, PrintableStream(err_out))
    # the reader's language for the whole command, also where a text is put into a string
    lang = getattr(args, "lang", None) or "en"
    try:
        with using_lang(lang):
            return int(args.func(args) or 0)
    except DeliberationError as err:
        # read again: a command may take ``--lang`` after its action (``case act X note --lang en``)
        print(f"deliberation: {err.explain(getattr(args, 'lang', None) or lang)}",
              file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (``deliberation case log X | head``): stop quietly. Point stdout
        # at /dev/null so the interpreter's final flush does not complain either.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):  # stdout is not a file (e.g. captured in a test)
            pass
        return 0
    finally:
        sys.stdout, sys.stderr = out, err_out


if __name__ == "__main__":
    sys.exit(main())
