"""``deliberation show ID|FILE [--lang zh-Hans|zh-Hant|en]``: a procedure, step by step.

For each step: who acts, what completes it, every rule with its numbers (settings resolved and
marked ``[open]`` where the law leaves the choice open), where each outcome leads, the records
kept and the sources; then the settings with their defaults and descriptions.

    $ deliberation show six-deliberations-guzhuang --lang en
    $ deliberation show four-deliberations --format yaml     # the flat definition, as YAML
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Final

from deliberation.commands import summary
from deliberation.commands._library import add_path_option, library_from, load_ref
from deliberation.definition.checks import route_keys
from deliberation.definition.model import (
    ESCALATE,
    RECONVENE,
    ActionKind,
    FrozenMap,
    ParamValue,
    Procedure,
    RuleSpec,
    Setting,
    SettingRef,
    Stage,
)
from deliberation.i18n import DEFAULT_LANG, LANGS, T, Text
from deliberation.rules.registry import RULES
from deliberation.rules.thresholds import Base, Comparison, Threshold, format_fraction


def register(subparsers: Any) -> None:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "show",
        help=summary("show"),
        description="Show a procedure (an id on the search path, or a .yaml file) step by step.",
    )
    p.add_argument("procedure", metavar="ID|FILE")
    p.add_argument("--lang", choices=LANGS, default=DEFAULT_LANG)
    p.add_argument(
        "--format",
        choices=("text", "yaml"),
        default="text",
        help="yaml: the flat definition (extends resolved), as the loader reads it",
    )
    add_path_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    procedure = load_ref(args.procedure, library_from(args))
    if args.format == "yaml":
        from deliberation.definition.dump import to_yaml

        print(to_yaml(procedure), end="")
        return 0
    print(printable(render(procedure, args.lang)))
    return 0


# Control characters other than newline and tab (ESC starts terminal escape sequences): text
# from a procedure file must not move the cursor, recolour or retitle the user's terminal.
_CONTROLS: Final = {c: f"\\x{c:02x}" for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F,
                                                 *range(0x80, 0xA0))}


def printable(text: str) -> str:
    r"""``text`` with control characters shown as ``\xNN`` instead of sent to the terminal.

    >>> printable("修村道\x1b[2J")
    '修村道\\x1b[2J'
    """
    return text.translate(_CONTROLS)


# -- labels -------------------------------------------------------------------------------------

L: Final = {
    "steps": T("步骤", "步驟", "Steps"),
    "settings": T("可设置项(默认值)", "可設置項(預設值)", "Settings (defaults)"),
    "outcomes": T("结果", "結果", "Outcomes"),
    "sources": T("依据", "依據", "Sources"),
    "body": T("主体", "主體", "acting body"),
    "action": T("行为", "行為", "action"),
    "rules": T("规则", "規則", "rules"),
    "records": T("须留存记录", "須留存記錄", "records required"),
    "routes": T("去向", "去向", "routes"),
    "basis": T("依据", "依據", "basis"),
    "open": T("[待定]", "[待定]", "[open]"),
    "setting": T("设置", "設置", "setting"),
    "no-rules": T("(无)", "(無)", "(none)"),
    "skip": T(
        "当设置 {s} 为真时跳过(默认:{d})",
        "當設置 {s} 為真時跳過(預設:{d})",
        "skipped when setting {s} is true (default: {d})",
    ),
    "max-rounds": T("最多 {n} 轮", "最多 {n} 輪", "at most {n} round(s)"),
    "per-setting": T(
        "由设置 {s} 决定,默认:{d};可选:{c}",
        "由設置 {s} 決定,預設:{d};可選:{c}",
        "per setting {s}, default: {d}; choices: {c}",
    ),
    "version": T("版本", "版本", "version"),
    "locality": T("地方", "地方", "locality"),
    "extends": T("扩展自", "擴展自", "extends"),
    "supervision": T("监督", "監督", "supervision"),
    "supervision-text": T(
        "{b} 可提出异议,事项暂停,须在 {d} 天内答复",
        "{b} 可提出異議,事項暫停,須在 {d} 天內答覆",
        "{b} may object, suspending the case until answered within {d} day(s)",
    ),
    "withdrawal": T("撤回", "撤回", "withdrawal"),
    "escalation": T("逐级上提", "逐級上提", "escalation"),
    "escalation-text": T(
        "上提一级后回到“{to}”;最高一级仍未解决:{top}",
        "上提一級後回到「{to}」;最高一級仍未解決:{top}",
        "one level up the case returns to '{to}'; unresolved at the top level: {top}",
    ),
    "withdrawal-text": T(
        "{by} 可在“{u}”完成前撤回,结果:{o}",
        "{by} 可在「{u}」完成前撤回,結果:{o}",
        "{by} may withdraw before '{u}' completes; outcome: {o}",
    ),
    "yes": T("是", "是", "yes"),
    "no": T("否", "否", "no"),
    "or": T("或", "或", "or"),
    "if-setting": T(
        "设置 {s} = {v} 时的规则:", "設置 {s} = {v} 時的規則:", "rules when setting {s} = {v}:"
    ),
}

ACTIONS: Final = {
    ActionKind.MOTION: T("书面动议", "書面動議", "written motion"),
    ActionKind.MEETING: T("会议表决", "會議表決", "meeting and vote"),
    ActionKind.CONSULTATION: T(
        "征求意见并签字", "徵求意見並簽字", "consultation with signed opinions"
    ),
    ActionKind.DISCLOSURE: T("公开", "公開", "disclosure"),
    ActionKind.TASK: T("办理任务", "辦理任務", "task"),
    ActionKind.EVALUATION: T("签字评价", "簽字評價", "signed ratings"),
}

ROUTES: Final = {
    "pass": T("完成", "完成", "passed"),
    "no_quorum": T("未达法定人数", "未達法定人數", "no quorum"),
    "rejected": T("未通过", "未通過", "rejected"),
    "max_rounds": T("超过轮次", "超過輪次", "rounds used up"),
    "deadline": T("逾期", "逾期", "deadline passed"),
    "objection": T("有异议", "有異議", "objection"),
    "declined": T("被拒绝接办", "被拒絕接辦", "declined"),
    "unresolved": T("本级无法解决", "本級無法解決", "cannot be solved at this level"),
}
RECONVENE_LABEL: Final = T("重新进行本步骤", "重新進行本步驟", "this step again")
ESCALATE_LABEL: Final = T("上提一级", "上提一級", "one level up")

RECORDS: Final = {
    "matter": T("事项", "事項", "the matter"),
    "date": T("日期", "日期", "date"),
    "meeting-form": T("会议形式", "會議形式", "meeting form"),
    "attendance": T("应到/实到人数", "應到/實到人數", "expected and present counts"),
    "votes": T("表决票数", "表決票數", "votes"),
    "content": T("决定内容", "決定內容", "content decided"),
    "participant-signatures": T("参会人员签名", "參會人員簽名", "participants' signatures"),
    "township-witness-signatures": T(
        "乡镇列席人员签名", "鄉鎮列席人員簽名", "township witnesses' signatures"
    ),
    "motion-text": T("动议书面内容", "動議書面內容", "text of the motion"),
    "submitter-signatures": T("提出人签名", "提出人簽名", "submitters' signatures"),
    "opinions": T("村民意见", "村民意見", "villagers' opinions"),
    "opinion-signatures": T("意见签字", "意見簽字", "signatures on the opinions"),
    "channel": T("公开渠道", "公開渠道", "channel"),
    "period": T("公开期限", "公開期限", "period"),
    "supervision-opinion": T("监督委员会意见", "監督委員會意見", "supervision committee's opinion"),
    "handler": T("承办人", "承辦人", "handler"),
    "task-result": T("办理结果", "辦理結果", "result of the task"),
    "ratings": T("评价", "評價", "ratings"),
    "rating-signatures": T("评价人签字", "評價人簽字", "raters' signatures"),
    "level": T("办理层级", "辦理層級", "level"),
}

CHANNELS: Final = {
    "notice-board": T("村务公开栏", "村務公開欄", "notice board"),
    "broadcast": T("广播", "廣播", "broadcast"),
    "wechat-group": T("微信群", "微信群", "WeChat group"),
    "website": T("网站", "網站", "website"),
}


# -- rules in words ---------------------------------------------------------------------------


class _Params:
    """A rule's parameters with settings resolved, remembering which came from a setting."""

    def __init__(self, procedure: Procedure, spec: RuleSpec) -> None:
        self.procedure = procedure
        self.given = dict(spec.params)
        rtype = RULES.get(spec.rule)
        self.defaults = rtype.with_defaults({}) if rtype else {}
        self.used: list[Setting] = []

    def __getitem__(self, name: str) -> Any:
        raw = self.given.get(name, self.defaults.get(name))
        return self.resolve(raw)

    def resolve(self, raw: ParamValue | Any) -> Any:
        if isinstance(raw, SettingRef):
            setting = self.procedure.settings[raw.setting]
            if setting not in self.used:
                self.used.append(setting)
            return setting.default
        if isinstance(raw, FrozenMap):
            return {k: self.resolve(v) for k, v in raw.items}
        if isinstance(raw, tuple):
            return tuple(self.resolve(v) for v in raw)
        return raw


