"""Errors as ``application/problem+json`` (RFC 9457), in the request's language and all three.

Every error the service answers with is a :class:`ServiceProblem`: a status, a stable ``code``
(the last part of ``type``), a title and a detail as :class:`~deliberation.i18n.Text`, and any
extension members (a refusal's violations, a malformed body's located errors). No traceback or
file path ever goes into one: unexpected errors become a bare 500 (see ``app``).

>>> p = ServiceProblem(409, "stale-version", detail=T("旧", "舊", "stale"), extra={"version": 3})
>>> data = p.to_data("en", "/v1/cases/c1/actions")
>>> data["type"], data["title"], data["detail"], data["version"]
('urn:deliberation:problem:stale-version', 'Stale version', 'stale', 3)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from deliberation.i18n import T, Text

MEDIA_TYPE: Final = "application/problem+json"
TYPE_PREFIX: Final = "urn:deliberation:problem:"

# code -> title; the code is the stable part clients match on.
TITLES: Final[Mapping[str, Text]] = {
    "bad-request": T("请求有误", "請求有誤", "Bad request"),
    "invalid-body": T("请求内容有误", "請求內容有誤", "Invalid request body"),
    "unauthorized": T("未提供有效凭证", "未提供有效憑證", "Not authenticated"),
    "forbidden": T("无权办理", "無權辦理", "Forbidden"),
    "not-found": T("未找到", "未找到", "Not found"),
    "method-not-allowed": T("不支持该请求方法", "不支援該請求方法", "Method not allowed"),
    "not-acceptable": T("无法提供所要求的格式", "無法提供所要求的格式", "Not acceptable"),
    "conflict": T("与现有数据冲突", "與現有資料衝突", "Conflict"),
    "stale-version": T("版本已过期", "版本已過期", "Stale version"),
    "precondition-required": T("缺少版本条件", "缺少版本條件", "Precondition required"),
    "too-large": T("请求内容过大", "請求內容過大", "Request body too large"),
    "unsupported-media-type": T("不支持的内容类型", "不支援的內容類型", "Unsupported media type"),
    "refused": T("办理被拒绝", "辦理被拒絕", "Action refused"),
    "invalid-action": T("操作不符合事项现状", "操作不符合事項現狀", "Action does not fit the case"),
    "idempotency-key-reused": T("幂等键已用于另一请求", "冪等鍵已用於另一請求",
                                "Idempotency key reused"),
    "in-progress": T("同一请求正在办理", "同一請求正在辦理", "Request in progress"),
    "unavailable": T("暂时无法办理", "暫時無法辦理", "Temporarily unavailable"),
    "internal": T("服务内部错误", "服務內部錯誤", "Internal server error"),
}


class ServiceProblem(Exception):
    """An error answered as problem+json. ``extra`` members are added to the payload as is."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: Text | None = None,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if code not in TITLES:
            raise ValueError(f"unknown problem code {code!r}")
        self.status = status
        self.code = code
        self.detail = detail or TITLES[code]
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})
        super().__init__(self.detail.en)

    def to_data(self, lang: str, instance: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": TYPE_PREFIX + self.code,
            "title": TITLES[self.code].get(lang),
            "status": self.status,
            "detail": self.detail.get(lang),
            "code": self.code,
            "messages": self.detail.to_data(),
        }
        if instance:
            out["instance"] = instance
        out.update(self.extra)
        return out


def not_found(what: Text) -> ServiceProblem:
    return ServiceProblem(404, "not-found", what)


def forbidden(why: Text) -> ServiceProblem:
    return ServiceProblem(403, "forbidden", why)
