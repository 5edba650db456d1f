"""Generate the JSON Schema of the procedure format from the rule registry and the model.

The schema is derived, never hand-written: rule names and their parameters come from
:data:`deliberation.rules.RULES`, and the vocabularies (actions, outcome kinds, setting types,
route keys, record kinds, roster selectors, bases) from the model, so a newly registered rule
appears in it. The shipped copy is ``deliberation/schema/procedure.schema.json``; a test keeps
it equal to what this module generates. Regenerate it with::

    python -m deliberation.definition.schema           # write the shipped file
    python -m deliberation.definition.schema --check   # exit 1 when the shipped file is stale

Editors that speak the YAML language server pick it up from a first-line comment::

    # yaml-language-server: $schema=../deliberation/schema/procedure.schema.json

The schema checks shape and vocabulary; the loader's diagnostics remain the authority (the
schema cannot see, e.g., that 3/2 exceeds 1 or that a route names a missing stage).

>>> schema = build_schema()
>>> "quorum" in schema["definitions"]["rule"]["properties"]["rule"]["enum"]
True
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, Final

from deliberation.definition.loader import (
    _STAGE_OPS,
    FORMAT_VERSION,
    ID_PATTERN,
    RECORD_KINDS,
    VERSION_PATTERN,
)
from deliberation.definition.model import (
    DEFAULT_TIMEZONE,
    ITEM_POLICIES,
    ROUTE_KEYS,
    ActionKind,
    OutcomeKind,
    SettingType,
)
from deliberation.i18n import LANGS
from deliberation.roster import SELECTORS
from deliberation.rules import RULES, Param, RuleType
from deliberation.rules.attendance import QUORUM_BASES
from deliberation.rules.authorities import ASKS, AUTHORITIES
from deliberation.rules.electorate import EXCLUSION_REASONS, PROXY_MODES
from deliberation.rules.law import LAWS
from deliberation.schema import schema_path, schema_text, write_or_check

Schema = dict[str, Any]

DRAFT: Final = "http://json-schema.org/draft-07/schema#"
SCHEMA_ID: Final = "urn:deliberation:schema:procedure:1"


# an id, optionally pinned to a version (the loader's version pattern)
_EXTENDS_PATTERN: Final = ID_PATTERN.pattern[:-1] + f"(?:@{VERSION_PATTERN.pattern})?$"


def _ref(name: str) -> Schema:
    return {"$ref": f"#/definitions/{name}"}


def _id_map(value: Schema, what: str) -> Schema:
    return {
        "type": "object",
        "description": f"{what}, keyed by id",
        "propertyNames": _ref("id"),
        "additionalProperties": value,
    }


def _int_schema(param: Param) -> Schema:
    """A whole number within the parameter's bounds."""
    value: Schema = {"type": "integer", "minimum": param.minimum or 0}
    if param.maximum is not None:
        value["maximum"] = param.maximum
    return value


def _param_schema(param: Param) -> Schema:
    """The schema of one rule parameter's value."""
    t = param.type
    value: Schema
    if t == "fraction":
        value = _ref("fraction")
    elif t == "comparison":
        value = _ref("comparison")
    elif t in ("base", "choice"):
        value = {"enum": list(param.choices)}
    elif t == "int":
        value = _int_schema(param)
    elif t == "bool":
        value = {"type": "boolean"}
    elif t == "list" and param.choices:
        vocabulary: Schema = {"enum": list(param.choices)}
        value = {"oneOf": [vocabulary, {"type": "array", "items": vocabulary}]}
    elif t in ("list", "channels"):
        value = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    elif t == "thresholds":
        value = {"type": "array", "items": _ref("threshold")}
    elif t == "rules":  # a composite's rules: each a rule as a stage lists it
        value = {"type": "array", "minItems": 2, "items": _ref("rule")}
    elif t == "ints":
        value = {"type": "array", "minItems": 1, "items": _int_schema(param)}
    else:
        value = {"type": "string"}
    if t not in ("list", "channels", "thresholds", "ints", "rules"):
        # A parameter may take its value from a setting (the loader checks the setting's type).
        value = {"anyOf": [value, _ref("settingRef")]}
    if param.description:
        value["description"] = param.description
    if not param.required and param.default not in (None, ()):
        default = param.default
        value["default"] = default if isinstance(default, (bool, int, str)) else str(default)
    return value


def _rule_params(rule: RuleType) -> Schema:
    return {
        "type": "object",
        "description": f"parameters of {rule.name!r}",
        "additionalProperties": False,
        "properties": {p.name: _param_schema(p) for p in rule.params},
        "required": [p.name for p in rule.params if p.required],
    }


