"""Whole-procedure checks run after a definition is built: how the parts fit together.

The builder (:mod:`deliberation.definition.loader`) checks each part on its own; this module
checks the references between parts and the shape of the stage graph, reporting against the stage's
position in the file (an inherited stage points at ``extends:``).

The stage graph
---------------
Every stage is two nodes: *entered* and *done*. Entering a stage leads to doing it, or — when the
stage has ``skip_when`` or ``required_from`` — straight to where its ``pass`` route leads (the stage
is merged away).
Doing a stage leads along each route that can happen there (``Procedure.target`` applies the
defaults): ``pass`` and ``objection`` everywhere, ``no_quorum`` and ``rejected`` at meetings,
``max_rounds`` where ``max_rounds`` is set, ``deadline`` where a ``deadline`` rule applies, and
any route written explicitly. ``reconvene`` leads back to doing the same stage.

On that graph (codes in ``docs/diagnostics.md``):

* D501 a stage that cannot be reached from the first stage;
* D502 a stage from which no outcome can be reached;
* D503 a loop of routes with no way out (no route leaves it, and no ``max_rounds`` bounds it);
* D504 a path from the first stage to the success outcome that does not *do* a disclosure
  stage — every path to success must go through every ``action: disclosure`` stage;
* D505 not exactly one success outcome; D506 a default route with no outcome to go to;
  D509 a success outcome that no path reaches;
* D507 ``skip_when`` or ``required_from`` on the first stage; D508 a meeting whose rules have
  no ``approval`` (a vote that cannot fail); D410 a body rule that cannot apply to the stage's
  action;
* D309/D310/D311 routes, ``withdrawal.until`` and ``withdrawal.outcome`` naming nothing;
* D414/D415 legal regimes (:mod:`deliberation.definition.regime_checks`);
* D440/D441 comment periods (:mod:`deliberation.definition.comment_checks`);
* D442/D443 per-stage disclosure (:mod:`deliberation.definition.publication_checks`);
* D450/D451/D452 groups a meeting creates (:mod:`deliberation.definition.group_checks`).
* D481–D485 gates (:mod:`deliberation.definition.gates`).

>>> from deliberation import load_procedure
>>> p = load_procedure("four-deliberations")
>>> sorted(graph_of(p).successors(("do", "review")))  # doctest: +NORMALIZE_WHITESPACE
[('do', 'review'), ('in', 'discussion'), ('in', 'resolution'), ('out', 'rejected')]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Final

import attrs

from deliberation.definition.approval_checks import check_approvals
from deliberation.definition.comment_checks import check_comment_periods
from deliberation.definition.gates import check_gates
from deliberation.definition.group_checks import check_groups
from deliberation.definition.model import (
    ESCALATE,
    RECONVENE,
    ROUTE_KEYS,
    ActionKind,
    OutcomeKind,
    Procedure,
    RuleSpec,
    SettingRef,
    Stage,
)
from deliberation.definition.publication_checks import check_publication
from deliberation.definition.regime_checks import check_regimes
from deliberation.diagnostics import suggest
from deliberation.i18n import Text, _, as_written, quoted, series
from deliberation.reprs import fields_repr
from deliberation.rules import RULES, Effect
from deliberation.yamlsource import Located, Reporter

Node = tuple[str, str]  # ("in" | "do", stage id) or ("out", outcome id)


def section_location(root: Located, key: str) -> Located:
    """Where the procedure-level section ``key`` (``outcomes``, ``withdrawal``…) is written: the
    section itself, else the ``extends:`` it was inherited through, else the file."""
    return root.get(key) or root.get("extends") or root


def stage_locations(procedure: Procedure, root: Located) -> dict[str, Located]:
    """Where each stage is written in this file (inherited stages point at ``extends:``).

    In an extension, a stage added by ``insert_*``/``replace`` points at its ``stage:`` and a
    stage changed by ``update`` points at that operation.
    """
    out: dict[str, Located] = {}
    fallback = root.get("extends") or root
    stages = root.get("stages")
    if stages is not None and stages.is_seq:
        for el in stages.elements():
            if (upd := el.get("update")) is not None and upd.is_scalar:
                out.setdefault(str(upd.value()), el)
                continue
            node = el.get("stage") if el.get("stage") is not None else el
            assert node is not None
            sid = node.get("id")
            if sid is not None and isinstance(sid.value(), str):
                out[str(sid.value())] = node
    for s in procedure.stages:
        out.setdefault(s.id, fallback)
    return out


# never compared (nor hashable: it holds a dict): no __eq__/__hash__ to compile (start-up speed)
@fields_repr
@attrs.frozen(repr=False, eq=False)
class StageGraph:
    """The routes between stages and outcomes (see the module docstring)."""

    edges: dict[Node, tuple[tuple[str, Node], ...]]
    start: Node | None

    def successors(self, node: Node) -> set[Node]:
        return {n for _, n in self.edges.get(node, ())}

    def reachable(self, start: Node, without: Node | None = None) -> dict[Node, Node | None]:
        """Nodes reachable from ``start`` (not passing ``without``), each with its predecessor."""
        seen: dict[Node, Node | None] = {start: None}
        todo = deque([start])
        while todo:
            node = todo.popleft()
            for _unused, nxt in self.edges.get(node, ()):
                if nxt != without and nxt not in seen:
                    seen[nxt] = node
                    todo.append(nxt)
        return seen


# the kinds of stage whose failed rounds the engine counts (a meeting held, a task declined, an
# evaluation closed): ``max_rounds`` can end only these
ROUNDS_COUNTED: Final = frozenset({ActionKind.MEETING, ActionKind.TASK, ActionKind.EVALUATION,
                                   ActionKind.GATE})


def route_keys(procedure: Procedure, stage: Stage) -> tuple[str, ...]:
    """The route keys that can happen at ``stage``, in :data:`ROUTE_KEYS` order (explicit routes
    always count). The one list the checks, ``show`` and the walkthrough use.

    An ``objection`` can follow at any open stage (an objection answered with a redo).
    """
    rules = list(_all_rules(procedure, stage))
    keys = {"pass", "objection"} | {k for k, _ in stage.on}
    if stage.action is ActionKind.MEETING:
        keys |= {"no_quorum", "rejected"}
    if stage.action is ActionKind.TASK:
        keys |= {"declined", "unresolved"}
    if stage.action is ActionKind.EVALUATION:
        keys.add("rejected")
    if stage.action is ActionKind.GATE:  # returned; an authority asked to approve may refuse
        keys.add("returned")
        if stage.authority is not None and stage.authority.asks == "approval":
            keys.add("rejected")
    if stage.max_rounds is not None and stage.action in ROUNDS_COUNTED:
        keys.add("max_rounds")
    if any(r.rule == "disclosure" and r.param("when_short") == "repost" for r in rules):
        keys.add("short")
    # a rule whose failure is recorded routes by its effect (no_quorum, rejected, deadline):
    # e.g. a deadline, or a written consultation's reply quorum and consent
    keys |= {rtype.effect.value for r in rules
             if (rtype := RULES.get(r.rule)) is not None and rtype.effect is not Effect.REFUSE}
    return tuple(k for k in ROUTE_KEYS if k in keys)


def _route_node(
    procedure: Procedure, stage_ids: set[str], stage: Stage, target: str
) -> Node | None:
    """The node a route from ``stage`` to ``target`` leads to; None for an unknown target."""
    if target == RECONVENE:
        return ("do", stage.id)
    if target == ESCALATE:  # one level up: resume at escalation.to (the top's edge below)
        esc = procedure.escalation
        return ("in", esc.to) if esc is not None and esc.to in stage_ids else None
    if target in stage_ids:
        return ("in", target)
    if target in procedure.outcomes:
        return ("out", target)
    return None  # an unknown target, reported as D309


def _escalation_top_node(procedure: Procedure, stage_ids: set[str]) -> Node | None:
    """Where an escalation unresolved at the top level goes, if it names a stage or outcome."""
    esc = procedure.escalation
    if esc is None:
        return None
    if esc.top in stage_ids:
        return ("in", esc.top)
    if esc.top in procedure.outcomes:
        return ("out", esc.top)
    return None


def _done_edges(
    procedure: Procedure,
    stage_ids: set[str],
    stage: Stage,
    missing: list[tuple[Stage, str]] | None,
) -> tuple[tuple[str, Node], ...]:
    """The edges out of doing ``stage``, one per route key with a target (two for escalate)."""
    done: list[tuple[str, Node]] = []
    for key in route_keys(procedure, stage):
        try:
            target = procedure.target(stage, key)
        except LookupError:
            if missing is not None:
                missing.append((stage, key))
            continue
        if (n := _route_node(procedure, stage_ids, stage, target)) is not None:
            done.append((key, n))
        if target == ESCALATE and (top := _escalation_top_node(procedure, stage_ids)) is not None:
            done.append((key, top))
    return tuple(done)


def _entered_edges(
    procedure: Procedure, stage_ids: set[str], stage: Stage
) -> tuple[tuple[str, Node], ...]:
    """The edges out of entering ``stage``: doing it, or skipping past it when it may be skipped."""
    entered: list[tuple[str, Node]] = [("enter", ("do", stage.id))]
    if stage.skippable:
        try:
            skip_to = _route_node(procedure, stage_ids, stage, procedure.pass_target(stage))
        except LookupError:
            skip_to = None
        if skip_to is not None and skip_to != ("do", stage.id):
            entered.append(("skip", skip_to))
    return tuple(entered)


def graph_of(procedure: Procedure, missing: list[tuple[Stage, str]] | None = None) -> StageGraph:
    """Build the stage graph; routes whose default has nowhere to go are added to ``missing``."""
    stage_ids = {s.id for s in procedure.stages}
    edges: dict[Node, tuple[tuple[str, Node], ...]] = {}
    for stage in procedure.stages:
        edges[("do", stage.id)] = _done_edges(procedure, stage_ids, stage, missing)
        edges[("in", stage.id)] = _entered_edges(procedure, stage_ids, stage)
    start: Node | None = ("in", procedure.stages[0].id) if procedure.stages else None
    return StageGraph(edges, start)


def check_procedure(procedure: Procedure, root: Located, reporter: Reporter) -> None:
    """Report problems in how the stages, bodies and outcomes of ``procedure`` fit together."""
    where = stage_locations(procedure, root)
    targets = {s.id for s in procedure.stages} | set(procedure.outcomes) | {RECONVENE}
    if procedure.escalation is not None:
        targets.add(ESCALATE)
    for stage in procedure.stages:
        if stage.id in procedure.outcomes or stage.id == RECONVENE:
            what = _("an outcome") if stage.id in procedure.outcomes else _("the route word")
            reporter.error(
                "D209",
                _("stage id {id!r} is also {what}, so routes to it are ambiguous").format(
                    id=stage.id, what=what
                ),
                where[stage.id].get("id") or where[stage.id],
                _("rename the stage"),
            )
        _check_routes(stage, where[stage.id], targets, reporter)
        _check_stage_rules(procedure, stage, where[stage.id], reporter)
    _check_outcomes(procedure, root, reporter)
    _check_withdrawal(procedure, root, reporter)
    _check_escalation(procedure, root, reporter)
    first = procedure.stages[0] if procedure.stages else None
    for key in ("skip_when", "required_from"):  # the two ways a stage may be passed by
        if first is not None and getattr(first, key) is not None:
            at = where[first.id]
            reporter.error(
                "D507",
                _("the first stage {id} cannot be skipped ({key})").format(
                    id=quoted(first.id), key=as_written(key)),
                at.get(key) or at,
                _("a case must start somewhere; move {key} to a later stage").format(
                    key=as_written(key)),
            )
    _check_graph(procedure, where, root, reporter)
    check_regimes(procedure, where, reporter)
    check_approvals(procedure, where, reporter)
    check_comment_periods(procedure, where, reporter)
    check_publication(procedure, where, reporter)
    if procedure.groups:
        graph = graph_of(procedure)
        check_groups(procedure, root, where, _bodies_of, graph.start,
                     lambda start, without: graph.reachable(start, without), reporter)
    check_gates(procedure, where, reporter)


def _check_routes(stage: Stage, at: Located, targets: set[str], reporter: Reporter) -> None:
    on = at.get("on") or at.get("set") or at
    if on.get("on") is not None:  # an update operation: the routes are under set.on
        on = on.get("on") or on
    for key, target in stage.on:
        if target not in targets:
            loc = on.get(key) if on.get(key) is not None else at
            reporter.error(
                "D309",
                _("stage {id!r}: {key} leads to unknown {target!r}").format(
                    id=stage.id, key=key, target=target
                ),
                loc,
                suggest(target, targets),
            )


def _bodies_of(procedure: Procedure, stage: Stage) -> list[str]:
    """Every body the stage may have: one, or each choice of the setting it names."""
    if isinstance(stage.body, SettingRef):
        setting = procedure.settings.get(stage.body.setting)
        if setting is None:
            return []
        ids = list(setting.choices) or [str(setting.default)]
        return [b for b in ids if b in procedure.bodies]
    return [stage.body] if stage.body in procedure.bodies else []


def _all_rules(procedure: Procedure, stage: Stage) -> Iterator[RuleSpec]:
    """The stage's rules and those of every body it may have."""
    yield from stage.rules
    for bid in _bodies_of(procedure, stage):
        yield from procedure.bodies[bid].rules


