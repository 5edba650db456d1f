"""The exceptions the library raises. Everything derives from :class:`DeliberationError`.

A refused action raises and changes nothing: the case and its records are exactly as before.

>>> try:
...     raise NotEntitled("rep-meeting", "v042", _("not entitled"))
... except DeliberationError as err:
...     print(err.message.en)
not entitled
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from deliberation.i18n import DEFAULT_LANG, Text, Triple, _, each_lang

if TYPE_CHECKING:
    from deliberation.diagnostics import Diagnostic


class WordedValueError(ValueError):
    """A ``ValueError`` whose reason is worded in every language (``text``); ``str()`` of it is
    the English, for callers that catch any ``ValueError``."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


class DeliberationError(Exception):
    """Base of every error the library raises on purpose; carries a translated message."""

    message: Text

    def __init__(self, message: Text | str) -> None:
        if isinstance(message, str):
            message = Triple(message, message, message)
        self.message = message
        super().__init__(message.en)

    def explain(self, lang: str = DEFAULT_LANG) -> str:
        """The message in ``lang``."""
        return self.message.get(lang)


class DefinitionError(DeliberationError):
    """A procedure definition is invalid; ``diagnostics`` lists every problem found at once."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        # each problem in the reader's language, as ``lint --lang`` words it
        lines = each_lang(lambda lang: "\n".join(d.format(lang) for d in self.diagnostics))
        n = len(self.diagnostics)
        super().__init__(
            _("the procedure definition has {n} problem(s):\n{lines}").format(n=n, lines=lines)
        )


class UnknownProcedure(DeliberationError):
    """No procedure with that id is on the search path."""


class RuleViolation(DeliberationError):
    """An action broke a rule of the procedure, and was refused.

    ``numbers`` holds what was counted, e.g. ``{"count": 18, "total": 28, "needed": 19}``.
    """

    def __init__(
        self,
        rule: str,
        stage: str,
        message: Text,
        numbers: Mapping[str, Any] | None = None,
        basis: Sequence[str] = (),
        violations: Sequence[RuleViolation] = (),
    ) -> None:
        self.rule = rule
        self.stage = stage
        self.numbers = dict(numbers or {})
        self.basis = tuple(basis)
        # When several rules fail at once, the first is this error and all are in ``violations``.
        self.violations: tuple[RuleViolation, ...] = tuple(violations) or (self,)
        super().__init__(message)

    def to_data(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "stage": self.stage,
            "numbers": {k: _plain(v) for k, v in self.numbers.items()},
            "basis": list(self.basis),
            "message": self.message.to_data(),
        }


class NotEntitled(DeliberationError):
    """The actor may not take this action (not a member of the acting body, not a voter…)."""

    def __init__(self, stage: str, actor: str, message: Text) -> None:
        self.stage = stage
        self.actor = actor
        super().__init__(message)


class InvalidAction(DeliberationError):
    """The action does not fit the case: wrong stage, closed case, malformed data."""


class CaseClosed(InvalidAction):
    """The case has reached a final outcome; nothing more can happen to it."""


class SupersededProcedure(InvalidAction):
    """The case runs under an earlier version of its procedure, kept only so that its records
    replay: the rules have changed since, so it is read, verified and exported, not acted on."""


class ConcurrencyConflict(DeliberationError):
    """Another writer appended to the case first; reload the case and retry the action."""

    def __init__(self, case_id: str, expected_version: int, actual_version: int) -> None:
        self.case_id = case_id
        self.expected_version = expected_version
        self.actual_version = actual_version
        super().__init__(
            _(
                "case {case_id} was changed by another writer (expected version "
                "{expected_version}, found {actual_version}); reload it and retry",
            ).format(
                case_id=case_id,
                expected_version=expected_version,
                actual_version=actual_version,
            )
        )


def _plain(value: Any) -> Any:
    from fractions import Fraction

    if isinstance(value, Fraction):
        return str(value)
    return value
