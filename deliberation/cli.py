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
import gc
import importlib
import os
import sys
from collections.abc import Sequence

from deliberation import __version__
from deliberation.cliparse import N_, Parser, reader_lang, speaking
from deliberation.commands import COMMANDS
from deliberation.safetext import PrintableStream

TYPE_CHECKING = False  # typing for the checker only (see deliberation/__init__.py)
if TYPE_CHECKING:
    from typing import TextIO


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


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with ``argv``, only the chosen command's module is imported (the others
    appear in ``--help`` by their summary). Without it, every command is registered."""
    parser = Parser(
        prog="deliberation",
        description=N_(
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


def main(argv: Sequence[str] | None = None, *, collector_paused: bool = False) -> int:
    """Run the command ``argv`` (default: the process's arguments); the exit code.
    ``collector_paused``: :func:`run` paused the cyclic garbage collector for start-up."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_in)
    # argparse's words (usage, help, usage errors) in the reader's language, known before the
    # parse can fail on anything (``--lang`` may come after the mistake)
    with speaking(reader_lang(parser, args_in)):
        args = parser.parse_args(args_in)
        if not getattr(args, "func", None):
            parser.error("choose a COMMAND")
    # Imported once a command runs, for start-up speed: ``deliberation --help`` (which exits in
    # parse_args) then loads neither the error classes nor, through them, the catalogs and attrs.
    from typing import cast

    from deliberation.errors import DeliberationError
    from deliberation.i18n import using_lang

    # the output edge: text from files (labels, matters, notes) reaches the terminal with its
    # control characters shown as codes, whichever command prints it
    out, err_out = sys.stdout, sys.stderr
    sys.stdout = cast("TextIO", PrintableStream(out))
    sys.stderr = cast("TextIO", PrintableStream(err_out))
    # the reader's language for the whole command, also where a text is put into a string
    lang = getattr(args, "lang", None) or "en"
    if collector_paused:
        # what start-up made (modules, classes, the parser) lives to the end: kept out of every
        # collection from now on, while the command's own objects are collected as usual (a
        # long command such as ``serve`` or ``simulate`` needs that)
        gc.freeze()
        gc.enable()
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


def run() -> int:
    """The installed command (and ``python -m deliberation.cli``): :func:`main`, with the cyclic
    garbage collector paused while the command starts.

    Start-up makes some hundred thousand objects that live as long as the process (modules,
    functions, classes), and the collector would walk them over and over as they are made and
    twice more at exit: about 6% of the instructions of ``case show`` (benchmarks/cli.py).
    At the end everything is frozen (``gc.freeze``) for the same reason: the process is
    exiting, and the collections at exit would only walk it once more.
    """
    gc.disable()
    try:
        return main(collector_paused=True)
    finally:
        gc.freeze()


if __name__ == "__main__":
    sys.exit(run())
