"""Roster errors: one located, coded problem (``R`` codes), and the exceptions that carry them.

A problem's message and hint are :class:`~deliberation.i18n.Text`, so ``deliberation roster
check --lang`` prints them in the reader's language; :meth:`RosterProblem.diagnostic` gives the
project's :class:`~deliberation.diagnostics.Diagnostic` in any of the three.

>>> p = RosterProblem("R201", _("unknown column {name!r}").format(name="is_adult"), "v.csv", 1, 3,
...                   "is_adult", _("did you mean {near!r}?").format(near="adult"))
>>> p.diagnostic("en").format()
"v.csv:1:3: R201 is_adult: unknown column 'is_adult' (hint: did you mean 'adult'?)"
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from deliberation.diagnostics import Diagnostic
from deliberation.errors import DeliberationError
from deliberation.i18n import Lang, Text, Triple, _, check_lang, each_lang
from deliberation.reprs import fields_repr

_NO_HINT = Triple.same("")


@fields_repr
@attrs.frozen(repr=False)
class RosterProblem:
    """A problem in a roster: where (file, 1-based line and column, column name or YAML path),
    a stable code and a translated message and hint."""

    code: str
    message: Text
    file: str = "<roster>"
    line: int = 0
    column: int = 0
    path: str = ""
    hint: Text = _NO_HINT

    def diagnostic(self, lang: Lang = "en") -> Diagnostic:
        """This problem as the project's :class:`Diagnostic`, worded in ``lang``."""
        return Diagnostic(self.code, self.message.get(lang), self.file, self.line, self.column,
                          self.path, self.hint.get(lang))


class RosterError(ValueError, DeliberationError):
    """A roster file or generator input is invalid; the message says where and why.

    A :class:`ValueError` (callers catch it as one) and a
    :class:`~deliberation.errors.DeliberationError` (the command line prints it, translated).
    """

    def __init__(self, message: Text | str) -> None:
        DeliberationError.__init__(self, message)


class RosterFileError(RosterError):
    """A roster has problems; ``problems`` lists every one found, in file order.

    ``diagnostics`` are the same problems as :class:`Diagnostic` in English;
    :meth:`diagnostics_in` gives them in another language.
    """

    def __init__(self, problems: Sequence[RosterProblem]) -> None:
        self.problems = tuple(problems)
        self.diagnostics = self.diagnostics_in("en")
        n = len(self.problems)

        def lines(lang: str) -> str:
            return "\n".join(d.format(lang) for d in self.diagnostics_in(check_lang(lang)))

        listing = each_lang(lines)
        super().__init__(_("the roster has {n} problem(s):\n{lines}").format(n=n, lines=listing))

    def diagnostics_in(self, lang: Lang) -> tuple[Diagnostic, ...]:
        return tuple(p.diagnostic(lang) for p in self.problems)
