"""The rule registry: every rule a procedure may name, its parameters, and its pure check.

A procedure never carries code. It names a registered rule and gives parameters; the loader
checks them against the rule's :class:`Param` specs, and the engine (and the simulator) call the
rule's pure ``check`` on :class:`Facts` counted from an action.

>>> from fractions import Fraction
>>> spec = {"ratio": Fraction(2, 3), "compare": ">=", "base": "members"}
>>> result = RULES["quorum"].check(spec, Facts(members=28, present_members=18))
>>> result.ok, result.numbers["needed"]
(False, 19)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from fractions import Fraction
from typing import Any, Final

import attrs

from deliberation.definition.model import ActionKind
from deliberation.i18n import T, Text
from deliberation.rules.thresholds import Base, Comparison, Threshold, format_fraction


@attrs.frozen
class Facts:
    """What an action establishes, counted; rules read only what they need.

    Counts of people are of the acting body's roster snapshot; ``present`` counts voters.
    """

    # the body, from the roster snapshot
    members: int = 0
    voters: int = 0
    expected: int = 0  # 应到
    households: int = 0
    adults: int = 0
    # a meeting
    present: int = 0  # voters present (实到)
    present_members: int = 0
    present_households: int = 0
    present_adults: int = 0
    yes: int = 0
    no: int = 0
    abstain: int = 0
    participants: int = 0  # everyone present, voting or not
    participants_signed: int = 0
    witnesses_signed: int = 0
    interested_voting: int = 0  # interested parties who voted although recusal applies
    # a motion
    submitters: int = 0
    submitters_signed: int = 0
    text: str = ""
    # a consultation
    population: int = 0  # villagers (or households) who must be consulted
    consulted: int = 0  # of them, with an opinion that counts under the rule's settings
    consulted_signed: int = 0
    consulted_unsigned: int = 0
    consulted_by_proxy: int = 0
    # a disclosure
    channels: tuple[str, ...] = ()
    days_posted: int = 0
    days_since_posting: int = 0
    open_objections: int = 0
    # time
    notice_days: int | None = None  # days between the notice and the meeting
    circulated_days: int | None = None  # days between circulating the plan and the meeting
    days_elapsed: int = 0  # since the deadline's reference point
    # the day an action took place (lunar schedules)
    held_on: date | None = None
    # a task or an evaluation: ratings recorded with the raters' signatures
    raters: int = 0  # who may rate (the stage's body)
    ratings: int = 0  # signed ratings counted
    satisfied: int = 0  # of them, satisfied
    ratings_unsigned: int = 0  # ratings without the rater's signature (never counted)
    # a proposal's support (一事一议): submitters who are representatives or committee members
    representatives: int = 0
    submitters_representatives: int = 0
    submitters_committee: int = 0


@attrs.frozen
class RuleCheck:
    """The result of checking one rule: whether it held, the numbers, and why."""

    rule: str
    ok: bool
    message: Text
    numbers: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class Param:
    """One parameter of a registered rule."""

    name: str
    type: str  # fraction | comparison | base | int | bool | choice | list | thresholds
    required: bool = True
    default: Any = None
    choices: tuple[str, ...] = ()
    description: str = ""
    # bounds of an ``int`` (or each of ``ints``), checked by the loader (D402)
    minimum: int | None = None
    maximum: int | None = None


Check = Callable[[Mapping[str, Any], Facts], RuleCheck]


@attrs.frozen
class RuleType:
    """A registered rule: its name, label, parameters, where it applies, and its check."""

    name: str
    label: Text
    description: str
    params: tuple[Param, ...]
    actions: tuple[ActionKind, ...]
    check: Check

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None

    def with_defaults(self, params: Mapping[str, Any]) -> dict[str, Any]:
        out = {p.name: p.default for p in self.params if not p.required}
        out.update(params)
        return out


RULES: dict[str, RuleType] = {}


def register(rule: RuleType) -> RuleType:
    """Add a rule to the registry (extensions may register their own names)."""
    if rule.name in RULES:
        raise ValueError(f"a rule named {rule.name!r} is already registered")
    RULES[rule.name] = rule
    return rule


def threshold_of(params: Mapping[str, Any]) -> Threshold:
    """The :class:`Threshold` described by ``ratio``, ``compare`` and ``base`` parameters."""
    ratio = params["ratio"]
    return Threshold(
        ratio if isinstance(ratio, Fraction) else Fraction(ratio),
        Comparison(params["compare"]),
        Base(params["base"]),
    )


# -- quorum ---------------------------------------------------------------------------------

_QUORUM_COUNT: Final = {
    Base.MEMBERS: ("present_members", "members"),
    Base.VOTERS: ("present", "voters"),
    Base.EXPECTED: ("present", "expected"),
    Base.HOUSEHOLDS: ("present_households", "households"),
    Base.ADULTS: ("present_adults", "adults"),
}

QUORUM_BASES: Final = tuple(b.value for b in _QUORUM_COUNT)


def _threshold_numbers(t: Threshold, count: int, total: int) -> dict[str, Any]:
    return {
        "count": count,
        "total": total,
        "needed": t.needed(total),
        "ratio": format_fraction(t.ratio),
        "compare": t.compare.value,
        "base": t.base.value,
    }


def _quorum_alternatives(params: Mapping[str, Any]) -> list[Threshold]:
    alts = [threshold_of(params)]
    for alt in params.get("any_of") or ():
        alts.append(threshold_of(alt))
    return alts


def check_quorum(params: Mapping[str, Any], facts: Facts) -> RuleCheck:
    """Enough of the body is present, on one of the allowed bases."""
    results = []
    for t in _quorum_alternatives(params):
        count_field, total_field = _QUORUM_COUNT[t.base]
        count, total = getattr(facts, count_field), getattr(facts, total_field)
        results.append((t, count, total, t.holds(count, total)))
    best = next((r for r in results if r[3]), results[0])
    t, count, total, ok = best
    numbers = _threshold_numbers(t, count, total)
    if len(results) > 1:
        numbers["alternatives"] = [
            _threshold_numbers(a, c, n) | {"ok": held} for a, c, n, held in results
        ]
    word = T("达到", "達到", "met") if ok else T("不足", "不足", "not met")
    msg = T(
        "法定人数{w}:实到 {count}/{total},须{desc_hans},即至少 {needed}",
        "法定人數{w}:實到 {count}/{total},須{desc_hant},即至少 {needed}",
        "quorum {w}: {count} of {total} present, {desc_en} needed, i.e. at least {needed}",
    )
    return RuleCheck(
        "quorum",
        ok,
        Text(
            msg.zh_hans.format(w=word.zh_hans, desc_hans=t.describe("zh-Hans"), **numbers),
            msg.zh_hant.format(w=word.zh_hant, desc_hant=t.describe("zh-Hant"), **numbers),
            msg.en.format(w=word.en, desc_en=t.describe("en"), **numbers),
        ),
        numbers,
    )


_THRESHOLD_PARAMS: Final = (
    Param("ratio", "fraction", description="exact fraction, e.g. 1/2 or 2/3"),
    Param(
        "compare", "comparison", choices=(">=", ">"), description=">= for 以上, > for 超过/过半数"
    ),
)

register(
    RuleType(
        name="quorum",
        label=T("法定人数", "法定人數", "quorum"),
        description="Enough of the body attends: count of those present against a base.",
        params=(
            *_THRESHOLD_PARAMS,
            Param("base", "base", choices=QUORUM_BASES),
            Param("any_of", "thresholds", required=False, default=(),
                  description="alternative thresholds; the quorum holds if any holds"),
        ),
        actions=(ActionKind.MEETING,),
        check=check_quorum,
    )
)

# -- approval -------------------------------------------------------------------------------

APPROVAL_BASES: Final = ("present", "expected", "votes_cast", "members", "voters", "households")


def check_approval(params: Mapping[str, Any], facts: Facts) -> RuleCheck:
    """Enough yes votes, counted against the stated base."""
    t = threshold_of(params)
    totals = {
        Base.PRESENT: facts.present,
        Base.EXPECTED: facts.expected,
        Base.VOTES_CAST: facts.yes + facts.no + facts.abstain,
        Base.MEMBERS: facts.members,
        Base.VOTERS: facts.voters,
        Base.HOUSEHOLDS: facts.households,
    }
    total = totals[t.base]
    ok = t.holds(facts.yes, total)
    numbers = _threshold_numbers(t, facts.yes, total) | {"no": facts.no, "abstain": facts.abstain}
    word = T("通过", "通過", "passed") if ok else T("未通过", "未通過", "failed")
    return RuleCheck(
        "approval",
        ok,
        T(
            f"表决{word.zh_hans}:赞成 {facts.yes}/{total},"
            f"须{t.describe('zh-Hans')},即至少 {numbers['needed']}",
            f"表決{word.zh_hant}:贊成 {facts.yes}/{total},"
            f"須{t.describe('zh-Hant')},即至少 {numbers['needed']}",
            f"vote {word.en}: {facts.yes} yes of {total}, {t.describe('en')} needed, "
            f"i.e. at least {numbers['needed']}",
        ),
        numbers,
    )


register(
    RuleType(
        name="approval",
        label=T("表决通过", "表決通過", "approval"),
        description="The vote passes: yes votes against a base.",
        params=(*_THRESHOLD_PARAMS, Param("base", "base", choices=APPROVAL_BASES)),
        actions=(ActionKind.MEETING,),
        check=check_approval,
    )
)

# -- written motion ---------------------------------------------------------------------------


def check_written_motion(params: Mapping[str, Any], facts: Facts) -> RuleCheck:
    """A motion raised in writing by at least ``min_submitters`` villagers."""
    need = int(params["min_submitters"])
    problems: list[Text] = []
    if params["require_text"] and not facts.text.strip():
        problems.append(T("动议无书面内容", "動議無書面內容", "the motion has no written text"))
    if facts.submitters < need:
        problems.append(
            T(
                f"提出人 {facts.submitters} 人,至少须 {need} 人",
                f"提出人 {facts.submitters} 人,至少須 {need} 人",
                f"{facts.submitters} submitter(s), at least {need} needed",
            )
        )
    if params["require_signatures"] and facts.submitters_signed < facts.submitters:
        problems.append(
            T(
                f"提出人签名 {facts.submitters_signed}/{facts.submitters}",
                f"提出人簽名 {facts.submitters_signed}/{facts.submitters}",
                f"{facts.submitters_signed} of {facts.submitters} submitters signed",
            )
        )
    numbers = {"count": facts.submitters, "needed": need, "signed": facts.submitters_signed,
               "has_text": bool(facts.text.strip())}
    if problems:
        return RuleCheck("written-motion", False, _join(problems), numbers)
    return RuleCheck(
        "written-motion",
        True,
        T(
            f"书面动议已由 {facts.submitters} 名村民提出",
            f"書面動議已由 {facts.submitters} 名村民提出",
            f"written motion raised by {facts.submitters} villager(s)",
        ),
        numbers,
    )


register(
    RuleType(
        name="written-motion",
        label=T("书面动议", "書面動議", "written motion"),
        description="The matter is raised in writing by one or more villagers (动议).",
        params=(
            Param("min_submitters", "int", required=False, default=1),
            Param("require_text", "bool", required=False, default=True),
            Param("require_signatures", "bool", required=False, default=True),
        ),
        actions=(ActionKind.MOTION,),
        check=check_written_motion,
    )
)

# -- consultation coverage -------------------------------------------------------------------


def check_consultation_coverage(params: Mapping[str, Any], facts: Facts) -> RuleCheck:
    """Opinions solicited from enough of the villagers (or households); signed ones count."""
    t = Threshold(params["ratio"], Comparison(params["compare"]), Base.ADULTS
                  if params["unit"] == "villager" else Base.HOUSEHOLDS)
    ok = t.holds(facts.consulted, facts.population)
    numbers = _threshold_numbers(t, facts.consulted, facts.population) | {
        "unit": params["unit"],
        "unsigned": facts.consulted_unsigned,
        "proxy": facts.consulted_by_proxy,
        "missing": max(0, t.needed(facts.population) - facts.consulted),
    }
    villagers = params["unit"] == "villager"
    unit = T("村民", "村民", "villagers") if villagers else T("户", "戶", "households")
    # A share reads better as "100%" than as the ratio "1" (the seed's words: 达到100%).
    share = "100%" if t.ratio == 1 else format_fraction(t.ratio)
    unsigned = (
        T(
            f";另有 {facts.consulted_unsigned} 份意见未签字,不计入",
            f";另有 {facts.consulted_unsigned} 份意見未簽字,不計入",
            f"; {facts.consulted_unsigned} unsigned opinion(s) do not count",
        )
        if facts.consulted_unsigned
        else T("", "", "")
    )
    return RuleCheck(
        "consultation-coverage",
        ok,
        T(
            f"已签字征求意见 {facts.consulted}/{facts.population} {unit.zh_hans},"
            f"须达 {share}(至少 {numbers['needed']}){unsigned.zh_hans}",
            f"已簽字徵求意見 {facts.consulted}/{facts.population} {unit.zh_hant},"
            f"須達 {share}(至少 {numbers['needed']}){unsigned.zh_hant}",
            f"signed opinions from {facts.consulted} of {facts.population} {unit.en}, "
            f"{share} needed (at least {numbers['needed']}){unsigned.en}",
        ),
        numbers,
    )


register(
    RuleType(
        name="consultation-coverage",
        label=T("民意征求全覆盖", "民意徵求全覆蓋", "consultation coverage"),
        description="Villagers' opinions solicited from a share (default all) of villagers.",
        params=(
            Param("unit", "choice", required=False, default="villager",
                  choices=("villager", "household")),
            Param("ratio", "fraction", required=False, default=Fraction(1)),
            Param("compare", "comparison", required=False, default=">=", choices=(">=", ">")),
            Param("signed_only", "bool", required=False, default=True),
            Param("proxies", "bool", required=False, default=False),
        ),
        actions=(ActionKind.CONSULTATION,),
        check=check_consultation_coverage,
    )
)

# -- signatures -------------------------------------------------------------------------------


def check_signatures(params: Mapping[str, Any], facts: Facts) -> RuleCheck:
    """Required signatures are present: every participant, or enough township witnesses."""
    of = params["of"]
    if of == "participants":
        ok = facts.participants_signed >= facts.participants
        numbers: dict[str, Any] = {"count": facts.participants_signed, "needed": facts.participants}
        label = T("参会人员签名", "參會人員簽名", "participants' signatures")
    elif of == "township-witnesses":
        need = int(params["min"])
        ok = facts.witnesses_signed >= need
        numbers = {"count": facts.witnesses_signed, "needed": need}
        label = T("乡镇列席人员签名", "鄉鎮列席人員簽名", "township witnesses' signatures")
    else:  # submitters
        ok = facts.submitters_signed >= facts.submitters > 0
        numbers = {"count": facts.submitters_signed, "needed": max(1, facts.submitters)}
        label = T("提出人签名", "提出人簽名", "submitters' signatures")
    return RuleCheck(
        "signatures",
        ok,
        T(
            f"{label.zh_hans}:{numbers['count']}/{numbers['needed']}",
            f"{label.zh_hant}:{numbers['count']}/{numbers['needed']}",
            f"{label.en}: {numbers['count']} of {numbers['needed']}",
        ),
        numbers,
    )


register(
    RuleType(
        name="signatures",
        label=T("签字留痕", "簽字留痕", "required signatures"),
        description="Signatures that must be on the record for the step to count.",
        params=(
            Param("of", "choice", choices=("participants", "township-witnesses", "submitters")),
            Param("min", "int", required=False, default=1,
                  description="for township-witnesses: how many must sign"),
        ),
        actions=(ActionKind.MEETING, ActionKind.MOTION),
        check=check_signatures,
    )
)

# -- disclosure -------------------------------------------------------------------------------


def check_disclosure(params: Mapping[str, Any], facts: Facts) -> RuleCheck:
    """Posted on an allowed channel for at least ``min_days``, with no objection left open."""
    allowed = tuple(params["channels"])
    used = [c for c in facts.channels if c in allowed]
    min_days = int(params["min_days"])
    problems: list[Text] = []
    if not used:
        problems.append(
            T(
                f"未在规定渠道公开(须为 {'、'.join(allowed)} 之一)",
                f"未在規定渠道公開(須為 {'、'.join(allowed)} 之一)",
                f"not posted on a required channel (one of {', '.join(allowed)})",
            )
        )
    if facts.days_posted < min_days:
        problems.append(
            T(
                f"公开 {facts.days_posted} 天,至少须 {min_days} 天",
                f"公開 {facts.days_posted} 天,至少須 {min_days} 天",
                f"posted for {facts.days_posted} day(s), at least {min_days} needed",
            )
        )
    if facts.open_objections:
        problems.append(
            T(
                f"尚有 {facts.open_objections} 项异议未答复",
                f"尚有 {facts.open_objections} 項異議未答覆",
                f"{facts.open_objections} objection(s) still unanswered",
            )
        )
    numbers = {"count": facts.days_posted, "needed": min_days, "channels": list(facts.channels),
               "open_objections": facts.open_objections}
    if problems:
        return RuleCheck("disclosure", False, _join(problems), numbers)
    return RuleCheck(
        "disclosure",
        True,
        T(
            f"已公开 {facts.days_posted} 天({'、'.join(used)})",
            f"已公開 {facts.days_posted} 天({'、'.join(used)})",
            f"posted for {facts.days_posted} day(s) on {', '.join(used)}",
        ),
        numbers,
    )


register(
    RuleType(
        name="disclosure",
        label=T("公开", "公開", "disclosure"),
        description="Published on a channel for a minimum period, objections answered.",
        params=(
            Param("channels", "list", required=False, default=("notice-board",)),
            Param("min_days", "int", required=False, default=7),
            Param("objection_window_days", "int", required=False, default=0),
        ),
        actions=(ActionKind.DISCLOSURE,),
        check=check_disclosure,
    )
)

# -- time: notice, circulation, deadline -------------------------------------------------------


def _days_rule(name: str, field: str, label: Text) -> Check:
    def check(params: Mapping[str, Any], facts: Facts) -> RuleCheck:
        need = int(params["days"])
        got = getattr(facts, field)
        ok = got is not None and got >= need
        shown = "—" if got is None else str(got)
        return RuleCheck(
            name,
            ok,
            T(
                f"{label.zh_hans}:提前 {shown} 天,至少须 {need} 天",
                f"{label.zh_hant}:提前 {shown} 天,至少須 {need} 天",
                f"{label.en}: {shown} day(s) ahead, at least {need} needed",
            ),
            {"count": got, "needed": need},
        )

    return check


register(
    RuleType(
        name="notice-period",
        label=T("会议通知期", "會議通知期", "notice period"),
        description="The meeting was announced at least ``days`` days before it is held.",
        params=(Param("days", "int"),),
        actions=(ActionKind.MEETING,),
        check=_days_rule("notice-period", "notice_days",
                         T("会议通知", "會議通知", "meeting notice")),
    )
)

register(
    RuleType(
        name="advance-circulation",
        label=T("方案提前送达", "方案提前送達", "plan circulated in advance"),
        description="The plan was circulated to the participants at least ``days`` days ahead.",
        params=(Param("days", "int"),),
        actions=(ActionKind.MEETING,),
        check=_days_rule("advance-circulation", "circulated_days",
                         T("方案送达", "方案送達", "plan circulated")),
    )
)


def check_deadline(params: Mapping[str, Any], facts: Facts) -> RuleCheck:
    """The step is completed within ``days`` of its reference point.

    ``count: working`` counts working days (China's public holidays and make-up working days,
    :mod:`deliberation.rules.calendars`); the engine gives ``days_elapsed`` in that count.
    """
    limit = int(params["days"])
    ok = facts.days_elapsed <= limit
    numbers: dict[str, Any] = {"count": facts.days_elapsed, "needed": limit}
    if params.get("count", "calendar") == "working":
        # only then, so the results of calendar-day deadlines stay as they were recorded
        numbers["days"] = "working"
        return RuleCheck(
            "deadline",
            ok,
            T(
                f"期限 {limit} 个工作日,已过 {facts.days_elapsed} 个工作日",
                f"期限 {limit} 個工作日,已過 {facts.days_elapsed} 個工作日",
                f"deadline {limit} working day(s), {facts.days_elapsed} elapsed",
            ),
            numbers,
        )
    return RuleCheck(
        "deadline",
        ok,
        T(
            f"期限 {limit} 天,已过 {facts.days_elapsed} 天",
            f"期限 {limit} 天,已過 {facts.days_elapsed} 天",
            f"deadline {limit} day(s), {facts.days_elapsed} elapsed",
        ),
        numbers,
    )


register(
    RuleType(
        name="deadline",
        label=T("办理期限", "辦理期限", "deadline"),
        description="The step must be completed within a number of days; checked when asked.",
        params=(
            Param("days", "int"),
            Param("from", "choice", required=False, default="stage-entered",
                  choices=("stage-entered", "case-opened")),
            Param("count", "choice", required=False, default="calendar",
                  choices=("calendar", "working"),
                  description="calendar days, or working days honouring China's public "
                  "holidays and make-up working days"),
        ),
        actions=tuple(ActionKind),
        check=check_deadline,
    )
)

# -- recusal -----------------------------------------------------------------------------------


def check_recusal(params: Mapping[str, Any], facts: Facts) -> RuleCheck:
    """Interested parties (利害关系人) do not vote on their own matter."""
    ok = facts.interested_voting == 0
    return RuleCheck(
        "recusal",
        ok,
        T(
            f"利害关系人参与表决 {facts.interested_voting} 人,应回避",
            f"利害關係人參與表決 {facts.interested_voting} 人,應迴避",
            f"{facts.interested_voting} interested part(y/ies) voted and should have recused",
        )
        if not ok
        else T("利害关系人已回避", "利害關係人已迴避", "interested parties recused"),
        {"count": facts.interested_voting, "needed": 0},
    )


register(
    RuleType(
        name="recusal",
        label=T("利害关系人回避", "利害關係人迴避", "recusal of interested parties"),
        description="Optional: interested parties may not vote on the matter.",
        params=(),
        actions=(ActionKind.MEETING,),
        check=check_recusal,
    )
)


# -- lunar schedule ------------------------------------------------------------------------------


def check_lunar_schedule(params: Mapping[str, Any], facts: Facts) -> RuleCheck:
    """The action took place on a scheduled lunar day (逢五说事; 腊月二十八 年终交账)."""
    from deliberation.rules.calendars import (
        LUNAR_MONTH_NAMES,
        LunarDay,
        LunarSchedule,
        lunar_day_name,
    )

    month = params.get("month")
    days: tuple[int, ...] = tuple(int(d) for d in params["days"])
    schedule = LunarSchedule(days, int(month) if month is not None else None)
    when = T(schedule.describe("zh-Hans"), schedule.describe("zh-Hant"), schedule.describe("en"))
    numbers: dict[str, Any] = {"days": list(schedule.days), "month": schedule.month}
    if facts.held_on is None:
        return RuleCheck("lunar-schedule", False,
                         T(f"日期不明,须在{when.zh_hans}", f"日期不明,須在{when.zh_hant}",
                           f"no date; must be on {when.en}"), numbers | {"date": None})
    lunar = LunarDay.of(facts.held_on)
    name = ("闰" if lunar.leap else "") + LUNAR_MONTH_NAMES[lunar.month - 1] \
        + lunar_day_name(lunar.day)
    ok = schedule.matches(facts.held_on)
    numbers |= {"date": facts.held_on.isoformat(), "lunar_month": lunar.month,
                "lunar_day": lunar.day, "leap": lunar.leap}
    day = facts.held_on.isoformat()
    if ok:
        return RuleCheck("lunar-schedule", True,
                         T(f"{day}(农历{name})是规定日期", f"{day}(農曆{name})是規定日期",
                           f"{day} (lunar {lunar.month}/{lunar.day}) is a scheduled day"),
                         numbers)
    return RuleCheck(
        "lunar-schedule",
        False,
        T(f"{day} 为农历{name},不是规定日期({when.zh_hans})",
          f"{day} 為農曆{name.replace('腊', '臘')},不是規定日期({when.zh_hant})",
          f"{day} is lunar {lunar.month}/{lunar.day}, not a scheduled day ({when.en})"),
        numbers,
    )


register(
    RuleType(
        name="lunar-schedule",
        label=T("农历固定日期", "農曆固定日期", "lunar schedule"),
        description="The step is held only on scheduled lunar days (e.g. 5th, 15th, 25th).",
        params=(
            Param("days", "ints", minimum=1, maximum=30,
                  description="lunar days of the month, 1–30, e.g. [5, 15, 25]"),
            Param("month", "int", required=False, default=None, minimum=1, maximum=12,
                  description="a lunar month 1–12 (12 = 腊月); every month when absent"),
        ),
        actions=(ActionKind.MEETING, ActionKind.MOTION, ActionKind.TASK),
        check=check_lunar_schedule,
    )
)

# -- satisfaction (ratings) ----------------------------------------------------------------------

SATISFACTION_BASES: Final = ("ratings", "raters")


def check_satisfaction(params: Mapping[str, Any], facts: Facts) -> RuleCheck:
    """Enough signed ratings are satisfied, against ratings cast or everyone who may rate.

    A rating counts only with the rater's signature; ``min_ratings`` is how many signed
    ratings are needed before the evaluation can be closed at all (the engine refuses earlier).
    """
    base = str(params["base"])
    # The comparison and exact arithmetic of a threshold; the base is the ratings' own.
    t = Threshold(Fraction(params["ratio"]), Comparison(params["compare"]), Base.VOTES_CAST)
    total = facts.ratings if base == "ratings" else facts.raters
    ok = t.holds(facts.satisfied, total) and facts.ratings >= int(params["min_ratings"])
    needed = t.needed(total)
    numbers = {"count": facts.satisfied, "total": total, "needed": needed,
               "ratio": format_fraction(t.ratio), "compare": t.compare.value, "base": base,
               "ratings": facts.ratings, "min_ratings": int(params["min_ratings"]),
               "unsigned": facts.ratings_unsigned}
    of = (T("已签字评价数", "已簽字評價數", "signed ratings") if base == "ratings"
          else T("评价人总数", "評價人總數", "everyone who may rate"))
    cmp = t.compare.label
    frac = format_fraction(t.ratio)
    word = T("满意", "滿意", "satisfied") if ok else T("未达满意", "未達滿意", "not satisfied")
    return RuleCheck(
        "satisfaction",
        ok,
        T(
            f"评价{word.zh_hans}:满意 {facts.satisfied}/{total},"
            f"须{of.zh_hans}的{frac}{cmp.zh_hans},即至少 {needed}",
            f"評價{word.zh_hant}:滿意 {facts.satisfied}/{total},"
            f"須{of.zh_hant}的{frac}{cmp.zh_hant},即至少 {needed}",
            f"evaluation {word.en}: {facts.satisfied} satisfied of {total}, "
            f"{cmp.en} {frac} of {of.en} needed, i.e. at least {needed}",
        ),
        numbers,
    )


register(
    RuleType(
        name="satisfaction",
        label=T("群众满意", "群眾滿意", "satisfaction"),
        description="Signed ratings: satisfied ones against ratings cast or all raters.",
        params=(
            *_THRESHOLD_PARAMS,
            Param("base", "choice", choices=SATISFACTION_BASES,
                  description="ratings: signed ratings cast; raters: everyone in the body"),
            Param("min_ratings", "int", required=False, default=1,
                  description="signed ratings needed before the evaluation may close"),
        ),
        actions=(ActionKind.EVALUATION,),
        check=check_satisfaction,
    )
)

# -- proposal support (一事一议) -------------------------------------------------------------------


def check_proposal_support(params: Mapping[str, Any], facts: Facts) -> RuleCheck:
    """The matter is proposed by the villagers' committee, or by enough villagers, or by enough
    representatives (一事一议: ≥ 1/10 of villagers or ≥ 1/5 of representatives).

    ``submitters`` are adult villagers who signed; ``adults`` all adult villagers;
    ``representatives`` all villager representatives; ``submitters_committee`` submitters
    proposing for the villagers' committee.
    """
    cmp = Comparison(params["compare"])
    tv = Threshold(Fraction(params["villagers_ratio"]), cmp, Base.ADULTS)
    tr = Threshold(Fraction(params["representatives_ratio"]), cmp, Base.MEMBERS)
    by_committee = bool(params["committee"]) and facts.submitters_committee > 0
    by_villagers = tv.holds(facts.submitters_signed, facts.adults)
    by_reps = tr.holds(facts.submitters_representatives, facts.representatives)
    ok = by_committee or by_villagers or by_reps
    numbers = {
        "count": facts.submitters_signed, "total": facts.adults,
        "needed": tv.needed(facts.adults), "ratio": format_fraction(tv.ratio),
        "compare": cmp.value, "base": "adults",
        "representatives": facts.submitters_representatives,
        "representatives_total": facts.representatives,
        "representatives_needed": tr.needed(facts.representatives),
        "representatives_ratio": format_fraction(tr.ratio),
        "committee": facts.submitters_committee,
    }
    fv, fr = numbers["ratio"], numbers["representatives_ratio"]
    c = cmp.label
    head = T("提议人数达到要求", "提議人數達到要求", "enough support") if ok else \
        T("提议人数不足", "提議人數不足", "not enough support")
    return RuleCheck(
        "proposal-support",
        ok,
        T(
            f"{head.zh_hans}:村民 {facts.submitters_signed}/{facts.adults}(须{fv}{c.zh_hans},"
            f"即 {numbers['needed']}),村民代表 {facts.submitters_representatives}/"
            f"{facts.representatives}(须{fr}{c.zh_hans},即 {numbers['representatives_needed']})"
            + (",或由村民委员会提议" if params["committee"] else ""),
            f"{head.zh_hant}:村民 {facts.submitters_signed}/{facts.adults}(須{fv}{c.zh_hant},"
            f"即 {numbers['needed']}),村民代表 {facts.submitters_representatives}/"
            f"{facts.representatives}(須{fr}{c.zh_hant},即 {numbers['representatives_needed']})"
            + (",或由村民委員會提議" if params["committee"] else ""),
            f"{head.en}: {facts.submitters_signed} of {facts.adults} villagers ({c.en} {fv}, "
            f"i.e. {numbers['needed']}), {facts.submitters_representatives} of "
            f"{facts.representatives} representatives ({c.en} {fr}, i.e. "
            f"{numbers['representatives_needed']})"
            + (", or a proposal by the villagers' committee" if params["committee"] else ""),
        ),
        numbers,
    )


register(
    RuleType(
        name="proposal-support",
        label=T("提议人数", "提議人數", "proposal support"),
        description="Proposed by the committee, or a share of villagers, or of representatives.",
        params=(
            Param("villagers_ratio", "fraction", required=False, default=Fraction(1, 10),
                  description="share of adult villagers who must sign the proposal"),
            Param("representatives_ratio", "fraction", required=False, default=Fraction(1, 5),
                  description="share of villager representatives who must sign instead"),
            Param("compare", "comparison", required=False, default=">=", choices=(">=", ">")),
            Param("committee", "bool", required=False, default=True,
                  description="a proposal by villagers' committee members suffices"),
        ),
        actions=(ActionKind.MOTION,),
        check=check_proposal_support,
    )
)


def _join(parts: list[Text]) -> Text:
    return Text(
        ";".join(p.zh_hans for p in parts),
        ";".join(p.zh_hant for p in parts),
        "; ".join(p.en for p in parts),
    )
