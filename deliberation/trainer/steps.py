"""What a trainer shows of each step: who acts, the numbered rules, the records, the basis, routes.

Everything here is derived from the procedure definition alone (settings at their defaults unless
overridden), so the diagram, the HTML page and the walkthrough all say the same thing.

>>> from deliberation import load_procedure
>>> view = build_view(load_procedure("four-deliberations"))
>>> step = view.step("resolution")
>>> step.number, [r.number for r in step.rules][:2]
(4, ['4.1', '4.2'])
>>> view.transition_summary(step).get("en")
'≥2/3 of members present; >1/2 of present vote yes'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from deliberation.definition.checks import route_keys
from deliberation.definition.gate_words import gate_summary
from deliberation.definition.model import (
    ESCALATE,
    RECONVENE,
    ActionKind,
    Basis,
    Body,
    FrozenMap,
    Group,
    Outcome,
    OutcomeKind,
    Procedure,
    RuleSpec,
    Setting,
    SettingRef,
    Stage,
    by_id,
)
from deliberation.definition.wording import code
from deliberation.i18n import Text, Triple, _, each_lang, quoted, series
from deliberation.roster import Roster
from deliberation.rules import RULES, ThresholdView
from deliberation.rules.law import REPRESENTATIVE_SELECTORS, is_representative, required_text
from deliberation.trainer.catalog import (
    ESCALATE_LABEL,
    TAG_LABELS,
    TOP_LEVEL_LABEL,
    action_label,
    reconvene_label,
    record_label,
    route_label,
    selector_label,
    ui,
)


@attrs.frozen
class RuleView:
    """A rule as a trainer presents it: numbered, summarised, with basis and settings."""

    number: str
    id: str
    rule: str
    label: Text
    summary: Text
    detail: Text
    params: Mapping[str, Any]  # resolved (settings applied), ready for ``RULES[rule].check``
    basis: tuple[Basis, ...]
    settings: tuple[Setting, ...]
    thresholds: tuple[ThresholdView, ...] = ()  # several: alternatives, any one suffices
    note: Text | None = None
    on_arrow: bool = False  # it decides whether the step passes (shown on diagrams' arrows)


@attrs.frozen
class RouteView:
    """Where a stage's result leads: a stage, an outcome, or the same stage again."""

    key: str
    target: str
    kind: str  # "stage" | "outcome" | "reconvene"
    label: Text
    # for "reconvene": what doing the stage again is called (重新召开, 重新公布, 重新派单 …)
    again: Text | None = None


@attrs.frozen
class StepView:
    """One step of the procedure, everything a trainer says about it."""

    number: int
    stage: Stage
    body: Body
    actor: Text
    action: Text
    rules: tuple[RuleView, ...]
    records: tuple[Text, ...]
    basis: tuple[Basis, ...]
    routes: tuple[RouteView, ...]
    skip_setting: Setting | None = None
    # a stage a law version requires (``required_from``): the sentence saying from when
    required: Text | None = None
    sample: Mapping[str, int] = attrs.field(factory=dict)
    # the groups the step's meeting creates (``groups:``): named on its box and page
    elects: tuple[Group, ...] = ()
    gate: Text | None = None  # a gate's checks, or the authority deciding it, in one line

    @property
    def id(self) -> str:
        return self.stage.id

    @property
    def name(self) -> Text:
        return self.stage.name


