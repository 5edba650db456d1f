"""``deliberation serve [--db URL] [--host 127.0.0.1] [--port 8000] [--workers N]``: run the
HTTP/JSON service (OpenAPI at ``/openapi.json``, interactive docs at ``/docs``).

    $ deliberation serve --db postgresql://deliberation@localhost/village --workers 2

See ``docs/service.md``. Needs the ``service`` extra: ``pip install 'deliberation[service]'``.
"""

from __future__ import annotations

import argparse
import socket
from typing import Any

from deliberation.cliparse import N_
from deliberation.commands._library import add_command
from deliberation.errors import DeliberationError
from deliberation.i18n import _
from deliberation.rules.calendars import working_calendar
from deliberation.store.location import default_db


def register(subparsers: Any) -> None:
    p = add_command(subparsers, "serve", run,
                    description=N_("Serve cases, procedures and rosters over HTTP (OpenAPI at "
                                   "/openapi.json)."))
    p.add_argument("--db", default=default_db(),
                   help=N_("store URL: sqlite:///FILE or postgresql://… (default: %(default)s)"))
    p.add_argument("--host", default="127.0.0.1", help=N_("address to listen on"))
    p.add_argument("--port", type=int, default=8000, help=N_("port to listen on"))
    p.add_argument("--workers", type=int, default=1,
                   help=N_("worker processes (use PostgreSQL for more than one)"))
    p.add_argument("--max-body", type=int, default=1024 * 1024, metavar="BYTES",
                   help=N_("largest request body accepted (default: 1 MiB)"))
    p.add_argument("--keepalive", type=float, default=15.0, metavar="SECONDS",
                   help=N_("seconds of quiet before an event stream sends a keep-alive comment "
                           "(default: %(default)s)"))
    p.add_argument("--log-level", default="info",
                   choices=("critical", "error", "warning", "info", "debug"),
                   help=N_("the server's log level (default %(default)s)"))


def run(args: argparse.Namespace) -> int:
    if (args.workers < 1 or not 0 < args.port < 65536 or args.max_body < 1
            or not 0.1 <= args.keepalive <= 3600):
        raise DeliberationError(_("--workers, --port, --max-body or --keepalive is out of range"))
    try:
        # Imported here: the web stack is an optional extra and slow to import.
        from deliberation.service.server import serve
    except ImportError:
        raise DeliberationError(_(
            "the service needs the service extra: pip install 'deliberation[service]'",
        ),
        ) from None
    # Open (and migrate) the store once here so a bad URL is a clear message, not a traceback
    # in every worker.
    from deliberation.service.db import open_service_store

    open_service_store(args.db).close()
    # Likewise the holiday tables of DELIBERATION_HOLIDAYS: a broken file is refused at start,
    # not at the first request that counts days.
    working_calendar()
    _check_address(args.host, args.port)
    serve(args.db, args.host, args.port, args.workers, args.max_body, args.log_level,
          args.keepalive)
    return 0


def _check_address(host: str, port: int) -> None:
    """Refuse, in one line, an address this machine cannot listen on (a port in use, a host it
    does not have), which the server would report in several log lines and exit 3."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
            probe.bind(address)
    except OSError as err:
        raise DeliberationError(_("cannot listen on {host} port {port}: {reason}").format(
            host=host, port=port, reason=err.strerror or str(err))) from None
