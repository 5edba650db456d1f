"""What the commands on the service's database share (``procedure``, ``token``): their ``--db``
and ``--lang`` options, and opening that database as the service does.

>>> service_options().parse_args(["--db", "sqlite:///village.db", "--lang", "en"]).db
'sqlite:///village.db'
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from deliberation.cliparse import N_
from deliberation.i18n import LANGS
from deliberation.store.location import default_db

if TYPE_CHECKING:
    from deliberation.store import Store


def service_options() -> argparse.ArgumentParser:
    """A parent parser of every subcommand: ``--db`` (the store URL) and ``--lang``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=default_db(),
                        help=N_("store URL (default: %(default)s)"))
    common.add_argument("--lang", choices=LANGS, default="zh-Hans", help=N_("language of messages"))
    return common


def service_store(args: argparse.Namespace) -> Store:
    """The store at ``--db`` with the service's tables in place."""
    # imported when a subcommand runs, not when the parser is built (start-up speed)
    from deliberation.service.db import open_service_store

    return open_service_store(args.db)
