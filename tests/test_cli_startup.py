"""The command imports only what it uses (start-up speed; benchmarks/cli.py times it): checked
by the modules a fresh process holds after the command, never by a clock."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from deliberation.cli import build_parser
from deliberation.commands import COMMANDS

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
# found beside their modules), difflib (a did-you-mean, made only for a mistake), lunardate (a
# lunar date converted: four-deliberations has no lunar schedule), shutil (argparse's way to the
# terminal's width, with bz2 and lzma: the parsers' formatter finds it without).
_LIBRARIES = ("msgspec", "rfc8785", "csv", "importlib.resources", "difflib", "lunardate",
              "shutil")


def _modules(args: list[str]) -> set[str]:
    done = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(args)],
                          capture_output=True, text=True, check=True)
    line = next(x for x in done.stderr.splitlines() if x.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if n in modules or any(m.startswith(n + ".") for m in modules))


def test_help_loads_no_command_nor_attrs_yaml_or_catalogs() -> None:
    modules = _modules(["--help"])
    # typing too: the modules --help needs name its types for the checker only (a tenth of it)
    assert _loaded(modules, ("attr", "yaml", "transitions", "deliberation.i18n",
                             "deliberation.errors", "typing", "shutil")) == []
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


# Rule families four-deliberations names no rule of, and the working-day calendar with its holiday
# tables (it counts no working days), which nothing on the way needs either: the definition's
# checks and the engine look for a family's rules and facts by name (deliberation.rules.names),
# and import a family where a procedure uses it.
_UNNAMED_FAMILIES = ("deliberation.rules.motion", "deliberation.rules.composite",
                     "deliberation.rules.written", "deliberation.rules.gates",
                     "deliberation.rules.comments", "deliberation.rules.publication",
                     "deliberation.rules.consultation", "deliberation.rules.observers",
                     "deliberation.rules.office_signatures", "deliberation.rules.schedules",
                     "deliberation.rules.tasks", "deliberation.rules.calendars",
                     "deliberation.rules.holidays")


@pytest.mark.parametrize("args", [
    ["case", "show", "road"], ["case", "act", "road", "note", "--text", "备注"],
    ["case", "log", "road"], ["case", "verify", "road"], ["show", "four-deliberations"],
    ["lint", "four-deliberations"],
], ids=["case-show", "case-act", "case-log", "case-verify", "show", "lint"])
def test_loads_only_the_rule_families_its_procedure_names(db: str, args: list[str]) -> None:
    modules = _modules([*args, "--db", db] if args[0] == "case" else args)
    assert "deliberation.definition.checks" in modules  # the procedure was read and checked
    assert _loaded(modules, _UNNAMED_FAMILIES) == []


@pytest.mark.parametrize("args", [
    ["case", "show", "road"],
    ["case", "act", "road", "note", "--text", "备注"],
    ["case", "log", "road"],
], ids=["show", "act", "log"])
def test_case_commands_load_nothing_heavy(db: str, args: list[str]) -> None:
    modules = _modules([*args, "--db", db])
    assert "deliberation.commands.case" in modules  # the probe ran the command
    assert _loaded(modules, (*_HEAVY, *_LIBRARIES)) == []


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The parsers of a parser's subcommands, by name."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _choices(parser: argparse.ArgumentParser) -> list[str]:
    """The names a parser's subcommand argument accepts."""
    return list(_subparsers(parser))


def test_a_named_subcommand_builds_only_its_parsers() -> None:
    # no other command's parser, nor another case subcommand's (each costs argparse gettext
    # look-ups on disk); the list is built where it can be shown
    parser = build_parser(["case", "show", "road", "--db", "sqlite:///x.db"])
    assert _choices(parser) == ["case"]
    assert _choices(_subparsers(parser)["case"]) == ["show"]


@pytest.mark.parametrize("argv", [
    [], ["--help"], ["--help", "case"], ["-h", "case", "show"], ["bogus"], ["--", "case"],
], ids=["none", "help", "help-case", "h-case-show", "unknown", "dashdash"])
def test_every_command_is_listed_where_the_list_can_show(argv: list[str]) -> None:
    assert len(_choices(build_parser(argv))) == len(COMMANDS)


@pytest.mark.parametrize("words", [
    ["case"], ["case", "--help"], ["case", "-h", "show"], ["case", "shwo"], ["case", "--db", "x"],
    ["case", "--", "show"],
], ids=["none", "help", "h-show", "unknown", "option-first", "dashdash"])
def test_every_case_subcommand_is_listed_where_the_list_can_show(words: list[str]) -> None:
    case = _subparsers(build_parser(words))["case"]
    assert _choices(case) == ["new", "act", "show", "log", "verify", "export", "list"]


def test_help_before_a_command_lists_every_command() -> None:
    done = subprocess.run([sys.executable, "-m", "deliberation.cli", "--help", "case"],
                          capture_output=True, text=True, check=True)
    assert all(name in done.stdout for name in COMMANDS)


@pytest.mark.parametrize("args", [
    ["case", "show", "road"], ["case", "log", "road"], ["case", "verify", "road"],
], ids=["show", "log", "verify"])
def test_reading_a_case_loads_no_evidence_reader(db: str, args: list[str]) -> None:
    # evidence (files an action carries) is read only by case act
    modules = _modules([*args, "--db", db])
    assert "deliberation.commands.case" in modules
    assert _loaded(modules, ("deliberation.store.evidence",)) == []


# The installed command runs start-up without the cyclic garbage collector (see cli.run): here
# a command's own work notes whether the collector runs, in a fresh process so that nothing in
# the test process is frozen.
_COLLECTOR_PROBE = """
import gc, json, sys
from deliberation import cli
from deliberation.store.core import Store

seen = []
cases = Store.cases
def noting(self, *args, **kwargs):
    seen.append((gc.isenabled(), gc.get_freeze_count()))
    return cases(self, *args, **kwargs)
Store.cases = noting
sys.argv = ["deliberation", *json.loads(sys.argv[1])]
code = cli.run()
print("SEEN " + json.dumps([code, seen, gc.isenabled()]), file=sys.stderr)
"""


def test_the_command_works_with_the_collector_on_and_start_up_frozen(db: str) -> None:
    done = subprocess.run([sys.executable, "-c", _COLLECTOR_PROBE,
                           json.dumps(["case", "list", "--db", db])],
                          capture_output=True, text=True, check=True)
    line = next(x for x in done.stderr.splitlines() if x.startswith("SEEN "))
    code, seen, enabled_after = json.loads(line.removeprefix("SEEN "))
    assert code == 0 and "road" in done.stdout
    # collected as usual while the command works (a long command needs that), with what
    # start-up made kept out of its collections
    assert len(seen) == 1 and seen[0][0] is True and seen[0][1] > 10_000
    assert enabled_after is True
