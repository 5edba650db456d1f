"""The ``deliberation`` command. Each subcommand lives in its own module under
:mod:`deliberation.commands` and exposes ``register(subparsers)``; this file only lists them.

Exit codes: 0 done, 1 findings (e.g. lint diagnostics), 2 bad input (a located message).
No traceback reaches the user for a :class:`~deliberation.errors.DeliberationError`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from deliberation import __version__
from deliberation.errors import DeliberationError

# Order is the order of ``deliberation --help``.
COMMAND_MODULES: tuple[str, ...] = (
    "deliberation.commands.lint",
    "deliberation.commands.list_cmd",
    "deliberation.commands.show",
    "deliberation.commands.simulate",
    "deliberation.commands.case",
    "deliberation.commands.run",
    "deliberation.commands.demo",
    "deliberation.commands.walk",
    "deliberation.commands.diagram",
    "deliberation.commands.html_cmd",
    "deliberation.commands.serve",
    "deliberation.commands.token",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deliberation",
        description=(
            "Village deliberation procedures (四议两公开, 六议两公开) as auditable state machines."
        ),
    )
    parser.add_argument("--version", action="version", version=f"deliberation {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except DeliberationError as err:
        lang = getattr(args, "lang", None) or "en"
        print(f"deliberation: {err.explain(lang)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
