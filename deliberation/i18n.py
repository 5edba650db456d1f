"""Translated text: every label and message exists in zh-Hans, zh-Hant and en.

Ids (states, events, bodies, rules) are ASCII and stable; what people read is a :class:`Text`,
resolved to a language only when it is rendered. Two kinds of text exist:

* :func:`_` — a message of the library itself. Its English wording is the gettext message id;
  the Chinese comes from the catalogs in ``deliberation/locale`` (``.po`` sources, compiled to
  ``.mo`` when the package is built; docs/trainer.md says how translators update them).
  :func:`_p` adds a context where one English phrase needs another Chinese rendering.
* :class:`Triple` — text that arrives with its three languages, e.g. a procedure's labels in
  YAML, or text composed from other texts.

A catalog is read the first time a text is rendered in its language, never at import.

>>> _("Next").get("zh-Hant")
'下一步'
>>> _("Step {n} of {total}").format(n=2, total=5).get("zh-Hans")
'第 2 步 / 共 5 步'
>>> Triple(zh_hans="决议", zh_hant="決議", en="resolution").get("en")
'resolution'
"""

from __future__ import annotations

import abc
import gettext
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal

import attrs

from deliberation.reprs import fields_repr

Lang = Literal["zh-Hans", "zh-Hant", "en"]
LANGS: Final[tuple[Lang, ...]] = ("zh-Hans", "zh-Hant", "en")
DEFAULT_LANG: Final[Lang] = "zh-Hans"

DOMAIN: Final = "deliberation"
LOCALE_DIR: Final = Path(__file__).parent / "locale"
# Folder names under deliberation/locale: the language tags as gettext locale directories.
LOCALE_DIRS: Final[Mapping[str, str]] = {"zh-Hans": "zh_Hans", "zh-Hant": "zh_Hant"}


# The language str() renders a Text in: the reader's, as the command line was told (--lang); a
# context variable, so a thread or a request that sets its own does not change another's.
_CURRENT: Final[ContextVar[str]] = ContextVar("deliberation_lang", default="en")


def current_lang() -> str:
    """The language ``str(text)`` renders in here (English unless :func:`using_lang` set one)."""
    return _CURRENT.get()


@contextmanager
def using_lang(lang: str) -> Iterator[None]:
    """Render ``str(text)`` in ``lang`` within the block (the command line wraps each command in
    it with the reader's ``--lang``).

    >>> with using_lang("zh-Hant"):
    ...     print(f"{_('Next')}")
    下一步
    >>> str(_("Next"))
    'Next'
    """
    token = _CURRENT.set(check_lang(lang))
    try:
        yield
    finally:
        _CURRENT.reset(token)


def check_lang(lang: str) -> Lang:
    """Return ``lang`` as a :data:`Lang`, or raise ``ValueError`` naming the choices."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    return lang


class CatalogMissing(RuntimeError):
    """The compiled catalog of a language is absent or older than its ``.po`` source."""


def catalog_files(lang: str) -> tuple[Path, Path]:
    """The ``.po`` source and compiled ``.mo`` of ``lang`` (the ``.po`` only in a source tree)."""
    folder = LOCALE_DIR / LOCALE_DIRS[lang] / "LC_MESSAGES"
    return folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"


@cache  # one read per language per process; catalogs do not change while it runs
def catalog(lang: str) -> gettext.GNUTranslations:
    """The compiled gettext catalog of ``lang`` (``zh-Hans`` or ``zh-Hant``), read on first use.

    In a source tree a ``.po`` newer than its ``.mo`` raises :class:`CatalogMissing` rather
    than showing yesterday's wording.
    """
    po, mo = catalog_files(lang)
    hint = "run `pybabel compile -d deliberation/locale -D deliberation` (or `pip install -e .`)"
    if not mo.is_file():
        raise CatalogMissing(f"the {lang} catalog is not compiled ({mo}); {hint}")
    # In a source checkout (pyproject.toml beside the package) the .po is the truth; an
    # installed package has only the .mo it was built with.
    source_tree = (LOCALE_DIR.parent.parent / "pyproject.toml").is_file()
    if source_tree and po.is_file() and po.stat().st_mtime > mo.stat().st_mtime:
        raise CatalogMissing(f"{po} is newer than its compiled catalog; {hint}")
    with mo.open("rb") as fp:
        return gettext.GNUTranslations(fp)


def translate(msgid: str, lang: str, context: str | None = None) -> str:
    """``msgid`` (English) in ``lang``; English is the message id itself."""
    if lang == "en":
        return msgid
    check_lang(lang)
    cat = catalog(lang)
    return cat.pgettext(context, msgid) if context else cat.gettext(msgid)


class Text(abc.ABC):
    """Text in the three languages the library speaks, resolved per language when rendered."""

    __slots__ = ()

    @abc.abstractmethod
    def get(self, lang: str = DEFAULT_LANG) -> str:
        """The text in ``lang`` (``zh-Hans``, ``zh-Hant`` or ``en``)."""

    @property
    def zh_hans(self) -> str:
        return self.get("zh-Hans")

    @property
    def zh_hant(self) -> str:
        return self.get("zh-Hant")

    @property
    def en(self) -> str:
        return self.get("en")

    def format(self, **values: Any) -> Text:
        """Fill ``{name}`` placeholders; a value that is a :class:`Text` is filled per language."""
        return Formatted(self, tuple(values.items()))

    def to_data(self) -> dict[str, str]:
        """Plain data keyed by language tag, as written in YAML and JSON."""
        return {lang: self.get(lang) for lang in LANGS}

    def __str__(self) -> str:
        """The text in the language of the running program (:func:`using_lang`; English unless
        the program chose another), so ``f"{text}"`` in a message never picks a language of its
        own. Code that knows its reader's language calls :meth:`get` instead."""
        return self.get(_CURRENT.get())


