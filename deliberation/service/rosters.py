"""Rosters uploaded to the service: CSV, YAML or JSON, checked strictly, stored per village.

Every row is checked and every problem reported at once (row, column, what is wrong); an unknown
column is an error with a did-you-mean, never silently dropped.

>>> roster, problems = parse_roster("id,household,party\\nv1,h1,full\\nv2,h1,fuII\\n", "text/csv")
>>> roster is None, [p["path"] for p in problems]
(True, ['/1/party'])
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping
from typing import Any, Final

import yaml

from deliberation.diagnostics import did_you_mean
from deliberation.engine.records import canonical_json, fingerprint
from deliberation.roster import Roster, RosterError
from deliberation.service.db import now_text
from deliberation.store import Store

COLUMNS: Final = ("id", "household", "name", "adult", "party", "representative", "committees",
                  "resident", "township")


def _rows(text: str, media_type: str) -> tuple[list[Any] | None, list[dict[str, Any]]]:
    if media_type == "text/csv":
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        rows: list[Any] = []
        try:
            for row in reader:
                if None in row:
                    return None, [{"path": f"/{len(rows)}", "message":
                                   f"row {len(rows) + 2} has more cells than the header"}]
                rows.append(row)
        except csv.Error as err:
            return None, [{"path": "", "message": f"CSV: {err}"}]
        return rows, []
    try:
        data = json.loads(text) if media_type == "application/json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as err:
        return None, [{"path": "", "message": f"cannot parse the roster: {err}"}]
    if isinstance(data, dict) and set(data) == {"villagers"}:
        data = data["villagers"]
    if not isinstance(data, list):
        return None, [{"path": "", "message":
                       "expected a list of villagers (or {'villagers': [...]})"}]
    return data, []


def parse_roster(text: str, media_type: str) -> tuple[Roster | None, list[dict[str, Any]]]:
    """The roster in ``text`` (``text/csv``, ``application/yaml`` or ``application/json``),
    or ``None`` and every problem as ``{"path": JSON pointer, "message": ...}``."""
    rows, problems = _rows(text, media_type)
    if rows is None:
        return None, problems
    if not rows:
        return None, [{"path": "", "message": "the roster is empty"}]
    seen: dict[str, int] = {}
    for n, row in enumerate(rows):
        if not isinstance(row, Mapping):
            problems.append({"path": f"/{n}", "message": "a villager is a mapping of columns"})
            continue
        for key in row:
            if key not in COLUMNS:
                problems.append({"path": f"/{n}/{key}", "message":
                                 f"unknown column {key!r}; {did_you_mean(str(key), COLUMNS)}"})
        try:
            Roster.from_records([row])
        except RosterError as err:
            message = str(err).split(": ", 2)[-1]
            column = next((c for c in COLUMNS if message.startswith(c)), None)
            if "'id'" in message:
                column = "id"
            problems.append({"path": f"/{n}" + (f"/{column}" if column else ""),
                             "message": message})
            continue
        vid = str(row.get("id", "")).strip()
        if vid in seen:
            problems.append({"path": f"/{n}/id",
                             "message": f"id {vid!r} is already used by row {seen[vid] + 1}"})
        seen[vid] = n
    if problems:
        return None, problems
    try:
        return Roster.from_records(rows), []
    except (RosterError, ValueError) as err:
        return None, [{"path": "", "message": str(err)}]


def roster_id(village: str, fp: str) -> str:
    return hashlib.sha256(f"{village}\n{fp}".encode()).hexdigest()[:16]


def save_roster(store: Store, village: str, roster: Roster) -> dict[str, Any]:
    """Store ``roster`` for ``village`` (again: the same id, nothing new); returns its summary."""
    data = roster.to_data()
    fp = fingerprint(data)
    rid = roster_id(village, fp)
    store.backend.execute(
        "INSERT INTO service_rosters (roster_id, village, fingerprint, roster_json, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (roster_id) DO NOTHING",
        (rid, village, fp, canonical_json(data), now_text()))
    return summary(rid, village, fp, roster)


def summary(rid: str, village: str, fp: str, roster: Roster) -> dict[str, Any]:
    return {"id": rid, "village": village, "fingerprint": fp, "villagers": len(roster),
            "households": roster.households}


def load_roster(store: Store, rid: str) -> tuple[str, str, Roster] | None:
    """(village, fingerprint, roster) of a stored roster, or ``None``."""
    rows = store.backend.execute(
        "SELECT village, fingerprint, roster_json FROM service_rosters WHERE roster_id = ?",
        (rid,))
    if not rows:
        return None
    return (str(rows[0][0]), str(rows[0][1]),
            Roster.from_records(json.loads(str(rows[0][2])), f"roster {rid}"))
