"""The register (:mod:`deliberation.store.register`) as one self-contained, printable HTML page.

Drawn from the ``register.html`` template with autoescaping: labels, names and matter texts
from files are text, never markup.

>>> from deliberation.roster import Roster
>>> from deliberation.store import open_store
>>> from deliberation.store.archive import archive_data
>>> from deliberation.store.cases import new_case
>>> store = open_store("sqlite:///:memory:")
>>> case = new_case(store, "four-deliberations", Roster.generate(), matter="<b>修村道</b>")
>>> page = register_html(archive_data(store, case.id), lang="zh-Hant")
>>> "&lt;b&gt;修村道&lt;/b&gt;" in page, "<b>修村道" in page
(True, False)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deliberation.definition.loader import Library
from deliberation.definition.model import Procedure
from deliberation.store.register import build_register
from deliberation.templating import render


def register_html(data: Mapping[str, Any], *, lang: str = "zh-Hans",
                  library: Library | None = None, procedure: Procedure | None = None) -> str:
    """The register of the archive ``data`` as HTML in ``lang`` (``procedure``, ``library``:
    the case's procedure or where it is found, see :func:`build_register`)."""
    return render("register.html", reg=build_register(data, lang=lang, library=library,
                                                      procedure=procedure))


__all__ = ["register_html"]