@fields_repr
@attrs.frozen(repr=False)
class Triple(Text):
    """Text given in all three languages, e.g. a procedure's label from YAML."""

    zh_hans: str
    zh_hant: str
    en: str

    def get(self, lang: str = DEFAULT_LANG) -> str:
        if lang == "en":
            return self.en
        if lang == "zh-Hant":
            return self.zh_hant
        if lang == "zh-Hans":
            return self.zh_hans
        check_lang(lang)
        raise AssertionError("unreachable")

    @classmethod
    def same(cls, text: str) -> Triple:
        """The same characters in every language: an id, a number, a name, nothing."""
        return cls(text, text, text)

    @classmethod
    def from_data(cls, data: Mapping[str, str]) -> Triple:
        """Inverse of :meth:`Text.to_data`; every language must be present."""
        return cls(zh_hans=data["zh-Hans"], zh_hant=data["zh-Hant"], en=data["en"])


@fields_repr
@attrs.frozen(repr=False)
class Message(Text):
    """A message of the library: English ``msgid``, Chinese from the catalogs."""

    msgid: str
    context: str | None = None

    def get(self, lang: str = DEFAULT_LANG) -> str:
        return translate(self.msgid, lang, self.context)


@fields_repr
@attrs.frozen(repr=False)
class Formatted(Text):
    """A text with its ``{name}`` placeholders filled, per language, when rendered."""

    template: Text
    values: tuple[tuple[str, Any], ...]

    def get(self, lang: str = DEFAULT_LANG) -> str:
        filled = {k: v.get(lang) if isinstance(v, Text) else v for k, v in self.values}
        return self.template.get(lang).format(**filled)


@fields_repr
@attrs.frozen(repr=False)
class Joined(Text):
    """Texts joined by a separator that is itself a text (``、`` in Chinese, ``, `` in English).

    >>> Joined(Triple("、", "、", ", "), (_("Next"), _("Back"))).get("en")
    'Next, Back'
    """

    separator: Text
    parts: tuple[Text, ...]

    def get(self, lang: str = DEFAULT_LANG) -> str:
        return self.separator.get(lang).join(p.get(lang) for p in self.parts)


def _(msgid: str) -> Text:
    """A message of the library, by its English wording (the gettext message id)."""
    return Message(msgid)


def _p(context: str, msgid: str) -> Text:
    """Like :func:`_`, for an English phrase that needs another rendering in ``context``."""
    return Message(msgid, context)


def series(parts: Iterable[Text]) -> Text:
    """Texts listed one after another: ``甲、乙`` in Chinese, ``A, B`` in English.

    >>> series([_("Next"), _("Back")]).get("zh-Hans")
    '下一步、上一步'
    """
    return Joined(_p("list separator", ", "), tuple(parts))


@fields_repr
@attrs.frozen(repr=False)
class Rendered(Text):
    """The text a function gives for each language, called only for the language shown."""

    render: Callable[[str], str]

    def get(self, lang: str = DEFAULT_LANG) -> str:
        return self.render(lang)


def quoted(value: object) -> Text:
    """An id as each language quotes it in a message: ``'x'`` in English prose, as code
    (```x```) in Chinese, where a Latin word outside code formatting would read as a leak.

    >>> quoted("quorum").get("en"), quoted("quorum").get("zh-Hant")
    ("'quorum'", '`quorum`')
    """
    return Rendered(lambda lang: repr(value) if lang == "en" else f"`{value}`")


def named(name: Text, ident: str) -> Text:
    """An element of a procedure by its name, its id after it as code: what a reader knows it
    by, and what a clerk types back.

    >>> named(Triple(zh_hans="路灯", zh_hant="路燈", en="Lights"), "lights").get("zh-Hans")
    '路灯 (`lights`)'
    """
    return _("{name} ({id})").format(name=name, id=quoted(ident))


def as_written(words: str) -> Text:
    """Words as a file or another program writes them (a YAML key, a parser's own message): as
    they are in English prose, as code in Chinese.

    >>> as_written("max_rounds").get("en"), as_written("max_rounds").get("zh-Hans")
    ('max_rounds', '`max_rounds`')
    """
    return Rendered(lambda lang: words if lang == "en" else f"`{words}`")


def each_lang(render: Callable[[str], str]) -> Text:
    """The text ``render(lang)`` gives in each language, e.g. a rule's own description.

    >>> each_lang(lambda lang: lang.upper()).get("en")
    'EN'
    """
    return Rendered(render)
