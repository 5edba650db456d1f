"""A YAML syntax error in the reader's language: PyYAML's problem and context, said through the
catalogs (deliberation/yamlwords.py), located exactly where PyYAML puts them, English unchanged.

Every error here is a real one, from a real YAML text, read by both of PyYAML's readers: the
C loader the project uses (libyaml) and the pure-Python one (a PyYAML built without libyaml).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from deliberation import yamlsource, yamlwords
from deliberation.diagnostics import Diagnostic

LANGS_ZH = ("zh-Hans", "zh-Hant")
LOADERS: tuple[Any, ...] = (yaml.SafeLoader, *((yaml.CSafeLoader,) if yaml.__with_libyaml__
                                               else ()))
CODE = re.compile(r"`[^`\n]*`")
# English prose inside a code span: PyYAML's sentence shown as code instead of said
PROSE = re.compile(r"[A-Za-z]{2,} [A-Za-z]{2,}")
LATIN = re.compile(r"[A-Za-z][A-Za-z'-]*")
ALLOWED = {"YAML", "UTF"}

# Real texts, each breaking one way a hand-edited file breaks (and the rarer ones, directives,
# tags and escapes, that the templates also cover).
TEXTS = (
    "a: b: c\n", "a:\n  b\n c: d\n", "- a\nb: c\n", "a: b\n- c\n", "a: 'x\n", 'a: "x\n',
    "a: [1, 2\n", "a: {b: 1\n", "\tfoo: 1\n", "a: @x\n", "a: `x\n", 'a: "\\q"\n', 'a: "\\x4"\n',
    'a: "\\uD800"\n', "%YAML 2.0\n---\na\n", "%YAML 1.1\n%YAML 1.1\n---\na\n",
    "%TAG !a! tag:x,2000:\n%TAG !a! tag:y,2000:\n---\na\n", "a: !x!y z\n", "? a\n? b\n:c\n",
    "a: |0\n  x\n", "a: |x\n  x\n", "a: |1 x\n  x\n", "a: *x\n", "a: &x 1\nb: &x 2\n",
    "a: 1\n---\nb: 2\n", "a: &\n", "a: *\n", "a: &x@ 1\n", "a: *x@\n", "a: !<x\n", "a: !<>\n",
    "a: !%zz x\n", "a: !%ff x\n", "!<tag:%c3> a\n", "%\n---\na\n", "%YAML\n---\na\n",
    "%YAML 1\n---\na\n", "%YAML 1.x\n---\na\n", "%YAML 1.1x\n---\na\n", "%YAML a\n---\na\n",
    "%YAML 1.1 x\n---\na\n", "%YAML 11111111111111111111111111111111.1\n---\na\n",
    "%TAG\n---\na\n", "%TAG !a\n---\na\n", "%TAG !a!b c\n---\na\n", "%FOO bar\n---\na\n",
    "%TAG !a!\u00e9 x\n---\na\n", "%YAML 1.1\na\n", "a: !<x>y z\n", "[a, }\n", "{a: ]}\n",
    "a: 'x\n---\n'\n", "a:\n  b: c\n\td: e\n", "a: |-+\n x\n", "a: [b, c]]\n", "]\n",
    "a: 'x' y\n", "'a' ? b\n", "a: \t- b\n", "a: !a!b!c d\n", "a: \"\\U0011FFFF\"\n",
    "!<tag:%c3%28> a\n", "'a' - b\n", "%TAG !a! \n---\na\n", "%TAG !a! %zz\n---\na\n",
    "a: &x\u00e9 1\n", "a: !a!\u00e9 x\n", "%YAML 1.1 \u00e9\n---\na\n",
)

# Templates no text reaches, and why (the test below fails when one starts to be reached).
NOT_REACHED = {
    # the C loader's words for the same names, and any other name, are their own entries
    "while scanning an %s": "every name (alias, anchor) has its own entry",
    "while scanning a %s": "every name (directive, tag) has its own entry",
    "while parsing a %s node": "every name (block, flow) has its own entry",
    # libyaml 0.2.5 keeps these in its sources but no text we found reaches them
    "found a tab character where an indentation space is expected": "not reached in libyaml",
    "found unexpected ':'": "not reached in libyaml 0.2.5",
    "found unexpected non-alphabetical character": "not reached in libyaml 0.2.5",
    "while increasing block level": "libyaml's memory limits",
    "while increasing flow level": "libyaml's memory limits",
    "did not find expected <stream-start>": "libyaml's own start of input",
    # the reader's reasons: a ReaderError, tested on their own below
    "special characters are not allowed": "a ReaderError",
    "control characters are not allowed": "a ReaderError",
}


def _error(text: str, loader: Any) -> yaml.MarkedYAMLError | None:
    try:
        yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as err:
        return err
    except (yaml.YAMLError, ValueError):  # ValueError: the pure-Python reader on \U0011FFFF
        return None
    return None


def _diagnostic(text: str, loader: Any, monkeypatch: pytest.MonkeyPatch) -> Diagnostic:
    monkeypatch.setattr(yamlsource, "_LOADER", loader)
    reporter = yamlsource.Reporter("f.yaml")
    assert yamlsource.read_yaml(text, "f.yaml", reporter) is None
    [diagnostic] = reporter.diagnostics
    return diagnostic


def english_left(message: str) -> list[str]:
    """Latin words a Chinese reader would see: outside code, or a sentence inside it."""
    prose = [span for span in CODE.findall(message) if PROSE.search(span)]
    return prose + [w for w in LATIN.findall(CODE.sub("", message)) if w not in ALLOWED]


def test_english_left_finds_a_sentence_in_code_and_a_word_outside_it() -> None:
    assert english_left("YAML 语法错误:`mapping values are not allowed here`")
    assert english_left("此处应为 value")
    assert english_left("此处应为 `:`,却是 `@`") == []


@pytest.mark.parametrize("loader", LOADERS, ids=lambda loader: loader.__name__)
@pytest.mark.parametrize("text", TEXTS)
def test_a_syntax_error_reads_in_chinese_where_english_places_it(
    text: str, loader: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    err = _error(text, loader)
    if err is None:  # this text breaks only the other reader, or not as a located error
        assert any(_error(text, other) for other in LOADERS if other is not loader)
        return
    diagnostic = _diagnostic(text, loader, monkeypatch)
    mark = err.problem_mark or err.context_mark
    assert mark is not None
    assert (diagnostic.line, diagnostic.column) == (mark.line + 1, mark.column + 1)
    said = f"{err.problem} ({err.context})" if err.context else err.problem
    assert diagnostic.message_in("en") == f"YAML syntax error: {said}"
    for lang in LANGS_ZH:
        message = diagnostic.message_in(lang)
        assert english_left(message) == [], message
        assert "YAML 解析器的英文原文" not in message, message  # no template left to fall back


def test_every_translated_template_is_reached_by_a_real_text() -> None:
    reached = {
        yamlwords.template_of(part)
        for text in TEXTS for loader in LOADERS
        if (err := _error(text, loader)) is not None
        for part in (err.problem, err.context) if part
    }
    reached.discard(None)
    if not yaml.__with_libyaml__:  # libyaml's own words cannot be reached without it
        pytest.fail("PyYAML here is built without libyaml, the loader the project uses")
    assert reached & NOT_REACHED.keys() == set(), "reached now: take it off NOT_REACHED"
    assert set(yamlwords.templates()) - reached == NOT_REACHED.keys()


def _pure_python_templates() -> set[str]:
    """The problem and context templates of PyYAML's scanner, parser and composer, read from
    the installed sources (``"… %r …" % value`` as its template)."""
    root = Path(yaml.__file__).parent
    found: set[str] = set()
    for name in ("scanner.py", "parser.py", "composer.py"):
        for node in ast.walk(ast.parse((root / name).read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("ScannerError", "ParserError", "ComposerError")):
                continue
            for arg in (node.args[0], node.args[2]):
                if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mod):
                    arg = arg.left
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
    return found


def _libyaml_templates() -> set[str]:
    """libyaml's problem and context messages, read from the compiled loader PyYAML ships."""
    if not yaml.__with_libyaml__:
        return set()
    data = Path(yaml._yaml.__file__).read_bytes()  # type: ignore[attr-defined]
    runs = {m.decode() for m in re.findall(rb"[\x20-\x7e]{6,}", data)}
    return {r for r in runs
            if r.startswith(("while scanning", "while parsing", "while increasing",
                             "did not find", "could not find", "found "))
            or r.endswith(" in this context")}


