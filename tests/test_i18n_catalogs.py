"""The gettext catalogs: complete, compiled from their current .po, and the only source of words.

Babel's extractor reads the library as ``pybabel extract -F babel.cfg -k _p:1c,2 -k N_`` does
(docs/trainer.md): every message it finds must have both Chinese translations, no catalog
entry may be unused, and the compiled .mo the library reads must say what its .po says.
"""

from __future__ import annotations

import ast
import gettext
import io
import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import deliberation
from deliberation.i18n import LOCALE_DIRS, catalog_files

PACKAGE = Path(deliberation.__file__).parent
KEYWORDS = {"_": None, "_p": ((1, "c"), 2), "N_": None}


def _extracted() -> dict[tuple[str | None, str], list[str]]:
    found: dict[tuple[str | None, str], list[str]] = {}
    for file, line, msgid, _comments, ctx in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        assert isinstance(msgid, str), f"{file}:{line}: a message must be one literal string"
        found.setdefault((ctx, msgid), []).append(f"{file}:{line}")
    return found


EXTRACTED = _extracted()


def _po(lang: str) -> Catalog:
    po, _mo = catalog_files(lang)
    with po.open("rb") as fp:
        return read_po(fp, locale=LOCALE_DIRS[lang], domain="deliberation")


@pytest.mark.parametrize("lang", list(LOCALE_DIRS))
def test_every_message_in_the_code_is_translated(lang: str) -> None:
    cat = _po(lang)
    missing = [
        f"{where[0]}: {msgid!r}" + (f" (context {ctx})" if ctx else "")
        for (ctx, msgid), where in sorted(EXTRACTED.items(), key=lambda kv: kv[1][0])
        if (m := cat.get(msgid, ctx)) is None or not m.string or m.fuzzy
    ]
    assert not missing, f"{len(missing)} untranslated in {lang}:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", list(LOCALE_DIRS))
def test_no_catalog_entry_is_unused(lang: str) -> None:
    unused = [m.id for m in _po(lang) if m.id and (m.context, m.id) not in EXTRACTED]
    assert not unused, f"entries no code uses in {lang}: {unused}"


def _fields(text: str) -> set[str]:
    return {f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f is not None}


@pytest.mark.parametrize("lang", list(LOCALE_DIRS))
def test_translations_use_only_the_placeholders_of_their_msgid(lang: str) -> None:
    wrong = [
        f"{m.id!r} -> {m.string!r}"
        for m in _po(lang)
        if m.id and not _fields(str(m.string)) <= _fields(str(m.id))
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("lang", list(LOCALE_DIRS))
def test_compiled_catalog_says_what_its_po_says(lang: str) -> None:
    """A stale .mo never wins silently: what the library reads equals a fresh compile."""
    _po_path, mo = catalog_files(lang)
    assert mo.is_file(), f"{mo} missing: pybabel compile -d deliberation/locale -D deliberation"
    fresh = io.BytesIO()
    write_mo(fresh, _po(lang), use_fuzzy=False)
    fresh.seek(0)
    with mo.open("rb") as fp:
        shipped = gettext.GNUTranslations(fp)
    expected = gettext.GNUTranslations(fresh)
    assert shipped._catalog == expected._catalog  # type: ignore[attr-defined]


# Chinese written straight into the code is a message that escaped the catalogs. These few
# literals are data, not messages: the lunar calendar's own names (rules/calendars.py), the
# characters the lunar-date parser reads, the language switch of the trainer page, and the
# Chinese legal terms quoted inside English messages ("以上", "超过/过半数", "应到"), and the
# place names a locality is written in (definition/localities.py: proper names in three
# languages, as a procedure file writes them).
CJK = re.compile("[\u3400-\u9fff]")
ALLOWED_CJK_FILES = {"rules/calendars.py", "rules/schedules.py", "definition/localities.py"}
ALLOWED_CJK = {"简", "繁", "是", "否", "零一二三四五六七八九", "十", "分之",  # + Chinese numerals
               # what a roster or a reply may say (女/男, 同意), and the characters that write a
               # Chinese date (2026年3月8日) and a statute's article (第19条第3项)
               "女", "男", "同意", "年", "月", "日", "第", "条", "條", "款", "项", "項"}
QUOTED_TERMS = re.compile(
    r"^[^\u3400-\u9fff]*(\(?(以上|超过/过半数|应到|实到|动议|腊月|四议两公开|六议两公开|固庄村)\)?"
    r"[^\u3400-\u9fff]*)+$"
)


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        kinds = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        if isinstance(node, kinds) and node.body and isinstance(node.body[0], ast.Expr):
            out.add(id(node.body[0].value))
    return out


def test_no_chinese_outside_the_catalogs() -> None:
    escaped = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in ALLOWED_CJK_FILES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in docs and CJK.search(node.value)
                    and node.value not in ALLOWED_CJK and not QUOTED_TERMS.match(node.value)):
                escaped.append(f"{rel}:{node.lineno}: {node.value[:50]!r}")
    assert not escaped, f"{len(escaped)} Chinese literals outside the catalogs:\n" + "\n".join(
        escaped
    )
