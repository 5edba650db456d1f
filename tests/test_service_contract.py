"""The record contract any language can verify: the canonical form is RFC 8785 (JCS), the
shipped JSON Schemas describe what is exported, and an independent verifier in JavaScript
(``examples/verify-archive.mjs``, Node's built-in crypto) accepts a clean archive and locates a
changed, deleted and reordered record exactly where the Python verifier does."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st
from test_service_support import ROOT, SCENARIOS, Server, make_token

from deliberation.engine.records import RECORD_KINDS, canonical_json, fingerprint
from deliberation.engine.scenario import load_scenario, run_scenario
from deliberation.service import schemas
from deliberation.store import chain_hash, genesis_hash, open_store
from deliberation.store.archive import archive_data, verify_archive

VERIFIER = ROOT / "examples" / "verify-archive.mjs"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_canonical_json_is_rfc8785(value: Any) -> None:
    try:
        expected = rfc8785.dumps(value).decode("utf-8")
    except rfc8785.CanonicalizationError:
        return  # (lone surrogates: JCS has no form for them either way)
    assert canonical_json(value) == expected


def test_unsafe_integers_are_refused() -> None:
    with pytest.raises(ValueError):
        canonical_json({"n": 2**53})


def test_the_shipped_schemas_are_valid_and_in_step_with_the_code() -> None:
    for name in schemas.NAMES:
        jsonschema.Draft202012Validator.check_schema(schemas.load(name))
        assert schemas.load(name)["$id"].endswith(f"{name}:1")
    assert schemas.load("record")["properties"]["kind"]["enum"] == list(RECORD_KINDS)


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but node is not installed (.ci/run installs it)")
        pytest.skip("node is not installed")
    return node


def _verify(archive: dict[str, Any], tmp_path: Path) -> tuple[int, dict[str, Any]]:
    path = tmp_path / "archive.json"
    path.write_text(json.dumps(archive, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([_node(), str(VERIFIER), str(path)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    report = run_scenario(load_scenario(SCENARIOS / "road-guzhuang.yaml"))
    url = f"sqlite:///{tmp_path_factory.mktemp('contract') / 'a.db'}"
    records = report.case.records
    with open_store(url) as store:
        # One stored action per scenario step, as the service stores them.
        store.create(report.case.id, report.case.procedure.id,
                     str(report.case.procedure.version), report.case.roster,
                     records=records[:1])
        done = 1
        for step in report.actions:
            if step.records:
                store.append(report.case.id, done, records[done:done + len(step.records)])
                done += len(step.records)
        assert done == len(records)
        return archive_data(store, report.case.id)


def _located(problems: Any) -> list[tuple[str, Any]]:
    return sorted((p["code"], p["seq"]) for p in problems)


def test_the_node_verifier_accepts_a_clean_archive(archive: dict[str, Any],
                                                   tmp_path: Path) -> None:
    code, report = _verify(archive, tmp_path)
    assert code == 0 and report["ok"] and report["problems"] == []
    assert report["records"] == len(archive["records"]) > 10
    assert report["head_hash"] == archive["case"]["head_hash"]


def _changed(a: dict[str, Any]) -> dict[str, Any]:
    a["records"][6]["record"]["data"]["present"] = 31
    return a


def _deleted(a: dict[str, Any]) -> dict[str, Any]:
    del a["records"][6]
    return a


def _reordered(a: dict[str, Any]) -> dict[str, Any]:
    a["records"][6], a["records"][7] = a["records"][7], a["records"][6]
    return a


@pytest.mark.parametrize("tamper", [_changed, _deleted, _reordered])
def test_the_node_verifier_locates_a_tampered_record(archive: dict[str, Any], tmp_path: Path,
                                                     tamper: Any) -> None:
    bad = tamper(copy.deepcopy(archive))
    code, report = _verify(bad, tmp_path)
    assert code == 1 and not report["ok"]
    python = [p.to_data() for p in verify_archive(bad)]
    assert _located(report["problems"]) == _located(python)
    assert min(p["seq"] for p in report["problems"] if p["seq"] is not None) == 7


def test_node_and_python_write_the_same_canonical_bytes(tmp_path: Path) -> None:
    samples = [{"é": "\u0007\n\"\\/\u2028", "😀": [1.5e21, 0.1, -0.0, 1e-7, 10**15],
                "\ue000": {"b": None, "a": True}}, ["议", 2**53 - 1, 3.0]]
    script = tmp_path / "jcs.mjs"
    script.write_text(
        f'import {{ jcs }} from "{VERIFIER.as_uri()}";\n'
        "const data = JSON.parse(process.argv[2]);\n"
        "process.stdout.write(JSON.stringify(data.map(jcs)));\n", encoding="utf-8")
    done = subprocess.run([_node(), str(script), json.dumps(samples)], capture_output=True,
                          text=True, timeout=60, check=True)
    assert json.loads(done.stdout) == [canonical_json(s) for s in samples]


def test_the_node_verifier_checks_a_live_case(tmp_path: Path) -> None:
    node = _node()
    server = Server(f"sqlite:///{tmp_path / 'live.db'}")
    try:
        token = make_token(server.db, "clerk", "guzhuang")
        with server.client(token) as c:
            r = c.post("/v1/cases", json={"procedure": "six-deliberations-guzhuang",
                                          "roster": {"generate": {}}, "matter": "修村道",
                                          "case_id": "live-1", "at": "2026-03-02T09:00:00+08:00"})
            assert r.status_code == 201, r.text
            r = c.post("/v1/cases/live-1/actions", headers={"If-Match": '"1"'},
                       json={"do": "motion", "text": "硬化村东道路",
                             "submitters": ["v0600", "v0601", "v0602"],
                             "at": "2026-03-03T09:00:00+08:00"})
            assert r.status_code == 200, r.text
        done = subprocess.run([node, str(VERIFIER), "--url", f"{server.base}/v1/cases/live-1",
                               "--token", token], capture_output=True, text=True, timeout=60,
                              check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        assert json.loads(done.stdout)["records"] == 2
    finally:
        server.stop()


def test_the_worked_example_in_the_docs_is_what_both_verifiers_compute(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "records.md").read_text(encoding="utf-8")
    section = text.split("### Worked example", 1)[1].split("## What a verifier", 1)[0]
    fp, genesis, record_jcs, record_hash = (
        line.split("| `", 1)[1].rsplit("` |", 1)[0]
        for line in section.splitlines() if line.startswith("| ") and "`" in line)
    villager = {"id": "v1", "household": "h1", "name": "", "adult": True, "party": "none",
                "representative": False, "committees": [], "resident": True, "township": False}
    record = json.loads(record_jcs)
    assert fingerprint([villager]) == fp
    assert genesis_hash("c1", "four-deliberations", "1.0", fp) == genesis
    assert canonical_json(record) == record_jcs
    assert chain_hash(genesis, "a1", 0, 1, record_jcs) == record_hash
    script = tmp_path / "example.mjs"
    script.write_text(
        f'import {{ jcs, genesisHash, chainHash }} from "{VERIFIER.as_uri()}";\n'
        f"const record = {record_jcs};\n"
        "const c = {case_id: 'c1', procedure_id: 'four-deliberations', "
        f"procedure_version: '1.0', roster_fingerprint: '{fp}'}};\n"
        "const g = genesisHash(c);\n"
        "console.log(JSON.stringify([g, jcs(record), "
        "chainHash(g, {id: 'a1', index: 0, size: 1}, record)]));\n", encoding="utf-8")
    done = subprocess.run([_node(), str(script)], capture_output=True, text=True, timeout=60,
                          check=True)
    assert json.loads(done.stdout) == [genesis, record_jcs, record_hash]


@pytest.mark.parametrize("version", [2, 99])
def test_both_verifiers_refuse_a_newer_archive_format(archive: dict[str, Any], tmp_path: Path,
                                                      version: int) -> None:
    """An archive from a newer version of the program is refused with "upgrade", never checked
    by the old rules and called intact (a newer format may chain or hash differently)."""
    newer = copy.deepcopy(archive)
    newer["format_version"] = version
    code, report = _verify(newer, tmp_path)
    assert code == 1 and not report["ok"]
    expected = [{"code": "newer-format", "seq": None, "detail": str(version)}]
    assert [{k: p[k] for k in ("code", "seq", "detail")} for p in report["problems"]] == expected
    (problem,) = verify_archive(newer)
    assert problem.to_data() | {"message": None} == expected[0] | {"message": None}
    assert "upgrade" in problem.message.get("en") and str(version) in problem.message.get("en")
    assert "升级" in problem.message.get("zh-Hans") and "升級" in problem.message.get("zh-Hant")
    # the version this program writes is read as before
    assert verify_archive(archive) == []
