"""``deliberation paths ID|FILE``: every path a matter can take, grouped by how it ends.

Derived from the definition (:mod:`deliberation.analysis.paths`): each group names the stage,
what happened there, the rule behind it, the route and the outcome, with its number of paths;
loops bounded by ``max_rounds`` are unrolled, loops the definition does not bound are listed
once. ``--simulate`` adds each group's probability under the parameters ``simulate`` takes.

    $ deliberation paths four-deliberations --lang en
    $ deliberation paths six-deliberations-guzhuang --format json
    $ deliberation paths four-deliberations --simulate --runs 20000 --set party_away_share=0.5
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from deliberation.analysis.paths import PathTooLong, TooManyPaths, derive_paths
from deliberation.analysis.paths_render import FORMATS, to_data, to_mermaid, to_text
from deliberation.cliparse import N_
from deliberation.commands._library import add_command, add_procedure_options, procedure_of
from deliberation.errors import DeliberationError
from deliberation.i18n import _
from deliberation.safetext import printable


def register(subparsers: Any) -> None:
    p = add_command(subparsers, "paths", run,
                    description=N_("Every path a matter can take from opening to each outcome, "
                                   "grouped by where and why it ends, counted; --simulate adds "
                                   "each group's probability."),
                    options=(add_procedure_options,))
    p.add_argument("--format", choices=FORMATS, default="text",
                   help=N_("text (default), json or mermaid (a flowchart of the paths)"))
    p.add_argument("--setting", dest="settings", action="append", default=[],
                   metavar="ID=VALUE", help=N_("a procedure setting, e.g. "
                   "one-person-both-chairs=true (as simulate takes it)"))
    sim = p.add_argument_group(
        N_("simulation (--simulate; parameters as simulate takes them)"))
    sim.add_argument("--simulate", action="store_true",
                     help=N_("add each group's probability from simulated runs"))
    sim.add_argument("--runs", type=int, default=10_000,
                     help=N_("simulated runs (default %(default)s)"))
    sim.add_argument("--seed", type=int, default=0,
                     help=N_("random seed (default %(default)s): the same seed gives the same "
                             "runs"))
    sim.add_argument("--set", dest="params", action="append", default=[], metavar="NAME=VALUE",
                     help=N_("a village/behaviour parameter, e.g. party_away_share=0.5"))
    sim.add_argument("--sim-path", dest="sim_path", choices=("vectorised", "engine"),
                     default="vectorised", help=N_("the simulation path"))


def run(args: argparse.Namespace) -> int:
    # simulate's own reading of --set and --setting (its parameters are light attrs records;
    # NumPy and pandas load only when a simulation runs)
    from deliberation.commands.simulate import SimulateInputError, build_params
    from deliberation.engine.plan import normalise_settings

    procedure = procedure_of(args)
    if args.params and not args.simulate:
        raise SimulateInputError(_("--set goes with --simulate"))
    params = build_params(args)
    settings = normalise_settings(procedure, dict(params.settings))
    try:
        analysis = derive_paths(procedure, settings)
    except PathTooLong as err:
        raise DeliberationError(_("a path longer than {n} steps: too long to enumerate").format(
                                      n=err.limit)) from None
    except TooManyPaths as err:
        raise DeliberationError(_("too many paths (over {n}) to enumerate").format(
                                      n=err.limit)) from None
    shares = _simulate(analysis, params, args) if args.simulate else None
    if args.format == "json":
        print(json.dumps(to_data(analysis, shares), ensure_ascii=False, indent=2))
    elif args.format == "mermaid":
        print(to_mermaid(analysis, args.lang, shares), end="")
    else:
        print(printable(to_text(analysis, args.lang, shares)))
    return 0


def _simulate(analysis: Any, params: Any, args: argparse.Namespace) -> Any:
    from deliberation.commands.simulate import SimulateInputError

    if args.runs < 1:
        raise SimulateInputError(_("--runs must be positive"))
    try:
        # Imported here, only when asked: NumPy and pandas are slow to load (start-up speed).
        from deliberation.analysis.paths_sim import simulate_groups
    except ImportError:
        raise SimulateInputError(_(
            "simulation needs the sim extra: pip install 'deliberation[sim]'",
        )) from None
    try:
        return simulate_groups(analysis, params, args.runs, args.seed, args.sim_path)
    except (ValueError, KeyError) as err:
        raise SimulateInputError(_("cannot simulate: {err}").format(err=err)) from None
