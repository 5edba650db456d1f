"""Where a command or the service finds its store when none is named: ``$DELIBERATION_DB``,
else ``deliberation.db`` (SQLite) in the current folder.

>>> DEFAULT_DB
'sqlite:///deliberation.db'
"""

from __future__ import annotations

import os
from typing import Final

ENV_DB: Final = "DELIBERATION_DB"
DEFAULT_DB: Final = "sqlite:///deliberation.db"


def default_db() -> str:
    """The store URL to use when none is given: ``$DELIBERATION_DB``, else :data:`DEFAULT_DB`."""
    return os.environ.get(ENV_DB, DEFAULT_DB)


__all__ = ["DEFAULT_DB", "ENV_DB", "default_db"]
