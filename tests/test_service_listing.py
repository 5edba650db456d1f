"""A village's cases over real HTTP (SQLite and PostgreSQL): filtered by state, procedure and
opening/last-action dates in the database, paged; a case opened with ``case new --village`` is
the village's case for the service too (its records in the village's feed after a restart's
repair, readable by the village's tokens)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import test_service_support as support
from test_service_support import Server, act, cli, make_token, uid


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
       ) -> Iterator[str]:
    base = str(request.getfixturevalue("postgres_url")) if request.param == "postgresql" else None
    urls = support.database_url(request.param, tmp_path_factory.mktemp("listing"), base)
    yield next(urls)
    for _ in urls:
        pass


def _open(c: httpx.Client, case_id: str, village: str, procedure: str, at: str) -> None:
    r = c.post("/v1/cases", json={"procedure": procedure, "roster": {"generate": {}},
                                  "case_id": case_id, "village": village, "at": at})
    assert r.status_code == 201, r.text


def test_a_villages_cases_filtered_and_paged_by_the_database(db: str) -> None:
    village = "list-" + uid()
    # Opened from the command line before the server starts: the service serves it.
    done = cli("case", "new", "--procedure", "four-deliberations", "--matter", "修桥",
               "--id", f"{village}-cli", "--village", village, "--at",
               "2026-03-01T08:00+08:00", db=db)
    assert done.returncode == 0, done.stderr
    server = Server(db)
    try:
        clerk = make_token(db, "clerk", village)
        with server.client(clerk) as c:
            _open(c, f"{village}-a", village, "four-deliberations", "2026-03-01T09:00:00+08:00")
            _open(c, f"{village}-b", village, "six-deliberations-guzhuang",
                  "2026-03-01T10:00:00+08:00")
            r = act(c, f"{village}-a", {"do": "note", "text": "t",
                                        "at": "2026-03-05T10:00:00+08:00"}, 1)
            assert r.status_code == 200, r.text
            path = f"/v1/villages/{village}/cases"

            def ids(**params: Any) -> list[str]:
                r = c.get(path, params=params)
                assert r.status_code == 200, r.text
                return [x["id"].removeprefix(village + "-") for x in r.json()["cases"]]

            assert ids() == ["cli", "a", "b"]
            assert ids(state="proposal") == ["cli", "a"]
            assert ids(state="motion") == ["b"]
            assert ids(procedure="six-deliberations-guzhuang") == ["b"]
            assert ids(updated_since="2026-03-05") == ["a"]
            assert ids(updated_since="2026-03-06") == []
            assert ids(updated_until="2026-03-04") == ["cli", "b"]
            assert ids(opened_since="2000-01-01", opened_until="2999-12-31", limit=2) == ["cli",
                                                                                        "a"]
            page = c.get(path, params={"limit": 2}).json()
            assert page["next_after"] == f"{village}-a"
            assert ids(after=page["next_after"]) == ["b"]
            listed = c.get(path, params={"state": "proposal"}).json()["cases"]
            assert listed[1]["updated_at"] == "2026-03-05T02:00:00.000000+00:00"
            # the CLI's case is the village's: readable, and its record is in the feed
            assert c.get(f"/v1/cases/{village}-cli").status_code == 200
            feed = c.get(f"/v1/villages/{village}/events").json()["events"]
            assert (f"{village}-cli", 1) in {(e["case"], e["seq"]) for e in feed}
            # bad filters are located problems, nothing else
            for params in ({"updated_since": "2026-02-30"}, {"opened_until": "soon"},
                           {"after": "no-such-case"}, {"limit": 0}):
                r = c.get(path, params=params)
                assert r.status_code == 422, (params, r.text)
                assert r.headers["content-type"] == "application/problem+json"
            # days are Beijing days, as `case list` reads them: 07:00 on 6 March Beijing
            # time is 23:00 UTC on the 5th, and belongs to the 6th
            r = act(c, f"{village}-b", {"do": "note", "text": "t",
                                        "at": "2026-03-06T07:00:00+08:00"}, 1)
            assert r.status_code == 200, r.text
            assert ids(updated_since="2026-03-06") == ["b"]
            assert ids(updated_until="2026-03-05") == ["cli", "a"]
        with server.client(make_token(db, "clerk", "elsewhere")) as c:
            assert c.get(f"/v1/villages/{village}/cases").status_code == 403
            assert c.get(f"/v1/cases/{village}-cli").status_code == 403
    finally:
        log = server.stop()
        assert "Traceback" not in log, log