def _rule_sets(procedure: Procedure, stage: Stage) -> list[tuple[str, list[str]]]:
    """For each possible body: (body id, the rule names that apply at the stage)."""
    stage_ids = {r.id for r in stage.rules}
    out = []
    for bid in _bodies_of(procedure, stage):
        body = procedure.bodies[bid]
        names = [r.rule for r in body.rules if r.id not in stage_ids]
        names += [r.rule for r in stage.rules]
        out.append((bid, names))
    return out


# The rule that decides a kind of stage, and the error (with its hint) when no body has it.
_DECIDING_RULES: Final[dict[ActionKind, tuple[str, str, Text, Text]]] = {
    ActionKind.MEETING: (
        "approval", "D508",
        _(
            "meeting stage {id!r} (body {bid!r}) has no approval rule, so its vote "
            "cannot fail"
        ),
        _(
            "add '- rule: approval' with ratio, compare and base to the stage or "
            "the body"
        ),
    ),
    ActionKind.EVALUATION: (
        "satisfaction", "D510",
        _(
            "evaluation stage {id!r} (body {bid!r}) has no satisfaction rule, so its "
            "ratings decide nothing"
        ),
        _("add '- rule: satisfaction' with ratio, compare and base"),
    ),
}


def _check_stage_rules(procedure: Procedure, stage: Stage, at: Located, reporter: Reporter) -> None:
    stage_ids = {r.id for r in stage.rules}
    for bid in _bodies_of(procedure, stage):
        foreign = [
            spec.id
            for spec in procedure.bodies[bid].rules
            if spec.id not in stage_ids
            and (rtype := RULES.get(spec.rule)) is not None
            and stage.action not in rtype.actions
        ]
        if foreign:
            reporter.error(
                "D410",
                _(
                    "stage {id!r} is a {value}, but its body {bid!r} brings rule(s) {value2} that "
                    "cannot apply to a {value}"
                ).format(id=stage.id, value=stage.action.value, bid=bid, value2=", ".join(foreign)),
                at.get("body") or at,
                _("give this step a body without those rules, or make it a meeting"),
            )
    deciding = _DECIDING_RULES.get(stage.action)
    if deciding is not None:
        rule, code, message, hint = deciding
        for bid, names in _rule_sets(procedure, stage):
            if rule not in names:
                reporter.error(code, message.format(id=stage.id, bid=bid), at, hint)


