"""Scenario files: a roster and a timed list of actions, applied to one case in order.

A refused action is an outcome of the scenario, not a crash: it is reported with its rule ids
and numbers and the scenario goes on. An invalid *file* raises :class:`ScenarioError` with
located diagnostics (file:line and YAML path). The format is documented in ``docs/scenarios.md``.

>>> text = '''
... procedure: four-deliberations
... roster: {generate: {}}
... actions:
...   - do: meeting
...     present: 2
... '''
>>> report = run_scenario(parse_scenario(text, "s.yaml"))
>>> report.state, report.actions[0].accepted, report.actions[0].route
('proposal', True, 'no_quorum')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Final

import attrs

from deliberation.definition.model import Procedure
from deliberation.diagnostics import Diagnostic, suggest
from deliberation.engine.case import Case
from deliberation.engine.clock import ManualClock
from deliberation.engine.records import Record
from deliberation.errors import DefinitionError, DeliberationError, RuleViolation
from deliberation.i18n import Text, Triple, _, as_written
from deliberation.roster import Roster, RosterError
from deliberation.roster import files as roster_files
from deliberation.rules.law import DEFAULT_KIND, kind_problem
from deliberation.yamlsource import Located, Reporter, read_yaml


class ScenarioError(DefinitionError):
    """The scenario file itself is invalid; ``diagnostics`` says where."""


# value kinds: str, int, num, bool, who (count or list of ids), ids (list of ids), redo,
# exclusions ({id: category} or {category: count}), votes ({yes, no, abstain}: who),
# proxies ({member: holder} or a count),
# counts (names to counts), item_votes ({item id: votes}), checks (a gate's check ids),
# reasons ({check id: reason}), elected (ids, or {group id: ids}: the members of a group the
# meeting elects)
_COMMON: Final = {"do": "str", "at": "time", "after": "num", "label": "str"}
ACTIONS: Final[dict[str, tuple[str | None, dict[str, str], tuple[str, ...]]]] = {
    # do: (Case method, {key: kind}, required keys)
    "motion": ("submit_motion", {"text": "str", "submitters": "ids", "signed": "ids",
                                 "actor": "str"}, ("text", "submitters")),
    "notice": ("give_notice", {"for": "str", "actor": "str"}, ()),
    "circulate": ("circulate_plan", {"for": "str", "actor": "str"}, ()),
    "meeting": ("hold_meeting", {"present": "who", "yes": "who", "no": "who", "abstain": "who",
                                 "households": "int", "excused": "who",
                                 "excluded": "exclusions", "exclusion_approval": "str",
                                 "written": "votes", "online": "who", "proxies": "proxies",
                                 "proxy_authorisation": "str",
                                 "non_voting": "int",
                                 "signed": "who", "witnesses": "who", "interested_voting": "int",
                                 "content": "str", "actor": "str",
                                 "present_among": "counts", "yes_among": "counts",
                                 "items": "item_votes",
                                 "observers": "ids", "place": "str", "elected": "elected"},
                ("present",)),
    "opinion": ("record_opinion", {"villager": "str", "opinion": "str", "signed": "bool",
                                   "method": "str", "proxy": "str", "authorisation": "str",
                                   "actor": "str"}, ("villager",)),
    "opinions": ("record_opinions", {"signed": "int", "unsigned": "int", "proxies": "int",
                                     "actor": "str"}, ("signed",)),
    "close-consultation": ("close_consultation", {"actor": "str"}, ()),
    "post": ("post_disclosure", {"channel": "str", "content": "str", "actor": "str"},
             ("channel",)),
    "conclude": ("conclude_disclosure", {"actor": "str"}, ()),
    "objection": ("raise_objection", {"by": "str", "reason": "str"}, ("by",)),
    "answer": ("answer_objection", {"by": "str", "answer": "str", "redo": "redo"}, ("by",)),
    "villager-objection": ("file_objection", {"by": "str", "reason": "str", "signed": "bool"},
                           ("by", "reason")),
    "reply": ("reply_objection", {"to": "str", "by": "str", "answer": "str"},
              ("to", "by", "answer")),
    "publish-result": ("publish_result", {"stage": "str", "channel": "str", "content": "str",
                                          "actor": "str"}, ("stage", "channel")),
    "withdraw": ("withdraw", {"by": "str", "reason": "str"}, ("by",)),
    "order": ("record_order", {"type": "str", "issuer": "str", "number": "str",
                               "issued_on": "str", "reopen": "str", "end": "str",
                               "actor": "str"}, ("type", "issuer", "number", "issued_on")),
    "check-deadlines": ("check_deadlines", {}, ()),
    "task": ("record_task", {"result": "str", "handler": "str", "note": "str", "actor": "str"},
             ("actor",)),
    "rating": ("record_rating", {"villager": "str", "satisfied": "bool", "signed": "bool",
                                 "comment": "str", "actor": "str"}, ("villager",)),
    "ratings": ("record_ratings", {"satisfied": "int", "unsatisfied": "int", "unsigned": "int",
                                   "actor": "str"}, ("satisfied",)),
    "close-evaluation": ("close_evaluation", {"actor": "str"}, ()),
    "examine": ("examine", {"met": "checks", "not_met": "reasons", "signed": "ids",
                            "actor": "str"}, ("signed",)),
    "authority-decision": ("record_authority_decision", {
        "decision": "str", "issuer": "str", "number": "str", "issued_on": "str",
        "reason": "str", "actor": "str"}, ("decision", "issuer", "number", "issued_on", "actor")),
    "note": ("note", {"text": "str", "actor": "str"}, ("text",)),
    "wait": (None, {}, ()),
}
_POSITIONAL: Final = {"submit_motion": ("text", "submitters"), "post_disclosure": ("channel",),
                      "raise_objection": ("by",), "answer_objection": ("by",),
                      "withdraw": ("by",), "note": ("text",), "record_order": ("type",),
                      "record_opinion": ("villager",),
                      "record_opinions": ("signed",), "record_rating": ("villager",),
                      "record_ratings": ("satisfied",),
                      "record_authority_decision": ("decision",)}
_RENAME: Final = {"for": "for_stage"}
_TOP: Final = ("procedure", "matter", "kind", "settings", "roster", "start", "actions", "case",
               "title", "description")


@attrs.frozen
class Step:
    """One action of a scenario, as written."""

    index: int
    do: str
    line: int
    path: str
    params: Mapping[str, Any]
    at: datetime | None = None
    after_days: float = 0


@attrs.frozen
class Scenario:
    """A parsed scenario: procedure, roster, settings and steps."""

    file: str
    procedure: Procedure
    roster: Roster
    matter: str
    settings: Mapping[str, Any]
    start: datetime | None
    steps: tuple[Step, ...]
    case_id: str | None = None
    kind: str = DEFAULT_KIND  # the matter's kind (rules/law.yaml)
    kind_line: int = 1  # where ``kind:`` is written (a refusal to open is reported there)


@attrs.frozen
class StepResult:
    """What happened to one step: accepted (with records) or refused (with violations)."""

    step: Step
    accepted: bool
    at: datetime
    state: str
    route: str | None = None
    records: tuple[str, ...] = ()
    violations: tuple[dict[str, Any], ...] = ()
    error: dict[str, Any] | None = None
    # {"from": level, "to": level or None} when the step raised the case up its escalation ladder
    escalated: dict[str, Any] | None = None
    # checks that failed on an accepted record that stays in its stage: recorded and flagged,
    # not refused (a villager's objection answered late): {"rule", "message", "numbers"}
    flags: tuple[dict[str, Any], ...] = ()
    # a meeting voting on items one by one: {item id: adopted}, in the stage's order
    items: dict[str, bool] | None = None

    def to_data(self) -> dict[str, Any]:
        out = {
            "index": self.step.index,
            "line": self.step.line,
            "do": self.step.do,
            "at": self.at.isoformat(),
            "accepted": self.accepted,
            "records": list(self.records),
            "route": self.route,
            "state": self.state,
            "violations": list(self.violations),
            "error": self.error,
        }
        if self.escalated is not None:
            out["escalated"] = self.escalated
        if self.flags:
            out["flags"] = list(self.flags)
        if self.items is not None:
            out["items"] = self.items
        return out


@attrs.frozen
class ScenarioReport:
    """The run of a scenario: each step's result, then the final state and outcome."""

    scenario: Scenario
    case: Case
    actions: tuple[StepResult, ...]

    @property
    def state(self) -> str:
        return self.case.state

    @property
    def outcome(self) -> str | None:
        return self.case.outcome

    def to_data(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.file,
            "procedure": self.case.procedure.id,
            "case": self.case.id,
            "state": self.case.state,
            "outcome": self.case.outcome,
            "records": self.case.version,
            "actions": [a.to_data() for a in self.actions],
        }


