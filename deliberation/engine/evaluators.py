"""Evaluators: one per record kind — a record and the case's state in, a result and the next
state out, or a refusal. Nothing here changes anything: the case commits what they return.

Each evaluator checks the record against the stage (is it the right kind of stage, is the case
suspended, closed), checks who acts and the numbers given, counts the facts the stage's rules
read (:mod:`deliberation.engine.counting`), asks the rules, and works out where the case goes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final

from deliberation.definition.model import OutcomeKind
from deliberation.diagnostics import suggest
from deliberation.engine.approvals import lacking
from deliberation.engine.census import counts
from deliberation.engine.context import Context, Draft, member, on_roster, too_many
from deliberation.engine.counting import (
    CONSENT_WORDS,
    consultation_facts,
    counted_consulted,
    disclosure_facts,
    evaluation_facts,
    meeting_facts,
    motion_facts,
    opinion_unit,
    require_representative_yes,
    task_facts,
)
from deliberation.engine.groups import ELECTED, election, require_elected
from deliberation.engine.items import decide_items
from deliberation.engine.machine import ESCALATE_EVENT, ESCALATE_TOP, REDO_PREFIX, SKIP, WITHDRAW
from deliberation.engine.plan import StagePlan
from deliberation.engine.publication_log import opening_verdicts
from deliberation.engine.state import CaseState, Tally
from deliberation.errors import (
    CaseClosed,
    DeliberationError,
    InvalidAction,
    NotEntitled,
    RuleViolation,
)
from deliberation.frozen import FrozenDict
from deliberation.i18n import Joined, Text, _, _p, quoted
from deliberation.rules import Rule, Verdict
from deliberation.rules.actions import ActionKind
from deliberation.rules.days import local_date
from deliberation.rules.disclosure import Disclosure
from deliberation.rules.facts import Facts
from deliberation.rules.law import DEFAULT_KIND, kind_problem, regime_of
from deliberation.rules.names import RESULTS_UNPUBLISHED as PUBLICATION_FACT
from deliberation.rules.regimes import RULE as REGIME_RULE
from deliberation.rules.regimes import admission, bound, unapproved

_COMMITTEES: Final = ("party-committee", "villagers-committee")
# (a module constant: reading an enum member off its class costs about twenty times a global's
# lookup on Python 3.11, and every adoption asks)
_SUCCESS: Final = OutcomeKind.SUCCESS


class ReplayError(DeliberationError):
    """Records do not replay to what they say: a changed procedure, roster or result."""


Effect = Callable[[Tally], None]


# What an accepted record gives, in this order: its result, the state after it, and what it
# adds to the tally of the stage visit it was made in (``None``: nothing). A plain tuple, built
# as a literal and unpacked where read: on Python 3.11 a named tuple costs about four times as
# much to make and each field read by name costs more than the unpacking of all three, once a
# record; mypy checks every place that builds or unpacks one against this alias.
Outcome = tuple[FrozenDict, CaseState, Effect | None]


class _Model:
    """The object ``transitions`` moves: it carries only the state (see :func:`fire`)."""

    __slots__ = ("state",)
    state: str


def fire(ctx: Context, state: str, event: str) -> str:
    """Fire ``event`` on the procedure's machine from ``state``: the state it leads to."""
    m = _Model()  # (no __init__: set here, in the one place a model is made)
    m.state = state
    ctx.plan.triggers[event](m)
    return m.state


# -- helpers ----------------------------------------------------------------------------------


def closed_msg(ctx: Context, state: str) -> Text:
    # the outcome by its name: its id is no word for a reader
    outcome = ctx.plan.procedure.outcomes.get(state)
    return _("the case is closed ({state})").format(
        state=outcome.name if outcome is not None else quoted(state))


def _open(ctx: Context, s: CaseState) -> None:
    if s.state not in ctx.plan.stages:
        raise CaseClosed(closed_msg(ctx, s.state))


def open_stage(ctx: Context, s: CaseState, stage: str | None, kinds: tuple[ActionKind, ...],
               what: Text) -> StagePlan:
    """The current stage, if it is open, not suspended, and of one of ``kinds``. ``stage``:
    the stage the record is made in, as its draft gives it (the state's stage while it is
    open, ``None`` once the case is closed; a stored record's, checked against the state
    before it is replayed)."""
    sp = ctx.plan.stages.get(stage)  # type: ignore[arg-type]  # (None: no stage, closed)
    if sp is None:
        raise CaseClosed(closed_msg(ctx, s.state))
    if s.objections:
        raise InvalidAction(_("the case is suspended by an objection; answer it first"))
    if sp.kind not in kinds:
        raise InvalidAction(_(
            "the case is at {name!r}; cannot {what} now",
        ).format(name=sp.stage.name, what=what))
    if sp.gated:  # (most stages wait for nothing: neither is asked)
        if ctx.plan.procedure.groups:
            require_elected(ctx, s, sp)  # a body made of a group acts once the group is elected
        if PUBLICATION_FACT in sp.reads:  # per-stage disclosure: the stage opens once published
            failed = [v for v in opening_verdicts(ctx, sp) if not v.ok]
            if failed:
                raise violation(sp, failed)
    return sp


