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
from typing import Any, Final, cast

from deliberation.definition.wording import person
from deliberation.diagnostics import closest
from deliberation.engine.census import (
    TOWNSHIP_OFFICIALS,
    BodyCounts,
    counts,
    member_ids,
    subset_sizes,
)
from deliberation.engine.comment_log import stage_objections
from deliberation.engine.context import Context, Draft, on_roster, too_many
from deliberation.engine.context import member as _villager
from deliberation.engine.plan import StagePlan
from deliberation.engine.state import CaseState, Tally
from deliberation.errors import InvalidAction, NotEntitled
from deliberation.frozen import FrozenDict
from deliberation.i18n import Text, _, as_written, named, quoted, series
from deliberation.roster import SELECTORS, Villager
from deliberation.rules import Rule
from deliberation.rules.attendance import subset_label
from deliberation.rules.days import local_date
from deliberation.rules.electorate import reason_name
from deliberation.rules.facts import Facts
from deliberation.rules.law import DEFAULT_KIND, REPRESENTATIVE_SELECTORS, is_representative
from deliberation.rules.names import OBSERVERS, SIGNED_OFFICES
from deliberation.rules.regimes import MEMBERS, REPRESENTATIVES, MatterRegime, bound
from deliberation.rules.thresholds import fraction_words

# The consultation-coverage family is imported by the functions that count opinions, not here:
# only a consultation stage counts them (start-up speed for every other case).

_NO_ONE: Final = frozenset[str]()
_NO_REASONS: Final[dict[str, int]] = {}


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


# Who is at a meeting, counted, in this order: voters, members, households, adults, ``named``
# (the ids attending, in person, online or by proxy, when people were named; else ``None``),
# ``online`` (those present who attend online) and ``by_proxy`` (members represented by a proxy,
# counted as attending). A plain tuple, built as a literal and unpacked by each function that
# reads it (``voters, members, households, adults, named, online, by_proxy = a``): on Python
# 3.11 a named tuple costs about four times as much to make, every meeting, and its fields
# more to read; mypy checks every place that builds or unpacks one against this alias.
_Attendance = tuple[int, int, int, int, frozenset[str] | None, int, int]


_ONLINE = _("those attending online")


def _modes(sp: StagePlan, data: Mapping[str, Any]) -> None:
    """Online attendance and proxies only where the body allows them, proxies in writing."""
    body = sp.body
    if data.get("online") and not body.online:
        raise InvalidAction(_("members of the {name} cannot attend online").format(name=body.name))
    if data.get("proxies"):
        if body.proxy == "none":
            raise InvalidAction(_(
                "members of the {name} cannot attend by proxy",
            ).format(name=body.name))
        auth = data.get("proxy_authorisation")
        if type(auth) is not str or not auth.strip():
            raise InvalidAction(_(
                "attending by proxy needs the written authorisations (proxy_authorisation)",
            ))


def _proxied(ctx: Context, sp: StagePlan, proxies: Mapping[str, Any], named: frozenset[str]
             ) -> list[Villager]:
    """Members represented by a proxy: each by an adult of their own household, never by
    themselves, and by a member of the body only if that member is there."""
    body = sp.body
    people = []
    members = member_ids(ctx.roster, body.members)
    for vid, holder_id in proxies.items():
        v = _villager(ctx, vid, body.members, sp.id, body.name)
        if vid in named:
            raise InvalidAction(_(
                "{vid} is both present and represented by a proxy",
            ).format(vid=_who(ctx, vid)))
        holder = on_roster(ctx, holder_id, sp.id)
        if holder_id == vid or not holder.adult or holder.household != v.household:
            raise InvalidAction(_(
                "{vid}'s proxy must be an adult of the same household; {holder_id} is not",
            ).format(vid=vid, holder_id=holder_id))
        if holder_id in members and holder_id not in named:
            raise InvalidAction(_(
                "the proxy {holder_id} is not present",
            ).format(holder_id=holder_id))
        people.append(v)
    return people


