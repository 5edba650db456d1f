"""The shipped JSON Schemas (``deliberation/schema/*.v1.schema.json``) and the schema of an
action, derived from the scenario vocabulary itself so the two cannot disagree.

>>> sorted(load("problem")["required"])
['code', 'detail', 'messages', 'status', 'title', 'type']
>>> action_schema()["oneOf"][0]["properties"]["do"]
{'const': 'motion'}
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Final

from deliberation.engine.scenario import ACTIONS

NAMES: Final = ("record", "archive", "event", "problem")

_KIND_SCHEMAS: Final[dict[str, dict[str, Any]]] = {
    "str": {"type": ["string", "integer"]},
    "int": {"type": "integer", "minimum": 0},
    "num": {"type": "number", "minimum": 0},
    "bool": {"type": "boolean"},
    "ids": {"type": "array", "items": {"type": "string"}},
    "who": {"anyOf": [{"type": "integer", "minimum": 0},
                      {"type": "array", "items": {"type": "string"}}]},
    "redo": {"type": ["boolean", "string"]},
    "votes": {"type": "object", "additionalProperties": False, "properties": {
        k: {"anyOf": [{"type": "integer", "minimum": 0},
                      {"type": "array", "items": {"type": "string"}}]}
        for k in ("yes", "no", "abstain")}},
    "proxies": {"anyOf": [{"type": "integer", "minimum": 0},
                          {"type": "object", "additionalProperties": {"type": "string"}}]},
    "exclusions": {"anyOf": [
        {"type": "object", "additionalProperties": {"type": "string"}},
        {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}]},
    "counts": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
    # a gate's checks met (ids), and those not met with their reasons ({id: reason})
    "checks": {"type": "array", "items": {"type": "string"}},
    "reasons": {"type": "object", "additionalProperties": {"type": "string"}},
}
# a meeting's votes per item: {item id: {yes, no, abstain}}
_KIND_SCHEMAS["item_votes"] = {"type": "object",
                               "additionalProperties": _KIND_SCHEMAS["votes"]}


@cache
def load(name: str) -> dict[str, Any]:
    """A shipped schema by name: ``record``, ``archive``, ``event`` or ``problem``."""
    if name not in NAMES:
        raise KeyError(f"no shipped schema {name!r}; choose one of {', '.join(NAMES)}")
    text = (resources.files("deliberation.schema") / f"{name}.v1.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


_COMPONENT_NAMES: Final = {"record": "Record", "archive": "Archive", "event": "Event",
                           "problem": "Problem"}


def _rewrite(node: Any, defs: dict[str, str], ids: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                v = defs.get(v) or ids.get(v) or v
            out[k] = _rewrite(v, defs, ids)
        return out
    if isinstance(node, list):
        return [_rewrite(v, defs, ids) for v in node]
    return node


def openapi_components() -> dict[str, Any]:
    """The shipped schemas as OpenAPI components: their ``$defs`` become components of their
    own and references between them point into ``#/components/schemas``."""
    ids = {load(n)["$id"]: f"#/components/schemas/{c}" for n, c in _COMPONENT_NAMES.items()}
    out: dict[str, Any] = {}
    for name, comp in _COMPONENT_NAMES.items():
        data = {k: v for k, v in load(name).items() if k not in ("$schema", "$id")}
        local = data.pop("$defs", {})
        defs = {f"#/$defs/{d}": f"#/components/schemas/{comp}_{d}" for d in local}
        out[comp] = _rewrite(data, defs, ids)
        for d, sub in local.items():
            out[f"{comp}_{d}"] = _rewrite(sub, defs, ids)
    out["Action"] = action_schema()
    return out


# Evidence an action carries (deliberation.store.evidence): each file's name and bytes
# (base64); a media type, if given, must agree with the content. The body limit bounds them.
_ATTACHMENTS: Final = {
    "type": "array", "minItems": 1, "maxItems": 50,
    "description": "evidence the action carries (PDF, PNG, JPEG, TIFF, WebP or UTF-8 text)",
    "items": {"type": "object", "required": ["name", "base64"], "additionalProperties": False,
              "properties": {"name": {"type": "string"}, "media_type": {"type": "string"},
                             "base64": {"type": "string", "contentEncoding": "base64"}}},
}


def action_schema() -> dict[str, Any]:
    """One action as the act endpoint takes it: ``do`` and that action's keys."""
    variants = []
    for do, (_, kinds, required) in ACTIONS.items():
        props: dict[str, Any] = {
            "do": {"const": do},
            "at": {"type": "string", "format": "date-time",
                   "description": "when it happened (default: now)"},
            "after": {"type": "number", "minimum": 0,
                      "description": "days after the case's last record"},
            "label": {"type": "string"},
            "attachments": _ATTACHMENTS,
        }
        props.update({k: _KIND_SCHEMAS[v] for k, v in kinds.items()})
        variants.append({"type": "object", "title": do, "required": ["do", *required],
                         "properties": props, "additionalProperties": False})
    return {"oneOf": variants}
