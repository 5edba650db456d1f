"""Groups a meeting creates: electing one, and reading its members in the stages it acts in.

A procedure's ``groups:`` declares each group and the meeting stage that elects it
(:class:`~deliberation.definition.model.Group`). That meeting records the elected villagers
(``elected: {group id: [villager ids]}``); when it passes, the case's state holds them
(:attr:`~deliberation.engine.state.CaseState.groups`) and the roster every evaluation reads
selects them by the group's id (:meth:`~deliberation.roster.Roster.with_groups`), so quorums,
votes, signatures, observers and census counts of a body made of the group need nothing of
their own. A later election at the same stage (the case came back to it) replaces the group;
the records keep both elections.

Refused (nothing recorded): a stage whose body is made of a group not yet elected; electing at
a stage that elects no group, or a group it does not elect; a villager not on the roster, not
eligible, or named twice; fewer than ``min`` or more than ``max`` members; a meeting that
passes without naming the members of each group it elects.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from deliberation.definition.model import Group, Procedure
from deliberation.definition.wording import code, person
from deliberation.diagnostics import suggest
from deliberation.engine.context import Context, on_roster
from deliberation.engine.plan import StagePlan
from deliberation.engine.state import CaseState
from deliberation.errors import InvalidAction, NotEntitled
from deliberation.frozen import FrozenDict
from deliberation.i18n import _, quoted, series

ELECTED = "elected"  # the meeting's data: group id -> the villager ids elected


def context_for(ctx: Context, s: CaseState) -> Context:
    """``ctx`` with a roster whose group selectors select the members ``s`` holds (the same
    context when they already do, or the procedure has no groups)."""
    groups = ctx.plan.procedure.groups
    if not groups:
        return ctx
    wanted = {g: frozenset(s.groups.get(g, ())) for g in groups}
    if ctx.roster.elected == wanted:
        return ctx
    return attrs.evolve(ctx, roster=ctx.roster.with_groups(wanted))


def require_elected(ctx: Context, s: CaseState, sp: StagePlan) -> None:
    """Refuse acting at ``sp`` while a group its body is made of has not been elected."""
    groups = ctx.plan.procedure.groups
    if not groups:
        return
    for gid in sp.body.members:
        if gid in groups and gid not in s.groups:
            group = groups[gid]
            raise InvalidAction(_(
                "the {group} has not been elected yet (it is elected at the stage {stage}): the "
                "{body} cannot act before",
            ).format(body=sp.body.name, group=group.name,
                     stage=ctx.plan.procedure.stage(group.elected_at).name))


def election(ctx: Context, s: CaseState, sp: StagePlan, data: Mapping[str, Any], route: str
             ) -> FrozenDict | None:
    """The groups a meeting at ``sp`` elects (group id -> ids), checked: ``None`` when it
    elects none, or does not pass. Raises when anything named is wrong."""
    procedure = ctx.plan.procedure
    given = data.get(ELECTED)
    # (most procedures declare no groups: nothing to look for, and every meeting asks)
    electing = procedure.groups_elected_at(sp.id) if procedure.groups else ()
    if given is None:
        if electing and route == "pass":
            raise InvalidAction(_(
                "the meeting elects the {group}: name its members ({key})",
            ).format(group=electing[0].name, key=code(ELECTED)))
        return None
    if not isinstance(given, Mapping):
        raise InvalidAction(_("{key} must map group ids to villager ids").format(
            key=code(ELECTED)))
    if not electing:
        raise InvalidAction(_("the stage {stage} elects no group").format(stage=sp.stage.name))
    ids = [g.id for g in electing]
    out: dict[str, tuple[str, ...]] = {}
    for gid, members in given.items():
        if gid not in ids:
            raise InvalidAction(_(
                "the stage {stage} does not elect {group}; {hint}",
            ).format(stage=sp.stage.name, group=quoted(gid), hint=suggest(str(gid), ids)))
        out[gid] = _members(ctx, sp, procedure.groups[gid], members)
    if route != "pass":
        return None
    for g in electing:
        if g.id not in out:
            raise InvalidAction(_(
                "the meeting elects the {group}: name its members ({key})",
            ).format(group=g.name, key=code(ELECTED)))
    return FrozenDict(out)


def _members(ctx: Context, sp: StagePlan, group: Group, members: Any) -> tuple[str, ...]:
    if not isinstance(members, (list, tuple)):
        raise InvalidAction(_("the members of the {group} must be a list of villager ids"
                              ).format(group=group.name))
    seen: list[str] = []
    for vid in members:
        v = on_roster(ctx, vid, sp.id)
        if vid in seen:
            raise InvalidAction(_("{vid} is named twice among the members of the {group}"
                                  ).format(vid=person(v.name, v.id), group=group.name))
        if not ctx.roster.matches(v, group.eligible):
            raise NotEntitled(sp.id, vid, _(
                "{vid} cannot be elected to the {group}: only those selected by {who} can be",
            ).format(vid=person(v.name, v.id), group=group.name,
                     who=series(quoted(e) for e in group.eligible)))
        seen.append(vid)
    n = len(seen)
    if n < group.min_members:
        raise InvalidAction(_(
            "the {group} needs at least {min} members; {n} were elected",
        ).format(group=group.name, min=group.min_members, n=n))
    if group.max_members is not None and n > group.max_members:
        raise InvalidAction(_(
            "the {group} has at most {max} members; {n} were elected",
        ).format(group=group.name, max=group.max_members, n=n))
    return tuple(seen)


def group_members(procedure: Procedure, s: CaseState) -> dict[str, tuple[str, ...]]:
    """Each group's elected members (a group not yet elected: absent)."""
    return {g: tuple(s.groups[g]) for g in procedure.groups if g in s.groups}


__all__ = ["ELECTED", "context_for", "election", "group_members", "require_elected"]
