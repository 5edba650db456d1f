"""Facts: what an action establishes, counted — the only input of a rule's verdict.

A plain mapping (typed as a ``TypedDict``): the engine counts, for each action, the facts that
the stage's rules :attr:`~deliberation.rules.base.Rule.reads`, and nothing else; a fact not
given reads as zero (or as absent, for dates). Counts of people are of the acting body on the
case's roster snapshot; dates are the village's local calendar dates.

>>> f = Facts(members=28, present_members=19)
>>> f["present_members"], f.get("yes", 0)
(19, 0)
"""

# (No ``from __future__ import annotations`` here: a TypedDict compiles each annotation given as
# a string, ~60 small compiles at every start-up; as written they are only evaluated.)
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final, TypedDict


class Facts(TypedDict, total=False):
    # the acting body, on the roster snapshot
    members: int
    voters: int
    expected: int  # 应到: voters less those left out for an allowed category (never leave)
    excused: int  # voters on leave (请假): still counted in 应到
    excluded: int  # voters left out of 应到 for an allowed category, with approval
    households: int
    adults: int
    # a meeting
    present: int  # voters present (实到): in person, online or by proxy
    online: int  # of those present, attending online
    by_proxy: int  # of those present, represented by a proxy of their household
    present_members: int  # everyone of the body present, voting or not
    present_households: int  # households represented
    present_adults: int
    yes: int
    no: int
    abstain: int
    # votes handed in writing before the meeting by voters not present (counted where the
    # approval rule says ``written: true``)
    written_yes: int
    written_no: int
    written_abstain: int
    participants: int  # everyone present
    participants_signed: int
    witnesses_signed: int  # township officials who signed the minutes
    # the meeting's named observers, counted per roster selector (``observers`` rules)
    observers: Mapping[str, int]
    signed_offices: frozenset[str]  # offices held by those who signed the minutes by name
    # a meeting voting on items one by one: yes, no and abstentions per item id
    item_votes: Mapping[str, tuple[int, int, int]]
    interested_voting: int  # interested parties who voted although recusal applies
    notice_on: date | None  # when the standing notice of this meeting was given (local date)
    circulated_on: date | None  # when the plan was circulated (local date)
    # a motion or proposal
    submitters: int
    submitters_signed: int
    text: str
    representatives: int
    submitters_representatives: int
    submitters_committee: int
    # a consultation
    population: int  # villagers (or households) who must be consulted
    consulted: int  # of them, with an opinion that counts under the rule's settings
    consulted_signed: int
    consulted_unsigned: int
    consulted_by_proxy: int
    # a written consultation decided by replies under real names (reply-quorum, consent)
    replied_adults: int
    replied_households: int
    replies: int
    consents: int
    # a disclosure: the first posting on each channel in this stage, as a local date
    posted_on: Mapping[str, date]
    open_objections: int
    # a comment period: each villager's objection filed at this stage, (filed, answered or None)
    villager_objections: Sequence[tuple[date, date | None]]
    # per-stage disclosure: the stages that passed and whose result is not yet published
    results_unpublished: frozenset[str]
    # an evaluation: signed ratings
    raters: int
    ratings: int
    satisfied: int
    ratings_unsigned: int
    # a gate: members of the examining body who signed its decision
    gate_signed: int
    # the case's matter (for ``matter-regime``): its kind, the local date it was opened, and
    # whether the acting body is a representative one (its members are representatives)
    matter_kind: str
    opened_on: date
    representative_body: bool
    # at a representative body, what a regime's 2/3 is counted on: ``representatives`` (the law:
    # its members who are villager representatives, and their yes votes) or, for a case of an
    # engine format that counted so, ``members``; the representatives among the body's members
    # and their yes votes (per item, where items are voted one by one)
    regime_base: str
    representative_members: int
    representative_yes: int
    item_representative_yes: Mapping[str, int]
    # time: the local date the action takes place, and a deadline's reference date
    on: date
    since: date


# What a meeting establishes about attendance, votes, signatures and its dates, in one order:
# the engine counts (and checks) all of them, and gives a stage's rules the ones they read
# (:attr:`deliberation.engine.plan.StagePlan.counts_read`).
MEETING_COUNTS: Final = (
    "members", "voters", "expected", "excused", "excluded", "online", "by_proxy", "households",
    "adults", "present", "present_members", "present_households", "present_adults", "yes", "no",
    "abstain", "written_yes", "written_no", "written_abstain", "participants",
    "participants_signed", "witnesses_signed", "interested_voting", "notice_on",
    "circulated_on")


def count_of(facts: Facts, name: str) -> int:
    """The count ``name`` in ``facts`` (0 when not given), for a name known only at run time."""
    value: Any = facts.get(name, 0)
    return int(value)


__all__ = ["MEETING_COUNTS", "Facts", "count_of"]
