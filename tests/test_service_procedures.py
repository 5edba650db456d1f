"""Uploading a procedure over real HTTP, on SQLite and on PostgreSQL (two worker processes): a
broken definition is 422 with every diagnostic located and stores nothing; only admins upload;
a clean one is listed and shown in the reader's language, opens cases, and the case's chained
header binds the hash of exactly the stored text (a changed text fails verify and replay)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import test_service_support as support
from test_service_support import Server, make_token

from deliberation.definition.loader import check_text, load_text
from deliberation.i18n import LANGS
from deliberation.service import acting
from deliberation.service import procedures as uploads
from deliberation.service.db import open_service_store
from deliberation.store import StoreError
from deliberation.store.archive import archive_data, verify_archive

VILLAGE = "guzhuang"
CUSTOM = "four-deliberations-ourvillage"
TEXT = (support.ROOT / "procedures" / "four-deliberations-shandong.yaml").read_text(
    "utf-8").replace("id: four-deliberations-shandong", f"id: {CUSTOM}")
YAML = {"Content-Type": "application/yaml"}


class Env:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.db = server.db
        self.admin = make_token(server.db, "admin", VILLAGE)
        self.clerk = make_token(server.db, "clerk", VILLAGE)
        self.auditor = make_token(server.db, "auditor", VILLAGE)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[Env]:
    base = str(request.getfixturevalue("postgres_url")) if request.param == "postgresql" else None
    urls = support.database_url(request.param, tmp_path_factory.mktemp("procs"), base)
    db = next(urls)
    server = Server(db, workers=2 if request.param == "postgresql" else 1)
    try:
        yield Env(server)
    finally:
        log = server.stop()
        assert "Traceback" not in log, log
        for _ in urls:
            pass


def _ids(env: Env) -> dict[str, str]:
    with env.server.client(env.auditor) as c:
        r = c.get("/v1/procedures")
        assert r.status_code == 200, r.text
        return {p["id"]: p["source"] for p in r.json()["procedures"]}


def test_a_broken_definition_is_422_with_every_problem_located(env: Env) -> None:
    broken = (TEXT.replace("id: four-deliberations-ourvillage", "id: broken-one")
              .replace("locality:", "localty:").replace("tag: law", "tagg: law", 1))
    expected = check_text(broken, "<request>")[1]
    assert len(expected) >= 2
    before = _ids(env)
    with env.server.client(env.admin) as c:
        r = c.post("/v1/procedures", content=broken.encode(), headers=YAML)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    errors = r.json()["errors"]
    assert [(e["code"], e["line"], e["column"], e["path"]) for e in errors] == [
        (d.code, d.line, d.column, d.path) for d in expected]
    assert all(e["line"] > 0 and e["message"] for e in errors)
    assert _ids(env) == before  # nothing stored


def test_only_admins_upload_and_bodies_have_a_limit(env: Env) -> None:
    before = _ids(env)
    for token in (env.clerk, env.auditor):
        with env.server.client(token) as c:
            r = c.post("/v1/procedures", content=TEXT.encode(), headers=YAML)
            assert r.status_code == 403, r.text
    with env.server.client(env.admin) as c:
        padding = "#" * (uploads.MAX_BYTES + 1)
        r = c.post("/v1/procedures", content=(TEXT + padding).encode(), headers=YAML)
        assert r.status_code == 413, r.text
        r = c.post("/v1/procedures", content=b"\xff\xfe", headers=YAML)
        assert r.status_code == 422 and r.json()["errors"][0]["code"] == "D100"
    assert _ids(env) == before


def test_an_uploaded_procedure_is_shown_opens_cases_and_is_bound_by_its_hash(env: Env) -> None:
    digest = hashlib.sha256(TEXT.encode()).hexdigest()
    procedure = load_text(TEXT)
    with env.server.client(env.admin) as c:
        r = c.post("/v1/procedures", content=TEXT.encode(), headers=YAML)
        assert r.status_code == 201, r.text
        assert (r.json()["id"], r.json()["content_hash"]) == (CUSTOM, digest)
        again = c.post("/v1/procedures", content=TEXT.encode(), headers=YAML)
        assert again.status_code == 200 and again.json()["content_hash"] == digest
        other = c.post("/v1/procedures", content=(TEXT + "# changed\n").encode(), headers=YAML)
        assert other.status_code == 409, other.text
        builtin = TEXT.replace(f"id: {CUSTOM}", "id: four-deliberations-chongqing")
        assert c.post("/v1/procedures", content=builtin.encode(),
                      headers=YAML).status_code == 409
    assert _ids(env)[CUSTOM] == "uploaded"
    with env.server.client(env.auditor) as c:
        for lang in LANGS:
            one = c.get(f"/v1/procedures/{CUSTOM}", headers={"Accept-Language": lang})
            assert one.status_code == 200, one.text
            data = one.json()
            assert data["content_hash"] == digest
            assert data["name"] == procedure.name.get(lang)
            assert [s["name"] for s in data["stages"]] == [s.name.get(lang)
                                                           for s in procedure.stages]
            assert all(r["description"] for s in data["stages"] for r in s["rules"])
    with env.server.client(env.clerk) as c:
        r = c.post("/v1/cases", json={"procedure": CUSTOM, "roster": {"generate": {}},
                                      "case_id": "own-1", "at": "2026-03-02T09:00:00+08:00"})
        assert r.status_code == 201, r.text
        assert r.json()["procedure"]["id"] == CUSTOM
        r = c.post("/v1/cases/own-1/actions", headers={"If-Match": '"1"'},
                   json={"do": "note", "text": "hi", "at": "2026-03-03T09:00:00+08:00"})
        assert r.status_code == 200, r.text
    with env.server.client(env.auditor) as c:
        assert c.get("/v1/cases/own-1/verification").json()["ok"]
        # The archive replays the case under the stored text its header binds, as acting does.
        archive = c.get("/v1/cases/own-1/archive").json()
        assert archive["state"]["replayed"] is True, archive["state"]
        assert archive["state"]["state"] == c.get("/v1/cases/own-1").json()["state"]
        assert archive["procedure"]["version"] == f"1.2+sha256.{digest}"
        assert verify_archive(archive) == []
        page = c.get("/v1/cases/own-1/archive.html", params={"lang": "en"})
        assert page.status_code == 200
        assert "in progress" in page.text and "do not replay" not in page.text
        # the register names the uploaded procedure and its stage, not their ids
        page = c.get("/v1/cases/own-1/archive.html", params={"lang": "zh-Hans"})
        stage = procedure.stage(archive["state"]["state"]).name.get("zh-Hans")
        assert procedure.name.get("zh-Hans") in page.text and stage in page.text, page.text
    store = open_service_store(env.db)
    try:
        info = store.info("own-1")
        assert info.procedure_version == f"1.2+sha256.{digest}"
        assert acting.load(store, "own-1").procedure.id == CUSTOM
        # Another text under the stored hash: verify says so, and a replay refuses it.
        with store.backend.write():
            store.backend.execute(
                "UPDATE service_procedures SET yaml_text = ? WHERE content_hash = ?",
                (TEXT.replace("5日", "3日"), digest))
        with env.server.client(env.auditor) as c:
            checked = c.get("/v1/cases/own-1/verification").json()
        assert not checked["ok"]
        assert [p["code"] for p in checked["problems"]] == ["procedure-changed"]
        uploads._PARSED._items.clear()  # (this process parsed the text before the change)
        with pytest.raises(StoreError):
            acting.load(store, "own-1")
        # ... and the archive says it does not replay
        changed = archive_data(store, "own-1", load=acting.load)
        assert changed["state"]["replayed"] is False
        # A header naming another text breaks the chain at its first record.
        with store.backend.write():
            store.backend.execute(
                "UPDATE service_procedures SET yaml_text = ? WHERE content_hash = ?",
                (TEXT, digest))
            store.backend.execute("UPDATE cases SET procedure_version = ? WHERE case_id = ?",
                                  ("1.2+sha256." + "0" * 64, "own-1"))
        assert store.verify("own-1").where[:1] == (1,)
    finally:
        store.close()


def test_the_command_line_adds_and_lists_as_the_service_does(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"
    good, bad = tmp_path / "ours.yaml", tmp_path / "bad.yaml"
    good.write_text(TEXT, encoding="utf-8")
    bad.write_text(TEXT.replace("locality:", "localty:").replace("tag: law", "tagg: law", 1),
                   encoding="utf-8")
    refused = support.cli("procedure", "add", str(bad), "--lang", "en", db=db)
    assert refused.returncode != 0
    assert f"{bad}:11:1: D201" in refused.stderr and f"{bad}:27:5: D201" in refused.stderr
    added = support.cli("procedure", "add", str(good), "--json", db=db)
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout) == {
        "id": CUSTOM, "version": "1.2", "created": True,
        "content_hash": hashlib.sha256(TEXT.encode()).hexdigest()}
    again = support.cli("procedure", "add", str(good), "--json", db=db)
    assert json.loads(again.stdout)["created"] is False
    listed = support.cli("procedure", "list", "--json", db=db)
    assert [p["id"] for p in json.loads(listed.stdout)] == [CUSTOM]


def test_an_uploaded_procedure_extends_another_pinned_by_hash(env: Env) -> None:
    """``extends:`` an uploaded procedure: resolved to its last version when uploaded, pinned
    by its binding hash (covered by the child's), so a case replays under exactly those texts
    even after the parent gets a new version; a changed parent text fails verify; a missing
    parent and a loop are lint diagnostics."""
    base_id, child_id = "ext-base-" + support.uid(), "ext-child-" + support.uid()
    base = TEXT.replace(f"id: {CUSTOM}", f"id: {base_id}")
    child = f"id: {child_id}\nextends: {base_id}\nversion: '1.0'\n"
    with env.server.client(env.admin) as c:
        r = c.post("/v1/procedures", content=base.encode(), headers=YAML)
        assert r.status_code == 201, r.text
        base_hash = r.json()["content_hash"]
        assert base_hash == uploads.content_hash(base)
        r = c.post("/v1/procedures", content=child.encode(), headers=YAML)
        assert r.status_code == 201, r.text
        child_hash = r.json()["content_hash"]
        assert child_hash == uploads.binding_hash(child, base_id, base_hash) != \
            uploads.content_hash(child)
        assert r.json()["name"] == load_text(base).name.get("zh-Hans")
    with env.server.client(env.clerk) as c:
        r = c.post("/v1/cases", json={"procedure": child_id, "roster": {"generate": {}},
                                      "case_id": child_id, "at": "2026-03-02T09:00:00+08:00"})
        assert r.status_code == 201, r.text
    # The parent gets a new version: the child's cases keep the text they bind.
    newer = base.replace('version: "1.2"', 'version: "2.0"').replace(
        "(Shandong)", "(Shandong, 2)")
    with env.server.client(env.admin) as c:
        assert c.post("/v1/procedures", content=newer.encode(),
                      headers=YAML).status_code == 201
    with env.server.client(env.clerk) as c:
        r = c.post(f"/v1/cases/{child_id}/actions", headers={"If-Match": '"1"'},
                   json={"do": "note", "text": "hi", "at": "2026-03-03T09:00:00+08:00"})
        assert r.status_code == 200, r.text
    with env.server.client(env.auditor) as c:
        assert c.get(f"/v1/cases/{child_id}/verification").json()["ok"]
        archive = c.get(f"/v1/cases/{child_id}/archive").json()
        assert archive["state"]["replayed"] is True, archive["state"]
        assert verify_archive(archive) == []
    store = open_service_store(env.db)
    try:
        assert store.info(child_id).procedure_version == f"1.0+sha256.{child_hash}"
        uploads._PARSED._items.clear()
        replayed = acting.load(store, child_id)
        assert replayed.procedure.name.get("en") == load_text(base).name.get("en")
        # A changed parent text (under the hash the child pins) fails verify and replay.
        with store.backend.write():
            store.backend.execute(
                "UPDATE service_procedures SET yaml_text = ? WHERE content_hash = ?",
                (base.replace("5日", "3日"), base_hash))
        with env.server.client(env.auditor) as c:
            checked = c.get(f"/v1/cases/{child_id}/verification").json()
        assert [p["code"] for p in checked["problems"]] == ["procedure-changed"]
        uploads._PARSED._items.clear()
        with pytest.raises(StoreError):
            acting.load(store, child_id)
        with store.backend.write():
            store.backend.execute(
                "UPDATE service_procedures SET yaml_text = ? WHERE content_hash = ?",
                (base, base_hash))
    finally:
        store.close()
    with env.server.client(env.admin) as c:
        # A missing parent: D703, with the uploaded ids among the suggestions' candidates.
        lint = c.post("/v1/procedures/lint", headers=YAML,
                      content=f"id: ext-orphan\nextends: {base_id}x\nversion: '1'\n".encode())
        assert [d["code"] for d in lint.json()["diagnostics"]] == ["D703"], lint.text
        assert base_id in lint.json()["diagnostics"][0]["hint"]
        # A loop by id: the parent's next version extending the child that extends it.
        looped = base.replace('version: "1.2"', 'version: "3.0"').replace(
            "extends: four-deliberations@1.1", f"extends: {child_id}")
        lint = c.post("/v1/procedures/lint", headers=YAML, content=looped.encode())
        assert [d["code"] for d in lint.json()["diagnostics"]] == ["D702"], lint.text
        r = c.post("/v1/procedures", content=looped.encode(), headers=YAML)
        assert r.status_code == 422 and "D702" in r.text, r.text
        # Pinned to an uploaded version (ID@VERSION): that version, or D703 naming those kept.
        pinned = f"id: ext-pinned\nextends: {base_id}@1.2\nversion: '1'\n"
        lint = c.post("/v1/procedures/lint", headers=YAML, content=pinned.encode())
        assert lint.json()["diagnostics"] == [], lint.text
        lint = c.post("/v1/procedures/lint", headers=YAML,
                      content=pinned.replace("@1.2", "@9.9").encode())
        (d,) = lint.json()["diagnostics"]
        assert (d["code"], d["line"]) == ("D703", 2), lint.text
        assert "1.2" in d["hint"] and "2.0" in d["hint"], lint.text


def test_a_case_under_an_earlier_built_in_version_is_read_and_never_acted_on(env: Env) -> None:
    # A four-deliberations-shandong 1.0 case stored before 1.1 replaced it (the library keeps
    # 1.0 in procedures/history/): the service reads, verifies and exports it, and refuses an
    # action with 422 naming both versions, storing nothing — as the library does.
    from deliberation.definition.loader import Library, load_file
    from deliberation.engine.case import Case
    from deliberation.roster import Roster
    from deliberation.store.cases import save_case

    lib = Library()
    old = load_file(lib.history_path("four-deliberations-shandong", "1.0"), library=lib)
    case_id = "sd-old-" + support.uid()
    case = Case.open(old, Roster.generate(), matter="修村道", case_id=case_id)
    store = open_service_store(env.db)
    try:
        save_case(store, case, VILLAGE)
    finally:
        store.close()
    with env.server.client(env.clerk, lang="en") as c:
        shown = c.get(f"/v1/cases/{case_id}")
        assert shown.status_code == 200, shown.text
        assert shown.json()["state"] == "proposal"
        r = c.post(f"/v1/cases/{case_id}/actions", headers={"If-Match": '"1"'},
                   json={"do": "note", "text": "hi"})
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "invalid-action"
        assert "version 1.0, which version 1.2 has replaced" in r.json()["detail"]
        assert c.get(f"/v1/cases/{case_id}").json()["version"] == 1
    with env.server.client(env.auditor) as c:
        assert c.get(f"/v1/cases/{case_id}/verification").json()["ok"]
        archive = c.get(f"/v1/cases/{case_id}/archive").json()
        assert archive["state"]["replayed"] is True, archive["state"]
        assert archive["state"]["superseded_by"] == "1.2"
