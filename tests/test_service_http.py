"""The service over real HTTP: a ``deliberation serve`` process on 127.0.0.1, on SQLite and on
PostgreSQL (with two worker processes). A whole 六议两公开 case in three languages, a refusal
with the payload of ``run --json``, a 409 race, an idempotent retry, 403 across villages, and
the event feed."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from itertools import cycle
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import referencing
import test_service_support as support
from test_service_support import SCENARIOS, Server, act, make_token, scenario_actions, uid

from deliberation import load_procedure
from deliberation.definition.loader import check_text
from deliberation.engine.scenario import load_scenario, run_scenario
from deliberation.i18n import LANGS
from deliberation.service import schemas
from deliberation.service.app import create_app
from deliberation.service.problems import TITLES
from deliberation.service.settings import ServiceSettings
from deliberation.store import open_store

VILLAGE = "guzhuang"


class Env:
    def __init__(self, server: Server) -> None:
        self.server = server
        db = server.db
        self.clerk = make_token(db, "clerk", VILLAGE)
        self.other_clerk = make_token(db, "clerk", "lijin")
        self.auditor = make_token(db, "auditor", VILLAGE)
        self.admin = make_token(db, "admin", VILLAGE)

    def client(self, token: str | None = None, lang: str | None = None) -> httpx.Client:
        return self.server.client(token, lang)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[Env]:
    base = str(request.getfixturevalue("postgres_url")) if request.param == "postgresql" else None
    urls = support.database_url(request.param, tmp_path_factory.mktemp("service"), base)
    db = next(urls)
    # On PostgreSQL two worker processes: every guarantee below must hold across processes.
    server = Server(db, workers=2 if request.param == "postgresql" else 1)
    try:
        yield Env(server)
    finally:
        log = server.stop()
        assert "Traceback" not in log, log
        for _ in urls:
            pass


def _validator(name: str) -> jsonschema.Draft202012Validator:
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(
        (schemas.load(n)["$id"], referencing.Resource.from_contents(schemas.load(n)))
        for n in schemas.NAMES)
    return jsonschema.Draft202012Validator(schemas.load(name), registry=registry,
                                           format_checker=jsonschema.FormatChecker())


def _open(c: httpx.Client, case_id: str, scenario: str = "road-guzhuang.yaml",
          village: str | None = None) -> int:
    header, _ = scenario_actions(scenario)
    start = header["start"]
    body: dict[str, Any] = {
        "procedure": header["procedure"], "roster": header["roster"],
        "matter": header.get("matter", ""), "case_id": case_id,
        "at": start.isoformat() if isinstance(start, datetime) else str(start)}
    if village:
        body["village"] = village
    r = c.post("/v1/cases", json=body)
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == '"1"'
    return int(r.json()["version"])


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def test_a_whole_six_deliberations_case_in_three_languages(env: Env) -> None:
    expected = run_scenario(load_scenario(SCENARIOS / "road-guzhuang.yaml"))
    _, actions = scenario_actions("road-guzhuang.yaml")
    procedure = load_procedure("six-deliberations-guzhuang")
    case_id = "road-" + uid()
    langs = cycle(LANGS)
    refusal = _validator("problem")
    with env.client(env.clerk) as c:
        version = _open(c, case_id)
        for written, exp in zip(actions, expected.actions, strict=True):
            lang = next(langs)
            # The service's default time is now; the scenario's times are given explicitly.
            body = {**{k: v for k, v in written.items() if k != "after"},
                    "at": exp.at.isoformat()}
            r = c.post(f"/v1/cases/{case_id}/actions", json=body,
                       headers={"If-Match": f'"{version}"', "Accept-Language": lang})
            assert r.headers["content-language"] == lang
            if exp.accepted:
                assert r.status_code == 200, r.text
                data = r.json()
                assert (data["action"]["state"], data["action"]["route"]) == (exp.state,
                                                                              exp.route)
                assert [rec["record"]["kind"] for rec in data["records"]] == list(exp.records)
                assert data["version"] == version + len(exp.records)
                assert r.headers["etag"] == f'"{data["version"]}"'
                stage = data["state"]["stage"]
                if stage is not None:
                    assert stage["name"] == procedure.stage(stage["id"]).name.get(lang)
                version = data["version"]
            else:
                assert r.status_code == 422, r.text
                assert r.headers["content-type"] == "application/problem+json"
                problem = r.json()
                refusal.validate(problem)
                assert problem["title"] == TITLES["refused"].get(lang)
                assert problem["violations"] == _plain(list(exp.violations))
                assert problem["detail"] == problem["violations"][0]["message"][lang]
        final = c.get(f"/v1/cases/{case_id}", headers={"Accept-Language": "zh-Hant"}).json()
    assert (final["state"], final["version"]) == (expected.state, expected.case.version)
    assert final["outcome"]["name"] == procedure.outcomes[expected.outcome].name.zh_hant
    with env.client(env.auditor) as c:
        check = c.get(f"/v1/cases/{case_id}/verification").json()
        assert check["ok"] and check["records"] == expected.case.version
        archive = c.get(f"/v1/cases/{case_id}/archive").json()
        _validator("archive").validate(archive)
        assert archive["state"]["state"] == expected.state
        html = c.get(f"/v1/cases/{case_id}/archive.html", params={"lang": "en"})
        assert html.status_code == 200 and "<html" in html.text.lower()
        pdf = c.get(f"/v1/cases/{case_id}/archive.pdf", params={"lang": "zh-Hant"})
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
        assert pdf.headers["content-type"] == "application/pdf"
        records = c.get(f"/v1/cases/{case_id}/records", params={"after": 3, "limit": 4}).json()
        assert [r["seq"] for r in records["records"]] == [4, 5, 6, 7]
        assert records["next_after"] == 7
        for r in records["records"]:
            _validator("record").validate(r["record"])


def _timed(body: dict[str, Any], at: str) -> dict[str, Any]:
    return {**{k: v for k, v in body.items() if k != "after"}, "at": at}


def test_a_refusal_carries_the_payload_of_run_json(env: Env) -> None:
    scenario = SCENARIOS / "road-guzhuang.yaml"
    done = subprocess.run([sys.executable, "-m", "deliberation.cli", "run", str(scenario),
                           "--json"], capture_output=True, text=True, check=True)
    cli_actions = json.loads(done.stdout)["actions"]
    refused = next(i for i, a in enumerate(cli_actions) if not a["accepted"])
    _, actions = scenario_actions("road-guzhuang.yaml")
    case_id = "refusal-" + uid()
    with env.client(env.clerk, "en") as c:
        version = _open(c, case_id)
        for n, body in enumerate(actions[:refused + 1]):
            r = act(c, case_id, _timed(body, cli_actions[n]["at"]), version)
            if n == refused:
                break
            assert r.status_code == 200, r.text
            version = r.json()["version"]
        assert r.status_code == 422
        problem = r.json()
        assert c.get(f"/v1/cases/{case_id}").json()["version"] == version  # nothing stored
    ours = {k: v for k, v in problem["action"].items() if k not in ("index", "line")}
    theirs = {k: v for k, v in cli_actions[refused].items() if k not in ("index", "line")}
    assert ours == theirs
    v = problem["violations"][0]
    assert set(v) >= {"rule", "stage", "numbers", "basis", "message"}
    assert set(v["message"]) == set(LANGS)


def test_two_clients_racing_get_one_success_and_one_409(env: Env) -> None:
    case_id = "race-" + uid()
    with env.client(env.clerk) as c:
        version = _open(c, case_id)
    barrier = threading.Barrier(2)
    statuses: list[httpx.Response] = []

    def one(n: int) -> None:
        with env.client(env.clerk) as c:
            barrier.wait()
            statuses.append(act(c, case_id, {"do": "note", "text": f"writer {n}",
                                             "at": "2026-03-02T10:00:00+08:00"}, version))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in statuses) == [200, 409]
    lost = next(r for r in statuses if r.status_code == 409)
    assert lost.json()["code"] == "stale-version"
    assert lost.headers["etag"] == f'"{version + 1}"'
    with env.client(env.auditor) as c:
        assert c.get(f"/v1/cases/{case_id}").json()["version"] == version + 1
        assert c.get(f"/v1/cases/{case_id}/verification").json()["ok"]


def test_a_stale_if_match_gets_the_whole_problem_answer(env: Env) -> None:
    # The route answers a stale version itself (not through the exception handler): the same
    # problem+json, in the request's language, with the version now as ETag and member.
    case_id = "stale-" + uid()
    with env.client(env.clerk) as c:
        version = _open(c, case_id)
        assert act(c, case_id, {"do": "note", "text": "first",
                                "at": "2026-03-02T10:00:00+08:00"}, version).status_code == 200
    with env.client(env.clerk, lang="zh-Hant") as c:
        for query, lang in (("", "zh-Hant"), ("?lang=en", "en")):
            r = c.post(f"/v1/cases/{case_id}/actions{query}", headers={
                "If-Match": f'"{version}"', "Idempotency-Key": "stale-" + lang},
                json={"do": "note", "text": "late", "at": "2026-03-02T10:05:00+08:00"})
            assert r.status_code == 409, r.text
            assert r.headers["content-type"] == "application/problem+json"
            assert r.headers["content-language"] == lang
            assert r.headers["etag"] == f'"{version + 1}"'
            data = r.json()
            assert data == {
                "type": "urn:deliberation:problem:stale-version",
                "title": {"zh-Hant": "版本已過期", "en": "Stale version"}[lang],
                "status": 409, "detail": data["messages"][lang], "code": "stale-version",
                "messages": data["messages"], "instance": f"/v1/cases/{case_id}/actions",
                "version": version + 1}
            assert set(data["messages"]) == {"zh-Hans", "zh-Hant", "en"}
            assert f"expected version {version}, found {version + 1}" in data["messages"]["en"]
        # (nothing was appended, and the key of a stale request is not kept: it may be retried)
        assert c.get(f"/v1/cases/{case_id}").json()["version"] == version + 1
        retry = c.post(f"/v1/cases/{case_id}/actions", headers={
            "If-Match": f'"{version + 1}"', "Idempotency-Key": "stale-en"},
            json={"do": "note", "text": "late", "at": "2026-03-02T10:05:00+08:00"})
        assert retry.status_code == 200, retry.text


def test_a_retried_request_returns_the_first_response_and_appends_nothing(env: Env) -> None:
    case_id = "retry-" + uid()
    body = {"do": "note", "text": "会前准备", "at": "2026-03-02T10:00:00+08:00"}
    with env.client(env.clerk) as c:
        version = _open(c, case_id)
        first = act(c, case_id, body, version, key="k-1")
        again = act(c, case_id, body, version, key="k-1")
        assert first.status_code == again.status_code == 200
        assert again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true"
        assert c.get(f"/v1/cases/{case_id}").json()["version"] == version + 1
        other = act(c, case_id, {**body, "text": "另一件事"}, version + 1, key="k-1")
        assert other.status_code == 422 and other.json()["code"] == "idempotency-key-reused"
        # A refusal is a response too: its retry is the same refusal.
        r1 = act(c, case_id, {"do": "conclude", "at": "2026-03-02T11:00:00+08:00"},
                 version + 1, key="k-2")
        r2 = act(c, case_id, {"do": "conclude", "at": "2026-03-02T11:00:00+08:00"},
                 version + 1, key="k-2")
        assert r1.status_code == r2.status_code == 422 and r1.json() == r2.json()
        assert c.get(f"/v1/cases/{case_id}").json()["version"] == version + 1


def test_identical_keyed_requests_racing_append_once(env: Env) -> None:
    case_id = "twins-" + uid()
    with env.client(env.clerk) as c:
        version = _open(c, case_id)
    body = {"do": "note", "text": "同一请求发了两次", "at": "2026-03-02T10:00:00+08:00"}
    barrier = threading.Barrier(4)
    answers: list[httpx.Response] = []

    def one() -> None:
        with env.client(env.clerk) as c:
            barrier.wait()
            answers.append(act(c, case_id, body, version, key="twin-key"))

    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in answers] == [200] * 4, [r.text for r in answers]
    assert len({json.dumps(r.json()["records"], sort_keys=True) for r in answers}) == 1
    with env.client(env.auditor) as c:
        assert c.get(f"/v1/cases/{case_id}").json()["version"] == version + 1


def test_out_of_scope_requests_are_403_and_record_nothing(env: Env) -> None:
    case_id = "scope-" + uid()
    with env.client(env.clerk) as c:
        version = _open(c, case_id)
    note = {"do": "note", "text": "x", "at": "2026-03-02T10:00:00+08:00"}
    with env.client(env.other_clerk, "en") as c:
        r = act(c, case_id, note, version, key="scope-key")
        assert r.status_code == 403 and r.json()["code"] == "forbidden"
        assert "lijin" in r.json()["detail"]
        assert c.get(f"/v1/cases/{case_id}").status_code == 403
        assert c.get(f"/v1/villages/{VILLAGE}/events").status_code == 403
        assert c.post("/v1/cases", json={"procedure": "four-deliberations",
                                         "roster": {"generate": {}},
                                         "village": VILLAGE}).status_code == 403
    with env.client(env.auditor) as c:
        assert act(c, case_id, note, version).status_code == 403
        assert c.post(f"/v1/villages/{VILLAGE}/rosters", content="id\nv1\n",
                      headers={"Content-Type": "text/csv"}).status_code == 403
    with env.client(env.clerk) as c:
        assert c.post(f"/v1/villages/{VILLAGE}/rosters", content="id\nv1\n",
                      headers={"Content-Type": "text/csv"}).status_code == 403
        assert c.get(f"/v1/cases/{case_id}").json()["version"] == version
        # the key a 403 carried was not used up: the clerk of the village may use it
        assert act(c, case_id, note, version, key="scope-key").status_code == 200
    with env.client(None) as c:
        r = c.get(f"/v1/cases/{case_id}")
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")


def test_a_bad_or_revoked_token_is_401_before_anything_on_a_case(env: Env) -> None:
    # The case routes check the token in the round trip that reads the case (the others in a
    # dependency): the same answers, in the same order.
    case_id = "auth-" + uid()
    token = make_token(env.server.db, "clerk", VILLAGE)
    with env.client(token) as c:
        version = _open(c, case_id)
    note = {"do": "note", "text": "x", "at": "2026-03-02T10:00:00+08:00"}
    forged = token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")
    unknown = "dlb_" + "0" * 16 + "_" + token.rsplit("_", 1)[1]
    for bad in (None, "not-a-token", forged, unknown):
        with env.client(bad) as c:
            for target in (case_id, "no-such-case", "bad id!"):
                answers = (c.get(f"/v1/cases/{target}"),
                           c.get(f"/v1/cases/{target}/explanation"),
                           act(c, target, note, version, key="auth-key"))
                assert [r.status_code for r in answers] == [401] * 3, (bad, target)
                assert all(r.headers["www-authenticate"].startswith("Bearer") for r in answers)
    with env.client(token) as c:
        assert c.get("/v1/cases/no-such-case").status_code == 404
        assert c.get(f"/v1/cases/{case_id}").json()["version"] == version  # nothing recorded
        assert act(c, case_id, note, version, key="auth-key").status_code == 200
    done = support.cli("token", "revoke", token.split("_")[1], db=env.server.db)
    assert done.returncode == 0, done.stderr
    with env.client(token) as c:  # revoked: refused on the next request, by every worker
        for _ in range(4):
            assert c.get(f"/v1/cases/{case_id}").status_code == 401
            assert act(c, case_id, note, version + 1, key="auth-key-2").status_code == 401
    with env.client(env.clerk) as c:
        assert c.get(f"/v1/cases/{case_id}").json()["version"] == version + 1


def test_the_ping_inserts_one_row_for_a_valid_token_and_none_for_a_bad_one(env: Env) -> None:
    # The benchmark's baseline reads its parameters itself, as the action's routes do: the
    # same token check (401 with a Bearer challenge, nothing inserted) and the same language.
    def pings() -> int:
        store = open_store(env.server.db)
        try:
            return int(store.backend.execute("SELECT COUNT(*) FROM service_pings")[0][0])
        finally:
            store.close()

    token = make_token(env.server.db, "auditor", VILLAGE)
    before = pings()
    forged = token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")
    for bad in (None, "not-a-token", forged):
        with env.client(bad) as c:
            r = c.post("/v1/ping")
            assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
            assert r.headers["content-type"] == "application/problem+json"
    assert pings() == before
    with env.client(token, "zh-Hant") as c:
        r = c.post("/v1/ping")
        assert (r.status_code, r.json()) == (200, {"ok": True})
        assert r.headers["content-language"] == "zh-Hant"
    assert pings() == before + 1
    done = support.cli("token", "revoke", token.split("_")[1], db=env.server.db)
    assert done.returncode == 0, done.stderr
    with env.client(token) as c:  # revoked: refused by every worker
        assert [c.post("/v1/ping").status_code for _ in range(4)] == [401] * 4
    assert pings() == before + 1


def test_a_misspelt_case_id_is_404_naming_the_nearest_of_the_tokens_village(env: Env) -> None:
    u = uid()
    with env.client(env.clerk) as c:
        version = _open(c, f"pond-{u}")
    with env.client(env.other_clerk) as c:
        _open(c, f"pond-{u}-b")
    note = {"do": "note", "text": "x", "at": "2026-03-02T10:00:00+08:00"}
    with env.client(env.clerk, "en") as c:
        for r in (c.get(f"/v1/cases/ponf-{u}"), act(c, f"ponf-{u}", note, version)):
            assert r.status_code == 404 and r.json()["near"] == f"pond-{u}", r.text
            assert r.json()["detail"] == f"no case 'ponf-{u}'; did you mean 'pond-{u}'?"
            _validator("problem").validate(r.json())
        assert c.get(f"/v1/cases/pond-{u}").json()["version"] == version  # nothing recorded
    with env.client(env.other_clerk) as c:  # never a case of another village
        assert c.get(f"/v1/cases/ponf-{u}").json()["near"] == f"pond-{u}-b"
        assert "near" not in c.get("/v1/cases/zzzzzzzzzzzz").json()


def test_the_event_feed_delivers_every_record_once_in_order(env: Env) -> None:
    village = "feed-" + uid()
    clerk = make_token(env.server.db, "clerk", village)
    cases = [f"{village}-c{i}" for i in range(3)]
    writes = 8
    with env.client(clerk) as c:
        for cid in cases:
            _open(c, cid, village=village)
    seen: list[dict[str, Any]] = []
    total = len(cases) * (1 + writes)
    done = threading.Event()

    def follow() -> None:
        after = 0
        with env.client(clerk) as c:
            while len(seen) < total and not done.is_set():
                page = c.get(f"/v1/villages/{village}/events",
                             params={"after": after, "wait": 2, "limit": 5}).json()
                seen.extend(page["events"])
                after = page["next_after"]

    def write(cid: str) -> None:
        with env.client(clerk) as c:
            for i in range(writes):
                while True:
                    v = c.get(f"/v1/cases/{cid}").json()["version"]
                    r = act(c, cid, {"do": "note", "text": f"{i}",
                                     "at": f"2026-03-02T10:{i:02d}:00+08:00"}, v)
                    if r.status_code == 200:
                        break
                    assert r.status_code == 409, r.text

    follower = threading.Thread(target=follow)
    follower.start()
    writers = [threading.Thread(target=write, args=(cid,)) for cid in cases]
    for t in writers:
        t.start()
    for t in writers:
        t.join()
    follower.join(timeout=60)
    done.set()
    event = _validator("event")
    for e in seen:
        event.validate(e)
    keys = [(e["case"], e["seq"]) for e in seen]
    assert len(keys) == len(set(keys)) == total
    assert set(keys) == {(cid, s) for cid in cases for s in range(1, writes + 2)}
    positions = [e["position"] for e in seen]
    assert positions == sorted(positions)
    for cid in cases:
        assert [s for c, s in keys if c == cid] == list(range(1, writes + 2))
    with env.client(clerk) as c:
        page = c.get(f"/v1/cases/{cases[0]}/events", params={"after": 4}).json()
        assert [e["seq"] for e in page["events"]] == list(range(5, writes + 2))


def test_bad_requests_are_located_problems_never_tracebacks(env: Env) -> None:
    case_id = "bad-" + uid()
    problem = _validator("problem")
    with env.client(env.clerk, "zh-Hant") as c:
        version = _open(c, case_id)
        cases: list[tuple[httpx.Response, int]] = [
            (c.post(f"/v1/cases/{case_id}/actions", content=b"{not json",
                    headers={"If-Match": f'"{version}"'}), 400),
            (act(c, case_id, {"do": "meetin", "present": 3}, version), 422),
            (act(c, case_id, {"do": "meeting", "present": "many", "yse": 3}, version), 422),
            (c.post(f"/v1/cases/{case_id}/actions", json={"do": "note", "text": "x"}), 428),
            (act(c, case_id, {"do": "note", "text": "x"}, "abc"), 400),
            (act(c, case_id, {"do": "note", "text": "x", "at": "2999-01-01"}, version), 422),
            (act(c, case_id, {"do": "note", "text": "x", "at": "2020-01-01"}, version), 422),
            (c.get("/v1/cases/no-such-case"), 404),
            (c.get("/v1/no/such/route"), 404),
            (c.post("/v1/cases", json={"procedure": "six", "roster": {}, "bogus": 1}), 422),
            (c.delete(f"/v1/cases/{case_id}"), 405),
            # nested deeper than the JSON parser recurses
            (c.post(f"/v1/cases/{case_id}/actions", content=b"[" * 5000 + b"]" * 5000,
                    headers={"If-Match": f'"{version}"'}), 400),
            # a time with no UTC instant
            (c.post("/v1/cases", json={"procedure": "four-deliberations",
                                       "roster": {"generate": {}}, "matter": "m",
                                       "at": "0001-01-01T00:00:00+08:00"}), 422),
        ]
        for r, status in cases:
            assert r.status_code == status, (r.status_code, r.text)
            assert r.headers["content-type"] == "application/problem+json"
            body = r.json()
            problem.validate(body)
            assert "Traceback" not in r.text and "/work/" not in r.text and ".py" not in r.text
        located = cases[2][0].json()["errors"]
        assert {e["pointer"] for e in located} == {"/present", "/yse"}
        assert any("yes" in e["hint"] for e in located)
        # each located problem in the request's language, as its detail is
        (unknown,) = cases[1][0].json()["errors"]
        assert (unknown["message"], unknown["hint"]) == ("未知動作 `meetin`", "是不是 `meeting`?")
        assert c.get(f"/v1/cases/{case_id}").json()["version"] == version


def test_routes_that_read_their_parameters_by_hand_describe_them_as_declared_ones() -> None:
    # Acting and reading a case read their headers and `lang` themselves (no dependency
    # solving on the hottest routes), and so does the ping they are compared with; their
    # OpenAPI description must be what FastAPI writes for a route that declares the same
    # parameters.
    spec = create_app(ServiceSettings(db_url="sqlite:///:memory:")).openapi()
    declared = {p["name"]: p for p in
                spec["paths"]["/v1/cases/{case_id}/explanation"]["get"]["parameters"]}
    assert set(declared) == {"case_id", "lang", "authorization", "accept-language"}
    for path, method, own in (("/v1/cases/{case_id}", "get", set()),
                              ("/v1/cases/{case_id}/actions", "post",
                               {"if-match", "idempotency-key"})):
        described = {p["name"]: p for p in spec["paths"][path][method]["parameters"]}
        assert set(described) == set(declared) | own, path
        for name, param in declared.items():
            assert described[name] == param, (path, name)
        for name in own:
            assert described[name]["in"] == "header" and not described[name]["required"]
    # the ping is on no case: the declared ones less the case's id, in FastAPI's order
    assert spec["paths"]["/v1/ping"]["post"]["parameters"] == [
        p for p in spec["paths"]["/v1/cases/{case_id}/explanation"]["get"]["parameters"]
        if p["name"] != "case_id"]


def test_the_routes_served_plainly_answer_exactly_the_methods_they_describe(env: Env) -> None:
    # Reading a case, acting and the ping are served as plain Starlette routes
    # (app.create_app), which would answer HEAD as GET: each answers the methods its
    # description lists, and 405 (problem+json) to every other, as the routes FastAPI serves do.
    case_id = "meth-" + uid()
    spec = create_app(ServiceSettings(db_url="sqlite:///:memory:")).openapi()
    with env.client(env.clerk) as c:
        _open(c, case_id)
        for path in ("/v1/cases/{case_id}", "/v1/cases/{case_id}/actions", "/v1/ping"):
            described = set(spec["paths"][path])
            for method in ("get", "head", "post", "put", "patch", "delete", "options"):
                r = c.request(method.upper(), path.format(case_id=case_id),
                              headers={"If-Match": "*"},
                              json={"do": "note", "text": "x"} if method == "post" else None)
                assert (r.status_code == 405) == (method not in described), (path, method)
                if r.status_code == 405:
                    assert r.headers["content-type"] == "application/problem+json"


def test_the_description_lists_paths_as_written_whatever_order_routes_are_tried_in() -> None:
    # The routes every action takes are tried before the others (FastAPI tries routes in
    # turn); the description lists the paths module by module, each module's as written.
    spec = create_app(ServiceSettings(db_url="sqlite:///:memory:")).openapi()
    assert list(spec["paths"]) == [
        "/v1/procedures", "/v1/procedures/{procedure_id}", "/v1/procedures/lint",
        "/v1/villages/{village}/rosters", "/v1/rosters/{roster_id}",
        "/v1/cases", "/v1/villages/{village}/cases", "/v1/cases/{case_id}",
        "/v1/cases/{case_id}/records", "/v1/cases/{case_id}/explanation",
        "/v1/cases/{case_id}/verification", "/v1/cases/{case_id}/archive",
        "/v1/cases/{case_id}/archive.html", "/v1/cases/{case_id}/archive.pdf",
        "/v1/cases/{case_id}/actions", "/v1/cases/{case_id}/events",
        "/v1/villages/{village}/events", "/v1/health", "/v1/ping"]


def test_bodies_over_the_limit_are_refused(tmp_path: Path) -> None:
    server = Server(f"sqlite:///{tmp_path / 'small.db'}", max_body=2000)
    try:
        token = make_token(server.db, "admin", VILLAGE)
        with server.client(token) as c:
            big = "id,household\n" + "".join(f"v{i},h{i}\n" for i in range(400))
            r = c.post(f"/v1/villages/{VILLAGE}/rosters", content=big,
                       headers={"Content-Type": "text/csv"})
            assert r.status_code == 413 and r.json()["code"] == "too-large"
            small = "id,household,party\nv1,h1,full\nv2,h1,none\n"
            r = c.post(f"/v1/villages/{VILLAGE}/rosters", content=small,
                       headers={"Content-Type": "text/csv"})
            assert r.status_code == 201, r.text
            roster = c.get(r.headers["location"]).json()
            assert roster["villagers"] == 2 and roster["fingerprint"].startswith("sha256:")
            r = c.post(f"/v1/villages/{VILLAGE}/rosters", content="id,househld\nv1,h1\nv1,h2\n",
                       headers={"Content-Type": "text/csv"})
            assert r.status_code == 422
            assert {e["path"] for e in r.json()["errors"]} >= {"/0/househld", "/1/id"}
            # in the request's language (here the default, zh-Hans), as the detail is
            assert "未知列 `househld`" in {e["message"] for e in r.json()["errors"]}
    finally:
        assert "Traceback" not in server.stop()


def test_procedures_in_the_requested_language_and_lint(env: Env) -> None:
    with env.client(env.auditor) as c:
        listing = c.get("/v1/procedures", headers={"Accept-Language": "en"}).json()
        assert "six-deliberations-guzhuang" in {p["id"] for p in listing["procedures"]}
        for lang in LANGS:
            one = c.get("/v1/procedures/six-deliberations-guzhuang",
                        headers={"Accept-Language": lang})
            assert one.headers["content-language"] == lang
            data = one.json()
            assert data["name"] == load_procedure("six-deliberations-guzhuang").name.get(lang)
            assert all(r["description"] for s in data["stages"] for r in s["rules"])
        text = (Path(__file__).parent / "broken").glob("*.yaml")
        sample = next(iter(sorted(text))).read_text(encoding="utf-8")
        linted = c.post("/v1/procedures/lint", content=sample,
                        headers={"Content-Type": "application/yaml"}).json()
        assert not linted["ok"] and all(d["line"] >= 0 for d in linted["diagnostics"])
        # the diagnostics in the language asked for, as `lint --lang` gives them
        shown = {}
        for lang in LANGS:
            asked = c.post("/v1/procedures/lint", content=sample, headers={
                "Content-Type": "application/yaml", "Accept-Language": lang}).json()
            shown[lang] = [d["message"] for d in asked["diagnostics"]]
            assert shown[lang] == [d.message_in(lang)
                                   for d in check_text(sample, "<request>")[1]]
        assert shown["zh-Hans"] != shown["en"] and shown["zh-Hant"] != shown["zh-Hans"]
        good = (support.ROOT / "procedures" / "four-deliberations.yaml").read_text("utf-8")
        assert c.post("/v1/procedures/lint", content=good,
                      headers={"Content-Type": "application/yaml"}).json()["ok"]
        spec = c.get("/openapi.json").json()
        assert spec["openapi"].startswith("3.1")
        assert c.get("/docs").status_code == 200


@pytest.mark.parametrize("scenario", ["plot-adjustment-approved.yaml",
                                      "supervised-returned.yaml"])
def test_gates_over_http(env: Env, scenario: str) -> None:
    """A gate's examination (checks, reasons, signers) and an authority's decision (with its
    instrument) through the act endpoint: the same results as ``run``, records valid."""
    expected = run_scenario(load_scenario(SCENARIOS / scenario))
    header, actions = scenario_actions(scenario)
    case_id = "gate-" + uid()
    record = _validator("record")
    with env.client(env.clerk) as c:
        start = header["start"]
        body = {"procedure": header["procedure"], "roster": header["roster"],
                "matter": header["matter"], "case_id": case_id,
                "at": start.isoformat() if isinstance(start, datetime) else str(start)}
        if "kind" in header:
            body["kind"] = header["kind"]
        r = c.post("/v1/cases", json=body)
        assert r.status_code == 201, r.text
        version = int(r.json()["version"])
        for written, exp in zip(actions, expected.actions, strict=True):
            r = act(c, case_id, _timed(written, exp.at.isoformat()), version)
            if not exp.accepted:
                assert r.status_code == 422, r.text
                continue
            assert r.status_code == 200, r.text
            data = r.json()
            assert (data["action"]["state"], data["action"]["route"]) == (exp.state, exp.route)
            for rec in data["records"]:
                record.validate(rec["record"])
            version = data["version"]
    assert version == expected.case.version
