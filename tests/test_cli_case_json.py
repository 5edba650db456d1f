"""``case … --format json``: one JSON document per command; ``case list`` pages and filters in
the database; a closed pipe ends quietly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import test_store_support as support

from deliberation.cli import main
from deliberation.store import open_store

store_url = support.store_url  # both backends (see test_store_support)
AT = "2026-03-01T09:00+08:00"


def run_json(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> object:
    capsys.readouterr()
    assert main(list(argv)) == code
    return json.loads(capsys.readouterr().out)


def test_every_case_command_speaks_json(store_url: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    new = run_json(capsys, "case", "new", "--db", store_url, "--procedure", "four-deliberations",
                   "--matter", "修村道", "--id", "road", "--at", AT, "--format", "json")
    assert new["case"] == "road" and new["version"] == 1
    assert [r["kind"] for r in new["records"]] == ["opened"]
    act = run_json(capsys, "case", "act", "road", "note", "--text", "会前准备",
                   "--at", "2026-03-01T10:00+08:00", "--db", store_url, "--format", "json")
    assert act["version"] == 2 and [r["kind"] for r in act["records"]] == ["note"]
    refused = run_json(capsys, "case", "act", "road", "record-opinion", "--villager", "nobody",
                       "--db", store_url, "--format", "json", code=1)
    assert refused["refused"] is True and refused["message"]["en"]
    show = run_json(capsys, "case", "show", "road", "--db", store_url, "--format", "json")
    assert show["case_id"] == "road" and show["matter"] == "修村道" and show["version"] == 2
    assert show["state"] and isinstance(show["blockers"], list)
    log = run_json(capsys, "case", "log", "road", "--db", store_url, "--format", "json")
    assert [row["seq"] for row in log] == [1, 2] and log[1]["record"]["kind"] == "note"
    verify = run_json(capsys, "case", "verify", "road", "--db", store_url, "--format", "json")
    assert verify["ok"] is True and verify["records"] == 2 and verify["replay"] is None
    listed = run_json(capsys, "case", "list", "--db", store_url, "--format", "json")
    assert [c["case_id"] for c in listed["cases"]] == ["road"] and listed["next_after"] is None


def test_case_list_pages_and_filters_in_the_database(store_url: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    with open_store(store_url) as store:
        for i in range(7):
            proc = "four-deliberations" if i % 2 else "six-deliberations-guzhuang"
            store.create(f"c{i}", proc, "1", support.small_roster(), matter=f"m{i}")
        # Creation times decide the order; make them distinct days, out of id order.
        for i, day in enumerate(["2026-03-05", "2026-03-01", "2026-03-03", "2026-03-02",
                                 "2026-03-07", "2026-03-04", "2026-03-06"]):
            store.backend.execute("UPDATE cases SET created_at = ? WHERE case_id = ?",
                                  (f"{day}T08:00:00.000000+00:00", f"c{i}"))
    base = ["case", "list", "--db", store_url, "--format", "json"]
    seen: list[str] = []
    after: str | None = None
    while True:
        page = run_json(capsys, *base, "--limit", "3", *(["--after", after] if after else []))
        seen += [c["case_id"] for c in page["cases"]]
        after = page["next_after"]
        if after is None:
            break
    assert seen == ["c1", "c3", "c2", "c5", "c0", "c6", "c4"]
    four = run_json(capsys, *base, "--procedure", "four-deliberations")
    assert [c["case_id"] for c in four["cases"]] == ["c1", "c3", "c5"]
    window = run_json(capsys, *base, "--since", "2026-03-02", "--until", "2026-03-04")
    assert [c["case_id"] for c in window["cases"]] == ["c3", "c2", "c5"]
    capsys.readouterr()
    assert main([*base, "--after", "nope", "--lang", "en"]) == 2
    assert "nope" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*base, "--limit", "0"])


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert main(["case", "new", "--db", url, "--procedure", "four-deliberations", "--matter",
                 "m", "--id", "road", "--at", AT]) == 0
    for i in range(40):
        assert main(["case", "act", "road", "note", "--text", f"第 {i} 条备注 " * 20,
                     "--db", url, "--at", f"2026-03-01T{10 + i // 60:02d}:{i % 60:02d}+08:00"]) == 0
    cmd = (f"{sys.executable} -m deliberation.cli case log road --db {url} --format json "
           "| head -c 100 >/dev/null")
    done = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.stderr == "", done.stderr


def test_case_list_filters_by_village_state_and_last_action(
        store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    cases = [("a1", "four-deliberations", "2026-03-01T09:00+08:00", "guzhuang"),
             ("a2", "six-deliberations-guzhuang", "2026-03-01T10:00+08:00", "guzhuang"),
             ("b1", "four-deliberations", "2026-03-01T11:00+08:00", "lijin"),
             ("n1", "four-deliberations", "2026-03-01T12:00+08:00", None)]
    for case_id, procedure, at, village in cases:
        assert main(["case", "new", "--db", store_url, "--procedure", procedure, "--matter",
                     "m", "--id", case_id, "--at", at,
                     *(["--village", village] if village else [])]) == 0
    # The last action decides updated_at: a1 on 5 March (local 10:00 is 02:00 UTC), the rest on
    # the day they were opened (1 March).
    assert main(["case", "act", "a1", "note", "--text", "t", "--db", store_url,
                 "--at", "2026-03-05T10:00+08:00"]) == 0
    base = ["case", "list", "--db", store_url, "--format", "json"]

    def ids(*argv: str) -> list[str]:
        return [c["case_id"] for c in run_json(capsys, *base, *argv)["cases"]]

    assert ids("--village", "guzhuang") == ["a1", "a2"]
    assert ids("--village", "lijin") == ["b1"]
    assert ids("--village", "nowhere") == []
    assert ids("--state", "proposal") == ["a1", "b1", "n1"]
    assert ids("--state", "motion", "--village", "guzhuang") == ["a2"]
    # the day of the last action, the day before and the day after (dates in UTC)
    assert ids("--updated-since", "2026-03-05") == ["a1"]
    assert ids("--updated-since", "2026-03-04") == ["a1"]
    assert ids("--updated-since", "2026-03-06") == []
    assert ids("--updated-until", "2026-03-04") == ["a2", "b1", "n1"]
    assert ids("--updated-until", "2026-03-05") == ["a1", "a2", "b1", "n1"]
    assert ids("--village", "guzhuang", "--limit", "1") == ["a1"]
    assert ids("--village", "guzhuang", "--after", "a1") == ["a2"]
    listed = run_json(capsys, *base, "--village", "guzhuang")["cases"]
    assert [(c["village"], c["state"]) for c in listed] == [("guzhuang", "proposal"),
                                                            ("guzhuang", "motion")]
    assert listed[0]["updated_at"] == "2026-03-05T02:00:00.000000+00:00"
    # The text table shows the same columns.
    capsys.readouterr()
    assert main([*base[:-2], "--village", "lijin", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "b1" in out and "lijin" in out and "proposal" in out and "a1" not in out
    # The village is under the chain: changing it is caught by verify.
    with open_store(store_url) as store:
        assert store.verify("a1").ok
        store.backend.execute("UPDATE cases SET village = 'lijin' WHERE case_id = 'a1'")
        assert [(p.code, p.detail) for p in store.verify("a1").problems] == [
            ("header-changed", "created_at, village")]
        store.backend.execute("UPDATE cases SET village = 'guzhuang', state = 'decided' "
                              "WHERE case_id = 'a1'")
        assert [(p.code, p.detail) for p in store.verify("a1").problems] == [
            ("summary-mismatch", "state")]
    # Bad input: one line, exit 2, nothing listed.
    for argv in (["--village", "no good"], ["--updated-since", "2026-02-30"],
                 ["--updated-until", "soon"]):
        capsys.readouterr()
        try:
            code = main([*base, *argv, "--lang", "en"])
        except SystemExit as stop:
            code = int(stop.code or 0)
        err = capsys.readouterr()
        assert code == 2 and err.out == "" and len(err.err.strip().splitlines()) == 1, err


def test_case_list_days_are_the_villages_local_days(
        store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    """--since/--until and --updated-since/--updated-until name days of the village's calendar
    (Asia/Shanghai), not UTC days: a case opened at 00:00 on 1 November Beijing time (16:00
    UTC the day before) belongs to 1 November; one opened a second earlier to 31 October."""
    opened = {"before": "2026-10-31T15:59:59.000000+00:00",  # 23:59:59 Beijing time
              "midnight": "2026-10-31T16:00:00.000000+00:00",  # 00:00 on 1 November
              "one-am": "2026-10-31T17:00:00.000000+00:00"}
    for case_id in opened:
        assert main(["case", "new", "--db", store_url, "--procedure", "four-deliberations",
                     "--matter", "m", "--id", case_id, "--at", "2026-10-31T09:00+08:00"]) == 0
    with open_store(store_url) as store:  # the store stamps the time it was opened at
        for case_id, at in opened.items():
            store.backend.execute("UPDATE cases SET created_at = ? WHERE case_id = ?",
                                  (at, case_id))
    # the last action: 00:30 on 2 November Beijing time (16:30 UTC on 1 November)
    assert main(["case", "act", "one-am", "note", "--text", "t", "--db", store_url,
                 "--at", "2026-11-02T00:30:00+08:00"]) == 0
    base = ["case", "list", "--db", store_url, "--format", "json"]

    def ids(*argv: str) -> list[str]:
        return [c["case_id"] for c in run_json(capsys, *base, *argv)["cases"]]

    assert ids("--since", "2026-10-31") == ["before", "midnight", "one-am"]
    assert ids("--since", "2026-11-01") == ["midnight", "one-am"]
    assert ids("--since", "2026-11-02") == []
    assert ids("--until", "2026-10-30") == []
    assert ids("--until", "2026-10-31") == ["before"]
    assert ids("--until", "2026-11-01") == ["before", "midnight", "one-am"]
    assert ids("--since", "2026-11-01", "--until", "2026-11-01") == ["midnight", "one-am"]
    assert ids("--updated-since", "2026-11-02") == ["one-am"]
    assert ids("--updated-until", "2026-11-01") == ["before", "midnight"]
    assert ids("--updated-until", "2026-11-02") == ["before", "midnight", "one-am"]