def _attendance(ctx: Context, sp: StagePlan, data: Mapping[str, Any], bc: BodyCounts
                ) -> _Attendance:
    """A meeting's attendance as given, as counts or as villager ids, checked against the
    body's counts ``bc``: the voters, members and households present cannot exceed the body's,
    and people present represent at most as many households as there are of them."""
    present = data["present"]
    if "online" in data or "proxies" in data:
        _modes(sp, data)
        online, proxies = data.get("online", 0), data.get("proxies", 0)
        if type(present) is int and (type(proxies) is not int or type(online) is not int):
            raise InvalidAction(_(
                "with attendance given as counts, give online and proxies as counts too",
            ))
    else:  # (most meetings: everyone there in person, online and proxies none: counts)
        online = proxies = 0
    if type(present) is int:
        if online > present:
            raise InvalidAction(too_many("online", online, present))
        non_voting = data.get("non_voting", 0)
        if non_voting > bc.members - bc.voters:
            raise InvalidAction(too_many("non_voting", non_voting, bc.members - bc.voters))
        voters = present + proxies
        members = adults = present + non_voting + proxies
        households = data.get("households", 0)
        named, by_proxy = None, proxies
    else:
        voters, members, households, adults, named, online, by_proxy = _named_attendance(
            ctx, sp, data, present, online, proxies)
    # (checked here, once for both forms: a helper's call would cost every meeting more)
    if voters > bc.voters:
        raise InvalidAction(too_many("present", voters, bc.voters))
    if members > bc.members:
        raise InvalidAction(too_many("present + non_voting", members, bc.members))
    if households > bc.households or households > members:
        # (two comparisons: ``min`` of two costs more than both)
        raise InvalidAction(too_many("households", households, min(bc.households, members)))
    return voters, members, households, adults, named, online, by_proxy


def _named_attendance(ctx: Context, sp: StagePlan, data: Mapping[str, Any], present: Any,
                      online: Any, proxies: Any) -> _Attendance:
    """Attendance given as villager ids (``present``, ``online`` and ``proxies`` as given):
    each present a member of the body, online among them, proxies held within households."""
    if type(proxies) is int and proxies:
        raise InvalidAction(_(
            "with attendance given as names, give proxies as {member: proxy holder}",
        ))
    named = frozenset(_unique(present, _PRESENT))
    if type(online) is not int:
        away = _unique(online, _ONLINE) - named
        if away:
            raise InvalidAction(_(
                "those attending online must be among those present: {ids}",
            ).format(ids=", ".join(sorted(away))))
        online = len(online)
    elif online > len(named):
        raise InvalidAction(too_many("online", online, len(named)))
    body = sp.body
    people = [_villager(ctx, v, body.members, sp.id, body.name) for v in present]
    proxied = _proxied(ctx, sp, proxies or {}, named)
    people += proxied
    named |= {v.id for v in proxied}
    voter_ids = member_ids(ctx.roster, body.voters or body.members)
    households = len({v.household for v in people})
    if "households" in data and data["households"] != households:
        raise InvalidAction(_(
            "those present represent {households} household(s), not the {households2} given",
        ).format(households=households, households2=data['households']))
    return (sum(1 for v in people if v.id in voter_ids), len(people), households,
            sum(1 for v in people if v.adult), named, online, len(proxied))


def _who(ctx: Context, vid: str) -> str:
    """A villager named in a refusal as a clerk knows them: name and id (the id alone when the
    roster does not have them)."""
    return person(ctx.roster.get(vid).name, vid) if vid in ctx.roster else person("", vid)


def _voter(ctx: Context, sp: StagePlan, vid: str) -> None:
    """``vid`` is a member of the stage's body with a vote there (refused otherwise)."""
    body = sp.body
    _villager(ctx, vid, body.members, sp.id, body.name)
    if vid not in member_ids(ctx.roster, body.voters or body.members):
        raise NotEntitled(sp.id, vid, _(
            "{vid} has no vote here (e.g. a probationary member)",
        ).format(vid=_who(ctx, vid)))


def _votes(ctx: Context, sp: StagePlan, data: Mapping[str, Any], a: _Attendance
           ) -> tuple[int, int, int]:
    """Yes, no and abstentions; a named voter must have a vote, be present and vote once."""
    voters, _members, _households, _adults, _named, _online, _by_proxy = a
    yes, no, abstain = data.get("yes", 0), data.get("no", 0), data.get("abstain", 0)
    if type(yes) is not int or type(no) is not int or type(abstain) is not int:
        yes, no, abstain = _named_votes(ctx, sp, (yes, no, abstain), a)
    if yes + no + abstain > voters:
        raise InvalidAction(too_many("votes cast", yes + no + abstain, voters))
    return yes, no, abstain


def _named_votes(ctx: Context, sp: StagePlan, given: tuple[Any, Any, Any], a: _Attendance
                 ) -> tuple[int, int, int]:
    """Yes, no and abstentions given (some of them) as villager ids: each checked, counted."""
    _voters, _members, _households, _adults, named, _online, _by_proxy = a
    counted: list[int] = []
    voted: set[str] = set()
    for val in given:
        if type(val) is int:
            counted.append(val)
            continue
        for vid in val:
            if vid in voted:
                raise InvalidAction(_("{vid} voted twice").format(vid=_who(ctx, vid)))
            voted.add(vid)
            _voter(ctx, sp, vid)
            if named is not None and vid not in named:
                raise InvalidAction(_("{vid} voted without being present").format(
                    vid=_who(ctx, vid)))
        counted.append(len(val))
    yes, no, abstain = counted
    return yes, no, abstain


