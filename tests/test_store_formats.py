"""Replay across library versions: a case stored by an earlier version replays after an upgrade,
comparing what its engine format recorded; a real difference is named; a newer format is
refused clearly.

``legacy/one-matter-adopted.8af0f15.json`` is the JSON archive that the library at commit
8af0f15~1 (before meetings recorded their electorate and rosters had a sex column) exported
for ``examples/scenarios/one-matter-adopted.yaml``, run through its store: it was made by
that version's code, not edited by hand. It runs under one-matter-one-discussion 1.0, which
the library keeps in procedures/history/ since 1.1 added the Party organisation's study.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from deliberation import Case, Roster, load_procedure
from deliberation.cli import main
from deliberation.definition.loader import default_library
from deliberation.definition.model import Procedure
from deliberation.engine.case import roster_fingerprint
from deliberation.engine.evaluators import ReplayError
from deliberation.engine.formats import ENGINE_FORMAT, FORMATS
from deliberation.engine.records import Record
from deliberation.store import open_store
from deliberation.store.archive import verify_archive
from deliberation.store.cases import load_case

LEGACY = Path(__file__).parent / "legacy" / "one-matter-adopted.8af0f15.json"


def _procedure(data: dict[str, Any]) -> Procedure:
    """The version of the procedure the archive names (an earlier one, kept for replay)."""
    return default_library().load(data["procedure"]["id"], data["procedure"]["version"])


def _legacy() -> tuple[dict[str, Any], list[Record], Roster]:
    data = json.loads(LEGACY.read_text(encoding="utf-8"))
    records = [Record.from_data(r["record"]) for r in data["records"]]
    return data, records, Roster.from_data(data["roster"]["villagers"])


def test_a_case_stored_by_an_earlier_version_replays() -> None:
    data, records, roster = _legacy()
    assert verify_archive(data) == []  # the chain format is unchanged
    assert "engine_format" not in records[0].data  # format 1: before formats were recorded
    meeting = next(r for r in records if r.kind == "meeting")
    assert "electorate" not in meeting.result
    assert "sex" not in data["roster"]["villagers"][0]
    case = Case.replay(_procedure(data), roster, records)
    assert (case.state, case.outcome) == (data["state"]["state"], data["state"]["outcome"])


def test_it_replays_from_a_current_store_and_verifies(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    data, records, _roster = _legacy()
    url = f"sqlite:///{tmp_path / 's.db'}"
    info = data["case"]
    with open_store(url) as store:
        # the roster as that version stored it (no sex column), the records as it wrote them
        store.create(info["case_id"], info["procedure_id"], info["procedure_version"],
                     data["roster"]["villagers"], matter=info["matter"], records=records)
        assert load_case(store, info["case_id"]).outcome == "adopted"
    assert main(["case", "verify", info["case_id"], "--db", url]) == 0
    assert "replay" not in capsys.readouterr().out


def test_new_cases_record_their_format_and_a_real_difference_is_named() -> None:
    data, records, roster = _legacy()
    procedure = _procedure(data)
    opened = Case.open(load_procedure(data["procedure"]["id"]), roster, matter="x").records[0]
    assert opened.data["engine_format"] == ENGINE_FORMAT
    # The same old records claimed as today's format: today's roster form is not the one they
    # were opened with; with that put right, the missing electorate is named.
    claimed = [attrs.evolve(records[0], data={**records[0].data,
                                              "engine_format": ENGINE_FORMAT}), *records[1:]]
    with pytest.raises(ReplayError, match="roster is not the one"):
        Case.replay(procedure, roster, claimed)
    claimed[0] = attrs.evolve(claimed[0], data={**claimed[0].data,
                                                "roster": roster_fingerprint(roster)})
    with pytest.raises(ReplayError, match=r"electorate: stored \(absent\), now \{"):
        Case.replay(procedure, roster, claimed)
    # A stored result that really differs is reported by its part, under any format.
    i = next(n for n, r in enumerate(records) if r.kind == "meeting")
    changed = list(records)
    changed[i] = attrs.evolve(records[i], result={**records[i].result, "round": 7})
    with pytest.raises(ReplayError, match=r"record \d+ \(meeting\) does not replay: .*"
                                          r"round: stored 7, now 1$") as err:
        Case.replay(procedure, roster, changed)
    assert "route" not in str(err.value)


@pytest.mark.parametrize("version", [ENGINE_FORMAT + 1, 99, "2", None, 0])
def test_an_unknown_or_newer_format_is_refused_clearly(version: Any) -> None:
    data, records, roster = _legacy()
    newer = [attrs.evolve(records[0], data={**records[0].data, "engine_format": version}),
             *records[1:]]
    with pytest.raises(ReplayError, match=r"stored under engine format .*upgrade deliberation"):
        Case.replay(_procedure(data), roster, newer)


def test_an_old_roster_form_is_only_accepted_as_it_could_have_been() -> None:
    data, records, _roster = _legacy()
    villagers = data["roster"]["villagers"]
    assert FORMATS[1].roster_data([{**v, "sex": ""} for v in villagers]) == villagers
    # A roster with a sex recorded cannot be the one a format-1 case was opened with.
    with_sex = Roster.from_data([{**villagers[0], "sex": "female"}, *villagers[1:]])
    with pytest.raises(ReplayError, match="roster is not the one"):
        Case.replay(_procedure(data), with_sex, records)
