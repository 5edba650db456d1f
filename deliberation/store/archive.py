"""A case's complete archive: JSON for machines, a printable HTML document for people.

The JSON holds everything needed to re-check the case without the database: the header, the
roster, every record with its chain fields, the signed heads and the verification result
(:func:`verify_archive` re-checks it offline). The HTML shows every step with attendance
(应到/实到), votes, signatures, disclosures, objections and the verification result, in
zh-Hans, zh-Hant or en; all user text goes through :func:`html.escape`.

>>> from deliberation.engine.clock import ManualClock
>>> from deliberation.roster import Roster
>>> from deliberation.store import open_store
>>> from deliberation.store.cases import new_case
>>> store = open_store("sqlite:///:memory:")
>>> _ = new_case(store, "four-deliberations", Roster.generate(), matter="<修村道>", case_id="r1",
...              clock=ManualClock())
>>> data = archive_data(store, "r1")
>>> data["verification"]["ok"], verify_archive(data)
(True, [])
>>> "&lt;修村道&gt;" in archive_html(store, "r1", lang="zh-Hans")
True
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from html import escape
from typing import Any, Final

from deliberation.definition.model import Procedure
from deliberation.engine.records import canonical_json, fingerprint
from deliberation.i18n import T, Text, check_lang
from deliberation.store.core import (
    CaseInfo,
    Problem,
    Store,
    StoredRecord,
    case_genesis,
    check_chain,
    check_summary,
)
from deliberation.store.signing import HeadVerifier

ARCHIVE_FORMAT: Final = "deliberation-case-archive"
ARCHIVE_VERSION: Final = 1


def archive_data(store: Store, case_id: str, key: HeadVerifier | None = None) -> dict[str, Any]:
    """The case's complete archive as JSON-ready data (see the module docstring)."""
    info = store.info(case_id)
    stored = store.stored(case_id)
    roster = store.roster(case_id)
    verification = store.verify(case_id, key=key)
    return {
        "format": ARCHIVE_FORMAT,
        "format_version": ARCHIVE_VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "case": info.to_data(),
        "procedure": {"id": info.procedure_id, "version": info.procedure_version},
        "roster": {"fingerprint": info.roster_fingerprint, "villagers": roster.to_data()},
        "records": [s.to_data() for s in stored],
        "heads": [
            {"version": h.version, "head_hash": h.head_hash, "algorithm": h.algorithm,
             "key_id": h.key_id, "signature": h.signature, "signed_at": h.signed_at}
            for h in store.heads(case_id)
        ],
        "verification": verification.to_data(),
        "state": _state(store, case_id),
    }


def archive_json(store: Store, case_id: str, key: HeadVerifier | None = None) -> str:
    """:func:`archive_data` as indented UTF-8 JSON text."""
    return json.dumps(archive_data(store, case_id, key), ensure_ascii=False, indent=2) + "\n"


