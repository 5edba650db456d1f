"""Command-line subcommands, one module each, imported only when their command runs.

:data:`COMMANDS` names each command, its module and its one-line summary, so that
``deliberation --help`` lists them all without importing any (start-up speed).

A module exposes ``register(subparsers)``; a command with subcommands may also expose
``register_chosen(subparsers, words)``, given the words after the command's name when it is the
command being run, to build only the subcommand they name (start-up speed again).
"""

from __future__ import annotations

from deliberation.cliparse import N_

TYPE_CHECKING = False  # typing for the checker only (see deliberation/__init__.py)
if TYPE_CHECKING:
    from typing import Final

# In the order of ``deliberation --help``.
COMMANDS: Final[dict[str, tuple[str, str]]] = {
    "lint": (
        "deliberation.commands.lint",
        N_("check procedure files; every problem with file:line:column and a code"),
    ),
    "list": (
        "deliberation.commands.list_cmd",
        N_("list the procedures on the search path"),
    ),
    "show": (
        "deliberation.commands.show",
        N_("show a procedure's steps, rules, records and settings"),
    ),
    "simulate": (
        "deliberation.commands.simulate",
        N_("Monte Carlo runs of a procedure in a simulated village"),
    ),
    "compare": (
        "deliberation.commands.simulate",
        N_("procedures side by side on the same villages and seeds"),
    ),
    "paths": (
        "deliberation.commands.paths",
        N_("every path a matter can take, grouped by where and why it ends "
           "(--simulate: how often)"),
    ),
    "diff": (
        "deliberation.commands.diff",
        N_("what one procedure changes against another, in governance terms"),
    ),
    "case": (
        "deliberation.commands.case",
        N_("run a durable case step by step (new, act, show, log, verify, export, list)"),
    ),
    "roster": (
        "deliberation.commands.roster",
        N_("village rosters: check a roster file (docs/roster.md)"),
    ),
    "run": (
        "deliberation.commands.run",
        N_("run a scenario file: each action accepted or refused, then the outcome"),
    ),
    "demo": (
        "deliberation.commands.demo",
        N_("narrated demo: a village road through every step, with a refused vote put right"),
    ),
    "walk": (
        "deliberation.commands.walk",
        N_("walk through a procedure step by step on a sample village (for trainers)"),
    ),
    "diagram": (
        "deliberation.commands.diagram",
        N_("draw a procedure as Mermaid, dot, SVG or PNG"),
    ),
    "html": (
        "deliberation.commands.html_cmd",
        N_("write a self-contained HTML page (works offline) for trainers"),
    ),
    "serve": (
        "deliberation.commands.serve",
        N_("run the HTTP/JSON service for platforms in any language"),
    ),
    "token": (
        "deliberation.commands.token",
        N_("create, list or revoke the service's bearer tokens"),
    ),
    "procedure": (
        "deliberation.commands.procedure",
        N_("add procedures to the service's database, or list them"),
    ),
}


def summary(command: str) -> str:
    """The one-line help of ``command`` (what ``deliberation --help`` prints)."""
    return COMMANDS[command][1]
