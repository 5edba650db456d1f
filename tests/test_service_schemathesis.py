"""A property-based run of the OpenAPI description against a live server (schemathesis):
every operation with generated (valid and invalid) input; no 5xx, every status documented,
every response of the declared media type and matching its schema.

Half the generated requests are pointed at a real case and village, so acting, reading and
exporting run on stored data, not only on 404s.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from test_service_support import ROOT, Server, make_token

EXAMPLES = int(os.environ.get("DELIBERATION_HTTP_FUZZ_EXAMPLES", "12"))  # per operation
UPLOADED = "four-deliberations-ours"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    db = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    server = Server(db)
    token = make_token(db, "admin", "guzhuang")
    with server.client(token) as c:
        r = c.post("/v1/cases", json={"procedure": "six-deliberations-guzhuang",
                                      "roster": {"generate": {}}, "case_id": "seed-1",
                                      "at": "2026-03-02T09:00:00+08:00"})
        assert r.status_code == 201, r.text
        # An uploaded procedure, so that reading one and opening a case under one run too.
        text = (ROOT / "procedures" / "four-deliberations-shandong.yaml").read_text("utf-8")
        r = c.post("/v1/procedures", content=text.replace(
            "id: four-deliberations-shandong", f"id: {UPLOADED}").encode(),
            headers={"Content-Type": "application/yaml"})
        assert r.status_code == 201, r.text
    try:
        yield server, token
    finally:
        log = server.stop()
        assert "Traceback" not in log, log


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_its_description(live: tuple[Server, str], mode: GenerationMode) -> None:
    # (schemathesis' own pytest loader does not run under this pytest, so the operations are
    # walked here, each with a Hypothesis run of its own.)
    server, token = live
    api = schemathesis.openapi.from_url(f"{server.base}/openapi.json")
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 19
    ran = 0
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            params = case.path_parameters or {}
            if params and hash(repr(case.body)) % 2 == 0:
                for name, value in (("case_id", "seed-1"), ("village", "guzhuang"),
                                    ("procedure_id", UPLOADED)):
                    if name in params:
                        params[name] = value
            if isinstance(case.query, dict) and isinstance(case.query.get("wait"), int | float):
                case.query["wait"] = min(case.query["wait"], 0.2)  # long-polls, kept short
            case.call_and_validate(base_url=server.base, headers=headers, checks=CHECKS)

        try:
            check()
        except Unsatisfiable:
            # An operation without inputs (e.g. /v1/health) has no invalid request to make.
            assert mode is GenerationMode.NEGATIVE
            continue
        ran += 1
    assert ran >= (18 if mode is GenerationMode.POSITIVE else 12)
