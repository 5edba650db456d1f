"""The shipped roster JSON Schema: equal to the generated one, and agreeing with the reader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from deliberation.roster.fields import FIELDS
from deliberation.roster.files import parse_yaml
from deliberation.roster.schema import build_schema, main, render, roster_schema_path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "rosters"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(roster_schema_path().read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_shipped_schema_equals_generated() -> None:
    assert roster_schema_path().read_text(encoding="utf-8") == render()
    assert main(["--check"]) == 0


def test_schema_has_every_field_of_the_reader() -> None:
    villager = build_schema()["definitions"]["villager"]
    assert list(villager["properties"]) == [f.name for f in FIELDS]
    assert villager["required"] == [f.name for f in FIELDS if f.required]


def test_example_validates(validator: jsonschema.Draft7Validator) -> None:
    data = yaml.safe_load((EXAMPLES / "village.yaml").read_text(encoding="utf-8"))
    assert list(validator.iter_errors(data)) == []
    # Its first line points editors at the schema, by a path that exists.
    first = (EXAMPLES / "village.yaml").read_text(encoding="utf-8").splitlines()[0]
    target = (EXAMPLES / first.split("$schema=", 1)[1]).resolve()
    assert target == roster_schema_path().resolve()


@pytest.mark.parametrize(
    "text",
    [
        "- {id: v1, household: h1, is_adult: false}\n",
        "- {id: v1, household: h1, committee: [party-committee]}\n",
        "- {id: v1}\n",
        "- {id: v1, household: h1, adult: maybe}\n",
        "- {id: v1, household: h1, party: member}\n",
        "- {id: v1, household: h1, committees: [party-comittee]}\n",
        "villagers: []\nextra: 1\n",
        "- {id: '', household: h1}\n",
    ],
)
def test_schema_rejects_what_the_reader_rejects(validator: jsonschema.Draft7Validator,
                                                text: str) -> None:
    assert parse_yaml(text, "v.yaml").problems
    data: Any = yaml.safe_load(text)
    assert list(validator.iter_errors(data)) != []


@pytest.mark.parametrize(
    "text",
    [
        "- {id: v1, household: h1}\n",
        "villagers:\n  - {id: 7, household: h1, adult: 是, resident: no, township: FALSE}\n",
        "- {id: v1, household: h1, committees: 'party-committee;villagers-committee'}\n",
        "- {id: v1, household: h1, party: probationary, representative: 1, name: null}\n",
    ],
)
def test_schema_accepts_what_the_reader_accepts(validator: jsonschema.Draft7Validator,
                                                text: str) -> None:
    assert parse_yaml(text, "v.yaml").problems == ()
    assert list(validator.iter_errors(yaml.safe_load(text))) == []
