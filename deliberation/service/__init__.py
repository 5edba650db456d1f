"""The HTTP/JSON service: ``deliberation serve`` puts the store and the engine behind an API that
platforms written in any language can call (see ``docs/service.md``).

The app is built by :func:`deliberation.service.app.create_app`; its modules each do one job:
``settings`` (configuration), ``lang`` (Accept-Language), ``problems`` (RFC 9457 errors),
``db`` (the service's own tables beside the store's), ``tokens`` and ``auth`` (bearer tokens and
roles), ``feed`` (the ordered event feed), ``idempotency``, ``acting`` (one action on a stored
case), ``views`` (JSON shapes) and ``resources`` (the HTTP routes).
"""