@attrs.frozen
class ProcedureView:
    """A procedure's steps and outcomes, prepared for display."""

    procedure: Procedure
    steps: tuple[StepView, ...]
    outcomes: tuple[Outcome, ...]

    def step(self, stage_id: str) -> StepView:
        return by_id(self.steps, stage_id)

    def outcome(self, outcome_id: str) -> Outcome:
        return by_id(self.outcomes, outcome_id)

    def target_name(self, target: str) -> Text:
        """The display name of a route target (stage, outcome or reconvene)."""
        if target == RECONVENE:
            return reconvene_label(None)
        for s in self.steps:
            if s.id == target:
                return s.name
        for o in self.outcomes:
            if o.id == target:
                return o.name
        return Triple(target, target, target)

    def route_target(self, route: RouteView) -> Text:
        """The display name of where ``route`` leads (for the same stage again, by its kind)."""
        if route.again is not None:
            return route.again
        return self.target_name(route.target)

    def transition_summary(self, step: StepView) -> Text:
        """The rules that decide a step, in one line, e.g. for the ``pass`` arrow of a diagram."""
        parts = [r.summary for r in step.rules if r.on_arrow]
        if not parts:
            return Triple.same("")
        return Triple(
            ";".join(p.zh_hans for p in parts),
            ";".join(p.zh_hant for p in parts),
            "; ".join(p.en for p in parts),
        )


def build_view(
    procedure: Procedure,
    overrides: Mapping[str, Any] | None = None,
    roster: Roster | None = None,
) -> ProcedureView:
    """Prepare ``procedure`` for display; ``roster`` adds sample counts for each body (a group
    a meeting creates counts the members ``roster`` holds for it: none before the election)."""
    if roster is not None and any(g not in roster.elected for g in procedure.groups):
        roster = roster.with_groups({g: roster.elected.get(g, ()) for g in procedure.groups})
    steps = tuple(
        _step(procedure, i + 1, stage, overrides, roster)
        for i, stage in enumerate(procedure.stages)
    )
    order = {OutcomeKind.SUCCESS: 0, OutcomeKind.FAILURE: 1, OutcomeKind.WITHDRAWN: 2,
             OutcomeKind.LAPSED: 3}
    outcomes = tuple(sorted(procedure.outcomes.values(), key=lambda o: order[o.kind]))
    return ProcedureView(procedure, steps, outcomes)


def _step(
    procedure: Procedure,
    number: int,
    stage: Stage,
    overrides: Mapping[str, Any] | None,
    roster: Roster | None,
) -> StepView:
    body = procedure.body_of(stage, overrides)
    rules = tuple(
        _rule(procedure, f"{number}.{i + 1}", spec, overrides, body)
        for i, spec in enumerate(procedure.rules_of(stage, overrides))
    )
    routes = []
    for key in route_keys(procedure, stage):
        target = procedure.target(stage, key)
        esc = procedure.escalation
        if target == ESCALATE and esc is not None:
            # One level up (back to escalation.to), or from the top level to escalation.top.
            label = route_label(key)
            for dest, how in ((esc.to, ESCALATE_LABEL), (esc.top, TOP_LEVEL_LABEL)):
                kind = "outcome" if dest in procedure.outcomes else "stage"
                routes.append(RouteView(key, dest, kind, _(
                    "{label}: {how}",
                ).format(label=label, how=how)))
            continue
        if target == RECONVENE:
            kind = "reconvene"
        elif target in procedure.outcomes:
            kind = "outcome"
        else:
            kind = "stage"
        again = reconvene_label(stage.action) if kind == "reconvene" else None
        routes.append(RouteView(key, target, kind, route_label(key), again))
    skip = procedure.settings.get(stage.skip_when) if stage.skip_when else None
    return StepView(
        number=number,
        stage=stage,
        body=body,
        actor=_actor(procedure, body),
        action=action_label(stage.action.value),
        rules=rules,
        records=tuple(record_label(r) for r in stage.records),
        basis=_bases(procedure, stage.basis or body.basis),
        routes=tuple(routes),
        skip_setting=skip,
        required=(required_text(stage.required_from.law, stage.required_from.version)
                  if stage.required_from is not None else None),
        sample=sample_counts(body, roster) if roster is not None else {},
        elects=procedure.groups_elected_at(stage.id),
        gate=gate_summary(procedure, stage) if stage.action is ActionKind.GATE else None,
    )


