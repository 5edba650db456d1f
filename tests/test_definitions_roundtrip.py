"""Round trip: ``from_data(to_data(p)) == p`` for generated and built-in definitions."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from deliberation.definition.dump import to_data, to_yaml
from deliberation.definition.loader import (
    RECORD_KINDS,
    Library,
    builtin_procedures_dir,
    from_data,
    load_procedure,
    load_text,
)
from deliberation.definition.model import ActionKind, Procedure
from deliberation.errors import DefinitionError
from deliberation.roster import SELECTORS
from deliberation.rules import RULES, Param
from deliberation.rules.attendance import APPROVAL_BASES, QUORUM_BASES
from deliberation.rules.authorities import ASKS, AUTHORITIES
from deliberation.rules.channels import CHANNELS
from deliberation.rules.law import REGIMES, regime_of

# Every procedure shipped in the package (the two methods and the seeds' other workflows).
ALL_SHIPPED = sorted(p.stem for p in builtin_procedures_dir().glob("*.yaml"))

IDS = st.from_regex(r"\A[a-z][a-z0-9]{0,5}(?:-[a-z0-9]{1,4}){0,2}\Z", fullmatch=True)
CHARS = st.characters(
    whitelist_categories=("Lu", "Ll", "Lo", "Nd"), whitelist_characters=" -:,'\"#&*!?%/()"
)
WORDS = st.text(CHARS, min_size=1, max_size=12).filter(lambda s: s.strip() == s and s != "")
TEXT = st.fixed_dictionaries({"zh-Hans": WORDS, "zh-Hant": WORDS, "en": WORDS})
FRACTIONS = st.builds(Fraction, st.integers(0, 12), st.integers(1, 12)).filter(lambda f: f <= 1)


def fraction_text(f: Fraction) -> str | int:
    return f"{f.numerator}/{f.denominator}"


@st.composite
def threshold(draw: st.DrawFn, bases: tuple[str, ...]) -> dict[str, Any]:
    return {
        "ratio": fraction_text(draw(FRACTIONS)),
        "compare": draw(st.sampled_from([">=", ">"])),
        "base": draw(st.sampled_from(bases)),
    }


def _within(param: Param, value: int) -> bool:
    return (param.minimum is None or value >= param.minimum) and (
        param.maximum is None or value <= param.maximum)


@st.composite
def param_value(draw: st.DrawFn, param: Param, settings: dict[str, dict[str, Any]]) -> Any:
    """A valid value for ``param``, sometimes a reference to a setting of the right type."""
    kinds = {"fraction": "fraction", "comparison": "comparison", "int": "int", "bool": "bool"}
    if param.type in kinds:
        # a setting's default must itself be a value the parameter allows (the loader checks)
        refs = [k for k, s in settings.items() if s["type"] == kinds[param.type]
                and (param.type != "int" or _within(param, s["default"]))]
        if refs and draw(st.booleans()):
            return {"setting": draw(st.sampled_from(refs))}
    t = param.type
    if t == "fraction":
        return fraction_text(draw(FRACTIONS))
    if t == "comparison":
        return draw(st.sampled_from([">=", ">"]))
    if t in ("base", "choice"):
        return draw(st.sampled_from(param.choices))
    if t == "int":
        low = param.minimum or 0
        return draw(st.integers(low, param.maximum if param.maximum is not None else 30))
    if t == "ints":
        return draw(st.lists(st.integers(param.minimum or 0, param.maximum or 30),
                             min_size=1, max_size=3))
    if t == "bool":
        return draw(st.booleans())
    if t == "list" and param.choices:
        return draw(st.lists(st.sampled_from(param.choices), min_size=1, max_size=3,
                             unique=True))
    if t == "list":
        return draw(st.lists(IDS, min_size=1, max_size=3))
    if t == "channels":
        return draw(st.lists(st.sampled_from(sorted(CHANNELS)), min_size=1, max_size=3,
                             unique=True))
    if t == "thresholds":
        return draw(st.lists(threshold(QUORUM_BASES), max_size=2))
    raise AssertionError(t)


@st.composite
def rule(
    draw: st.DrawFn,
    name: str,
    settings: dict[str, dict[str, Any]],
    basis: list[str],
    rid: str | None = None,
) -> dict[str, Any]:
    rtype = RULES[name]
    out: dict[str, Any] = {"rule": name}
    if rid is not None:
        out["id"] = rid
    params = {}
    for p in rtype.params:
        if p.required or draw(st.booleans()):
            params[p.name] = draw(param_value(p, settings))
    if name == "approval":
        params["base"] = draw(st.sampled_from(APPROVAL_BASES))
    if name == "matter-regime":
        # valid by construction: no regime reserving kinds (the body may be a representative
        # one, D415), and only kinds whose regime is applied (D414)
        open_regimes = sorted(r for r, g in REGIMES.items()
                              if not any(b.reserved for b in g.kinds.values()))
        params["regimes"] = draw(st.lists(st.sampled_from(open_regimes), min_size=1,
                                          unique=True))
        params["kinds"] = [k for k in params.get("kinds") or ()
                           if (g := regime_of(k)) is None or g.id in params["regimes"]]
    bases = next((p.choices for p in rtype.params if p.name == "base" and p.choices), None)
    if params.get("any_of") and bases:  # alternatives count on the bases the rule allows
        params["any_of"] = draw(st.lists(threshold(tuple(bases)), max_size=2))
    if name == "quorum" and params.get("among"):  # a subset's quorum counts its members
        params["base"] = "members"
        params.pop("any_of", None)
    if params:
        out["params"] = params
    if basis and draw(st.booleans()):
        out["basis"] = draw(st.lists(st.sampled_from(basis), min_size=1, max_size=2, unique=True))
    if draw(st.integers(0, 4)) == 0:
        out["note"] = draw(TEXT)
    return out


def rules_for(action: ActionKind) -> list[str]:
    return sorted(
        n for n, r in RULES.items() if action in r.actions
        and n not in ("quorum", "approval", "all-of", "any-of")  # composites: see body()
    )


@st.composite
def procedures(draw: st.DrawFn) -> dict[str, Any]:
    """Plain data for a procedure the loader should accept."""
    ids = draw(st.lists(IDS, min_size=12, max_size=12, unique=True))
    setting_ids, basis_ids = ids[:4], draw(st.lists(IDS, max_size=3, unique=True))
    basis = {
        b: {"tag": draw(st.sampled_from(["law", "seed", "local", "open"])), "title": draw(TEXT)}
        | ({"article": str(draw(st.integers(1, 300)))} if draw(st.booleans()) else {})
        for b in basis_ids
    }
    settings: dict[str, dict[str, Any]] = {}
    for sid, kind in zip(setting_ids, ["bool", "int", "fraction", "comparison"], strict=True):
        default = {
            "bool": st.booleans(),
            "int": st.integers(0, 30),
            "fraction": FRACTIONS.map(fraction_text),
            "comparison": st.sampled_from([">=", ">"]),
        }[kind]
        settings[sid] = {"type": kind, "default": draw(default), "description": draw(TEXT)}
        if draw(st.booleans()):
            settings[sid]["open"] = True
        if basis_ids and draw(st.booleans()):
            settings[sid]["basis"] = [draw(st.sampled_from(basis_ids))]

    def body(with_votes: bool) -> dict[str, Any]:
        b: dict[str, Any] = {
            "name": draw(TEXT),
            "members": draw(
                st.lists(st.sampled_from(sorted(SELECTORS)), min_size=1, max_size=3, unique=True)
            ),
        }
        if draw(st.booleans()):
            b["voters"] = [draw(st.sampled_from(sorted(SELECTORS)))]
        if draw(st.booleans()):
            b["unit"] = draw(st.sampled_from(["person", "household"]))
        if with_votes:
            quorum = draw(rule("quorum", settings, basis_ids))
            if draw(st.booleans()):  # a composite of quorums (all-of / any-of)
                quorum = {"rule": draw(st.sampled_from(["all-of", "any-of"])), "id": "quorum",
                          "params": {"rules": [quorum, draw(rule("quorum", settings, basis_ids,
                                                                 rid="second"))]}}
            b["rules"] = [quorum, draw(rule("approval", settings, basis_ids))]
        return b

    meeting_body, quiet_body = ids[4], ids[5]
    bodies = {meeting_body: body(True), quiet_body: body(False)}
    outcome_ids = {"success": ids[6], "failure": ids[7]}
    if draw(st.booleans()):
        outcome_ids["withdrawn"] = ids[8]
    if draw(st.booleans()):
        outcome_ids["lapsed"] = ids[9]
    outcomes = {oid: {"kind": kind, "name": draw(TEXT)} for kind, oid in outcome_ids.items()}

    n = draw(st.integers(1, 5))
    stage_ids = draw(
        st.lists(
            IDS.filter(lambda i: i not in ids and i != "reconvene"),
            min_size=n,
            max_size=n,
            unique=True,
        )
    )
    stages = []
    for i, sid in enumerate(stage_ids):
        action = ActionKind.MEETING if i == 0 else draw(st.sampled_from(list(ActionKind)))
        stage: dict[str, Any] = {
            "id": sid,
            "name": draw(TEXT),
            "action": action.value,
            "body": meeting_body if action is ActionKind.MEETING else quiet_body,
        }
        if draw(st.booleans()):
            stage["description"] = draw(TEXT)
        names = (
            draw(st.lists(st.sampled_from(rules_for(action)), max_size=2))
            if rules_for(action)
            else []
        )
        if action is ActionKind.EVALUATION and "satisfaction" not in names:
            names.append("satisfaction")  # ratings that decide nothing are D510
        # a gate: its body examines named checks and signs (D481, D483), or an authority
        # decides it without either (D485)
        authority = action is ActionKind.GATE and draw(st.booleans())
        if action is ActionKind.GATE:
            names = [nm for nm in names if nm != "gate-signatures"]
            if not authority:
                names.append("gate-signatures")
        if i == 0:  # the first stage has no earlier step to wait for (D443)
            names = [nm for nm in names if nm != "results-published"]
        if names.count("comment-period") > 1:  # one window per stage (D440)
            names.remove("comment-period")
        stage_rules = [
            draw(rule(nm, settings, basis_ids, rid=f"r{k}-{nm}")) for k, nm in enumerate(names)
        ]
        for r in stage_rules:
            if r["rule"] == "results-published":  # earlier stages only (D442, D443)
                r["params"]["stages"] = draw(st.lists(st.sampled_from(stage_ids[:i]),
                                                      min_size=1, max_size=2, unique=True))
            if r["rule"] == "disclosure" and "comment-period" in names:
                r.get("params", {}).pop("objection_window_days", None)  # stated twice: D441
        if stage_rules:
            stage["rules"] = stage_rules
        if draw(st.booleans()):
            stage["records"] = draw(
                st.lists(st.sampled_from(RECORD_KINDS), max_size=3, unique=True)
            )
        on: dict[str, str] = {}
        if action is ActionKind.GATE:
            on["returned"] = draw(st.sampled_from(stage_ids[:i + 1]))  # back, or here (D482)
            if authority:
                stage["authority"] = {"id": draw(st.sampled_from(sorted(AUTHORITIES))),
                                      "asks": draw(st.sampled_from(ASKS))}
            else:
                stage["checks"] = [{"id": c, "name": draw(TEXT)} for c in draw(
                    st.lists(IDS, min_size=1, max_size=3, unique=True))]
        if action is ActionKind.MEETING and i > 0 and draw(st.booleans()):
            on["rejected"] = draw(st.sampled_from(stage_ids[:i]))  # revise: back a step
        if draw(st.booleans()):
            stage["max_rounds"] = draw(st.integers(1, 5))
        if draw(st.booleans()):
            on["objection"] = "reconvene"
        if on:
            stage["on"] = on
        # (never on a disclosure, D504, nor on an authority's gate: a kind a regime binds could
        # then succeed without the approval its law requires, D416)
        if (i > 0 and action is not ActionKind.DISCLOSURE and not authority
                and draw(st.booleans())):
            stage["skip_when"] = setting_ids[0]  # the bool setting
        if basis_ids and draw(st.booleans()):
            stage["basis"] = [draw(st.sampled_from(basis_ids))]
        stages.append(stage)

    data: dict[str, Any] = {
        "format": 1,
        "id": ids[10],
        "version": draw(st.sampled_from(["1", "1.0", "2.3.1"])),
        "locality": draw(WORDS),
        "name": draw(TEXT),
    }
    if draw(st.booleans()):
        data["description"] = draw(TEXT)
    if basis:
        data["basis"] = basis
    data |= {"settings": settings, "bodies": bodies, "stages": stages, "outcomes": outcomes}
    if draw(st.booleans()):
        data["supervision"] = {"body": quiet_body, "answer_within_days": draw(st.integers(1, 14))}
    if "withdrawn" in outcome_ids and draw(st.booleans()):
        data["withdrawal"] = {
            "by": ["submitters"],
            "until": draw(st.sampled_from(stage_ids)),
            "outcome": outcome_ids["withdrawn"],
        }
    return data


LIBRARY = Library()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(procedures())
def test_dump_then_load_gives_an_equal_procedure(data: dict[str, Any]) -> None:
    try:
        p = from_data(data, library=LIBRARY)
    except DefinitionError as err:  # the generator aims at valid data; say why when it misses
        assume(False)
        raise AssertionError(err) from None
    again = from_data(to_data(p), library=LIBRARY)
    assert again == p
    assert to_data(again) == to_data(p)
    assert load_text(to_yaml(p), library=LIBRARY) == p


@settings(max_examples=40, deadline=None)
@given(procedures())
def test_generator_mostly_produces_valid_procedures(data: dict[str, Any]) -> None:
    # Guards the test above against passing vacuously: generated data must load.
    from_data(data, library=LIBRARY)


@pytest.mark.parametrize("name", ALL_SHIPPED)
def test_builtin_dump_reloads_equal(name: str) -> None:
    p = load_procedure(name)
    flat = to_data(p)
    assert "extends" not in flat
    # A flat dump carries everything but where the procedure came from (``extends``).
    assert from_data(flat) == attrs.evolve(p, extends=None)
    assert load_text(to_yaml(p)) == attrs.evolve(p, extends=None)


def test_extends_chain_of_depth_two(tmp_path: Path) -> None:
    (tmp_path / "county.yaml").write_text(
        "id: county-rules\nextends: six-deliberations-guzhuang\n"
        "settings:\n  consultation-unit: {default: household}\n"
        "  disclosure-days: {default: 10, open: true}\n",
        encoding="utf-8",
    )
    (tmp_path / "village.yaml").write_text(
        "id: village-rules\nextends: county-rules\nversion: '2'\n"
        "stages:\n  - update: motion\n    set: {max_rounds: 2}\n",
        encoding="utf-8",
    )
    p: Procedure = load_procedure("village-rules", search_path=[tmp_path])
    assert p.extends == "county-rules" and p.version == "2"
    assert [s.id for s in p.stages] == [
        s.id for s in load_procedure("six-deliberations-guzhuang").stages
    ]
    assert p.settings["consultation-unit"].default == "household"
    assert p.settings["disclosure-days"].default == 10 and p.settings["disclosure-days"].open
    assert p.stage("motion").max_rounds == 2
    assert from_data(to_data(p)) == attrs.evolve(p, extends=None)
    # Without the folder on the search path the chain does not resolve: no file-system walking.
    with pytest.raises(DefinitionError) as err:
        load_procedure(tmp_path / "village.yaml")
    assert [d.code for d in err.value.diagnostics] == ["D703"]