def preconditions(sp: StagePlan, facts: Facts, asked: Sequence[Verdict] | None = None
                  ) -> list[FrozenDict]:
    """Ask the stage's preconditions (or take their verdicts already ``asked``); raise one
    RuleViolation carrying every failure."""
    # (each verdict's ``ok`` read as its entry's item: the property costs more)
    if asked is None:
        made: list[Verdict] = []  # (a loop, not a comprehension: a stage has one to three)
        held = True
        for r in sp.preconditions:
            v = r.verdict(facts)
            made.append(v)
            held = held and v["ok"]
        if not held:
            raise violation(sp, [v for v in made if not v.ok])
        # (each verdict is its own entry in the result: the list is the caller's)
        return made  # type: ignore[return-value]
    for v in asked:
        if not v["ok"]:
            raise violation(sp, [v for v in asked if not v.ok])
    return list(asked)


def violation(sp: StagePlan, failed: Sequence[Verdict]) -> RuleViolation:
    """The refusal for ``failed`` verdicts (messages built now: someone will read them)."""
    each = [RuleViolation(v.id, sp.id, v.message, v.numbers, v.rule.basis) for v in failed]
    first = each[0]
    if len(each) == 1:
        return first
    message = Joined(_p("between messages", "; "), tuple(f.message for f in each))
    return RuleViolation(first.rule, sp.id, message, first.numbers, first.basis, each)


def move(ctx: Context, s: CaseState, d: Draft, sp: StagePlan, route: str,
         checks: Sequence[FrozenDict], **extra: Any) -> Outcome:
    """Follow ``route`` from the stage: the result and the state in the stage it leads to."""
    seq, _kind, at, _actor, _stage, _data, _signatures = d
    if route in sp.escalates:
        return _escalate(ctx, s, d, route, checks, extra)
    to = fire(ctx, s.state, route)
    if to not in ctx.plan.stages:
        _adoptable(ctx, d, sp, to, extra)
    new = s.entering(to, seq, at)
    return _moved(route, to, checks, extra, new.returned() if sends_back(ctx, sp, to) else new)


def sends_back(ctx: Context, sp: StagePlan, to: str) -> bool:
    """Whether moving from ``sp`` to ``to`` sends the case back to an earlier stage, where the
    case's engine format withdraws its standing notices and circulated plans."""
    # (the stage first: most moves lead forward, and the format is then not read)
    return to in sp.earlier and ctx.engine_format.withdraws_on_return


def _moved(route: str, to: str, checks: Sequence[FrozenDict], extra: Mapping[str, Any],
           new: CaseState) -> Outcome:
    """The result of following ``route`` to ``to``, and the state ``new`` there."""
    return (FrozenDict({"route": route, "state": to, "checks": tuple(checks), **extra}), new,
            None)


def move_after_meeting(ctx: Context, s: CaseState, d: Draft, sp: StagePlan, route: str,
                       held: int, checks: Sequence[FrozenDict], electorate: FrozenDict,
                       items: tuple[FrozenDict, ...] | None = None,
                       groups: Mapping[str, Any] | None = None) -> Outcome:
    """:func:`move` for the ``held``-th meeting of the stage, which took ``route``: the state
    after the meeting (:meth:`CaseState.after_meeting`) in the stage it leads to, built once,
    and the meeting's result — the route, the state, the checks, the round, the electorate, the
    items' results and the groups elected (as far as there are any) — in one mapping."""
    seq, _kind, at, _actor, _stage, _data, _signatures = d
    if route in sp.escalates:
        extra: dict[str, Any] = {"round": held, "electorate": electorate}
        if items is not None:
            extra["items"] = items
        if groups is not None:
            extra["groups"] = groups
        return _escalate(ctx, s.after_meeting(sp.id, route), d, route, checks, extra)
    to = fire(ctx, s.state, route)
    # (the same parts as above, after the route, the state and the checks: written out once
    # more so that every meeting builds one mapping)
    result = {"route": route, "state": to, "checks": tuple(checks), "round": held,
              "electorate": electorate}
    if items is not None:
        result["items"] = items
    if groups is not None:
        result["groups"] = groups
    if to not in ctx.plan.stages:
        _adoptable(ctx, d, sp, to, result)
    new = s.after_meeting(sp.id, route, (to, seq, at))
    return (FrozenDict(result), new.returned() if sends_back(ctx, sp, to) else new, None)