def member_label(procedure: Procedure, selector: str) -> Text:
    """Who a body's selector names: a roster selector's label, or a group a meeting creates
    with the stage that elects it."""
    group = procedure.groups.get(selector)
    if group is None:
        return selector_label(selector)
    at = next((s for s in procedure.stages if s.id == group.elected_at), None)
    return _("{group}, elected at {stage}").format(
        group=group.name, stage=at.name if at is not None else quoted(group.elected_at))


def _actor(procedure: Procedure, body: Body) -> Text:
    def one(lang: str) -> str:
        who = series(member_label(procedure, s) for s in body.members)
        line = _("{body} ({members})").format(body=body.name, members=who)
        if body.voters:
            voters = series(member_label(procedure, s) for s in body.voters)
            line = _("{body} ({members}); only {voters} vote").format(
                body=body.name, members=who, voters=voters)
        return line.get(lang)

    return each_lang(one)


def _bases(procedure: Procedure, ids: tuple[str, ...]) -> tuple[Basis, ...]:
    return tuple(procedure.basis[b] for b in ids if b in procedure.basis)


def _setting_refs(value: Any) -> list[str]:
    if isinstance(value, SettingRef):
        return [value.setting]
    if isinstance(value, tuple):
        return [s for v in value for s in _setting_refs(v)]
    if isinstance(value, FrozenMap):
        return [s for _, v in value.items for s in _setting_refs(v)]
    return []


def resolved_params(
    procedure: Procedure, spec: RuleSpec, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A rule's parameters with settings applied and the rule's defaults filled in."""
    params = procedure.params_of(spec, overrides)
    rtype = RULES.get(spec.rule)
    return rtype.with_defaults(params) if rtype is not None else params


def _rule(
    procedure: Procedure, number: str, spec: RuleSpec, overrides: Mapping[str, Any] | None,
    body: Body,
) -> RuleView:
    params = resolved_params(procedure, spec, overrides)
    rtype = RULES[spec.rule]
    rule = rtype.bind(spec.id, params, spec.basis).at_body(is_representative(body.members))
    described = rule.describe(procedure.channels)
    settings = tuple(
        procedure.settings[s] for s in dict.fromkeys(
            s for _, v in spec.params for s in _setting_refs(v)
        ) if s in procedure.settings
    )
    return RuleView(
        number=number,
        id=spec.id,
        rule=spec.rule,
        label=rtype.label,
        summary=described.summary,
        detail=_("{label}: {detail}").format(label=rtype.label, detail=described.detail),
        params=params,
        basis=_bases(procedure, spec.basis),
        settings=settings,
        thresholds=described.thresholds,
        note=spec.note,
        on_arrow=described.on_arrow,
    )


def sample_counts(body: Body, roster: Roster) -> dict[str, int]:
    """A body's sizes on ``roster`` (members, voters, households, adults), for display."""
    members = roster.select(body.members)
    voters = roster.select(body.voters) if body.voters else members
    counts = {
        "members": len(members),
        "voters": len(voters),
        "expected": len(voters),
        "households": len({v.household for v in members}),
        "adults": sum(1 for v in members if v.adult),
    }
    if is_representative(body.members):  # the base of a land law's 2/3 there (matter-regime)
        reps = {v.id for v in roster.select(sorted(REPRESENTATIVE_SELECTORS))}
        counts["representative_members"] = sum(1 for v in members if v.id in reps)
    return counts


def basis_line(basis: Basis, lang: str) -> str:
    """``[law] title`` in ``lang``."""
    tag = TAG_LABELS.get(basis.tag)
    return f"[{tag.get(lang) if tag else basis.tag}] {basis.title.get(lang)}"


def setting_line(setting: Setting, lang: str) -> str:
    """``setting: id — description`` and, for an open one, the note that the law leaves it open."""
    name = ui("setting").format(id=code(setting.id)).get(lang)
    line = f"{name} — {setting.description.get(lang)}"
    if setting.open:
        line += " " + ui("open-setting").get(lang)
    return line
