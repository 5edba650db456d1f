"""What a running service is configured with.

>>> ServiceSettings(db_url="sqlite:///v.db").max_body_bytes
1048576
"""

from __future__ import annotations

import attrs

from deliberation.store.location import DEFAULT_DB


@attrs.frozen
class ServiceSettings:
    """``db_url``: the store (SQLite file or PostgreSQL URL). ``max_body_bytes``: larger request
    bodies are refused with 413 before they are read. ``max_wait_s``: the longest a long-poll
    on the event feed may wait. ``clock_skew_s``: how far in the future a client's ``at`` may
    lie (clocks of phones and county servers disagree a little). ``keepalive_s``: seconds of
    quiet after which an open Server-Sent Events stream sends a comment line (proxies close
    connections that stay silent)."""

    db_url: str = DEFAULT_DB
    max_body_bytes: int = 1024 * 1024
    max_wait_s: float = 30.0
    clock_skew_s: float = 300.0
    keepalive_s: float = 15.0
