"""``deliberation diff A B``: what procedure B changes against procedure A, in governance terms.

Stages added, removed or moved; bodies; every rule in its own words and numbers (thresholds,
days, channels, signatures, consultation); settings and their defaults; outcomes, supervision,
withdrawal, escalation; legal basis. Text in zh-Hans, zh-Hant or en, or JSON
(``deliberation/schema/diff.v1.schema.json``). A and B are ids or ``.yaml`` files, as for
``show``; the exit code is 0 either way (a diff is an answer, not a failure).

    $ deliberation diff four-deliberations six-deliberations-guzhuang --lang en
    $ deliberation diff four-deliberations my-village.yaml --format json
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from deliberation.analysis.diff import diff
from deliberation.analysis.diff_render import FORMATS, to_data, to_text
from deliberation.cliparse import N_
from deliberation.commands._library import add_command, add_path_option, library_from, load_ref
from deliberation.i18n import DEFAULT_LANG, LANGS
from deliberation.safetext import printable


def register(subparsers: Any) -> None:
    p = add_command(subparsers, "diff", run,
                    description=N_("What procedure B changes against procedure A (ids or .yaml "
                                   "files): stages, bodies, thresholds, consultation, signatures, "
                                   "disclosure, settings, legal basis."))
    for side in ("a", "b"):
        p.add_argument(side, metavar=side.upper(), help=N_("procedure id or .yaml file"))
    p.add_argument("--format", choices=FORMATS, default="text",
                   help=N_("text for people (default) or json for programs"))
    p.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG,
                   help=N_("language of labels and messages (default zh-Hans)"))
    add_path_option(p)


def run(args: argparse.Namespace) -> int:
    library = library_from(args)
    a = load_ref(args.a, library)
    b = load_ref(args.b, library)
    d = diff(a, b)
    if args.format == "json":
        print(json.dumps(to_data(d), ensure_ascii=False, indent=2))
    else:
        print(printable(to_text(d, args.lang)))
    return 0
