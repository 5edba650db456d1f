"""Diagnostics: one located, coded problem in a procedure or scenario file.

Codes are stable (``D1xx`` syntax and safety, ``D2xx`` structure and types, ``D3xx`` references,
``D4xx`` rules and thresholds, ``D5xx`` graph, ``D6xx`` translations, ``D7xx`` composition), so
tools and tests can match on them while the wording improves.

>>> d = Diagnostic("D201", "unknown key 'stagse'", file="p.yaml", line=3, column=1,
...                path="stagse", hint="did you mean 'stages'?")
>>> d.format()
"p.yaml:3:1: D201 stagse: unknown key 'stagse' (hint: did you mean 'stages'?)"
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import attrs

from deliberation.i18n import Text, _, quoted, series
from deliberation.reprs import fields_repr

_HINT: Final = _(" (hint: {hint})")


@fields_repr
@attrs.frozen(repr=False)
class Diagnostic:
    """A problem found in a file, with where it is and what to do about it."""

    code: str
    message: str | Text  # a Text is worded in the reader's language (lint --lang)
    file: str = "<string>"
    line: int = 0  # 1-based; 0 when unknown
    column: int = 0  # 1-based; 0 when unknown
    path: str = ""  # YAML path such as ``stages[3].rules[0].params.ratio``
    hint: str | Text = ""
    severity: str = "error"

    def message_in(self, lang: str = "en") -> str:
        return self.message if isinstance(self.message, str) else self.message.get(lang)

    def hint_in(self, lang: str = "en") -> str:
        return self.hint if isinstance(self.hint, str) else self.hint.get(lang)

    def format(self, lang: str = "en") -> str:
        """``file:line:col: CODE path: message (hint: …)`` — the form editors understand."""
        where = f"{self.file}:{self.line}:{self.column}"
        path = f" {self.path}:" if self.path else ""
        hint_text = self.hint_in(lang)
        hint = (_HINT.format(hint=hint_text).get(lang)) if hint_text else ""
        return f"{where}: {self.code}{path} {self.message_in(lang)}{hint}"

    def to_data(self, lang: str = "en") -> dict[str, Any]:
        return {**attrs.asdict(self), "message": self.message_in(lang), "hint": self.hint_in(lang)}


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``word``, or ``None`` when none is close.

    >>> closest("committee", ["committees", "adult"])
    'committees'
    """
    # Imported here for start-up speed: a suggestion is made only for a mistake, and every
    # command that reads a file imports this module.
    import difflib

    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(word: str, choices: Iterable[str]) -> Text | str:
    """:func:`did_you_mean` in the reader's language, for a diagnostic's hint (ids stay as
    written: they are what the file must say).

    >>> suggest("committee", ["committees", "adult"]).get("zh-Hans")
    '是不是 `committees`?'
    >>> suggest("committee", ["committees", "adult"]).get("en")
    "did you mean 'committees'?"
    """
    options = sorted(set(choices))
    near = closest(word, options)
    if near is not None:
        return _("did you mean {near}?").format(near=quoted(near))
    if not options:
        return ""
    shown = series(quoted(o) for o in options[:12])
    if len(options) > 12:
        return _("expected one of {shown}, … ({n} in all)").format(shown=shown, n=len(options))
    return _("expected one of {shown}").format(shown=shown)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest choice, or listing the choices when none is close (English,
    for messages that are English only; a diagnostic's hint uses :func:`suggest`)."""
    options = sorted(set(choices))
    near = closest(word, options)
    if near is not None:
        return f"did you mean {near!r}?"
    if not options:
        return ""
    shown = ", ".join(repr(o) for o in options[:12])
    more = f", … ({len(options)} in all)" if len(options) > 12 else ""
    return f"expected one of {shown}{more}"