# -- reading ------------------------------------------------------------------------------------


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; raise :class:`ScenarioError` listing every problem."""
    p = Path(path)
    problem = file_problem(p)
    if problem:
        raise ScenarioError([Diagnostic(
            "D100", _("cannot read the scenario: {problem}").format(problem=problem), str(p),
            1, 1)])
    try:
        data = p.read_bytes()
    except OSError as err:
        raise ScenarioError([Diagnostic(
            "D100", _("cannot read the scenario: {problem}").format(problem=err.strerror),
            str(p), 1, 1)]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise ScenarioError([Diagnostic("D100", _("the file is not UTF-8 text"), str(p), line,
                                        column, hint=_("save it as UTF-8"))]) from None
    return parse_scenario(text, str(p), base=p.parent)


# Far above any village (the largest have tens of thousands of people), far below what would
# take minutes to build: a synthetic roster is refused beyond these.
MAX_GENERATED: Final = 1_000_000
# A roster or scenario file larger than this is not one a person wrote.
MAX_FILE_BYTES: Final = 64 * 1024 * 1024


def file_problem(path: Path) -> str | Text:
    """Why ``path`` cannot be read as a roster or scenario file ("" when it can): a device
    such as /dev/zero would never end, a folder is not a file."""
    try:
        if not path.exists():
            return _("no such file")
        if not path.is_file():
            return _("not a regular file")
        if path.stat().st_size > MAX_FILE_BYTES:
            return _("larger than {size} MiB").format(size=MAX_FILE_BYTES // (1024 * 1024))
    except OSError as err:
        return str(err.strerror)
    return ""


def parse_scenario(text: str, file: str = "<scenario>", base: Path | None = None) -> Scenario:
    """Parse scenario text; ``base`` is where relative paths (procedure, roster file) start."""
    rep = Reporter(file)
    root = read_yaml(text, file, rep)
    if root is None:
        raise ScenarioError(rep.diagnostics)
    if not root.is_map:
        rep.error("D201", _("a scenario is a mapping with 'procedure', 'roster' and 'actions'"),
                  root)
        raise ScenarioError(rep.diagnostics)
    for key, k, _unused in root.items():
        if key not in _TOP:
            rep.error("D201", _("unknown key {key!r}").format(key=key), k,
                      suggest(key, _TOP))
    procedure = _procedure(root, rep, base)
    roster = _roster(root, rep, base)
    settings: dict[str, Any] = {}
    sloc = root.get("settings")
    if sloc is not None:
        if not sloc.is_map:
            rep.error("D202", _("'settings' must be a mapping of setting id to value"), sloc)
        else:
            for key, k, v in sloc.items():
                if procedure is not None and key not in procedure.settings:
                    rep.error("D301", _("unknown setting {key!r}").format(key=key), k,
                              suggest(key, procedure.settings))
                settings[key] = v.value()
    if procedure is not None and settings and not rep.diagnostics:
        from deliberation.engine.plan import normalise_settings

        try:
            normalise_settings(procedure, settings)
        except DeliberationError as err:
            rep.error("D202", err.message, sloc)
    start = _time(root.get("start"), rep)
    steps = _steps(root, rep, procedure)
    matter = root.get("matter")
    case = root.get("case")
    kind_loc = root.get("kind")
    kind = DEFAULT_KIND
    if kind_loc is not None:
        problem = kind_problem(kind_loc.value())
        if problem is None:
            kind = kind_loc.value()
        else:
            rep.error("D202", problem, kind_loc)
    if rep.diagnostics or procedure is None or roster is None:
        raise ScenarioError(rep.diagnostics)
    return Scenario(file, procedure, roster, str(matter.value()) if matter else "", settings,
                    start, steps, str(case.value()) if case else None, kind,
                    kind_loc.line if kind_loc is not None else 1)


def _procedure(root: Located, rep: Reporter, base: Path | None) -> Procedure | None:
    from deliberation.definition.loader import load_procedure

    loc = root.get("procedure")
    if loc is None:
        rep.error("D202", _("missing 'procedure' (an id such as {example}, or a path)").format(
            example=as_written("six-deliberations-guzhuang")), root, path="procedure")
        return None
    ref = str(loc.value())
    if base is not None and (ref.endswith((".yaml", ".yml")) or "/" in ref):
        candidate = base / ref
        if candidate.exists():
            ref = str(candidate)
    try:
        return load_procedure(ref)
    except DefinitionError as err:
        rep.diagnostics.extend(err.diagnostics)
    except DeliberationError as err:
        rep.error("D302", err.message, loc)
    return None


def _roster(root: Located, rep: Reporter, base: Path | None) -> Roster | None:
    loc = root.get("roster")
    if loc is None:
        rep.error("D202", _("missing 'roster' ({forms})").format(
            forms=as_written("generate: {...}, villagers: [...], file: PATH")), root,
            path="roster")
        return None
    f = loc.get("file")
    if f is not None:
        path = Path(str(f.value()))
        if base is not None and not path.is_absolute():
            path = base / path
        if not path.is_file():
            rep.error("D202", _("no roster file {path!r}").format(path=str(path)), f)
            return None
        read = roster_files.read_file(path, "csv" if path.suffix.lower() == ".csv" else "yaml")
    else:
        read = roster_files.read_node(loc, allow_generate=True)
    # The roster's own problems, located in the roster file or in this scenario (R-codes).
    rep.diagnostics.extend(p.diagnostic() for p in read.problems)
    try:
        return Roster(read.unwrap())
    except RosterError:
        return None


def _time(loc: Located | None, rep: Reporter) -> datetime | None:
    if loc is None:
        return None
    value = loc.value()
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(9), tzinfo=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    rep.error("D202", _("{value!r} is not a date or time (write {day} or {moment})").format(
        value=value, day=as_written("2026-03-02"), moment=as_written("2026-03-02T09:00:00+08:00")),
        loc)
    return None


def _steps(root: Located, rep: Reporter, procedure: Procedure | None) -> tuple[Step, ...]:
    loc = root.get("actions")
    if loc is None or not loc.is_seq:
        rep.error("D202", _("'actions' must be a list of actions"), loc or root, path="actions")
        return ()
    steps = (_step(i, el, rep, procedure) for i, el in enumerate(loc.elements()))
    return tuple(step for step in steps if step is not None)


def _action(el: Located, rep: Reporter) -> str | None:
    """The action an ``actions`` entry names with ``do:``, or None (reported) if it names none."""
    if not el.is_map:
        rep.error("D202", _("an action is a mapping with 'do:'"), el)
        return None
    d = el.get("do")
    if d is None:
        rep.error("D202", _("missing 'do:' (what happens)"), el, suggest("", ACTIONS))
        return None
    do = str(d.value())
    if do not in ACTIONS:
        rep.error("D203", _("unknown action {do!r}").format(do=do), d, suggest(do, ACTIONS))
        return None
    return do


# A wait longer than a century between two actions is no village's procedure.
MAX_AFTER: Final = 36_500


def _after(v: Located, rep: Reporter) -> float:
    """The ``after:`` days (0 when it is not a number of days ≥ 0, which is reported)."""
    val = v.value()
    if isinstance(val, bool) or not isinstance(val, int | float) or not 0 <= val <= MAX_AFTER:
        # (not 0 <= val also refuses NaN; the bound keeps the scenario's dates on the calendar)
        rep.error("D202", _("'after' is a number of days from 0 to {most}").format(most=MAX_AFTER),
                  v)
        return 0.0
    return float(val)


def _step(i: int, el: Located, rep: Reporter, procedure: Procedure | None) -> Step | None:
    """Action ``i``: its parameters checked against what the action takes."""
    do = _action(el, rep)
    if do is None:
        return None
    _unused, kinds, required = ACTIONS[do]
    params: dict[str, Any] = {}
    at = None
    after = 0.0
    for key, k, v in el.items():
        if key in ("do", "label"):
            continue
        if key == "at":
            at = _time(v, rep)
            continue
        if key == "after":
            after = _after(v, rep)
            continue
        if key not in kinds:
            rep.error("D201", _("{do}: unknown key {key!r}").format(do=as_written(do), key=key), k,
                      suggest(key, [*kinds, *_COMMON]))
            continue
        value = _keyed(v) if kinds[key] in _KEYED else v.value()
        problem = _check_kind(kinds[key], value)
        if problem:
            rep.error("D202", _("{where}: {problem}").format(where=as_written(f"{do}.{key}"),
                                                              problem=problem), v)
            continue
        if key == "for":
            _check_stage_ref(value, v, rep, procedure)
        params[key] = value
    for key in required:
        if key not in params and el.get(key) is None:
            rep.error("D202", _("{do}: missing {key!r}").format(do=as_written(do), key=key), el,
                      path=f"{el.path}.{key}")
    return Step(i, do, el.line, el.path, params, at, after)


# kinds whose mappings are keyed by words YAML 1.1 would read as booleans (yes, no)
_KEYED: Final = ("votes", "item_votes")


def _keyed(loc: Located) -> Any:
    """``loc``'s value with every mapping key as written (``yes:`` stays ``"yes"``)."""
    if loc.is_map:
        return {k: _keyed(v) for k, _unused, v in loc.items()}
    if loc.is_seq:
        return [_keyed(e) for e in loc.elements()]
    return loc.value()


