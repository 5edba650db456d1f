"""No English in the Chinese views: every Chinese output — `show`, `walk`, `diagram` (Mermaid,
dot, SVG), `html`, `case show`/`case log`, the archive's register (HTML), `lint` and the command
line's usage errors — for every built-in procedure and a stored case, in zh-Hans and zh-Hant, has
no Latin word outside an explicit allowlist.

The allowlist, and nothing more:

* ids and commands inside code formatting (`…`), which is what a clerk types back;
* in `walk`, the lines echoing what the trainer typed (``> meeting present=3 yes=3``): input,
  not output;
* in `lint`, each diagnostic's ``file:line:column: CODE path:`` prefix (where to look: the file,
  the position, the code to look up and the YAML path);
* the Latin words of ``ALLOWED``: units, file formats and standards that a Chinese document writes
  in Latin letters too.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pytest
import register_support as support

from deliberation import Roster
from deliberation.cli import main
from deliberation.commands.run_report import ACTION_NAMES
from deliberation.definition.loader import default_library, load_procedure
from deliberation.definition.model import FrozenMap, Procedure
from deliberation.engine.after import ORDER_KIND
from deliberation.engine.records import RECORD_KINDS
from deliberation.engine.scenario import ACTIONS, load_scenario, run_scenario
from deliberation.store import open_store
from deliberation.store.cases import save_case
from deliberation.trainer.catalog import ROUTE_LABELS
from deliberation.trainer.diagram import to_dot, to_mermaid, to_svg
from deliberation.trainer.html_page import build_page

PROCEDURES = default_library().ids()
LANGS_ZH = ("zh-Hans", "zh-Hant")
BROKEN = Path(__file__).parent / "broken"

CODE = re.compile(r"`[^`\n]*`")
PLACEHOLDER = re.compile(r"\{\w+\}")
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
# Latin letters a Chinese document writes too: units, file formats, standards.
ALLOWED = {"UTF", "CSV", "YAML", "JSON", "HTML", "PDF", "SVG", "PNG", "ID", "km", "m", "kg"}

# Every command of the walkthrough, refused or accepted, on every procedure: the screens a
# trainer sees (help, the step, the explanation, the records) and the refusals.
WALK = """\
help
show
explain
status
motion 1
meeting present=1 yes=1
meeting present=3 yes=3
notice
circulate
wait 3
meeting present=45 yes=40 witnesses=1
opinions all
close
task
ratings 3 unsatisfied=1
post notice-board
wait 7
conclude
object 方案不清
answer redo
status
records
explain
withdraw
status
"""


def latin_words(text: str) -> list[str]:
    return sorted({w for w in WORD.findall(CODE.sub(" ", text)) if w not in ALLOWED})


def _labels(document: str) -> str:
    """The quoted label texts of a Mermaid or dot document (its syntax is not prose)."""
    found = re.findall(r'(?:label=|[\[(|>]|\(\[)"((?:\\.|[^"\\])*)"', document)
    # Mermaid's entity codes (#quot;, #35; …) and the dot newline escape are syntax too
    return "\n".join(re.sub(r"#\w+;|\\n|<br/>", " ", t.replace("#96;", "`")) for t in found)


class _Prose(HTMLParser):
    """The text of an HTML or SVG document a reader of ``lang`` sees: text nodes whose nearest
    ``lang`` attribute is ``lang`` (the page carries all three languages), attribute values
    people read (title, aria-label, alt), and the page script's data in ``lang``."""

    VOID: ClassVar = {"meta", "br", "hr", "img", "input", "link", "col", "wbr"}

    def __init__(self, lang: str, root_lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang, self.stack, self.parts = lang, [(None, root_lang)], list[str]()
        self.script_json, self.in_json = "", False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        lang = a.get("lang") or self.stack[-1][1]
        if lang == self.lang:
            self.parts += [v for k, v in attrs if k in ("title", "aria-label", "alt") and v]
        if tag not in self.VOID:
            # an SVG's monospace span is its code formatting (the diagram's ids)
            code = tag == "tspan" and a.get("font-family") == "monospace"
            self.stack.append(("code" if code else tag, lang))
        self.in_json = tag == "script" and a.get("type") == "application/json"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        self.in_json = False
        while len(self.stack) > 1:
            if self.stack.pop()[0] in (tag, "code" if tag == "tspan" else tag):
                break

    def handle_data(self, data: str) -> None:
        tag, lang = self.stack[-1]
        if self.in_json:
            self.script_json += data
        elif tag not in ("style", "script") and lang == self.lang:
            # <code> is code formatting in HTML, as `…` is in text
            code = any(t == "code" for t, _lang in self.stack)
            self.parts.append(f"`{data}`" if code else data)


def _strings(data: Any) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for v in data.values() for s in _strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return []


def prose(document: str, lang: str, root_lang: str | None = None) -> str:
    parser = _Prose(lang, root_lang or lang)
    parser.feed(document)
    parts = parser.parts
    if parser.script_json:
        page = json.loads(parser.script_json)
        # the script's texts in this language ("calc" holds ids and numbers only); its
        # templates' {placeholders} are filled by the script, never shown
        parts += [PLACEHOLDER.sub(" ", s) for s in _strings(page["text"][lang])]
    return "\n".join(parts)


def cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    main(argv)
    captured = capsys.readouterr()
    return captured.out + captured.err


@pytest.mark.parametrize("lang", LANGS_ZH)
@pytest.mark.parametrize("procedure_id", PROCEDURES)
def test_show_speaks_only_chinese(procedure_id: str, lang: str,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    text = cli(["show", procedure_id, "--lang", lang], capsys)
    assert "\n" in text
    assert latin_words(text) == [], text


@pytest.mark.parametrize("lang", LANGS_ZH)
@pytest.mark.parametrize("procedure_id", PROCEDURES)
@pytest.mark.parametrize("draw", [to_mermaid, to_dot])
def test_diagrams_speak_only_chinese(procedure_id: str, lang: str, draw: object) -> None:
    assert callable(draw)
    labels = _labels(draw(load_procedure(procedure_id), lang))
    assert labels.strip()
    assert latin_words(labels) == [], labels


@pytest.mark.parametrize("lang", LANGS_ZH)
@pytest.mark.parametrize("procedure_id", PROCEDURES)
def test_svg_diagram_speaks_only_chinese(procedure_id: str, lang: str) -> None:
    text = prose(to_svg(load_procedure(procedure_id), lang), lang)
    assert text.strip()
    assert latin_words(text) == [], text


@pytest.mark.parametrize("lang", LANGS_ZH)
@pytest.mark.parametrize("procedure_id", PROCEDURES)
def test_html_page_speaks_only_chinese(procedure_id: str, lang: str) -> None:
    page = build_page(load_procedure(procedure_id), lang, matter="修村道")
    text = prose(page, lang)
    assert load_procedure(procedure_id).name.get(lang) in text
    assert latin_words(text) == [], text


@pytest.mark.parametrize("lang", LANGS_ZH)
@pytest.mark.parametrize("procedure_id", PROCEDURES)
def test_walk_speaks_only_chinese(procedure_id: str, lang: str, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "walk.txt"
    script.write_text(WALK, encoding="utf-8")
    text = cli(["walk", procedure_id, "--lang", lang, "--script", str(script)], capsys)
    shown = "\n".join(line for line in text.splitlines() if not line.startswith("> "))
    assert shown.count("\n") > 20
    assert latin_words(shown) == [], shown


# Usage errors, with --lang after the mistake (argparse stops before it): argparse's own words
# come through the catalogs too (tests/test_cli_words.py for each of its templates).
USAGE_ERRORS = (["case", "act"], ["case", "shwo"], ["case", "new", "--db"],
                ["show", "four-deliberations", "--bogus"], ["show", "x", "--format", "pdf"],
                ["simulate", "four-deliberations", "--runs", "many"],
                ["case", "list", "--since", "2026-13-01"])


@pytest.mark.parametrize("lang", LANGS_ZH)
@pytest.mark.parametrize("argv", USAGE_ERRORS, ids=" ".join)
def test_usage_errors_speak_only_chinese(argv: list[str], lang: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--lang", lang])
    text = capsys.readouterr().err
    assert exit_.value.code == 2 and text.count("\n") == 1
    assert latin_words(text) == [], text


@pytest.fixture(scope="module")
def stored_case(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The whole road case of 六议两公开 (named villagers, an objection answered) in a store."""
    db = f"sqlite:///{tmp_path_factory.mktemp('store') / 'cases.db'}"
    case = support.road_case(support.named(Roster.generate()))
    with open_store(db) as store:
        save_case(store, case)
    return db


@pytest.mark.parametrize("lang", LANGS_ZH)
@pytest.mark.parametrize("command", ["show", "log"])
def test_case_views_speak_only_chinese(stored_case: str, command: str, lang: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    text = cli(["case", command, "road", "--db", stored_case, "--lang", lang], capsys)
    assert text.count("\n") > 1
    assert latin_words(text) == [], text


@pytest.mark.parametrize("lang", LANGS_ZH)
def test_case_register_speaks_only_chinese(stored_case: str, lang: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "road.html"
    cli(["case", "export", "road", "--db", stored_case, "--lang", lang, "--format", "html",
         "-o", str(out)], capsys)
    text = prose(out.read_text(encoding="utf-8"), lang)
    assert "固庄村" in text or "固莊村" in text
    assert latin_words(text) == [], text


def test_case_log_words_each_record(stored_case: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`case log`: stages and people by name, ids as code, counts with their labels."""
    text = cli(["case", "log", "road", "--db", stored_case, "--lang", "zh-Hans"], capsys)
    review = text.split("\n#6  ", 1)[1].split("\n#7  ", 1)[0]
    assert review.startswith("2026年3月11日 09:00  审议 · 会议记录\n")
    assert "实到:37人;赞成:36人;反对:1人:" in review and " (`v0037`)" in review
    assert review.endswith("结果:通过 → 民议 (`consultation`)")
    assert "{" not in text  # no record's data as JSON


@pytest.mark.parametrize("lang", LANGS_ZH)
def test_lint_speaks_only_chinese(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in BROKEN.glob("*.yaml"))
    text = cli(["lint", "--lang", lang, *files], capsys)
    # each diagnostic starts with file:line:column: CODE and the YAML path it is about (e.g.
    # stages[1].rules[0].params.ratio:) — where to look, not prose
    shown = re.sub(r"^\S+\.ya?ml:\d+:\d+: [A-Z]\d+( \S+:(?= ))?", "", text, flags=re.MULTILINE)
    assert shown.count("\n") > len(files)
    assert latin_words(shown) == [], shown
    # and a YAML syntax error is said, not PyYAML's English sentence shown as code
    syntax = [line for line in text.splitlines() if " D101 YAML " in line]
    assert len(syntax) >= 2 and not [s for line in syntax for s in CODE.findall(line)
                                     if re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", s)], syntax


SCENARIOS = sorted(Path(__file__).parent.parent.joinpath("examples", "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("lang", LANGS_ZH)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_run_trace_speaks_only_chinese(scenario: Path, lang: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """`run`'s trace: each action, route, stage, escalation level and item by its Chinese name;
    ids (the scenario file, rule ids, the final stage's id) only as code. The rules' own
    messages under a refused action are the engine's words, checked where they are made."""
    text = cli(["run", str(scenario), "--lang", lang], capsys)
    lines = text.splitlines()
    assert lines[-1].startswith("最终状态" if lang == "zh-Hans" else "最終狀態"), text
    for line in lines:
        # an indented line is a rule's or an item's name and (after the colon) the engine's
        # message, or (after ✗) that message alone: an action the engine could not take
        shown = line
        if line.startswith("    "):
            shown = "" if line.lstrip().startswith("✗") else line.split(":", 1)[0]
        assert latin_words(shown) == [], line


def test_run_trace_names_actions_stages_and_routes(capsys: pytest.CaptureFixture[str]) -> None:
    road = Path(__file__).parent.parent / "examples" / "scenarios" / "road-guzhuang.yaml"
    text = cli(["run", str(road), "--lang", "zh-Hans"], capsys)
    lines = text.splitlines()
    assert lines[1] == "#1 提交书面动议(第 9 行,2026-03-02): 接受 [通过] → 提议", lines[1]
    assert lines[7] == "#7 召开会议(第 31 行,2026-03-17): 拒绝", lines[7]
    assert lines[8].startswith("    [民意征求全覆盖]:已签字征求意见 677/678 村民"), lines[8]
    assert lines[-1] == "最终状态:已决议并公开 (`adopted`)", lines[-1]
    hant = cli(["run", str(road), "--lang", "zh-Hant"], capsys).splitlines()
    assert hant[1].startswith("#1 提交書面動議(第 9 行,2026-03-02): 接受 ["), hant[1]
    # --json is data for programs: ids stay ids
    assert main(["run", str(road), "--json", "--lang", "zh-Hans"]) == 0
    first = json.loads(capsys.readouterr().out)["actions"][0]
    assert (first["do"], first["route"], first["state"]) == ("motion", "pass", "proposal")


def test_every_scenario_action_has_a_name() -> None:
    assert sorted(ACTIONS) == sorted(ACTION_NAMES)


def test_run_trace_names_the_stage_an_answer_sends_the_case_back_to(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = Path(__file__).parent.parent / "examples" / "scenarios" / "chongqing-objection.yaml"
    redo = tmp_path / "redo.yaml"
    redo.write_text(scenario.read_text(encoding="utf-8").replace("redo: true", "redo: resolution"),
                    encoding="utf-8")
    lines = cli(["run", str(redo), "--lang", "zh-Hans"], capsys).splitlines()
    assert "#9 答复异议(第 39 行,2026-04-13): 接受 [退回决议] → 决议" in lines
    en = cli(["run", str(redo), "--lang", "en"], capsys)
    assert "accepted [sent back to resolution] → resolution" in en


# -- the engine's own messages: each element of the procedure by its name ---------------------

ID_WORD = re.compile(r"[A-Za-z][\w-]*")


def element_ids(procedure: Procedure) -> set[str]:
    """The ids of what a procedure names in three languages: stages, outcomes, bodies, items,
    checks, authorities, channels, groups (and the escalation's levels), and the roster
    selectors a quorum counts separately (``among: woman``: the women members)."""
    ids = {*procedure.outcomes, *procedure.bodies, *procedure.channels, *procedure.groups,
           *procedure.authorities}
    specs = [r for b in procedure.bodies.values() for r in b.rules]
    for stage in procedure.stages:
        ids |= {stage.id, *(i.id for i in stage.items), *(c.id for c in stage.checks)}
        specs += [*stage.rules, *(i.approval for i in stage.items if i.approval is not None)]
        if stage.authority is not None:
            ids.add(stage.authority.id)
    ids |= {among for spec in specs for among in _among(spec.params)}
    if procedure.escalation is not None:
        ids |= {level.id for level in procedure.escalation.levels}
    return ids


def _among(params: Any) -> list[str]:
    """The ``among`` selectors in rule parameters, also those of rules inside ``all-of``."""
    pairs = params.items if isinstance(params, FrozenMap) else params
    found = []
    for key, value in pairs:
        if key == "among" and isinstance(value, str):
            found.append(value)
        for inner in value if isinstance(value, tuple) else (value,):
            if isinstance(inner, FrozenMap):
                found += _among(inner)
    return found


def bare_ids(text: str, ids: set[str]) -> list[str]:
    """The element ids in ``text`` outside code formatting: where a reader needs a name."""
    return sorted({w for w in ID_WORD.findall(CODE.sub(" ", text)) if w in ids})


def test_bare_ids_finds_an_id_only_outside_code() -> None:
    ids = {"lights", "notice-board"}
    assert bare_ids("缺少事项 lights 的票数", ids) == ["lights"]
    assert bare_ids("张贴于 notice-board。", ids) == ["notice-board"]
    assert bare_ids("缺少事项 路灯 (`lights`) 的票数;`notice-board`", ids) == []
    assert bare_ids("spotlights", ids) == []


# Refused actions inserted into example scenarios (before the anchor line): each refusal names
# a check, an item, a stage or a group the procedure names in three languages.
REFUSALS = {
    "supervised-adopted": ("  - do: examine              #監督審查", """\
  - do: examine              # two of three checks not answered
    met: [legality]
    signed: [v0007, v0008]
  - do: examine              # a check misspelt
    met: [legality, village-charter, materails]
    signed: [v0007, v0008]
"""),
    "items-none-adopted": ("  - do: meeting            # 决议: neither", """\
  - do: meeting              # an item misspelt
    present: 18
    items:
      road: {yes: 9, no: 9}
      light: {yes: 11, no: 7}
    witnesses: 1
    observers: [v0007]
"""),
    "land-plan-revoked": ("  - do: post\n    after: 30\n", """\
  - do: order                # before the resolution is adopted and published
    type: republication
    issuer: 河底镇人民政府
    number: 河政责〔2026〕2号
    issued_on: "2026-04-20"
"""),
    "land-plan-working-group-adopted": ("  - do: notice               # 10 days", """\
  - do: meeting              # the branch committee elects no group
    present: 5
    yes: 5
    elected: [v0006]
"""),
}


def _scenario_texts(tmp_path: Path) -> list[Path]:
    """The example scenarios, and the variants of :data:`REFUSALS` (in a copy of the examples'
    layout: a scenario names its procedure by a relative path)."""
    examples = SCENARIOS[0].parent.parent
    (tmp_path / "procedures").symlink_to(examples / "procedures")
    (tmp_path / "scenarios").mkdir()
    out = list(SCENARIOS)
    for stem, (anchor, refused) in REFUSALS.items():
        text = (examples / "scenarios" / f"{stem}.yaml").read_text(encoding="utf-8")
        assert text.count(anchor) == 1, (stem, anchor)
        out.append(tmp_path / "scenarios" / f"{stem}-refusals.yaml")
        out[-1].write_text(text.replace(anchor, refused + anchor), encoding="utf-8")
    return out


@pytest.mark.parametrize("lang", LANGS_ZH)
def test_run_messages_name_the_procedures_elements(lang: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Every line of `run`'s trace — the engine's refusals and the rules' messages under a
    refused action too — names an item, check, stage, outcome, group, body, authority or channel
    by its name; its id only as code."""
    leaks, refusals = [], 0
    for path in _scenario_texts(tmp_path):
        scenario = load_scenario(path)
        ids = element_ids(scenario.procedure)
        text = cli(["run", str(path), "--lang", lang], capsys)
        refusals += text.count("✗")
        leaks += [f"{path.name}: {line}" for line in text.splitlines() if bare_ids(line, ids)]
    assert refusals > 20
    assert leaks == [], "\n".join(leaks)


@pytest.mark.parametrize("lang", LANGS_ZH)
def test_case_act_names_the_items_and_the_refusals_stage(lang: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    """`case act` at a meeting voting item by item: a refusal names the stage its rule is
    at, and the items' results are each by name (the id as code)."""
    examples = SCENARIOS[0].parent.parent
    (tmp_path / "procedures").symlink_to(examples / "procedures")
    (tmp_path / "scenarios").mkdir()
    head = (examples / "scenarios" / "items-some-adopted.yaml").read_text(encoding="utf-8")
    before = tmp_path / "scenarios" / "items-before-resolution.yaml"
    before.write_text(head.split("  - do: meeting            # 决议")[0], encoding="utf-8")
    case = run_scenario(load_scenario(before)).case
    db = f"sqlite:///{tmp_path / 'cases.db'}"
    with open_store(db) as store:
        save_case(store, case)
    ids = element_ids(case.procedure)
    meeting = {"present": 18, "witnesses": 1, "items": {"road": {"yes": 10, "no": 8},
                                                        "lights": {"yes": 11, "no": 7}}}
    act = ["case", "act", case.id, "hold-meeting", "--db", db, "--lang", lang,
           "--path", str(examples / "procedures")]
    assert main([*act, "--json", json.dumps(meeting)]) == 1  # no observer: refused
    refused = capsys.readouterr().err
    observers = {"zh-Hans": "列席监督", "zh-Hant": "列席監督"}[lang]  # the rule, by its label
    assert f"[{observers}] ({case.procedure.stage('resolution').name.get(lang)})" in (
        refused), refused
    assert main([*act, "--json", json.dumps({**meeting, "observers": ["v0007"]})]) == 0
    done = capsys.readouterr().out
    assert f"{case.procedure.stage('resolution').items[1].name.get(lang)} (`lights`)" in done
    assert bare_ids(refused + done, ids) == [], refused + done


@pytest.mark.parametrize("lang", LANGS_ZH)
def test_a_typed_value_that_does_not_read_is_said_in_chinese(
        lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A date, integer or number that does not read (``2026-13-45``) names what it is not in
    the reader's words, without Python's English reason (``month must be in 1..12``)."""
    broken = tmp_path / "typed.yaml"
    broken.write_text("id: typed\nversion: 2026-13-45\nformat: !!int 0x_\nname: !!float abc\n",
                      encoding="utf-8")
    text = cli(["lint", "--lang", lang, str(broken)], capsys)
    lines = [line for line in text.splitlines() if " D101 " in line]
    assert len(lines) == 3, text
    words = {"zh-Hans": ("日期", "整数", "数字"), "zh-Hant": ("日期", "整數", "數字")}[lang]
    for line, word in zip(lines, words, strict=True):
        shown = re.sub(r"^\S+\.yaml:\d+:\d+: D101 \S+: ", "", line)
        assert word in shown and latin_words(shown) == [], line


# every record kind, route and procedure id: words a register names, never shows
REGISTER_IDS = {*RECORD_KINDS, ORDER_KIND, *ROUTE_LABELS, *default_library().ids()}


@pytest.fixture(scope="module")
def scenario_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[Any]]:
    """Every example scenario's case, saved in one store."""
    db = f"sqlite:///{tmp_path_factory.mktemp('scenarios') / 'cases.db'}"
    cases = []
    with open_store(db) as store:
        for path in SCENARIOS:
            case = run_scenario(load_scenario(path)).case
            save_case(store, case)
            cases.append((path.stem, case))
    return db, cases


@pytest.mark.parametrize("lang", LANGS_ZH)
def test_every_scenarios_register_names_what_it_shows(
        scenario_store: tuple[str, list[Any]], lang: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The register of every example scenario's case (`case export --format html`, the
    examples' procedures on `--path`): each record kind, stage, outcome, route, item and
    procedure by its name in the reader's language. Only the villagers' ids show (these
    rosters give no names)."""
    db, cases = scenario_store
    examples = SCENARIOS[0].parent.parent / "procedures"
    leaks = []
    for stem, case in cases:
        out = tmp_path / f"{case.id}.html"
        cli(["case", "export", case.id, "--db", db, "--lang", lang, "--format", "html",
             "--path", str(examples), "-o", str(out)], capsys)
        text = prose(out.read_text(encoding="utf-8"), lang)
        people = sorted((re.escape(v.id) for v in case.roster.villagers), key=len, reverse=True)
        shown = re.sub("|".join(people), " ", text)
        ids = element_ids(case.procedure) | REGISTER_IDS
        leaks += [f"{stem}: {w}" for w in latin_words(shown) + bare_ids(shown, ids)]
    assert leaks == [], "\n".join(sorted(set(leaks)))