def verify_archive(data: Mapping[str, Any]) -> list[Problem]:
    """Re-check an exported archive's chain offline (no database): the same checks as
    :meth:`Store.verify` on the records, the roster and the head. A field of the wrong shape
    is a problem found (located at its record where it is in one), never an exception."""
    try:
        case = data["case"]
        info = CaseInfo(
            _text(case["case_id"]), _text(case["procedure_id"]),
            _text(case["procedure_version"]), _text(case["roster_fingerprint"]),
            _text(case.get("matter", "")), _text(case.get("created_at", "")),
            _whole(case["version"]), _text(case["head_hash"]),
            _whole(case.get("header_version", 1)),
            _text(case.get("village", "")), _text(case.get("state", "")),
            _text(case.get("updated_at", "")),
        )
        roster = data["roster"]["villagers"]
        records = data["records"]
        if not isinstance(records, list):
            raise TypeError("records is not a list")
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        return [Problem("unreadable", None, f"archive header: {type(err).__name__}: {err}")]
    problems: list[Problem] = []
    try:
        roster_ok = fingerprint(roster) == info.roster_fingerprint
    except (TypeError, ValueError):
        roster_ok = False
    if not roster_ok:
        problems.append(Problem("roster-mismatch", None))
    # The copies of header fields elsewhere in the archive must say the same as the header.
    procedure, roster_part = data.get("procedure"), data["roster"]
    copies = {
        "procedure.id": procedure.get("id") if isinstance(procedure, Mapping) else None,
        "procedure.version": (procedure.get("version") if isinstance(procedure, Mapping)
                              else None),
        "roster.fingerprint": (roster_part.get("fingerprint")
                               if isinstance(roster_part, Mapping) else None),
    }
    expected = {"procedure.id": info.procedure_id, "procedure.version": info.procedure_version,
                "roster.fingerprint": info.roster_fingerprint}
    for name, value in copies.items():
        if value != expected[name]:
            problems.append(Problem("archive-mismatch", None, name))
    genesis = case_genesis(info)
    rows: list[StoredRecord] = []
    for n, r in enumerate(records, start=1):
        try:
            action = r["action"]
            rows.append(StoredRecord(
                _whole(r["seq"]), _text(action["id"]), _whole(action["index"]),
                _whole(action["size"]), _text(r["record"].get("kind")),
                canonical_json(r["record"]), _text(r["prev_hash"]), _text(r["hash"])))
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            problems.append(Problem("unreadable", n, f"{type(err).__name__}: {err}"[:120]))
    problems.extend(check_chain(info.case_id, genesis, rows))
    if len(records) != info.version:
        problems.append(Problem("count-mismatch", len(records), str(info.version)))
    if (rows[-1].hash if rows else genesis) != info.head_hash:
        problems.append(Problem("head-mismatch", rows[-1].seq if rows else 0))
    if info.header_version >= 3:  # archives of cases from store schema v6 on carry the summary
        problems.extend(check_summary(info, rows[-1].record_json if rows else None,
                                      rows[-1].seq if rows else 0))
    return problems


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{value!r} is not a whole number")
    return value


def _state(store: Store, case_id: str) -> dict[str, Any]:
    """The case's state by replay, or why it does not replay."""
    from deliberation.errors import DeliberationError
    from deliberation.store.cases import load_case

    try:
        case = load_case(store, case_id)
    except DeliberationError as err:
        return {"replayed": False, "error": err.message.to_data()}
    return {"replayed": True, "state": case.state, "stage": case.stage, "outcome": case.outcome,
            "closed": case.closed, "suspended": case.suspended}


# -- HTML ---------------------------------------------------------------------------------------