def _check_stage_ref(value: Any, v: Located, rep: Reporter, procedure: Procedure | None) -> None:
    """A ``for:`` must name a stage of the procedure (when the procedure is known)."""
    if procedure is not None and value not in {s.id for s in procedure.stages}:
        rep.error("D301", _("unknown stage {value!r}").format(value=value), v,
                  suggest(str(value), [s.id for s in procedure.stages]))


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _strs(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def _mapping(value: Any, key: Callable[[Any], bool], val: Callable[[Any], bool]) -> bool:
    return isinstance(value, dict) and all(key(k) and val(v) for k, v in value.items())


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _votes(value: Any) -> bool:
    return isinstance(value, dict) and set(value) <= {"yes", "no", "abstain"} and all(
        _count(v) or _strs(v) for v in value.values())


def _item_vote(value: Any) -> bool:
    """An item's votes, and where given the yes votes of villager representatives."""
    return isinstance(value, dict) and _votes(
        {k: v for k, v in value.items() if k != "yes_among"}) and _mapping(
        value.get("yes_among", {}), _is_str, _count)


def _exclusions(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) for k in value) and (
        all(isinstance(v, str) for v in value.values())
        or all(_count(v) for v in value.values()))


# each kind of action parameter: what a valid value is, and the message when it is not
_KINDS: Final[dict[str, tuple[Callable[[Any], bool], Text]]] = {
    "str": (lambda v: isinstance(v, str | int) and not isinstance(v, bool), _("expected text")),
    "int": (_count, _("expected a whole number ≥ 0")),
    "bool": (lambda v: isinstance(v, bool), _("expected true or false")),
    "ids": (_strs, _("expected a list of villager ids")),
    "who": (lambda v: _count(v) or _strs(v), _("expected a count or a list of villager ids")),
    "redo": (lambda v: isinstance(v, bool | str), _("expected true, false or a stage id")),
    "proxies": (lambda v: _count(v) or _mapping(v, _is_str, _is_str),
                _("expected a count or a mapping of members to their proxy holders")),
    "votes": (_votes, _("expected {yes, no, abstain}, each a count or a list of "
                        "villager ids")),
    "exclusions": (_exclusions, _("expected a mapping of villager ids to categories, or of "
                                  "categories to counts")),
    "item_votes": (lambda v: _mapping(v, _is_str, _item_vote),
                   _("expected a mapping of item ids to {yes, no, abstain}, each a "
                     "count or a list of villager ids")),
    "elected": (lambda v: _strs(v) or _mapping(v, _is_str, _strs),
                _("expected a list of villager ids, or a mapping of group ids to "
                  "lists of villager ids")),
    "checks": (_strs, _("expected a list of check ids")),
    "reasons": (lambda v: _mapping(v, _is_str, _is_str),
                _("expected a mapping of check ids to reasons")),
    "counts": (lambda v: _mapping(v, _is_str, _count),
               _("expected a mapping of names to whole numbers ≥ 0")),
}


