"""The village and behaviour model of the simulator: named, documented parameters.

:class:`SimParams` holds everything a run depends on besides the procedure and the seed. The
village defaults are 固庄村's (2023 report: 365 households, 847 people, 45 Party members, 28
representatives; adults default as in :meth:`Roster.generate`, 80% of people). Behaviour defaults
are assumptions, chosen to be plain rather than realistic; every one is a field to sweep.

>>> p = SimParams(party_away_share=2 / 3, support=0.7)
>>> r = p.roster()
>>> sum(1 for v in r.villagers if v.party != "none" and not v.resident)
30
>>> p.with_(support=0.5).support
0.5
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, Final

import attrs

from deliberation.roster import COMMITTEES, Roster, Villager
from deliberation.roster.generate import DEFAULTS
from deliberation.rules.law import DEFAULT_KIND, check_kind

# A swept or overridden procedure setting ``id`` is the column (and grid key) ``settings.id``.
SETTING_PREFIX: Final = "settings."
# The fields that size the generated village (unused when a roster file is given).
VILLAGE_COUNTS: Final = ("households", "people", "adults", "party_members", "probationary",
                         "representatives", "party_committee", "villagers_committee",
                         "supervision_committee", "township_officials")


def _probability(_: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    if not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"{attribute.name} must be a probability in [0, 1], not {value!r}")


def _optional_probability(instance: Any, attribute: attrs.Attribute[Any],
                          value: float | None) -> None:
    if value is not None:
        _probability(instance, attribute, value)


def committee_body(selectors: Sequence[str]) -> bool:
    """Whether a body of members ``selectors`` is one of the village's committees (or a joint
    meeting of them): every member selector is a committee.

    >>> committee_body(("party-committee", "villagers-committee")), committee_body(("adult",))
    (True, False)
    """
    return bool(selectors) and all(s in COMMITTEES for s in selectors)


def _non_negative(_: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must not be negative, not {value!r}")


def _positive(_: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    if value < 1:
        raise ValueError(f"{attribute.name} must be at least 1, not {value!r}")


def _optional_positive(instance: Any, attribute: attrs.Attribute[Any], value: int | None
                       ) -> None:
    if value is not None:
        _positive(instance, attribute, value)


def _frozen_mapping(value: Mapping[str, Any] | None) -> tuple[tuple[str, Any], ...]:
    if value is None:
        return ()
    if isinstance(value, tuple):
        return tuple(sorted(value))
    return tuple(sorted(dict(value).items()))


def _kind(_: Any, attribute: Any, value: Any) -> None:
    check_kind(value)


@attrs.frozen
class SimParams:
    """A village and how its people behave, for one simulated case per run.

    Village (counts, as for :meth:`Roster.generate`):

    * ``households``, ``people``, ``adults`` (None: 80% of people), ``party_members``
      (of whom ``probationary`` have no vote), ``representatives``, committee seats and
      ``township_officials`` (who sign as witnesses).
    * ``away_share``: share of the adult non-Party villagers who live away (外出);
      ``party_away_share``: share of the Party members who live away. Representatives and
      committee members are resident (they are chosen among those who are there), so a share
      is capped by how many others there are (see :func:`apply_away`).
    * ``household_away_share``: share of the households that live away as a whole (every
      member away, children too) — what makes a household-unit consultation hard. Households
      with a representative, a committee member or a township official stay; the person-level
      shares above then count those already away and add more only where the share asks.
    * ``roster_file``: a roster file (CSV or YAML, read by the strict reader of
      :mod:`deliberation.roster`) instead of the generated one; the counts above are then not
      used (the results table leaves them empty) and the away shares only add to whoever the
      file already marks as away.

    Meetings:

    * ``attendance``: chance that a resident member attends a meeting; ``attendance_by_body``
      overrides it per body id (e.g. ``{"villagers-meeting": 0.6}``).
    * ``away_attendance``: chance that a member living away comes back for the meeting.
    * ``away_excused``: away voters are left out of 应到 (``expected``), the base of the Party
      assembly's quorum and approval, as members away for more than half a year without
      transferring their membership (with the approval this needs) — only at a body whose
      ``exclusions:`` allow that category. Off, or elsewhere: they count as expected (ordinary
      leave, 请假, never removes anyone from 应到).
    * ``support``: mean share of voters in favour; per run the support is drawn from
      Beta(``support`` × κ, (1 − ``support``) × κ) with κ = ``support_concentration``
      (None: no spread, every run has exactly ``support``). Each meeting's support mixes the
      run's support (weight ``stage_correlation``) with a fresh draw for that meeting.
    * ``committee_support``: the mean support in a meeting of the village's committees — the
      branch committee, the two committees' joint meeting, the villagers' committee (a body
      whose members are all committee members, :func:`committee_body`). They prepare the
      matter that the wider bodies then review and decide: a plan reaches the vote of its own
      proposers agreed on beforehand, so they back it more than the village does (an
      assumption, docs/simulation.md). None: the committees take ``support`` like any body.
    * ``support_by_body``: a different mean per body id (e.g. ``{"villagers-meeting": 0.6}``),
      before ``committee_support`` and ``support``: the run's support is shifted by the
      difference, and the fresh draw has that mean.
    * ``abstention``: chance that a present voter abstains.
    * ``strategic_abstention``: share of a meeting's opponents who stay away on purpose when
      the meeting has a participation quorum (the quorum paradox, Herrera & Mattozzi 2010):
      an opponent who would have come and voted no instead helps the quorum fail. 0: nobody
      abstains strategically (sincere voting, the default).
    * ``revision_gain``: a revision (a vote that sent the plan back to an earlier stage) moves
      support towards 1 by this share of the remaining distance.
    * ``support_by_item``: where a meeting votes on items one by one (``items:``), the mean
      support for an item by its id (e.g. ``{"lights": 0.5}``); each item's support is the
      meeting's, shifted by the difference from the body's mean (so the items of one meeting
      move together), and each item is voted on by everyone present independently. An item not
      named has the meeting's support.
    * ``observer_attendance``: chance that each of those a meeting's ``observers`` rule draws
      on (e.g. each supervision committee member) comes to observe it, independently of
      whether they attend as members.
    * ``office_signs``: chance that the holder of an office whose signature a ``signed-by``
      rule requires attends the meeting (and so signs its minutes, as every participant does);
      an office-holder no such rule names attends like any member. The generated village's
      Party secretary, committee chair and supervision chair are the first member of each
      committee (see :func:`with_offices`).
    * A meeting refused for want of its observers or of an office-holder's signature is held
      again ``reconvene_days`` later with everyone drawn afresh, at most ``max_reconvenings``
      times; then the case stalls by the stage's ``deadline`` route (the refusing rule named).

    Consultation (民议):

    * ``reach_resident`` / ``reach_away``: chance that an unreached resident / away villager
      (or household) is reached in one consultation round; ``reach_away_proxy``: the same for
      an away villager when written proxies count (``proxies``; None: the procedure's
      ``consultation-proxies`` setting, off by default).
    * ``refuse_sign``: chance that a reached villager gives an opinion but refuses to sign it
      (so it does not count); refusals are final for the case.
    * ``max_consultation_rounds``: rounds before the consultation is given up (the stage's
      ``max_rounds`` if it has one): the case then takes the stage's ``max_rounds`` route, or
      its ``deadline`` route (lapsed) when the stage has no cap.

    Matter:

    * ``kind``: the matter's kind (``deliberation/rules/law.yaml``; default an ordinary major
      matter). For a kind a legal regime binds, the resolving meeting's ``matter-regime`` rule
      also needs its threshold on the whole body (e.g. at least 2/3 of all members), as the
      engine asks it; a procedure that does not apply the regime cannot be simulated for it.
    * ``motion_submitters``: who raises the matter at a motion stage. None (the default): a
      lawful group the stage's rules describe — the villagers' committee where a
      ``proposal-support`` rule admits its proposal, else enough adults for the rule's share
      of villagers, and at least as many as a ``written-motion`` needs
      (:func:`deliberation.simulation.model.simulated_proposers`). A number: the first that
      many adults of the roster instead (the first is the Party secretary), whatever the rules
      ask — to study a motion that lacks support.

    Time (days):

    * ``meeting_interval_days``: from one step to the next meeting (at least the notice or
      circulation period the rules ask); ``reconvene_days``: before a meeting that lacked a
      quorum is held again (at least the notice period); ``revision_days``: to revise a plan
      sent back; ``consultation_round_days``: per consultation round.
    * ``objection_rate``: chance that a disclosure draws an objection (answered within the
      supervision body's days, then posted again).

    Tasks and evaluations (六单, 镇呼区应, 党员提案…):

    * ``task_accept``: chance that the handler takes a task on (else it is declined: route
      ``declined``, e.g. reassignment); ``task_solve``: chance that an accepted task is solved
      at the case's level (else ``unresolved``: by default one level up the escalation ladder);
      ``task_on_time``: chance that a solved task is done before the stage's ``deadline`` (else
      the ``deadline`` route); ``task_days``: days a task takes. A deadline runs from when the
      case entered the stage, on the calendar: where it has already passed when the handler
      would report (a revision's ``revision_days`` spent at the stage, then ``task_days``),
      nothing may be reported (the engine refuses it) and the lapse is recorded instead.
    * ``ratings``: signed ratings collected per evaluation (at most the body's size), each
      satisfied with chance ``satisfaction``; ``evaluation_days``: days an evaluation takes.
    * Gates: ``gate_return``: chance that a gate returns the matter (its body finds a check not
      met, or the authority returns it for completion); ``authority_refusal``: chance that an
      authority asked to approve refuses (before any return); ``gate_days``: days an
      examination or an authority's decision takes. A body's decision is signed by as many of
      its members as its ``gate-signatures`` rule needs.
    * A stage with a ``lunar-schedule`` waits for its next scheduled day: half the mean gap
      between scheduled days is added to the days (the engine path moves its clock to the
      actual day).

    Limits, so every run ends: ``max_reconvenings`` per stage (then the stage's ``deadline``
    route: the matter lapses) and ``max_steps`` stage visits per case.

    ``settings`` overrides the procedure's settings by id (e.g.
    ``{"party-assembly-quorum-ratio": "2/3", "resolution-body": "villagers-meeting"}``).
    """

    # -- the village -----------------------------------------------------------------------
    households: int = attrs.field(default=DEFAULTS["households"], validator=_positive)
    people: int = attrs.field(default=DEFAULTS["people"], validator=_positive)
    adults: int | None = DEFAULTS["adults"]
    party_members: int = DEFAULTS["party_members"]
    probationary: int = DEFAULTS["probationary"]
    representatives: int = DEFAULTS["representatives"]
    party_committee: int = DEFAULTS["party_committee"]
    villagers_committee: int = DEFAULTS["villagers_committee"]
    supervision_committee: int = DEFAULTS["supervision_committee"]
    township_officials: int = DEFAULTS["township_officials"]
    away_share: float = attrs.field(default=DEFAULTS["away_share"], validator=_probability)
    party_away_share: float = attrs.field(default=0.0, validator=_probability)
    household_away_share: float = attrs.field(default=0.0, validator=_probability)
    roster_file: str | None = None
    # -- meetings --------------------------------------------------------------------------
    attendance: float = attrs.field(default=0.85, validator=_probability)
    attendance_by_body: tuple[tuple[str, float], ...] = attrs.field(
        default=(), converter=_frozen_mapping
    )
    away_attendance: float = attrs.field(default=0.05, validator=_probability)
    away_excused: bool = False
    support: float = attrs.field(default=0.65, validator=_probability)
    support_by_body: tuple[tuple[str, float], ...] = attrs.field(
        default=(), converter=_frozen_mapping
    )
    committee_support: float | None = attrs.field(default=0.9, validator=_optional_probability)
    support_concentration: float | None = 20.0
    stage_correlation: float = attrs.field(default=0.8, validator=_probability)
    abstention: float = attrs.field(default=0.0, validator=_probability)
    strategic_abstention: float = attrs.field(default=0.0, validator=_probability)
    revision_gain: float = attrs.field(default=0.1, validator=_probability)
    support_by_item: tuple[tuple[str, float], ...] = attrs.field(
        default=(), converter=_frozen_mapping
    )
    observer_attendance: float = attrs.field(default=0.9, validator=_probability)
    office_signs: float = attrs.field(default=0.95, validator=_probability)
    # -- consultation ----------------------------------------------------------------------
    reach_resident: float = attrs.field(default=0.9, validator=_probability)
    reach_away: float = attrs.field(default=0.25, validator=_probability)
    reach_away_proxy: float = attrs.field(default=0.8, validator=_probability)
    proxies: bool | None = None
    refuse_sign: float = attrs.field(default=0.0, validator=_probability)
    max_consultation_rounds: int = attrs.field(default=10, validator=_positive)
    # -- motion ----------------------------------------------------------------------------
    motion_submitters: int | None = attrs.field(default=None, validator=_optional_positive)
    # -- time ------------------------------------------------------------------------------
    meeting_interval_days: int = attrs.field(default=7, validator=_non_negative)
    reconvene_days: int = attrs.field(default=7, validator=_non_negative)
    revision_days: int = attrs.field(default=14, validator=_non_negative)
    consultation_round_days: int = attrs.field(default=7, validator=_non_negative)
    objection_rate: float = attrs.field(default=0.0, validator=_probability)
    # -- tasks and evaluations -------------------------------------------------------------
    task_accept: float = attrs.field(default=0.9, validator=_probability)
    task_solve: float = attrs.field(default=0.9, validator=_probability)
    task_on_time: float = attrs.field(default=0.9, validator=_probability)
    task_days: int = attrs.field(default=3, validator=_non_negative)
    ratings: int = attrs.field(default=5, validator=_positive)
    satisfaction: float = attrs.field(default=0.9, validator=_probability)
    evaluation_days: int = attrs.field(default=3, validator=_non_negative)
    # -- gates ---------------------------------------------------------------------------------
    gate_return: float = attrs.field(default=0.1, validator=_probability)
    authority_refusal: float = attrs.field(default=0.05, validator=_probability)
    gate_days: int = attrs.field(default=10, validator=_non_negative)
    # -- limits ----------------------------------------------------------------------------
    max_reconvenings: int = attrs.field(default=3, validator=_non_negative)
    max_steps: int = attrs.field(default=200, validator=_positive)
    # -- the procedure's settings ----------------------------------------------------------
    settings: tuple[tuple[str, Any], ...] = attrs.field(default=(), converter=_frozen_mapping)
    # -- the matter ----------------------------------------------------------------------------
    kind: str = attrs.field(default=DEFAULT_KIND, validator=_kind)

    def __attrs_post_init__(self) -> None:
        if self.support_concentration is not None and self.support_concentration <= 0:
            raise ValueError("support_concentration must be positive (or None for no spread)")

    # -- helpers -----------------------------------------------------------------------------
    def with_(self, **changes: Any) -> SimParams:
        """A copy with ``changes`` applied (validated like the constructor)."""
        return attrs.evolve(self, **changes)

    def attendance_of(self, body_id: str) -> float:
        """The resident attendance probability for ``body_id``."""
        return float(dict(self.attendance_by_body).get(body_id, self.attendance))

    def support_of(self, body_id: str, committee: bool = False) -> float:
        """The mean support among the voters of ``body_id``: as ``support_by_body`` names it,
        else ``committee_support`` for a ``committee`` (:func:`committee_body`), else
        ``support``.

        >>> p = SimParams()
        >>> p.support_of("branch-committee", committee=True), p.support_of("party-assembly")
        (0.9, 0.65)
        """
        named = dict(self.support_by_body).get(body_id)
        if named is not None:
            return float(named)
        if committee and self.committee_support is not None:
            return float(self.committee_support)
        return float(self.support)

    def item_shift(self, body_id: str, item_id: str, committee: bool = False) -> float:
        """How far an item's mean support lies from the body's (0 for an item not named).

        >>> p = SimParams(support=0.65, support_by_item={"lights": 0.5})
        >>> round(p.item_shift("representatives-meeting", "lights"), 2), p.item_shift("x", "road")
        (-0.15, 0.0)
        """
        mean = dict(self.support_by_item).get(item_id)
        return 0.0 if mean is None else float(mean) - self.support_of(body_id, committee)

    def setting_overrides(self) -> dict[str, Any]:
        """``settings`` as the procedure expects them (``"2/3"`` becomes a Fraction)."""
        out: dict[str, Any] = {}
        for key, value in self.settings:
            if isinstance(value, str) and "/" in value:
                num, den = value.split("/", 1)
                out[key] = Fraction(int(num), int(den))
            else:
                out[key] = value
        return out

    def to_row(self) -> dict[str, Any]:
        """The parameters as flat columns for the results table (mappings as ``k=v;…``), then
        one ``settings.<id>`` column per setting overridden, so a swept setting is a column to
        group by like any parameter. With a ``roster_file`` the village counts are empty: they
        were not used.

        >>> SimParams(settings={"party-assembly-quorum-ratio": "2/3"}).to_row()[
        ...     "settings.party-assembly-quorum-ratio"]
        '2/3'
        """
        row: dict[str, Any] = {}
        for field in attrs.fields(SimParams):
            value = getattr(self, field.name)
            if field.name in ("attendance_by_body", "support_by_body", "support_by_item",
                              "settings"):
                value = ";".join(f"{k}={v}" for k, v in value)
            elif field.name in VILLAGE_COUNTS and self.roster_file is not None:
                value = None
            row[field.name] = value
        for key, value in self.settings:
            row[SETTING_PREFIX + key] = str(value) if isinstance(value, Fraction) else value
        return row

    def roster(self) -> Roster:
        """The village roster: :meth:`Roster.generate` (or ``roster_file``) with the away
        shares applied.

        Who is away is deterministic (the last eligible households and villagers in roster
        order), so the same parameters always give the same roster.
        """
        if self.roster_file is not None:
            # the strict reader: every problem of the file at once, with file and line (its
            # offices as the file says)
            return apply_away(Roster.from_file(self.roster_file), self.away_share,
                              self.party_away_share, self.household_away_share)
        # the counts as Roster.generate takes them; the away shares are applied below
        counts = {name: getattr(self, name) for name in DEFAULTS if name != "away_share"}
        base = Roster.generate(**counts)
        return apply_away(with_offices(base), self.away_share, self.party_away_share,
                          self.household_away_share)


# The offices the generated village fills, each with the first member of a committee (the
# others — accountant, cashier, group leaders… — have no seat to derive them from).
OFFICE_SEATS: Final = (("party-secretary", "party-committee"),
                       ("committee-chair", "villagers-committee"),
                       ("supervision-chair", "supervision-committee"))


def with_offices(roster: Roster) -> Roster:
    """``roster`` with its office-holders named where it names none: the Party secretary, the
    committee chair and the supervision chair are the first member of their committee (the
    generated village's offices column is empty).

    >>> r = with_offices(Roster.generate())
    >>> [v.id for v in r.select(("party-secretary",))] == [r.select(("party-committee",))[0].id]
    True
    """
    if any(v.offices for v in roster.villagers):
        return roster
    holders: dict[str, set[str]] = {}
    for office, seat in OFFICE_SEATS:
        found = roster.select((seat,))
        if found:
            holders.setdefault(found[0].id, set()).add(office)
    return Roster(tuple(attrs.evolve(v, offices=frozenset(holders[v.id])) if v.id in holders
                        else v for v in roster.villagers))


def apply_away(roster: Roster, away_share: float, party_away_share: float,
               household_away_share: float = 0.0) -> Roster:
    """Mark ``household_away_share`` of the households as wholly away, then enough of the
    adult non-Party villagers and of the Party members that ``away_share`` and
    ``party_away_share`` of them are away (everyone else keeps their flag).

    Households are taken from the end of the roster among those with no representative,
    committee member or township official. Villagers are the last in roster order among the
    eligible: non-Party adults who are not representatives or committee members, and Party
    members without a committee seat. So a share is capped by how many are eligible (固庄
    defaults: 36 of 45 Party members).

    >>> r = apply_away(Roster.generate(), 0.0, 0.0, household_away_share=0.3)
    >>> homes = {v.household for v in r.villagers if not v.township}
    >>> len({v.household for v in r.villagers if not v.resident}), len(homes)
    (110, 365)
    """

    def ordinary(v: Villager) -> bool:
        return v.adult and not v.township and v.party == "none" and not v.representative \
            and not v.committees

    def party(v: Villager) -> bool:
        return v.party != "none" and not v.committees and not v.representative

    def adult_non_party(v: Villager) -> bool:
        return v.adult and not v.township and v.party == "none"

    def any_party(v: Villager) -> bool:
        return v.party != "none"

    def stays(v: Villager) -> bool:
        return v.representative or bool(v.committees) or v.township

    away: set[str] = set()
    # the village's households (a township official's is not one of them)
    homes = list(dict.fromkeys(v.household for v in roster.villagers if not v.township))
    kept = {v.household for v in roster.villagers if stays(v)}
    movable = [h for h in homes if h not in kept]
    n_homes = min(len(movable), round(len(homes) * household_away_share))
    gone = set(movable[len(movable) - n_homes:]) if n_homes else set()
    away.update(v.id for v in roster.villagers if v.household in gone)
    groups = ((ordinary, adult_non_party, away_share), (party, any_party, party_away_share))
    for selector, whole, share in groups:
        # The share is of the whole group; those already away count towards it, and more are
        # taken among the eligible only.
        members = [v for v in roster.villagers if whole(v)]
        already = sum(1 for v in members if v.id in away or not v.resident)
        eligible = [v for v in roster.villagers
                    if selector(v) and v.id not in away and v.resident]
        n = min(len(eligible), max(0, round(len(members) * share) - already))
        if n:
            away.update(v.id for v in eligible[len(eligible) - n :])
    if not away:
        return roster
    return Roster(
        tuple(attrs.evolve(v, resident=False) if v.id in away else v for v in roster.villagers)
    )
