"""Checks of the groups a meeting creates (``groups:``), run by the checker.

* D450 — a group's ``elected_at`` names no stage (with the closest stage id as a hint);
* D451 — a group's ``elected_at`` stage is not a meeting: only a meeting elects;
* D452 — a stage whose body is made of a group that some route reaches without passing the
  stage that elects it (on every route from the first stage the group must be elected first),
  or that is the electing stage itself.

Where a group is written is found from the file's ``groups:`` (an inherited group points at
``extends:``); where a stage is written, from :func:`~deliberation.definition.checks
.stage_locations`.

>>> from deliberation import load_procedure
>>> [g for g in load_procedure("land-contracting-plan-working-group").groups]
['working-group']
"""

from __future__ import annotations

from collections.abc import Callable

from deliberation.definition.model import ActionKind, Procedure, Stage
from deliberation.diagnostics import suggest
from deliberation.i18n import _, quoted
from deliberation.yamlsource import Located, Reporter

Node = tuple[str, str]
Reachable = Callable[[Node, Node | None], dict[Node, Node | None]]


def group_location(root: Located, gid: str) -> Located:
    """Where group ``gid`` is written (``extends:`` or the file itself when inherited)."""
    groups = root.get("groups")
    at = groups.get(gid) if groups is not None and groups.is_map else None
    return at if at is not None else (root.get("extends") or root)


def stage_groups(procedure: Procedure, bodies: list[str]) -> list[str]:
    """The groups the bodies ``bodies`` (ids) are made of, in declaration order."""
    named = {m for b in bodies if b in procedure.bodies for m in procedure.bodies[b].members}
    return [g for g in procedure.groups if g in named]


def check_groups(procedure: Procedure, root: Located, where: dict[str, Located],
                 bodies_of: Callable[[Procedure, Stage], list[str]], start: Node | None,
                 reachable: Reachable, reporter: Reporter) -> None:
    """Report D450–D452 (``bodies_of`` and ``reachable`` come from the checker's graph)."""
    order = [s.id for s in procedure.stages]
    electing: dict[str, str] = {}
    for gid, group in procedure.groups.items():
        at = group_location(root, gid)
        node = at.get("elected_at") or at
        if group.elected_at not in order:
            reporter.error("D450", _("group {id}: no stage {sid} elects it").format(
                id=quoted(gid), sid=quoted(group.elected_at)), node,
                suggest(group.elected_at, order))
        elif procedure.stage(group.elected_at).action is not ActionKind.MEETING:
            reporter.error("D451", _("group {id} is elected at {sid}, which is not a meeting"
                                     ).format(id=quoted(gid), sid=quoted(group.elected_at)),
                           node, _("name the meeting stage whose vote elects the group"))
        else:
            electing[gid] = group.elected_at
    if start is None:
        return
    for stage in procedure.stages:
        for gid in stage_groups(procedure, bodies_of(procedure, stage)):
            sid = electing.get(gid)
            if sid is None:
                continue
            around = reachable(start, ("do", sid))
            if sid == stage.id or ("in", stage.id) in around:
                reporter.error(
                    "D452",
                    _("stage {stage} is done by group {id}, which a route reaches before the "
                      "stage {sid} that elects it").format(stage=quoted(stage.id),
                                                           id=quoted(gid), sid=quoted(sid)),
                    where.get(stage.id, root),
                    _("every route to the stage must pass the election first"))


__all__ = ["check_groups", "group_location", "stage_groups"]