L: Final[Mapping[str, Text]] = {
    "title": T("事项档案", "事項檔案", "Case archive"),
    "case": T("事项编号", "事項編號", "Case"),
    "matter": T("事项", "事項", "Matter"),
    "procedure": T("办理程序", "辦理程序", "Procedure"),
    "roster": T("名册指纹", "名冊指紋", "Roster fingerprint"),
    "state": T("当前状态", "當前狀態", "Current state"),
    "records": T("记录条数", "記錄條數", "Records"),
    "head": T("链头哈希", "鏈頭雜湊", "Chain head"),
    "verification": T("完整性核验", "完整性核驗", "Verification"),
    "intact": T(
        "哈希链完整,未发现改动", "雜湊鏈完整,未發現改動", "hash chain intact; no change found"
    ),
    "broken": T("发现问题", "發現問題", "problems found"),
    "signature": T("链头签名", "鏈頭簽名", "Head signature"),
    "steps": T("办理过程", "辦理過程", "Steps"),
    "seq": T("序号", "序號", "No."),
    "time": T("时间", "時間", "Time"),
    "stage": T("环节", "環節", "Stage"),
    "what": T("事项记录", "事項記錄", "Record"),
    "by": T("经办人", "經辦人", "Actor"),
    "details": T("内容", "內容", "Details"),
    "expected": T("应到", "應到", "Expected"),
    "present": T("实到", "實到", "Present"),
    "votes": T("表决", "表決", "Votes"),
    "yes": T("赞成", "贊成", "yes"),
    "no": T("反对", "反對", "no"),
    "abstain": T("弃权", "棄權", "abstain"),
    "signatures": T("签字", "簽字", "Signatures"),
    "checks": T("规则核对", "規則核對", "Rule checks"),
    "ok": T("符合", "符合", "met"),
    "failed": T("不符合", "不符合", "not met"),
    "result": T("结果", "結果", "Result"),
    "channel": T("公开渠道", "公開渠道", "Channel"),
    "hash": T("哈希", "雜湊", "Hash"),
    "exported": T("导出时间", "導出時間", "Exported"),
    "not-checked": T("未核验(未提供密钥)", "未核驗(未提供密鑰)", "not checked (no key given)"),
    "valid": T("有效", "有效", "valid"),
    "invalid": T("无效", "無效", "invalid"),
    "replay-failed": T("无法重演", "無法重演", "does not replay"),
    "signed-count": T("签字人数", "簽字人數", "signed"),
    "text": T("文字", "文字", "Text"),
    "reason": T("理由", "理由", "Reason"),
    "answer": T("答复", "答覆", "Answer"),
    "opinion": T("意见", "意見", "Opinion"),
    "villager": T("村民", "村民", "Villager"),
    "signed-opinions": T("已签字意见", "已簽字意見", "signed opinions"),
    "unsigned": T("未签字", "未簽字", "unsigned"),
    "proxies": T("委托代签", "委託代簽", "by proxy"),
}

KIND_LABELS: Final[Mapping[str, Text]] = {
    "opened": T("立项", "立項", "case opened"),
    "motion": T("书面动议", "書面動議", "written motion"),
    "notice": T("会议通知", "會議通知", "meeting notice"),
    "circulated": T("方案传阅", "方案傳閱", "plan circulated"),
    "meeting": T("会议表决", "會議表決", "meeting and vote"),
    "opinion": T("征求意见", "徵求意見", "opinion"),
    "consultation-closed": T("民议结束", "民議結束", "consultation closed"),
    "disclosure-posted": T("公开张贴", "公開張貼", "disclosure posted"),
    "disclosure-concluded": T("公开期满", "公開期滿", "disclosure concluded"),
    "objection": T("监督异议", "監督異議", "objection"),
    "answer": T("答复异议", "答覆異議", "objection answered"),
    "withdrawn": T("撤回", "撤回", "withdrawn"),
    "lapsed": T("逾期失效", "逾期失效", "lapsed"),
    "stage-skipped": T("环节合并", "環節合併", "stage merged away"),
    "note": T("备注", "備註", "note"),
}

_CSS: Final = """
body{font-family:"Noto Serif CJK SC","Songti SC",SimSun,serif;margin:2em;color:#111;line-height:1.5}
h1{font-size:1.6em;border-bottom:2px solid #111;padding-bottom:.2em}
h2{font-size:1.2em;margin-top:1.5em}
table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border:1px solid #444;padding:.3em .5em;vertical-align:top;text-align:left;font-size:.92em}
th{background:#eee}
.ok{color:#064} .bad{color:#a00;font-weight:bold}
.mono{font-family:monospace;font-size:.8em;word-break:break-all}
ul{margin:.2em 0;padding-left:1.2em}
table.steps td:nth-child(-n+5){white-space:nowrap}
@media print{body{margin:0}h2{page-break-after:avoid}tr{page-break-inside:avoid}
th{background:#ddd !important;-webkit-print-color-adjust:exact;print-color-adjust:exact}}
@page{size:A4;margin:18mm 15mm}
"""


