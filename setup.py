"""Build step: compile the gettext catalogs (deliberation/locale/*/LC_MESSAGES/*.po → .mo).

Everything else is declared in pyproject.toml. The ``.po`` files are the sources kept in git;
the ``.mo`` files are build output: a wheel (``pip install .``) gets them in its build folder,
and an editable install (``pip install -e .``) gets them beside their ``.po`` in the source tree
(the place an in-place build puts compiled files, as for C extensions; git ignores them). At run
time a ``.po`` newer than its ``.mo`` is an error, never an old wording shown silently.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import Command, setup
from setuptools.command.build import build

LOCALE = Path("deliberation", "locale")


class compile_catalogs(Command):  # noqa: N801 — setuptools names commands in snake_case
    """Compile every deliberation.po under deliberation/locale to its .mo."""

    description = "compile the gettext catalogs (.po → .mo)"
    user_options: list[tuple[str, str | None, str]] = []
    editable_mode = False

    def initialize_options(self) -> None:
        self.build_lib: str | None = None

    def finalize_options(self) -> None:
        self.set_undefined_options("build_py", ("build_lib", "build_lib"))

    def _pairs(self) -> list[tuple[Path, Path]]:
        root = Path(".") if self.editable_mode else Path(self.build_lib or "build/lib")
        return [(po, root / po.with_suffix(".mo")) for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))]

    def run(self) -> None:
        # Babel is a build requirement only (pyproject [build-system]); the library reads .mo
        # files with the standard library's gettext.
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po, mo in self._pairs():
            with po.open("rb") as fp:
                cat = read_po(fp, domain="deliberation")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with mo.open("wb") as out:
                write_mo(out, cat, use_fuzzy=False)
            self.announce(f"compiled {po} -> {mo}", level=2)

    def get_outputs(self) -> list[str]:
        return [str(mo) for _, mo in self._pairs()]

    def get_output_mapping(self) -> dict[str, str]:
        return {str(mo): str(po) for po, mo in self._pairs()}


class build_with_catalogs(build):  # noqa: N801
    # after build_py, so nothing copied from the source tree can replace a freshly compiled .mo
    sub_commands = [*build.sub_commands, ("compile_catalogs", None)]


setup(cmdclass={"compile_catalogs": compile_catalogs, "build": build_with_catalogs})