def _adoptable(ctx: Context, d: Draft, sp: StagePlan, to: str, extra: Mapping[str, Any]
               ) -> None:
    """Before a case ends in ``to``: an adoption must have every approval the law requires
    above the village (the one check, whichever action adopts)."""
    won = ctx.plan.procedure.outcome_of_kind(_SUCCESS)
    if won is not None and to == won.id:
        _approved_above(ctx, d, sp, extra)


def _approved_above(ctx: Context, d: Draft, sp: StagePlan, extra: Mapping[str, Any]) -> None:
    """Refuse to adopt a matter of a kind the law makes subject to approvals above the village
    (农村土地承包法 Arts. 28, 52) until each is recorded (:mod:`deliberation.engine.approvals`)."""
    lack = lacking(ctx, extra)
    if lack is None:
        return
    kind, binding, missing = lack
    law, article = binding.basis.law, binding.basis.article
    regime = regime_of(kind)
    assert regime is not None  # only a bound kind needs approvals
    on = _local(ctx, ctx.records[0].at)
    raise RuleViolation(REGIME_RULE, sp.id, unapproved(kind, on, missing), FrozenDict(
        kind=kind, regime=regime.id, law=law, article=article,
        missing=tuple(f"{a.authority}:{a.asks}" for a in missing)), (f"{law} {article}",))


def _escalate(ctx: Context, s: CaseState, d: Draft, route: str, checks: Sequence[FrozenDict],
              extra: Mapping[str, Any]) -> Outcome:
    """One level up (to ``escalation.to``), or from the top level to ``escalation.top``."""
    seq, _kind, at, _actor, _stage, _data, _signatures = d
    esc = ctx.plan.procedure.escalation
    assert esc is not None  # escalates is empty without a ladder
    index = min(s.level, len(esc.levels) - 1)
    if index + 1 < len(esc.levels):
        event, to = ESCALATE_EVENT, esc.levels[index + 1].id
    else:
        event, to = ESCALATE_TOP, None
    state = fire(ctx, s.state, event)
    new = s._replace(state=state, entered_seq=seq, entered_at=at,
                       postings=FrozenDict(), level=s.level + 1 if to is not None else s.level)
    return (FrozenDict(route=route, state=state, checks=tuple(checks), **extra,
                       escalated=FrozenDict({"from": esc.levels[index].id, "to": to})),
            new, None)


def _round(s: CaseState, sp: StagePlan, route: str) -> tuple[str, int]:
    """Count one more round (a meeting held, a task declined, an evaluation closed) at the
    stage: the route becomes ``max_rounds`` when a failed round is the stage's last allowed."""
    held = s.rounds_at(sp.id) + 1
    cap = sp.stage.max_rounds
    if route != "pass" and cap is not None and held >= cap:
        return "max_rounds", held
    return route, held


def _stayed(sp: StagePlan, open_objections: int) -> FrozenDict:
    """The result of an objection raised or answered: the case stays at ``sp`` (the result of
    every other action that leaves it there is :attr:`StagePlan.stayed`)."""
    return FrozenDict({**sp.stayed, "open_objections": open_objections})


def _local(ctx: Context, at: datetime) -> Any:
    return local_date(at, ctx.plan.zone)


# -- evaluators -------------------------------------------------------------------------------

_DO_MOTION: Final = _("submit a motion")
_DO_NOTICE: Final = _("give notice")
_DO_MEETING: Final = _("hold a meeting")
_DO_OPINION: Final = _("record an opinion")
_DO_CLOSE: Final = _("close the consultation")
_DO_POST: Final = _("post a disclosure")
_DO_CONCLUDE: Final = _("conclude the disclosure")
_DO_TASK: Final = _("report on a task")
_DO_RATE: Final = _("record a rating")
_DO_CLOSE_EVAL: Final = _("close the evaluation")
_ANY_KIND: Final = tuple(ActionKind)
# The kinds each evaluator accepts, and the one it compares with, as module constants: reading
# an enum member off its class (``ActionKind.MEETING``) costs about twenty times a global's
# lookup on Python 3.11, and every action reads a few.
_MEETING: Final = ActionKind.MEETING
_MOTION_ONLY: Final = (ActionKind.MOTION,)
_MEETING_ONLY: Final = (ActionKind.MEETING,)
_CONSULTATION_ONLY: Final = (ActionKind.CONSULTATION,)
_DISCLOSURE_ONLY: Final = (ActionKind.DISCLOSURE,)
_TASK_ONLY: Final = (ActionKind.TASK,)
_EVALUATION_ONLY: Final = (ActionKind.EVALUATION,)
_TASK_ROUTES: Final = {"done": "pass", "declined": "declined", "unresolved": "unresolved"}


