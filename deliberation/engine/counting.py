"""Counting: the facts an action establishes, from its record, the case's state and the tally.

One function per kind of action. Each checks the numbers and names it is given against the
roster (people present can represent at most as many households, votes cannot outnumber voters,
signers must be there…) and refuses what cannot be true, then returns the
:data:`~deliberation.rules.facts.Facts` the stage's rules read. Dates are the village's local
dates. Nothing here scans the case's records: what earlier records established is in the state
and the tally.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from deliberation.engine.census import counts, member_ids
from deliberation.engine.context import Context, Draft, too_many
from deliberation.engine.context import member as _villager
from deliberation.engine.plan import StagePlan
from deliberation.engine.state import CaseState, Tally
from deliberation.errors import InvalidAction, NotEntitled
from deliberation.i18n import T, Text
from deliberation.roster import Villager
from deliberation.rules.consultation import ConsultationCoverage
from deliberation.rules.days import local_date
from deliberation.rules.facts import Facts


def _unique(ids: Iterable[str], what: Text) -> set[str]:
    seen: set[str] = set()
    for vid in ids:
        if vid in seen:
            raise InvalidAction(T(f"{vid} 在{what.zh_hans}中出现两次",
                                  f"{vid} 在{what.zh_hant}中出現兩次",
                                  f"{vid} is listed twice among {what.en}"))
        seen.add(vid)
    return seen


_PRESENT = T("出席名单", "出席名單", "those present")
_VOTES = T("投票人", "投票人", "voters")
_EXCUSED = T("请假名单", "請假名單", "those excused")
_SIGNED = T("签名名单", "簽名名單", "signers")
_WITNESSES = T("列席见证人", "列席見證人", "witnesses")
_TOWNSHIP = T("乡镇列席人员", "鄉鎮列席人員", "township officials")


def meeting_facts(ctx: Context, s: CaseState, sp: StagePlan, d: Draft) -> Facts:
    """Attendance, votes and signatures of a meeting, given as villager ids or as counts."""
    data = d.data
    roster = ctx.roster
    body = sp.body
    bc = counts(roster, body)
    stage = sp.id
    voters_sel = body.voters or body.members
    present = data["present"]
    named_present: set[str] | None = None
    if type(present) is int:
        n_present = present
        non_voting = data.get("non_voting", 0)
        if non_voting > bc.members - bc.voters:
            raise InvalidAction(too_many("non_voting", non_voting, bc.members - bc.voters))
        present_members = n_present + non_voting
        present_households = data.get("households", 0)
        present_adults = present_members
    else:
        named_present = _unique(present, _PRESENT)
        people = [_villager(ctx, v, body.members, stage, body.name) for v in present]
        voter_ids = member_ids(roster, voters_sel)
        n_present = sum(1 for v in people if v.id in voter_ids)
        present_members = len(people)
        present_households = len({v.household for v in people})
        present_adults = sum(1 for v in people if v.adult)
        if "households" in data and data["households"] != present_households:
            raise InvalidAction(T(
                f"出席名单代表 {present_households} 户,与所填户数 {data['households']} 不符",
                f"出席名單代表 {present_households} 戶,與所填戶數 {data['households']} 不符",
                f"those present represent {present_households} household(s), not the "
                f"{data['households']} given"))
    if n_present > bc.voters:
        raise InvalidAction(too_many("present", n_present, bc.voters))
    if present_members > bc.members:
        raise InvalidAction(too_many("present + non_voting", present_members, bc.members))
    if present_households > min(bc.households, present_members):
        # people present can represent at most as many households as there are of them
        raise InvalidAction(too_many("households", present_households,
                                     min(bc.households, present_members)))
    votes = {}
    voted: set[str] = set()
    for key in ("yes", "no", "abstain"):
        val = data.get(key, 0)
        if type(val) is int:
            votes[key] = val
            continue
        for vid in val:
            if vid in voted:
                raise InvalidAction(T(f"{vid} 投了两次票", f"{vid} 投了兩次票",
                                      f"{vid} voted twice"))
            voted.add(vid)
            _villager(ctx, vid, body.members, stage, body.name)
            if vid not in member_ids(roster, voters_sel):
                raise NotEntitled(stage, vid, T(f"{vid} 无表决权(如预备党员)",
                                                f"{vid} 無表決權(如預備黨員)",
                                                f"{vid} has no vote here "
                                                "(e.g. a probationary member)"))
            if named_present is not None and vid not in named_present:
                raise InvalidAction(T(f"{vid} 未出席却投票", f"{vid} 未出席卻投票",
                                      f"{vid} voted without being present"))
        votes[key] = len(val)
    cast = votes["yes"] + votes["no"] + votes["abstain"]
    if cast > n_present:
        raise InvalidAction(too_many("votes cast", cast, n_present))
    excused = data.get("excused", 0)
    if type(excused) is int:
        n_excused = excused
    else:
        for vid in _unique(excused, _EXCUSED):
            _villager(ctx, vid, voters_sel, stage, body.name)
            if named_present is not None and vid in named_present:
                raise InvalidAction(T(f"{vid} 既请假又出席", f"{vid} 既請假又出席",
                                      f"{vid} is both excused and present"))
        n_excused = len(excused)
    if n_excused + n_present > bc.voters:
        raise InvalidAction(too_many("present + excused", n_excused + n_present, bc.voters))
    signed = data.get("signed")
    if signed is None:
        n_signed = present_members
    elif type(signed) is int:
        n_signed = signed
    else:
        for vid in _unique(signed, _SIGNED):
            _villager(ctx, vid, body.members, stage, body.name)
            if named_present is not None and vid not in named_present:
                raise InvalidAction(T(f"{vid} 未出席却在会议记录上签名",
                                      f"{vid} 未出席卻在會議記錄上簽名",
                                      f"{vid} signed the minutes without being present"))
        n_signed = len(signed)
    if n_signed > present_members:
        raise InvalidAction(too_many("signed", n_signed, present_members))
    witnesses = data.get("witnesses", 0)
    officials = len(member_ids(roster, ("township-official",)))
    if type(witnesses) is int:
        n_witnesses = witnesses
    else:
        for vid in _unique(witnesses, _WITNESSES):
            _villager(ctx, vid, ("township-official",), stage, _TOWNSHIP)
        n_witnesses = len(witnesses)
    if n_witnesses > officials:
        raise InvalidAction(too_many("witnesses", n_witnesses, officials))
    interested = data.get("interested_voting", 0)
    if interested > cast:
        raise InvalidAction(too_many("interested_voting", interested, cast))
    zone = ctx.plan.zone
    notice = s.notices.get(stage)
    circulated = s.circulated.get(stage)
    return {
        "members": bc.members, "voters": bc.voters, "expected": bc.voters - n_excused,
        "households": bc.households, "adults": bc.adults, "present": n_present,
        "present_members": present_members, "present_households": present_households,
        "present_adults": present_adults, "yes": votes["yes"], "no": votes["no"],
        "abstain": votes["abstain"], "participants": present_members,
        "participants_signed": n_signed, "witnesses_signed": n_witnesses,
        "interested_voting": interested,
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
    _, unsigned, proxy, own = t.opinions_by_status
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
