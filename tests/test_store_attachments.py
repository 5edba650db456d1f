"""Evidence attachments on both backends: an action's record names each file (SHA-256, media
type, size, name), the store keeps the bytes once per case and digest, verify re-hashes them,
and a refused action stores nothing."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
import test_store_support as support
from test_service_contract import _verify
from test_service_http import _validator

from deliberation import Roster
from deliberation.cli import main
from deliberation.engine.clock import ManualClock
from deliberation.engine.records import Attachment, Record
from deliberation.errors import InvalidAction
from deliberation.service import schemas
from deliberation.store import open_store
from deliberation.store.archive import archive_data, render_html, verify_archive
from deliberation.store.cases import act, load_case, new_case
from deliberation.store.evidence import (
    MAX_COUNT,
    MAX_SIZE,
    MEDIA_TYPES,
    evidence_from_bytes,
    read_evidence,
)
from deliberation.store.register import build_register

store_url = support.store_url  # both backends (see test_store_support)

PDF = b"%PDF-1.7\n scanned minutes"
JPEG = b"\xff\xd8\xff\xe0 photo of the notice board"


def _case(url: str) -> None:
    with open_store(url) as store:
        new_case(store, "four-deliberations", Roster.generate(), matter="修村道",
                 case_id="r1", clock=ManualClock())


def test_an_action_carries_its_evidence_and_verify_checks_the_bytes(store_url: str) -> None:
    _case(store_url)
    minutes, photo = evidence_from_bytes("纪要.pdf", PDF), evidence_from_bytes("board.jpg", JPEG)
    with open_store(store_url) as store:
        case = act(store, "r1", lambda c: c.note("会前准备"), evidence=[minutes, photo])
        rec = case.records[-1]
        assert rec.attachments == (minutes.attachment, photo.attachment)
        assert rec.to_data()["attachments"][0] == {
            "name": "纪要.pdf", "media_type": "application/pdf", "size": len(PDF),
            "sha256": hashlib.sha256(PDF).hexdigest()}
        # the same photo on a later action: named again, stored once
        act(store, "r1", lambda c: c.note("张贴"), evidence=[photo])
        assert store.attachments("r1") == {minutes.attachment.sha256: PDF,
                                           photo.attachment.sha256: JPEG}
        assert store.attachment("r1", photo.attachment.sha256) == JPEG
        assert store.verify("r1").ok
        # replay keeps what the records name
        assert load_case(store, "r1").records[1].attachments == rec.attachments


def test_changed_missing_and_stray_bytes_are_found_and_located(store_url: str) -> None:
    _case(store_url)
    minutes, photo = evidence_from_bytes("m.pdf", PDF), evidence_from_bytes("b.jpg", JPEG)
    with open_store(store_url) as store:
        act(store, "r1", lambda c: c.note("a"), evidence=[minutes])
        act(store, "r1", lambda c: c.note("b"), evidence=[photo])
        b = store.backend
        b.execute("UPDATE attachments SET content = ? WHERE sha256 = ?",
                  (PDF + b" ", minutes.attachment.sha256))
        b.execute("DELETE FROM attachments WHERE sha256 = ?", (photo.attachment.sha256,))
        b.execute("INSERT INTO attachments (case_id, sha256, content) VALUES (?, ?, ?)",
                  ("r1", "ab" * 32, b"stray"))
        for result in (store.verify("r1"), *store.verify_many(["r1"])):
            found = [(p.code, p.seq) for p in result.problems]
            assert found == [("attachment-changed", 2), ("attachment-missing", 3),
                             ("attachment-unreferenced", None)]
            assert "m.pdf" in result.problems[0].message.en
        # bytes changed in place, same length: still found (the digest is re-computed)
        b.execute("UPDATE attachments SET content = ? WHERE sha256 = ?",
                  (PDF.replace(b"7", b"6"), minutes.attachment.sha256))
        assert ("attachment-changed", 2) in [(p.code, p.seq) for p in store.verify("r1").problems]


def test_a_refused_action_stores_nothing(store_url: str) -> None:
    _case(store_url)
    with open_store(store_url) as store:
        with pytest.raises(InvalidAction, match="cannot submit a motion now"):
            act(store, "r1", lambda c: c.submit_motion("x", ["v0001"]),
                evidence=[evidence_from_bytes("m.pdf", PDF)])
        assert store.attachments("r1") == {}
        assert store.info("r1").version == 1
        case = load_case(store, "r1")
        # the engine forgets the pending files with the refusal: the next action has none
        assert case.note("x")[0].attachments == ()


def test_append_checks_the_bytes_against_the_records(store_url: str) -> None:
    _case(store_url)
    named = Attachment("m.pdf", "application/pdf", len(PDF), hashlib.sha256(PDF).hexdigest())
    with open_store(store_url) as store:
        at = store.records("r1")[-1].at
        rec = Record(2, "r1", "note", at, None, "proposal", {"text": "x"}, (), {},
                     (named,))
        bad = [({}, "were not given"), ({named.sha256: PDF + b"!"}, "do not match"),
               ({named.sha256: PDF, "cd" * 32: b"x"}, "not named by any record")]
        for contents, words in bad:
            with pytest.raises(InvalidAction, match=words):
                store.append("r1", 1, [rec], attachments=contents)
            assert store.info("r1").version == 1 and store.attachments("r1") == {}
        store.append("r1", 1, [rec], attachments={named.sha256: PDF})
        assert store.verify("r1").ok


@pytest.mark.parametrize(("name", "content", "words"), [
    ("run.exe", b"MZ\x90\x00", "not an accepted kind"),
    ("notes.txt", b"\xff\xfe bad utf-8", "not an accepted kind"),
    ("empty.pdf", b"", "is empty"),
    ("../etc/passwd.txt", b"x", "not a file name"),
    ("evil\u202etxt.pdf", PDF, "control or direction"),
    ("a\x1b[2J.pdf", PDF, "control or direction"),
    ("x" * 252 + ".pdf", PDF, "longer than"),
])
def test_bad_evidence_is_refused_clearly(name: str, content: bytes, words: str) -> None:
    with pytest.raises(InvalidAction, match=words):
        evidence_from_bytes(name, content)


def test_media_types_come_from_the_content_and_limits_hold(tmp_path: object) -> None:
    assert evidence_from_bytes("scan.bin", PDF).attachment.media_type == "application/pdf"
    assert evidence_from_bytes("p.png", b"\x89PNG\r\n\x1a\n...").attachment.media_type \
        == "image/png"
    assert evidence_from_bytes("p.webp", b"RIFF\0\0\0\0WEBPVP8 ").attachment.media_type \
        == "image/webp"
    with pytest.raises(InvalidAction, match="sent as image/png but its content is"):
        evidence_from_bytes("m.pdf", PDF, declared="image/png")
    # size: n-1 and n accepted, n+1 refused
    head = b"%PDF-"
    for size, ok in ((MAX_SIZE - 1, True), (MAX_SIZE, True), (MAX_SIZE + 1, False)):
        content = head + b"0" * (size - len(head))
        if ok:
            assert evidence_from_bytes("big.pdf", content).attachment.size == size
        else:
            with pytest.raises(InvalidAction, match="more than"):
                evidence_from_bytes("big.pdf", content)
    with pytest.raises(InvalidAction, match="cannot read"):
        read_evidence("/nonexistent/scan.pdf")
    with open_store("sqlite:///:memory:") as store:
        new_case(store, "four-deliberations", Roster.generate(), case_id="r1",
                 clock=ManualClock())
        many = [evidence_from_bytes(f"{i}.txt", str(i).encode()) for i in range(MAX_COUNT + 1)]
        act(store, "r1", lambda c: c.note("n"), evidence=many[:MAX_COUNT])
        with pytest.raises(InvalidAction, match="at most"):
            act(store, "r1", lambda c: c.note("n+1"), evidence=many)


def test_the_archive_lists_the_evidence_and_proves_it_with_the_bytes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    _case(url)
    minutes, photo = evidence_from_bytes("纪要.pdf", PDF), evidence_from_bytes("board.jpg", JPEG)
    with open_store(url) as store:
        act(store, "r1", lambda c: c.note("a"), evidence=[minutes, photo])
        act(store, "r1", lambda c: c.note("b"), evidence=[photo])
        listed = archive_data(store, "r1")
        full = json.loads(json.dumps(archive_data(store, "r1", attachments=True)))
    assert "attachments" not in listed
    assert listed["records"][1]["record"]["attachments"][1]["name"] == "board.jpg"
    assert verify_archive(listed) == [] and verify_archive(full) == []
    assert [a["sha256"] for a in full["attachments"]] == sorted(
        [minutes.attachment.sha256, photo.attachment.sha256])
    code, report = _verify(full, tmp_path)
    assert code == 0 and report["ok"]

    def changed(a: dict[str, Any]) -> None:
        item = next(i for i in a["attachments"] if i["sha256"] == photo.attachment.sha256)
        item["base64"] = base64.b64encode(JPEG + b"!").decode()

    def missing(a: dict[str, Any]) -> None:
        a["attachments"] = [i for i in a["attachments"] if i["sha256"] != photo.attachment.sha256]

    def stray(a: dict[str, Any]) -> None:
        a["attachments"].append({"sha256": "ab" * 32, "base64": "eA=="})

    for tamper, expected in ((changed, [("attachment-changed", 2), ("attachment-changed", 3)]),
                             (missing, [("attachment-missing", 2), ("attachment-missing", 3)]),
                             (stray, [("attachment-unreferenced", None)])):
        bad = copy.deepcopy(full)
        tamper(bad)
        python = [(p.code, p.seq) for p in verify_archive(bad)]
        assert python == expected
        code, report = _verify(bad, tmp_path)
        assert code == 1 and [(p["code"], p["seq"]) for p in report["problems"]] == expected
    # the shipped schemas describe both forms, and their media types are the accepted ones
    _validator("archive").validate(full)
    _validator("archive").validate(listed)
    kinds = schemas.load("record")["$defs"]["attachment"]["properties"]["media_type"]["enum"]
    assert kinds == list(MEDIA_TYPES)
    bad = copy.deepcopy(full)
    bad["attachments"][0]["base64"] = "not base64!"
    assert [p.code for p in verify_archive(bad)] == ["unreadable"]
    bad["attachments"] = 7
    assert [p.code for p in verify_archive(bad)] == ["unreadable"]


def cli(url: str, *argv: str) -> int:
    return main(["case", *argv, "--db", url])


def test_the_cli_attaches_files_and_exports_them(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    _case(url)
    scan, photo = tmp_path / "纪要.pdf", tmp_path / "board.jpg"
    scan.write_bytes(PDF)
    photo.write_bytes(JPEG)
    assert cli(url, "act", "r1", "note", "--text", "会前准备", "--attach", str(scan),
               "--attach", str(photo), "--lang", "en") == 0
    out = capsys.readouterr().out
    assert "attached: 纪要.pdf" in out and "image/jpeg" in out
    # --attach before ACTION works too; --format json lists them in the record
    assert cli(url, "act", "--attach", str(photo), "--format", "json", "r1", "note",
               "--text", "张贴") == 0
    rec = json.loads(capsys.readouterr().out)["records"][0]
    assert rec["attachments"][0]["sha256"] == hashlib.sha256(JPEG).hexdigest()
    assert cli(url, "verify", "r1") == 0
    out_json = tmp_path / "a.json"
    assert cli(url, "export", "r1", "--attachments", "-o", str(out_json)) == 0
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert len(data["attachments"]) == 2 and verify_archive(data) == []
    assert cli(url, "export", "r1", "--attachments", "--format", "html") == 2
    # bad files: a clear one-line error, exit 2, nothing stored
    exe, gone = tmp_path / "x.exe", tmp_path / "gone.pdf"
    exe.write_bytes(b"MZ\x90\x00")
    capsys.readouterr()
    for path, words in ((exe, "not an accepted kind"), (gone, "cannot read")):
        assert cli(url, "act", "r1", "note", "--text", "x", "--attach", str(path),
                   "--lang", "en") == 2
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err
    with open_store(url) as store:
        assert store.info("r1").version == 3
        # a refused action with a file: exit 1, nothing stored
    assert cli(url, "act", "r1", "submit-motion", "--text", "x", "--submitters", "v0001",
               "--attach", str(scan)) == 1
    with open_store(url) as store:
        assert store.info("r1").version == 3 and len(store.attachments("r1")) == 2


def test_the_register_lists_each_sections_evidence() -> None:
    minutes = evidence_from_bytes("<纪要>.pdf", PDF)
    with open_store("sqlite:///:memory:") as store:
        new_case(store, "four-deliberations", Roster.generate(), matter="修村道",
                 case_id="r1", clock=ManualClock())
        act(store, "r1", lambda c: c.note("会前准备"), evidence=[minutes])
        data = archive_data(store, "r1")
    reg = build_register(data, lang="en")
    (row,) = [r for s in reg.sections for r in s.rows if r.label == "Attached evidence"]
    assert row.value == (f"<纪要>.pdf (application/pdf, {len(PDF)} bytes, "
                         f"SHA-256 {minutes.attachment.sha256[:12]}…)")
    html = render_html(data, lang="zh-Hant")
    assert "&lt;纪要&gt;.pdf" in html and minutes.attachment.sha256[:12] in html
