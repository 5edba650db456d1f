"""Every path a matter can take from opening to an outcome, derived from the definition.

The derivation walks the engine's compiled plan (:func:`deliberation.engine.plan.plan_for`):
at each stage, the results its action can have (a meeting passes, lacks a quorum when it has a
quorum rule, is rejected when it has an approval rule; a task is done, declined or unresolved;
an evaluation passes or falls short; a disclosure meets an objection where the stage routes
one; a deadline rule lapses; the proposers withdraw while withdrawal is allowed) and where each
leads (``plan.stage(id).targets``). Rounds are counted as the engine counts them
(``engine/evaluators.py``): every meeting and evaluation held, every declined or unresolved
task; a failure once ``max_rounds`` have been held takes the ``max_rounds`` route. A state of
the walk is (stage, escalation level, rounds held at each capped stage, saturated at the cap —
beyond it nothing changes), so the walk is finite.

A *path* is a sequence of results from opening to an outcome that never comes back to a state
it has been in. Coming back to the same state (a meeting reconvened without a round cap, an
objection to a disclosure) is a loop the definition does not bound: such loops are listed once
each in :attr:`PathAnalysis.loops`, not multiplied into paths. Paths are grouped by how they
end: the stage, the result there, the rule behind it, the route taken and the outcome.

>>> from deliberation import load_procedure
>>> a = derive_paths(load_procedure("four-deliberations"))
>>> g = a.group(stage="review", route="max_rounds", result="rejected")
>>> g.ending.rule, g.ending.outcome, [s.result for s in g.simplest if s.stage == "review"]
('approval', 'rejected', ['rejected', 'rejected', 'rejected'])
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

import attrs

from deliberation.definition.model import ESCALATE, ActionKind, Procedure
from deliberation.engine.plan import Plan, StagePlan, plan_for

# Result names besides the route keys: the proposers withdraw; a stage merged away by a setting.
WITHDRAW: Final = "withdraw"
SKIP: Final = "skip"
# Above this many paths the walk stops and says so (a definition with very many capped loops).
MAX_PATHS: Final = 1_000_000
# The longest path enumerated: the built-in procedures' longest is far shorter; a definition
# whose capped loops allow longer ones (max_rounds in the hundreds) is refused, not walked (the
# walk is depth-first, one frame pair per step).
MAX_STEPS: Final = 200


@attrs.frozen
class Step:
    """One result on a path: at ``stage`` (the ``round``-th meeting, evaluation or failed task
    there on this path, when the result counts a round),
    ``result`` happened (``rule`` failed, if a rule decided it) and ``route`` led to ``to``."""

    stage: str
    result: str
    route: str
    to: str
    rule: str | None = None
    round: int | None = None
    level: int = 0

    def to_data(self) -> dict[str, Any]:
        return {"stage": self.stage, "result": self.result, "route": self.route, "to": self.to,
                "rule": self.rule, "round": self.round, "level": self.level}


@attrs.frozen(order=True)
class Ending:
    """How a group of paths ends: where, what happened, which rule, which route, which outcome."""

    stage: str
    result: str
    route: str
    rule: str | None
    outcome: str


@attrs.frozen
class PathGroup:
    """The paths that end the same way: how many, the simplest one, the shortest and longest
    lengths. The *simplest* path has the fewest failures of another kind than the ending's,
    then the fewest steps: for "review rejected, rounds exhausted" it is the path on which
    review is rejected three times, not one that lacked a quorum first."""

    ending: Ending
    count: int
    simplest: tuple[Step, ...]
    shortest: int  # steps on the shortest path of the group
    longest: int  # steps on the longest path of the group


@attrs.frozen
class Loop:
    """A repeat the definition does not bound: ``result`` at ``stage`` leads back to ``to``
    (a state already on the path), as often as it happens."""

    stage: str
    result: str
    to: str
    rule: str | None = None


@attrs.frozen
class PathAnalysis:
    """All paths of a procedure under one set of settings, grouped by how they end."""

    procedure: Procedure
    settings: Mapping[str, Any]
    groups: tuple[PathGroup, ...]
    loops: tuple[Loop, ...]
    total: int

    def group(self, **ending: Any) -> PathGroup:
        """The one group whose ending has the given fields (``KeyError`` if none or several)."""
        found = [g for g in self.groups
                 if all(getattr(g.ending, k) == v for k, v in ending.items())]
        if len(found) != 1:
            raise KeyError(f"{len(found)} groups match {ending}")
        return found[0]


class TooManyPaths(Exception):
    """More than :data:`MAX_PATHS` paths: the definition's capped loops multiply too far."""

    def __init__(self, procedure: str, limit: int) -> None:
        super().__init__(f"{procedure}: more than {limit} paths")
        self.limit = limit


