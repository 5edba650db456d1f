"""A case's complete archive: JSON for machines, a printable HTML document for people.

The JSON holds everything needed to re-check the case without the database: the header, the
roster, every record with its chain fields, the signed heads and the verification result
(:func:`verify_archive` re-checks it offline). The HTML is the register a village files
(:mod:`deliberation.store.register`): a rendering of the same data, in zh-Hans, zh-Hant or en,
with all user text escaped.

>>> from deliberation.engine.clock import ManualClock
>>> from deliberation.roster import Roster
>>> from deliberation.store import open_store
>>> from deliberation.store.cases import new_case
>>> store = open_store("sqlite:///:memory:")
>>> _ = new_case(store, "four-deliberations", Roster.generate(), matter="<修村道>", case_id="r1",
...              clock=ManualClock())
>>> data = archive_data(store, "r1")
>>> data["verification"]["ok"], verify_archive(data)
(True, [])
>>> "&lt;修村道&gt;" in archive_html(store, "r1", lang="zh-Hans")
True
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from deliberation.definition.loader import Library
from deliberation.definition.model import Procedure
from deliberation.engine.records import canonical_json, fingerprint
from deliberation.i18n import check_lang
from deliberation.store.core import (
    CaseInfo,
    Problem,
    Store,
    StoredRecord,
    case_genesis,
    check_attachments,
    check_chain,
    check_summary,
)
from deliberation.store.register_html import register_html
from deliberation.store.signing import HeadVerifier

if TYPE_CHECKING:
    from deliberation.engine.case import Case

# How a stored case is replayed for its archive's state: by default
# :func:`deliberation.store.cases.load_case` (built-in procedures); the service passes its own,
# which also loads the uploaded procedure text a case's header binds.
Loader = Callable[["Store", str], "Case"]

ARCHIVE_FORMAT: Final = "deliberation-case-archive"
ARCHIVE_VERSION: Final = 1


def archive_data(store: Store, case_id: str, key: HeadVerifier | None = None, *,
                 attachments: bool = False, load: Loader | None = None) -> dict[str, Any]:
    """The case's complete archive as JSON-ready data (see the module docstring).

    The records name their attachments (digest, media type, size, file name) either way;
    ``attachments=True`` also carries the bytes, base64-encoded, under ``"attachments"`` as
    ``[{"sha256": …, "base64": …}]``, so the archive proves the evidence too. ``load``
    replays the case for its state (see :data:`Loader`)."""
    info = store.info(case_id)
    stored = store.stored(case_id)
    roster = store.roster(case_id)
    verification = store.verify(case_id, key=key)
    out = {
        "format": ARCHIVE_FORMAT,
        "format_version": ARCHIVE_VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "case": info.to_data(),
        "procedure": {"id": info.procedure_id, "version": info.procedure_version},
        "roster": {"fingerprint": info.roster_fingerprint, "villagers": roster.to_data()},
        "records": [s.to_data() for s in stored],
        "heads": [
            {"version": h.version, "head_hash": h.head_hash, "algorithm": h.algorithm,
             "key_id": h.key_id, "signature": h.signature, "signed_at": h.signed_at}
            for h in store.heads(case_id)
        ],
        "verification": verification.to_data(),
        "state": _state(store, case_id, load),
    }
    if attachments:
        out["attachments"] = [
            {"sha256": digest, "base64": base64.b64encode(content).decode("ascii")}
            for digest, content in sorted(store.attachments(case_id).items())]
    return out


def archive_json(store: Store, case_id: str, key: HeadVerifier | None = None, *,
                 attachments: bool = False, load: Loader | None = None) -> str:
    """:func:`archive_data` as indented UTF-8 JSON text."""
    data = archive_data(store, case_id, key, attachments=attachments, load=load)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def verify_archive(data: Mapping[str, Any]) -> list[Problem]:
    """Re-check an exported archive's chain offline (no database): the same checks as
    :meth:`Store.verify` on the records, the roster and the head, and on the attachments'
    bytes when the archive carries them. A field of the wrong shape is a problem found
    (located at its record where it is in one), never an exception. An archive in a newer
    format than :data:`ARCHIVE_VERSION` is refused as such (``newer-format``), not checked by
    rules it may not follow."""
    version = data.get("format_version") if isinstance(data, Mapping) else None
    if type(version) is int and version > ARCHIVE_VERSION:
        return [Problem("newer-format", None, str(version))]
    try:
        case = data["case"]
        info = CaseInfo(
            _text(case["case_id"]), _text(case["procedure_id"]),
            _text(case["procedure_version"]), _text(case["roster_fingerprint"]),
            _text(case.get("matter", "")), _text(case.get("created_at", "")),
            _whole(case["version"]), _text(case["head_hash"]),
            _whole(case.get("header_version", 1)),
            _text(case.get("village", "")), _text(case.get("state", "")),
            _text(case.get("updated_at", "")),
        )
        roster = data["roster"]["villagers"]
        records = data["records"]
        if not isinstance(records, list):
            raise TypeError("records is not a list")
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        return [Problem("unreadable", None, f"archive header: {type(err).__name__}: {err}")]
    problems: list[Problem] = []
    try:
        roster_ok = fingerprint(roster) == info.roster_fingerprint
    except (TypeError, ValueError):
        roster_ok = False
    if not roster_ok:
        problems.append(Problem("roster-mismatch", None))
    # The copies of header fields elsewhere in the archive must say the same as the header.
    procedure, roster_part = data.get("procedure"), data["roster"]
    copies = {
        "procedure.id": procedure.get("id") if isinstance(procedure, Mapping) else None,
        "procedure.version": (procedure.get("version") if isinstance(procedure, Mapping)
                              else None),
        "roster.fingerprint": (roster_part.get("fingerprint")
                               if isinstance(roster_part, Mapping) else None),
    }
    expected = {"procedure.id": info.procedure_id, "procedure.version": info.procedure_version,
                "roster.fingerprint": info.roster_fingerprint}
    for name, value in copies.items():
        if value != expected[name]:
            problems.append(Problem("archive-mismatch", None, name))
    genesis = case_genesis(info)
    rows: list[StoredRecord] = []
    for n, r in enumerate(records, start=1):
        try:
            action = r["action"]
            rows.append(StoredRecord(
                _whole(r["seq"]), _text(action["id"]), _whole(action["index"]),
                _whole(action["size"]), _text(r["record"].get("kind")),
                canonical_json(r["record"]), _text(r["prev_hash"]), _text(r["hash"])))
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            problems.append(Problem("unreadable", n, f"{type(err).__name__}: {err}"[:120]))
    problems.extend(check_chain(info.case_id, genesis, rows))
    if "attachments" in data:
        contents = _contents(data["attachments"])
        if isinstance(contents, Problem):
            problems.append(contents)
        else:
            problems.extend(check_attachments(rows, contents))
    if len(records) != info.version:
        problems.append(Problem("count-mismatch", len(records), str(info.version)))
    if (rows[-1].hash if rows else genesis) != info.head_hash:
        problems.append(Problem("head-mismatch", rows[-1].seq if rows else 0))
    if info.header_version >= 3:  # archives of cases from store schema v6 on carry the summary
        problems.extend(check_summary(info, rows[-1].record_json if rows else None,
                                      rows[-1].seq if rows else 0))
    return problems


def _contents(listed: Any) -> dict[str, bytes] | Problem:
    """The archive's attachment bytes by digest, or the problem with their shape."""
    out: dict[str, bytes] = {}
    try:
        for n, item in enumerate(listed):
            try:
                out[_text(item["sha256"])] = base64.b64decode(_text(item["base64"]),
                                                              validate=True)
            except (KeyError, TypeError, ValueError) as err:
                return Problem("unreadable", None, f"attachments[{n}]: {err}"[:120])
    except TypeError as err:
        return Problem("unreadable", None, f"attachments: {err}"[:120])
    return out


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{value!r} is not a whole number")
    return value


