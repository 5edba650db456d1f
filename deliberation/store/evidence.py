"""Evidence files an action carries: checked, typed and digested before anything is stored.

An attachment is accepted when its name is a plain file name (no folder, no control or
bidirectional characters), its size is within :data:`MAX_SIZE`, and its media type — read from
the first bytes, or for plain text from the name's extension — is one of :data:`MEDIA_TYPES`.
The record keeps the :class:`~deliberation.engine.records.Attachment` (name, media type, size,
SHA-256); the store keeps the bytes.

>>> ev = evidence_from_bytes("minutes.pdf", b"%PDF-1.7 ...")
>>> ev.attachment.media_type, ev.attachment.size
('application/pdf', 12)
>>> try:
...     evidence_from_bytes("run.exe", b"MZ\\x90\\x00")
... except InvalidAction as err:
...     print(err.message.en)
run.exe: not an accepted kind of file (accepted: PDF, PNG, JPEG, TIFF, WebP, plain text)
"""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import attrs

from deliberation.engine.records import Attachment
from deliberation.errors import InvalidAction
from deliberation.i18n import _
from deliberation.safetext import printable

# Largest attachment accepted: a scanned multi-page set of minutes at 300 dpi fits easily.
MAX_SIZE: Final = 20 * 1024 * 1024
# Attachments per action (a sheaf of scans, one page a file, fits).
MAX_COUNT: Final = 50
# Longest file name kept (what common file systems allow).
MAX_NAME: Final = 255

# The accepted media types, each by the bytes its files begin with (from the formats'
# specifications). Six fixed signatures: a content-sniffing dependency would recognise hundreds
# of types only to refuse them.
_SIGNATURES: Final[tuple[tuple[bytes, str], ...]] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
# Plain text has no signature: it is accepted under these extensions when it is UTF-8.
_TEXT_EXTENSIONS: Final = (".txt", ".md", ".csv")
MEDIA_TYPES: Final[Mapping[str, str]] = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/tiff": "TIFF",
    "image/webp": "WebP",
    "text/plain": "plain text",
}


@attrs.frozen
class Evidence:
    """An attachment's record entry and its bytes."""

    attachment: Attachment
    content: bytes = attrs.field(repr=False)


def media_type(name: str, content: bytes) -> str | None:
    """The accepted media type of ``content`` (named ``name``), or None.

    >>> media_type("board.jpg", b"\\xff\\xd8\\xff\\xe0")
    'image/jpeg'
    >>> media_type("notes.txt", "会议纪要".encode()), media_type("notes.bin", b"abc")
    ('text/plain', None)
    """
    for magic, kind in _SIGNATURES:
        if content.startswith(magic):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if name.lower().endswith(_TEXT_EXTENSIONS):
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/plain"
    return None


def check_name(name: str) -> str:
    """``name`` if it is a plain file name fit to show; else :class:`InvalidAction`."""
    if not name or name in (".", "..") or "/" in name or "\\" in name:
        raise InvalidAction(_("{name!r} is not a file name").format(name=name))
    if printable(name) != name:
        raise InvalidAction(_(
            "the file name {name} has control or direction characters",
        ).format(name=printable(name)))
    if len(name) > MAX_NAME:
        raise InvalidAction(_("the file name {name} is longer than {limit} characters").format(
            name=name[:40] + "…", limit=MAX_NAME))
    return name


def evidence_from_bytes(name: str, content: bytes, declared: str | None = None) -> Evidence:
    """Check and digest one attachment (``declared``: a media type the sender gave, which
    must agree with the content)."""
    check_name(name)
    if len(content) > MAX_SIZE:
        raise InvalidAction(_("{name}: {size} bytes is more than the {limit} allowed").format(
            name=name, size=len(content), limit=MAX_SIZE))
    if not content:
        raise InvalidAction(_("{name} is empty").format(name=name))
    kind = media_type(name, content)
    if kind is None:
        raise InvalidAction(_(
            "{name}: not an accepted kind of file (accepted: {kinds})",
        ).format(name=name, kinds=", ".join(MEDIA_TYPES.values())))
    if declared is not None and declared != kind:
        raise InvalidAction(_(
            "{name} was sent as {declared} but its content is {kind}",
        ).format(name=name, declared=printable(declared)[:80], kind=kind))
    digest = hashlib.sha256(content).hexdigest()
    return Evidence(Attachment(name, kind, len(content), digest), content)


def read_evidence(path: str | Path) -> Evidence:
    """Read and check an attachment file (its file name is what the record keeps)."""
    p = Path(path)
    try:
        st = p.stat()
        if not stat.S_ISREG(st.st_mode):
            # a folder, a pipe, or a device such as /dev/zero (read forever)
            raise InvalidAction(_("cannot read {path}: {reason}").format(
                path=str(path), reason=_("not a regular file")))
        size = st.st_size
        if size > MAX_SIZE:
            # Refused before reading: a mistaken video must not fill the memory.
            raise InvalidAction(_("{name}: {size} bytes is more than the {limit} allowed").format(
                name=p.name, size=size, limit=MAX_SIZE))
        content = p.read_bytes()
    except OSError as err:
        raise InvalidAction(_("cannot read {path}: {reason}").format(
            path=str(path), reason=err.strerror or str(err))) from None
    return evidence_from_bytes(p.name, content)


def check_count(n: int) -> None:
    """Refuse more than :data:`MAX_COUNT` attachments on one action."""
    if n > MAX_COUNT:
        raise InvalidAction(_("{n} attachments on one action; at most {limit}").format(
            n=n, limit=MAX_COUNT))
