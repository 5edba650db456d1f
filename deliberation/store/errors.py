"""Errors of the store; all are :class:`~deliberation.errors.DeliberationError` s, so the CLI
prints them without a traceback. Optimistic-concurrency losses raise the shared
:class:`~deliberation.errors.ConcurrencyConflict`."""

from __future__ import annotations

from deliberation.errors import DeliberationError, InvalidAction
from deliberation.i18n import _


class StoreError(DeliberationError):
    """The store cannot be opened or used (bad URL, missing driver, newer schema…)."""


class NoStoreFile(StoreError):
    """The SQLite file to read or act on does not exist (only ``case new`` creates one)."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(_("no store file {path}").format(path=path))


class UnknownCase(InvalidAction):
    """No case with that id is in the store; ``near``: the closest stored id, when whoever
    raises it has looked one up (:meth:`Store.nearest_case`)."""

    def __init__(self, case_id: str, near: str | None = None) -> None:
        self.case_id = case_id
        self.near = near
        super().__init__(
            _("no case {case_id!r} in the store").format(case_id=case_id)
        )


class CaseExists(InvalidAction):
    """A case with that id is already stored."""

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        super().__init__(
            _("case {case_id!r} already exists").format(case_id=case_id)
        )
