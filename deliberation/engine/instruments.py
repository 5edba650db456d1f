"""Instruments: the document by which an authority above the village acts — who issued it,
its document number (文号) and the date it was issued. An order after adoption
(:mod:`deliberation.engine.after`) and an authority's decision at a gate
(:mod:`deliberation.engine.gates`) record one, read and checked here.

>>> from datetime import date
>>> dict(read_instrument({"issuer": "河底镇人民政府", "number": "河政字〔2026〕12号",
...                       "issued_on": "2026-04-02"}, date(2026, 4, 3)))
{'issuer': '河底镇人民政府', 'number': '河政字〔2026〕12号', 'issued_on': '2026-04-02'}
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from deliberation.errors import InvalidAction
from deliberation.frozen import FrozenDict
from deliberation.i18n import _


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if type(value) is not str or not value.strip():
        raise InvalidAction(_("the instrument must give its {key}").format(key=key))
    return value.strip()


def read_instrument(data: Mapping[str, Any], today: date) -> FrozenDict:
    """``{issuer, number, issued_on}`` from ``data``, refused (InvalidAction) when one is
    missing or blank, the date is not YYYY-MM-DD, or it is after ``today`` (the local day the
    instrument is recorded)."""
    issuer, number = _text(data, "issuer"), _text(data, "number")
    try:
        issued = date.fromisoformat(_text(data, "issued_on"))
    except ValueError:
        raise InvalidAction(_("the instrument's date must be YYYY-MM-DD")) from None
    if issued > today:
        raise InvalidAction(_(
            "the instrument is dated {on}, after the day it is recorded ({today})",
        ).format(on=issued.isoformat(), today=today.isoformat()))
    return FrozenDict(issuer=issuer, number=number, issued_on=issued.isoformat())


__all__ = ["read_instrument"]
