"""What is said of a case under an earlier version of its procedure.

The library ships the current version of each procedure and keeps the versions it replaced in
``history/`` (:meth:`deliberation.definition.loader.Library.load`), so that cases stored under
them still replay. Such a case was decided under rules that have changed since — a law came into
force, or a count was found wrong — so it is read, verified and exported, and never acted on:
these are the words for both, in one place.

>>> from deliberation.definition.loader import Library
>>> old = Library().load("four-deliberations-shandong", "1.0")
>>> print(earlier_version_note(old).get("en"))  # doctest: +NORMALIZE_WHITESPACE
decided under an earlier version of its procedure: four-deliberations-shandong version 1.0
(the current version is 1.2)
>>> earlier_version_note(Library().load("four-deliberations")) is None
True
"""

from __future__ import annotations

from deliberation.definition.model import Procedure
from deliberation.i18n import Text, _, as_written


def earlier_version_note(procedure: Procedure) -> Text | None:
    """The note shown with a case under ``procedure`` when that is an earlier version kept
    for replay (``None`` for a current one)."""
    if procedure.superseded_by is None:
        return None
    return _(
        "decided under an earlier version of its procedure: {id} version {version} (the current "
        "version is {current})",
    ).format(id=as_written(procedure.id), version=as_written(procedure.version),
             current=as_written(procedure.superseded_by))


def acting_refused(procedure: Procedure, case_id: str) -> Text:
    """Why an action on a case under an earlier version of ``procedure`` is refused, and what
    to do instead."""
    return _(
        "case {case} runs under {id} version {version}, which version {current} has replaced: "
        "the rules it was opened under have changed, so it can be read, verified and exported "
        "but not acted on. Take the matter up again in a new case, which runs under version "
        "{current}",
    ).format(case=as_written(case_id), id=as_written(procedure.id),
             version=as_written(procedure.version),
             current=as_written(procedure.superseded_by or ""))


__all__ = ["acting_refused", "earlier_version_note"]
