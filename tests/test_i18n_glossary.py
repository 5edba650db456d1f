"""Every catalog entry renders the glossary's terms the glossary's way (deliberation/locale).

A message whose English contains a glossary term must contain that term's zh-Hans rendering in
the zh-Hans catalog and its zh-Hant rendering in the zh-Hant catalog; the zh-Hant catalog uses
none of the mainland words the glossary lists. The failure lists every inconsistent rendering.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from deliberation.i18n import LOCALE_DIR, LOCALE_DIRS, catalog_files

GLOSSARY = yaml.safe_load((LOCALE_DIR / "glossary.yaml").read_text(encoding="utf-8"))


def _entries(lang: str) -> list[tuple[str, str]]:
    po, _mo = catalog_files(lang)
    with Path(po).open("rb") as fp:
        cat = read_po(fp, locale=LOCALE_DIRS[lang])
    return [(str(m.id), str(m.string)) for m in cat if m.id]


# What is not prose in a msgid: placeholders ({channels}), ids, columns and command syntax
# (households=N, id,household,adult, household…), and option names (--key-file).
CODE = re.compile(r"\{[^{}]*\}|\S*\w[=,…_.]\w\S*|\S*[=…_]\S*|\b[A-Z]{2,}\b|--\w[\w-]*")


def _prose(msgid: str) -> str:
    return CODE.sub(" ", CODE.sub(" ", msgid))


def _pattern(term: str) -> re.Pattern[str]:
    # singular or plural, any case: "household" matches "Households"
    return re.compile(r"\b" + re.escape(term).replace("'", "['’]") + r"(s|es)?\b", re.I)


def test_glossary_is_one_to_one() -> None:
    terms = GLOSSARY["terms"]
    for key in ("en", "zh-Hans", "zh-Hant"):
        values = [t[key] for t in terms]
        assert len(values) == len(set(values)), f"a {key} term appears twice"
    for t in terms:
        if t["zh-Hans"] != t["zh-Hant"] and t["zh-Hant"] in GLOSSARY["forbidden_hant"].values():
            assert t.get("why"), f"{t['en']}: say why zh-Hant differs"


@pytest.mark.parametrize("lang", list(LOCALE_DIRS))
def test_catalog_follows_the_glossary(lang: str) -> None:
    wrong = []
    for msgid, msgstr in _entries(lang):
        for term in GLOSSARY["terms"]:
            if _pattern(term["en"]).search(_prose(msgid)) and term[lang] not in msgstr:
                wrong.append(f"{term['en']!r} → {term[lang]!r} missing: {msgid!r} → {msgstr!r}")
    assert not wrong, f"{len(wrong)} renderings off the glossary:\n" + "\n".join(wrong)


def test_traditional_catalog_uses_traditional_vocabulary() -> None:
    wrong = [
        f"{word} (use {instead}): {msgid!r} → {msgstr!r}"
        for msgid, msgstr in _entries("zh-Hant")
        for word, instead in GLOSSARY["forbidden_hant"].items()
        if word in msgstr
    ]
    assert not wrong, "\n".join(wrong)
