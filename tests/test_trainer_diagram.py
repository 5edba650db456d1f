"""Diagrams: Mermaid and dot text, Graphviz SVG/PNG, the built-in SVG, and the CLI."""

from __future__ import annotations

import os
import shutil
import xml.etree.ElementTree as ET

import pytest

from deliberation import load_procedure
from deliberation.cli import main
from deliberation.trainer import diagram
from deliberation.trainer.diagram import (
    GraphvizMissing,
    UnknownStage,
    render,
    to_dot,
    to_mermaid,
    to_svg,
)

HAVE_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(
    not HAVE_DOT and not os.environ.get("CI"),
    reason="Graphviz is not installed (CI installs it and runs these)",
)


@pytest.fixture(scope="module")
def six():
    return load_procedure("six-deliberations-guzhuang")


def test_mermaid_has_every_step_rule_route_and_outcome(six):
    text = to_mermaid(six, lang="en")
    assert text.startswith("flowchart TD\n")
    for i, stage in enumerate(six.stages, start=1):
        assert f's{i}["{i}. ' in text, stage.id
    # the rules on the pass arrow of the resolution (step 6), with > entity-encoded
    assert 's6 -->|"≥2/3 of members present; #gt;1/2 of present vote yes"| s7' in text
    assert 's6 -.->|"no quorum: reconvene"| s6' in text
    assert 's6 -.->|"rejected"| s3' in text  # a failed vote returns to the discussion
    assert 's6 -.->|"rounds exhausted"| o2' in text
    assert 'o1(["adopted and published"])' in text
    assert "s8 -->" in text and "| o1" in text


def test_mermaid_labels_are_translated(six):
    hans, hant = to_mermaid(six, lang="zh-Hans"), to_mermaid(six, lang="zh-Hant")
    assert "5. 民议" in hans and "5. 民議" in hant
    assert "签字意见100#37;村民" in hans and "簽字意見100#37;村民" in hant


def test_highlight_marks_one_stage(six):
    assert "class s4 current" in to_mermaid(six, highlight="review")
    dot = to_dot(six, highlight="review")
    line = next(x for x in dot.splitlines() if x.strip().startswith("s4 ["))
    assert "penwidth=3" in line
    assert "penwidth=3" not in next(x for x in dot.splitlines() if x.strip().startswith("s5 ["))
    svg = to_svg(six, highlight="review")
    assert '<g class="step current" data-stage="review">' in svg
    assert svg.count("step current") == 1


def test_unknown_highlight_is_a_clear_error(six):
    with pytest.raises(UnknownStage) as err:
        to_mermaid(six, highlight="revue")
    assert "review" in err.value.explain("en")


def test_dot_is_valid_text_with_back_edges_that_do_not_constrain(six):
    dot = to_dot(six, lang="en")
    assert dot.startswith("digraph procedure {") and dot.rstrip().endswith("}")
    back = next(x for x in dot.splitlines() if x.strip().startswith("s6 -> s3"))
    assert "constraint=false" in back


def test_builtin_svg_is_well_formed_and_has_every_step(six):
    for lang in ("zh-Hans", "zh-Hant", "en"):
        svg = to_svg(six, lang=lang, element_id=f"d-{lang}")
        root = ET.fromstring(svg)
        steps = root.findall(".//{http://www.w3.org/2000/svg}g[@class='step']")
        assert [g.get("data-stage") for g in steps] == [s.id for s in six.stages]
        assert f'marker id="d-{lang}-arrow"' in svg


@needs_dot
def test_graphviz_svg_and_png(six):
    svg = render(six, "svg", lang="zh-Hans", highlight="consultation")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "民议" in svg.decode("utf-8")
    png = render(six, "png", lang="en")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000


def test_missing_graphviz_is_a_clear_error(six, monkeypatch):
    monkeypatch.setattr(diagram.shutil, "which", lambda name: None)
    with pytest.raises(GraphvizMissing) as err:
        render(six, "png")
    assert "apt-get install graphviz" in err.value.explain("en")
    # Mermaid, dot and the built-in SVG need nothing installed.
    assert render(six, "mermaid") and render(six, "dot") and render(six, "svg", engine="builtin")


