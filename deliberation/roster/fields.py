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
from deliberation.i18n import Text, Triple, _, as_written, series
from deliberation.reprs import fields_repr
from deliberation.roster.offices import OFFICES
from deliberation.roster.villager import COMMITTEES, PARTY_STATUSES, SEX_SPELLINGS, SEXES

FieldKind = Literal["text", "flag", "party", "committees", "sex", "offices"]

# Spellings of a yes/no cell, compared case-insensitively after trimming spaces.
TRUE_WORDS: Final = ("true", "yes", "y", "t", "1", "是")
FALSE_WORDS: Final = ("false", "no", "n", "f", "0", "否")
# What separates committees written in one cell (a YAML list needs none).
COMMITTEE_SEPARATORS: Final = (";", ",", "、")
_SPLIT: Final = re.compile("[" + re.escape("".join(COMMITTEE_SEPARATORS)) + "]")


@fields_repr
@attrs.frozen(repr=False, eq=False)  # never compared: no __eq__ to compile (start-up speed)
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
        if self.kind == "offices":
            return OFFICES
        if self.kind == "flag":
            return TRUE_WORDS + FALSE_WORDS
        if self.kind == "sex":
            return tuple(SEX_SPELLINGS)
        return ()


FIELDS: Final[tuple[Field, ...]] = (
    Field("id", "text", True, "", _("the person's id, unique on the roster")),
    Field("household", "text", True, "", _("the household's id; people of one household share it")),
    Field("name", "text", False, "", _("the person's name")),
    Field("adult", "flag", False, True, _("aged 18 or over (has the vote)")),
    Field("party", "party", False, "none", _("Party membership: none, full, or probationary")),
    Field("representative", "flag", False, False, _("a villager representative")),
    Field("committees", "committees", False, (), _("committees the person sits on (any number)")),
    Field("resident", "flag", False, True, _("lives in the village; false means living away")),
    Field("township", "flag", False, False, _(
        "a township official (attends as witness; not a villager)",
    )),
    Field("sex", "sex", False, "", _(
        "sex: female or male; empty when not recorded. Women representatives' share and quorums "
        "among women are counted from it",
    )),
    Field("offices", "offices", False, (), _(
        "offices the person holds (any number): procedures name office-holders by role",
    )),
    Field("collective_member", "flag", False, False, _(
        "a member of the village's collective economic organisation",
    )),
)
FIELD: Final[Mapping[str, Field]] = {f.name: f for f in FIELDS}
REQUIRED: Final = tuple(f.name for f in FIELDS if f.required)


@fields_repr
@attrs.frozen(repr=False, eq=False)  # never compared: no __eq__ to compile (start-up speed)
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


_NO_HINT: Final = Triple.same("")


@fields_repr
@attrs.frozen(repr=False, eq=False)  # never compared: no __eq__ to compile (start-up speed)
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
    if cell.other or (cell.items is not None and field.kind not in _LISTS):
        what: Text = as_written(cell.other) if cell.other else _("a list")
        return Bad("R203", _("{name} must be {kind}, not {what}").format(
            name=as_written(field.name), kind=_KINDS[field.kind], what=what))
    if cell.items is not None:
        return _listed(field, list(cell.items))
    return parse_text(field, cell.text)


# the kinds written as a list (in CSV one cell, separated by COMMITTEE_SEPARATORS)
_LISTS: Final = ("committees", "offices")


def parse_text(field: Field, raw: str | None) -> Value | Bad:
    """The typed value of one written value (a CSV cell, a YAML scalar as written)."""
    text = (raw or "").strip()
    if not text:
        if field.required:
            return Bad("R205", _("{name} is empty").format(name=field.name),
                _("every person needs an id and a household"))
        return default(field)
    if field.kind == "text":
        found = _CONTROL.search(text)
        if found is not None:
            c = found.group()
            return Bad("R203", _(
                "{name} holds the control character {c!r}",
            ).format(name=field.name, c=c), _(
                    "the file may be damaged, or not a text file",
                ))
        return text
    if field.kind == "flag":
        return _flag(field, text)
    if field.kind == "party":
        if text in PARTY_STATUSES:
            return text
        return Bad("R203", _(
            "party must be none, full or probationary, not {text!r}",
        ).format(text=text),
            suggest(text, PARTY_STATUSES))
    if field.kind == "sex":
        sex = SEX_SPELLINGS.get(text.lower())
        if sex is not None:
            return sex
        return Bad("R203", _(
            "sex must be female or male, not {text!r}",
        ).format(text=text), suggest(text, SEXES))
    return _listed(field, _SPLIT.split(text))


def _flag(field: Field, text: str) -> bool | Bad:
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return Bad("R203", _(
        "{name} must be true or false, not {text!r}",
    ).format(name=field.name, text=text),
        # the Chinese words are data (what a roster may say), not a message
        _("write true/false, yes/no, 1/0 or {chinese}").format(
            chinese=f"{TRUE_WORDS[-1]}/{FALSE_WORDS[-1]}"))


def _listed(field: Field, items: list[str]) -> frozenset[str] | Bad:
    """The committees (or offices) of a list, each one of the field's vocabulary."""
    names = [c.strip() for c in items if c.strip()]
    unknown = [c for c in names if c not in field.allowed]
    if unknown:
        message = _("unknown office {value!r}") if field.kind == "offices" else \
            _("unknown committee {value!r}")
        return Bad("R204", message.format(value=unknown[0]), suggest(unknown[0], field.allowed))
    return frozenset(names)


def suggest(word: str, choices: tuple[str, ...]) -> Text:
    """A did-you-mean hint in the three languages (the choices listed when none is close)."""
    near = closest(word, choices)
    if near is not None:
        return _("did you mean {near!r}?").format(near=near)
    return _("expected one of {shown}").format(shown=series(as_written(c) for c in choices))


# What a field's value must be, in words (its values as the file writes them).
_KINDS: Final[Mapping[str, Text]] = {
    "text": _("text"),
    "flag": _("{true} or {false}").format(true=as_written("true"), false=as_written("false")),
    "party": _("{none}, {full} or {probationary}").format(
        none=as_written("none"), full=as_written("full"),
        probationary=as_written("probationary")),
    "committees": _("a list of committees"),
    "sex": _("{female} or {male}").format(female=as_written("female"), male=as_written("male")),
    "offices": _("a list of offices"),
}
