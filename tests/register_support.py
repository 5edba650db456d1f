"""Cases for the register's tests: a 固庄-sized village whose villagers have names, taken
through 六议两公开 with every meeting's attendance, vote and signatures given by name and every
adult's opinion signed one by one (678 named opinions)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from datetime import UTC, datetime

import attrs

from deliberation import Case, Roster
from deliberation.engine.clock import ManualClock
from deliberation.store import open_store
from deliberation.store.archive import archive_data
from deliberation.store.cases import save_case

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧"
GIVEN = "建国秀英玉兰春花志强海燕桂芳明德文华丽娟保平红梅永福金凤立新"
MATTER = "修建村东道路(硬化 1.2 公里)"


def named(roster: Roster, seed: int = 14) -> Roster:
    """``roster`` with a distinct Chinese name for every villager (township officials too)."""
    names = ["".join(p) for p in itertools.product(SURNAMES, GIVEN, GIVEN)]
    random.Random(seed).shuffle(names)
    return Roster([attrs.evolve(v, name=name) for v, name in zip(roster.villagers, names,
                                                                 strict=False)])


def _ids(case: Case, stage: str) -> list[str]:
    sp = case.plan.stage(stage)
    return [v.id for v in case.roster.select(sp.body.voters or sp.body.members)
            if not v.township]


def _meeting(case: Case, clock: ManualClock, township: Sequence[str]) -> None:
    sp = case.plan.stage(case.state)
    if any(r.id == "advance-circulation" for r in sp.rules):
        case.circulate_plan()
        clock.advance(days=3)
    ids = _ids(case, sp.id)
    present = ids[: max(len(ids) * 5 // 6, 1)] if len(ids) > 6 else ids
    against = present[-1:] if len(present) > 6 else []
    witnessed = any(r.id == "witness-signatures" for r in sp.rules)
    case.hold_meeting(present=present, yes=present[: len(present) - len(against)], no=against,
                      witnesses=list(township) if witnessed else 0,
                      content="同意硬化村东道路 1.2 公里,预算 36 万元,由村委会组织施工")
    clock.advance(days=2)


def road_case(roster: Roster, *, objection: bool = True) -> Case:
    """The whole road case, adopted; every adult signs an opinion by name."""
    clock = ManualClock(datetime(2026, 3, 2, 1, tzinfo=UTC))
    case = Case.open("six-deliberations-guzhuang", roster, matter=MATTER, clock=clock,
                     case_id="road")
    township = [v.id for v in roster.villagers if v.township]
    adults = [v.id for v in roster.villagers if v.adult and not v.township]
    case.submit_motion("村东道路雨天泥泞,提议硬化 1.2 公里", adults[600:603] or adults[:3])
    clock.advance(days=2)
    while not case.closed:
        sp = case.plan.stage(case.state)
        kind = sp.kind.value
        if kind == "meeting":
            _meeting(case, clock, township)
        elif kind == "consultation":
            for vid in adults:
                case.record_opinion(vid, "agree")
            clock.advance(days=5)
            _meeting_after_consultation(case, clock, township)
        else:
            clerk = next(v.id for v in roster.select(sp.body.members))
            case.post_disclosure("notice-board", actor=clerk, content="决议全文及预算")
            if objection and sp.id == "resolution-disclosure":
                supervisor = roster.select(("supervision-committee",))[0].id
                clock.advance(days=1)
                case.raise_objection(supervisor, "预算明细未公开")
                clock.advance(days=2)
                case.answer_objection(clerk, "已补充公开预算明细")
            clock.advance(days=7)
            case.conclude_disclosure()
            clock.advance(days=30)
    return case


def _meeting_after_consultation(case: Case, clock: ManualClock,
                                township: Sequence[str]) -> None:
    ids = _ids(case, "resolution")
    present = ids[:-2]
    case.hold_meeting(present=present, yes=present[:-2], no=present[-2:],
                      witnesses=list(township), content="同意修建村东道路,预算 36 万元")
    clock.advance(days=2)


def archive_of(case: Case) -> dict[str, object]:
    """The case stored in a fresh in-memory store, exported as its archive."""
    with open_store("sqlite:///:memory:") as store:
        save_case(store, case)
        return archive_data(store, case.id)