def _excused(ctx: Context, sp: StagePlan, data: Mapping[str, Any], a: _Attendance,
             bc: BodyCounts) -> tuple[int, frozenset[str]]:
    """Voters on leave (请假): recorded, and still counted among those who should attend."""
    _voters, _members, _households, _adults, named, _online, _by_proxy = a
    excused = data.get("excused", 0)
    if type(excused) is int:
        return excused, frozenset()
    on_leave = _unique(excused, _EXCUSED)
    for vid in on_leave:
        _villager(ctx, vid, sp.body.voters or sp.body.members, sp.id, sp.body.name)
        if named is not None and vid in named:
            raise InvalidAction(_("{vid} is both excused and present").format(vid=vid))
    return len(on_leave), frozenset(on_leave)


def _excluded(ctx: Context, sp: StagePlan, data: Mapping[str, Any], a: _Attendance,
              on_leave: frozenset[str]) -> tuple[dict[str, int], tuple[str, ...]]:
    """Voters left out of 应到, counted by category, and their ids when named.

    Only a category the body allows (``exclusions:``), and only with the approval written down
    (:mod:`deliberation.rules.electorate`); a named voter left out can be neither present nor
    on leave.
    """
    _voters, _members, _households, _adults, named, _online, _by_proxy = a
    excluded: Mapping[str, Any] = data.get("excluded") or {}
    if not excluded:
        return {}, ()
    body = sp.body
    approval = data.get("exclusion_approval")
    if type(approval) is not str or not approval.strip():
        raise InvalidAction(_(
            "leaving voters out of those who should attend needs the approval written down "
            "(exclusion_approval: the upper level's approval and the meeting's vote)",
        ))
    by_reason: dict[str, int] = {}
    names: list[str] = []
    for key, value in excluded.items():
        if type(value) is int:
            reason, n = key, value
        else:
            reason, n = value, 1
            _villager(ctx, key, body.voters or body.members, sp.id, body.name)
            if named is not None and key in named:
                raise InvalidAction(_(
                    "{key} is both present and left out of those expected",
                ).format(key=key))
            if key in on_leave:
                raise InvalidAction(_(
                    "{key} is both excused and left out of those expected",
                ).format(key=key))
            names.append(key)
        if reason not in body.exclusions:
            allowed = series(reason_name(r) for r in body.exclusions) if body.exclusions \
                else _("none")
            raise InvalidAction(_(
                "{body}: {reason} is not a category that may be left out of those expected "
                "(allowed: {allowed})",
            ).format(body=body.name, reason=reason_name(reason),
                                               allowed=allowed))
        by_reason[reason] = by_reason.get(reason, 0) + n
    return by_reason, tuple(sorted(names))


def _signed(ctx: Context, sp: StagePlan, data: Mapping[str, Any], a: _Attendance) -> int:
    """Participants who signed the minutes (all of them unless said otherwise)."""
    _voters, members, _households, _adults, named, _online, _by_proxy = a
    signed = data.get("signed")
    if signed is None:
        return members
    if type(signed) is not int:
        for vid in _unique(signed, _SIGNED):
            _villager(ctx, vid, sp.body.members, sp.id, sp.body.name)
            if named is not None and vid not in named:
                raise InvalidAction(_(
                    "{vid} signed the minutes without being present",
                ).format(vid=_who(ctx, vid)))
        signed = len(signed)
    if signed > members:
        raise InvalidAction(too_many("signed", signed, members))
    return int(signed)


def _witnesses(ctx: Context, sp: StagePlan, data: Mapping[str, Any], bc: BodyCounts) -> int:
    """Township officials who attended and signed: never more than the roster has."""
    given = data.get("witnesses", 0)
    if type(given) is not int:
        for vid in _unique(given, _WITNESSES):
            _villager(ctx, vid, TOWNSHIP_OFFICIALS, sp.id, _TOWNSHIP)
        given = len(given)
    witnesses: int = given  # (an int either way: no ``int()`` needed)
    officials = bc.officials
    if witnesses > officials:
        raise InvalidAction(too_many("witnesses", witnesses, officials))
    return witnesses


_OBSERVERS = _("observers")


def observer_counts(ctx: Context, sp: StagePlan, data: Mapping[str, Any]) -> dict[str, int]:
    """The meeting's named observers (each on the roster, each once), counted per roster
    selector: what ``observers`` rules read (:mod:`deliberation.rules.observers`)."""
    names = data.get("observers") or ()
    ids = _unique(names, _OBSERVERS)
    for vid in ids:
        on_roster(ctx, vid, sp.id)
    if not ids:
        return {}
    return {sel: len(ids & member_ids(ctx.roster, (sel,))) for sel in SELECTORS}


