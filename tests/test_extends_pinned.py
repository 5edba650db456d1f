"""``extends: ID@VERSION``: a procedure names the version of the procedure it builds on.

A stored case binds its procedure's id and version; a procedure that extends another is made of
both files, so its meaning at a version must not move when its parent gets a new version. A
pinned parent resolves to that version (the current file, or the one kept in ``history/``); a
version kept in ``history/`` must pin its parent (D707); every shipped extension pins its
parent's current version, so changing a parent shows here until each child is given a version
of its own.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deliberation.definition.loader import Library, builtin_procedures_dir, check_text

SHIPPED = builtin_procedures_dir() / "four-deliberations.yaml"
CHILD = """\
format: 1
id: child
version: "1"
locality: test
extends: {ref}
"""


def _parent(version: str) -> str:
    """The shipped 四议两公开 as ``parent`` at ``version``, its English name saying which."""
    text = SHIPPED.read_text(encoding="utf-8")
    text = text.replace("id: four-deliberations\n", "id: parent\n", 1)
    text = re.sub(r'^version: "[^"]*"\n', f'version: "{version}"\n', text, count=1,
                  flags=re.MULTILINE)
    return text.replace("  en: Four deliberations and two disclosures\n",
                        f"  en: parent {version}\n", 1)


@pytest.fixture
def library(tmp_path: Path) -> Library:
    """``parent`` at 2.0 with 1.0 kept in history/."""
    (tmp_path / "history").mkdir()
    (tmp_path / "parent.yaml").write_text(_parent("2.0"), encoding="utf-8")
    (tmp_path / "history" / "parent@1.0.yaml").write_text(_parent("1.0"), encoding="utf-8")
    return Library([tmp_path])


def _name(library: Library, ref: str, file: str = "child.yaml") -> str:
    procedure, diagnostics = check_text(CHILD.format(ref=ref), file, library)
    assert procedure is not None, [d.format() for d in diagnostics]
    return procedure.name.get("en")


def test_a_pinned_parent_resolves_to_that_version(library: Library) -> None:
    assert _name(library, "parent@1.0") == "parent 1.0"
    assert _name(library, "parent@2.0") == "parent 2.0"
    assert _name(library, "parent") == "parent 2.0"  # unpinned: the current one


def test_a_child_of_a_kept_version_is_not_itself_superseded(library: Library) -> None:
    procedure, _ = check_text(CHILD.format(ref="parent@1.0"), "child.yaml", library)
    assert procedure is not None
    assert (procedure.extends, procedure.superseded_by) == ("parent", None)


@pytest.mark.parametrize(("ref", "code", "words"), [
    ("parent@0.9", "D703", "which is not kept (hint: the earlier versions kept: 1.0)"),
    ("parent@", "D202", "ID@VERSION"),
    ("parent@1.0@1.0", "D202", "ID@VERSION"),
    ("parent@a b", "D202", "ID@VERSION"),
    ("nobody@1.0", "D703", "parent"),
])
def test_a_bad_pin_is_located(library: Library, ref: str, code: str, words: str) -> None:
    procedure, diagnostics = check_text(CHILD.format(ref=ref), "child.yaml", library)
    assert procedure is None
    (d,) = diagnostics
    assert (d.code, d.line, d.path) == (code, 5, "extends")
    assert words in d.format()


def test_a_kept_version_must_pin_its_parent(library: Library, tmp_path: Path) -> None:
    kept = str(tmp_path / "history" / "child@1.yaml")
    procedure, diagnostics = check_text(CHILD.format(ref="parent"), kept, library)
    assert procedure is None
    assert [(d.code, d.line) for d in diagnostics] == [("D707", 5)]
    assert "parent@VERSION" in diagnostics[0].hint_in()
    assert _name(library, "parent@1.0", kept) == "parent 1.0"


def test_every_shipped_extension_pins_its_parents_current_version() -> None:
    """Giving a shipped procedure a new version fails here for each child still pinned to the
    old one: give the child a new version too (keeping its old file in history/), or leave it
    on the old parent on purpose by moving it to history/."""
    lib = Library()
    folder = builtin_procedures_dir()
    pinned = 0
    for path in sorted(folder.glob("*.yaml")) + sorted((folder / "history").glob("*.yaml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("extends:"):
                ref = line.split(":", 1)[1].split("#")[0].strip()
                parent, at, version = ref.partition("@")
                assert at, f"{path.name}: extends {ref} names no version"
                if path.parent.name != "history":
                    assert lib.load(parent).version == version, path.name
                pinned += 1
    assert pinned >= 10