def _rule() -> Schema:
    names = sorted(RULES)
    return {
        "type": "object",
        "description": "a registered rule, by name, with its parameters",
        "additionalProperties": False,
        "required": ["rule"],
        "properties": {
            "rule": {
                "enum": names,
                "description": "; ".join(f"{n}: {RULES[n].description}" for n in names),
            },
            "id": {
                **_ref("id"),
                "description": "defaults to the rule name; give one to use a rule twice, "
                "or the id of a body rule to replace it at this stage",
            },
            "params": {"type": "object"},
            "basis": _ref("basisRefs"),
            "note": _ref("text"),
        },
        # One branch per rule: its parameters, by name (an editor completes them).
        "allOf": [
            {
                "if": {"properties": {"rule": {"const": n}}, "required": ["rule"]},
                "then": {"properties": {"params": _rule_params(RULES[n])}},
            }
            for n in names
        ],
    }


_STAGE_PROPS: Final[dict[str, Schema]] = {
    "id": _ref("id"),
    "name": _ref("text"),
    "description": _ref("text"),
    "action": {"enum": [a.value for a in ActionKind], "description": "what completes the stage"},
    "body": {"anyOf": [_ref("id"), _ref("settingRef")], "description": "the acting body"},
    "rules": {"type": "array", "items": _ref("rule")},
    "records": {"type": "array", "items": {"enum": list(RECORD_KINDS)}},
    "on": {
        "type": "object",
        "description": "where each result leads: a stage id, an outcome id or 'reconvene'",
        "additionalProperties": False,
        "properties": {k: {"type": "string"} for k in ROUTE_KEYS},
    },
    "max_rounds": {"type": "integer", "minimum": 1},
    "skip_when": {
        **_ref("id"),
        "description": "a bool setting; when true the stage is merged away",
    },
    "required_from": {
        "type": "object",
        "additionalProperties": False,
        "required": ["law", "version"],
        "description": "the law version that requires the stage: a case opened (local date) "
                       "before it came into force skips it",
        "properties": {
            "law": {"enum": sorted(LAWS)},
            "version": {"enum": sorted({v.version for law in LAWS.values()
                                        for v in law.versions})},
        },
    },
    "basis": _ref("basisRefs"),
    "items": {
        "type": "array",
        "minItems": 2,
        "description": "a meeting's items voted one by one, each with its own result",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "name"],
            "properties": {"id": _ref("id"), "name": _ref("text"),
                           "approval": {**_ref("rule"),
                                        "description": "the item's own vote (default: the "
                                                       "stage's approval)"}},
        },
    },
    "item_policy": {
        "enum": list(ITEM_POLICIES),
        "description": "all: the stage passes only if every item is adopted; any: it passes "
                       "with the items adopted, rejected only if none is",
    },
    "checks": {
        "type": "array",
        "minItems": 1,
        "description": "a gate's named checks, each answered as met or not met with a reason",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "name"],
            "properties": {"id": _ref("id"), "name": _ref("text")},
        },
    },
    "authority": {
        "description": "the authority above the village that decides a gate (built in: "
                       + ", ".join(AUTHORITIES) + "; or one of the procedure's authorities)",
        "anyOf": [_ref("id"), {
            "type": "object",
            "additionalProperties": False,
            "required": ["id"],
            "properties": {"id": _ref("id"), "asks": {"enum": list(ASKS)}},
        }],
    },
}
# what an extension's ``update: … set:`` cannot change (a stage is replaced to change them)
_NOT_SET: Final = ("id", "action", "rules", "items", "item_policy", "checks", "authority")


def _stage() -> Schema:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "name", "action", "body"],
        "properties": _STAGE_PROPS,
    }


def _stage_operation() -> Schema:
    def op(name: str, with_stage: bool) -> Schema:
        props: Schema = {name: {**_ref("id"), "description": "the inherited stage it acts on"}}
        if with_stage:
            props["stage"] = _ref("stage")
        return {
            "type": "object",
            "additionalProperties": False,
            "required": [name, "stage"] if with_stage else [name],
            "properties": props,
        }

    update_set = {k: v for k, v in _STAGE_PROPS.items() if k not in _NOT_SET}
    update: Schema = {
        "type": "object",
        "additionalProperties": False,
        "required": ["update"],
        "properties": {
            "update": {**_ref("id"), "description": "the inherited stage to change"},
            "add_rules": {"type": "array", "items": _ref("rule")},
            "remove_rules": {"type": "array", "items": _ref("id")},
            "set": {"type": "object", "additionalProperties": False, "properties": update_set},
        },
    }
    ops = {
        "insert_before": op("insert_before", True),
        "insert_after": op("insert_after", True),
        "replace": op("replace", True),
        "remove": op("remove", False),
        "update": update,
    }
    assert tuple(ops) == _STAGE_OPS, "keep in step with the loader's stage operations"
    return {"description": "an operation on the inherited stages", "oneOf": list(ops.values())}


