"""Reading a rule's parameters in its ``from_params``, against what the rule declares of them.

Each registered rule declares its parameters once (:class:`~deliberation.rules.base.Param`: the
choices, the default, the bounds), and the loader checks a procedure file against those
declarations. A rule bound directly (``RULES[name].bind(...)``) is checked here against the very
same declarations, so that no family writes its vocabulary or its bounds a second time.

>>> from deliberation.rules import RULES
>>> rule = type(RULES["consultation-coverage"].bind("c", {}))
>>> choice(rule, {"unit": "household"}, "unit")
'household'
>>> choice(rule, {"unit": "family"}, "unit")
Traceback (most recent call last):
...
ValueError: consultation-coverage: unit 'family' is not one of villager, household
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from deliberation.rules.base import Param, Rule


def declared(rule: type[Rule], name: str) -> Param:
    """The parameter ``name`` as ``rule`` declares it (``KeyError`` when it declares none)."""
    param = rule.type.param(name)
    if param is None:
        raise KeyError(f"{rule.type.name} declares no parameter {name!r}")
    return param


def _value(param: Param, params: Mapping[str, Any]) -> Any:
    value = params.get(param.name)
    return param.default if value is None else value


def choice(rule: type[Rule], params: Mapping[str, Any], name: str) -> str:
    """``params[name]`` (the declared default when it is absent), one of its declared choices."""
    param = declared(rule, name)
    value = str(_value(param, params))
    if value not in param.choices:
        raise ValueError(f"{rule.type.name}: {name} {value!r} is not one of "
                         f"{', '.join(param.choices)}")
    return value


def some(rule: type[Rule], params: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """``params[name]`` as text, at least one, each among the declared choices (any text where
    none are declared: a procedure's own stages or channels, which the loader checks)."""
    param = declared(rule, name)
    values = tuple(str(v) for v in _value(param, params) or ())
    if not values:
        raise ValueError(f"{rule.type.name}: {name} names none")
    unknown = [v for v in values if param.choices and v not in param.choices]
    if unknown:
        raise ValueError(f"{rule.type.name}: {name} {unknown[0]!r} is not one of "
                         f"{', '.join(param.choices)}")
    return values


def whole(rule: type[Rule], params: Mapping[str, Any], name: str) -> int:
    """``params[name]`` (the declared default when it is absent) as a whole number within the
    declared bounds."""
    param = declared(rule, name)
    value = int(_value(param, params))
    if param.minimum is not None and value < param.minimum:
        raise ValueError(f"{rule.type.name}: {name} must be at least {param.minimum}")
    if param.maximum is not None and value > param.maximum:
        raise ValueError(f"{rule.type.name}: {name} must be at most {param.maximum}")
    return value


__all__ = ["choice", "declared", "some", "whole"]
