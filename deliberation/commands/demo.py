"""``deliberation demo [ID] [--lang LANG] [--db PATH | --no-store]``: the narrated walkthrough.

A 固庄-sized village takes a village-road project through every step of the procedure
(default 六议两公开), with each rule check and one refused action put right.
"""

from __future__ import annotations

import argparse
from typing import Any

from deliberation.cliparse import N_
from deliberation.commands._library import add_command
from deliberation.errors import DeliberationError
from deliberation.i18n import DEFAULT_LANG, LANGS, _
from deliberation.trainer.demo import run_demo


def register(subparsers: Any) -> None:
    p = add_command(subparsers, "demo", run,
                    description=N_(
                        "Take a village-road project through every step of a procedure."))
    p.add_argument("procedure", nargs="?", default="six-deliberations-guzhuang", metavar="ID",
                   help=N_("procedure id (default %(default)s)"))
    p.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG,
                   help=N_("language of labels and messages (default zh-Hans)"))
    p.add_argument("--db", default="deliberation-demo.sqlite",
                   help=N_("SQLite file to store the case in (default: %(default)s)"))
    p.add_argument("--no-store", action="store_true", help=N_("keep the case in memory only"))


def run(args: argparse.Namespace) -> int:
    db = args.db
    if not args.no_store:
        db = _sqlite_path(db)
        # Open it first: a file that is not a store is refused before the demo runs, rather
        # than the demo ending with "kept in memory only" and exit 0.
        from deliberation.store import open_store  # loaded only when used: start-up speed

        open_store(f"sqlite:///{db}").close()
    run_demo(args.procedure, lang=args.lang, db=db, store=not args.no_store)
    return 0


def _sqlite_path(db: str) -> str:
    """The demo stores in a local SQLite file: a path, or ``sqlite:///path``."""
    if db.startswith("sqlite:///"):
        return db[len("sqlite:///"):]
    if "://" in db or db.startswith("sqlite:"):
        raise DeliberationError(_(
            "--db {value}: the demo stores in a local SQLite file (e.g. demo.sqlite); use case new "
            "for other stores",
        ).format(value=db.split('@')[-1]))
    return db