def archive_html(
    store: Store, case_id: str, *, lang: str = "zh-Hans", key: HeadVerifier | None = None
) -> str:
    """The case's archive as one self-contained, printable HTML document in ``lang``."""
    lang = check_lang(lang)
    data = archive_data(store, case_id, key)
    return render_html(data, lang=lang)


def render_html(data: Mapping[str, Any], *, lang: str = "zh-Hans") -> str:
    """Render :func:`archive_data` output as HTML (all user text escaped)."""
    lang = check_lang(lang)
    procedure = _procedure(data["procedure"]["id"])
    case = data["case"]
    ver = data["verification"]

    def lbl(key: str) -> str:
        return escape(L[key].get(lang))

    def stage_name(stage: str | None) -> str:
        if not stage:
            return ""
        if procedure is not None:
            for s in procedure.stages:
                if s.id == stage:
                    return escape(s.name.get(lang))
            for oid, o in procedure.outcomes.items():
                if oid == stage:
                    return escape(o.name.get(lang))
        return escape(stage)

    state = data.get("state") or {}
    if state.get("replayed"):
        state_text = stage_name(state.get("outcome") or state.get("state"))
    else:
        err = state.get("error") or {}
        state_text = lbl("replay-failed") + (f": {escape(err.get(lang, ''))}" if err else "")
    proc_name = escape(procedure.name.get(lang)) if procedure is not None else ""
    if ver["ok"]:
        verdict = f'<span class="ok">✔ {lbl("intact")}</span>'
    else:
        items = "".join(f"<li>{escape(p['message'][lang])}</li>" for p in ver["problems"])
        verdict = f'<span class="bad">✘ {lbl("broken")}</span><ul>{items}</ul>'
    sig = lbl(ver["signature"]) if ver["signature"] in L else escape(ver["signature"])
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang)}"><head><meta charset="utf-8">',
        f"<title>{lbl('title')} {escape(case['case_id'])}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{lbl('title')}:{escape(case['matter'])}</h1>",
        "<table>",
        _row(lbl("case"), escape(case["case_id"])),
        _row(lbl("matter"), escape(case["matter"])),
        _row(lbl("procedure"), f"{proc_name} ({escape(case['procedure_id'])} "
             f"v{escape(case['procedure_version'])})"),
        _row(lbl("state"), state_text),
        _row(lbl("records"), str(len(data["records"]))),
        _row(lbl("roster"), f'<span class="mono">{escape(case["roster_fingerprint"])}</span>'),
        _row(lbl("head"), f'<span class="mono">{escape(ver["head_hash"])}</span>'),
        _row(lbl("verification"), verdict),
        _row(lbl("signature"), sig),
        _row(lbl("exported"), escape(data["exported_at"])),
        "</table>",
        f"<h2>{lbl('steps')}</h2>",
        '<table class="steps"><thead><tr>'
        + "".join(f"<th>{lbl(k)}</th>" for k in ("seq", "time", "stage", "what", "by", "details"))
        + "</tr></thead><tbody>",
    ]
    for row in data["records"]:
        rec = row["record"]
        kind = str(rec.get("kind"))
        label = KIND_LABELS.get(kind)
        out.append(
            "<tr>"
            f"<td>{int(row['seq'])}</td>"
            f"<td>{escape(_when(str(rec.get('at', ''))))}</td>"
            f"<td>{stage_name(rec.get('stage'))}</td>"
            f"<td>{escape(label.get(lang)) if label else escape(kind)}</td>"
            f"<td>{escape(str(rec.get('actor') or ''))}</td>"
            f"<td>{_details(rec, lang, lbl, stage_name)}"
            f'<div class="mono">{lbl("hash")} {escape(row["hash"][:16])}…</div></td>'
            "</tr>"
        )
    out.append("</tbody></table></body></html>")
    return "\n".join(out) + "\n"


def _when(iso: str) -> str:
    """``2026-03-02 09:00 UTC+08:00``: minutes, with the zone the clerk recorded."""
    try:
        at = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    zone = at.strftime("%z")
    zone = f" UTC{zone[:3]}:{zone[3:]}" if zone and zone != "+0000" else (" UTC" if zone else "")
    return at.strftime("%Y-%m-%d %H:%M") + zone


