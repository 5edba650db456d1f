"""``deliberation list``: the procedures on the search path (id, name, version, locality, extends).

$ deliberation list --lang en
id                          name                                    version  locality    extends
four-deliberations          Four deliberations and two disclosures  1.0      nationwide  -
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from deliberation.cliparse import N_
from deliberation.commands._library import add_command, add_path_option, library_from, table
from deliberation.definition.localities import locality_label
from deliberation.errors import DefinitionError
from deliberation.i18n import DEFAULT_LANG, LANGS, _


def register(subparsers: Any) -> None:
    p = add_command(subparsers, "list", run,
                    description=N_("List the procedures on the search path: the built-ins, "
                                   "DELIBERATION_PATH and any --path folders."))
    p.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG,
                   help=N_("language of labels and messages (default zh-Hans)"))
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help=N_("text for people (default) or json for programs"))
    add_path_option(p)


_HEAD = (
    _("id"),
    _("name"),
    _("version"),
    _("locality"),
    _("extends"),
    _("file"),
)
_INVALID = _("invalid ({n} problem(s); run lint)")


def run(args: argparse.Namespace) -> int:
    library = library_from(args)
    rows: list[dict[str, Any]] = []
    for pid in library.ids():
        path = library.path_of(pid)
        try:
            p = library.load(pid)
        except DefinitionError as err:
            rows.append(
                {"id": pid, "file": str(path), "valid": False, "problems": len(err.diagnostics)}
            )
            continue
        rows.append(
            {
                "id": p.id,
                "name": p.name.get(args.lang),
                "version": p.version,
                "locality": p.locality,
                "extends": p.extends,
                "file": str(path),
                "valid": True,
                "stages": [s.id for s in p.stages],
            }
        )
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    lines = [[h.get(args.lang) for h in _HEAD]]
    for r in rows:
        if r["valid"]:
            lines.append(
                [r["id"], r["name"], r["version"], locality_label(r["locality"]).get(args.lang),
                 r["extends"] or "-", r["file"]]
            )
        else:
            lines.append(
                [r["id"], _INVALID.format(n=r["problems"]).get(args.lang), "", "", "", r["file"]]
            )
    print(table(lines))
    return 0
