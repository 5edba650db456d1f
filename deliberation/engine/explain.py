"""What stands between a case and its next step, and who may act now — for walkthroughs.

Blockers are the stage's rules asked about the facts as they stand now (counted from the state
and the tally, never by rescanning the records), so their cost does not grow with the case.

>>> from deliberation import load_procedure, Roster
>>> from deliberation.engine.case import Case
>>> case = Case.open(load_procedure("four-deliberations"), Roster.generate(), matter="x")
>>> [b.rule for b in case.blockers()]
['quorum', 'approval', 'signatures']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import attrs

from deliberation.definition.model import OutcomeKind
from deliberation.definition.versions import acting_refused
from deliberation.definition.wording import code
from deliberation.engine.approvals import lacking
from deliberation.engine.census import counts
from deliberation.engine.context import Context
from deliberation.engine.counting import (
    consultation_facts,
    disclosure_facts,
    evaluation_facts,
    matter_facts,
)
from deliberation.engine.evaluators import late
from deliberation.engine.groups import ELECTED
from deliberation.engine.plan import StagePlan
from deliberation.engine.publication_log import opening_verdicts
from deliberation.engine.state import CaseState, Tally
from deliberation.errors import DeliberationError
from deliberation.i18n import DEFAULT_LANG, Text, _, _p, check_lang, quoted, series
from deliberation.reprs import fields_repr
from deliberation.rules import Rule
from deliberation.rules.actions import ActionKind
from deliberation.rules.authorities import ASK_LABELS, authority_name
from deliberation.rules.days import local_date
from deliberation.rules.facts import Facts
from deliberation.rules.law import cite
from deliberation.rules.names import OBSERVERS
from deliberation.rules.names import RESULTS_UNPUBLISHED as PUBLICATION_FACT
from deliberation.rules.regimes import RULE as REGIME_RULE
from deliberation.rules.regimes import unapproved
from deliberation.rules.signatures import Signatures


@fields_repr
@attrs.frozen(repr=False)
class Blocker:
    """One thing missing before the case can move on, with the numbers behind it."""

    rule: str
    message: Text
    numbers: Mapping[str, Any] = attrs.field(factory=dict)
    basis: tuple[str, ...] = ()


@fields_repr
@attrs.frozen(repr=False)
class ActionHint:
    """An action that may be taken now: the ``Case`` method, the body, and who may take it."""

    action: str
    body: str | None
    who: Text
    label: Text


_LABELS: Final[dict[str, Text]] = {
    "submit_motion": _("submit the written motion"),
    "give_notice": _("give notice of the meeting"),
    "reconvene": _("reconvene the meeting"),
    "circulate_plan": _("circulate the plan"),
    "hold_meeting": _("hold the meeting and vote"),
    "record_opinion": _("collect signed opinions"),
    "close_consultation": _p("engine.explain:close_consultation", "close the consultation"),
    "post_disclosure": _("post the disclosure"),
    "conclude_disclosure": _("conclude the disclosure when the period is over"),
    "raise_objection": _("raise an objection"),
    "answer_objection": _("answer the objection"),
    "file_objection": _("object to what is posted (villagers, signed, within the window)"),
    "reply_objection": _("answer a villager's objection"),
    "publish_result": _("publish an earlier step's result first"),
    "withdraw": _("withdraw the matter"),
    "record_task": _("report on the task (done, declined or cannot be solved here)"),
    "record_rating": _("collect signed ratings"),
    "close_evaluation": _("close the evaluation"),
    "examine": _("examine the matter against each check and sign the decision"),
    "record_authority_decision": _("record the authority's decision with its instrument"),
}


def _failing(rules: tuple[Rule, ...], facts: Facts) -> list[Blocker]:
    out = []
    for rule in rules:
        try:
            v = rule.verdict(facts)
        except DeliberationError as err:
            # a verdict that cannot be reached (a period running into a year without a holiday
            # table): the action would be refused as well, so it blocks, saying what to add
            out.append(Blocker(rule.id, err.message, {}, rule.basis))
            continue
        if not v.ok:
            out.append(Blocker(rule.id, v.message, dict(v.numbers), rule.basis))
    return out


def blockers(ctx: Context, s: CaseState, t: Tally, now: datetime) -> tuple[Blocker, ...]:
    """What is missing now, rule by rule."""
    plan = ctx.plan
    if s.state not in plan.stages:
        return ()
    out: list[Blocker] = []
    if s.objections:
        sup = plan.procedure.supervision
        within = sup.answer_within_days if sup is not None else 0
        waited = (local_date(now, plan.zone) - local_date(s.entered_at, plan.zone)).days
        out.append(Blocker("objection", _(
            "{objections} objection(s) of the supervision committee await an answer; the case is "
            "suspended (answer within {within} day(s))",
        ).format(objections=s.objections, within=within),
            {"count": s.objections, "needed": 0, "days_in_stage": waited,
             "within_days": within}, sup.basis if sup is not None else ()))
    sp = plan.stage(s.state)
    on = local_date(now, plan.zone)
    if sp.deadlines:  # past a deadline, the lapse is the one thing left to record
        # Imported here for start-up speed: the calendars are loaded with the deadlines' family
        # (a procedure without deadlines loads neither).
        from deliberation.rules.calendars import CalendarCoverageError

        try:
            refusal = late(ctx, s, sp, now)
        except CalendarCoverageError:  # a day the holiday tables do not cover: not known
            refusal = None
        if refusal is not None:
            out.extend(Blocker(v.rule, v.message, v.numbers, v.basis)
                       for v in refusal.violations)
    if PUBLICATION_FACT in sp.reads:  # the stage opens once earlier results are published
        out.extend(Blocker(v.id, v.message, dict(v.numbers), v.rule.basis)
                   for v in opening_verdicts(ctx, sp) if not v.ok)
    if sp.kind is ActionKind.MOTION:
        for rule in sp.preconditions:  # nothing submitted yet: every rule still to meet
            v = rule.verdict({"on": on})
            out.append(Blocker(rule.id, v.message, dict(v.numbers), rule.basis))
    elif sp.kind is ActionKind.CONSULTATION:
        out.extend(_failing(sp.preconditions, consultation_facts(ctx, sp, t)))
    elif sp.kind is ActionKind.DISCLOSURE:
        out.extend(_failing(sp.preconditions, disclosure_facts(ctx, s, sp, on)))
    elif sp.kind is ActionKind.TASK:
        # what completing it today would be checked against (e.g. a lunar schedule)
        out.extend(_failing(sp.preconditions, {"on": on}))
    elif sp.kind is ActionKind.EVALUATION:
        facts = evaluation_facts(ctx, sp, t)
        decided = (sp.approval,) if sp.approval is not None else ()
        out.extend(_failing((*sp.preconditions, *decided), facts))
    elif sp.kind is ActionKind.GATE:
        out.extend(gate_blockers(ctx, sp))
    else:
        out.extend(_meeting_blockers(ctx, s, sp, on))
    won = plan.procedure.outcome_of_kind(OutcomeKind.SUCCESS)
    if won is not None and plan.procedure.pass_target(sp.stage) == won.id and (
            lack := lacking(ctx)) is not None:
        kind, binding, missing = lack
        opened_on = local_date(ctx.records[0].at, plan.zone)
        out.append(Blocker(REGIME_RULE, unapproved(kind, opened_on, missing),
                           {"missing": tuple(f"{a.authority}:{a.asks}" for a in missing)},
                           (f"{binding.basis.law} {binding.basis.article}",)))
    return (*_group_blockers(ctx, s, sp), *out)


def _group_blockers(ctx: Context, s: CaseState, sp: StagePlan) -> list[Blocker]:
    """A group the stage's body is made of that is not elected yet; the groups its meeting
    elects, and what the election must name (:mod:`deliberation.engine.groups`)."""
    groups = ctx.plan.procedure.groups
    if not groups:
        return []
    out: list[Blocker] = []
    for gid in sp.body.members:
        group = groups.get(gid)
        if group is not None and gid not in s.groups:
            out.append(Blocker(ELECTED, _(
                "the {group} has not been elected yet (it is elected at the stage {stage}): the "
                "{body} cannot act before",
            ).format(group=group.name, stage=ctx.plan.procedure.stage(group.elected_at).name,
                     body=sp.body.name),
                {"group": gid}, group.basis))
    for group in ctx.plan.procedure.groups_elected_at(sp.id):
        most = group.max_members
        size = (_("{min} to {max} members").format(min=group.min_members, max=most)
                if most is not None else _("at least {min} members").format(
                    min=group.min_members))
        out.append(Blocker(ELECTED, _(
            "the meeting elects the {group}: {size}, named in {key}, each selected by {who}",
        ).format(group=group.name, size=size, key=code(ELECTED),
                 who=series(quoted(e) for e in group.eligible)),
            {"group": group.id, "min": group.min_members, "max": most}, group.basis))
    return out


def gate_blockers(ctx: Context, sp: StagePlan) -> list[Blocker]:
    """A gate waits for its decision: the checks to answer and the signatures its body owes,
    or the authority's instrument."""
    auth = sp.stage.authority
    if auth is not None:
        name = authority_name(auth.id, ctx.plan.procedure.authorities)
        return [Blocker("authority", _(
            "awaiting the {ask} of the {authority}, recorded with its instrument (issuer, "
            "document number, date issued)",
        ).format(ask=ASK_LABELS[auth.asks], authority=name), {"authority": auth.id},
            sp.stage.basis)]
    checks = series(c.name for c in sp.stage.checks)
    out = [Blocker("checks", _("each check answered, met or not met with its reason: {checks}")
                   .format(checks=checks), {"checks": tuple(c.id for c in sp.stage.checks)},
                   sp.stage.basis)]
    facts: Facts = {"members": counts(ctx.roster, sp.body).members, "gate_signed": 0}
    out.extend(_failing(sp.preconditions, facts))
    return out