def _check_outcomes(procedure: Procedure, root: Located, reporter: Reporter) -> None:
    success = [o.id for o in procedure.outcomes.values() if o.kind is OutcomeKind.SUCCESS]
    if len(success) != 1:
        at = section_location(root, "outcomes")
        what = _("none") if not success else series(quoted(s) for s in success)
        reporter.error(
            "D505",
            _("a procedure needs exactly one success outcome; it has {what}").format(what=what),
            at,
            _("give exactly one outcome 'kind: success'"),
        )


def _check_named(reporter: Reporter, code: str, name: str, known: list[str], at: Located,
                 key: str, message: Text) -> None:
    """Report ``message`` (with did-you-mean) at ``key`` of the section ``at`` unless ``name``
    is among ``known``: a procedure-level reference to a stage or outcome."""
    if name not in known:
        reporter.error(code, message, at.get(key) or at, suggest(name, known))


def _check_withdrawal(procedure: Procedure, root: Located, reporter: Reporter) -> None:
    w = procedure.withdrawal
    if w is None:
        return
    at = section_location(root, "withdrawal")
    stage_ids = [s.id for s in procedure.stages]
    if w.until is not None:
        _check_named(reporter, "D310", w.until, stage_ids, at, "until",
                     _("withdrawal.until names unknown stage {until!r}").format(until=w.until))
    _check_named(reporter, "D311", w.outcome, list(procedure.outcomes), at, "outcome",
                 _("withdrawal.outcome names unknown outcome {outcome!r}").format(
                     outcome=w.outcome))


