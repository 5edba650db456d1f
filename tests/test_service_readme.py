"""The README's curl session against a real server: the same requests, the same answers."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from test_service_support import ROOT, Server, make_token


def _session() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```bash\n(.*?)```", text, re.S) if "curl" in b)
    joined = block.replace("\\\n", " ")
    return [shlex.split(line) for line in joined.splitlines() if line.startswith("curl")]


def test_the_readme_curl_session_works(tmp_path: Path) -> None:
    calls = _session()
    assert len(calls) == 3
    server = Server(f"sqlite:///{tmp_path / 'readme.db'}")
    try:
        token = make_token(server.db, "clerk", "guzhuang")
        statuses = []
        with server.client() as c:
            for argv in calls:
                method, url, headers, body = "GET", "", {}, None
                it = iter(argv[1:])
                for arg in it:
                    if arg == "-X":
                        method = next(it)
                    elif arg == "-H":
                        name, _, value = next(it).partition(":")
                        headers[name.strip()] = value.strip().replace("$TOKEN", token)
                    elif arg == "-d":
                        body = next(it)
                    elif arg.startswith("http"):
                        url = arg.replace("http://127.0.0.1:8000", "")
                r = c.request(method, url, headers=headers, content=body)
                statuses.append(r.status_code)
                assert "Traceback" not in r.text
                if "explanation" in url:
                    data = json.loads(r.text)
                    assert r.headers["content-language"] == "zh-Hant"
                    assert data["version"] == 2 and data["actions"]
        assert statuses == [201, 200, 200]
    finally:
        server.stop()
