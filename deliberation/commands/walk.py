"""``deliberation walk ID [--lang …] [--script FILE]``: rehearse a procedure on a sample village.

Interactive at a terminal (plain prompts); with ``--script FILE`` (one command per line, ``#``
comments) or when stdin is not a terminal, it runs the commands and prints the same session,
for rehearsals and tests. Type ``help`` for the commands.

    $ deliberation walk six-deliberations-guzhuang --lang en
    $ deliberation walk six-deliberations-guzhuang --script rehearsal.txt --lang zh-Hant
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from deliberation.cliparse import N_
from deliberation.commands._library import add_command, procedure_of
from deliberation.errors import DeliberationError
from deliberation.i18n import _
from deliberation.trainer.cli_support import PROCEDURE_OPTIONS, add_matter_option, parse_settings
from deliberation.trainer.walk import run_walk


def register(subparsers: Any) -> None:
    p = add_command(subparsers, "walk", run,
                    description=N_("An interactive walkthrough: each step's actor, rules, records "
                                   "and basis; try actions and see refusals explained. Scriptable "
                                   "with --script or a pipe."),
                    options=(*PROCEDURE_OPTIONS, add_matter_option))
    p.add_argument("--script", metavar="FILE", help=N_("run the commands in FILE (one per line)"))


def run(args: argparse.Namespace) -> int:
    procedure = procedure_of(args)
    settings = parse_settings(args.set) or None
    if args.script:
        try:
            lines = Path(args.script).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise DeliberationError(
                _("cannot read the script {script}: {err}").format(script=args.script, err=err)
            ) from None
        return run_walk(procedure, lines, lang=args.lang, matter=args.matter, settings=settings)
    if not sys.stdin.isatty():
        return run_walk(procedure, sys.stdin, lang=args.lang, matter=args.matter,
                        settings=settings)
    return run_walk(procedure, None, lang=args.lang, matter=args.matter, settings=settings)
