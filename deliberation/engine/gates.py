"""Evaluators of a gate stage: a body's examination, and an authority's decision.

``examination`` — the gate's body examined the matter against the stage's named checks: every
check is answered, as met or not met with its reason; the decision is signed by the members
who took it (the ``gate-signatures`` rule: enough of the body's members, refused otherwise).
Every check met clears the matter (``pass``); any not met returns it (``returned``) to the
stage the gate names, a round counted against ``max_rounds``.

``authority-decision`` — the authority above the village decided: approved, refused or
returned (approval), filed or returned (filing), with its instrument (issuer, document number,
date issued; :mod:`deliberation.engine.instruments`), recorded by a member of the stage's body
(the body that reported the matter). A refusal takes ``rejected`` and a return ``returned``,
each with its reason.

Every examination and every decision counts a round at the stage; one that does not let the
matter through, at the stage's ``max_rounds``, takes ``max_rounds`` instead (as a meeting does).

A refused record changes nothing: each check below raises before any state is built.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from deliberation.diagnostics import suggest
from deliberation.engine.census import counts
from deliberation.engine.context import Context, Draft, member
from deliberation.engine.evaluators import Outcome, move, open_stage, preconditions
from deliberation.engine.evaluators import _round as count_round  # one count of rounds
from deliberation.engine.instruments import read_instrument
from deliberation.engine.plan import StagePlan
from deliberation.engine.state import CaseState, Tally
from deliberation.errors import InvalidAction
from deliberation.i18n import _, named, quoted, series
from deliberation.rules.actions import ActionKind
from deliberation.rules.authorities import DECISION_ROUTES, DECISIONS
from deliberation.rules.days import local_date
from deliberation.rules.facts import Facts

EXAMINATION_KIND: Final = "examination"
DECISION_KIND: Final = "authority-decision"

_DO_EXAMINE: Final = _("examine the matter")
_DO_DECIDE: Final = _("record the authority's decision")


def _reason(value: Any, what: str) -> str:
    if type(value) is not str or not value.strip():
        raise InvalidAction(_("give the reason for {what} in words").format(what=quoted(what)))
    return value.strip()


def _findings(sp: StagePlan, data: Mapping[str, Any]) -> tuple[tuple[str, ...], dict[str, str]]:
    """The checks found met and those not met (with their reasons): every check of the stage
    answered exactly once, none unknown."""
    met_raw, not_raw = data.get("met", ()), data.get("not_met", {})
    if not isinstance(met_raw, tuple | list) or any(type(c) is not str for c in met_raw):
        raise InvalidAction(_("met must list check ids"))
    if not isinstance(not_raw, Mapping) or any(type(c) is not str for c in not_raw):
        raise InvalidAction(_("not_met must map check ids to reasons"))
    known = [c.id for c in sp.stage.checks]
    met = tuple(met_raw)
    for cid in (*met, *not_raw):
        if cid not in known:
            raise InvalidAction(_("unknown check {id!r}; {hint}").format(
                id=cid, hint=suggest(cid, known)))
    twice = sorted({c for c in met if met.count(c) > 1} | (set(met) & set(not_raw)))
    if twice:
        raise InvalidAction(_("check {id!r} is answered twice").format(id=twice[0]))
    missing = [c for c in known if c not in met and c not in not_raw]
    if missing:
        raise InvalidAction(_("every check must be answered; not answered: {ids}").format(
            ids=series(named(c.name, c.id) for c in sp.stage.checks if c.id in missing)))
    return met, {c: _reason(r, c) for c, r in not_raw.items()}


def ev_examination(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    _seq, _kind, _at, actor, stage, data, signatures = d
    sp = open_stage(ctx, s, stage, (ActionKind.GATE,), _DO_EXAMINE)
    if sp.stage.authority is not None:
        raise InvalidAction(_(
            "an authority decides {name!r}: record its decision, with its instrument",
        ).format(name=sp.stage.name))
    if actor is not None:
        member(ctx, actor, sp.body.members, sp.id, sp.body.name)
    _met, not_met = _findings(sp, data)
    signers: list[str] = []
    for sig in signatures:
        if sig.method == "proxy":
            raise InvalidAction(_("a gate's decision is signed by the members themselves"))
        member(ctx, sig.signer, sp.body.members, sp.id, sp.body.name)
        if sig.signer in signers:
            raise InvalidAction(_("{vid} signed twice").format(vid=sig.signer))
        signers.append(sig.signer)
    facts: Facts = {"members": counts(ctx.roster, sp.body).members, "gate_signed": len(signers)}
    checks = preconditions(sp, facts)
    route, held = count_round(s, sp, "returned" if not_met else "pass")
    return move(ctx, s.with_round(sp.id), d, sp, route, checks, round=held,
                cleared=not not_met, signers=tuple(signers))


def ev_authority_decision(ctx: Context, s: CaseState, t: Tally, d: Draft) -> Outcome:
    _seq, _kind, at, actor, stage, data, _signatures = d
    sp = open_stage(ctx, s, stage, (ActionKind.GATE,), _DO_DECIDE)
    auth = sp.stage.authority
    if auth is None:
        raise InvalidAction(_(
            "the {body} examines {name!r} itself: record its examination, signed",
        ).format(body=sp.body.name, name=sp.stage.name))
    if actor is None:
        raise InvalidAction(_("say who records the authority's decision"))
    member(ctx, actor, sp.body.members, sp.id, sp.body.name)
    decision = data.get("decision")
    allowed = DECISIONS[auth.asks]
    if decision not in allowed:
        raise InvalidAction(_("the decision is one of {allowed}, not {value!r}").format(
            allowed=series(quoted(a) for a in allowed), value=decision))
    instrument = read_instrument(data, local_date(at, ctx.plan.zone))
    route = DECISION_ROUTES[str(decision)]
    extra: dict[str, Any] = {}
    if route != "pass":
        extra["reason"] = _reason(data.get("reason"), str(decision))
    # every decision is a round; a refusal or a return at the stage's cap takes max_rounds
    route, held = count_round(s, sp, route)
    return move(ctx, s.with_round(sp.id), d, sp, route, (), round=held,
                authority=auth.id, decision=decision, instrument=instrument, **extra)


EVALUATORS: Final = {EXAMINATION_KIND: ev_examination, DECISION_KIND: ev_authority_decision}

__all__ = ["DECISION_KIND", "EVALUATORS", "EXAMINATION_KIND", "ev_authority_decision",
           "ev_examination"]
