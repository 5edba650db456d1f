"""What stands between a case and its next step, and who may act now — for walkthroughs.

>>> from deliberation import load_procedure, Roster
>>> from deliberation.engine.case import Case
>>> case = Case.open(load_procedure("four-deliberations"), Roster.generate(), matter="x")
>>> [b.rule for b in case.blockers()]
['quorum', 'approval', 'signatures']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from deliberation.definition.model import ActionKind
from deliberation.i18n import DEFAULT_LANG, T, Text, check_lang
from deliberation.rules.days import days_between
from deliberation.rules.registry import Facts, threshold_of
from deliberation.rules.thresholds import Base

if TYPE_CHECKING:
    from deliberation.engine.case import Case
    from deliberation.engine.plan import BodyCounts, StagePlan


@attrs.frozen
class Blocker:
    """One thing missing before the case can move on, with the numbers behind it."""

    rule: str
    message: Text
    numbers: Mapping[str, Any] = attrs.field(factory=dict)
    basis: tuple[str, ...] = ()


@attrs.frozen
class ActionHint:
    """An action that may be taken now: the ``Case`` method, the body, and who may take it."""

    action: str
    body: str | None
    who: Text
    label: Text


_LABELS: dict[str, Text] = {
    "submit_motion": T("提交书面动议", "提交書面動議", "submit the written motion"),
    "give_notice": T("发出会议通知", "發出會議通知", "give notice of the meeting"),
    "reconvene": T("另行召集会议", "另行召集會議", "reconvene the meeting"),
    "circulate_plan": T("提前送达方案", "提前送達方案", "circulate the plan"),
    "hold_meeting": T("召开会议并表决", "召開會議並表決", "hold the meeting and vote"),
    "record_opinion": T("逐人征求意见并签字", "逐人徵求意見並簽字",
                        "collect signed opinions"),
    "close_consultation": T("结束民意征求", "結束民意徵求", "close the consultation"),
    "post_disclosure": T("张贴公开", "張貼公開", "post the disclosure"),
    "conclude_disclosure": T("公开期满后结束公开", "公開期滿後結束公開",
                             "conclude the disclosure when the period is over"),
    "raise_objection": T("提出监督异议", "提出監督異議", "raise an objection"),
    "answer_objection": T("答复异议", "答覆異議", "answer the objection"),
    "withdraw": T("撤回事项", "撤回事項", "withdraw the matter"),
    "record_task": T("报告任务办理情况(完成、拒绝或本级无法解决)",
                     "報告任務辦理情況(完成、拒絕或本級無法解決)",
                     "report on the task (done, declined or cannot be solved here)"),
    "record_rating": T("逐人签字评价", "逐人簽字評價", "collect signed ratings"),
    "close_evaluation": T("结束评价", "結束評價", "close the evaluation"),
}


def _base_total(base: Base, bc: BodyCounts) -> int:
    return {
        Base.MEMBERS: bc.members, Base.VOTERS: bc.voters, Base.EXPECTED: bc.voters,
        Base.HOUSEHOLDS: bc.households, Base.ADULTS: bc.adults,
    }.get(base, bc.voters)


def blockers(case: Case) -> tuple[Blocker, ...]:
    """What is missing now, rule by rule."""
    from deliberation.engine.case import consultation_facts, disclosure_facts, evaluation_facts

    if case.closed:
        return ()
    cur = case._cur
    out: list[Blocker] = []
    if cur.objections:
        sup = case.procedure.supervision
        within = sup.answer_within_days if sup is not None else 0
        raised = next((r.at for r in reversed(case.records) if r.kind == "objection"), None)
        waited = (days_between(raised, case.clock.now(), case.procedure.zone)
                  if raised is not None else 0)
        out.append(Blocker("objection", T(
            f"监督委员会异议 {cur.objections} 项待答复,事项暂停(已 {waited} 天,"
            f"应在 {within} 天内答复)",
            f"監督委員會異議 {cur.objections} 項待答覆,事項暫停(已 {waited} 天,"
            f"應在 {within} 天內答覆)",
            f"{cur.objections} objection(s) of the supervision committee await an answer; "
            f"the case is suspended ({waited} day(s) so far, answer within {within})"),
            {"count": cur.objections, "needed": 0, "days": waited, "within_days": within},
            sup.basis if sup is not None else ()))
    sp = case.plan.stage(cur.state)
    now = case.clock.now()
    if sp.kind is ActionKind.MOTION:
        for rule in sp.preconditions:
            c = rule.run(Facts())
            out.append(Blocker(rule.id, c.message, dict(c.numbers), rule.basis))
    elif sp.kind is ActionKind.CONSULTATION:
        facts = consultation_facts(case, sp, cur, [])
        for rule in sp.preconditions:
            c = rule.run(facts)
            if not c.ok:
                out.append(Blocker(rule.id, c.message, dict(c.numbers), rule.basis))
    elif sp.kind is ActionKind.DISCLOSURE:
        facts = disclosure_facts(case, cur, [], now)
        for rule in sp.preconditions:
            c = rule.run(facts)
            if not c.ok:
                out.append(Blocker(rule.id, c.message, dict(c.numbers), rule.basis))
    elif sp.kind is ActionKind.TASK:
        # what completing it today would be checked against (e.g. a lunar schedule)
        facts = Facts(held_on=now.date())
        for rule in sp.preconditions:
            c = rule.run(facts)
            if not c.ok:
                out.append(Blocker(rule.id, c.message, dict(c.numbers), rule.basis))
    elif sp.kind is ActionKind.EVALUATION:
        facts = evaluation_facts(case, sp, cur, [])
        for rule in (*sp.preconditions, *((sp.approval,) if sp.approval else ())):
            c = rule.run(facts)
            if not c.ok:
                out.append(Blocker(rule.id, c.message, dict(c.numbers), rule.basis))
    else:
        out.extend(_meeting_blockers(case, sp, now))
    return tuple(out)


def _meeting_blockers(case: Case, sp: StagePlan, now: Any) -> list[Blocker]:
    bc = case.plan.counts(case.roster, sp.body)
    name = sp.body.name
    out: list[Blocker] = []
    if sp.quorum is not None:
        t = threshold_of(sp.quorum.params)
        total = _base_total(t.base, bc)
        need = t.needed(total)
        out.append(Blocker("quorum", T(
            f"须召开{name.zh_hans}:法定人数须{t.describe('zh-Hans')},即 {total} 人中至少 {need} 人",
            f"須召開{name.zh_hant}:法定人數須{t.describe('zh-Hant')},即 {total} 人中至少 {need} 人",
            f"a meeting of the {name.en} is needed: quorum {t.describe('en')}, "
            f"i.e. at least {need} of {total}"),
            {"needed": need, "total": total, "base": t.base.value}, sp.quorum.basis))
    if sp.approval is not None:
        t = threshold_of(sp.approval.params)
        if t.base in (Base.PRESENT, Base.VOTES_CAST):
            out.append(Blocker("approval", T(
                f"表决须赞成票{t.describe('zh-Hans')}", f"表決須贊成票{t.describe('zh-Hant')}",
                f"the vote needs yes votes {t.describe('en')}"),
                {"base": t.base.value}, sp.approval.basis))
        else:
            total = _base_total(t.base, bc)
            need = t.needed(total)
            out.append(Blocker("approval", T(
                f"表决须赞成票{t.describe('zh-Hans')},即至少 {need} 票",
                f"表決須贊成票{t.describe('zh-Hant')},即至少 {need} 票",
                f"the vote needs yes votes {t.describe('en')}, i.e. at least {need}"),
                {"needed": need, "total": total, "base": t.base.value}, sp.approval.basis))
    from deliberation.engine.case import prior_notice

    for rule in sp.preconditions:
        if rule.rule in ("notice-period", "advance-circulation"):
            kind = "notice" if rule.rule == "notice-period" else "circulated"
            given = prior_notice(case, sp.id, kind)
            days = days_between(given, now, case.procedure.zone) if given is not None else None
            facts = Facts(notice_days=days) if kind == "notice" else Facts(circulated_days=days)
            c = rule.run(facts)
            if not c.ok:
                out.append(Blocker(rule.id, c.message, dict(c.numbers), rule.basis))
        elif rule.rule == "signatures":
            c = rule.run(Facts())
            if rule.params.get("of") == "township-witnesses" and not c.ok:
                out.append(Blocker(rule.id, c.message, dict(c.numbers), rule.basis))
            elif rule.params.get("of") == "participants":
                out.append(Blocker(rule.id, T("全体参会人员须在会议记录上签字",
                                              "全體參會人員須在會議記錄上簽字",
                                              "every participant must sign the minutes"),
                                   {}, rule.basis))
    return out


def available_actions(case: Case) -> tuple[ActionHint, ...]:
    """The actions that may be taken now and who may take them."""
    if case.closed:
        return ()
    proc = case.procedure
    sp = case.plan.stage(case.state)
    out: list[ActionHint] = []

    def add(action: str, body_id: str | None, who: Text) -> None:
        out.append(ActionHint(action, body_id, who, _LABELS[action]))

    committees = T("村两委成员", "村兩委成員", "members of the two village committees")
    if case.suspended:
        add("answer_objection", None, committees)
    else:
        body = sp.body
        if sp.kind is ActionKind.MOTION:
            add("submit_motion", body.id, body.name)
        elif sp.kind is ActionKind.MEETING:
            if any(r.rule == "notice-period" for r in sp.preconditions):
                add("give_notice", body.id, T("召集人", "召集人", "the convener"))
                last = next((r for r in reversed(case.records)
                             if r.kind == "meeting" and r.stage == sp.id), None)
                if last is not None and last.result.get("route") == "no_quorum":
                    add("reconvene", body.id, T("召集人", "召集人", "the convener"))
            if any(r.rule == "advance-circulation" for r in sp.preconditions):
                add("circulate_plan", body.id, T("召集人", "召集人", "the convener"))
            add("hold_meeting", body.id, body.name)
        elif sp.kind is ActionKind.CONSULTATION:
            add("record_opinion", body.id, body.name)
            add("close_consultation", body.id,
                T("村民委员会", "村民委員會", "the villagers' committee"))
        elif sp.kind is ActionKind.TASK:
            add("record_task", body.id, body.name)
        elif sp.kind is ActionKind.EVALUATION:
            add("record_rating", body.id, body.name)
            add("close_evaluation", body.id, body.name)
        else:
            add("post_disclosure", body.id, body.name)
            add("conclude_disclosure", body.id, body.name)
    if proc.supervision is not None:
        sup = proc.bodies[proc.supervision.body]
        add("raise_objection", sup.id, sup.name)
    events = case.plan.machine.events
    if "withdraw" in events and events["withdraw"].transitions.get(case.state):
        # (a procedure without withdrawal has no such event)
        add("withdraw", None, T("动议提出人或提议机构", "動議提出人或提議機構",
                                "the submitters or the proposing body"))
    return tuple(out)


_HEAD: dict[str, Text] = {
    "stage": T("当前步骤", "當前步驟", "Current stage"),
    "closed": T("事项已结束", "事項已結束", "The case is closed"),
    "missing": T("尚需", "尚需", "Still needed"),
    "who": T("现在可以", "現在可以", "Who may act now"),
    "none": T("(无)", "(無)", "(nothing)"),
    "level": T("办理层级", "辦理層級", "Level"),
}


def explain(case: Case, lang: str = DEFAULT_LANG) -> str:
    """A short account of where the case stands, in ``lang``."""
    check_lang(lang)
    proc = case.procedure
    head = f"{proc.name.get(lang)} · {case.id}"
    if case.closed:
        outcome = proc.outcomes[case.state]
        return f"{head}\n{_HEAD['closed'].get(lang)}: {outcome.name.get(lang)}"
    sp = case.plan.stage(case.state)
    lines = [head, f"{_HEAD['stage'].get(lang)}: {sp.stage.name.get(lang)} "
                   f"({sp.body.name.get(lang)})"]
    esc = proc.escalation
    if esc is not None:
        level = next(lv for lv in esc.levels if lv.id == case.level)
        lines.append(f"{_HEAD['level'].get(lang)}: {level.name.get(lang)} ({level.id})")
    lines.append(f"{_HEAD['missing'].get(lang)}:")
    bl = case.blockers()
    lines.extend(f"  - [{b.rule}] {b.message.get(lang)}" for b in bl)
    if not bl:
        lines.append(f"  {_HEAD['none'].get(lang)}")
    lines.append(f"{_HEAD['who'].get(lang)}:")
    for a in case.available_actions():
        lines.append(f"  - {a.label.get(lang)} — {a.who.get(lang)} ({a.action})")
    return "\n".join(lines)