def _meeting_blockers(ctx: Context, s: CaseState, sp: StagePlan, on: Any) -> list[Blocker]:
    bc = counts(ctx.roster, sp.body)
    zone = ctx.plan.zone
    sizes: Facts = {"members": bc.members, "voters": bc.voters, "expected": bc.voters,
                    "households": bc.households, "adults": bc.adults}
    name = sp.body.name
    out: list[Blocker] = []
    if sp.quorum is not None:
        d = sp.quorum.describe()
        need = sp.quorum.requirements(sizes)
        first = need[0]
        out.append(Blocker(sp.quorum.id, _(
            "a meeting of the {name} is needed: quorum {detail}, i.e. at least {needed} of {total}",
        ).format(name=name, detail=d.detail, total=first.total, needed=first.needed),
            {"needed": first.needed, "total": first.total}, sp.quorum.basis))
    # the vote, or each item's where the meeting votes on items one by one
    names = {it.id: it.name for it in sp.stage.items}
    votes = sp.items if sp.items else ((None, sp.approval),)
    for item, vote in votes:
        if vote is None:
            continue
        d = vote.describe()
        view = d.thresholds[0] if d.thresholds else None
        numbers: dict[str, Any] = {} if item is None else {"item": item}
        if view is not None and view.base in ("present", "votes_cast"):
            text = _("the vote needs yes votes {detail}").format(detail=d.detail)
            numbers["base"] = view.base
        else:
            req = vote.requirements(sizes)[0]
            text = _("the vote needs yes votes {detail}, i.e. at least {needed}").format(
                detail=d.detail, needed=req.needed)
            numbers |= {"needed": req.needed, "total": req.total}
        if item is not None:
            text = _("item {name}: {need}").format(name=names[item], need=text)
        out.append(Blocker(vote.id, text, numbers, vote.basis))
    if sp.regime is not None:
        facts = sizes | matter_facts(ctx, sp)
        law_needs = sp.regime.need(facts)
        if law_needs is not None:
            (req,) = sp.regime.requirements(facts)
            out.append(Blocker(sp.regime.id, law_needs,
                               {"needed": req.needed, "total": req.total}, sp.regime.basis))
    notice, circulated = s.notices.get(sp.id), s.circulated.get(sp.id)
    timing: Facts = {
        "on": on,
        "notice_on": local_date(notice, zone) if notice is not None else None,
        "circulated_on": local_date(circulated, zone) if circulated is not None else None,
        "witnesses_signed": 0,
    }
    for rule in sp.preconditions:
        if isinstance(rule, Signatures):
            if rule.of == "participants":
                out.append(Blocker(rule.id, _("every participant must sign the minutes"),
                                   {}, rule.basis))
                continue
            if rule.of != "township-witnesses":
                continue
        elif not ({"notice_on", "circulated_on", OBSERVERS} & rule.reads):
            continue  # decided by what the meeting itself records
        out.extend(_failing((rule,), timing))
    return out


