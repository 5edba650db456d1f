"""Counting: the facts an action establishes, from its record, the case's state and the tally.

One function per kind of action. Each checks the numbers and names it is given against the
roster (people present can represent at most as many households, votes cannot outnumber voters,
signers must be there…) and refuses what cannot be true, then returns the
:data:`~deliberation.rules.facts.Facts` the stage's rules read. Dates are the village's local
dates. Nothing here scans the case's records: what earlier records established is in the state
and the tally.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NamedTuple

from deliberation.engine.census import BodyCounts, counts, member_ids
from deliberation.engine.context import Context, Draft, too_many
from deliberation.engine.context import member as _villager
from deliberation.engine.plan import StagePlan
from deliberation.engine.state import CaseState, Tally
from deliberation.errors import InvalidAction, NotEntitled
from deliberation.i18n import Text, _
from deliberation.roster import Villager
from deliberation.rules.consultation import ConsultationCoverage
from deliberation.rules.days import local_date
from deliberation.rules.facts import Facts


def _unique(ids: Iterable[str], what: Text) -> set[str]:
    seen: set[str] = set()
    for vid in ids:
        if vid in seen:
            raise InvalidAction(_("{vid} is listed twice among {what}").format(vid=vid, what=what))
        seen.add(vid)
    return seen


_PRESENT = _("those present")
_VOTES = _("voters")
_EXCUSED = _("those excused")
_SIGNED = _("signers")
_WITNESSES = _("witnesses")
_TOWNSHIP = _("township officials")


class _Attendance(NamedTuple):
    """Who is at a meeting, counted: voters, members, households, adults (and the named ones)."""

    voters: int
    members: int
    households: int
    adults: int
    named: frozenset[str] | None  # the ids present, when people were named


def _attendance(ctx: Context, sp: StagePlan, data: Mapping[str, Any], bc: BodyCounts
                ) -> _Attendance:
    present = data["present"]
    body = sp.body
    if type(present) is int:
        non_voting = data.get("non_voting", 0)
        if non_voting > bc.members - bc.voters:
            raise InvalidAction(too_many("non_voting", non_voting, bc.members - bc.voters))
        members = present + non_voting
        return _Attendance(present, members, data.get("households", 0), members, None)
    named = frozenset(_unique(present, _PRESENT))
    people = [_villager(ctx, v, body.members, sp.id, body.name) for v in present]
    voter_ids = member_ids(ctx.roster, body.voters or body.members)
    households = len({v.household for v in people})
    if "households" in data and data["households"] != households:
        raise InvalidAction(_(
            "those present represent {households} household(s), not the {households2} given",
        ).format(households=households, households2=data['households']))
    return _Attendance(sum(1 for v in people if v.id in voter_ids), len(people), households,
                       sum(1 for v in people if v.adult), named)


def _check_attendance(a: _Attendance, bc: BodyCounts) -> None:
    if a.voters > bc.voters:
        raise InvalidAction(too_many("present", a.voters, bc.voters))
    if a.members > bc.members:
        raise InvalidAction(too_many("present + non_voting", a.members, bc.members))
    if a.households > min(bc.households, a.members):
        # people present can represent at most as many households as there are of them
        raise InvalidAction(too_many("households", a.households, min(bc.households, a.members)))


def _votes(ctx: Context, sp: StagePlan, data: Mapping[str, Any], a: _Attendance
           ) -> tuple[int, int, int]:
    """Yes, no and abstentions; a named voter must have a vote, be present and vote once."""
    counted = []
    voted: set[str] = set()
    body = sp.body
    for key in ("yes", "no", "abstain"):
        val = data.get(key, 0)
        if type(val) is int:
            counted.append(val)
            continue
        for vid in val:
            if vid in voted:
                raise InvalidAction(_("{vid} voted twice").format(vid=vid))
            voted.add(vid)
            _villager(ctx, vid, body.members, sp.id, body.name)
            if vid not in member_ids(ctx.roster, body.voters or body.members):
                raise NotEntitled(sp.id, vid, _(
                    "{vid} has no vote here (e.g. a probationary member)",
                ).format(vid=vid))
            if a.named is not None and vid not in a.named:
                raise InvalidAction(_("{vid} voted without being present").format(vid=vid))
        counted.append(len(val))
    yes, no, abstain = counted
    if yes + no + abstain > a.voters:
        raise InvalidAction(too_many("votes cast", yes + no + abstain, a.voters))
    return yes, no, abstain


def _excused(ctx: Context, sp: StagePlan, data: Mapping[str, Any], a: _Attendance,
             bc: BodyCounts) -> int:
    excused = data.get("excused", 0)
    if type(excused) is not int:
        for vid in _unique(excused, _EXCUSED):
            _villager(ctx, vid, sp.body.voters or sp.body.members, sp.id, sp.body.name)
            if a.named is not None and vid in a.named:
                raise InvalidAction(_("{vid} is both excused and present").format(vid=vid))
        excused = len(excused)
    if excused + a.voters > bc.voters:
        raise InvalidAction(too_many("present + excused", excused + a.voters, bc.voters))
    return int(excused)


def _signed(ctx: Context, sp: StagePlan, data: Mapping[str, Any], a: _Attendance) -> int:
    """Participants who signed the minutes (all of them unless said otherwise)."""
    signed = data.get("signed")
    if signed is None:
        return a.members
    if type(signed) is not int:
        for vid in _unique(signed, _SIGNED):
            _villager(ctx, vid, sp.body.members, sp.id, sp.body.name)
            if a.named is not None and vid not in a.named:
                raise InvalidAction(_(
                    "{vid} signed the minutes without being present",
                ).format(vid=vid))
        signed = len(signed)
    if signed > a.members:
        raise InvalidAction(too_many("signed", signed, a.members))
    return int(signed)


def _witnesses(ctx: Context, sp: StagePlan, data: Mapping[str, Any]) -> int:
    """Township officials who attended and signed: never more than the roster has."""
    witnesses = data.get("witnesses", 0)
    if type(witnesses) is not int:
        for vid in _unique(witnesses, _WITNESSES):
            _villager(ctx, vid, ("township-official",), sp.id, _TOWNSHIP)
        witnesses = len(witnesses)
    officials = len(member_ids(ctx.roster, ("township-official",)))
    if witnesses > officials:
        raise InvalidAction(too_many("witnesses", witnesses, officials))
    return int(witnesses)


def meeting_facts(ctx: Context, s: CaseState, sp: StagePlan, d: Draft) -> Facts:
    """Attendance, votes and signatures of a meeting, given as villager ids or as counts."""
    data = d.data
    bc = counts(ctx.roster, sp.body)
    a = _attendance(ctx, sp, data, bc)
    _check_attendance(a, bc)
    yes, no, abstain = _votes(ctx, sp, data, a)
    excused = _excused(ctx, sp, data, a, bc)
    interested = data.get("interested_voting", 0)
    if interested > yes + no + abstain:
        raise InvalidAction(too_many("interested_voting", interested, yes + no + abstain))
    zone = ctx.plan.zone
    notice, circulated = s.notices.get(sp.id), s.circulated.get(sp.id)
    return {
        "members": bc.members, "voters": bc.voters, "expected": bc.voters - excused,
        "households": bc.households, "adults": bc.adults, "present": a.voters,
        "present_members": a.members, "present_households": a.households,
        "present_adults": a.adults, "yes": yes, "no": no, "abstain": abstain,
        "participants": a.members, "participants_signed": _signed(ctx, sp, data, a),
        "witnesses_signed": _witnesses(ctx, sp, data), "interested_voting": interested,
        "notice_on": local_date(notice, zone) if notice is not None else None,
        "circulated_on": local_date(circulated, zone) if circulated is not None else None,
        "on": local_date(d.at, zone),
    }


def motion_facts(ctx: Context, sp: StagePlan, subs: list[str], signed: set[str], text: str,
                 on: date) -> Facts:
    """Who raised a motion and signed it; for ``proposal-support``, who of them counts."""
    facts: Facts = {"submitters": len(subs), "submitters_signed": len(signed & set(subs)),
                    "text": text, "on": on}
    if "representatives" in sp.reads:
        roster = ctx.roster
        reps = member_ids(roster, ("representative",))
        committee = member_ids(roster, ("villagers-committee",))
        adults = member_ids(roster, ("adult",))
        who = [v for v in subs if v in signed]
        facts |= {"adults": len(adults), "representatives": len(reps),
                  "submitters_signed": sum(1 for v in who if v in adults),
                  "submitters_representatives": sum(1 for v in who if v in reps),
                  "submitters_committee": sum(1 for v in who if v in committee)}
    return facts


def opinion_unit(sp: StagePlan, villager: Villager) -> str:
    """What an opinion counts towards: its villager, or their household."""
    rule = sp.rule("consultation-coverage")
    if isinstance(rule, ConsultationCoverage) and rule.unit == "household":
        return villager.household
    return villager.id


def consultation_facts(ctx: Context, sp: StagePlan, t: Tally) -> Facts:
    """Coverage of the consultation so far, from the stage's tally: signed opinions by unit."""
    rule = sp.rule("consultation-coverage")
    cov = rule if isinstance(rule, ConsultationCoverage) else None
    by_household = cov is not None and cov.unit == "household"
    proxies_ok = cov is not None and cov.proxies
    signed_only = cov is None or cov.signed_only
    bc = counts(ctx.roster, sp.body)
    population = bc.households if by_household else bc.adults
    if t.named is False:
        n_signed, n_unsigned, n_proxy = t.counted_opinions
        consulted = min(population, n_signed + (n_proxy if proxies_ok else 0)
                        + (0 if signed_only else n_unsigned))
        return {"population": population, "consulted": consulted,
                "consulted_signed": n_signed,
                "consulted_unsigned": n_unsigned if signed_only else 0,
                "consulted_by_proxy": n_proxy if proxies_ok else 0}
    _unused, unsigned, proxy, own = t.opinions_by_status
    by_proxy = proxy if proxies_ok else 0
    counted_unsigned = 0 if signed_only else unsigned
    consulted = own + by_proxy + counted_unsigned
    return {"population": population, "consulted": consulted,
            "consulted_signed": consulted - by_proxy,
            "consulted_unsigned": unsigned + proxy - by_proxy - counted_unsigned,
            "consulted_by_proxy": by_proxy}


def disclosure_facts(ctx: Context, s: CaseState, on: date) -> Facts:
    """The first posting of each channel in this stage, and the day it is asked about."""
    zone = ctx.plan.zone
    return {"posted_on": {ch: local_date(at, zone) for ch, at in s.postings.items()},
            "on": on, "open_objections": s.objections}


def task_facts(on: date) -> Facts:
    return {"on": on}


def evaluation_facts(ctx: Context, sp: StagePlan, t: Tally) -> Facts:
    """Ratings so far: only signed ones count; a rater's latest rating replaces earlier ones."""
    raters = counts(ctx.roster, sp.body).members
    if t.named is False:
        sat, unsat, unsigned = t.counted_ratings
        ratings = min(sat + unsat, raters)
        return {"raters": raters, "ratings": ratings, "satisfied": min(sat, ratings),
                "ratings_unsigned": unsigned}
    return {"raters": raters, "ratings": t.ratings_signed,
            "satisfied": t.ratings_signed_satisfied,
            "ratings_unsigned": len(t.ratings) - t.ratings_signed}
