"""Write a :class:`~deliberation.definition.Procedure` back out as plain data or YAML.

The output is *flat*: an extension is written with every inherited part resolved and no
``extends:`` key, so it stands on its own. :func:`deliberation.loader.from_data` reads it back
to an equal procedure; the one thing a flat dump cannot carry is ``Procedure.extends`` (where
the procedure came from), which reads back as ``None``.

>>> from deliberation import load_procedure
>>> from deliberation.definition.loader import from_data
>>> p = load_procedure("four-deliberations")
>>> from_data(to_data(p)) == p
True
>>> to_data(p)["bodies"]["representatives-meeting"]["rules"][0]["params"]["ratio"]
'2/3'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any, TypeVar

import yaml

from deliberation.definition.loader import FORMAT_VERSION
from deliberation.definition.model import (
    Basis,
    Body,
    FrozenMap,
    Group,
    MeetingItem,
    Outcome,
    ParamValue,
    Procedure,
    RuleSpec,
    Setting,
    SettingRef,
    Stage,
    Supervision,
    Withdrawal,
)
from deliberation.i18n import Text
from deliberation.rules.thresholds import format_fraction

V = TypeVar("V")


def to_data(procedure: Procedure) -> dict[str, Any]:
    """Plain YAML/JSON-able data for ``procedure`` (flat: no ``extends``).

    Fractions are written as exact ``"n/d"`` strings, setting references as
    ``{"setting": id}``, labels as ``{"zh-Hans": …, "zh-Hant": …, "en": …}``.
    """
    out: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "id": procedure.id,
        "version": procedure.version,
        "locality": procedure.locality,
        "timezone": procedure.timezone,
        "name": _text(procedure.name),
    }
    if procedure.description is not None:
        out["description"] = _text(procedure.description)
    _put_mapping(out, "basis", procedure.basis, _basis)
    _put_mapping(out, "settings", procedure.settings, _setting)
    _put_mapping(out, "groups", procedure.groups, _group)
    out["bodies"] = {k: _body(b) for k, b in procedure.bodies.items()}
    out["stages"] = [_stage(s) for s in procedure.stages]
    out["outcomes"] = {k: _outcome(o) for k, o in procedure.outcomes.items()}
    if procedure.supervision is not None:
        out["supervision"] = _supervision(procedure.supervision)
    if procedure.withdrawal is not None:
        out["withdrawal"] = _withdrawal(procedure.withdrawal)
    _put_mapping(out, "channels", procedure.channels, _text)
    _put_mapping(out, "authorities", procedure.authorities, _text)
    if procedure.escalation is not None:
        esc = procedure.escalation
        out["escalation"] = {
            "levels": [{"id": lv.id, "name": _text(lv.name)} for lv in esc.levels],
            "to": esc.to,
            "top": esc.top,
        }
        if esc.basis:
            out["escalation"]["basis"] = list(esc.basis)
    return out


def _put_mapping(out: dict[str, Any], key: str, mapping: Mapping[str, V],
                 convert: Callable[[V], Any]) -> None:
    """``out[key]``: ``mapping`` with each value converted; no key when it is empty (the
    loader reads an absent mapping as an empty one)."""
    if mapping:
        out[key] = {k: convert(v) for k, v in mapping.items()}


def to_yaml(procedure: Procedure) -> str:
    """``procedure`` as a YAML document that the loader reads back to an equal procedure.

    >>> from deliberation import load_procedure
    >>> to_yaml(load_procedure("four-deliberations")).splitlines()[1]
    'id: four-deliberations'
    """
    return yaml.safe_dump(
        to_data(procedure), allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    )


# -- parts -------------------------------------------------------------------------------------


def _text(text: Text) -> dict[str, str]:
    return text.to_data()


def _value(value: ParamValue) -> Any:
    """A parameter or setting value as plain data (exact fractions stay exact, as text)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Fraction):
        return format_fraction(value)
    if isinstance(value, SettingRef):
        return {"setting": value.setting}
    if isinstance(value, FrozenMap):
        return {k: _value(v) for k, v in value.items}
    if isinstance(value, tuple):
        return [_value(v) for v in value]
    return value


