"""docs/analysis.md shows real output: each ``$ deliberation …`` block is run again here and
must print exactly what the page says (a block ending in ``…`` shows the output's beginning)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from deliberation.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```console\n\$ deliberation (.*?)\n(.*?)```", DOC, re.S)


def test_the_page_has_its_examples() -> None:
    commands = [c for c, _ in BLOCKS]
    assert "paths four-deliberations --lang en" in commands
    assert "diff four-deliberations six-deliberations-guzhuang --lang en" in commands


# The --simulate figures come from the simulation's random streams (checked against closed
# forms in the simulation's own tests); the page states them with their seed and command.
@pytest.mark.parametrize("command,shown", [b for b in BLOCKS if "--simulate" not in b[0]],
                         ids=[c for c, _ in BLOCKS if "--simulate" not in c])
def test_each_example_prints_what_the_page_shows(
        command: str, shown: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the page's paths are relative to the repository
    assert main(shlex.split(command)) == 0
    printed = capsys.readouterr().out.rstrip("\n")
    shown = shown.rstrip("\n")
    if shown.endswith("\n…"):
        head = shown[: -len("\n…")]
        assert printed.startswith(head + "\n")
    else:
        assert printed == shown


def test_the_table_of_path_counts_is_measured() -> None:
    from deliberation import load_procedure
    from deliberation.analysis.paths import derive_paths

    rows = re.findall(r"^\| ([a-z-]+)(?: \([^|]*\))? \| (\d+)[^|]* \| (\d+) \| (\d+) \|$", DOC,
                      re.M)
    assert len(rows) == 8
    for pid, paths, groups, loops in rows:
        a = derive_paths(load_procedure(pid))
        assert (a.total, len(a.groups), len(a.loops)) == (int(paths), int(groups), int(loops))


SIMULATED = [(page, c, s) for page in ("analysis.md", "simulation.md")
             for c, s in re.findall(r"```console\n\$ deliberation (.*?)\n(.*?)```",
                                    (ROOT / "docs" / page).read_text(encoding="utf-8"), re.S)
             if "--simulate" in c]


@pytest.mark.parametrize("page,command,shown", SIMULATED, ids=[p for p, _, _ in SIMULATED])
def test_each_simulated_example_prints_the_lines_the_page_shows(
        page: str, command: str, shown: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The --simulate examples state their seed: run again, every line the page shows is
    printed, in the page's order (``…`` stands for lines left out)."""
    monkeypatch.chdir(ROOT)
    assert main(shlex.split(command)) == 0
    printed = iter(capsys.readouterr().out.splitlines())
    for line in shown.rstrip("\n").splitlines():
        if line != "…":
            assert line in printed, f"docs/{page}: not printed (in this order): {line}"
