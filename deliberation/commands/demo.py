"""``deliberation demo [ID] [--lang LANG] [--db PATH | --no-store]``: the narrated walkthrough.

A 固庄-sized village takes a village-road project through every step of the procedure
(default 六议两公开), with each rule check and one refused action put right.
"""

from __future__ import annotations

import argparse
from typing import Any

from deliberation.i18n import DEFAULT_LANG, LANGS
from deliberation.trainer.demo import run_demo


def register(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "demo",
        help="narrated demo: a village road through every step, with a refused vote put right",
        description="Take a village-road project through every step of a procedure.",
    )
    p.add_argument("procedure", nargs="?", default="six-deliberations-guzhuang", metavar="ID")
    p.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG)
    p.add_argument("--db", default="deliberation-demo.sqlite",
                   help="SQLite file to store the case in (default: %(default)s)")
    p.add_argument("--no-store", action="store_true", help="keep the case in memory only")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    run_demo(args.procedure, lang=args.lang, db=args.db, store=not args.no_store)
    return 0
