"""The store with the case engine: cases act through the store, load by replay, export, and
survive racing processes; the ``deliberation case`` CLI across separate invocations."""

from __future__ import annotations

import json
import multiprocessing as mp
from pathlib import Path
from typing import Any

import pytest
import test_store_support as support
from test_engine_support import wait_for_notice

from deliberation import Case, Roster
from deliberation.cli import main
from deliberation.engine.clock import ManualClock
from deliberation.errors import RuleViolation
from deliberation.store import open_store
from deliberation.store.archive import archive_data, render_html, verify_archive
from deliberation.store.cases import act, load_case, new_case

store_url = support.store_url  # both backends (see test_store_support)

CTX = mp.get_context("fork")


def roster() -> Roster:
    return Roster.generate(households=8, people=16, adults=12, party_members=4,
                           representatives=3, party_committee=3, villagers_committee=3,
                           supervision_committee=2)


def step(case: Case, clock: ManualClock) -> None:
    """Take the case's current stage with passing numbers (as a clerk would record them)."""
    sp = case.plan.stage(case.state)
    kind = sp.kind.value
    if kind == "motion":
        case.submit_motion("修建村道 <东段>", ["v0012"])
    elif kind == "meeting":
        counts = case.plan.counts(case.roster, sp.body)
        rules = {r.name for r in sp.preconditions}
        if "notice-period" in rules and not case.records[-1].kind == "notice":
            case.give_notice()
            wait_for_notice(case, clock)
            return
        if "advance-circulation" in rules and not case.records[-1].kind == "circulated":
            case.circulate_plan()
            clock.advance(days=3)
            return
        case.hold_meeting(present=counts.voters, yes=counts.voters,
                          households=counts.households, non_voting=counts.members - counts.voters,
                          witnesses=1)
    elif kind == "consultation":
        adults = [v.id for v in case.roster.villagers if v.adult and not v.township]
        opinions = sum(1 for r in case.records if r.kind == "opinion")
        if opinions < len(adults):
            case.record_opinion(adults[opinions], "agree")
            return
        # Everyone has signed: the vote closes the consultation and resolves (two records).
        counts = case.plan.counts(case.roster, case.plan.stage("resolution").body)
        case.hold_meeting(present=counts.voters, yes=counts.voters,
                          households=counts.households, witnesses=1)
    else:
        member = next(v.id for v in case.roster.villagers
                      if case.roster.matches(v, sp.body.members))
        if case.records[-1].kind != "disclosure-posted":
            case.post_disclosure("notice-board", content="公示 <全文>", actor=member)
            clock.advance(days=7)
        else:
            case.conclude_disclosure()


def test_a_whole_case_through_the_store(store_url: str) -> None:
    clock = ManualClock()
    with open_store(store_url) as store:
        opened = new_case(store, "six-deliberations-guzhuang", roster(), matter="修村道 & 桥",
                          case_id="road", clock=clock)
        assert store.info("road").version == opened.version
        acts = 0
        while True:
            case = load_case(store, "road", clock=clock)
            if case.closed:
                break
            before = case.version
            # A refused action stores nothing; the case stays as it was.
            if case.state == "consultation" and case.records[-1].kind != "opinion":
                with pytest.raises(RuleViolation):
                    act(store, "road", lambda c: c.close_consultation(),
                              loader=lambda cid: load_case(store, cid, clock=clock))
                assert store.info("road").version == before
            act(store, "road", lambda c: step(c, clock),
                      loader=lambda cid: load_case(store, cid, clock=clock))
            assert store.info("road").version > before
            acts += 1
            assert acts < 200
        assert case.outcome is not None
        stored = store.stored("road")
        # The consultation's last vote wrote two records as one action.
        assert any(s.action_size == 2 for s in stored)
        assert store.verify("road").ok
        replayed = Case.replay(case.procedure, store.roster("road"), store.records("road"))
        assert (replayed.state, replayed.records) == (case.state, case.records)
        data = archive_data(store, "road")
    assert data["state"]["replayed"] and data["state"]["outcome"] == case.outcome
    assert verify_archive(data) == []
    assert len(data["records"]) == case.version
    # The archive checks itself offline: change one record and it says where.
    data["records"][3]["record"]["actor"] = "v0001"
    assert [p.seq for p in verify_archive(data)] == [4]
    for lang, words in (("zh-Hans", ("应到", "实到", "签字", "公开")),
                        ("zh-Hant", ("應到", "實到", "簽字", "公開")),
                        ("en", ("Expected", "Present", "Signatures", "posted on"))):
        html = render_html(archive_data_of(store_url), lang=lang)
        assert all(w in html for w in words), lang
        assert "修村道 &amp; 桥" in html and "&lt;东段&gt;" in html and "<东段>" not in html
        assert "@media print" in html


def archive_data_of(url: str) -> dict[str, Any]:
    with open_store(url) as store:
        return archive_data(store, "road")


def _noter(url: str, writer: int, n: int, barrier: Any) -> None:
    with open_store(url) as store:
        barrier.wait()
        for i in range(n):
            act(store, "race", lambda c, i=i: c.note(f"writer {writer} note {i}"), retries=1000)


