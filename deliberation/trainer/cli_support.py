"""What the trainer's commands (``walk``, ``diagram``, ``html``) share: settings, output, matter.

(The procedure argument and its loading are :mod:`deliberation.commands._library`'s, as for
every command that takes a procedure.)

>>> import argparse
>>> p = argparse.ArgumentParser()
>>> add_settings_option(p)
>>> parse_settings(p.parse_args(["--set", "one-person-both-chairs=true"]).set)
{'one-person-both-chairs': True}
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Final

import yaml

from deliberation.cliparse import N_
from deliberation.commands._library import Options, add_procedure_options
from deliberation.definition.model import Procedure
from deliberation.errors import DeliberationError
from deliberation.i18n import _


def add_settings_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--set", action="append", default=[], metavar="SETTING=VALUE",
                        help=N_("override a setting of the procedure, e.g. "
                        "one-person-both-chairs=true or party-assembly-quorum-ratio=2/3"))


def add_output_option(parser: argparse.ArgumentParser) -> None:
    """``-o FILE``: where :func:`write_output` writes (stdout without it)."""
    parser.add_argument("-o", "--output", metavar="FILE", help=N_("write here instead of stdout"))


def add_matter_option(parser: argparse.ArgumentParser) -> None:
    """``--matter TEXT``: the matter a rehearsal or a page is about (untitled without it)."""
    parser.add_argument("--matter", default="",
                        help=N_("the matter's title, shown on the page or in the walkthrough"))


# The argument groups of the trainer's commands, for ``add_command(..., options=…)``: the
# procedure and its settings (walk), and where the result is written (diagram, html).
PROCEDURE_OPTIONS: Final[tuple[Options, ...]] = (add_procedure_options, add_settings_option)
OUTPUT_OPTIONS: Final[tuple[Options, ...]] = (*PROCEDURE_OPTIONS, add_output_option)


def parse_settings(items: list[str]) -> dict[str, Any]:
    """``["a=true", "b=2/3"]`` → ``{"a": True, "b": "2/3"}``: YAML scalars, checked later.

    >>> parse_settings(["one-person-both-chairs=true", "party-assembly-quorum-ratio=2/3"])
    {'one-person-both-chairs': True, 'party-assembly-quorum-ratio': '2/3'}
    """
    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise DeliberationError(
                _("--set takes SETTING=VALUE, not {item!r}").format(item=item)
            )
        try:
            out[key.strip()] = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError:
            out[key.strip()] = value
    return out


def settings_of(args: argparse.Namespace, procedure: Procedure) -> dict[str, Any] | None:
    """The ``--set`` overrides, checked against the procedure and typed as the engine types them."""
    from deliberation.engine.plan import normalise_settings

    raw = parse_settings(getattr(args, "set", []) or [])
    return (normalise_settings(procedure, raw) or None) if raw else None


def refuse_binary_on_terminal(output: str | None, *, binary: bool) -> None:
    """Binary data is never written to a terminal: call before the work of making it."""
    if binary and not (output and output != "-") and sys.stdout.isatty():
        raise DeliberationError(
            _("PNG is binary: give an output file with -o FILE")
        )


def write_output(data: bytes, output: str | None, *, binary: bool = False) -> None:
    """Write to ``output`` (a file) or stdout; binary data is never written to a terminal."""
    refuse_binary_on_terminal(output, binary=binary)
    if output and output != "-":
        try:
            Path(output).write_bytes(data)
        except OSError as err:
            raise DeliberationError(
                _("cannot write {output}: {strerror}").format(output=output, strerror=err.strerror)
            ) from None
        return
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
