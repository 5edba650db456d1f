"""The command imports only what it uses (start-up speed; benchmarks/cli.py times it): checked
by the modules a fresh process holds after the command, never by a clock."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Runs the command in this process, then names the modules it loaded (on stderr, after the
# command's own output).
_PROBE = """
import json, sys
from deliberation.cli import main
try:
    main(json.loads(sys.argv[1]))
except SystemExit:
    pass
print("MODULES " + json.dumps(sorted(sys.modules)), file=sys.stderr)
"""

# Never needed to run or show a stored case: the trainer's pages, simulation, the service,
# the scenario reader, PostgreSQL, the PDF register.
_HEAVY = ("jinja2", "numpy", "psycopg", "reportlab", "fastapi", "deliberation.simulation",
          "deliberation.service", "deliberation.engine.scenario", "deliberation.trainer.walk",
          "deliberation.trainer.html_page", "deliberation.store.register_pdf")


# Libraries only some paths need, imported there: msgspec (verifying a chain), rfc8785 (canonical
# JSON beyond the BMP), csv (a CSV roster file), importlib.resources (the shipped files are
# found beside their modules).
_LIBRARIES = ("msgspec", "rfc8785", "csv", "importlib.resources")


def _modules(args: list[str]) -> set[str]:
    done = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(args)],
                          capture_output=True, text=True, check=True)
    line = next(x for x in done.stderr.splitlines() if x.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if n in modules or any(m.startswith(n + ".") for m in modules))


def test_help_loads_no_command_nor_attrs_yaml_or_catalogs() -> None:
    modules = _modules(["--help"])
    assert _loaded(modules, ("attr", "yaml", "transitions", "deliberation.i18n",
                             "deliberation.errors")) == []
    assert sorted(m for m in modules if m.startswith("deliberation.commands.")) == []


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('startup')) / 'cases.db'}"
    subprocess.run([sys.executable, "-m", "deliberation.cli", "case", "new", "--db", url,
                    "--procedure", "four-deliberations", "--matter", "修村道", "--id", "road"],
                   check=True, capture_output=True)
    return url


# What the store's own views read: the cases table and the records, never a procedure, the
# rules, the engine or a roster (the procedure machinery costs most of the start-up).
_PROCEDURE = ("deliberation.definition", "deliberation.rules", "deliberation.engine.case",
              "deliberation.engine.plan", "deliberation.trainer", "deliberation.roster", "yaml")


def test_case_list_loads_no_procedure_rules_engine_nor_roster(db: str) -> None:
    modules = _modules(["case", "list", "--db", db])
    assert "deliberation.commands.case" in modules
    assert _loaded(modules, (*_HEAVY, *_PROCEDURE)) == []


def test_case_log_loads_no_engine(db: str) -> None:
    modules = _modules(["case", "log", "road", "--db", db])
    assert "deliberation.commands.case_log" in modules
    assert _loaded(modules, ("deliberation.engine.case", "deliberation.engine.plan",
                             "deliberation.engine.evaluators", "deliberation.store.cases")) == []


def test_case_show_loads_only_the_rule_families_its_procedure_names(db: str) -> None:
    # four-deliberations names no motion rule, and nothing else on the way imports that family
    modules = _modules(["case", "show", "road", "--db", db])
    assert _loaded(modules, ("deliberation.rules.motion",)) == []


@pytest.mark.parametrize("args", [
    ["case", "show", "road"],
    ["case", "act", "road", "note", "--text", "备注"],
    ["case", "log", "road"],
], ids=["show", "act", "log"])
def test_case_commands_load_nothing_heavy(db: str, args: list[str]) -> None:
    modules = _modules([*args, "--db", db])
    assert "deliberation.commands.case" in modules  # the probe ran the command
    assert _loaded(modules, (*_HEAVY, *_LIBRARIES)) == []
