"""Where a disclosure may be posted: the built-in channels, with their names.

A procedure may declare more (``channels:`` in its file); a channel outside that vocabulary is
a lint error (D412) and an engine refusal.

>>> CHANNELS["notice-board"].get("zh-Hans")
'村务公开栏'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from deliberation.i18n import Text, Triple, _

CHANNELS: Final[Mapping[str, Text]] = {
    "notice-board": _("notice board"),
    "broadcast": _("broadcast"),
    "wechat-group": _("WeChat group"),
    "website": _("website"),
}


def channel_name(channel: str, extra: Mapping[str, Text] | None = None) -> Text:
    """The name of ``channel`` (a procedure's own first, then the built-ins; else the id)."""
    if extra and channel in extra:
        return extra[channel]
    return CHANNELS.get(channel) or Triple(channel, channel, channel)


__all__ = ["CHANNELS", "channel_name"]
