"""The shipped JSON Schema: equal to the generated one, valid, and agreeing with the loader."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from deliberation.definition.dump import to_data
from deliberation.definition.loader import builtin_procedures_dir, load_procedure
from deliberation.definition.model import ActionKind
from deliberation.definition.schema import build_schema, main, render
from deliberation.i18n import Triple
from deliberation.rules import RULES, Effect, Param, RuleType
from deliberation.schema import load_schema, schema_path

# Every procedure shipped in the package (the two methods and the seeds' other workflows).
ALL_SHIPPED = sorted(p.stem for p in builtin_procedures_dir().glob("*.yaml"))

BROKEN = Path(__file__).parent / "broken"


class Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 booleans, as editors read files: ``on:`` is a key, not ``True``."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load12(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = load_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def errors(validator: jsonschema.Draft7Validator, data: Any) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(data)]


def test_shipped_schema_equals_generated() -> None:
    assert schema_path().read_text(encoding="utf-8") == render()
    assert main(["--check"]) == 0


@pytest.mark.parametrize("name", ALL_SHIPPED)
def test_builtin_procedures_validate(validator: jsonschema.Draft7Validator, name: str) -> None:
    path = builtin_procedures_dir() / f"{name}.yaml"
    assert errors(validator, load12(path)) == []
    # Its first line points editors at the schema, by a path that exists.
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    target = (path.parent / first.split("$schema=", 1)[1]).resolve()
    assert target.name == "procedure.schema.json"


@pytest.mark.parametrize("name", ALL_SHIPPED)
def test_flat_dumps_validate(validator: jsonschema.Draft7Validator, name: str) -> None:
    assert errors(validator, to_data(load_procedure(name))) == []


EXTENSION = """\
id: every-operation
extends: four-deliberations
settings:
  disclosure-days: {default: 10}
stages:
  - insert_after: review
    stage:
      id: hearing
      name: {zh-Hans: 听证, zh-Hant: 聽證, en: hearing}
      action: disclosure
      body: villagers-committee
  - replace: results-disclosure
    stage:
      id: results-disclosure
      name: {zh-Hans: 结果公开, zh-Hant: 結果公開, en: results}
      action: disclosure
      body: villagers-committee
  - remove: discussion
  - update: review
    set:
      on: {rejected: proposal}
  - update: resolution
    remove_rules: [witness-signatures]
    add_rules:
      - rule: notice-period
        params: {days: 5}
    set:
      max_rounds: 2
      on: {rejected: review}
"""


def test_extension_with_every_operation_validates_and_loads(
    validator: jsonschema.Draft7Validator, tmp_path: Path
) -> None:
    path = tmp_path / "every-operation.yaml"
    path.write_text(EXTENSION, encoding="utf-8")
    assert errors(validator, load12(path)) == []
    p = load_procedure(path)
    assert [s.id for s in p.stages] == [
        "proposal",
        "review",
        "hearing",
        "resolution",
        "resolution-disclosure",
        "results-disclosure",
    ]
    assert p.settings["disclosure-days"].default == 10
    resolution = p.stage("resolution")
    assert resolution.max_rounds == 2 and resolution.route("rejected") == "review"
    assert [r.id for r in resolution.rules] == ["participant-signatures", "notice-period"]


@pytest.mark.parametrize(
    "name",
    [
        "d201-misspelt-key",
        "d207-unknown-action",
        "d302-unknown-selector",
        "d305-unknown-record",
        "d401-comparison",
        "d403-float-ratio",
        "d405-unknown-rule",
        "d407-unknown-param",
        "d408-missing-param",
        "d409-unknown-base",
        "d601-missing-zh-hant",
        "d705-extension-stage-list",
    ],
)
def test_schema_rejects_what_the_loader_rejects(
    validator: jsonschema.Draft7Validator, name: str
) -> None:
    assert errors(validator, load12(BROKEN / f"{name}.yaml")) != []


def test_a_newly_registered_rule_appears_in_the_schema() -> None:
    rule = RuleType(
        name="test-only-rule",
        label=Triple("测试", "測試", "test"),
        description="registered by a test",
        params=(Param("widgets", "int"),),
        actions=(ActionKind.MEETING,),
        effect=Effect.REFUSE,
        build=RULES["recusal"].build,
    )
    RULES[rule.name] = rule
    try:
        schema = build_schema()
    finally:
        del RULES[rule.name]
    rule_schema = schema["definitions"]["rule"]
    assert "test-only-rule" in rule_schema["properties"]["rule"]["enum"]
    branch = next(
        b
        for b in rule_schema["allOf"]
        if b["if"]["properties"]["rule"]["const"] == "test-only-rule"
    )
    assert branch["then"]["properties"]["params"]["required"] == ["widgets"]
    assert (
        "test-only-rule" not in build_schema()["definitions"]["rule"]["properties"]["rule"]["enum"]
    )