def _comment_hints(sp: StagePlan) -> list[ActionHint]:
    """A public comment period's two actions (none at other stages)."""
    if sp.rule("comment-period") is None:
        return []
    return [ActionHint("file_objection", None, _("villagers"), _LABELS["file_objection"]),
            ActionHint("reply_objection", None, _("the body that answers objections"),
                       _LABELS["reply_objection"])]


# the actions of the kinds of stage whose body takes them all
_BY_BODY: Final[Mapping[ActionKind, Callable[[StagePlan], tuple[str, ...]]]] = {
    ActionKind.TASK: lambda sp: ("record_task",),
    ActionKind.EVALUATION: lambda sp: ("record_rating", "close_evaluation"),
    ActionKind.GATE: lambda sp: ("examine",) if sp.stage.authority is None
    else ("record_authority_decision",),
}


def available_actions(ctx: Context, s: CaseState) -> tuple[ActionHint, ...]:
    """The actions that may be taken now and who may take them (none under an earlier
    version of the procedure, kept for replay only: the engine refuses every action there)."""
    plan = ctx.plan
    if s.state not in plan.stages or plan.procedure.superseded_by is not None:
        return ()
    proc = plan.procedure
    sp = plan.stage(s.state)
    out: list[ActionHint] = []

    def add(action: str, body_id: str | None, who: Text) -> None:
        out.append(ActionHint(action, body_id, who, _LABELS[action]))

    committees = _("members of the two village committees")
    convener = _("the convener")
    if s.objections:
        add("answer_objection", None, committees)
    elif PUBLICATION_FACT in sp.reads and any(not v.ok for v in opening_verdicts(ctx, sp)):
        add("publish_result", None, _("the villagers' committee"))
    else:
        body = sp.body
        if sp.kind is ActionKind.MOTION:
            add("submit_motion", body.id, body.name)
        elif sp.kind is ActionKind.MEETING:
            if sp.rule("notice-period") is not None:
                add("give_notice", body.id, convener)
                if sp.id in s.lacked_quorum:
                    add("reconvene", body.id, convener)
            if sp.rule("advance-circulation") is not None:
                add("circulate_plan", body.id, convener)
            add("hold_meeting", body.id, body.name)
        elif sp.kind is ActionKind.CONSULTATION:
            add("record_opinion", body.id, body.name)
            add("close_consultation", body.id,
                _("the villagers' committee"))
        elif sp.kind in _BY_BODY:
            for action in _BY_BODY[sp.kind](sp):
                add(action, body.id, body.name)
        else:
            add("post_disclosure", body.id, body.name)
            add("conclude_disclosure", body.id, body.name)
            out.extend(_comment_hints(sp))
    if proc.supervision is not None:
        sup = proc.bodies[proc.supervision.body]
        add("raise_objection", sup.id, sup.name)
    events = plan.machine.events
    if "withdraw" in events and events["withdraw"].transitions.get(s.state):
        add("withdraw", None, _("the submitters or the proposing body"))
    return tuple(out)