def _basis(basis: Basis) -> dict[str, Any]:
    out: dict[str, Any] = {"tag": basis.tag, "title": _text(basis.title)}
    if basis.article:
        out["article"] = basis.article
    if basis.url:
        out["url"] = basis.url
    if basis.law:
        out["law"] = basis.law
    return out


def _setting(setting: Setting) -> dict[str, Any]:
    out: dict[str, Any] = {"type": setting.type.value}
    if setting.choices:
        out["choices"] = list(setting.choices)
    out["default"] = _value(setting.default)
    if setting.open:
        out["open"] = True
    if setting.basis:
        out["basis"] = list(setting.basis)
    out["description"] = _text(setting.description)
    return out


def _rule(spec: RuleSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"rule": spec.rule}
    if spec.id != spec.rule:
        out["id"] = spec.id
    if spec.params:
        out["params"] = {k: _value(v) for k, v in spec.params}
    if spec.basis:
        out["basis"] = list(spec.basis)
    if spec.note is not None:
        out["note"] = _text(spec.note)
    return out


def _group(group: Group) -> dict[str, Any]:
    out: dict[str, Any] = {"name": _text(group.name), "elected_at": group.elected_at,
                           "eligible": list(group.eligible), "min": group.min_members}
    if group.max_members is not None:
        out["max"] = group.max_members
    if group.description is not None:
        out["description"] = _text(group.description)
    if group.basis:
        out["basis"] = list(group.basis)
    return out


def _body(body: Body) -> dict[str, Any]:
    out: dict[str, Any] = {"name": _text(body.name), "members": list(body.members)}
    if body.voters:
        out["voters"] = list(body.voters)
    if body.unit != "person":
        out["unit"] = body.unit
    if body.description is not None:
        out["description"] = _text(body.description)
    if body.basis:
        out["basis"] = list(body.basis)
    if body.rules:
        out["rules"] = [_rule(r) for r in body.rules]
    if body.exclusions:
        out["exclusions"] = list(body.exclusions)
    if body.online or body.proxy != "none":
        out["attendance"] = {"online": body.online, "proxy": body.proxy}
    return out


def _stage(stage: Stage) -> dict[str, Any]:
    out: dict[str, Any] = {"id": stage.id, "name": _text(stage.name)}
    if stage.description is not None:
        out["description"] = _text(stage.description)
    out["action"] = stage.action.value
    out["body"] = _value(stage.body)
    if stage.skip_when is not None:
        out["skip_when"] = stage.skip_when
    if stage.required_from is not None:
        out["required_from"] = {"law": stage.required_from.law,
                                "version": stage.required_from.version}
    if stage.basis:
        out["basis"] = list(stage.basis)
    if stage.records:
        out["records"] = list(stage.records)
    if stage.rules:
        out["rules"] = [_rule(r) for r in stage.rules]
    if stage.max_rounds is not None:
        out["max_rounds"] = stage.max_rounds
    if stage.on:
        out["on"] = dict(stage.on)
    if stage.items:
        out["items"] = [_item(it) for it in stage.items]
        if stage.item_policy != "all":
            out["item_policy"] = stage.item_policy
    if stage.checks:
        out["checks"] = [{"id": c.id, "name": _text(c.name)} for c in stage.checks]
    if stage.authority is not None:
        out["authority"] = {"id": stage.authority.id, "asks": stage.authority.asks}
    return out


def _item(item: MeetingItem) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.id, "name": _text(item.name)}
    if item.approval is not None:
        out["approval"] = _rule(item.approval)
    return out


def _outcome(outcome: Outcome) -> dict[str, Any]:
    return {"kind": outcome.kind.value, "name": _text(outcome.name)}


def _supervision(s: Supervision) -> dict[str, Any]:
    out: dict[str, Any] = {"body": s.body, "answer_within_days": s.answer_within_days}
    if s.basis:
        out["basis"] = list(s.basis)
    return out


def _withdrawal(w: Withdrawal) -> dict[str, Any]:
    out: dict[str, Any] = {"by": list(w.by)}
    if w.until is not None:
        out["until"] = w.until
    out["outcome"] = w.outcome
    return out


__all__ = ["to_data", "to_yaml"]
