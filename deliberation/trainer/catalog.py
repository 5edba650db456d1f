"""Translated labels the trainer shows: record kinds, actions, routes, selectors, page strings.

Procedures carry their own translated names; these are the words *around* them, in the three
languages of :mod:`deliberation.i18n`. Unknown ids fall back to the id itself, so a locality's
new record kind still shows (in ASCII) rather than failing.

>>> record_label("attendance").get("en")
'attendance (expected / present)'
>>> ui("next").get("zh-Hant")
'下一步'
"""

from __future__ import annotations

from typing import Final

from deliberation.i18n import T, Text
from deliberation.rules.channels import channel_name

RECORD_LABELS: Final[dict[str, Text]] = {
    "matter": T("事项", "事項", "the matter"),
    "date": T("日期", "日期", "date"),
    "meeting-form": T("会议形式", "會議形式", "form of meeting"),
    "attendance": T("应到/实到人数", "應到/實到人數", "attendance (expected / present)"),
    "votes": T(
        "表决结果(赞成/反对/弃权)", "表決結果(贊成/反對/棄權)", "votes (yes / no / abstain)"
    ),
    "content": T("决定内容", "決定內容", "what was decided"),
    "participant-signatures": T("参会人员签名", "參會人員簽名", "signatures of every participant"),
    "township-witness-signatures": T(
        "乡镇列席人员签名", "鄉鎮列席人員簽名", "signatures of the township officials present"
    ),
    "motion-text": T("动议书面内容", "動議書面內容", "the written motion"),
    "submitter-signatures": T("提出人签名", "提出人簽名", "submitters' signatures"),
    "opinions": T("村民意见", "村民意見", "villagers' opinions"),
    "opinion-signatures": T("意见签字留痕", "意見簽字留痕", "a signature on every opinion"),
    "channel": T("公开渠道", "公開渠道", "where it was published"),
    "period": T("公开期间", "公開期間", "publication period"),
    "supervision-opinion": T(
        "村务监督委员会意见", "村務監督委員會意見", "supervision committee's opinion"
    ),
    "handler": T("承办人", "承辦人", "who handles it"),
    "task-result": T("办理结果", "辦理結果", "result of the task"),
    "ratings": T("群众评价", "群眾評價", "ratings"),
    "rating-signatures": T("评价人签字", "評價人簽字", "raters' signatures"),
    "level": T("办理层级", "辦理層級", "level handling it"),
}

# What a case record says happened (deliberation.records.RECORD_KINDS).
ENTRY_LABELS: Final[dict[str, Text]] = {
    "opened": T("立项", "立項", "case opened"),
    "motion": T("书面动议", "書面動議", "written motion"),
    "notice": T("会议通知", "會議通知", "meeting notice"),
    "circulated": T("方案送达", "方案送達", "plan circulated"),
    "meeting": T("会议记录", "會議記錄", "meeting minutes"),
    "opinion": T("村民意见", "村民意見", "opinions"),
    "consultation-closed": T("民意征求结束", "民意徵求結束", "consultation closed"),
    "disclosure-posted": T("张贴公开", "張貼公開", "disclosure posted"),
    "disclosure-concluded": T("公开期满", "公開期滿", "disclosure concluded"),
    "objection": T("监督异议", "監督異議", "objection"),
    "answer": T("异议答复", "異議答覆", "answer to the objection"),
    "withdrawn": T("撤回", "撤回", "withdrawn"),
    "lapsed": T("逾期失效", "逾期失效", "lapsed"),
    "stage-skipped": T("步骤合并省略", "步驟合併省略", "step merged away"),
    "note": T("备注", "備註", "note"),
    "task": T("任务办理", "任務辦理", "task"),
    "rating": T("评价", "評價", "rating"),
    "evaluation-closed": T("评价结束", "評價結束", "evaluation closed"),
}

ACTION_LABELS: Final[dict[str, Text]] = {
    "motion": T("书面动议", "書面動議", "written motion"),
    "meeting": T("会议表决", "會議表決", "meeting and vote"),
    "consultation": T("征求意见", "徵求意見", "consultation"),
    "disclosure": T("公开", "公開", "publication"),
    "task": T("办理任务", "辦理任務", "task"),
    "evaluation": T("签字评价", "簽字評價", "signed ratings"),
}

ROUTE_LABELS: Final[dict[str, Text]] = {
    "pass": T("通过", "通過", "passed"),
    "no_quorum": T("未达法定人数", "未達法定人數", "no quorum"),
    "rejected": T("未通过", "未通過", "rejected"),
    "max_rounds": T("达到最多轮次", "達到最多輪次", "rounds exhausted"),
    "deadline": T("逾期", "逾期", "deadline passed"),
    "objection": T("有异议", "有異議", "objection"),
    "declined": T("拒绝接办", "拒絕接辦", "declined"),
    "unresolved": T("本级无法解决", "本級無法解決", "cannot be solved here"),
    "short": T("公开时间不足,重新公开", "公開時間不足,重新公開", "posted too briefly: post again"),
}

ESCALATE_LABEL: Final = T("上提一级", "上提一級", "one level up")
TOP_LEVEL_LABEL: Final = T("最高一级仍未解决", "最高一級仍未解決", "unsolved at the top level")

RECONVENE_LABEL: Final = T("重新召开", "重新召開", "reconvene")