def _threshold(values: Mapping[str, Any]) -> Threshold:
    ratio = values["ratio"]
    return Threshold(
        ratio if isinstance(ratio, Fraction) else Fraction(ratio),
        Comparison(values["compare"]),
        Base(values["base"]),
    )


def _same(text: str) -> Text:
    return Text(text, text, text)


def _describe(p: _Params, rule: str) -> Text:
    if rule in ("quorum", "approval"):
        main = _threshold({k: p[k] for k in ("ratio", "compare", "base")})
        alts = [main] + ([_threshold(a) for a in p["any_of"] or ()] if rule == "quorum" else [])
        return Text(
            *(f" {L['or'].get(lang)} ".join(t.describe(lang) for t in alts) for lang in LANGS)
        )
    if rule == "written-motion":
        n = p["min_submitters"]
        parts = [
            T(
                f"至少 {n} 名村民书面提出",
                f"至少 {n} 名村民書面提出",
                f"raised in writing by at least {n} villager(s)",
            )
        ]
        if p["require_text"]:
            parts.append(T("须有书面内容", "須有書面內容", "with its text"))
        if p["require_signatures"]:
            parts.append(T("每位提出人签字", "每位提出人簽字", "signed by every submitter"))
        return _join(parts)
    if rule == "consultation-coverage":
        ratio = p["ratio"]
        ratio = ratio if isinstance(ratio, Fraction) else Fraction(ratio)
        pct = ratio * 100
        share = f"{pct.numerator}%" if pct.denominator == 1 else format_fraction(ratio)
        cmp = Comparison(p["compare"]).label
        household = p["unit"] == "household"
        unit = (
            T("户(每户一人签字)", "戶(每戶一人簽字)", "households (one signature each)")
            if household
            else T("成年村民", "成年村民", "adult villagers")
        )
        parts = [
            T(
                f"已征求意见须达{unit.zh_hans}的 {share}{cmp.zh_hans}",
                f"已徵求意見須達{unit.zh_hant}的 {share}{cmp.zh_hant}",
                f"opinions from {cmp.en} {share} of {unit.en}",
            )
        ]
        if p["signed_only"]:
            parts.append(T("仅签字的意见计入", "僅簽字的意見計入", "only signed opinions count"))
        parts.append(
            T("接受书面委托签字", "接受書面委託簽字", "written proxies accepted")
            if p["proxies"]
            else T("不接受委托签字", "不接受委託簽字", "no proxies")
        )
        return _join(parts)
    if rule == "signatures":
        of = p["of"]
        if of == "participants":
            return T("每位参会人员签字", "每位參會人員簽字", "every participant signs")
        if of == "township-witnesses":
            n = p["min"]
            return T(
                f"至少 {n} 名乡镇列席人员签字",
                f"至少 {n} 名鄉鎮列席人員簽字",
                f"at least {n} township official(s) attend and sign",
            )
        return T("每位提出人签字", "每位提出人簽字", "every submitter signs")
    if rule == "disclosure":
        chans = [CHANNELS.get(c, _same(c)) for c in p["channels"]]
        days, window = p["min_days"], p["objection_window_days"]
        return T(
            f"在{'、'.join(c.zh_hans for c in chans)}之一公开至少 {days} 天;"
            f"{window} 天内可提出异议",
            f"在{'、'.join(c.zh_hant for c in chans)}之一公開至少 {days} 天;"
            f"{window} 天內可提出異議",
            f"posted on one of {', '.join(c.en for c in chans)} for at least {days} day(s); "
            f"objections within {window} day(s)",
        )
    if rule == "notice-period":
        d = p["days"]
        return T(
            f"会前至少 {d} 天通知", f"會前至少 {d} 天通知", f"notice at least {d} day(s) ahead"
        )
    if rule == "advance-circulation":
        d = p["days"]
        return T(
            f"方案至少提前 {d} 天送达",
            f"方案至少提前 {d} 天送達",
            f"plan circulated at least {d} day(s) ahead",
        )
    if rule == "deadline":
        d, frm = p["days"], p["from"]
        if p["count"] == "working":
            return T(
                f"{d} 个工作日内完成(自{frm}起,节假日顺延、调休上班日计入)",
                f"{d} 個工作日內完成(自{frm}起,節假日順延、調休上班日計入)",
                f"completed within {d} working day(s) of {frm} (public holidays excluded, "
                "make-up working days counted)",
            )
        return T(
            f"{d} 天内完成(自{frm}起)",
            f"{d} 天內完成(自{frm}起)",
            f"completed within {d} day(s) of {frm}",
        )
    if rule == "lunar-schedule":
        from deliberation.rules.calendars import LunarSchedule

        month = p["month"]
        sched = LunarSchedule(tuple(p["days"]), int(month) if month is not None else None)
        return T(
            f"只在{sched.describe('zh-Hans')}举行",
            f"只在{sched.describe('zh-Hant')}舉行",
            f"held only on {sched.describe('en')}",
        )
    if rule == "satisfaction":
        frac = format_fraction(Fraction(p["ratio"]))
        cmp = Comparison(p["compare"]).label
        ratings = p["base"] == "ratings"
        of = (T("已签字评价", "已簽字評價", "signed ratings") if ratings
              else T("全部评价人", "全部評價人", "everyone who may rate"))
        n = p["min_ratings"]
        return T(
            f"满意须达{of.zh_hans}的 {frac}{cmp.zh_hans};至少 {n} 份签字评价;未签字不计",
            f"滿意須達{of.zh_hant}的 {frac}{cmp.zh_hant};至少 {n} 份簽字評價;未簽字不計",
            f"satisfied: {cmp.en} {frac} of {of.en}; at least {n} signed rating(s); "
            "unsigned ratings do not count",
        )
    if rule == "proposal-support":
        fv = format_fraction(Fraction(p["villagers_ratio"]))
        fr = format_fraction(Fraction(p["representatives_ratio"]))
        cmp = Comparison(p["compare"]).label
        by_c = p["committee"]
        return T(
            ("由村民委员会提议,或" if by_c else "")
            + f"十八周岁以上村民的 {fv}{cmp.zh_hans}联名,或村民代表的 {fr}{cmp.zh_hans}联名",
            ("由村民委員會提議,或" if by_c else "")
            + f"十八周歲以上村民的 {fv}{cmp.zh_hant}聯名,或村民代表的 {fr}{cmp.zh_hant}聯名",
            ("proposed by the villagers' committee, or " if by_c else "")
            + f"signed by {cmp.en} {fv} of villagers aged 18 and over, or by {cmp.en} {fr} "
            "of villager representatives",
        )
    if rule == "recusal":
        return T("利害关系人回避表决", "利害關係人迴避表決", "interested parties do not vote")
    shown = ", ".join(f"{k}={_plain(p[k])}" for k in p.given)
    return _same(shown)


