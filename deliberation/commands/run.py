"""``deliberation run SCENARIO.yaml [--json] [--lang LANG]``: apply a scenario's actions in order.

Reports, per action, accepted or refused (with rule ids and numbers), then the final state and
outcome. Exit 0 when the scenario ran (refused actions are outcomes, not failures); exit 2 with
located messages (file:line and YAML path) when the scenario file itself is invalid.

    $ deliberation run examples/scenarios/road-guzhuang.yaml --lang en
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from deliberation.cliparse import N_
from deliberation.commands._library import add_command
from deliberation.commands.run_report import format_report
from deliberation.engine.scenario import ScenarioError, load_scenario, run_scenario
from deliberation.i18n import LANGS


def register(subparsers: Any) -> None:
    p = add_command(subparsers, "run", run,
                    description=N_("Apply a scenario's timed actions to a new case and report each "
                                   "one."))
    p.add_argument("scenario", metavar="SCENARIO.yaml",
                   help=N_("a scenario file (docs/scenarios.md)"))
    p.add_argument("--json", action="store_true", help=N_("print the report as JSON"))
    p.add_argument("--lang", choices=LANGS, default="zh-Hans", help=N_("language of the report"))


def run(args: argparse.Namespace) -> int:
    try:
        report = run_scenario(load_scenario(args.scenario))
    except ScenarioError as err:
        for d in err.diagnostics:
            print(d.format(args.lang), file=sys.stderr)
        return 2
    if args.json:
        json.dump(report.to_data(), sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(format_report(report, args.lang))
    return 0