def _check_escalation(procedure: Procedure, root: Located, reporter: Reporter) -> None:
    esc = procedure.escalation
    if esc is None:
        return
    at = section_location(root, "escalation")
    stage_ids = [s.id for s in procedure.stages]
    _check_named(reporter, "D312", esc.to, stage_ids, at, "to",
                 _("escalation.to names unknown stage {to!r}").format(to=esc.to))
    _check_named(reporter, "D312", esc.top, [*stage_ids, *procedure.outcomes], at, "top",
                 _("escalation.top names unknown stage or outcome {top!r}").format(top=esc.top))
    seen: set[str] = set()
    for level in esc.levels:
        if level.id in seen:
            reporter.error(
                "D208",
                _("escalation level {id!r} is used twice").format(id=level.id),
                at.get("levels") or at,
            )
        seen.add(level.id)


def _check_graph(
    procedure: Procedure, where: dict[str, Located], root: Located, reporter: Reporter
) -> None:
    missing: list[tuple[Stage, str]] = []
    graph = graph_of(procedure, missing)
    _report_missing_routes(missing, where, reporter)
    if graph.start is None or missing:
        return  # with routes missing, the graph checks below would only report noise
    reached = graph.reachable(graph.start)
    _report_unreached(procedure, reached, where, reporter)
    closed = _report_closed_loops(procedure, graph, reached, where, reporter)
    _report_dead_ends(procedure, graph, reached, closed, where, reporter)
    _report_success_paths(procedure, graph, graph.start, reached, where, root, reporter)