def signed_offices(ctx: Context, data: Mapping[str, Any]) -> frozenset[str]:
    """The offices held by those who signed the minutes by name (all present, unless ``signed``
    says otherwise); none when the signers were only counted."""
    signers = data.get("signed", data["present"])
    if type(signers) is int:
        return frozenset()
    return frozenset(o for vid in signers for o in ctx.roster.get(vid).offices)


def _item_votes(ctx: Context, sp: StagePlan, data: Mapping[str, Any], a: _Attendance
                ) -> dict[str, tuple[int, int, int]]:
    """Yes, no and abstentions on each of the stage's items (``items: {id: {yes, no,
    abstain}}``): every item voted, none unknown, each vote checked as a single vote is; the
    meeting's own ``yes``/``no``/``abstain`` and written votes are not given beside them."""
    given: Mapping[str, Any] = data.get("items") or {}
    known = tuple(it.id for it in sp.stage.items)
    if not known:
        raise InvalidAction(_(
            "no item is voted on by itself at this meeting: give yes, no and abstain",
        ))
    if any(data.get(k) for k in ("yes", "no", "abstain", "written")):
        raise InvalidAction(_(
            "this meeting votes on its items one by one: give the votes per item (items), not "
            "yes, no, abstain or written votes for the whole meeting",
        ))
    for key in given:
        if key not in known:
            raise InvalidAction(_("no item {key!r} at this meeting{hint}").format(
                key=key, hint=_did_you_mean(str(key), known)))
    missing = [k for k in known if k not in given]
    if missing:
        raise InvalidAction(_("the votes on item(s) {ids} are missing").format(
            ids=series(named(it.name, it.id) for it in sp.stage.items if it.id in missing)))
    out = {}
    for key in known:
        votes = given[key]
        if not isinstance(votes, Mapping) or not set(votes) <= _ITEM_VOTE_KEYS:
            raise InvalidAction(_(
                "item {key}: give its votes as {{yes, no, abstain}}",
            ).format(key=next(named(it.name, key) for it in sp.stage.items if it.id == key)))
        out[key] = _votes(ctx, sp, votes, a)
    return out


# what an item's votes may give: the votes, and the yes votes of villager representatives
_ITEM_VOTE_KEYS: Final = frozenset({"yes", "no", "abstain", "yes_among"})

_WRITTEN_VOTERS = _("written voters")


def _written(ctx: Context, sp: StagePlan, data: Mapping[str, Any], a: _Attendance,
             left_out: tuple[str, ...], expected: int) -> tuple[int, int, int]:
    """Votes handed in writing before the meeting (``{yes, no, abstain}``, counts or ids): only
    by voters who are expected and not present, each once, never also at the meeting."""
    voters, _members, _households, _adults, named, _online, _by_proxy = a
    written: Mapping[str, Any] = data.get("written") or {}
    if not written:
        return 0, 0, 0
    counted: list[int] = []
    seen: set[str] = set()
    in_meeting = {v for key in ("yes", "no", "abstain")
                  if type(data.get(key, 0)) is not int for v in data[key]}
    for key in ("yes", "no", "abstain"):
        val = written.get(key, 0)
        if type(val) is int:
            counted.append(val)
            continue
        for vid in _unique(val, _WRITTEN_VOTERS):
            if vid in seen or vid in in_meeting:
                raise InvalidAction(_("{vid} voted twice").format(vid=_who(ctx, vid)))
            seen.add(vid)
            _voter(ctx, sp, vid)
            if (named is not None and vid in named) or vid in left_out:
                raise InvalidAction(_(
                    "{vid} is present or left out of those expected, so cannot hand in a written "
                    "vote",
                ).format(vid=_who(ctx, vid)))
        counted.append(len(val))
    wy, wn, wa = counted
    if wy + wn + wa > expected - voters:
        raise InvalidAction(too_many("written votes", wy + wn + wa, max(0, expected - voters)))
    return wy, wn, wa


# The parts of a meeting's data that :func:`_other_parts` counts.
_OTHER_PARTS: Final = frozenset({"items", "excused", "excluded", "written", "interested_voting"})