def test_cli_mermaid_to_stdout(capsys):
    assert main(["diagram", "four-deliberations", "--format", "mermaid", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("flowchart TD") and "s4 -->|" in out


def test_cli_writes_a_file_and_refuses_png_on_a_terminal(tmp_path, capsys, monkeypatch):
    target = tmp_path / "d.svg"
    args = ["diagram", "four-deliberations", "--format", "svg", "--engine", "builtin"]
    assert main([*args, "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("<svg")
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert main(["diagram", "four-deliberations", "--format", "png", "--lang", "en"]) == 2
    assert "-o FILE" in capsys.readouterr().err


def test_cli_bad_input_is_a_message_not_a_traceback(capsys):
    assert main(["diagram", "no-such-procedure", "--lang", "en"]) == 2
    assert "no-such-procedure" in capsys.readouterr().err
    assert main(["diagram", "four-deliberations", "--highlight", "x", "--lang", "en"]) == 2
    assert "no stage 'x'" in capsys.readouterr().err


def test_cli_highlights_a_stored_case(tmp_path, capsys):
    store_mod = pytest.importorskip("deliberation.store")
    cases = pytest.importorskip("deliberation.store.cases")
    from deliberation import Roster
    from deliberation.engine.clock import ManualClock

    url = f"sqlite:///{tmp_path / 'cases.db'}"
    with store_mod.open_store(url) as store:
        cases.new_case(store, "four-deliberations", Roster.generate(), matter="修村道",
                       case_id="road-1", clock=ManualClock())
        cases.act(store, "road-1", lambda c: c.hold_meeting(5, 5))
    args = ["diagram", "four-deliberations", "--case", "road-1", "--db", url]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "class s2 current" in out  # the proposal passed: the case is at the discussion
    assert main(["diagram", "six-deliberations-guzhuang", "--case", "road-1", "--db", url,
                 "--lang", "en"]) == 2
    assert "runs under four-deliberations" in capsys.readouterr().err


def test_cli_settings_change_the_rules_drawn(capsys):
    args = ["diagram", "four-deliberations", "--lang", "en"]
    assert main([*args, "--set", "party-assembly-quorum-ratio=2/3"]) == 0
    assert "≥2/3 of expected (应到) present" in capsys.readouterr().out
    assert main(args) == 0
    assert "≥1/2 of expected (应到) present" in capsys.readouterr().out
    assert main([*args, "--set", "no-such-setting=1"]) == 2
    assert "unknown setting 'no-such-setting'" in capsys.readouterr().err
    assert main([*args, "--set", "party-assembly-quorum-ratio=0.66"]) == 2
    assert "party-assembly-quorum-ratio" in capsys.readouterr().err


def test_an_outcome_can_be_highlighted(six):
    svg = to_svg(six, highlight="rejected")
    assert svg.count('class="outcome current" data-outcome="rejected"') >= 1
    assert "step current" not in svg
    assert "class o2 current" in to_mermaid(six, highlight="rejected")


@pytest.mark.parametrize("lang,said", [
    ("zh-Hans", "设置 `one-person-both-chairs` 为是时"),
    ("zh-Hant", "設定 `one-person-both-chairs` 為是時"),
    ("en", "merged away when the setting `one-person-both-chairs` is true")])
def test_the_setting_that_merges_a_step_is_quoted_once(six, lang, said):
    """Not 设置“`one-person-both-chairs`”: the id is code already, quotes around it doubled it."""
    dot = to_dot(six, lang=lang)
    assert said in dot and "“`" not in dot and "'`" not in dot and "「`" not in dot
    mermaid = to_mermaid(six, lang=lang)  # (Mermaid writes a backtick #96;)
    assert said.replace("`", "#96;") in mermaid


def test_a_steps_repeats_are_one_loop_with_one_label_a_line(six):
    """Graphviz draws two loops on one box with their labels run together
    ("未达法定人数:重新召开有异议:重新召开"): a step's repeats are one loop, a line each."""
    dot = to_dot(six, lang="zh-Hans")
    assert dot.count("s2 -> s2 ") == 1
    assert 's2 -> s2 [label="未达法定人数:重新召开\\n有异议:重新召开"' in dot


def test_the_builtin_svg_shows_an_id_in_a_monospace_span_not_backticks(six):
    svg = to_svg(six, lang="zh-Hans")
    assert '<tspan font-family="monospace">one-person-both-chairs</tspan>' in svg
    assert "`" not in svg
    ET.fromstring(svg)  # still well-formed