def _report_missing_routes(
    missing: list[tuple[Stage, str]], where: dict[str, Located], reporter: Reporter
) -> None:
    """D506: routes with no target and no outcome of the right kind to default to."""
    for stage, key in missing:
        kind = {"pass": "success", "deadline": "lapsed or failure"}.get(key, "failure")
        reporter.error(
            "D506",
            _(
                "stage {id!r}: route {key!r} has no target and the procedure has no {kind} outcome "
                "to default to"
            ).format(id=stage.id, key=key, kind=kind),
            where[stage.id],
            _("add 'on: {{{key}: <stage or outcome>}}' or an outcome of kind {value}").format(
                key=key, value=kind.split()[-1]
            ),
        )


def _report_unreached(
    procedure: Procedure,
    reached: dict[Node, Node | None],
    where: dict[str, Located],
    reporter: Reporter,
) -> None:
    """D501: stages no path from the first stage enters."""
    for stage in procedure.stages:
        if ("in", stage.id) not in reached:
            reporter.error(
                "D501",
                _("stage {id!r} cannot be reached from the first stage").format(id=stage.id),
                where[stage.id],
                _("route to it (on: …) from an earlier stage, or remove it"),
            )


def _report_closed_loops(
    procedure: Procedure,
    graph: StageGraph,
    reached: dict[Node, Node | None],
    where: dict[str, Located],
    reporter: Reporter,
) -> dict[str, tuple[str, ...]]:
    """D503: loops with no way out; returns each looping stage with its loop's stages.

    A loop is a strongly connected part of the graph that no route leaves.
    """
    closed: dict[str, tuple[str, ...]] = {}
    for comp in _components(graph):
        stages = tuple(s.id for s in procedure.stages if ("do", s.id) in comp)
        if not stages:
            continue
        leaves = any(n not in comp for node in comp for n in graph.successors(node))
        looped = len(comp) > 1 or any(n in graph.successors(n) for n in comp)
        if leaves or not looped:
            continue
        for sid in stages:
            closed[sid] = stages
        if ("in", stages[0]) in reached or ("do", stages[0]) in reached:
            reporter.error(
                "D503",
                _("these stages route to one another with no way out: {stages}").format(
                    stages=" → ".join(f"`{s}`" for s in stages)),
                where[stages[0]],
                _("give one of them a route to an outcome, or max_rounds with on.max_rounds"),
            )
    return closed


