"""What a developer meets first in the docs works as written: the Python examples of the
engine and store pages run as they stand, in an empty folder, every relative link of the
README and the docs leads to a file (and a heading) that exists, and every dotted Python name
they give imports."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# The Python blocks a developer copies to start with (simulation.md's runs 100,000 cases and
# is covered by the simulation's own tests; roster.md's reads a file relative to the checkout).
RUNNABLE = ("engine.md", "store.md")


def _python_blocks(name: str) -> list[str]:
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, re.S)


@pytest.mark.parametrize("name", RUNNABLE)
def test_the_pages_python_examples_run_as_written(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _python_blocks(name)
    assert blocks, f"docs/{name} lost its Python example"
    monkeypatch.chdir(tmp_path)  # the store example writes village.db where it runs
    for n, block in enumerate(blocks):
        exec(compile(block, f"docs/{name} (block {n + 1})", "exec"), {})


def _anchor(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _links() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        for link in re.findall(r"\]\(([^)\s]+)\)", page.read_text(encoding="utf-8")):
            if not re.match(r"[a-z]+:", link):
                found.append((str(page.relative_to(ROOT)), link))
    return found


@pytest.mark.parametrize("page,link", _links())
def test_every_relative_link_leads_somewhere(page: str, link: str) -> None:
    path, _, anchor = link.partition("#")
    target = (ROOT / page).parent / path if path else ROOT / page
    assert target.exists(), f"{page} links to {link}, which does not exist"
    if anchor and target.suffix == ".md":
        headings = re.findall(r"^#+ (.*)$", target.read_text(encoding="utf-8"), re.M)
        assert anchor in {_anchor(h) for h in headings}, f"{page}: no heading for {link}"


# Dotted names in the docs that are files, not Python
FILES = {"deliberation.db"}


def _dotted_names() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        for name in re.findall(r"`(deliberation(?:\.[A-Za-z_]\w*)+)", page.read_text("utf-8")):
            if name not in FILES:
                found.append((str(page.relative_to(ROOT)), name))
    return sorted(set(found))


@pytest.mark.parametrize("page,name", _dotted_names())
def test_every_python_name_the_docs_give_imports(page: str, name: str) -> None:
    """`deliberation.engine.machine.machine_for`, not a path a developer's import fails on."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            assert hasattr(obj, attr), f"{page}: {name} does not exist"
            obj = getattr(obj, attr)
        return
    pytest.fail(f"{page}: {name} does not exist")


def test_format_md_shows_the_thresholds_as_show_prints_them(
        capsys: pytest.CaptureFixture[str]) -> None:
    """format.md quotes `deliberation show four-deliberations --lang en`: each line it shows
    (less its `#` note) is a line show prints."""
    from deliberation.cli import main

    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    shown = text.split("as `deliberation show four-deliberations --lang en` prints them:", 1)[1]
    shown = shown.split("```\n", 1)[1].split("```", 1)[0]
    assert main(["show", "four-deliberations", "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    for line in shown.splitlines():
        words = line.split("  #")[0].strip()
        assert f"- {words} [basis:" in printed, words


@pytest.mark.parametrize("command", ["simulate", "compare", "paths", "walk", "case", "serve"])
def test_every_option_of_a_command_is_in_the_docs(command: str) -> None:
    """An option --help lists is one a reader of the docs can find (``--output`` as ``-o``)."""
    import contextlib
    import io

    from deliberation.cli import main

    docs = "\n".join(p.read_text(encoding="utf-8") for p in PAGES)
    subcommands = (["new", "act", "show", "log", "verify", "export", "list"]
                   if command == "case" else [""])
    for sub in subcommands:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
            main([command, *([sub] if sub else []), "--help", "--lang", "en"])
        options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", out.getvalue()))
        missing = {o for o in options - {"--help", "--output"} if o not in docs}
        assert not missing, f"{command} {sub}: not in the docs: {sorted(missing)}"
