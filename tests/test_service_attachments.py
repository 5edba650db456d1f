"""Evidence over real HTTP (a ``deliberation serve`` process, SQLite and PostgreSQL): the act
endpoint takes attachments as base64 JSON; the record names them, the store keeps the bytes,
bad files are located 422s, and a refused action stores nothing."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
from pathlib import Path

from test_service_contract import VERIFIER, _node
from test_service_http import Env, _open, env  # noqa: F401  (the servers, one per backend)
from test_service_support import act, uid

from deliberation.store import open_store
from deliberation.store.archive import verify_archive

PDF = b"%PDF-1.7\n scanned minutes"
JPEG = b"\xff\xd8\xff\xe0 photo of the notice board"
AT = "2026-03-02T10:00:00+08:00"


def _file(name: str, content: bytes, **extra: str) -> dict[str, str]:
    return {"name": name, "base64": base64.b64encode(content).decode(), **extra}


def test_an_action_carries_attachments_over_http(env: Env) -> None:  # noqa: F811
    case_id = "evidence-" + uid()
    with env.client(env.clerk) as c:
        version = _open(c, case_id)
        body = {"do": "note", "text": "会前准备", "at": AT,
                "attachments": [_file("纪要.pdf", PDF),
                                _file("board.jpg", JPEG, media_type="image/jpeg")]}
        r = act(c, case_id, body, version, key="e-1")
        assert r.status_code == 200, r.text
        record = r.json()["records"][0]["record"]
        assert [a["name"] for a in record["attachments"]] == ["纪要.pdf", "board.jpg"]
        assert record["attachments"][1] == {"name": "board.jpg", "media_type": "image/jpeg",
                                            "size": len(JPEG),
                                            "sha256": hashlib.sha256(JPEG).hexdigest()}
        # the keyed retry replays the answer and stores nothing twice
        assert act(c, case_id, body, version, key="e-1").json() == r.json()
        version += 1
        bad = [
            ({**body, "attachments": [_file("run.exe", b"MZ\x90\x00")]}, "not an accepted kind"),
            ({**body, "attachments": [_file("m.pdf", PDF, media_type="image/png")]},
             "sent as image/png"),
            ({**body, "attachments": [{"name": "m.pdf", "base64": "%%%"}]}, "not valid base64"),
            ({**body, "attachments": [{"name": "m.pdf"}]}, "name and base64"),
            ({**body, "attachments": []}, "name and base64"),
            ({**body, "attachments": [_file("../m.pdf", PDF)]}, "not a file name"),
            # a refused action: the files with it are not stored
            ({"do": "conclude", "at": AT, "attachments": [_file("x.txt", b"x")]}, ""),
        ]
        for request, words in bad:
            r = act(c, case_id, request, version)
            assert r.status_code == 422, r.text
            assert words in r.text
        assert c.get(f"/v1/cases/{case_id}").json()["version"] == version
        archive = c.get(f"/v1/cases/{case_id}/archive").json()
        assert archive["verification"]["ok"]
        assert "attachments" not in archive
        # With ?attachments=true the archive carries the bytes (as case export --attachments)
        full = c.get(f"/v1/cases/{case_id}/archive", params={"attachments": "true"}).json()
        assert {a["sha256"]: base64.b64decode(a["base64"]) for a in full["attachments"]} == {
            hashlib.sha256(PDF).hexdigest(): PDF, hashlib.sha256(JPEG).hexdigest(): JPEG}
        assert verify_archive(full) == []
    with open_store(env.server.db) as store:
        assert set(store.attachments(case_id)) == {hashlib.sha256(PDF).hexdigest(),
                                                   hashlib.sha256(JPEG).hexdigest()}


def test_the_node_verifier_checks_a_live_archive_with_its_attachments(
        env: Env, tmp_path: Path) -> None:  # noqa: F811
    """``verify-archive.mjs --url … --attachments`` fetches the archive with the bytes and
    checks them; an archive file whose bytes were changed is located at the naming record."""
    case_id = "evidence-node-" + uid()
    with env.client(env.clerk) as c:
        version = _open(c, case_id)
        r = act(c, case_id, {"do": "note", "text": "会前准备", "at": AT,
                             "attachments": [_file("纪要.pdf", PDF)]}, version)
        assert r.status_code == 200, r.text
        seq = r.json()["records"][0]["seq"]
        full = c.get(f"/v1/cases/{case_id}/archive", params={"attachments": "true"}).json()
    node = _node()
    live = subprocess.run(
        [node, str(VERIFIER), "--url", f"{env.server.base}/v1/cases/{case_id}",
         "--token", env.clerk, "--attachments"],
        capture_output=True, text=True, timeout=60, check=False)
    assert live.returncode == 0, live.stdout + live.stderr
    assert json.loads(live.stdout)["ok"] is True
    full["attachments"][0]["base64"] = base64.b64encode(PDF + b" forged").decode()
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(full, ensure_ascii=False), encoding="utf-8")
    changed = subprocess.run([node, str(VERIFIER), str(path)], capture_output=True, text=True,
                             timeout=60, check=False)
    assert changed.returncode == 1, changed.stdout + changed.stderr
    problems = json.loads(changed.stdout)["problems"]
    assert [(p["code"], p["seq"]) for p in problems] == [("attachment-changed", seq)]
