"""``deliberation diagram ID --format mermaid|dot|svg|png [--lang …] [--highlight STAGE]``.

Mermaid and dot are text and need nothing installed; SVG and PNG run Graphviz's ``dot`` (or,
for SVG, ``--engine builtin`` draws it in Python). ``--case CASE --db URL`` highlights where a
stored case stands.

    $ deliberation diagram six-deliberations-guzhuang --format mermaid --lang en
    $ deliberation diagram four-deliberations --format png --highlight review -o review.png
"""

from __future__ import annotations

import argparse
from typing import Any

from deliberation.cliparse import N_
from deliberation.commands._library import add_command, procedure_of
from deliberation.errors import DeliberationError
from deliberation.i18n import _
from deliberation.trainer.cli_support import (
    OUTPUT_OPTIONS,
    refuse_binary_on_terminal,
    settings_of,
    write_output,
)
from deliberation.trainer.diagram import FORMATS, render


def register(subparsers: Any) -> None:
    p = add_command(subparsers, "diagram", run,
                    description=N_("Draw a procedure: steps, the rules on each transition, routes "
                                   "and outcomes."),
                    options=OUTPUT_OPTIONS)
    p.add_argument("--format", choices=FORMATS, default="mermaid",
                   help=N_("mermaid (default) or dot as text; svg or png drawn by Graphviz"))
    p.add_argument("--highlight", metavar="STAGE", help=N_("highlight this stage (or outcome)"))
    p.add_argument("--engine", choices=("graphviz", "builtin"), default="graphviz",
                   help=N_("for svg: Graphviz (default) or the built-in drawing "
                           "(no Graphviz needed)"))
    p.add_argument("--case", metavar="CASE", help=N_("highlight where this stored case stands"))
    p.add_argument("--db", metavar="URL", help=N_("the case store, e.g. sqlite:///cases.db"))


def run(args: argparse.Namespace) -> int:
    # Before Graphviz runs: a PNG bound for the terminal is refused whether or not dot exists.
    refuse_binary_on_terminal(args.output, binary=args.format == "png")
    procedure = procedure_of(args)
    highlight = args.highlight
    overrides = settings_of(args, procedure)
    if args.case or args.db:
        if not (args.case and args.db):
            raise DeliberationError(
                _("--case and --db go together")
            )
        state, settings, proc_id = case_state(args.case, args.db)
        if proc_id != procedure.id:
            raise DeliberationError(
                _(
                    "case {case} runs under {proc_id}, not {id}",
                ).format(case=args.case, proc_id=proc_id, id=procedure.id)
            )
        highlight = highlight or state
        overrides = {**settings, **(overrides or {})} or None
    data = render(procedure, args.format, args.lang, highlight, overrides, engine=args.engine)
    write_output(data, args.output, binary=args.format == "png")
    return 0


def case_state(case_id: str, url: str) -> tuple[str, dict[str, Any], str]:
    """Where a stored case stands: its state, setting overrides and procedure id."""
    try:
        from deliberation.store import open_store
        from deliberation.store.cases import load_case
    except ImportError as err:  # the store is optional; say what is missing
        raise DeliberationError(
            _("the case store is not available: {err}").format(err=err)
        ) from None
    with open_store(url, readonly=True) as store:
        case = load_case(store, case_id)
        return case.state, dict(case.settings), case.procedure.id
