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
from fractions import Fraction
from typing import Any, Final

import attrs

from deliberation.definition.model import (
    ESCALATE,
    RECONVENE,
    ROUTE_KEYS,
    ActionKind,
    Basis,
    Body,
    FrozenMap,
    Outcome,
    OutcomeKind,
    Procedure,
    RuleSpec,
    Setting,
    SettingRef,
    Stage,
)
from deliberation.i18n import LANGS, T, Text
from deliberation.roster import Roster
from deliberation.rules.registry import RULES, threshold_of
from deliberation.rules.thresholds import format_fraction
from deliberation.trainer.catalog import (
    TAG_LABELS,
    action_label,
    channel_label,
    record_label,
    route_label,
    selector_label,
    ui,
)

# Short base names used inside the one-line rule summaries shown on transitions.
_BASE_SHORT: Final[dict[str, Text]] = {
    "members": T("组成人员", "組成人員", "members"),
    "voters": T("有表决权人员", "有表決權人員", "voting members"),
    "expected": T("应到人数", "應到人數", "expected (应到)"),
    "present": T("实到人数", "實到人數", "present"),
    "votes_cast": T("投票数", "投票數", "votes cast"),
    "households": T("户数", "戶數", "households"),
    "adults": T("成年村民", "成年村民", "adults"),
}

# Which counted fact is compared with which total, per threshold base (as rules.py counts them).
QUORUM_FIELDS: Final[dict[str, tuple[str, str]]] = {
    "members": ("present_members", "members"),
    "voters": ("present", "voters"),
    "expected": ("present", "expected"),
    "households": ("present_households", "households"),
    "adults": ("present_adults", "adults"),
}
APPROVAL_TOTALS: Final[dict[str, str]] = {
    "present": "present",
    "expected": "expected",
    "votes_cast": "votes_cast",  # yes + no + abstain, summed where it is used
    "members": "members",
    "voters": "voters",
    "households": "households",
}


@attrs.frozen
class ThresholdView:
    """One numeric threshold of a rule: ``count <compare> num/den × total`` on named facts."""

    num: int
    den: int
    compare: str  # ">=" or ">"
    base: str
    count_field: str
    total_field: str

    @property
    def ratio(self) -> Fraction:
        return Fraction(self.num, self.den)

    def to_data(self) -> dict[str, Any]:
        return {"num": self.num, "den": self.den, "compare": self.compare, "base": self.base,
                "count": self.count_field, "total": self.total_field}


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


@attrs.frozen
class RouteView:
    """Where a stage's result leads: a stage, an outcome, or the same stage again."""

    key: str
    target: str
    kind: str  # "stage" | "outcome" | "reconvene"
    label: Text


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
    sample: Mapping[str, int] = attrs.field(factory=dict)

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
        for s in self.steps:
            if s.id == stage_id:
                return s
        raise KeyError(stage_id)

    def outcome(self, outcome_id: str) -> Outcome:
        for o in self.outcomes:
            if o.id == outcome_id:
                return o
        raise KeyError(outcome_id)

    def target_name(self, target: str) -> Text:
        """The display name of a route target (stage, outcome or reconvene)."""
        if target == RECONVENE:
            from deliberation.trainer.catalog import RECONVENE_LABEL

            return RECONVENE_LABEL
        for s in self.steps:
            if s.id == target:
                return s.name
        for o in self.outcomes:
            if o.id == target:
                return o.name
        return Text(target, target, target)

    def transition_summary(self, step: StepView) -> Text:
        """The rules that decide a step, in one line, e.g. for the ``pass`` arrow of a diagram."""
        parts = [r.summary for r in step.rules if r.thresholds or r.rule in _ON_ARROW]
        if not parts:
            return Text("", "", "")
        return Text(
            ";".join(p.zh_hans for p in parts),
            ";".join(p.zh_hant for p in parts),
            "; ".join(p.en for p in parts),
        )


# Rules without numbers that still decide whether a step passes, shown on the arrow.
_ON_ARROW: Final = ("written-motion", "disclosure", "notice-period")