def _report_dead_ends(
    procedure: Procedure,
    graph: StageGraph,
    reached: dict[Node, Node | None],
    closed: dict[str, tuple[str, ...]],
    where: dict[str, Located],
    reporter: Reporter,
) -> None:
    """D502: reachable stages, outside the loops already reported, that lead to no outcome."""
    for stage in procedure.stages:
        if stage.id in closed or ("in", stage.id) not in reached:
            continue
        ahead = graph.reachable(("do", stage.id))
        if not any(n[0] == "out" for n in ahead):
            reporter.error(
                "D502",
                _("no outcome can be reached from stage {id!r}").format(id=stage.id),
                where[stage.id],
                _("its routes lead only into a loop with no way out; route it onward"),
            )


def _report_success_paths(
    procedure: Procedure,
    graph: StageGraph,
    start: Node,
    reached: dict[Node, Node | None],
    where: dict[str, Located],
    root: Located,
    reporter: Reporter,
) -> None:
    """D509 if success cannot be reached at all, else D504 for each disclosure it can bypass."""
    try:
        success = procedure.success_outcome().id
    except LookupError:
        return
    if ("out", success) not in reached:
        at = section_location(root, "outcomes")
        reporter.error(
            "D509",
            _(
                "no path from the first stage reaches the success outcome {success!r}: the "
                "procedure "
                "can never succeed"
            ).format(success=success),
            at.get(success) or at,
            _("route the last stage's pass (or another route) to it"),
        )
        return
    _report_bypassed_disclosures(procedure, graph, start, reached, success, where, reporter)


def _report_bypassed_disclosures(
    procedure: Procedure,
    graph: StageGraph,
    start: Node,
    reached: dict[Node, Node | None],
    success: str,
    where: dict[str, Located],
    reporter: Reporter,
) -> None:
    """D504: a reachable disclosure stage that some path to ``success`` goes around."""
    for stage in procedure.stages:
        if stage.action is not ActionKind.DISCLOSURE or ("in", stage.id) not in reached:
            continue
        around = graph.reachable(start, without=("do", stage.id))
        if ("out", success) in around:
            path = " → ".join(_path_to(around, ("out", success)))
            reporter.error(
                "D504",
                _(
                    "a path reaches the success outcome {success!r} without the disclosure stage "
                    "{id!r}: {path}"
                ).format(success=success, id=stage.id, path=path),
                where[stage.id],
                _(
                    "every path to success must go through every disclosure stage; check skip_when "
                    "and routes that jump ahead"
                ),
            )


def _path_to(parents: dict[Node, Node | None], end: Node) -> list[str]:
    """The stages done on the way to ``end`` (entered-but-skipped stages are left out)."""
    out: list[str] = []
    node: Node | None = end
    while node is not None:
        kind, name = node
        if kind != "in" and (not out or out[-1] != name):
            out.append(name)
        node = parents.get(node)
    return list(reversed(out))


def _components(graph: StageGraph) -> Iterable[set[Node]]:
    """Strongly connected components (Tarjan, iterative: no recursion limit on big files)."""
    nodes: set[Node] = set(graph.edges)
    for succ in graph.edges.values():
        nodes |= {n for _, n in succ}
    index: dict[Node, int] = {}
    low: dict[Node, int] = {}
    on_stack: set[Node] = set()
    stack: list[Node] = []
    result: list[set[Node]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work: list[tuple[Node, Iterator[Node]]] = [(root, iter(sorted(graph.successors(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.successors(nxt)))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp: set[Node] = set()
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    comp.add(top)
                    if top == node:
                        break
                result.append(comp)
    return result
