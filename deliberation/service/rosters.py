"""Rosters uploaded to the service: CSV, YAML or JSON, checked strictly, stored per village.

Every row is checked and every problem reported at once (row, column, what is wrong); an unknown
column is an error with a did-you-mean, never silently dropped.

>>> roster, problems = parse_roster("id,household,party\\nv1,h1,full\\nv2,h1,fuII\\n", "text/csv")
>>> roster is None, [p["path"] for p in problems]
(True, ['/1/party'])
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from deliberation.engine.records import canonical_json, fingerprint
from deliberation.roster import Roster
from deliberation.roster import files as roster_files
from deliberation.service.db import now_text
from deliberation.store import Store


def _pointer(path: str, line: int, csv_rows: bool) -> str:
    """A problem's place as a JSON pointer into the list of villagers: ``/1/id``.

    CSV problems carry the line (the header is line 1, and its problems are put on row 0) and
    the column; YAML and JSON ones a path such as ``villagers[1].id``.
    """
    if csv_rows:
        row = max(0, line - 2)
        return f"/{row}/{path}" if path else f"/{row}"
    match = re.search(r"\[(\d+)\](?:\.(.+))?$", path)
    if match is None:
        return ""
    return f"/{match.group(1)}" + (f"/{match.group(2)}" if match.group(2) else "")


def parse_roster(text: str, media_type: str, lang: str = "en"
                 ) -> tuple[Roster | None, list[dict[str, Any]]]:
    """The roster in ``text`` (``text/csv``, ``application/yaml`` or ``application/json``),
    or ``None`` and every problem as ``{"path": JSON pointer, "code", "message", "line",
    "column"}``, each message in ``lang`` — read by the same strict reader as roster files
    (:mod:`deliberation.roster.files`; JSON is read as the YAML it is a subset of)."""
    csv_rows = media_type == "text/csv"
    read = (roster_files.parse_csv(text, "<upload>") if csv_rows
            else roster_files.parse_yaml(text, "<upload>"))
    if read.problems or read.villagers is None:
        return None, [{"path": _pointer(p.path, p.line, csv_rows), "code": p.code,
                       "message": p.message.get(lang), "line": p.line, "column": p.column}
                      for p in read.problems]
    return Roster(read.villagers), []


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