_HEAD: Final[dict[str, Text]] = {
    "stage": _("Current stage"),
    "closed": _("The case is closed"),
    "missing": _("Still needed"),
    "who": _("Who may act now"),
    "none": _("(nothing)"),
    "level": _("Level"),
}


_LAW_HEAD: Final = _("Law cited (the versions in force on {on}, when the case was opened)")


def _law_lines(ctx: Context, sp: StagePlan, found: Sequence[Blocker], lang: str) -> list[str]:
    """The stage's and the blockers' sources that name a law, cited by the version in force
    on the day the case was opened (local date)."""
    proc = ctx.plan.procedure
    ids = dict.fromkeys([*sp.stage.basis, *(b for x in found for b in x.basis)])
    cited = [proc.basis[b] for b in ids if b in proc.basis and proc.basis[b].law]
    if not cited or not ctx.records:
        return []
    on = local_date(ctx.records[0].at, ctx.plan.zone)
    return [f"{_LAW_HEAD.format(on=on.isoformat()).get(lang)}:",
            *(f"  - {code(b.id)}: {cite(b.law, b.article, on).get(lang)}" for b in cited)]


def explain(ctx: Context, s: CaseState, t: Tally, now: datetime, lang: str = DEFAULT_LANG,
            command: Callable[[str], str] | None = None) -> str:
    """A short account of where the case stands, in ``lang``; ``command`` names each action
    as the reader types it (the walkthrough's ``meeting``, the command line's
    ``hold-meeting``), by default the engine's method."""
    check_lang(lang)
    proc = ctx.plan.procedure
    head = f"{proc.name.get(lang)} · {code(ctx.case_id)}"
    if s.state not in ctx.plan.stages:
        outcome = proc.outcomes[s.state]
        return f"{head}\n{_HEAD['closed'].get(lang)}: {outcome.name.get(lang)}"
    sp = ctx.plan.stage(s.state)
    lines = [head, f"{_HEAD['stage'].get(lang)}: {sp.stage.name.get(lang)} "
                   f"({sp.body.name.get(lang)})"]
    esc = proc.escalation
    if esc is not None:
        level = esc.level(s.level)
        lines.append(f"{_HEAD['level'].get(lang)}: {level.name.get(lang)} ({code(level.id)})")
    lines.append(f"{_HEAD['missing'].get(lang)}:")
    found = blockers(ctx, s, t, now)
    labels = {r.id: r.type.label for r in sp.rules}
    lines.extend(f"  - [{labels[b.rule].get(lang) if b.rule in labels else code(b.rule)}] "
                 f"{b.message.get(lang)}" for b in found)
    if not found:
        lines.append(f"  {_HEAD['none'].get(lang)}")
    lines.extend(_law_lines(ctx, sp, found, lang))
    lines.append(f"{_HEAD['who'].get(lang)}:")
    if proc.superseded_by is not None:
        lines.append(f"  {acting_refused(proc, ctx.case_id).get(lang)}")
    for a in available_actions(ctx, s):
        name = command(a.action) if command is not None else a.action
        lines.append(f"  - {a.label.get(lang)} — {a.who.get(lang)} ({code(name)})")
    return "\n".join(lines)