def _check_kind(kind: str, value: Any) -> str | Text:
    """``""`` when ``value`` is a valid value of an action parameter of ``kind``, else what
    was expected."""
    if kind not in _KINDS:
        return ""
    valid, expected = _KINDS[kind]
    return "" if valid(value) else expected


def parse_action(text: str, procedure: Procedure, file: str = "<action>") -> Step:
    """One action written as an entry of a scenario's ``actions:`` list, as YAML or JSON text
    (JSON is YAML). Raises :class:`ScenarioError` listing every problem, located.

    >>> from deliberation.definition.loader import load_procedure
    >>> step = parse_action('{"do": "meeting", "present": 5}', load_procedure("four-deliberations"))
    >>> step.do, dict(step.params)
    ('meeting', {'present': 5})
    """
    rep = Reporter(file)
    root = read_yaml(text, file, rep)
    step = _step(0, root, rep, procedure) if root is not None else None
    if rep.diagnostics or step is None:
        raise ScenarioError(rep.diagnostics)
    return step


# -- running ------------------------------------------------------------------------------------


def run_scenario(scenario: Scenario, clock: ManualClock | None = None) -> ScenarioReport:
    """Apply every step in order; refusals are recorded in the report, never raised."""
    if clock is None:
        clock = ManualClock(scenario.start) if scenario.start else ManualClock()
    try:
        case = Case.open(scenario.procedure, scenario.roster, matter=scenario.matter,
                         settings=scenario.settings or None, clock=clock,
                         case_id=scenario.case_id, kind=scenario.kind)
    except RuleViolation as err:  # the kind needs a law this procedure does not apply
        raise ScenarioError([Diagnostic("D202", err.message, scenario.file,
                                        scenario.kind_line, 1, "kind")]) from None
    results: list[StepResult] = []
    for step in scenario.steps:
        if step.at is not None:
            if step.at < clock.now():
                raise ScenarioError([Diagnostic(
                    "D204", _("time runs backwards: {at} is before {now}").format(
                        at=step.at.isoformat(), now=clock.now().isoformat()),
                    scenario.file, step.line, 1,
                    f"{step.path}.at")])
            clock.set(step.at)
        if step.after_days:
            try:
                clock.advance(days=step.after_days)
            except OverflowError:  # many long waits together run past the year 9999
                raise ScenarioError([Diagnostic(
                    "D204", _("the date runs past the calendar ({date} + {days} days)").format(
                        date=clock.now().date().isoformat(), days=f"{step.after_days:g}"),
                    scenario.file, step.line, 1,
                    f"{step.path}.after")]) from None
        results.append(apply_step(case, step, clock.now()))
    return ScenarioReport(scenario, case, tuple(results))


