"""What one procedure changes against another, in governance terms.

Both procedures are read as resolved definitions (``extends`` applied) with their settings at
their defaults, and compared part by part: the stages (added, removed, moved; for each common
stage its action, body, round cap, routes, records, legal basis, a gate's checks and authority,
and every rule that applies there — the body's and the stage's), the bodies (who sits, who
votes, the unit), the groups a meeting elects (who elects them, who may be elected, their
size), the settings and their defaults, the outcomes, supervision, withdrawal, escalation, the
time zone, the disclosure channels, the authorities above the village and the legal basis. A
rule is put in words by its own
:meth:`~deliberation.rules.base.Rule.describe` and in numbers by its thresholds and parameters:
nothing here re-states what a rule means.

>>> from deliberation import load_procedure
>>> d = diff(load_procedure("four-deliberations"), load_procedure("six-deliberations-guzhuang"))
>>> [(c.kind, c.stage) for c in d.changes if c.kind == "stage-added"]
[('stage-added', 'motion'), ('stage-added', 'consultation')]
>>> diff(d.a, d.a).changes
()
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from deliberation.definition.model import (
    Body,
    FrozenMap,
    GateAuthority,
    GateCheck,
    Group,
    Procedure,
    SettingRef,
    Stage,
)
from deliberation.engine.plan import plan_for
from deliberation.i18n import Text
from deliberation.rules import Rule
from deliberation.rules.authorities import authority_name

# Every kind of change a diff can list (the enum of deliberation/schema/diff.v1.schema.json).
KINDS = (
    "stage-removed", "stage-added", "stage-moved", "stage-name", "stage-action", "stage-body",
    "max-rounds", "skip-when", "routes", "records", "stage-basis",
    "gate-check-removed", "gate-check-added", "gate-check-changed", "gate-authority",
    "rule-removed", "rule-added", "rule-changed",
    "body-removed", "body-added", "body-changed", "body-rules",
    "setting-removed", "setting-added", "setting-default", "setting-type", "setting-choices",
    "setting-open",
    "outcome-removed", "outcome-added", "outcome-changed",
    "supervision", "withdrawal", "escalation", "timezone",
    "channel-removed", "channel-added", "channel-changed",
    "basis-removed", "basis-added", "basis-changed",
    "group-removed", "group-added", "group-changed",
    "authority-removed", "authority-added", "authority-changed",
)


@attrs.frozen
class RuleFacts:
    """A rule as bound at a stage (settings at their defaults): what the diff compares."""

    id: str
    rule: Rule
    given: Any  # the parameters as written (setting references kept), for comparison

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.rule.params)


@attrs.frozen
class Change:
    """One difference. ``kind`` says what changed (``stage-added``, ``rule-changed``,
    ``setting-default``…); ``stage`` and ``subject`` say where (a stage id, a rule, body,
    setting, outcome or basis id); ``before`` and ``after`` are the two sides as plain data
    (``None`` where one side has nothing)."""

    kind: str
    subject: str
    before: Any = None
    after: Any = None
    stage: str | None = None


@attrs.frozen
class Diff:
    """The changes from procedure ``a`` to procedure ``b``, in the order of the procedure."""

    a: Procedure
    b: Procedure
    changes: tuple[Change, ...]

    def of(self, kind: str) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == kind)


def _plain(value: Any) -> Any:
    """A parameter as plain, comparable data (setting references named, fractions as text)."""
    if isinstance(value, SettingRef):
        return {"setting": value.setting}
    if isinstance(value, FrozenMap):
        return {k: _plain(v) for k, v in value.items}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, bool | int | str) or value is None:
        return value
    return str(value)


def stage_rules(procedure: Procedure, stage: Stage) -> dict[str, RuleFacts]:
    """Every rule that applies at ``stage`` (the body's and the stage's), bound by the engine's
    plan with the settings at their defaults, by rule id."""
    sp = plan_for(procedure, {}).stage(stage.id)
    specs = {s.id: s for s in procedure.rules_of(stage)}
    return {r.id: RuleFacts(r.id, r, _plain(dict(specs[r.id].params)) if r.id in specs else None)
            for r in sp.rules}


def _body_data(body: Body) -> dict[str, Any]:
    return {"id": body.id, "name": body.name.to_data(), "members": list(body.members),
            "voters": list(body.voters), "unit": body.unit}


def _rule_data(rf: RuleFacts, channels: Mapping[str, Text]) -> dict[str, Any]:
    """A rule as data: its parameters (numbers), its own words (:meth:`Rule.describe`) and
    its thresholds as numbers."""
    said = rf.rule.describe(channels)
    return {"id": rf.id, "rule": rf.rule.name, "label": rf.rule.type.label.to_data(),
            "params": _plain(rf.params), "written": rf.given, "basis": list(rf.rule.basis),
            "summary": said.summary.to_data(), "detail": said.detail.to_data(),
            "thresholds": [t.to_data() for t in said.thresholds], "days": said.days}


def _order_changes(a_ids: Sequence[str], b_ids: Sequence[str]) -> set[str]:
    """Stages in both whose relative order differs: those off a longest common subsequence."""
    common_a = [s for s in a_ids if s in b_ids]
    common_b = [s for s in b_ids if s in a_ids]
    n, m = len(common_a), len(common_b)
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            best[i][j] = (best[i + 1][j + 1] + 1 if common_a[i] == common_b[j]
                          else max(best[i + 1][j], best[i][j + 1]))
    kept, i, j = set(), 0, 0
    while i < n and j < m:
        if common_a[i] == common_b[j]:
            kept.add(common_a[i])
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return set(common_a) - kept


def diff(a: Procedure, b: Procedure) -> Diff:
    """The changes from ``a`` to ``b``."""
    changes: list[Change] = []
    a_ids = [s.id for s in a.stages]
    b_ids = [s.id for s in b.stages]
    moved = _order_changes(a_ids, b_ids)
    for sid in a_ids:
        if sid not in b_ids:
            changes.append(Change("stage-removed", sid, _stage_data(a, a.stage(sid)), None, sid))
    for i, sid in enumerate(b_ids):
        stage = b.stage(sid)
        if sid not in a_ids:
            after = _stage_data(b, stage)
            # where it stands: before the next stage both have, else after the one before it
            after["before"] = next((x for x in b_ids[i + 1:] if x in a_ids), None)
            after["after"] = b_ids[i - 1] if i > 0 else None
            changes.append(Change("stage-added", sid, None, after, sid))
            continue
        if sid in moved:
            changes.append(Change("stage-moved", sid, a_ids.index(sid) + 1, i + 1, sid))
        changes += _stage_changes(a, b, a.stage(sid), stage)
    changes += _body_changes(a, b)
    changes += _group_changes(a, b)
    changes += _setting_changes(a, b)
    changes += _procedure_changes(a, b)
    return Diff(a, b, tuple(changes))


def _stage_data(procedure: Procedure, stage: Stage) -> dict[str, Any]:
    return {
        "id": stage.id, "name": stage.name.to_data(), "action": stage.action.value,
        "body": _body_data(procedure.body_of(stage)),
        "rules": [_rule_data(rf, procedure.channels)
                  for rf in stage_rules(procedure, stage).values()],
        "max_rounds": stage.max_rounds, "records": list(stage.records),
        "basis": list(stage.basis),
        "checks": [_check_data(c) for c in stage.checks],
        "authority": _authority_data(procedure, stage.authority),
    }


def _check_data(check: GateCheck) -> dict[str, Any]:
    return {"id": check.id, "name": check.name.to_data()}


def _authority_data(procedure: Procedure, authority: GateAuthority | None) -> Any:
    """Who decides a gate and what it is asked for, with the authority's name as ``procedure``
    names it (its own ``authorities:`` first, then the built-ins)."""
    if authority is None:
        return None
    return {"id": authority.id, "asks": authority.asks,
            "name": authority_name(authority.id, procedure.authorities).to_data()}


def _stage_changes(a: Procedure, b: Procedure, sa: Stage, sb: Stage) -> list[Change]:
    out: list[Change] = []
    sid = sb.id

    def differ(kind: str, before: Any, after: Any) -> None:
        if before != after:
            out.append(Change(kind, sid, before, after, sid))

    differ("stage-name", sa.name.to_data(), sb.name.to_data())
    differ("stage-action", sa.action.value, sb.action.value)
    # which body acts (a body's own membership changes are reported once, under the body)
    differ("stage-body", _plain(sa.body), _plain(sb.body))
    differ("max-rounds", sa.max_rounds, sb.max_rounds)
    differ("skip-when", sa.skip_when, sb.skip_when)
    differ("routes", dict(sa.on), dict(sb.on))
    differ("records", list(sa.records), list(sb.records))
    differ("stage-basis", list(sa.basis), list(sb.basis))
    # a gate: its checks by id (their order is how they are listed, not what they mean), then
    # who decides it (an authority above the village, and whether for approval or filing)
    checks_a = {c.id: _check_data(c) for c in sa.checks}
    checks_b = {c.id: _check_data(c) for c in sb.checks}
    out += [attrs.evolve(c, stage=sid) for c in _mapping_changes("gate-check", checks_a, checks_b)]
    differ("gate-authority", _authority_data(a, sa.authority), _authority_data(b, sb.authority))
    ra, rb = stage_rules(a, sa), stage_rules(b, sb)
    for rid, rf in ra.items():
        if rid not in rb:
            out.append(Change("rule-removed", rid, _rule_data(rf, a.channels), None, sid))
    for rid, rf in rb.items():
        if rid not in ra:
            out.append(Change("rule-added", rid, None, _rule_data(rf, b.channels), sid))
            continue
        before, after = _rule_data(ra[rid], a.channels), _rule_data(rf, b.channels)
        if before != after:
            out.append(Change("rule-changed", rid, before, after, sid))
    return out


def _body_changes(a: Procedure, b: Procedure) -> list[Change]:
    out: list[Change] = []
    for bid, body in a.bodies.items():
        if bid not in b.bodies:
            out.append(Change("body-removed", bid, _body_data(body), None))
    # the rules of a body no stage meets as at the defaults (e.g. the villagers' meeting while
    # the representatives resolve) are reported under the body, since no stage shows them
    met = {a.body_of(s).id for s in a.stages} | {b.body_of(s).id for s in b.stages}
    for bid, body in b.bodies.items():
        if bid not in a.bodies:
            out.append(Change("body-added", bid, None, _body_data(body)))
            continue
        before, after = _body_data(a.bodies[bid]), _body_data(body)
        if before != after:
            out.append(Change("body-changed", bid, before, after))
        if bid not in met:
            rules_a = [_spec_data(r) for r in a.bodies[bid].rules]
            rules_b = [_spec_data(r) for r in body.rules]
            if rules_a != rules_b:
                out.append(Change("body-rules", bid, rules_a, rules_b))
    return out


def _group_data(group: Group) -> dict[str, Any]:
    return {"id": group.id, "name": group.name.to_data(), "elected_at": group.elected_at,
            "eligible": list(group.eligible), "min": group.min_members,
            "max": group.max_members, "basis": list(group.basis),
            "description": None if group.description is None else group.description.to_data()}


def _group_changes(a: Procedure, b: Procedure) -> list[Change]:
    """The groups a meeting creates (``groups:``): added, removed, or changed in any part (who
    elects it, who may be elected, its size, its basis); the two sides are whole groups."""
    return _mapping_changes("group", {k: _group_data(g) for k, g in a.groups.items()},
                            {k: _group_data(g) for k, g in b.groups.items()})


def _spec_data(spec: Any) -> dict[str, Any]:
    return {"id": spec.id, "rule": spec.rule, "params": _plain(dict(spec.params)),
            "basis": list(spec.basis)}


def _setting_data(procedure: Procedure, sid: str) -> dict[str, Any]:
    s = procedure.settings[sid]
    return {"id": sid, "type": s.type.value, "default": _plain(s.default),
            "choices": list(s.choices), "open": s.open, "description": s.description.to_data()}


def _setting_changes(a: Procedure, b: Procedure) -> list[Change]:
    out: list[Change] = []
    for sid in a.settings:
        if sid not in b.settings:
            out.append(Change("setting-removed", sid, _setting_data(a, sid), None))
    for sid in b.settings:
        if sid not in a.settings:
            out.append(Change("setting-added", sid, None, _setting_data(b, sid)))
            continue
        before, after = _setting_data(a, sid), _setting_data(b, sid)
        if before["default"] != after["default"]:
            out.append(Change("setting-default", sid, before["default"], after["default"]))
        for key in ("type", "choices", "open"):
            if before[key] != after[key]:
                out.append(Change(f"setting-{key}", sid, before[key], after[key]))
    return out


def _mapping_changes(kind: str, a: Mapping[str, Any], b: Mapping[str, Any]) -> list[Change]:
    out: list[Change] = []
    for key, value in a.items():
        if key not in b:
            out.append(Change(f"{kind}-removed", key, value, None))
    for key, value in b.items():
        if key not in a:
            out.append(Change(f"{kind}-added", key, None, value))
        elif a[key] != value:
            out.append(Change(f"{kind}-changed", key, a[key], value))
    return out


def _procedure_changes(a: Procedure, b: Procedure) -> list[Change]:
    out: list[Change] = []
    out += _mapping_changes("outcome", {k: {"kind": o.kind.value, "name": o.name.to_data()}
                                        for k, o in a.outcomes.items()},
                            {k: {"kind": o.kind.value, "name": o.name.to_data()}
                             for k, o in b.outcomes.items()})
    for kind, before, after in (
        ("supervision", _attrs_data(a.supervision), _attrs_data(b.supervision)),
        ("withdrawal", _attrs_data(a.withdrawal), _attrs_data(b.withdrawal)),
        ("escalation", _attrs_data(a.escalation), _attrs_data(b.escalation)),
        ("timezone", a.timezone, b.timezone),
    ):
        if before != after:
            out.append(Change(kind, kind, before, after))
    out += _mapping_changes("channel", {k: v.to_data() for k, v in a.channels.items()},
                            {k: v.to_data() for k, v in b.channels.items()})
    out += _mapping_changes("basis", {k: _attrs_data(v) for k, v in a.basis.items()},
                            {k: _attrs_data(v) for k, v in b.basis.items()})
    # the procedure's own authorities above the village (``authorities:``), by name
    out += _mapping_changes("authority", {k: v.to_data() for k, v in a.authorities.items()},
                            {k: v.to_data() for k, v in b.authorities.items()})
    return out


def _attrs_data(value: Any) -> Any:
    """An attrs record (supervision, withdrawal, escalation, basis) as plain data."""
    if value is None:
        return None
    if hasattr(value, "to_data"):
        return value.to_data()
    if attrs.has(type(value)):
        return {f.name: _attrs_data(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, tuple):
        return [_attrs_data(v) for v in value]
    return value