def _state(store: Store, case_id: str, load: Loader | None) -> dict[str, Any]:
    """The case's state by replay, or why it does not replay."""
    from deliberation.errors import DeliberationError
    from deliberation.store.cases import load_case

    try:
        case = load(store, case_id) if load is not None else load_case(store, case_id)
    except DeliberationError as err:
        return {"replayed": False, "error": err.message.to_data()}
    state = {"replayed": True, "state": case.state, "stage": case.stage, "outcome": case.outcome,
             "closed": case.closed, "suspended": case.suspended}
    if case.procedure.superseded_by is not None:  # replayed under an earlier version, kept
        state["superseded_by"] = case.procedure.superseded_by
    return state


# -- HTML: the register ------------------------------------------------------------------------


def archive_html(
    store: Store, case_id: str, *, lang: str = "zh-Hans", key: HeadVerifier | None = None,
    load: Loader | None = None, procedure: Procedure | None = None,
) -> str:
    """The case's register (:mod:`deliberation.store.register`) as one self-contained,
    printable HTML document in ``lang`` (``procedure``: the one the case runs under, when not
    found by id among the built-ins)."""
    return render_html(archive_data(store, case_id, key, load=load), lang=check_lang(lang),
                       procedure=procedure)


def render_html(data: Mapping[str, Any], *, lang: str = "zh-Hans",
                library: Library | None = None, procedure: Procedure | None = None) -> str:
    """The register of :func:`archive_data` output as HTML (all user text escaped);
    ``procedure``: the case's, or ``library``: where it is found by id."""
    return register_html(data, lang=check_lang(lang), library=library, procedure=procedure)
