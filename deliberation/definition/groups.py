"""Reading a procedure's ``groups:``: the groups a meeting creates (:class:`Group`).

A group is declared once, by id, and then named among a body's ``members`` like any roster
selector::

    groups:
      working-group:
        name: {zh-Hans: 工作小组, zh-Hant: 工作小組, en: working group}
        elected_at: election          # the meeting stage that elects it
        eligible: [adult]             # roster selectors; default: every villager
        min: 3
        max: 7

What is checked here, each problem at its place in the file: the keys (D201), the name (D601),
``eligible`` against the roster selectors (D302), ``min`` at least 1 and ``max`` at least 1
(D402), ``min`` not above ``max`` (D454), and a group id that is already a roster selector
(D455). How the group fits the stages (its electing stage, who uses it before it is elected)
is checked with the whole procedure (:mod:`deliberation.definition.group_checks`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from deliberation.definition.model import Group
from deliberation.definition.reading import Reader, entries
from deliberation.i18n import Text, _, quoted
from deliberation.roster import SELECTORS
from deliberation.yamlsource import Located

GROUP_KEYS = ("name", "description", "elected_at", "eligible", "min", "max", "basis")


class GroupReader(Reader, Protocol):
    """What this module needs of the loader calling it: a :class:`Reader` with a few more."""

    def integer(self, loc: Located | None, what: Text | str, minimum: int = 0) -> int | None: ...

    def basis_refs(self, loc: Located | None) -> tuple[str, ...]: ...

    def known_ids(self, loc: Located | None, what: Text | str, known: Iterable[str], code: str,
                  label: Text) -> tuple[str, ...]: ...


def read_groups(b: GroupReader, loc: Located) -> dict[str, Group]:
    """The groups of a ``groups:`` mapping (problems reported, bad groups left out)."""
    out: dict[str, Group] = {}
    for key, k, v in entries(b.r, loc, _("groups must map ids to groups")):
        gid = b.ident(k, _("group id"))
        about = _("group {id}").format(id=quoted(key))
        if gid is None or not b.keys(v, GROUP_KEYS, about):
            continue
        if gid in SELECTORS:
            b.r.error("D455", _("group id {id} is already a roster selector").format(
                id=quoted(gid)), k, _("give the group another id"))
            continue
        name = b.text(b.required(v, "name", about), _("the name of group {id}").format(
            id=quoted(key)))
        at_loc = b.required(v, "elected_at", about)
        elected_at = b.ident(at_loc, _("stage id")) if at_loc is not None else None
        eligible = b.known_ids(v.get("eligible"), _("roster selectors"), SELECTORS, "D302",
                               _("roster selector")) or ("villager",)
        low_loc, high_loc = v.get("min"), v.get("max")
        low = b.integer(low_loc, "min", minimum=1) if low_loc is not None else 1
        high = b.integer(high_loc, "max", minimum=1) if high_loc is not None else None
        if low is not None and high is not None and low > high:
            b.r.error("D454", _("group {id}: min {low} is more than max {high}").format(
                id=quoted(gid), low=low, high=high), low_loc or v,
                _("a group needs at least min and at most max members"))
            continue
        desc_loc = v.get("description")
        desc = b.text(desc_loc, "description") if desc_loc is not None else None
        basis = b.basis_refs(v.get("basis"))
        if name is None or elected_at is None or low is None or (
                high_loc is not None and high is None):
            continue
        out[gid] = Group(gid, name, elected_at, eligible, low, high, basis, desc)
    return out


__all__ = ["GROUP_KEYS", "read_groups"]
