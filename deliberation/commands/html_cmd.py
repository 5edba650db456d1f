"""``deliberation html ID -o page.html [--lang …] [--matter TEXT]``: the offline trainer page.

One file with everything inlined (CSS, script, diagram, all three languages); open it in any
browser without a network, step through the procedure, try the numbers, print it as a handout.

    $ deliberation html six-deliberations-guzhuang -o liuyi.html --matter 修村道
"""

from __future__ import annotations

import argparse
from typing import Any

from deliberation.cliparse import N_
from deliberation.commands._library import add_command, procedure_of
from deliberation.trainer.cli_support import (
    OUTPUT_OPTIONS,
    add_matter_option,
    settings_of,
    write_output,
)
from deliberation.trainer.html_page import build_page


def register(subparsers: Any) -> None:
    add_command(subparsers, "html", run,
                description=N_("Write an offline HTML page: diagram, step-by-step mode, "
                               "language switch, a 'try it' panel for the rule numbers, "
                               "printable as a handout."),
                options=(*OUTPUT_OPTIONS, add_matter_option))


def run(args: argparse.Namespace) -> int:
    procedure = procedure_of(args)
    page = build_page(procedure, lang=args.lang, matter=args.matter,
                      overrides=settings_of(args, procedure))
    write_output(page.encode("utf-8"), args.output)
    return 0
