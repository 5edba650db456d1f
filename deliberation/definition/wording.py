"""A procedure's rule in words, with its settings resolved: one line each for ``show``, the
service's procedure view and anything else that lists a procedure's rules.

>>> from deliberation.definition.loader import load_procedure
>>> p = load_procedure("four-deliberations")
>>> describe_rule(p, p.bodies["representatives-meeting"].rules[0], "en")
'quorum: at least 2/3 of members [basis: `organic-law-2018-art26`, `civil-code-1259`]'
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Final

from deliberation.definition.model import (
    Body,
    FrozenMap,
    ParamValue,
    Procedure,
    RuleSpec,
    Setting,
    SettingRef,
)
from deliberation.i18n import Text, _
from deliberation.rules import RULES
from deliberation.rules.law import is_representative
from deliberation.rules.thresholds import format_fraction

_OPEN: Final = _("[open]")
_SETTING: Final = _("setting")
_BASIS: Final = _("basis")


def code(value: object) -> str:
    """An id, a setting's value or a command as code (```…```): what readers type, not prose.

    >>> code("party-assembly")
    '`party-assembly`'
    """
    return f"`{value}`"


def person(name: str, vid: str) -> str:
    """A villager as a clerk names them: the name, with the roster id as code (what commands
    take); the id alone when the roster has no name.

    >>> person("张桂兰", "v0006"), person("", "v0007")
    ('张桂兰 (`v0006`)', '`v0007`')
    """
    return f"{name} ({code(vid)})" if name else code(vid)


class _Params:
    """A rule's parameters with settings resolved, remembering which came from a setting."""

    def __init__(self, procedure: Procedure, spec: RuleSpec) -> None:
        self.procedure = procedure
        self.given = dict(spec.params)
        rtype = RULES.get(spec.rule)
        self.defaults = rtype.with_defaults({}) if rtype else {}
        self.used: list[Setting] = []

    def __getitem__(self, name: str) -> Any:
        raw = self.given.get(name, self.defaults.get(name))
        return self.resolve(raw)

    def resolve(self, raw: ParamValue | Any) -> Any:
        if isinstance(raw, SettingRef):
            setting = self.procedure.settings[raw.setting]
            if setting not in self.used:
                self.used.append(setting)
            return setting.default
        if isinstance(raw, FrozenMap):
            return {k: self.resolve(v) for k, v in raw.items}
        if isinstance(raw, tuple):
            return tuple(self.resolve(v) for v in raw)
        return raw


def _describe(procedure: Procedure, spec: RuleSpec, p: _Params, body: Body | None) -> Text:
    """The rule in words, as the rule itself describes it (settings at their defaults), at
    ``body`` when given (a rule may depend on whether it is a representative one)."""
    rtype = RULES[spec.rule]
    params = {param.name: p[param.name] for param in rtype.params}
    rule = rtype.bind(spec.id, params, spec.basis)
    if body is not None:
        rule = rule.at_body(is_representative(body.members))
    return rule.describe(procedure.channels).detail


def plain(value: Any) -> str:
    """A setting's value as a procedure file writes it (``true``, ``2/3``, ``[a, b]``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Fraction):
        return format_fraction(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(plain(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {plain(v)}" for k, v in value.items()) + "}"
    return str(value)


def describe_rule(procedure: Procedure, spec: RuleSpec, lang: str, body: Body | None = None
                  ) -> str:
    """One line: ``label: what it requires (settings: id = value [open]) [basis: …]``.

    """
    params = _Params(procedure, spec)
    rtype = RULES.get(spec.rule)
    label = rtype.label.get(lang) if rtype else spec.rule
    if spec.id != spec.rule:
        label = f"{label} ({code(spec.id)})"
    line = f"{label}: {_describe(procedure, spec, params, body).get(lang)}"
    if params.used:
        marks = ", ".join(
            code(f"{s.id} = {plain(s.default)}") + (f" {_OPEN.get(lang)}" if s.open else "")
            for s in params.used
        )
        line += f" ({_SETTING.get(lang)}: {marks})"
    if spec.note is not None:
        line += f" — {spec.note.get(lang)}"
    if spec.basis:
        line += f" [{_BASIS.get(lang)}: {', '.join(map(code, spec.basis))}]"
    return line


__all__ = ["code", "describe_rule", "plain"]
