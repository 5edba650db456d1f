"""The three fields of a stored record that verify compares with its row (``seq``, ``case``,
``kind``), decoded without building the rest of the record: msgspec skips ``data``, ``result``
and the signatures, which :func:`json.loads` would build (it cost more than the hashing).

Imported by :func:`deliberation.store.core.check_chain` when a chain is checked, not with the
store: msgspec is a tenth of a command's start-up, and only ``verify`` and the archive need it.

>>> head = decode_head('{"seq": 2, "case": "c1", "kind": "motion", "data": {"text": "修村道"}}')
>>> head.seq, head.case, head.kind
(2, 'c1', 'motion')
"""

from __future__ import annotations

from typing import Any, Final

import msgspec


class Head(msgspec.Struct):
    """The fields of a stored record that verify compares with its row."""

    seq: Any
    case: Any
    kind: Any


decode_head: Final = msgspec.json.Decoder(Head).decode

# What decode_head raises for bytes that are not such a record.
Unreadable: Final = msgspec.MsgspecError

__all__ = ["Head", "Unreadable", "decode_head"]
