"""The one rule for the ids a platform names things by: cases, villages, rosters and procedures
as the service takes them in a URL or a body, and as ``case new --id`` takes a case id.

An id is 1 to 64 ASCII letters, digits, ``.``, ``_`` and ``-``, starting with a letter or a
digit: safe in a URL path, a file name and a shell, and the same for every client.

>>> check_case_id("road-2026")
'road-2026'
>>> check_case_id("路 1")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
deliberation.errors.DeliberationError: case id '路 1' is invalid: use 1 to 64 letters, ...
"""

from __future__ import annotations

import re
from typing import Final

from deliberation.errors import DeliberationError
from deliberation.i18n import _

_ID: Final = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
# For JSON Schema and the service's validation (ECMA/Rust regex: ``$`` is the very end).
ID_PATTERN: Final = f"^{_ID}$"
# For Python: ``\Z``, as Python's ``$`` also matches before a final newline ("road\n").
ID_RE: Final = re.compile(rf"\A{_ID}\Z")


def is_id(value: str) -> bool:
    """Whether ``value`` is an id under the rule."""
    return ID_RE.match(value) is not None


def check_case_id(case_id: str) -> str:
    """``case_id`` if it is an id under the rule; else a :class:`DeliberationError` saying so."""
    if is_id(case_id):
        return case_id
    raise DeliberationError(_(
        "case id {id!r} is invalid: use 1 to 64 letters, digits, '.', '_' and '-', starting "
        "with a letter or digit",
    ).format(id=case_id))
