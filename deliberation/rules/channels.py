"""Where a disclosure may be posted: the built-in channels, with their names.

A procedure may declare more (``channels:`` in its file); a channel outside that vocabulary is
a lint error (D412) and an engine refusal.

>>> CHANNELS["notice-board"].get("zh-Hans")
'村务公开栏'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from deliberation.i18n import T, Text

CHANNELS: Final[Mapping[str, Text]] = {
    "notice-board": T("村务公开栏", "村務公開欄", "notice board"),
    "broadcast": T("广播", "廣播", "broadcast"),
    "wechat-group": T("微信群", "微信群組", "WeChat group"),
    "website": T("网站", "網站", "website"),
}


def channel_name(channel: str, extra: Mapping[str, Text] | None = None) -> Text:
    """The name of ``channel`` (a procedure's own first, then the built-ins; else the id)."""
    if extra and channel in extra:
        return extra[channel]
    return CHANNELS.get(channel) or Text(channel, channel, channel)


__all__ = ["CHANNELS", "channel_name"]
