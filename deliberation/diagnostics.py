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

import difflib
from collections.abc import Iterable
from typing import Any

import attrs


@attrs.frozen
class Diagnostic:
    """A problem found in a file, with where it is and what to do about it."""

    code: str
    message: str
    file: str = "<string>"
    line: int = 0  # 1-based; 0 when unknown
    column: int = 0  # 1-based; 0 when unknown
    path: str = ""  # YAML path such as ``stages[3].rules[0].params.ratio``
    hint: str = ""
    severity: str = "error"

    def format(self) -> str:
        """``file:line:col: CODE path: message (hint: …)`` — the form editors understand."""
        where = f"{self.file}:{self.line}:{self.column}"
        path = f" {self.path}:" if self.path else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}: {self.code}{path} {self.message}{hint}"

    def to_data(self) -> dict[str, Any]:
        return attrs.asdict(self)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``word``, or ``None`` when none is close.

    >>> closest("committee", ["committees", "adult"])
    'committees'
    """
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest choice, or listing the choices when none is close."""
    options = sorted(set(choices))
    near = closest(word, options)
    if near is not None:
        return f"did you mean {near!r}?"
    if not options:
        return ""
    shown = ", ".join(repr(o) for o in options[:12])
    more = f", … ({len(options)} in all)" if len(options) > 12 else ""
    return f"expected one of {shown}{more}"
