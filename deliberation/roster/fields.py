"""The roster format as one table: every column (CSV) or key (YAML), its type, whether it is
required, its default, and how a value is read. The reader, the JSON Schema and the docs'
field table all come from :data:`FIELDS`; nothing else knows the column names.

A value arrives as text (a CSV cell, a YAML scalar as written) or as a :class:`Cell` (also a
YAML list, or a Python value); :func:`parse_text` and :func:`parse` turn it into the typed value
or a :class:`Bad` saying what is wrong.

>>> parse(FIELD["adult"], Cell(text="否"))
False
>>> parse_text(FIELD["party"], "ful").hint.en
"did you mean 'full'?"
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final, Literal

import attrs

from deliberation.diagnostics import closest
from deliberation.i18n import T, Text
from deliberation.roster.villager import COMMITTEES, PARTY_STATUSES, SEX_SPELLINGS, SEXES

FieldKind = Literal["text", "flag", "party", "committees", "sex"]

# Spellings of a yes/no cell, compared case-insensitively after trimming spaces.
TRUE_WORDS: Final = ("true", "yes", "y", "t", "1", "是")
FALSE_WORDS: Final = ("false", "no", "n", "f", "0", "否")
# What separates committees written in one cell (a YAML list needs none).
COMMITTEE_SEPARATORS: Final = (";", ",", "、")
_SPLIT: Final = re.compile("[" + re.escape("".join(COMMITTEE_SEPARATORS)) + "]")


@attrs.frozen
class Field:
    """One column of a CSV roster, one key of a villager in a YAML roster."""

    name: str
    kind: FieldKind
    required: bool
    default: str | bool | tuple[str, ...]
    label: Text

    @property
    def allowed(self) -> tuple[str, ...]:
        """The values this field takes, when it is a closed vocabulary (else empty)."""
        if self.kind == "party":
            return PARTY_STATUSES
        if self.kind == "committees":
            return COMMITTEES
        if self.kind == "flag":
            return TRUE_WORDS + FALSE_WORDS
        if self.kind == "sex":
            return tuple(SEX_SPELLINGS)
        return ()


FIELDS: Final[tuple[Field, ...]] = (
    Field("id", "text", True, "", T(
        "本人编号,在花名册中唯一", "本人編號,在花名冊中唯一",
        "the person's id, unique on the roster")),
    Field("household", "text", True, "", T(
        "所属户的编号;同户的人写同一编号", "所屬戶的編號;同戶的人寫同一編號",
        "the household's id; people of one household share it")),
    Field("name", "text", False, "", T("姓名", "姓名", "the person's name")),
    Field("adult", "flag", False, True, T(
        "是否年满十八周岁(有选举权)", "是否年滿十八週歲(有選舉權)",
        "aged 18 or over (has the vote)")),
    Field("party", "party", False, "none", T(
        "党员身份:none 非党员,full 正式党员,probationary 预备党员",
        "黨員身分:none 非黨員,full 正式黨員,probationary 預備黨員",
        "Party membership: none, full, or probationary")),
    Field("representative", "flag", False, False, T(
        "是否村民代表", "是否村民代表", "a villager representative")),
    Field("committees", "committees", False, (), T(
        "所任委员会(可多个)", "所任委員會(可多個)", "committees the person sits on (any number)")),
    Field("resident", "flag", False, True, T(
        "是否在村居住;false 表示外出", "是否在村居住;false 表示外出",
        "lives in the village; false means living away")),
    Field("township", "flag", False, False, T(
        "是否乡镇干部(列席见证,不是村民)", "是否鄉鎮幹部(列席見證,不是村民)",
        "a township official (attends as witness; not a villager)")),
    Field("sex", "sex", False, "", T(
        "性别:female(女)或 male(男);不填表示未登记。妇女代表的比例与到会要求据此计算",
        "性別:female(女)或 male(男);不填表示未登記。婦女代表的比例與到會要求據此計算",
        "sex: female or male; empty when not recorded. Women representatives' share and "
        "quorums among women are counted from it")),
)
FIELD: Final[Mapping[str, Field]] = {f.name: f for f in FIELDS}
REQUIRED: Final = tuple(f.name for f in FIELDS if f.required)


@attrs.frozen
class Cell:
    """One value as read, with where it stands.

    ``text`` is a scalar as written (``None``: absent or empty); ``items`` a list's elements;
    ``other`` names what it was when it is neither (a mapping, a nested list…).
    """

    text: str | None = None
    items: tuple[str, ...] | None = None
    other: str = ""
    line: int = 0
    column: int = 0
    path: str = ""


_NO_HINT: Final = T("", "", "")


@attrs.frozen
class Bad:
    """What is wrong with a value: a code (R203 type, R204 committee, R205 empty) and why."""

    code: str
    message: Text
    hint: Text = _NO_HINT


Value = str | bool | frozenset[str]
# Unicode's control characters (category Cc): never part of a name or an id.
_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f]")


def default(field: Field) -> Value:
    """The value of an optional field that is absent or empty."""
    return frozenset(field.default) if isinstance(field.default, tuple) else field.default


def parse(field: Field, cell: Cell) -> Value | Bad:
    """The typed value of ``cell`` for ``field``, or what is wrong with it."""
    if cell.other or (cell.items is not None and field.kind != "committees"):
        what = cell.other or "a list"
        return Bad("R203", T(
            f"{field.name} 应为{_KIND_ZH[field.kind]},不能是 {what}",
            f"{field.name} 應為{_KIND_HANT[field.kind]},不能是 {what}",
            f"{field.name} must be {_KIND_EN[field.kind]}, not {what}"))
    if cell.items is not None:
        return _committees(list(cell.items))
    return parse_text(field, cell.text)


def parse_text(field: Field, raw: str | None) -> Value | Bad:
    """The typed value of one written value (a CSV cell, a YAML scalar as written)."""
    text = (raw or "").strip()
    if not text:
        if field.required:
            return Bad("R205", T(
                f"{field.name} 不能为空", f"{field.name} 不能為空", f"{field.name} is empty"),
                T("每个人都要有编号和户号", "每個人都要有編號和戶號",
                  "every person needs an id and a household"))
        return default(field)
    if field.kind == "text":
        found = _CONTROL.search(text)
        if found is not None:
            c = found.group()
            return Bad("R203", T(
                f"{field.name} 含控制字符 {c!r}", f"{field.name} 含控制字元 {c!r}",
                f"{field.name} holds the control character {c!r}"), T(
                "文件可能已损坏,或不是文本文件", "檔案可能已損壞,或不是文字檔",
                "the file may be damaged, or not a text file"))
        return text
    if field.kind == "flag":
        return _flag(field, text)
    if field.kind == "party":
        if text in PARTY_STATUSES:
            return text
        return Bad("R203", T(
            f"party 应为 none、full 或 probationary,不能是 {text!r}",
            f"party 應為 none、full 或 probationary,不能是 {text!r}",
            f"party must be none, full or probationary, not {text!r}"),
            suggest(text, PARTY_STATUSES))
    if field.kind == "sex":
        sex = SEX_SPELLINGS.get(text.lower())
        if sex is not None:
            return sex
        return Bad("R203", T(
            f"sex 应为 female(女)或 male(男),不能是 {text!r}",
            f"sex 應為 female(女)或 male(男),不能是 {text!r}",
            f"sex must be female or male, not {text!r}"), suggest(text, SEXES))
    return _committees(_SPLIT.split(text))


def _flag(field: Field, text: str) -> bool | Bad:
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return Bad("R203", T(
        f"{field.name} 应为 true 或 false,不能是 {text!r}",
        f"{field.name} 應為 true 或 false,不能是 {text!r}",
        f"{field.name} must be true or false, not {text!r}"),
        T("可写 true/false、yes/no、1/0 或 是/否", "可寫 true/false、yes/no、1/0 或 是/否",
          "write true/false, yes/no, 1/0 or 是/否"))


def _committees(items: list[str]) -> frozenset[str] | Bad:
    names = [c.strip() for c in items if c.strip()]
    unknown = [c for c in names if c not in COMMITTEES]
    if unknown:
        return Bad("R204", T(
            f"未知委员会 {unknown[0]!r}", f"未知委員會 {unknown[0]!r}",
            f"unknown committee {unknown[0]!r}"), suggest(unknown[0], COMMITTEES))
    return frozenset(names)


def suggest(word: str, choices: tuple[str, ...]) -> Text:
    """A did-you-mean hint in the three languages (the choices listed when none is close)."""
    near = closest(word, choices)
    if near is not None:
        return T(f"是不是 {near!r}?", f"是不是 {near!r}?", f"did you mean {near!r}?")
    listed = "、".join(choices)
    return T(f"可选:{listed}", f"可選:{listed}", f"expected one of {', '.join(choices)}")


_KIND_EN: Final[Mapping[str, str]] = {
    "text": "text", "flag": "true or false", "party": "none, full or probationary",
    "committees": "a list of committees", "sex": "female or male"}
_KIND_ZH: Final[Mapping[str, str]] = {
    "text": "文字", "flag": "true 或 false", "party": "none、full 或 probationary",
    "committees": "委员会列表", "sex": "female 或 male"}
_KIND_HANT: Final[Mapping[str, str]] = {
    "text": "文字", "flag": "true 或 false", "party": "none、full 或 probationary",
    "committees": "委員會列表", "sex": "female 或 male"}