def ev_opened(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    seq, _kind, at, _actor, _stage, data, _signatures = d
    proc = ctx.plan.procedure
    if data.get("procedure") != proc.id or data.get("version") != proc.version:
        raise ReplayError(_(
            "case was opened under {procedure} {version}, not {id} {version2}",
        ).format(
            procedure=data.get('procedure'),
            version=data.get('version'),
            id=proc.id,
            version2=proc.version,
        ))
    if data.get("roster") != ctx.roster_fingerprint:
        raise ReplayError(_p(
            "engine.evaluators",
            "the roster is not the one the case was opened with",
        ))
    kind = data.get("kind", DEFAULT_KIND)
    problem = kind_problem(kind)
    if problem is not None:
        raise InvalidAction(problem)
    # A kind no law binds (``regime_of``: most matters) is admitted whatever the day; a bound
    # kind is asked about under the law in force on the day it is opened.
    if regime_of(kind) is not None:
        _admit(ctx, kind, _local(ctx, at))
    plan = ctx.plan
    return (plan.opened, CaseState(plan.stage_ids[0], seq, at), None)


def _admit(ctx: Context, kind: str, on: Any) -> None:
    """Refuse to open a case of ``kind`` on the local date ``on`` that the procedure cannot
    decide under the regime binding it (:func:`~deliberation.rules.regimes.admission`)."""
    refused = admission(kind, on, ctx.plan.meeting_regimes)
    if refused is not None:
        hit = bound(kind, on)
        assert hit is not None  # only a bound kind is refused
        raise RuleViolation(REGIME_RULE, "opened", refused, FrozenDict(
            kind=kind, regime=hit[0].id, law=hit[1].basis.law, article=hit[1].basis.article,
            **hit[0].approval.to_data()), (f"{hit[1].basis.law} {hit[1].basis.article}",))


def ev_motion(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    _seq, _kind, at, _actor, stage, data, _signatures = d
    sp = open_stage(ctx, s, stage, _MOTION_ONLY, _DO_MOTION)
    subs = list(data.get("submitters") or ())
    signed = set(data.get("signed") or ())
    if len(set(subs)) != len(subs):
        raise InvalidAction(_("a submitter is listed twice"))
    for vid in subs:
        member(ctx, vid, sp.body.members, sp.id, sp.body.name)
    for vid in signed - set(subs):
        raise InvalidAction(_("{vid} signed but is not a submitter").format(vid=vid))
    text = data.get("text", "")
    if type(text) is not str:
        raise InvalidAction(_("the motion's text must be text"))
    facts = motion_facts(ctx, sp, subs, signed, text, _local(ctx, at))
    result, new, effect = move(ctx, s, d, sp, "pass", preconditions(sp, facts))
    return (result, new._replace(submitters=s.submitters | set(subs)), effect)


def ev_notice(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    _seq, kind, at, _actor, stage, data, _signatures = d
    sp = open_stage(ctx, s, stage, _ANY_KIND, _DO_NOTICE)
    target = ctx.plan.stages.get(str(data.get("for")))
    if target is None or target.kind is not _MEETING or target.index < sp.index:
        raise InvalidAction(_("the notice names no meeting stage at or after this one"))
    if data.get("reconvene") and (target.id != sp.id or target.id not in s.lacked_quorum):
        raise InvalidAction(_("only a meeting that lacked a quorum is reconvened"))
    if kind == "notice":
        new = s.with_notice(target.id, at)
    else:
        new = s.with_circulation(target.id, at)
    return (sp.stayed, new, None)


def _decide(sp: StagePlan, facts: Facts, checks: list[FrozenDict], vote: bool = True) -> str:
    """The quorum, then (if met and ``vote``) the vote: the route they give, each verdict added
    to ``checks`` (a meeting's, or a written consultation's validity and consent)."""
    # (each verdict's ``ok`` read as its entry's item: the property costs more)
    quorum, approval = sp.quorum, sp.approval
    if quorum is not None:
        v = quorum.verdict(facts)
        checks.append(v)
        if not v["ok"]:
            return "no_quorum"
    if vote and approval is not None:
        v = approval.verdict(facts)
        checks.append(v)
        if not v["ok"]:
            return "rejected"
    return "pass"


def ev_meeting(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    _seq, _kind, _at, _actor, stage, data, _signatures = d
    sp = open_stage(ctx, s, stage, _MEETING_ONLY, _DO_MEETING)
    facts, electorate = meeting_facts(ctx, s, sp, d)
    checks = preconditions(sp, facts)
    items: tuple[FrozenDict, ...] | None = None
    # items voted one by one: the quorum once, then each item's vote (with the regime's)
    route = _decide(sp, facts, checks, not sp.items)  # (vote: positional, a cheaper call)
    if route != "no_quorum" and sp.regime is not None:
        require_representative_yes(sp.regime, facts)  # the law's vote can be counted
    if sp.items and route != "no_quorum":
        route, items = decide_items(sp, facts)
    elif route != "no_quorum" and sp.regime is not None:
        # asked even when the procedure's own vote failed: its verdict says which rule binds
        v = sp.regime.verdict(facts)
        checks.append(v.entry())
        if not v.ok:
            route = "rejected"
    # (a procedure without groups elects none: only a meeting naming some is asked, to refuse it)
    elected = (election(ctx, s, sp, data, route)
               if ctx.plan.procedure.groups or ELECTED in data else None)
    route, held = _round(s, sp, route)
    if elected is not None:  # a new election replaces the group
        s = s._replace(groups=FrozenDict({**s.groups, **elected}))
    return move_after_meeting(ctx, s, d, sp, route, held, checks, electorate, items, elected)


def ev_opinion(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    # Imported here for start-up speed: only a consultation stage records opinions.
    from deliberation.rules.consultation import ConsultationCoverage

    _seq, _kind, _at, _actor, stage, data, signatures = d
    sp = open_stage(ctx, s, stage, _CONSULTATION_ONLY, _DO_OPINION)
    named = "villager" in data
    if t.named is not None and t.named != named:
        raise InvalidAction(_("named opinions and counted opinions cannot be mixed"))
    if not named:
        signed, unsigned, proxies = (data.get("count", 0), data.get("unsigned", 0),
                                     data.get("proxies", 0))
        bc = counts(ctx.roster, sp.body)
        rule = sp.rule("consultation-coverage")
        by_household = isinstance(rule, ConsultationCoverage) and rule.unit == "household"
        population = bc.households if by_household else bc.adults
        # each kind of opinion can at most reach everyone (a unit that gave an unsigned
        # opinion may sign later, so the kinds together may exceed it)
        for what, before, n in zip(("signed", "unsigned", "proxies"), t.counted_opinions,
                                   (signed, unsigned, proxies), strict=True):
            if before + n > population:
                raise InvalidAction(too_many(what, before + n, population))
        # ... but each unit counts towards coverage once, by its best opinion: the kinds that
        # count (signed; by proxy, unsigned, where the rule takes them) together reach at most
        # everyone, or a villager reported by proxy and again in person would count twice
        c = t.counted_opinions
        counted = counted_consulted(rule, c[0] + signed, c[1] + unsigned, c[2] + proxies)
        if counted > population:
            raise InvalidAction(_(
                "{n} opinions would count towards coverage, more than the {limit} {unit} "
                "consulted: count each once, by its best opinion (one signed by proxy and "
                "then in person is one signed opinion)",
            ).format(n=counted, limit=population,
                     unit=_p("rules.consultation", "households") if by_household
                     else _("villagers")))
        return (sp.stayed, s, lambda tally: tally.add_counted_opinions(
            signed, unsigned, proxies))
    vid = data["villager"]
    v = member(ctx, vid, sp.body.members, sp.id, sp.body.name)
    if not v.adult:  # the population consulted is the body's adults (domain.md §3)
        raise NotEntitled(sp.id, vid, _("{vid} is under 18 and not consulted").format(vid=vid))
    status = Tally.UNSIGNED
    for sig in signatures:
        if sig.method == "proxy":
            if sig.on_behalf_of != vid:
                raise InvalidAction(_("the proxy signature must be on behalf of the villager"))
            proxy = on_roster(ctx, sig.signer, sp.id)
            if not proxy.adult:
                raise InvalidAction(_(
                    "the proxy {signer} is not an adult",
                ).format(signer=sig.signer))
            status = max(status, Tally.PROXY)
        elif sig.signer != vid:
            raise InvalidAction(_("the signature must be the villager's own"))
        else:
            status = Tally.OWN
    unit = opinion_unit(sp, v)
    if status == Tally.OWN:  # a reply under the villager's real name
        consents = data.get("opinion") in CONSENT_WORDS

        def update(tally: Tally) -> None:
            tally.add_opinion(unit, status)
            tally.add_reply(vid, consents)

        return (sp.stayed, s, update)
    return (sp.stayed, s, lambda tally: tally.add_opinion(unit, status))


def ev_consultation_closed(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    _seq, _kind, _at, _actor, stage, _data, _signatures = d
    sp = open_stage(ctx, s, stage, _CONSULTATION_ONLY, _DO_CLOSE)
    facts = consultation_facts(ctx, sp, t)
    checks = preconditions(sp, facts)
    # a written consultation decides: valid when enough replied, granted when enough consent
    route = _decide(sp, facts, checks)
    return move(ctx, s, d, sp, route, checks)


def ev_disclosure_posted(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    _seq, _kind, at, actor, stage, data, _signatures = d
    sp = open_stage(ctx, s, stage, _DISCLOSURE_ONLY, _DO_POST)
    if actor is None:
        raise InvalidAction(_("say who posts the disclosure"))
    member(ctx, actor, sp.body.members, sp.id, sp.body.name)
    channel = data.get("channel")
    if type(channel) is not str or channel not in ctx.plan.channels:
        # (a known channel is never blank: only an unknown one is asked whether it is)
        if type(channel) is not str or not channel.strip():
            raise InvalidAction(_("name the channel"))
        hint = suggest(channel, ctx.plan.channels)
        raise InvalidAction(_(
            "unknown disclosure channel {channel!r}; {hint}",
        ).format(channel=channel, hint=hint))
    postings = s.postings
    if channel in postings:  # the channel's first posting in the stage stands
        return (sp.stayed, s, None)
    return (sp.stayed, s.with_posting(channel, at), None)


def ev_disclosure_concluded(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    _seq, _kind, at, _actor, stage, _data, _signatures = d
    sp = open_stage(ctx, s, stage, _DISCLOSURE_ONLY, _DO_CONCLUDE)
    facts = disclosure_facts(ctx, s, sp, local_date(at, ctx.plan.zone))
    # A posting taken down before its period, where the rule says to post it again: recorded,
    # and the ``short`` route (by default this stage again: the days count anew).
    verdicts: list[Verdict] = []
    short: list[Verdict] = []
    for r in sp.preconditions:  # (one loop for both lists: a stage has a rule or two)
        v = r.verdict(facts)
        verdicts.append(v)
        if isinstance(r, Disclosure) and r.repost and v.numbers["channels"] \
                and not v.numbers["met"]:
            short.append(v)
    # a comment period's window restarts with the new posting, and its open objections stay
    # open across it: neither holds up posting again
    if short and not s.objections:
        # Imported here for start-up speed: only a disclosure posted again comes here.
        from deliberation.rules.comments import CommentPeriod

        if all(v.ok for v in verdicts if v not in short and not isinstance(v.rule, CommentPeriod)):
            return move(ctx, s, d, sp, "short", [v.entry() for v in verdicts])
    return move(ctx, s, d, sp, "pass", preconditions(sp, facts, verdicts))


def ev_objection(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    _seq, _kind, _at, actor, _stage, _data, _signatures = d
    _open(ctx, s)
    sup = ctx.plan.procedure.supervision
    if sup is None:
        raise InvalidAction(_("this procedure has no supervision body"))
    body = ctx.plan.procedure.bodies[sup.body]
    member(ctx, actor, body.members, s.state, body.name)
    new = s._replace(objections=s.objections + 1)
    return (_stayed(ctx.plan.stages[s.state], new.objections), new, None)


def ev_answer(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    seq, _kind, at, actor, _stage, data, _signatures = d
    _open(ctx, s)
    if not s.objections:
        raise InvalidAction(_("there is no open objection"))
    member(ctx, actor, _COMMITTEES, s.state, _("two village committees"))
    sp = ctx.plan.stages[s.state]
    redo = data.get("redo", False)
    after = s._replace(objections=s.objections - 1)
    if redo is False or redo is None:
        return (_stayed(sp, after.objections), after, None)
    if redo is True:
        event = "objection"
    else:
        back = ctx.plan.stages.get(str(redo))
        if back is None or back.index > sp.index:
            raise InvalidAction(_(
                "cannot send the case back to {redo!r}: not this or an earlier stage",
            ).format(redo=redo))
        event = REDO_PREFIX + back.id
    state = fire(ctx, s.state, event)
    new = after._replace(state=state, entered_seq=seq, entered_at=at,
                       postings=FrozenDict())
    if sends_back(ctx, sp, state):
        new = new.returned()
    return (FrozenDict(route=event, state=state, open_objections=after.objections), new, None)


def ev_withdrawn(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    seq, _kind, at, actor, _stage, _data, _signatures = d
    _open(ctx, s)
    plan = ctx.plan
    allowed = (plan.machine.events[WITHDRAW].transitions.get(s.state)
               if WITHDRAW in plan.machine.events else None)
    if plan.procedure.withdrawal is None or not allowed:
        raise InvalidAction(_("the matter can no longer be withdrawn"))
    if actor not in s.submitters:
        proposers = next((sp.body for sp in plan.stages.values()
                          if sp.kind is ActionKind.MEETING), None)
        sel = proposers.members if proposers is not None else ()
        member(ctx, actor, sel, s.state, _("submitters or the proposing body"))
    state = fire(ctx, s.state, WITHDRAW)
    new = s._replace(state=state, entered_seq=seq, entered_at=at)
    return (FrozenDict(route=WITHDRAW, state=state), new, None)


class NothingDue(InvalidAction):
    """check_deadlines found nothing expired (internal: no record is made)."""


def _since(ctx: Context, s: CaseState, rule: Rule) -> date:
    """The local date a deadline rule counts from: the case's opening or the stage visit's."""
    # Imported here, as in _too_late, for start-up speed: only a procedure with deadlines comes
    # here, and its deadlines loaded this family (with the calendars it counts on) already.
    from deliberation.rules.schedules import Deadline

    ref = (ctx.records[0].at if isinstance(rule, Deadline) and rule.reference == "case-opened"
           else s.entered_at)
    return _local(ctx, ref)  # type: ignore[no-any-return]


def deadline_verdicts(ctx: Context, s: CaseState, sp: StagePlan, at: datetime) -> list[Verdict]:
    """The stage's deadline rules asked about ``at``."""
    on = _local(ctx, at)
    return [rule.verdict({"since": _since(ctx, s, rule), "on": on}) for rule in sp.deadlines]


# What may still be recorded at a stage once one of its deadlines has passed: the lapse itself
# (what the law now asks to record), a clerk's note (an annotation that never changes the
# state: "the handler missed the deadline" must stay writable), and the records the engine adds
# for the stages merged away after an action (entered and left in the same instant). The
# opening is made before the first stage is entered: no deadline of it runs yet.
AFTER_DEADLINE: Final = frozenset({"opened", "lapsed", "note", "stage-skipped"})


def refuse_late(ctx: Context, s: CaseState, sp: StagePlan, kind: str, at: datetime) -> None:
    """Refuse a record of ``kind`` made ``at`` when a ``deadline`` rule of the stage ``sp`` has
    passed by then (local calendar days, as :func:`deadline_verdicts` asks them): the case has
    lapsed in law, so nothing but the lapse (``check_deadlines``) or a note may follow.

    The refusal is the deadline rule's own verdict, with the dates it counted between."""
    if kind in AFTER_DEADLINE:
        return
    refusal = late(ctx, s, sp, at)
    if refusal is not None:
        raise refusal


def late(ctx: Context, s: CaseState, sp: StagePlan, at: datetime) -> RuleViolation | None:
    """The refusal of an action at ``at`` after a deadline of ``sp`` passed (None: in time)."""
    failed = [v for v in deadline_verdicts(ctx, s, sp, at) if not v.ok]
    return _too_late(ctx, s, sp, _local(ctx, at), failed) if failed else None


def _too_late(ctx: Context, s: CaseState, sp: StagePlan, on: date, failed: Sequence[Verdict]
              ) -> RuleViolation:
    """The refusal of an action dated ``on``, after the deadlines of ``failed`` verdicts."""
    from deliberation.rules.schedules import Deadline  # (lazy: start-up speed; see _since)

    to = _deadline_route(ctx, sp)
    each = []
    for v in failed:
        rule = v.rule
        since = _since(ctx, s, rule)
        numbers = {**v.numbers, "since": since.isoformat(), "on": on.isoformat()}
        if isinstance(rule, Deadline):
            numbers["last_day"] = rule.period.last_day(since).isoformat()
        message = _(
            "too late: the deadline of {stage} ({verdict}, counted from {since}) ended on "
            "{last}, and this action is dated {on}. Record the missed deadline first "
            "(`check-deadlines` in a scenario file or with `deliberation case act`, "
            "`check_deadlines()` in Python); the case then goes to {to}",
        ).format(verdict=v.message, since=numbers["since"], stage=sp.stage.name,
                 last=numbers.get("last_day", numbers["on"]), on=numbers["on"], to=to)
        each.append(RuleViolation(v.id, sp.id, message, numbers, rule.basis))
    if len(each) == 1:
        return each[0]
    first = each[0]
    joined = Joined(_p("between messages", "; "), tuple(f.message for f in each))
    return RuleViolation(first.rule, sp.id, joined, first.numbers, first.basis, each)


def _deadline_route(ctx: Context, sp: StagePlan) -> Text:
    """Where the stage's ``deadline`` route takes a case, in words."""
    if "deadline" in sp.escalates:
        return _("the next level up")
    to = sp.targets.get("deadline", "")
    stage = ctx.plan.stages.get(to)
    if stage is not None:
        return stage.stage.name
    outcome = ctx.plan.procedure.outcomes.get(to)
    return outcome.name if outcome is not None else quoted(to)


def ev_lapsed(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    _seq, _kind, at, _actor, _stage, _data, _signatures = d
    _open(ctx, s)
    sp = ctx.plan.stages[s.state]
    results = deadline_verdicts(ctx, s, sp, at)
    if all(v.ok for v in results):
        raise NothingDue(_("no deadline has passed"))
    return move(ctx, s, d, sp, "deadline", [v.entry() for v in results])


def ev_skipped(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    seq, _kind, at, _actor, _stage, _data, _signatures = d
    sp = ctx.plan.stages.get(s.state)
    if sp is None or not sp.skip:
        raise InvalidAction(_("this stage is not skipped"))
    state = fire(ctx, s.state, SKIP)
    new = s._replace(state=state, entered_seq=seq, entered_at=at,
                       postings=FrozenDict())
    req = sp.stage.required_from
    if req is not None and sp.id in ctx.plan.not_in_force:  # the law did not yet require it
        return (FrozenDict(route=SKIP, state=state, required_from=FrozenDict(
            law=req.law, version=req.version)), new, None)
    return (FrozenDict(route=SKIP, state=state, setting=sp.stage.skip_when), new, None)


def ev_note(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    _open(ctx, s)
    return (ctx.plan.stages[s.state].stayed, s, None)


def ev_task(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    _seq, _kind, at, actor, stage, data, _signatures = d
    sp = open_stage(ctx, s, stage, _TASK_ONLY, _DO_TASK)
    route = _TASK_ROUTES.get(data.get("result"))  # type: ignore[arg-type]
    if route is None:
        raise InvalidAction(_(
            "a task's result is done, declined or unresolved, not {result!r}",
        ).format(result=data.get('result')))
    if actor is None:
        raise InvalidAction(_("say who reports on the task"))
    member(ctx, actor, sp.body.members, sp.id, sp.body.name)
    handler = data.get("handler")
    if handler is not None:
        on_roster(ctx, handler, sp.id)
    if route == "pass":
        return move(ctx, s, d, sp, route, preconditions(sp, task_facts(_local(ctx, at))))
    route, held = _round(s, sp, route)
    return move(ctx, s.with_round(sp.id), d, sp, route, (), round=held)


def ev_rating(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    _seq, _kind, _at, _actor, stage, data, signatures = d
    sp = open_stage(ctx, s, stage, _EVALUATION_ONLY, _DO_RATE)
    named = "villager" in data
    if t.named is not None and t.named != named:
        raise InvalidAction(_("named ratings and counted ratings cannot be mixed"))
    if not named:
        sat, unsat, unsigned = (data.get("count", 0), data.get("unsatisfied", 0),
                                data.get("unsigned", 0))
        raters = counts(ctx.roster, sp.body).members
        given = sum(t.counted_ratings[:2]) + sat + unsat
        if given > raters:
            raise InvalidAction(too_many("ratings", given, raters))
        return (sp.stayed, s, lambda tally: tally.add_counted_ratings(sat, unsat, unsigned))
    vid = data["villager"]
    member(ctx, vid, sp.body.members, sp.id, sp.body.name)
    satisfied = data.get("satisfied")
    if type(satisfied) is not bool:
        raise InvalidAction(_("satisfied must be true or false"))
    for sig in signatures:
        if sig.signer != vid:
            raise InvalidAction(_("the signature must be the rater's own"))
    signed = bool(signatures)
    return (sp.stayed, s, lambda tally: tally.add_rating(vid, satisfied, signed))


def ev_evaluation_closed(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    # Imported here for start-up speed: only an evaluation stage (rated tasks) comes here.
    from deliberation.rules.tasks import Satisfaction

    _seq, _kind, _at, _actor, stage, _data, _signatures = d
    sp = open_stage(ctx, s, stage, _EVALUATION_ONLY, _DO_CLOSE_EVAL)
    facts = evaluation_facts(ctx, sp, t)
    checks = preconditions(sp, facts)
    route = "pass"
    rule = sp.approval  # the satisfaction rule
    if rule is not None:
        v = rule.verdict(facts)
        if isinstance(rule, Satisfaction) and not rule.enough_ratings(facts):
            raise violation(sp, [v])  # too few signed ratings to decide anything: refused
        checks.append(v.entry())
        if not v.ok:
            route = "rejected"
    route, held = _round(s, sp, route)
    return move(ctx, s.with_round(sp.id), d, sp, route, checks, round=held)


Evaluator = Callable[[Context, CaseState, Tally, Draft], Outcome]

EVALUATORS: Final[dict[str, Evaluator]] = {
    "opened": ev_opened,
    "motion": ev_motion,
    "notice": ev_notice,
    "circulated": ev_notice,
    "meeting": ev_meeting,
    "opinion": ev_opinion,
    "consultation-closed": ev_consultation_closed,
    "disclosure-posted": ev_disclosure_posted,
    "disclosure-concluded": ev_disclosure_concluded,
    "objection": ev_objection,
    "answer": ev_answer,
    "withdrawn": ev_withdrawn,
    "lapsed": ev_lapsed,
    "stage-skipped": ev_skipped,
    "note": ev_note,
    "task": ev_task,
    "rating": ev_rating,
    "evaluation-closed": ev_evaluation_closed,
}
