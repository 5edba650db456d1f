"""``deliberation roster check FILE``: read a roster strictly and report every problem at once.

Each problem is printed as ``file:line:col: CODE column-or-path: message (hint: …)`` in the
chosen language, then a summary. Exit 0 when the roster is clean, 1 when it has problems, 2 when
the file cannot be used at all (missing, not UTF-8, not CSV or YAML, empty, not a roster:
R1xx codes).

    $ deliberation roster check village.csv --lang en     # or --format json
    ok: village.csv: 3 household(s), 5 people (4 adults), 2 Party member(s), …
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from deliberation.cliparse import N_
from deliberation.i18n import LANGS, Lang, Text, _
from deliberation.roster import Roster
from deliberation.roster.files import read_file


def register(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "roster", help=N_("village rosters: check a roster file (docs/roster.md)"),
        description=N_("Village rosters (CSV or YAML; the format is in docs/roster.md)."),
    )
    sub = p.add_subparsers(dest="roster_command", metavar="SUBCOMMAND", required=True)
    check = sub.add_parser(
        "check", help=N_("check one roster file; every problem with file:line:column and a code"),
        description=N_("Read a roster strictly. Exit 0 when clean, 1 with problems, 2 when the "
                       "file cannot be used at all."),
    )
    check.add_argument("file", metavar="FILE", help=N_("a .csv, .yaml or .yml roster"))
    check.add_argument("--lang", choices=LANGS, default="en", help=N_("language of the messages"))
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help=N_("text for people (default) or json for programs"))
    check.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    read = read_file(args.file)
    code = 0 if not read.problems else 2 if any(p.code.startswith("R1") for p in read.problems) \
        else 1
    if args.format == "json":
        payload = {
            "ok": code == 0,
            "file": args.file,
            "diagnostics": [p.diagnostic(lang).to_data() for p in read.problems],
            "summary": summary(Roster(read.villagers), args.file).get(lang)
            if read.villagers is not None else None,
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return code
    for problem in read.problems:
        print(problem.diagnostic(lang).format(lang))
    if read.villagers is None or read.problems:
        n = len(read.problems)
        print(_("{file}: {n} problem(s)").format(file=args.file, n=n).get(lang), file=sys.stderr)
        return code
    print(summary(Roster(read.villagers), args.file).get(lang))
    return 0


def summary(roster: Roster, file: str) -> Text:
    """What the roster holds, in the words a township clerk checks it by.

    >>> r = Roster.generate(households=2, people=4, adults=3, party_members=1,
    ...                     representatives=1, party_committee=1, villagers_committee=1,
    ...                     supervision_committee=1)
    >>> summary(r, "g.csv").en.split(", ")[:3]
    ['ok: g.csv: 2 household(s)', '4 people (3 adults)', '1 Party member(s) (0 probationary)']
    """
    hh, people, adults = roster.households, roster.count("villager"), roster.count("adult")
    # Party members of the village: a township official's membership is not the village's.
    members = [v for v in roster.select(("party-member",)) if not v.township]
    party, prob = len(members), sum(1 for v in members if v.party == "probationary")
    reps = roster.count("representative")
    seats = roster.count("party-committee", "villagers-committee", "supervision-committee")
    town = roster.count("township-official")
    return _(
        "ok: {file}: {hh} household(s), {people} people ({adults} adults), {party} Party member(s) "
        "({prob} probationary), {reps} representative(s), {seats} committee member(s), {town} "
        "township official(s)",
    ).format(
        file=file,
        hh=hh,
        people=people,
        adults=adults,
        party=party,
        prob=prob,
        reps=reps,
        seats=seats,
        town=town,
    )
