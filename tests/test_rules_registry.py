"""The registry's table of where each built-in rule lives (:data:`deliberation.rules.base.FAMILIES`)
says what the families register: each rule in the module the table names, none left out. The
registry imports a family when one of its rules is first looked up (start-up speed), so a wrong
entry would make a rule unknown until something else happened to import its module."""

from __future__ import annotations

import json
import subprocess
import sys

from deliberation.rules import RULES
from deliberation.rules.base import FAMILIES


def test_every_registered_rule_is_in_the_table_under_its_module() -> None:
    defined = {name: RULES[name].build.__self__.__module__  # type: ignore[attr-defined]
               for name in RULES}
    assert defined == dict(FAMILIES)


_PROBE = """
import json, sys
from deliberation.rules import RULES
before = sorted(m for m in sys.modules if m.startswith("deliberation.rules."))
name = sys.argv[1]
found = (name in RULES, RULES[name].name)
after = sorted(m for m in sys.modules if m.startswith("deliberation.rules."))
print(json.dumps([before, found, after]))
"""


def test_a_rule_looked_up_in_a_fresh_process_loads_its_family_only_then() -> None:
    done = subprocess.run([sys.executable, "-c", _PROBE, "signed-by"],
                          capture_output=True, text=True, check=True)
    before, found, after = json.loads(done.stdout)
    assert "deliberation.rules.office_signatures" not in before
    assert found == [True, "signed-by"]
    assert "deliberation.rules.office_signatures" in after


def test_an_unknown_name_is_not_in_the_registry() -> None:
    assert "quorun" not in RULES
    assert RULES.get("quorun") is None