def test_every_template_of_the_installed_pyyaml_is_in_the_table() -> None:
    python = _pure_python_templates()
    libyaml = _libyaml_templates()
    assert len(python) > 40 and (len(libyaml) > 50 or not yaml.__with_libyaml__)
    missing = (python | libyaml) - set(yamlwords.templates())
    assert not missing, f"PyYAML templates with no words in deliberation/yamlwords.py: {missing}"


@pytest.mark.parametrize("escape", ["\\U0011FFFF", "\\UFFFFFFFF"])
@pytest.mark.parametrize("loader", LOADERS, ids=lambda loader: loader.__name__)
def test_an_escape_beyond_unicode_is_a_located_syntax_error(
    escape: str, loader: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # libyaml refuses it while scanning; the pure-Python scanner passes it to chr(), which
    # raised ValueError (OverflowError for the larger one) past read_yaml
    text = f'id: x\nname: "ab{escape}"\n'
    diagnostic = _diagnostic(text, loader, monkeypatch)
    assert diagnostic.code == "D101"
    assert diagnostic.line == 2
    assert diagnostic.column == 12  # the escape's digits, as libyaml places it
    assert diagnostic.message_in("en") == (
        "YAML syntax error: found invalid Unicode character escape code"
        + (" (while parsing a quoted scalar)" if loader is not yaml.SafeLoader else ""))
    for lang in LANGS_ZH:
        assert english_left(diagnostic.message_in(lang)) == []


@pytest.mark.parametrize("loader", LOADERS, ids=lambda loader: loader.__name__)
def test_a_refused_character_reads_in_chinese(loader: Any,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    text = "a: \x01\n"
    with pytest.raises(yaml.reader.ReaderError) as raised:
        yaml.compose(text, Loader=loader)
    diagnostic = _diagnostic(text, loader, monkeypatch)
    assert (diagnostic.line, diagnostic.column) == (1, 1)
    assert diagnostic.message_in("en") == f"YAML error: {raised.value}"
    for lang in LANGS_ZH:
        message = diagnostic.message_in(lang)
        assert english_left(message) == [] and "`#x0001`" in message, message


def test_a_message_of_no_known_template_keeps_its_english_marked_as_such() -> None:
    english = "found something a later PyYAML says"
    assert yamlwords.template_of(english) is None
    words = yamlwords.problem(english, "while scanning a simple key")
    assert words.get("en") == f"{english} (while scanning a simple key)"
    assert words.get("zh-Hans") == f"读取一个键时:`{english}`(YAML 解析器的英文原文)"
    assert words.get("zh-Hant") == f"讀取一個鍵時:`{english}`(YAML 解析器的英文原文)"


def test_values_are_shown_as_code_and_tokens_in_words() -> None:
    assert yamlwords.said("expected <block end>, but found '<block mapping start>'").get(
        "zh-Hans") == "这一层应在此结束,却是一组新的键值对(请检查缩进是否对齐)"
    # the parser's "?" is a key the file shows without one: said as a key
    assert yamlwords.said("expected <block end>, but found '?'").get(
        "zh-Hant") == "這一層應在此結束,卻是一個鍵(請檢查縮排是否對齊)"
    assert yamlwords.said("found character '?' that cannot start any token").get(
        "zh-Hans").startswith("字符 `?` 不能")
    assert yamlwords.said("found character '\\t' that cannot start any token").get(
        "zh-Hant").startswith("字元 `\\t` 不能")
    assert yamlwords.said("expected ',' or '}', but got '<stream end>'").get(
        "zh-Hant") == "此處應為 `,` 或 `}`,卻是檔案末尾(大括號可能沒有閉合)"


def test_reading_yaml_does_not_load_the_table() -> None:
    # start-up speed: the table is loaded only when an error is reported
    code = ("import sys; from deliberation import yamlsource; "
            "r = yamlsource.Reporter('f'); yamlsource.read_yaml('a: 1', 'f', r); "
            "print('deliberation.yamlwords' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"