def _other_parts(ctx: Context, sp: StagePlan, data: Mapping[str, Any], a: _Attendance,
                 bc: BodyCounts, cast: int
                 ) -> tuple[dict[str, tuple[int, int, int]] | None, int, frozenset[str],
                            dict[str, int], tuple[str, ...], tuple[int, int, int], int]:
    """A meeting's votes per item, those excused, those left out of 应到, the votes handed in
    writing and the interested parties who voted, each as far as given, checked: (votes by
    item or None, excused, their ids, left out by reason, their ids, written votes, interested
    parties voting). ``cast``: the votes cast at the meeting."""
    voters, _members, _households, _adults, _named, _online, _by_proxy = a
    by_item = _item_votes(ctx, sp, data, a) if sp.stage.items or "items" in data else None
    excused, on_leave = _excused(ctx, sp, data, a, bc) if "excused" in data else (0, _NO_ONE)
    by_reason, left_out = (_excluded(ctx, sp, data, a, on_leave) if "excluded" in data
                           else (_NO_REASONS, ()))
    excluded = sum(by_reason.values()) if by_reason else 0
    if excused + excluded + voters > bc.voters:
        raise InvalidAction(too_many("present + excused + excluded", excused + excluded + voters,
                                     bc.voters))
    written = (_written(ctx, sp, data, a, left_out, bc.voters - excluded) if "written" in data
               else (0, 0, 0))
    interested = data.get("interested_voting", 0)
    cast_most = max((sum(v) for v in by_item.values()), default=0) if by_item is not None \
        else cast
    if interested > cast_most:
        raise InvalidAction(too_many("interested_voting", interested, cast_most))
    return by_item, excused, on_leave, by_reason, left_out, written, interested


def meeting_facts(ctx: Context, s: CaseState, sp: StagePlan, d: Draft
                  ) -> tuple[Facts, FrozenDict]:
    """Attendance, votes and signatures of a meeting, given as villager ids or as counts; and
    the electorate of the meeting as its record keeps it (应到, and who was absent)."""
    _seq, _kind, at, _actor, _stage, data, _signatures = d
    bc = counts(ctx.roster, sp.body)
    a = _attendance(ctx, sp, data, bc)
    # (unpacked once: the checks and the electorate below read most of the counts)
    present, attending, households, adults, named_ids, online, by_proxy = a
    yes, no, abstain = _votes(ctx, sp, data, a)
    # What a meeting was not given is not checked: ``hold_meeting`` records only what was
    # given, and a part left out reads as none (no one excused, left out, writing or signing).
    # A meeting given none of these parts (most are not) has nothing more to check: with none
    # excused or left out the voters present were checked against the voters above, and no
    # interested party voted.
    if sp.stage.items or not _OTHER_PARTS.isdisjoint(data):
        by_item, excused, on_leave, by_reason, left_out, (wy, wn, wa), interested = \
            _other_parts(ctx, sp, data, a, bc, yes + no + abstain)
    else:
        by_item, excused, on_leave, by_reason, left_out = None, 0, _NO_ONE, _NO_REASONS, ()
        wy = wn = wa = interested = 0
    excluded = sum(by_reason.values()) if by_reason else 0
    # Dates only where a rule of the stage reads them (turning an instant into a local date is
    # the costly part of these facts).
    reads = sp.reads
    zone = ctx.plan.zone
    notice = s.notices.get(sp.id) if "notice_on" in reads else None
    circulated = s.circulated.get(sp.id) if "circulated_on" in reads else None
    # every count checked (a refusal never depends on what the rules read); the stage's rules
    # given the ones they read (a meeting establishes some twenty-five, its rules read a dozen)
    counted = (
        bc.members, bc.voters, bc.voters - excluded, excused, excluded, online, by_proxy,
        bc.households, bc.adults, present, attending, households, adults, yes, no, abstain,
        wy, wn, wa, attending,
        _signed(ctx, sp, data, a) if "signed" in data else attending,
        _witnesses(ctx, sp, data, bc) if "witnesses" in data else 0,
        interested,
        local_date(notice, zone) if notice is not None else None,
        local_date(circulated, zone) if circulated is not None else None)
    picked: dict[str, Any] = sp.counts_blank.copy()  # (a plain dict: ``dict.copy``)
    for name, i in sp.counts_at:  # (a loop here: a comprehension would be a frame of its own)
        picked[name] = counted[i]
    facts: Facts = picked  # type: ignore[assignment]
    if by_item is not None:
        facts["item_votes"] = by_item
    if OBSERVERS in reads or "observers" in data:
        facts[OBSERVERS] = observer_counts(ctx, sp, data)
    if SIGNED_OFFICES in reads:
        facts[SIGNED_OFFICES] = signed_offices(ctx, data)
    if "on" in reads:
        facts["on"] = local_date(at, zone)
    subsets = sp.subsets
    if subsets or "present_among" in data:
        facts.update(cast(Facts, subset_facts(ctx, sp, data, a, bc, subsets)))
    if "matter_kind" in reads:
        facts |= matter_facts(ctx, sp)
    # the villager representatives' yes votes where a legal regime counts only theirs; a
    # yes_among anywhere else is refused (every meeting passes here: items are looked into only
    # where there are some)
    regime = sp.regime
    if regime is not None and regime.among_representatives(facts):
        facts |= representative_votes(ctx, data, a, bc, facts, yes)
    elif _YES_AMONG in data or ("items" in data and any(
            isinstance(v, Mapping) and _YES_AMONG in v for v in (data["items"] or {}).values())):
        raise InvalidAction(_(
            "no rule of this meeting counts the yes votes of villager representatives apart: "
            "leave out {key}",
        ).format(key=as_written(_YES_AMONG)))
    # Who should have attended at that moment (应到): the meeting's record keeps it as the
    # roster then stood; the rest of it only where there is some (most meetings have none).
    electorate: dict[str, Any] = {"voters": bc.voters, "expected": bc.voters - excluded,
                                  "present": present, "excused": excused}
    if by_reason or online or by_proxy or named_ids is not None:
        _electorate_details(ctx, sp, electorate, by_reason, left_out, on_leave, online, by_proxy,
                            named_ids)
    return facts, FrozenDict(electorate)


