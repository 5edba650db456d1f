"""The corpus of deliberately broken definitions in tests/broken/.

Each file states on its first line the code and line it must be reported with
(``# expect: D405 line 12``, optionally ``hint: word`` that the hint must contain).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from deliberation.cli import main
from deliberation.definition.loader import Library, check_text

BROKEN = Path(__file__).parent / "broken"
FILES = sorted(BROKEN.glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (D\d{3}) line (\d+)(?: hint: (\S+))?$")


def expectation(path: Path) -> tuple[str, int, str | None]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = EXPECT.match(first)
    assert m, f"{path.name}: first line must be '# expect: DNNN line N'"
    return m.group(1), int(m.group(2)), m.group(3)


def test_corpus_is_large_and_covers_every_category() -> None:
    assert len(FILES) >= 20
    codes = {expectation(f)[0] for f in FILES}
    # syntax & safety, structure, references, thresholds, graph, translations, composition
    required = {
        "D101",
        "D102",
        "D104",
        "D201",
        "D202",
        "D203",
        "D303",
        "D306",
        "D307",
        "D309",
        "D310",
        "D403",
        "D405",
        "D407",
        "D409",
        "D501",
        "D502",
        "D503",
        "D504",
        "D505",
        "D507",
        "D508",
        "D509",
        "D601",
        "D701",
        "D703",
    }
    assert required <= codes, sorted(required - codes)


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_broken_file_reports_expected_code_at_line(path: Path) -> None:
    code, line, hint = expectation(path)
    procedure, diagnostics = check_text(path.read_text(encoding="utf-8"), str(path), Library())
    assert procedure is None
    found = [(d.code, d.line) for d in diagnostics]
    hits = [d for d in diagnostics if d.code == code and d.line == line]
    assert hits, f"expected {code} at line {line}, got {found}"
    if hint:
        assert any(hint in d.hint_in() for d in hits), [d.hint_in() for d in hits]
    for d in diagnostics:
        assert d.file == str(path) and d.line >= 1 and d.column >= 1, d


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_lint_cli_exits_1_without_traceback(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, line, _ = expectation(path)
    assert main(["lint", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert f"{path}:{line}:" in out and f" {code} " in out


def test_lint_json_lists_every_file_and_diagnostic(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--format", "json", str(BROKEN)]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False
    assert len(payload["files"]) == len(FILES)
    reported = {(Path(d["file"]).name, d["code"], d["line"]) for d in payload["diagnostics"]}
    for f in FILES:
        code, line, _ = expectation(f)
        assert (f.name, code, line) in reported


SEVERAL = """\
format: 1
id: several
version: "1"
locality: test
name: {zh-Hans: 多处, zh-Hant: 多處, en: several}
stagse: []
bodies:
  committee:
    name: {zh-Hans: 委员会, en: committee}
    members: [villagers-committee]
    rules:
      - rule: quorun
      - rule: approval
        params: {ratio: 0.5, compare: ">", base: attendees}
outcomes:
  done: {kind: success, name: {zh-Hans: 完成, zh-Hant: 完成, en: done}}
"""


def test_several_problems_are_all_reported_at_once() -> None:
    _, diagnostics = check_text(SEVERAL, "several.yaml", Library())
    got = {(d.code, d.line) for d in diagnostics}
    assert {
        ("D201", 6),  # stagse
        ("D601", 9),  # no zh-Hant
        ("D405", 12),  # quorun
        ("D403", 14),  # 0.5
        ("D409", 14),  # attendees
        ("D203", 1),  # no stages at all
    } <= got, sorted(got)
    stagse = next(d for d in diagnostics if d.code == "D201")
    assert "stages" in stagse.hint_in() and stagse.path == "stagse"


def test_pure_python_yaml_gives_the_same_diagnostics(monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml is used when present; without it, every diagnostic is the same."""
    import yaml

    import deliberation.yamlsource as yamlsource

    def run() -> dict[str, list[tuple[str, int, int]]]:
        return {
            f.name: [(d.code, d.line, d.column)
                     for d in check_text(f.read_text(encoding="utf-8"), str(f), Library())[1]]
            for f in FILES
        }

    fast = run()
    monkeypatch.setattr(yamlsource, "_LOADER", yaml.SafeLoader)
    assert run() == fast


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant"])
def test_lint_hints_speak_the_readers_language(lang: str, capsys: pytest.CaptureFixture[str]
                                               ) -> None:
    """`lint --lang` words the did-you-mean hints in Chinese too (ids stay as written)."""
    from deliberation.cli import main

    files = sorted(str(p) for p in BROKEN.glob("*.yaml"))
    main(["lint", "--lang", lang, *files])
    out = capsys.readouterr().out
    assert "是不是" in out
    assert "did you mean" not in out and "expected one of" not in out