class PathTooLong(TooManyPaths):
    """A path of more than :data:`MAX_STEPS` steps: the definition's loops allow paths too long
    to enumerate."""

    def __init__(self, procedure: str, limit: int) -> None:
        Exception.__init__(self, f"{procedure}: a path longer than {limit} steps")
        self.limit = limit


# A state of the walk: (stage id, escalation level, rounds held per capped stage, whether a
# motion has been submitted — its submitters may withdraw the matter).
_State = tuple[str, int, tuple[tuple[str, int], ...], bool]


@attrs.frozen
class _Result:
    result: str
    route: str
    rule: str | None
    counted: bool  # whether the result counts a round at the stage


def _results(plan: Plan, sp: StagePlan) -> Iterator[_Result]:
    """What can happen at ``sp`` (before rounds turn a failure into ``max_rounds``)."""
    kind = sp.kind
    if kind is ActionKind.MEETING:
        yield _Result("pass", "pass", None, True)
        if sp.quorum is not None:
            yield _Result("no_quorum", "no_quorum", sp.quorum.id, True)
        if sp.approval is not None:
            yield _Result("rejected", "rejected", sp.approval.id, True)
    elif kind is ActionKind.EVALUATION:
        yield _Result("pass", "pass", None, True)
        if sp.approval is not None:
            yield _Result("rejected", "rejected", sp.approval.id, True)
    elif kind is ActionKind.GATE:  # every examination or decision is a round
        yield _Result("pass", "pass", None, True)
        auth = sp.stage.authority
        if auth is not None and auth.asks == "approval":
            yield _Result("rejected", "rejected", None, True)
        yield _Result("returned", "returned", None, True)
    elif kind is ActionKind.TASK:
        yield _Result("pass", "pass", None, False)
        yield _Result("declined", "declined", None, True)
        yield _Result("unresolved", "unresolved", None, True)
    else:  # motion, consultation, disclosure: done when the rules allow, else refused
        yield _Result("pass", "pass", None, False)
    # An objection that sends the stage back is a route only where the definition gives one
    # (or at a disclosure, which exists to hear objections) — as the diagrams draw them.
    if kind is ActionKind.DISCLOSURE or sp.stage.route("objection") is not None:
        yield _Result("objection", "objection", None, False)
    for rule in sp.deadlines:
        yield _Result("deadline", "deadline", rule.id, False)


def derive_paths(procedure: Procedure, settings: Mapping[str, Any] | None = None
                 ) -> PathAnalysis:
    """Every path of ``procedure`` (settings normalised as the engine takes them).

    >>> from deliberation import load_procedure
    >>> a = derive_paths(load_procedure("four-deliberations"))
    >>> sum(g.count for g in a.groups) == a.total
    True
    """
    settings = dict(settings or {})
    plan = plan_for(procedure, settings)
    walk = _Walk(procedure, plan)
    first = plan.stage_ids[0]
    walk.visit((first, 0, (), False), [], set())
    groups = tuple(
        PathGroup(ending, walk.counts[ending], walk.simplest[ending][1], walk.shortest[ending],
                  walk.longest[ending])
        for ending in sorted(walk.counts, key=lambda e: _order(procedure, e))
    )
    return PathAnalysis(procedure, settings, groups, tuple(walk.loops), walk.total)


def all_paths(procedure: Procedure, settings: Mapping[str, Any] | None = None
              ) -> list[tuple[Step, ...]]:
    """Every path itself, in the order of the walk (for listing them, and for tests that take
    each through the engine).

    >>> from deliberation import load_procedure
    >>> len(all_paths(load_procedure("four-deliberations")))
    334
    """
    plan = plan_for(procedure, dict(settings or {}))
    walk = _Walk(procedure, plan, keep=True)
    walk.visit((plan.stage_ids[0], 0, (), False), [], set())
    return walk.kept


def _order(procedure: Procedure, e: Ending) -> tuple[int, int, str, str, str]:
    stage_ix = procedure.stage_index(e.stage)
    kinds = [o.kind for o in procedure.outcomes.values()]
    kind_ix = kinds.index(procedure.outcomes[e.outcome].kind)
    return (kind_ix, stage_ix, e.route, e.result, e.rule or "")