def test_racing_processes_act_through_the_engine(store_url: str) -> None:
    with open_store(store_url) as store:
        new_case(store, "four-deliberations", roster(), matter="m", case_id="race",
                 clock=ManualClock())
    procs, n = 4, 25
    barrier = CTX.Barrier(procs)
    ps = [CTX.Process(target=_noter, args=(store_url, w, n, barrier)) for w in range(procs)]
    for p in ps:
        p.start()
    for p in ps:
        p.join(timeout=300)
        assert p.exitcode == 0
    with open_store(store_url) as store:
        case = load_case(store, "race")  # replays: a valid state
        assert store.verify("race").ok
    notes = [r.data["text"] for r in case.records if r.kind == "note"]
    assert sorted(notes) == sorted(f"writer {w} note {i}" for w in range(procs) for i in range(n))
    assert case.version == 1 + procs * n


def cli(url: str, *argv: str) -> int:
    return main(["case", *argv, "--db", url]) if argv[0] != "act" else main(
        ["case", *argv[:3], "--db", url, *argv[3:]])


def test_cli_runs_a_case_across_invocations(store_url: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    at = "2026-03-01T09:00+08:00"
    assert cli(store_url, "new", "--procedure", "four-deliberations", "--matter", "修村道",
               "--id", "road", "--generate", "households=8,people=16,adults=12,party_members=4,"
               "representatives=3,party_committee=3,villagers_committee=3,"
               "supervision_committee=2", "--at", at) == 0
    assert "road" in capsys.readouterr().out
    assert cli(store_url, "act", "road", "hold-meeting", "--present", "3", "--yes", "3",
               "--witnesses", "1", "--at", at, "--lang", "en") == 0
    out = capsys.readouterr().out
    assert "recorded #2 meeting" in out and "version: 2" in out
    # A refused action: exit 1, the rule and its numbers printed, nothing stored.
    assert cli(store_url, "act", "road", "hold-meeting", "--json",
               '{"present": 1, "yes": 3}', "--at", at, "--lang", "en") == 1
    err = capsys.readouterr().err
    assert "refused" in err and "unchanged" in err
    with open_store(store_url) as store:
        assert store.info("road").version == 2
    assert cli(store_url, "act", "road", "note", "--text", "会前准备 <1>", "--at", at) == 0
    assert cli(store_url, "act", "road", "note", "--nope", "1") == 2
    assert cli(store_url, "act", "road", "explode") == 2
    assert cli(store_url, "act", "ghost", "note", "--text", "x") == 2
    capsys.readouterr()
    assert cli(store_url, "log", "road") == 0
    assert "会前准备 <1>" in capsys.readouterr().out
    assert cli(store_url, "show", "road", "--lang", "en") == 0
    assert cli(store_url, "list") == 0
    assert "road" in capsys.readouterr().out
    assert cli(store_url, "verify", "road") == 0
    assert "3" in capsys.readouterr().out
    out_json, out_html = tmp_path / "road.json", tmp_path / "road.html"
    assert cli(store_url, "export", "road", "-o", str(out_json)) == 0
    assert cli(store_url, "export", "road", "--format", "html", "--lang", "zh-Hant",
               "-o", str(out_html)) == 0
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["verification"]["ok"] and len(data["records"]) == 3
    assert "&lt;1&gt;" in out_html.read_text(encoding="utf-8")
    # Tamper, and verify says so with exit 1.
    with open_store(store_url) as store:
        store.backend.execute("UPDATE records SET record_json = replace(record_json, '会前', "
                              "'会后') WHERE case_id = 'road' AND seq = 3")
    capsys.readouterr()
    assert cli(store_url, "verify", "road", "--lang", "en") == 1
    assert "record 3" in capsys.readouterr().out


def test_cli_signs_heads_and_auditors_verify_with_the_public_key(
        store_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cryptography.hazmat.primitives import serialization as ser
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    priv, pub = tmp_path / "clerk.pem", tmp_path / "auditor.pem"
    priv.write_bytes(key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8,
                                       ser.NoEncryption()))
    pub.write_bytes(key.public_key().public_bytes(ser.Encoding.PEM,
                                                  ser.PublicFormat.SubjectPublicKeyInfo))
    assert cli(store_url, "new", "--procedure", "four-deliberations", "--matter", "m",
               "--id", "s", "--key-file", str(priv)) == 0
    assert cli(store_url, "act", "s", "note", "--text", "a", "--key-file", str(priv)) == 0
    capsys.readouterr()
    assert cli(store_url, "verify", "s", "--key-file", str(pub), "--lang", "en") == 0
    assert "[valid]" in capsys.readouterr().out
    # An action written without the key leaves the new head unsigned: verify says so.
    assert cli(store_url, "act", "s", "note", "--text", "b") == 0
    capsys.readouterr()
    assert cli(store_url, "verify", "s", "--key-file", str(pub), "--lang", "en") == 1
    assert "not signed" in capsys.readouterr().out
    assert cli(store_url, "verify", "s", "--key-file", str(tmp_path / "none.pem")) == 2
    # A database that cannot be opened: one line, exit 2, no traceback.
    capsys.readouterr()
    assert cli(f"sqlite:///{tmp_path}", "list", "--lang", "en") == 2
    assert capsys.readouterr().err.startswith(
        f"deliberation: no store file {tmp_path}: name the store with --db URL")
    assert cli(f"sqlite:///{tmp_path}", "new", "--procedure", "four-deliberations",
               "--matter", "m", "--lang", "en") == 2
    err = capsys.readouterr().err
    assert err.startswith(f"deliberation: {tmp_path}: ") and err.count("\n") == 1
