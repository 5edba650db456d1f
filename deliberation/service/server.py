"""Running the app under uvicorn: :func:`app_from_env` is the factory each worker process calls
(workers are separate processes, so the settings travel in the environment).

>>> import os
>>> os.environ["DELIBERATION_DB"] = "sqlite:///:memory:"
>>> app_from_env().title
'deliberation'
"""

from __future__ import annotations

import os
from typing import Final

from fastapi import FastAPI

from deliberation.service.app import create_app
from deliberation.service.settings import ServiceSettings
from deliberation.store.location import ENV_DB, default_db

ENV_MAX_BODY: Final = "DELIBERATION_MAX_BODY"
ENV_KEEPALIVE: Final = "DELIBERATION_KEEPALIVE"


def app_from_env() -> FastAPI:
    """The app for ``$DELIBERATION_DB`` (``$DELIBERATION_MAX_BODY`` bytes, and
    ``$DELIBERATION_KEEPALIVE`` seconds between keep-alive comments of event streams)."""
    return create_app(ServiceSettings(
        db_url=default_db(),
        max_body_bytes=int(os.environ.get(ENV_MAX_BODY, str(1024 * 1024))),
        keepalive_s=float(os.environ.get(ENV_KEEPALIVE, "15")),
    ))


def serve(db: str, host: str, port: int, workers: int, max_body: int,
          log_level: str = "info", keepalive: float = 15.0) -> None:
    """Run the service until interrupted (blocking)."""
    import uvicorn

    os.environ[ENV_DB] = db
    os.environ[ENV_MAX_BODY] = str(max_body)
    os.environ[ENV_KEEPALIVE] = str(keepalive)
    uvicorn.run("deliberation.service.server:app_from_env", factory=True, host=host, port=port,
                workers=workers if workers > 1 else None, log_level=log_level,
                # behind a reverse proxy, trust its X-Forwarded-* only from itself (see docs)
                proxy_headers=True, server_header=False)