SELECTOR_LABELS: Final[dict[str, Text]] = {
    "villager": T("村民", "村民", "villagers"),
    "adult": T("十八周岁以上村民", "十八周歲以上村民", "villagers aged 18+"),
    "resident": T("在村村民", "在村村民", "resident villagers"),
    "party-member": T("党员", "黨員", "Party members"),
    "full-party-member": T("正式党员", "正式黨員", "full Party members"),
    "probationary-party-member": T("预备党员", "預備黨員", "probationary Party members"),
    "representative": T("村民代表", "村民代表", "villagers' representatives"),
    "party-committee": T("村党组织委员", "村黨組織委員", "Party committee members"),
    "villagers-committee": T("村委会委员", "村委會委員", "villagers' committee members"),
    "supervision-committee": T(
        "村务监督委员会委员", "村務監督委員會委員", "supervision committee members"
    ),
    "township-official": T("乡镇干部", "鄉鎮幹部", "township officials"),
}

TAG_LABELS: Final[dict[str, Text]] = {
    "law": T("法律法规", "法律法規", "law"),
    "seed": T("原始报道", "原始報道", "source article"),
    "local": T("地方做法", "地方做法", "local practice"),
    "open": T("解释选择", "解釋選擇", "interpretation"),
}

# Strings of the HTML page and the terminal walkthrough.
UI: Final[dict[str, Text]] = {
    "procedure": T("议事流程", "議事流程", "Procedure"),
    "diagram": T("流程图", "流程圖", "Diagram"),
    "steps": T("逐步讲解", "逐步講解", "Step by step"),
    "step": T("第 {n} 步 / 共 {total} 步", "第 {n} 步 / 共 {total} 步", "Step {n} of {total}"),
    "next": T("下一步", "下一步", "Next"),
    "back": T("上一步", "上一步", "Back"),
    "actor": T("谁来做", "誰來做", "Who acts"),
    "action": T("做什么", "做什麼", "What happens"),
    "rules": T("规则", "規則", "Rules"),
    "records": T("须记录", "須記錄", "What must be recorded"),
    "basis": T("依据", "依據", "Legal basis"),
    "routes": T("去向", "去向", "Where it goes next"),
    "try": T("试一试", "試一試", "Try it"),
    "try-help": T(
        "输入人数,即时显示规则结果(与程序库同样的整数运算)。",
        "輸入人數,即時顯示規則結果(與程式庫同樣的整數運算)。",
        "Enter the numbers; the rule outcome is shown at once, computed as the library does.",
    ),
    "try-none": T("本步骤没有可试算的人数规则。", "本步驟沒有可試算的人數規則。",
                  "This step has no numeric rule to try."),
    "holds": T("满足", "滿足", "holds"),
    "fails": T("不满足", "不滿足", "fails"),
    "needed": T("至少需要", "至少需要", "needed"),
    "outcome": T("结果", "結果", "Outcome"),
    "outcomes": T("结局", "結局", "Outcomes"),
    "print": T("打印讲义", "列印講義", "Print handout"),
    "language": T("语言", "語言", "Language"),
    "setting": T("可设置:{id}", "可設定:{id}", "setting: {id}"),
    "open-setting": T("(法律未定,本处为默认解释)", "(法律未定,本處為預設解釋)",
                      "(left open by the law; this is the default reading)"),
    "skip-when": T("设置“{id}”为是时,本步骤合并省略", "設定「{id}」為是時,本步驟合併省略",
                   "merged away when the setting '{id}' is true"),
    "max-rounds": T("最多 {n} 轮", "最多 {n} 輪", "at most {n} rounds"),
    "sample": T("示例村:{summary}", "示例村:{summary}", "Sample village: {summary}"),
    "generated": T("由 deliberation 生成,可离线使用", "由 deliberation 產生,可離線使用",
                   "Made by deliberation; works offline"),
    "start": T("开始", "開始", "start"),
    "members": T("组成人员", "組成人員", "members"),
    "voters": T("有表决权", "有表決權", "voters"),
    "expected": T("应到", "應到", "expected"),
    "present": T("实到", "實到", "present"),
    "present_members": T("到会组成人员", "到會組成人員", "members present"),
    "households": T("户数", "戶數", "households"),
    "present_households": T("到会户代表", "到會戶代表", "households represented"),
    "adults": T("成年村民", "成年村民", "adults"),
    "present_adults": T("到会成年村民", "到會成年村民", "adults present"),
    "yes": T("赞成", "贊成", "yes"),
    "no": T("反对", "反對", "no"),
    "abstain": T("弃权", "棄權", "abstain"),
    "population": T("须征求人数", "須徵求人數", "to be consulted"),
    "consulted": T("已签字意见", "已簽字意見", "signed opinions"),
    "rule-no": T("规则 {no}", "規則 {no}", "Rule {no}"),
}


def _lookup(table: dict[str, Text], key: str) -> Text:
    found = table.get(key)
    return found if found is not None else Text(key, key, key)


def record_label(kind: str) -> Text:
    """The label of a record kind; the id itself when the kind is new."""
    return _lookup(RECORD_LABELS, kind)


def entry_label(kind: str) -> Text:
    """The label of a case record's kind (``meeting`` → 会议记录)."""
    return _lookup(ENTRY_LABELS, kind)


def action_label(kind: str) -> Text:
    return _lookup(ACTION_LABELS, kind)


def route_label(key: str) -> Text:
    return _lookup(ROUTE_LABELS, key)


def selector_label(selector: str) -> Text:
    return _lookup(SELECTOR_LABELS, selector)


def channel_label(channel: str) -> Text:
    """A disclosure channel's name (the rules' vocabulary)."""
    return channel_name(channel)


def ui(key: str) -> Text:
    """A page or walkthrough string (raises ``KeyError`` for a typo: they are all ours)."""
    return UI[key]
