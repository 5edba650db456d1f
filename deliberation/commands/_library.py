"""What the commands share: their parsers, the procedure argument, the search path, text layout.

>>> p = argparse.ArgumentParser()
>>> add_procedure_options(p)
>>> args = p.parse_args(["four-deliberations", "--lang", "en"])
>>> args.lang, procedure_of(args).id
('en', 'four-deliberations')
"""

from __future__ import annotations

import argparse
import os
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deliberation.cliparse import N_
from deliberation.commands import summary
from deliberation.errors import DeliberationError
from deliberation.i18n import DEFAULT_LANG, LANGS, _

if TYPE_CHECKING:
    from deliberation.definition.loader import Library
    from deliberation.definition.model import Procedure


# Adds a group of arguments several commands take alike (:func:`add_procedure_options`…).
Options = Callable[[argparse.ArgumentParser], None]


def add_command(subparsers: Any, name: str, run: Callable[[argparse.Namespace], int], *,
                description: str, options: Sequence[Options] = ()) -> argparse.ArgumentParser:
    """The parser of the command ``name``: its help is its one-line summary in
    :data:`~deliberation.commands.COMMANDS` (what ``deliberation --help`` lists), and it runs
    ``run``. ``options`` add, in order, the arguments it shares with other commands (the
    procedure, settings, output…), so that each such argument is declared in one place."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=summary(name), description=description)
    for add in options:
        add(parser)
    parser.set_defaults(func=run)
    return parser


def add_procedure_options(parser: argparse.ArgumentParser) -> None:
    """The procedure (id or ``.yaml`` file), ``--lang`` and ``--path``: read by
    :func:`procedure_of`."""
    parser.add_argument("procedure", metavar="ID|FILE", help=N_("procedure id or .yaml file"))
    parser.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG,
                        help=N_("language of labels and messages (default zh-Hans)"))
    add_path_option(parser)


def procedure_of(args: argparse.Namespace) -> Procedure:
    """The procedure :func:`add_procedure_options` names, on the ``--path`` search path."""
    return load_ref(args.procedure, library_from(args))


def add_path_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--path",
        action="append",
        default=[],
        metavar="DIR",
        help=N_("add DIR to the procedure search path (for extends and ids); repeatable"),
    )


def library_from(args: argparse.Namespace) -> Library:
    """``--path`` directories, then ``DELIBERATION_PATH``, then the built-ins."""
    # Imported here for start-up speed: the loader brings the rules and the procedure model,
    # which commands that read no procedure (``case list``) never need.
    from deliberation.definition.loader import Library, env_path

    dirs = tuple(Path(p) for p in getattr(args, "path", []) or [])
    for d in dirs:
        if not d.is_dir():
            raise DeliberationError(_("--path {d}: not a folder").format(d=d))
    return Library(dirs + env_path())


def looks_like_path(ref: str) -> bool:
    # (os.path.isfile, not Path.is_file: a name the system cannot even look up, such as one
    # too long for it, is no file, where Path.is_file raises OSError on Python 3.11)
    return ref.endswith((".yaml", ".yml")) or "/" in ref or os.sep in ref or os.path.isfile(ref)


def load_ref(ref: str, library: Library) -> Procedure:
    """A procedure by id on ``library``'s search path, or from a file path."""
    from deliberation.definition.loader import load_file  # (lazy: start-up speed, as above)

    if looks_like_path(ref):
        return load_file(Path(ref), library=library)
    return library.load(ref)


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns, CJK-aware."""
    if not rows:
        return ""
    widths = [max(width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = [c + " " * (w - width(c)) for c, w in zip(r, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