def _row(head: str, value: str) -> str:
    return f"<tr><th>{head}</th><td>{value}</td></tr>"


def _n(value: Any) -> str:
    """A count, or a list of ids shown with its length."""
    if isinstance(value, list | tuple):
        return f"{len(value)} ({escape(', '.join(str(v) for v in value))})" if value else "0"
    return escape(str(value))


def _details(rec: Mapping[str, Any], lang: str, lbl: Any, stage_name: Any) -> str:
    data: Mapping[str, Any] = rec.get("data") or {}
    result: Mapping[str, Any] = rec.get("result") or {}
    parts: list[str] = []
    kind = rec.get("kind")
    if kind == "opened":
        parts.append(f"{lbl('matter')}: {escape(str(data.get('matter', '')))}")
    for key, name in (("text", "text"), ("reason", "reason"), ("answer", "answer"),
                      ("channel", "channel"), ("opinion", "opinion"), ("villager", "villager")):
        if data.get(key) not in (None, ""):
            parts.append(f"{lbl(name)}: {escape(str(data[key]))}")
    if data.get("content"):
        parts.append(escape(str(data["content"])))
    checks: Sequence[Mapping[str, Any]] = result.get("checks") or ()
    if kind == "meeting":
        expected = next((c["numbers"].get("total") for c in checks
                         if c.get("rule") == "quorum" and "total" in (c.get("numbers") or {})),
                        None)
        parts.append(f"{lbl('expected')} {escape(str(expected)) if expected is not None else '—'}"
                     f" / {lbl('present')} {_n(data.get('present', 0))}")
        parts.append(f"{lbl('votes')}: {lbl('yes')} {_n(data.get('yes', 0))}, "
                     f"{lbl('no')} {_n(data.get('no', 0))}, "
                     f"{lbl('abstain')} {_n(data.get('abstain', 0))}")
    if kind == "opinion" and "count" in data:
        parts.append(f"{lbl('signed-opinions')}: {_n(data['count'])}, "
                     f"{lbl('unsigned')}: {_n(data.get('unsigned', 0))}, "
                     f"{lbl('proxies')}: {_n(data.get('proxies', 0))}")
    if "signed" in data and kind != "opinion":
        parts.append(f"{lbl('signed-count')}: {_n(data['signed'])}")
    sigs: Sequence[Mapping[str, Any]] = rec.get("signatures") or ()
    if sigs:
        names = ", ".join(
            f"{s.get('signer')} ({s.get('role')}, {s.get('method')}"
            + (f", ← {s.get('on_behalf_of')}" if s.get("on_behalf_of") else "") + ")"
            for s in sigs
        )
        parts.append(f"{lbl('signatures')}: {escape(names)}")
    if checks:
        items = []
        for c in checks:
            nums = ", ".join(f"{k}={v}" for k, v in sorted((c.get("numbers") or {}).items()))
            mark = (f'<span class="ok">{lbl("ok")}</span>' if c.get("ok")
                    else f'<span class="bad">{lbl("failed")}</span>')
            items.append(f"<li>{escape(str(c.get('rule')))}: {mark} ({escape(nums)})</li>")
        parts.append(f"{lbl('checks')}:<ul>{''.join(items)}</ul>")
    if result.get("state"):
        route = f"{escape(str(result['route']))} → " if result.get("route") else ""
        parts.append(f"{lbl('result')}: {route}{stage_name(result['state'])}")
    return "<br>".join(parts)


def _procedure(procedure_id: str) -> Procedure | None:
    from deliberation.definition.loader import default_library
    from deliberation.errors import DeliberationError

    try:
        # By id only: a stored id that looks like a path is never opened as a file.
        return default_library().load(procedure_id)
    except DeliberationError:
        return None