def _join(parts: list[Text]) -> Text:
    return Text(
        ",".join(p.zh_hans for p in parts),
        ",".join(p.zh_hant for p in parts),
        ", ".join(p.en for p in parts),
    )


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Fraction):
        return format_fraction(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    return str(value)


def describe_rule(procedure: Procedure, spec: RuleSpec, lang: str) -> str:
    """One line: ``label: what it requires (settings: id = value [open]) [basis: …]``.

    >>> from deliberation import load_procedure
    >>> p = load_procedure("four-deliberations")
    >>> describe_rule(p, p.bodies["representatives-meeting"].rules[0], "en")
    'quorum: at least 2/3 of members [basis: organic-law-2018-art26, civil-code-1259]'
    """
    params = _Params(procedure, spec)
    rtype = RULES.get(spec.rule)
    label = rtype.label.get(lang) if rtype else spec.rule
    if spec.id != spec.rule:
        label = f"{label} ({spec.id})"
    line = f"{label}: {_describe(params, spec.rule).get(lang)}"
    if params.used:
        marks = ", ".join(
            f"{s.id} = {_plain(s.default)}" + (f" {L['open'].get(lang)}" if s.open else "")
            for s in params.used
        )
        line += f" ({L['setting'].get(lang)}: {marks})"
    if spec.note is not None:
        line += f" — {spec.note.get(lang)}"
    if spec.basis:
        line += f" [{L['basis'].get(lang)}: {', '.join(spec.basis)}]"
    return line


# -- the whole procedure ----------------------------------------------------------------------


def _where(procedure: Procedure, stage: Stage, target: str, lang: str) -> str:
    if target == RECONVENE:
        return RECONVENE_LABEL.get(lang)
    if target == ESCALATE and procedure.escalation is not None:
        esc = procedure.escalation
        return (f"{ESCALATE_LABEL.get(lang)}: {_where(procedure, stage, esc.to, lang)} "
                f"[{esc.levels[-1].name.get(lang)}: {_where(procedure, stage, esc.top, lang)}]")
    if target in procedure.outcomes:
        return f"{procedure.outcomes[target].name.get(lang)} ({target})"
    try:
        return f"{procedure.stage(target).name.get(lang)} ({target})"
    except KeyError:
        return target


def _body_line(procedure: Procedure, stage: Stage, lang: str) -> str:
    if isinstance(stage.body, SettingRef):
        s = procedure.settings[stage.body.setting]
        names = [
            f"{procedure.bodies[c].name.get(lang)} ({c})"
            for c in s.choices
            if c in procedure.bodies
        ]
        return (
            L["per-setting"]
            .format(
                s=s.id + (f" {L['open'].get(lang)}" if s.open else ""),
                d=s.default,
                c="; ".join(names),
            )
            .get(lang)
        )
    body = procedure.bodies[stage.body]
    return f"{body.name.get(lang)} ({body.id})"


def render(procedure: Procedure, lang: str = DEFAULT_LANG) -> str:
    """The procedure as text, in ``lang``.

    >>> from deliberation import load_procedure
    >>> text = render(load_procedure("six-deliberations-guzhuang"), "en")
    >>> "consultation coverage: opinions from at least 100% of adult villagers" in text
    True
    """
    p = procedure
    out: list[str] = [f"{p.name.get(lang)}  [{p.id}]"]
    meta = [f"{L['version'].get(lang)} {p.version}", f"{L['locality'].get(lang)}: {p.locality}"]
    if p.extends:
        meta.append(f"{L['extends'].get(lang)}: {p.extends}")
    out.append("; ".join(meta))
    if p.description is not None:
        out.append(p.description.get(lang).strip())
    out += ["", f"{L['steps'].get(lang)}:"]
    used_basis: list[str] = []
    for i, stage in enumerate(p.stages, 1):
        out.append(
            f"{i}. {stage.name.get(lang)} ({stage.id}) — "
            f"{L['action'].get(lang)}: {ACTIONS[stage.action].get(lang)}"
        )
        if stage.description is not None:
            out.append(f"   {stage.description.get(lang).strip()}")
        out.append(f"   {L['body'].get(lang)}: {_body_line(p, stage, lang)}")
        if stage.skip_when is not None:
            s = p.settings[stage.skip_when]
            out.append("   " + L["skip"].format(s=stage.skip_when, d=_plain(s.default)).get(lang))
        rules = p.rules_of(stage)
        out.append(f"   {L['rules'].get(lang)}:" + ("" if rules else f" {L['no-rules'].get(lang)}"))
        for spec in rules:
            out.append(f"     - {describe_rule(p, spec, lang)}")
            used_basis += spec.basis
        if isinstance(stage.body, SettingRef):
            # The other bodies the setting allows bring their own quorum and approval.
            setting = p.settings[stage.body.setting]
            for choice in setting.choices:
                if choice == setting.default or choice not in p.bodies:
                    continue
                out.append("   " + L["if-setting"].format(s=setting.id, v=choice).get(lang))
                for spec in p.rules_of(stage, {setting.id: choice}):
                    out.append(f"     - {describe_rule(p, spec, lang)}")
                    used_basis += spec.basis
        routes = []
        for key in route_keys(p, stage):
            try:
                target = p.target(stage, key)
            except LookupError:
                continue
            routes.append(f"{ROUTES[key].get(lang)} → {_where(p, stage, target, lang)}")
        if stage.max_rounds is not None:
            routes.append(L["max-rounds"].format(n=stage.max_rounds).get(lang))
        out.append(f"   {L['routes'].get(lang)}: " + "; ".join(routes))
        if stage.records:
            recs = [RECORDS.get(r, _same(r)).get(lang) for r in stage.records]
            out.append(f"   {L['records'].get(lang)}: " + ", ".join(recs))
        for b in stage.basis:
            used_basis.append(b)
            if b in p.basis:
                out.append(f"   {L['basis'].get(lang)}: {p.basis[b].title.get(lang)}")
    if p.supervision is not None or p.withdrawal is not None or p.escalation is not None:
        out.append("")
    if p.escalation is not None:
        esc = p.escalation
        ladder = " → ".join(f"{lv.name.get(lang)} ({lv.id})" for lv in esc.levels)
        out.append(
            f"{L['escalation'].get(lang)}: {ladder}; "
            + L["escalation-text"].format(
                to=_where(p, p.stages[0], esc.to, lang),
                top=_where(p, p.stages[0], esc.top, lang),
            ).get(lang)
        )
    if p.supervision is not None:
        body = p.bodies.get(p.supervision.body)
        name = body.name.get(lang) if body else p.supervision.body
        out.append(
            f"{L['supervision'].get(lang)}: "
            + L["supervision-text"].format(b=name, d=p.supervision.answer_within_days).get(lang)
        )
    if p.withdrawal is not None:
        w = p.withdrawal
        until = _where(p, p.stages[0], w.until, lang) if w.until else "-"
        out.append(
            f"{L['withdrawal'].get(lang)}: "
            + L["withdrawal-text"]
            .format(by=", ".join(w.by), u=until, o=_where(p, p.stages[0], w.outcome, lang))
            .get(lang)
        )
    out += ["", f"{L['outcomes'].get(lang)}:"]
    for o in p.outcomes.values():
        out.append(f"  {o.id} ({o.kind.value}): {o.name.get(lang)}")
    if p.settings:
        out += ["", f"{L['settings'].get(lang)}:"]
        for s in p.settings.values():
            kind = s.type.value + (f": {' | '.join(s.choices)}" if s.choices else "")
            mark = f" {L['open'].get(lang)}" if s.open else ""
            out.append(f"  {s.id} = {_plain(s.default)}  ({kind}){mark}")
            out.append(f"      {s.description.get(lang)}")
            used_basis += s.basis
    cited = [b for b in dict.fromkeys(used_basis + list(p.basis)) if b in p.basis]
    if cited:
        out += ["", f"{L['sources'].get(lang)}:"]
        for b in cited:
            src = p.basis[b]
            out.append(f"  {b} [{src.tag}]: {src.title.get(lang)}")
    return "\n".join(out)