def _electorate_details(ctx: Context, sp: StagePlan, electorate: dict[str, Any],
                        by_reason: dict[str, int], left_out: tuple[str, ...],
                        on_leave: frozenset[str], online: int, by_proxy: int,
                        named: frozenset[str] | None) -> None:
    """Add to a meeting's ``electorate`` those left out of it by reason, those attending online
    or by proxy, and, when people were named, who of the voters was absent without leave."""
    if by_reason:
        electorate["excluded"] = FrozenDict(sorted(by_reason.items()))
    if online:
        electorate["online"] = online
    if by_proxy:
        electorate["by_proxy"] = by_proxy
    if named is not None:
        voters = member_ids(ctx.roster, sp.body.voters or sp.body.members)
        gone = set(left_out) | on_leave | named
        electorate["absent"] = tuple(sorted(v for v in voters if v not in gone))


# the roster selectors of villager representatives, as :func:`member_ids` takes them
_REPRESENTATIVES: Final = tuple(sorted(REPRESENTATIVE_SELECTORS))


def matter_facts(ctx: Context, sp: StagePlan) -> Facts:
    """The case's matter kind, its opening date (local) and whether ``sp``'s body is a
    representative one: what ``matter-regime`` reads. At a representative body, also what
    the law's 2/3 is counted on (``regime_base``: its villager representatives, or every member
    for a case of an engine format that counted so) and how many representatives it has."""
    opened = ctx.records[0]
    facts: Facts = {"matter_kind": str(opened.data.get("kind") or DEFAULT_KIND),
                    "opened_on": local_date(opened.at, ctx.plan.zone),
                    "representative_body": is_representative(sp.body.members)}
    if facts["representative_body"]:
        facts["regime_base"] = (REPRESENTATIVES if ctx.engine_format.regime_among_representatives
                                else MEMBERS)
        facts["representative_members"] = len(member_ids(ctx.roster, sp.body.members)
                                               & member_ids(ctx.roster, _REPRESENTATIVES))
    return facts


_YES_AMONG: Final = "yes_among"
_REPRESENTATIVE: Final = "representative"  # the key of ``yes_among``: the roster selector


def representative_votes(ctx: Context, data: Mapping[str, Any], a: _Attendance, bc: BodyCounts,
                         facts: Facts, yes: int) -> Facts:
    """The yes votes of villager representatives, which alone count towards a legal regime's
    2/3 at a representative body (the meeting's and, where items are voted one by one, each
    item's): counted from the named yes voters, or given with counted votes as
    ``yes_among: {representative: N}``, checked against the other counts (never more than the
    yes votes, the representatives there are or are present, and the rest never more than the
    members who are not representatives). Counted votes without it give none: the law's vote
    then cannot be counted, which :func:`require_representative_yes` refuses where it is (a
    meeting without a quorum counts no vote, so it is not asked for there)."""
    _voters, members, _households, _adults, named, _online, _by_proxy = a
    reps = facts.get("representative_members", 0)
    present_reps = (len(named & member_ids(ctx.roster, _REPRESENTATIVES))
                    if named is not None else min(reps, members))
    others = bc.members - reps
    if "item_votes" not in facts:
        n = _representative_yes(ctx, data, yes, present_reps, others, "")
        return {} if n is None else {"representative_yes": n}
    if _YES_AMONG in data:
        raise InvalidAction(_(
            "this meeting votes on its items one by one: give {key} with each item's votes",
        ).format(key=as_written(_YES_AMONG)))
    items = data.get("items") or {}
    by_item = {}
    for key, votes in facts["item_votes"].items():
        n = _representative_yes(ctx, items[key], votes[0], present_reps, others, f"items.{key}.")
        if n is not None:
            by_item[key] = n
    return {"item_representative_yes": by_item}


