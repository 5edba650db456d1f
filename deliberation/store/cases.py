"""Cases in the store: save a new :class:`~deliberation.engine.case.Case`, load one by
replaying its records, and act on one with optimistic retries (:func:`act`).

>>> from deliberation.engine.clock import ManualClock
>>> from deliberation.roster import Roster
>>> from deliberation.store import open_store
>>> store = open_store("sqlite:///:memory:")
>>> case = new_case(store, "four-deliberations", Roster.generate(), matter="修村道",
...                 case_id="road-1", clock=ManualClock())
>>> act(store, "road-1", lambda c: c.note("会前准备")).version
2
>>> load_case(store, "road-1").version
2
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from deliberation.definition.loader import Library, default_library
from deliberation.engine.clock import Clock
from deliberation.errors import ConcurrencyConflict, InvalidAction, UnknownProcedure
from deliberation.i18n import _
from deliberation.ids import check_case_id
from deliberation.roster import Roster
from deliberation.rules.law import DEFAULT_KIND
from deliberation.store.errors import StoreError

if TYPE_CHECKING:
    from deliberation.definition.model import Procedure
    from deliberation.engine.case import Case
    from deliberation.store.core import Store
    from deliberation.store.evidence import Evidence


def save_case(store: Store, case: Case, village: str = "",
              procedure_version: str | None = None) -> int:
    """Store a case just opened (or built elsewhere) with all its records; returns its version.
    ``village``: the village it belongs to ('' for none). ``procedure_version``: what the
    header records as the procedure's version, if not its own (e.g. with the hash of the text
    it was loaded from, which the chained header then binds)."""
    check_case_id(case.id)  # the service's rule, for every way a case is stored
    matter = ""
    if case.records and case.records[0].kind == "opened":
        matter = str(case.records[0].data.get("matter") or "")
    return store.create(
        case.id,
        case.procedure.id,
        str(case.procedure.version) if procedure_version is None else procedure_version,
        case.roster,
        matter=matter,
        village=village,
        records=case.records,
    )


def new_case(
    store: Store,
    procedure: Procedure | str,
    roster: Roster,
    *,
    matter: str = "",
    case_id: str | None = None,
    settings: Mapping[str, Any] | None = None,
    clock: Clock | None = None,
    actor: str | None = None,
    kind: str = DEFAULT_KIND,
    village: str = "",
) -> Case:
    """Open a case with the engine and store it (see ``Case.open``) for ``village``."""
    from deliberation.engine.case import Case

    case = Case.open(procedure, roster, matter=matter, case_id=case_id, settings=settings,
                     clock=clock, actor=actor, kind=kind)
    save_case(store, case, village)
    return case


def load_case(
    store: Store,
    case_id: str,
    *,
    library: Library | None = None,
    clock: Clock | None = None,
    roster: Roster | None = None,
) -> Case:
    """Rebuild a stored case by replaying its records against its procedure and roster.

    The procedure is looked up by id (in ``library`` if given) and must be the stored version:
    replaying under a changed definition could silently change what the records mean. A case
    stored under an earlier version replays under that version as the library keeps it
    (``history/``; see :meth:`~deliberation.definition.loader.Library.load`): it can then be
    read, verified and exported, and acting on it is refused
    (:class:`~deliberation.errors.SupersededProcedure`).
    ``roster``: the case's roster if the caller holds it already (a service keeps rosters,
    which never change, between requests); replay checks it against the opened record.
    """
    from deliberation.engine.case import Case

    info, records = store.load_raw(case_id)
    # By id on the search path only: a stored id that looks like a path is never opened as a
    # file (the database is not trusted to name files to read).
    library = library or default_library()
    procedure = library.load(info.procedure_id)
    if str(procedure.version) != info.procedure_version:
        try:  # an earlier version kept for replay (the case is then read-only: Case._act)
            procedure = library.load(info.procedure_id, info.procedure_version)
        except UnknownProcedure:
            raise StoreError(
                _(
                    "case {case_id} runs under {procedure_id} version {procedure_version}; the "
                    "loaded definition is version {version}",
                ).format(
                    case_id=case_id,
                    procedure_id=info.procedure_id,
                    procedure_version=info.procedure_version,
                    version=procedure.version,
                )
            ) from None
    return Case.replay(procedure, roster if roster is not None else store.roster(case_id),
                       records, clock=clock)


def act(store: Store, case_id: str, fn: Callable[[Any], Any], retries: int = 5, *,
        loader: Callable[[str], Any] | None = None,
        evidence: Sequence[Evidence] = ()) -> Case:
    """Load the case, apply ``fn`` (an action on the Case), append the records it added, and on
    a :class:`ConcurrencyConflict` reload and try again, up to ``retries`` times.

    A refused action (``fn`` raises) stores nothing. Returns the updated Case. ``loader``
    loads the case instead of :func:`load_case` (e.g. with the caller's library and clock).
    ``evidence``: files the action carries (see :mod:`deliberation.store.evidence`): its record
    names them, and their bytes are stored with it in one transaction.
    """
    # Imported here for start-up speed: only acting reads evidence (show and verify load cases).
    from deliberation.store.evidence import check_count

    check_count(len(evidence))
    evidence = tuple({e.attachment.sha256: e for e in evidence}.values())  # the same file once
    contents = {e.attachment.sha256: e.content for e in evidence}
    for attempt in range(retries + 1):
        case = (loader or (lambda cid: load_case(store, cid)))(case_id)
        before = len(case.records)
        if evidence:
            with case.attaching([e.attachment for e in evidence]):
                result = fn(case)
        else:
            result = fn(case)
        # The engine acts in place; a function may also return the next Case.
        after = result if hasattr(result, "records") else case
        new = tuple(after.records[before:])
        if not new:
            if evidence:
                raise InvalidAction(_("the action recorded nothing to attach the files to"))
            return after
        try:
            store.append(case_id, before, new, attachments=contents)
        except ConcurrencyConflict:
            if attempt == retries:
                raise
            continue
        return after
    raise AssertionError("unreachable")
