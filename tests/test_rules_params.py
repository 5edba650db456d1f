"""A rule bound directly is checked against its own parameter declarations (rules.params)."""

from __future__ import annotations

from typing import Any

import pytest

from deliberation.rules import RULES
from deliberation.rules.params import declared


@pytest.mark.parametrize(("rule", "params", "words"), [
    ("consultation-coverage", {"unit": "family"}, "unit 'family' is not one of villager"),
    ("observers", {"of": "mayor"}, "of 'mayor' is not one of"),
    ("signatures", {"of": "everyone"}, "of 'everyone' is not one of participants"),
    ("satisfaction", {"base": "votes", "ratio": "1/2", "compare": ">", "min_ratings": 1},
     "base 'votes' is not one of ratings, raters"),
    ("disclosure", {"require": "most"}, "require 'most' is not one of any, all"),
    ("disclosure", {"when_short": "ignore"}, "when_short 'ignore' is not one of refuse"),
    ("signed-by", {"offices": []}, "offices names none"),
    ("signed-by", {"offices": ["accountant", "mayor"]}, "offices 'mayor' is not one of"),
    ("results-published", {"stages": []}, "stages names none"),
    ("disclosure", {"channels": []}, "channels names none"),
])
def test_a_value_outside_the_declaration_is_refused(rule: str, params: dict[str, Any],
                                                    words: str) -> None:
    with pytest.raises(ValueError, match=f"^{rule}: ") as err:
        RULES[rule].bind(rule, params)
    assert words in str(err.value)


@pytest.mark.parametrize(("minimum", "ok"), [(0, False), (1, True), (2, True)])
def test_observers_min_is_checked_against_its_declared_bound(minimum: int, ok: bool) -> None:
    params = {"of": "supervision-committee", "min": minimum}
    if not ok:
        with pytest.raises(ValueError, match="min must be at least 1"):
            RULES["observers"].bind("o", params)
        return
    assert RULES["observers"].bind("o", params).minimum == minimum  # type: ignore[attr-defined]


def test_defaults_and_good_values_bind_as_declared() -> None:
    rule = RULES["disclosure"].bind("d", {"channels": ["broadcast"], "require": "all",
                                          "when_short": "repost"})
    assert rule.channels == ("broadcast",)  # type: ignore[attr-defined]
    assert rule.require_all and rule.repost  # type: ignore[attr-defined]
    default = RULES["disclosure"].bind("d", {})
    assert default.channels == ("notice-board",)  # type: ignore[attr-defined]
    assert not default.require_all and not default.repost  # type: ignore[attr-defined]
    signed = RULES["signed-by"].bind("s", {"offices": ["accountant", "cashier"]})
    assert signed.offices == ("accountant", "cashier")  # type: ignore[attr-defined]


def test_a_parameter_the_rule_does_not_declare_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="declares no parameter 'colour'"):
        declared(type(RULES["observers"].bind("o", {"of": "representative"})), "colour")