def require_representative_yes(regime: MatterRegime, facts: Facts) -> None:
    """Refuse a vote the law counts among villager representatives (``regime`` at a
    representative body, :meth:`~deliberation.rules.regimes.MatterRegime.among_representatives`)
    when the meeting, given its votes as counts, did not say how many of the yes votes (of an
    item's, where items are voted one by one) came from them."""
    if not regime.among_representatives(facts):
        return
    if "item_votes" in facts:
        given = facts.get("item_representative_yes") or {}
        missing = [(f"items.{k}.", v[0]) for k, v in facts["item_votes"].items()
                   if k not in given]
    else:
        missing = [] if "representative_yes" in facts else [("", facts.get("yes", 0))]
    if not missing:
        return
    where, yes = missing[0]
    hit = bound(str(facts.get("matter_kind")), facts.get("opened_on"))
    assert hit is not None  # the regime applies (``among_representatives``)
    raise InvalidAction(_(
        "{cite} counts the approval of at least {ratio} of all villager representatives, and "
        "only their yes votes: with the votes given as counts, say how many of the {yes} yes "
        "votes came from villager representatives ({key})",
    ).format(cite=hit[1].basis.text(facts.get("opened_on")),
             ratio=fraction_words(hit[0].approval.ratio),
             yes=yes, key=as_written(f"{where}{_YES_AMONG}: {{{_REPRESENTATIVE}: N}}")))


def _representative_yes(ctx: Context, votes: Mapping[str, Any], yes: int, present_reps: int,
                        others: int, where: str) -> int | None:
    """One vote's yes votes of villager representatives, ``None`` when counted votes do not
    say (``where``: the item's path in the meeting's data, for the messages)."""
    given = votes.get(_YES_AMONG)
    key = as_written(f"{where}{_YES_AMONG}: {{{_REPRESENTATIVE}: N}}")
    if given is not None:
        if not isinstance(given, Mapping) or any(k != _REPRESENTATIVE for k in given):
            bad = next((k for k in given if k != _REPRESENTATIVE), None) \
                if isinstance(given, Mapping) else None
            raise InvalidAction(_(
                "{key} counts only the yes votes of villager representatives{hint}",
            ).format(key=key, hint=_did_you_mean(str(bad), (_REPRESENTATIVE,))
                     if bad is not None else ""))
        given = given.get(_REPRESENTATIVE)
        if given is not None and (type(given) is not int or given < 0):
            raise InvalidAction(_("{key}: N must be a whole number ≥ 0, not {value!r}").format(
                key=key, value=given))
    named = votes.get("yes", 0)
    if type(named) is not int:
        n = len(set(named) & member_ids(ctx.roster, _REPRESENTATIVES))
        if given is not None and given != n:
            raise InvalidAction(_(
                "the yes votes named include {n} of villager representatives, not the {given} "
                "given",
            ).format(n=n, given=given))
        return n
    if given is None:
        return None
    if given > yes:
        raise InvalidAction(too_many(f"{where}{_YES_AMONG}.{_REPRESENTATIVE}", given, yes))
    if given > present_reps:
        raise InvalidAction(_(
            "{given} yes votes of villager representatives is more than the {n} "
            "representatives present",
        ).format(given=given, n=present_reps))
    if yes - given > others:
        raise InvalidAction(_(
            "of the {yes} yes votes only {given} are of villager representatives: the other "
            "{rest} outnumber the {others} members who are not representatives",
        ).format(yes=yes, given=given, rest=yes - given, others=others))
    return given


_AMONG: Final = "present_among"


def subset_facts(ctx: Context, sp: StagePlan, data: Mapping[str, Any], a: _Attendance,
                 bc: BodyCounts, subsets: tuple[str, ...]) -> dict[str, int]:
    """For each subset of the body some rule counts (``woman``…): its size and how many of it
    are present — from the names present, or from the meeting's ``present_among`` counts,
    which must be given for every such subset and agree with the other counts."""
    _voters, members, _households, _adults, named, _online, _by_proxy = a
    sizes = subset_sizes(ctx.roster, sp.body, subsets)
    given = data.get(_AMONG)
    if given is not None:
        for key in given:
            if key not in subsets:
                raise InvalidAction(_(
                    "no rule of this stage counts '{key}' present separately{hint}",
                ).format(
                    key=key, hint=_did_you_mean(str(key), subsets)))
    out: dict[str, int] = {}
    for sub in subsets:
        size = sizes[f"members@{sub}"]
        if named is not None:
            n = len(named & member_ids(ctx.roster, (sub,)))
            if given is not None and sub in given and given[sub] != n:
                raise InvalidAction(_(
                    "those present include {n} of {label}, not the {given} given",
                ).format(label=subset_label(sub), n=n, given=given[sub]))
        else:
            if given is None or sub not in given:
                raise InvalidAction(_(
                    "this stage counts {label} present separately: with attendance given as "
                    "counts, give {key} too",
                ).format(label=subset_label(sub), key=as_written(f"{_AMONG}: {{{sub}: N}}")))
            n = given[sub]
            others = bc.members - size  # members outside the subset
            if n > size:
                raise InvalidAction(too_many(f"{_AMONG}.{sub}", n, size))
            if n > members:
                raise InvalidAction(_(
                    "{n} of {label} present is more than the {present} present in all",
                ).format(label=subset_label(sub), n=n, present=members))
            if members - n > others:
                raise InvalidAction(_(
                    "of the {present} present only {n} are of {label}: the other {rest} "
                    "outnumber the body's {others} other members",
                ).format(label=subset_label(sub), n=n, present=members, rest=members - n,
                         others=others))
        out[f"members@{sub}"] = size
        out[f"present_members@{sub}"] = n
    return out


