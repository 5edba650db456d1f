"""``deliberation token create|list|revoke``: the service's bearer tokens.

    $ deliberation token create --role clerk --village guzhuang --label "村委会文书"
    $ deliberation token list
    $ deliberation token revoke 3f2a9c0d41b7e655

A token is printed once, on creation; the store keeps only a hash of it.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from deliberation.cliparse import N_
from deliberation.commands._library import table
from deliberation.commands._service import service_options, service_store
from deliberation.errors import DeliberationError
from deliberation.i18n import _, _p, as_written


def register(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "token", help=N_("create, list or revoke the service's bearer tokens"),
        description=N_("Bearer tokens for `deliberation serve`: a role within one village."))
    common = service_options()
    sub = p.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    c = sub.add_parser("create", help=N_("create a token (printed once)"), parents=[common])
    c.add_argument("--role", required=True, choices=("clerk", "auditor", "admin"),
                   help=N_("clerk: acts on the cases of its village; auditor: reads and "
                           "verifies; admin: also manages procedures and rosters"))
    c.add_argument("--village", required=True, help=N_("a village id, or '*' for every village"))
    c.add_argument("--label", default="", help=N_("whose token this is"))
    c.add_argument("--json", action="store_true", help=N_("print as JSON"))
    c.set_defaults(func=create)
    ls = sub.add_parser("list", help=N_("list tokens (never their secrets)"), parents=[common])
    ls.add_argument("--json", action="store_true", help=N_("print as JSON"))
    ls.set_defaults(func=list_)
    r = sub.add_parser("revoke", help=N_("revoke a token by id"), parents=[common])
    r.add_argument("token_id", metavar="TOKEN-ID",
                   help=N_("the token's id, as `token list` shows it"))
    r.set_defaults(func=revoke)


def create(args: argparse.Namespace) -> int:
    from deliberation.service.tokens import create_token

    with service_store(args) as store:
        issued = create_token(store, args.role, args.village, args.label)
    if args.json:
        print(json.dumps({"id": issued.token_id, "token": issued.token, "role": issued.role,
                          "village": issued.village, "label": issued.label}))
    else:
        print(issued.token)
        note = _(
            "token {token_id} ({role}, {village}): shown only once; keep it safe",
        ).format(token_id=as_written(issued.token_id), role=as_written(issued.role),
                 village=as_written(issued.village))
        print(note.get(args.lang), file=sys.stderr)
    return 0


def list_(args: argparse.Namespace) -> int:
    from deliberation.service.tokens import list_tokens

    with service_store(args) as store:
        tokens = list_tokens(store)
    if args.json:
        print(json.dumps(tokens, ensure_ascii=False, indent=2))
        return 0
    lang = args.lang
    if not tokens:
        print(_("no tokens yet: make one with {command}").format(command=as_written(
            "deliberation token create --role clerk --village VILLAGE")).get(lang))
        return 0
    rows = [[h.get(lang) for h in _HEAD]]
    for t in tokens:
        state = (_("revoked {at}").format(at=str(t["revoked_at"])[:16]) if t["revoked_at"]
                 else _p("commands.token", "valid"))
        rows.append([as_written(str(t[k])).get(lang) for k in ("id", "role", "village")]
                    + [state.get(lang), str(t["label"] or "")])
    print(table(rows))
    return 0


_HEAD = (_("token"), _("role"), _("village"), _("state"), _("label"))


def revoke(args: argparse.Namespace) -> int:
    from deliberation.service.tokens import revoke_token

    with service_store(args) as store:
        if not revoke_token(store, args.token_id):
            raise DeliberationError(_("no live token {token_id!r}").format(token_id=args.token_id))
    print(_("token {token_id} revoked").format(token_id=as_written(args.token_id))
          .get(args.lang))
    return 0
