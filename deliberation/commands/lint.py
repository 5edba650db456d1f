"""``deliberation lint PATH...``: check procedure files and report every problem at once.

Exit 0 when every file is clean, 1 when there are diagnostics. A PATH is a file, a folder (its
``*.yaml``/``*.yml`` files, recursively) or a procedure id on the search path.

    $ deliberation lint procedures/
    ok: 2 file(s) checked
    $ deliberation lint --format json my-village.yaml
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from deliberation.cliparse import N_
from deliberation.commands._library import (
    add_command,
    add_path_option,
    library_from,
    looks_like_path,
)
from deliberation.definition.loader import Library, check_text
from deliberation.diagnostics import Diagnostic
from deliberation.errors import DeliberationError
from deliberation.i18n import LANGS, _, as_written, quoted
from deliberation.yamlsource import read_text_file


def register(subparsers: Any) -> None:
    p = add_command(subparsers, "lint", run,
                    description=N_("Check procedure YAML files (or folders of them, or ids on the "
                                   "search path). Exit 0 when clean, 1 with diagnostics."),
                    options=(add_path_option,))
    p.add_argument("paths", nargs="+", metavar="PATH", help=N_("file, folder or procedure id"))
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=N_("text for people (default) or json for programs"))
    p.add_argument("--lang", choices=LANGS, default="en",
                   help=N_("language of the diagnostics, their hints and the summary"))


def files_of(ref: str, library: Library) -> tuple[list[Path], list[Diagnostic]]:
    """The files a PATH argument names, or a diagnostic saying it names nothing."""
    path = Path(ref)
    # (os.path's tests: a name the system cannot look up, such as one too long, is neither)
    if os.path.isdir(ref):
        found = sorted(f for f in path.rglob("*") if f.suffix in (".yaml", ".yml") and f.is_file())
        return found, []
    if os.path.isfile(ref):
        return [path], []
    if not looks_like_path(ref):
        try:
            return [library.path_of(ref)], []
        except DeliberationError:
            pass
    return [], [
        Diagnostic(
            "D100",
            _("no such file, folder or procedure id"),
            ref,
            1,
            1,
            "",
            _("give a .yaml file, a folder, or an id that {command} shows").format(
                command=quoted("deliberation list")),
        )
    ]


def lint_file(path: Path, library: Library) -> list[Diagnostic]:
    """Every diagnostic for one file (never raises for a bad file)."""
    name = str(path)
    text = read_text_file(path)
    if isinstance(text, Diagnostic):
        return [text]
    try:
        return check_text(text, name, library)[1]
    except Exception as err:  # a checker bug must be reported, never a traceback
        return [
            Diagnostic(
                "D900",
                _("internal error while checking: {error}").format(
                    error=as_written(f"{type(err).__name__}: {err}")),
                name,
                0,
                0,
                "",
                "please report this with the file",
            )
        ]


def run(args: argparse.Namespace) -> int:
    library = library_from(args)
    diagnostics: list[Diagnostic] = []
    files: list[Path] = []
    for ref in args.paths:
        found, problems = files_of(ref, library)
        files += found
        diagnostics += problems
    for f in files:
        diagnostics += lint_file(f, library)
    if args.format == "json":
        payload = {
            "ok": not diagnostics,
            "files": [str(f) for f in files],
            "diagnostics": [d.to_data(args.lang) for d in diagnostics],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for d in diagnostics:
            print(d.format(args.lang))
        summary = (
            _("{n} problem(s) in {m} file(s) checked")
            if diagnostics
            else _("ok: {m} file(s) checked")
        )
        print(
            summary.format(n=len(diagnostics), m=len(files)).get(args.lang),
            file=sys.stderr if diagnostics else sys.stdout,
        )
    return 1 if diagnostics else 0
