"""Generate the JSON Schema of the YAML roster format (``roster.schema.json``) from the field
table the reader uses (:data:`deliberation.roster.fields.FIELDS`), so the two cannot differ.
The shipped copy is ``deliberation/schema/roster.schema.json``; a test keeps it equal to what
this module generates. Regenerate it with::

    python -m deliberation.roster.schema           # write the shipped file
    python -m deliberation.roster.schema --check   # exit 1 when the shipped file is stale

The schema describes the YAML form as data (a CSV roster has the same columns, each cell text).
The reader's diagnostics remain the authority: the schema cannot see a repeated id.

>>> schema = build_schema()
>>> schema["definitions"]["villager"]["required"]
['id', 'household']
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Final

from deliberation.roster.fields import COMMITTEE_SEPARATORS, FIELDS, REQUIRED, Field
from deliberation.schema import schema_text, write_or_check

Schema = dict[str, Any]

DRAFT: Final = "http://json-schema.org/draft-07/schema#"
SCHEMA_ID: Final = "urn:deliberation:schema:roster:1"


def roster_schema_path() -> Path:
    """Where the shipped ``roster.schema.json`` is."""
    return Path(str(resources.files("deliberation.schema"))) / "roster.schema.json"


def _field_schema(field: Field) -> Schema:
    described: Schema = {"description": field.label.en}
    if field.kind == "text":
        # Written as text; a plain number is read as the digits written (``007`` stays 007).
        return {**described, "type": ["string", "integer"], "minLength": 1} if field.required \
            else {**described, "type": ["string", "integer", "null"]}
    if field.kind == "flag":
        return {**described, "default": field.default,
                "oneOf": [{"type": ["boolean", "null"]}, {"type": "integer", "enum": [0, 1]},
                          {"type": "string", "enum": _spellings(field.allowed)}]}
    if field.kind == "sex":
        return {**described, "default": field.default,
                "oneOf": [{"type": "null"}, {"type": "string", "enum": _spellings(field.allowed)}]}
    if field.kind == "party":
        return {**described, "default": field.default,
                "oneOf": [{"type": "null"}, {"type": "string", "enum": list(field.allowed)}]}
    seps = "".join(COMMITTEE_SEPARATORS)
    return {**described, "default": [],
            "oneOf": [{"type": "null"},
                      {"type": "array", "items": {"type": "string", "enum": list(field.allowed)},
                       "uniqueItems": True},
                      {"type": "string",
                       "description": f"{field.name} separated by one of {seps}"}]}


def _spellings(words: Sequence[str]) -> list[str]:
    """The yes/no words as they may be written (the reader ignores case)."""
    out: list[str] = []
    for w in words:
        for form in (w, w.capitalize(), w.upper()):
            if form not in out:
                out.append(form)
    return out


def build_schema() -> Schema:
    """The roster schema as data."""
    villager: Schema = {
        "type": "object",
        "description": "one person on the roster",
        "required": list(REQUIRED),
        "additionalProperties": False,
        "properties": {f.name: _field_schema(f) for f in FIELDS},
    }
    people: Schema = {"type": "array", "items": {"$ref": "#/definitions/villager"}}
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "deliberation roster (format 1)",
        "description": "A village roster: a list of people, or a mapping with 'villagers:' "
        "holding one. See docs/roster.md.",
        "oneOf": [
            {"$ref": "#/definitions/people"},
            {"type": "object", "required": ["villagers"], "additionalProperties": False,
             "properties": {"villagers": {"$ref": "#/definitions/people"}}},
        ],
        "definitions": {"people": people, "villager": villager},
    }


def render() -> str:
    """The schema as the text of the shipped file."""
    return schema_text(build_schema())


def main(argv: Sequence[str] | None = None) -> int:
    return write_or_check(render(), roster_schema_path(), "deliberation.roster.schema", argv)

if __name__ == "__main__":
    sys.exit(main())