class _Walk:
    """A depth-first walk over the states, counting paths by ending."""

    def __init__(self, procedure: Procedure, plan: Plan, *, keep: bool = False) -> None:
        self.procedure = procedure
        self.keep = keep
        self.kept: list[tuple[Step, ...]] = []
        self.plan = plan
        self.outcomes = procedure.outcomes
        esc = procedure.escalation
        self.levels = len(esc.levels) if esc is not None else 0
        wd = procedure.withdrawal
        self.withdraw_until = -1
        self.proposers = any(sp.kind is ActionKind.MEETING for sp in plan.stages.values())
        if wd is not None and wd.outcome in procedure.outcomes:
            ids = plan.stage_ids
            self.withdraw_until = ids.index(wd.until) if wd.until in ids else len(ids) - 1
        self.counts: dict[Ending, int] = {}
        self.simplest: dict[Ending, tuple[tuple[int, int], tuple[Step, ...]]] = {}
        self.shortest: dict[Ending, int] = {}
        self.longest: dict[Ending, int] = {}
        self.loops: list[Loop] = []
        self.total = 0
        # rounds held at each stage on the current path (the state keeps them only at capped
        # stages, saturated at the cap, so that the walk ends)
        self.held: dict[str, int] = {}

    def end(self, path: list[Step]) -> None:
        last = path[-1]
        ending = Ending(last.stage, last.result, last.route, last.rule, last.to)
        self.total += 1
        if self.total > MAX_PATHS:
            raise TooManyPaths(self.procedure.id, MAX_PATHS)
        if self.keep:
            self.kept.append(tuple(path))
        self.counts[ending] = self.counts.get(ending, 0) + 1
        other = sum(1 for s in path if s.result not in ("pass", SKIP, last.result))
        score = (other, len(path))
        best = self.simplest.get(ending)
        if best is None or score < best[0]:
            self.simplest[ending] = (score, tuple(path))
        self.shortest[ending] = min(self.shortest.get(ending, len(path)), len(path))
        self.longest[ending] = max(self.longest.get(ending, 0), len(path))

    def loop(self, step: Step) -> None:
        found = Loop(step.stage, step.result, step.to, step.rule)
        if found not in self.loops:
            self.loops.append(found)

    def visit(self, state: _State, path: list[Step], on_path: set[_State]) -> None:
        stage_id, level, rounds, submitted = state
        sp = self.plan.stage(stage_id)
        on_path.add(state)
        try:
            if sp.skip:  # merged away by a setting: straight on where ``pass`` leads
                self.follow(Step(stage_id, SKIP, SKIP, sp.targets["pass"], level=level),
                            state, path, on_path)
                return
            saturated = dict(rounds)
            cap = sp.stage.max_rounds
            for r in _results(self.plan, sp):
                route, n = r.route, None
                new_rounds = rounds
                if r.counted:
                    n = self.held.get(stage_id, 0) + 1
                    if cap is not None:
                        if route != "pass" and n >= cap:
                            route = "max_rounds"
                        new_rounds = tuple(sorted({**saturated, stage_id: min(n, cap)}.items()))
                target = sp.targets.get(route)
                if target is None:
                    continue
                step = Step(stage_id, r.result, route, target, r.rule, n, level)
                if n is not None:
                    self.held[stage_id] = n
                try:
                    self.follow(step, (stage_id, level, new_rounds, submitted), path, on_path)
                finally:
                    if n is not None:
                        self.held[stage_id] = n - 1
            # who may withdraw, as the engine asks: a submitter of a motion, or a member of the
            # proposing body (the first meeting's); with neither, nobody can
            if sp.index <= self.withdraw_until and (submitted or self.proposers):
                wd = self.procedure.withdrawal
                assert wd is not None
                self.follow(Step(stage_id, WITHDRAW, WITHDRAW, wd.outcome, level=level),
                            state, path, on_path)
        finally:
            on_path.discard(state)

    def follow(self, step: Step, state: _State, path: list[Step], on_path: set[_State]
               ) -> None:
        """Take ``step`` from ``state`` (rounds already updated): to an outcome, or on."""
        stage_id, level, rounds, submitted = state
        submitted = submitted or (step.result == "pass"
                                  and self.plan.stage(stage_id).kind is ActionKind.MOTION)
        to = step.to
        if to == ESCALATE:
            esc = self.procedure.escalation
            assert esc is not None
            if level + 1 < self.levels:
                to, level = esc.to, level + 1
            else:
                to = esc.top
            step = attrs.evolve(step, to=to)
        if len(path) >= MAX_STEPS:
            raise PathTooLong(self.procedure.id, MAX_STEPS)
        path.append(step)
        try:
            if to in self.outcomes:
                self.end(path)
                return
            nxt: _State = (to, level, rounds, submitted)
            if nxt in on_path:
                self.loop(step)
                return
            self.visit(nxt, path, on_path)
        finally:
            path.pop()
