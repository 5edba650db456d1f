"""Translated text: every label and message exists in zh-Hans, zh-Hant and en.

Ids (states, events, bodies, rules) are ASCII and stable; what people read is a :class:`Text`.

>>> t = Text(zh_hans="决议", zh_hant="決議", en="resolution")
>>> t.get("zh-Hant")
'決議'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal

import attrs

Lang = Literal["zh-Hans", "zh-Hant", "en"]
LANGS: Final[tuple[Lang, ...]] = ("zh-Hans", "zh-Hant", "en")
DEFAULT_LANG: Final[Lang] = "zh-Hans"


def check_lang(lang: str) -> Lang:
    """Return ``lang`` as a :data:`Lang`, or raise ``ValueError`` naming the choices."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    return lang


@attrs.frozen
class Text:
    """One piece of text in the three languages the library speaks."""

    zh_hans: str
    zh_hant: str
    en: str

    def get(self, lang: str = DEFAULT_LANG) -> str:
        """The text in ``lang`` (``zh-Hans``, ``zh-Hant`` or ``en``)."""
        if lang == "en":
            return self.en
        if lang == "zh-Hant":
            return self.zh_hant
        if lang == "zh-Hans":
            return self.zh_hans
        check_lang(lang)
        raise AssertionError("unreachable")

    def format(self, **values: Any) -> Text:
        """Fill ``{name}`` placeholders in all three languages."""
        return Text(
            zh_hans=self.zh_hans.format(**values),
            zh_hant=self.zh_hant.format(**values),
            en=self.en.format(**values),
        )

    def to_data(self) -> dict[str, str]:
        """Plain data keyed by language tag, as written in YAML and JSON."""
        return {"zh-Hans": self.zh_hans, "zh-Hant": self.zh_hant, "en": self.en}

    @classmethod
    def from_data(cls, data: Mapping[str, str]) -> Text:
        """Inverse of :meth:`to_data`; every language must be present."""
        return cls(zh_hans=data["zh-Hans"], zh_hant=data["zh-Hant"], en=data["en"])

    def __str__(self) -> str:
        return self.get(DEFAULT_LANG)


def T(zh_hans: str, zh_hant: str, en: str) -> Text:
    """Shorthand for :class:`Text` in message catalogues."""
    return Text(zh_hans=zh_hans, zh_hant=zh_hant, en=en)