def _did_you_mean(word: str, choices: tuple[str, ...]) -> Text | str:
    near = closest(word, choices) if choices else None
    # the id as code: it is what the clerk types back
    return _(" (did you mean {near}?)").format(near=quoted(near)) if near is not None else ""


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
    from deliberation.rules.consultation import ConsultationCoverage  # (lazy: see the imports)

    rule = sp.rule("consultation-coverage")
    if isinstance(rule, ConsultationCoverage) and rule.unit == "household":
        return villager.household
    return villager.id


# The opinions that consent in a written consultation (any other opinion is a reply that does
# not consent).
CONSENT_WORDS: Final = ("agree", "同意")


def reply_facts(ctx: Context, sp: StagePlan, t: Tally) -> Facts:
    """A written consultation's replies under real names: how many adults and households of
    the body replied, and how many replies consent. Replies are named: counts cannot say
    whose real name stands under a reply, so counted opinions are refused here."""
    if t.named is False:
        raise InvalidAction(_(
            "a written consultation counts replies under real names: record each opinion by name "
            "(record_opinion), not as counts",
        ))
    bc = counts(ctx.roster, sp.body)
    households = {ctx.roster.get(vid).household for vid in t.replies}
    return {"adults": bc.adults, "households": bc.households,
            "replied_adults": len(t.replies), "replied_households": len(households),
            "replies": len(t.replies), "consents": sum(t.replies.values())}


def consultation_facts(ctx: Context, sp: StagePlan, t: Tally) -> Facts:
    """Coverage of the consultation so far, from the stage's tally: signed opinions by unit."""
    if "replies" in sp.reads or "replied_adults" in sp.reads \
            or "replied_households" in sp.reads:
        facts = reply_facts(ctx, sp, t)
        if sp.rule("consultation-coverage") is None:
            return facts
        return facts | _coverage_facts(ctx, sp, t)
    return _coverage_facts(ctx, sp, t)


def counted_consulted(rule: Rule | None, signed: int, unsigned: int, proxies: int) -> int:
    """The units consulted that count towards the coverage ``rule`` (the stage's
    ``consultation-coverage``, if any), from opinions given as counts: the signed ones, those
    signed by proxy where the rule takes proxies, the unsigned ones where it counts them. Each
    unit is in one of the counts, by its best opinion (the engine refuses counts that would make
    this more than the units there are).

    >>> from deliberation.rules import RULES
    >>> cov = RULES["consultation-coverage"].bind("c", {"proxies": True})
    >>> counted_consulted(cov, 8, 3, 4), counted_consulted(None, 8, 3, 4)
    (12, 8)
    """
    from deliberation.rules.consultation import ConsultationCoverage  # (lazy: see the imports)

    cov = rule if isinstance(rule, ConsultationCoverage) else None
    if cov is None:
        return signed
    return signed + (proxies if cov.proxies else 0) + (0 if cov.signed_only else unsigned)


def _coverage_facts(ctx: Context, sp: StagePlan, t: Tally) -> Facts:
    from deliberation.rules.consultation import ConsultationCoverage  # (lazy: see the imports)

    rule = sp.rule("consultation-coverage")
    cov = rule if isinstance(rule, ConsultationCoverage) else None
    by_household = cov is not None and cov.unit == "household"
    proxies_ok = cov is not None and cov.proxies
    signed_only = cov is None or cov.signed_only
    bc = counts(ctx.roster, sp.body)
    population = bc.households if by_household else bc.adults
    if t.named is False:
        n_signed, n_unsigned, n_proxy = t.counted_opinions
        consulted = counted_consulted(cov, n_signed, n_unsigned, n_proxy)
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


def disclosure_facts(ctx: Context, s: CaseState, sp: StagePlan, on: date) -> Facts:
    """The first posting of each channel in the stage ``sp`` (the case's current one), and the
    day it is asked about."""
    zone = ctx.plan.zone
    posted = {}  # (a loop, not a comprehension: a stage has a posting or two)
    for ch, at in s.postings.items():
        posted[ch] = local_date(at, zone)
    facts: Facts = {"posted_on": posted, "on": on, "open_objections": s.objections}
    if "villager_objections" in sp.reads:  # a comment period
        facts["villager_objections"] = stage_objections(ctx, sp.id)
    return facts


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