def build_view(
    procedure: Procedure,
    overrides: Mapping[str, Any] | None = None,
    roster: Roster | None = None,
) -> ProcedureView:
    """Prepare ``procedure`` for display; ``roster`` adds sample counts for each body."""
    steps = tuple(
        _step(procedure, i + 1, stage, overrides, roster)
        for i, stage in enumerate(procedure.stages)
    )
    order = {OutcomeKind.SUCCESS: 0, OutcomeKind.FAILURE: 1, OutcomeKind.WITHDRAWN: 2,
             OutcomeKind.LAPSED: 3}
    outcomes = tuple(sorted(procedure.outcomes.values(), key=lambda o: order[o.kind]))
    return ProcedureView(procedure, steps, outcomes)


def route_keys(stage: Stage, procedure: Procedure) -> tuple[str, ...]:
    """The results a stage can have, in :data:`ROUTE_KEYS` order."""
    keys = {"pass"}
    if stage.action is ActionKind.MEETING:
        keys |= {"no_quorum", "rejected"}
        if stage.max_rounds is not None:
            keys.add("max_rounds")
    if stage.action is ActionKind.DISCLOSURE:
        keys.add("objection")
    if stage.action is ActionKind.TASK:
        keys |= {"declined", "unresolved"}
        if stage.max_rounds is not None:
            keys.add("max_rounds")
    if stage.action is ActionKind.EVALUATION:
        keys.add("rejected")
        if stage.max_rounds is not None:
            keys.add("max_rounds")
    if any(r.rule == "deadline" for r in procedure.rules_of(stage)):
        keys.add("deadline")
    keys |= {k for k, _ in stage.on}
    return tuple(k for k in ROUTE_KEYS if k in keys)


def _step(
    procedure: Procedure,
    number: int,
    stage: Stage,
    overrides: Mapping[str, Any] | None,
    roster: Roster | None,
) -> StepView:
    body = procedure.body_of(stage, overrides)
    rules = tuple(
        _rule(procedure, f"{number}.{i + 1}", spec, overrides)
        for i, spec in enumerate(procedure.rules_of(stage, overrides))
    )
    routes = []
    for key in route_keys(stage, procedure):
        target = procedure.target(stage, key)
        esc = procedure.escalation
        if target == ESCALATE and esc is not None:
            # One level up (back to escalation.to), or from the top level to escalation.top.
            from deliberation.trainer.catalog import ESCALATE_LABEL, TOP_LEVEL_LABEL

            label = route_label(key)
            for dest, how in ((esc.to, ESCALATE_LABEL), (esc.top, TOP_LEVEL_LABEL)):
                kind = "outcome" if dest in procedure.outcomes else "stage"
                routes.append(RouteView(key, dest, kind, Text(
                    f"{label.zh_hans}:{how.zh_hans}", f"{label.zh_hant}:{how.zh_hant}",
                    f"{label.en}: {how.en}")))
            continue
        if target == RECONVENE:
            kind = "reconvene"
        elif target in procedure.outcomes:
            kind = "outcome"
        else:
            kind = "stage"
        routes.append(RouteView(key, target, kind, route_label(key)))
    skip = procedure.settings.get(stage.skip_when) if stage.skip_when else None
    return StepView(
        number=number,
        stage=stage,
        body=body,
        actor=_actor(body),
        action=action_label(stage.action.value),
        rules=rules,
        records=tuple(record_label(r) for r in stage.records),
        basis=_bases(procedure, stage.basis or body.basis),
        routes=tuple(routes),
        skip_setting=skip,
        sample=_sample(body, roster) if roster is not None else {},
    )


def _actor(body: Body) -> Text:
    def one(lang: str) -> str:
        sep = ", " if lang == "en" else "、"
        who = sep.join(selector_label(s).get(lang) for s in body.members)
        line = f"{body.name.get(lang)} ({who})" if lang == "en" else f"{body.name.get(lang)}({who})"
        if body.voters:
            voters = sep.join(selector_label(s).get(lang) for s in body.voters)
            line += (f"; only {voters} vote" if lang == "en"
                     else f";仅{voters}有表决权" if lang == "zh-Hans" else f";僅{voters}有表決權")
        return line

    return Text(*(one(lang) for lang in LANGS))


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


def _plain(value: Any) -> Any:
    if isinstance(value, FrozenMap):
        return {k: _plain(v) for k, v in value.items}
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


