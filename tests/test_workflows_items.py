"""Items voted one by one and required observers, end to end: the three scenarios of
``examples/procedures/four-deliberations-items.yaml`` through ``run``, and the register that
prints each item's vote and result, the observers and the meeting's place."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import register_support as support

from deliberation.cli import main
from deliberation.definition import loader
from deliberation.engine.scenario import load_scenario, run_scenario
from deliberation.store.register import build_register
from deliberation.trainer.walk import run_walk

ROOT = Path(__file__).resolve().parent.parent / "examples"
EXAMPLES = ROOT / "scenarios"


def run(name: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["run", str(EXAMPLES / f"{name}.yaml"), "--json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def refusals(data: dict[str, Any]) -> list[str]:
    out = []
    for a in data["actions"]:
        if not a["accepted"]:
            out += [v["rule"] for v in a["violations"]] or [a["error"]["type"]]
    return out


def test_some_items_adopted_the_case_goes_on(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("items-some-adopted", capsys)
    resolution = data["actions"][4]
    assert resolution["route"] == "pass" and resolution["items"] == {"road": True,
                                                                    "lights": False}
    assert refusals(data) == [] and data["outcome"] == "adopted"


def test_no_item_adopted_the_resolution_is_rejected(capsys: pytest.CaptureFixture[str]) -> None:
    data = run("items-none-adopted", capsys)
    assert refusals(data) == ["InvalidAction", "InvalidAction"]
    last = data["actions"][-1]
    assert last["route"] == "rejected" and last["items"] == {"road": False, "lights": False}
    assert data["state"] == "discussion"


def test_without_a_supervision_observer_the_meeting_is_refused(
        capsys: pytest.CaptureFixture[str]) -> None:
    data = run("items-no-observer", capsys)
    assert refusals(data) == ["supervision-observers", "supervision-observers",
                              "InvalidAction"]
    assert data["actions"][-1]["route"] == "no_quorum" and data["state"] == "resolution"


def test_run_prints_each_items_result_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(EXAMPLES / "items-some-adopted.yaml"), "--lang", "zh-Hans"]) == 0
    out = capsys.readouterr().out
    assert "    硬化村道 (`road`):通过" in out and "    安装路灯 (`lights`):未通过" in out


@pytest.fixture
def items_library(monkeypatch: pytest.MonkeyPatch) -> None:
    """The register finds a case's procedure by id: put the example folder on the path."""
    monkeypatch.setenv("DELIBERATION_PATH", str(ROOT / "procedures"))
    monkeypatch.setattr(loader, "_DEFAULT_LIBRARY", None)


def test_the_register_prints_items_observers_and_place(items_library: None) -> None:
    case = run_scenario(load_scenario(EXAMPLES / "items-some-adopted.yaml")).case
    reg = build_register(support.archive_of(case), lang="zh-Hans")
    section = next(s for s in reg.sections if s.title == "第4步 决议")
    rows = {r.label: r.value for r in section.rows}
    assert rows["地点"] == "村委会议室"
    assert rows["事项:硬化村道"] == "赞成10票,反对6票,弃权2票——通过"
    assert rows["事项:安装路灯"] == "赞成11票,反对7票,弃权0票——未通过"
    assert rows["列席监督人员"] == "1人:v0007"
    assert "表决情况" not in rows


def test_case_act_takes_items_observers_and_place_and_prints_each_item(
        items_library: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"

    def act(at: str, *argv: str) -> None:
        assert main(["case", "act", "c1", *argv, "--db", url, "--at", at, "--lang", "zh-Hans"]) == 0

    assert main(["case", "new", "--db", url, "--procedure", "four-deliberations-items",
                 "--matter", "m", "--id", "c1", "--at", "2026-03-01T09:00+08:00"]) == 0
    act("2026-03-01T10:00+08:00", "hold-meeting", "--present", "5", "--yes", "5")
    act("2026-03-02T10:00+08:00", "hold-meeting", "--present", "6", "--yes", "6")
    act("2026-03-02T11:00+08:00", "circulate-plan")
    act("2026-03-05T12:00+08:00", "hold-meeting", "--present", "40", "--yes", "40",
        "--witnesses", "1")
    capsys.readouterr()
    # 26 of the 33 members present: road > 1/2 (14 of 26), lights needs 2/3 of 26 = 18
    act("2026-03-07T13:00+08:00", "hold-meeting", "--present", "26", "--items",
        '{"road": {"yes": 14}, "lights": {"yes": 17}}', "--observers", "v0007",
        "--place", "村委会议室", "--witnesses", "1")
    out = capsys.readouterr().out
    # each item by its name, its id as code
    assert "硬化村道 (`road`): 通过" in out and "安装路灯 (`lights`): 未通过" in out


def test_the_walkthrough_votes_items_and_names_observers() -> None:
    script = ["meeting present=5 yes=5", "meeting present=6 yes=6", "circulate", "wait 3",
              "meeting present=40 yes=40 witnesses=1",
              "meeting present=26 item.road=14 item.lights=18 witnesses=1",  # refused
              "meeting present=26 item.road=14 item.lights=17 witnesses=1 observers=1"]
    out = io.StringIO()
    run_walk(str(ROOT / "procedures" / "four-deliberations-items.yaml"), script, lang="en",
             out=out)
    text = out.getvalue()
    assert "Try: `meeting present=N item.road=N item.lights=N observers=N`" in text
    assert "too few observers: 0 of supervision committee members" in text
    assert "Result: passed → publish the resolution" in text
