"""Evidence over real HTTP (a ``deliberation serve`` process, SQLite and PostgreSQL): the act
endpoint takes attachments as base64 JSON; the record names them, the store keeps the bytes,
bad files are located 422s, and a refused action stores nothing."""

from __future__ import annotations

import base64
import hashlib

from test_service_http import Env, _open, env  # noqa: F401  (the servers, one per backend)
from test_service_support import act, uid

from deliberation.store import open_store

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
    with open_store(env.server.db) as store:
        assert set(store.attachments(case_id)) == {hashlib.sha256(PDF).hexdigest(),
                                                   hashlib.sha256(JPEG).hexdigest()}