def resolved_params(
    procedure: Procedure, spec: RuleSpec, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A rule's parameters with settings applied and the rule's defaults filled in."""
    params = {k: _plain(procedure.resolve(v, overrides)) for k, v in spec.params}
    rtype = RULES.get(spec.rule)
    return rtype.with_defaults(params) if rtype is not None else params


def _rule(
    procedure: Procedure, number: str, spec: RuleSpec, overrides: Mapping[str, Any] | None
) -> RuleView:
    params = resolved_params(procedure, spec, overrides)
    rtype = RULES.get(spec.rule)
    label = rtype.label if rtype is not None else Text(spec.rule, spec.rule, spec.rule)
    settings = tuple(
        procedure.settings[s] for s in dict.fromkeys(
            s for _, v in spec.params for s in _setting_refs(v)
        ) if s in procedure.settings
    )
    return RuleView(
        number=number,
        id=spec.id,
        rule=spec.rule,
        label=label,
        summary=summarise(spec.rule, params, label),
        detail=describe(spec.rule, params, label),
        params=params,
        basis=_bases(procedure, spec.basis),
        settings=settings,
        thresholds=_thresholds(spec.rule, params),
        note=spec.note,
    )


def _thresholds(rule: str, params: Mapping[str, Any]) -> tuple[ThresholdView, ...]:
    def view(p: Mapping[str, Any], count: str, total: str) -> ThresholdView:
        t = threshold_of(p)
        return ThresholdView(t.ratio.numerator, t.ratio.denominator, t.compare.value,
                             t.base.value, count, total)

    if rule == "quorum":
        alts = [params, *(params.get("any_of") or ())]
        return tuple(view(a, *QUORUM_FIELDS[str(a["base"])]) for a in alts)
    if rule == "approval":
        return (view(params, "yes", APPROVAL_TOTALS[str(params["base"])]),)
    if rule == "consultation-coverage":
        base = "adults" if params.get("unit") == "villager" else "households"
        return (view({"ratio": params["ratio"], "compare": params["compare"], "base": base},
                     "consulted", "population"),)
    return ()


def _sym(compare: str) -> str:
    return "≥" if compare == ">=" else ">"


def _frac(value: Any) -> str:
    ratio = value if isinstance(value, Fraction) else Fraction(value)
    return "100%" if ratio == 1 else format_fraction(ratio)


def summarise(rule: str, params: Mapping[str, Any], label: Text) -> Text:
    """A one-line statement of a rule, e.g. ``≥2/3 of members present``.

    >>> summarise("approval", {"ratio": Fraction(1, 2), "compare": ">", "base": "present"},
    ...           Text("", "", "")).get("zh-Hans")
    '赞成>实到人数的1/2'
    """
    if rule in ("quorum", "approval"):
        alts = [params, *(params.get("any_of") or ())] if rule == "quorum" else [params]
        texts = [_threshold_line(rule, a) for a in alts]
        return Text(
            "或".join(t.zh_hans for t in texts),
            "或".join(t.zh_hant for t in texts),
            " or ".join(t.en for t in texts),
        )
    if rule == "consultation-coverage":
        frac = _frac(params["ratio"])
        # "≥100%" reads oddly; all of them is simply 100%.
        sym = "" if frac == "100%" and params["compare"] == ">=" else _sym(str(params["compare"]))
        if params.get("unit") == "household":
            return T(f"签字意见{sym}{frac}户", f"簽字意見{sym}{frac}戶",
                     f"signed opinions from {sym}{frac} of households")
        return T(f"签字意见{sym}{frac}村民", f"簽字意見{sym}{frac}村民",
                 f"signed opinions from {sym}{frac} of villagers")
    if rule == "written-motion":
        n = params.get("min_submitters", 1)
        return T(f"≥{n}名村民书面提出并签名", f"≥{n}名村民書面提出並簽名",
                 f"in writing by ≥{n} villager(s), signed")
    if rule == "signatures":
        of = params.get("of")
        if of == "township-witnesses":
            n = params.get("min", 1)
            return T(f"≥{n}名乡镇列席人员签字", f"≥{n}名鄉鎮列席人員簽字",
                     f"≥{n} township witness(es) sign")
        if of == "submitters":
            return T("提出人全部签名", "提出人全部簽名", "every submitter signs")
        return T("参会人员全部签字", "參會人員全部簽字", "every participant signs")
    if rule == "disclosure":
        days = params.get("min_days", 0)
        return T(f"公开≥{days}天,异议已答复", f"公開≥{days}天,異議已答覆",
                 f"posted ≥{days} days, objections answered")
    if rule == "notice-period":
        d = params.get("days")
        return T(f"提前≥{d}天通知", f"提前≥{d}天通知", f"notice ≥{d} days ahead")
    if rule == "advance-circulation":
        d = params.get("days")
        return T(f"方案提前≥{d}天送达", f"方案提前≥{d}天送達", f"plan circulated ≥{d} days ahead")
    if rule == "deadline":
        d = params.get("days")
        return T(f"{d}天内办结", f"{d}天內辦結", f"done within {d} days")
    if rule == "recusal":
        return T("利害关系人回避", "利害關係人迴避", "interested parties recuse themselves")
    return label


def describe(rule: str, params: Mapping[str, Any], label: Text) -> Text:
    """A rule in full words, with the boundary word spelled out (以上 includes, 超过 excludes).

    >>> describe("quorum", {"ratio": Fraction(2, 3), "compare": ">=", "base": "members"},
    ...          Text("法定人数", "法定人數", "quorum")).get("en")
    'quorum: at least 2/3 of members'
    """
    if rule in ("quorum", "approval"):
        alts = [params, *(params.get("any_of") or ())] if rule == "quorum" else [params]
        ts = [threshold_of(a) for a in alts]
        return Text(
            f"{label.zh_hans}:" + ",或".join(t.describe("zh-Hans") for t in ts),
            f"{label.zh_hant}:" + ",或".join(t.describe("zh-Hant") for t in ts),
            f"{label.en}: " + ", or ".join(t.describe("en") for t in ts),
        )
    summary = summarise(rule, params, label)
    if rule == "disclosure":
        channels = [channel_label(str(c)) for c in params.get("channels") or ()]
        return Text(
            f"{label.zh_hans}:{summary.zh_hans};渠道:{'、'.join(c.zh_hans for c in channels)}",
            f"{label.zh_hant}:{summary.zh_hant};渠道:{'、'.join(c.zh_hant for c in channels)}",
            f"{label.en}: {summary.en}; channels: {', '.join(c.en for c in channels)}",
        )
    return Text(f"{label.zh_hans}:{summary.zh_hans}", f"{label.zh_hant}:{summary.zh_hant}",
                f"{label.en}: {summary.en}")


def _threshold_line(rule: str, p: Mapping[str, Any]) -> Text:
    frac, sym = _frac(p["ratio"]), _sym(str(p["compare"]))
    base = _BASE_SHORT.get(str(p["base"]), Text(str(p["base"]), str(p["base"]), str(p["base"])))
    if rule == "quorum":
        verb_en = "represented" if p["base"] == "households" else "present"
        return T(f"到会{sym}{base.zh_hans}的{frac}", f"到會{sym}{base.zh_hant}的{frac}",
                 f"{sym}{frac} of {base.en} {verb_en}")
    return T(f"赞成{sym}{base.zh_hans}的{frac}", f"贊成{sym}{base.zh_hant}的{frac}",
             f"{sym}{frac} of {base.en} vote yes")


def _sample(body: Body, roster: Roster) -> dict[str, int]:
    members = roster.select(body.members)
    voters = roster.select(body.voters) if body.voters else members
    return {
        "members": len(members),
        "voters": len(voters),
        "expected": len(voters),
        "households": len({v.household for v in members}),
        "adults": sum(1 for v in members if v.adult),
    }


def basis_line(basis: Basis, lang: str) -> str:
    """``[law] title`` in ``lang``."""
    tag = TAG_LABELS.get(basis.tag)
    return f"[{tag.get(lang) if tag else basis.tag}] {basis.title.get(lang)}"


def setting_line(setting: Setting, lang: str) -> str:
    """``setting: id — description`` and, for an open one, the note that the law leaves it open."""
    line = f"{ui('setting').format(id=setting.id).get(lang)} — {setting.description.get(lang)}"
    if setting.open:
        line += " " + ui("open-setting").get(lang)
    return line
