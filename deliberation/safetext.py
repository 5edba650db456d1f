"""Text from files, shown safely: control characters never reach a terminal or a document.

Labels, matters and notes come from YAML and CSV files and from people typing. Shown raw, an
ESC sequence recolours, moves or retitles the user's terminal, and a bidirectional override
(U+202E …) makes a line read differently from what it says. :func:`printable` shows each such
character as a visible ``\\xNN``/``\\uNNNN`` code instead; the command line applies it to
everything it writes (:class:`PrintableStream`), the diagram writers inside their own escaping.

>>> printable("修村道\\x1b[2J")
'修村道\\\\x1b[2J'
>>> printable("abc\\u202edef")
'abc\\\\u202edef'
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing for the checker only (see deliberation/__init__.py)
if TYPE_CHECKING:
    from typing import IO, Any, Final


# C0 controls except tab and newline, DEL, C1 controls, and the Unicode bidirectional
# embeddings, overrides and isolates.
_CONTROLS: Final = {
    **{c: f"\\x{c:02x}" for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F,
                                  *range(0x80, 0xA0))},
    **{c: f"\\u{c:04x}" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F,
                                  0x061C)},
}


def printable(text: str) -> str:
    """``text`` with every control character shown as its code instead of acting."""
    return text.translate(_CONTROLS)


class PrintableStream:
    """A text stream that writes everything through :func:`printable` (binary via ``buffer``).

    >>> import io
    >>> out = io.StringIO()
    >>> _ = PrintableStream(out).write("a\\x1b]0;pwned\\x07b\\n")
    >>> out.getvalue()
    'a\\\\x1b]0;pwned\\\\x07b\\n'
    """

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(printable(text))

    def __getattr__(self, name: str) -> Any:
        # flush, buffer (binary output such as PNG diagrams), isatty, encoding, fileno …
        return getattr(self._stream, name)
