"""``deliberation procedure add|list``: procedures uploaded to the service's database, as an
admin would post them to ``/v1/procedures``.

    $ deliberation procedure add our-village.yaml --db postgresql://…/deliberation
    $ deliberation procedure list --db postgresql://…/deliberation

The file is checked first (every problem with file:line:column, nothing stored); a clean one is
stored with the SHA-256 of its text, which the cases opened under it bind.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from deliberation.cliparse import N_
from deliberation.commands._service import service_options, service_store
from deliberation.diagnostics import Diagnostic
from deliberation.errors import DefinitionError
from deliberation.i18n import _
from deliberation.yamlsource import read_text_file


def register(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "procedure", help=N_("add procedures to the service's database, or list them"),
        description=N_("Procedures uploaded to the service (as POST /v1/procedures does)."))
    common = service_options()
    common.add_argument("--json", action="store_true", help=N_("print as JSON"))
    sub = p.add_subparsers(dest="procedure_command", metavar="ACTION", required=True)
    a = sub.add_parser("add", help=N_("check a procedure file and store it"), parents=[common])
    a.add_argument("file", type=Path, metavar="FILE", help=N_("the procedure's .yaml file"))
    a.add_argument("--village", default="*",
                   help=N_("the village that uploads it (default: '*', the operator)"))
    a.set_defaults(func=add)
    ls = sub.add_parser("list", help=N_("list the uploaded procedures"), parents=[common])
    ls.set_defaults(func=list_)


def add(args: argparse.Namespace) -> int:
    from deliberation.service.procedures import add_procedure

    text = read_text_file(args.file)
    if isinstance(text, Diagnostic):
        raise DefinitionError([text])
    with service_store(args) as store:
        added = add_procedure(store, text, args.village, str(args.file))
    row = added.stored
    if args.json:
        print(json.dumps({"id": row.procedure_id, "version": row.version,
                          "content_hash": row.content_hash, "created": added.created}))
        return 0
    message = (_("stored {id} version {version} (sha256 {hash})") if added.created else
               _("{id} version {version} is stored already (sha256 {hash})"))
    print(message.format(id=row.procedure_id, version=row.version,
                         hash=row.content_hash).get(args.lang))
    return 0


def list_(args: argparse.Namespace) -> int:
    from deliberation.service.procedures import stored_procedures

    with service_store(args) as store:
        rows = stored_procedures(store)
    if args.json:
        print(json.dumps([{"id": r.procedure_id, "version": r.version,
                           "content_hash": r.content_hash, "village": r.village,
                           "created_at": r.created_at} for r in rows], indent=2))
        return 0
    for r in rows:
        print(f"{r.procedure_id}  {r.version}  {r.content_hash[:16]}  {r.village}  {r.created_at}")
    return 0