def apply_step(case: Case, step: Step, now: datetime) -> StepResult:
    """Apply one step to ``case`` (whose clock says ``now``); a refusal is a result, not an
    exception. The records it added are ``case.records[-len(result.records):]``."""
    method_name = ACTIONS[step.do][0]
    if method_name is None:
        return StepResult(step, True, now, case.state)
    method: Callable[..., Any] = getattr(case, method_name)
    params = {_RENAME.get(k, k): v for k, v in step.params.items()}
    args = [params.pop(k) for k in _POSITIONAL.get(method_name, ()) if k in params]
    try:
        records = method(*args, **params)
    except RuleViolation as err:
        return StepResult(step, False, now, case.state,
                          violations=tuple(v.to_data() for v in err.violations))
    except DeliberationError as err:
        return StepResult(step, False, now, case.state,
                          error={"type": type(err).__name__, "message": err.message.to_data()})
    route = None
    escalated = None
    items = None
    for r in records:
        if r.result.get("route") is not None:
            route = r.result["route"]
        if r.result.get("escalated") is not None:
            escalated = dict(r.result["escalated"])
        if r.result.get("items") is not None:
            items = {str(i["id"]): bool(i["adopted"]) for i in r.result["items"]}
    return StepResult(step, True, now, case.state, route, tuple(r.kind for r in records),
                      escalated=escalated, flags=_flags(case, records), items=items)


def _flags(case: Case, records: Sequence[Record]) -> tuple[dict[str, Any], ...]:
    """The failed checks of accepted records that stay in their stage, in words."""
    out = []
    for r in records:
        if r.result.get("route") is not None or r.stage not in case.plan.stages:
            continue
        rules = {rule.id: rule for rule in case.plan.stage(r.stage).rules}
        for c in r.result.get("checks", ()):
            rule = rules.get(c["rule"])
            if not c["ok"] and rule is not None:
                out.append({"rule": c["rule"], "stage": r.stage, "numbers": dict(c["numbers"]),
                            "message": rule.message(False, c["numbers"]).to_data()})
    return tuple(out)


def step_message(result: StepResult) -> Text:
    """A one-line account of a refused step (first violation or error)."""
    if result.violations:
        return Triple.from_data(result.violations[0]["message"])
    if result.error:
        return Triple.from_data(result.error["message"])
    return Triple.same("")