def _setting(required: bool) -> Schema:
    by_type: dict[str, Schema] = {
        SettingType.BOOL.value: {"type": "boolean"},
        SettingType.INT.value: {"type": "integer", "minimum": 0},
        SettingType.FRACTION.value: _ref("fraction"),
        SettingType.COMPARISON.value: _ref("comparison"),
        SettingType.CHOICE.value: {"type": "string"},
        SettingType.STRING.value: {"type": "string"},
    }
    assert set(by_type) == {t.value for t in SettingType}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["type", "default", "description"] if required else [],
        "properties": {
            "type": {"enum": [t.value for t in SettingType]},
            "default": {},
            "description": _ref("text"),
            "choices": {"type": "array", "items": {"type": "string"}},
            "open": {"type": "boolean", "description": "an interpretation the law leaves open"},
            "basis": _ref("basisRefs"),
        },
        "allOf": [
            {
                "if": {"properties": {"type": {"const": t}}, "required": ["type"]},
                "then": {"properties": {"default": s}},
            }
            for t, s in by_type.items()
        ],
    }


def build_schema() -> Schema:
    """The JSON Schema (draft-07) of a procedure file, base or ``extends:``."""
    definitions: Schema = {
        "id": {"type": "string", "pattern": ID_PATTERN.pattern},
        "text": {
            "type": "object",
            "description": "text in every language the library speaks",
            "additionalProperties": False,
            "required": list(LANGS),
            "properties": {lang: {"type": "string", "minLength": 1} for lang in LANGS},
        },
        "fraction": {
            "description": "an exact fraction from 0 to 1, e.g. 1/2 or 2/3 (floats are refused)",
            "oneOf": [
                {"type": "string", "pattern": r"^\s*\d+\s*/\s*\d+\s*$"},
                {"type": "string", "pattern": r"^\s*[01]\s*$"},
                {"enum": [0, 1]},
            ],
        },
        "comparison": {
            "enum": [">=", ">"],
            "description": "'>=' for 以上 (includes the number), '>' for 超过/过半数 (excludes it)",
        },
        "settingRef": {
            "type": "object",
            "description": "take the value from a setting",
            "additionalProperties": False,
            "required": ["setting"],
            "properties": {"setting": _ref("id")},
        },
        "threshold": {
            "type": "object",
            "additionalProperties": False,
            "required": ["ratio", "compare", "base"],
            "properties": {
                "ratio": {"anyOf": [_ref("fraction"), _ref("settingRef")]},
                "compare": {"anyOf": [_ref("comparison"), _ref("settingRef")]},
                "base": {"anyOf": [{"enum": list(QUORUM_BASES)}, _ref("settingRef")]},
            },
        },
        "basisRefs": {"type": "array", "items": _ref("id")},
        "basis": {
            "type": "object",
            "additionalProperties": False,
            "required": ["title"],
            "properties": {
                "title": _ref("text"),
                "tag": {"enum": ["law", "seed", "local", "open"]},
                "article": {"type": ["string", "integer"]},
                "url": {"type": "string"},
                "law": {"enum": sorted(LAWS),
                        "description": "the law (deliberation/rules/law.yaml) the article is "
                                       "of: cited by the version in force when a case opens"},
            },
        },
        "setting": _setting(required=True),
        "settingOverride": _setting(required=False),
        "selectors": {
            "oneOf": [
                {"enum": sorted(SELECTORS)},
                {"type": "array", "items": {"enum": sorted(SELECTORS)}},
            ]
        },
        # a body's members: roster selectors, or the id of a group a meeting creates (groups:)
        "members": {
            "description": "roster selectors, or the id of a group declared under 'groups'",
            "oneOf": [
                {"anyOf": [{"enum": sorted(SELECTORS)}, _ref("id")]},
                {"type": "array", "items": {"anyOf": [{"enum": sorted(SELECTORS)}, _ref("id")]}},
            ],
        },
        "group": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "elected_at"],
            "description": "a group a meeting creates: elected by name at the meeting of "
                           "'elected_at', then named among a body's members like a selector",
            "properties": {
                "name": _ref("text"),
                "description": _ref("text"),
                "elected_at": {**_ref("id"), "description": "the meeting stage that elects it"},
                "eligible": {**_ref("selectors"),
                             "description": "who may be elected (default: every villager)"},
                "min": {"type": "integer", "minimum": 1, "default": 1},
                "max": {"type": "integer", "minimum": 1},
                "basis": _ref("basisRefs"),
            },
        },
        "rule": _rule(),
        "body": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "members"],
            "properties": {
                "name": _ref("text"),
                "description": _ref("text"),
                "members": _ref("members"),
                "voters": _ref("members"),
                "unit": {"enum": ["person", "household"]},
                "rules": {"type": "array", "items": _ref("rule")},
                "basis": _ref("basisRefs"),
                "exclusions": {"type": "array", "uniqueItems": True,
                               "items": {"enum": sorted(EXCLUSION_REASONS)}},
                "attendance": {"type": "object", "additionalProperties": False, "properties": {
                    "online": {"type": "boolean"}, "proxy": {"enum": list(PROXY_MODES)}}},
            },
        },
        "stage": _stage(),
        "stageOperation": _stage_operation(),
        "outcome": {
            "type": "object",
            "additionalProperties": False,
            "required": ["kind", "name"],
            "properties": {"kind": {"enum": [k.value for k in OutcomeKind]}, "name": _ref("text")},
        },
    }
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": f"deliberation procedure (format {FORMAT_VERSION})",
        "description": "A village deliberation procedure: bodies, stages, rules and outcomes. "
        "Generated by deliberation.definition.schema; see docs/format.md.",
        "type": "object",
        "additionalProperties": False,
        "required": ["id"],
        "properties": {
            "format": {"const": FORMAT_VERSION},
            "id": _ref("id"),
            "extends": {
                "type": "string",
                "pattern": _EXTENDS_PATTERN,
                "description": "the id of a procedure on the search path, best with the version "
                "it builds on (ID@VERSION), so that a later version of it cannot change this one",
            },
            "version": {"type": ["string", "number"]},
            "locality": {"type": "string"},
            "timezone": {
                "type": "string",
                "default": DEFAULT_TIMEZONE,
                "pattern": r"^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*$",
                "description": "the IANA time zone whose calendar dates every day count, "
                "deadline, notice period and lunar date uses (default China Standard Time)",
                "examples": [DEFAULT_TIMEZONE],
            },
            "name": _ref("text"),
            "description": _ref("text"),
            "basis": _id_map(_ref("basis"), "legal and documentary sources"),
            "settings": {"type": "object", "propertyNames": _ref("id")},
            "bodies": _id_map(_ref("body"), "the bodies that act"),
            "groups": _id_map(_ref("group"), "groups a meeting creates, by id"),
            "stages": {"type": "array"},
            "outcomes": _id_map(_ref("outcome"), "how a case can end"),
            "channels": _id_map(_ref("text"), "the procedure's own disclosure channels and "
                                "their names (besides the built-in ones)"),
            "authorities": _id_map(_ref("text"), "the procedure's own authorities above the "
                                   "village and their names (besides the built-in ones)"),
            "supervision": {
                "type": "object",
                "additionalProperties": False,
                "required": ["body"],
                "properties": {
                    "body": _ref("id"),
                    "answer_within_days": {"type": "integer", "minimum": 1},
                    "basis": _ref("basisRefs"),
                },
            },
            "withdrawal": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "by": {"type": "array", "items": {"type": "string"}},
                    "until": _ref("id"),
                    "outcome": _ref("id"),
                },
            },
            "escalation": {
                "type": "object",
                "additionalProperties": False,
                "required": ["levels", "to", "top"],
                "description": "an escalation ladder: routes to 'escalate' raise the case a level",
                "properties": {
                    "levels": {
                        "type": "array",
                        "minItems": 2,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["id", "name"],
                            "properties": {"id": _ref("id"), "name": _ref("text")},
                        },
                    },
                    "to": _ref("id"),
                    "top": _ref("id"),
                    "basis": _ref("basisRefs"),
                },
            },
        },
        # A base procedure lists whole stages; an extension lists operations on the inherited
        # ones and may re-state inherited settings in part.
        "if": {"required": ["extends"]},
        "then": {
            "properties": {
                "stages": {"items": _ref("stageOperation")},
                "settings": {"additionalProperties": _ref("settingOverride")},
            }
        },
        "else": {
            "required": ["id", "version", "name", "bodies", "stages", "outcomes"],
            "properties": {
                "stages": {"items": _ref("stage"), "minItems": 1},
                "settings": {"additionalProperties": _ref("setting")},
            },
        },
        # Without groups of its own or inherited, a body's members are roster selectors only.
        "allOf": [{
            "if": {"not": {"anyOf": [{"required": ["groups"]}, {"required": ["extends"]}]}},
            "then": {"properties": {"bodies": {"additionalProperties": {"properties": {
                "members": _ref("selectors"), "voters": _ref("selectors")}}}}},
        }],
        "definitions": definitions,
    }


def render() -> str:
    """The schema as the text of the shipped file."""
    return schema_text(build_schema())


def main(argv: Sequence[str] | None = None) -> int:
    return write_or_check(render(), schema_path(), "deliberation.definition.schema", argv)

if __name__ == "__main__":
    sys.exit(main())
