"""Which of the three languages a request wants: ``?lang=`` first, then ``Accept-Language``.

>>> negotiate("zh-TW,zh;q=0.9,en;q=0.8")
'zh-Hant'
>>> negotiate("en-GB;q=0.5, zh-CN")
'zh-Hans'
>>> negotiate("fr")
'zh-Hans'
"""

from __future__ import annotations

from typing import Final

from deliberation.i18n import DEFAULT_LANG, LANGS, Lang

# Region and script subtags to our three languages (lower-cased tags).
_TAGS: Final[dict[str, Lang]] = {
    "zh-hans": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "zh-my": "zh-Hans",
    "zh": "zh-Hans", "zh-hant": "zh-Hant", "zh-tw": "zh-Hant", "zh-hk": "zh-Hant",
    "zh-mo": "zh-Hant", "en": "en",
}


def match_tag(tag: str) -> Lang | None:
    """One language tag (``zh-Hant-TW``, ``en-US``…) to one of ours, or ``None``."""
    t = tag.strip().lower()
    while t:
        if t in _TAGS:
            return _TAGS[t]
        if t.startswith("zh-hant"):
            return "zh-Hant"
        if t.startswith("zh-hans"):
            return "zh-Hans"
        t = t.rpartition("-")[0]
    return None


def negotiate(accept_language: str | None, explicit: str | None = None) -> Lang:
    """The best of zh-Hans, zh-Hant and en for a request (default zh-Hans)."""
    if explicit:
        for lang in LANGS:
            if explicit == lang:
                return lang
        named = match_tag(explicit)
        if named:
            return named
    best: tuple[float, int, Lang] | None = None
    for n, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.partition(";")
        q = 1.0
        for p in params.split(";"):
            name, _, value = p.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        found = match_tag(tag)
        if found is None or q <= 0:
            continue
        if best is None or (q, -n) > (best[0], best[1]):
            best = (q, -n, found)
    return best[2] if best else DEFAULT_LANG
