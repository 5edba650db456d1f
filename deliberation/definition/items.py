"""Reading a meeting's items voted one by one (``items:``, ``item_policy:``) in a file.

A meeting stage may list the items its meeting votes on separately (逐项表决)::

    items:
      - id: road
        name: {zh-Hans: 硬化村道, zh-Hant: 硬化村道, en: Pave the village road}
      - id: lights
        name: {zh-Hans: 安装路灯, zh-Hant: 安裝路燈, en: Install street lights}
        approval: {rule: approval, params: {ratio: 2/3, compare: ">=", base: present}}
    item_policy: any        # all (default): every item adopted; any: proceed with those adopted

What is checked here (the rest — ``name`` texts, the rule's parameters — by the loader's own
readers):

- D460 — ``items`` on a stage that is not a meeting;
- D461 — an item id used twice, or fewer than two items (one item is the meeting's vote);
- D462 — an item's ``approval`` that is not a vote (a rule whose failure does not reject);
- D207 — an unknown ``item_policy`` (with did-you-mean).
"""

from __future__ import annotations

from typing import Protocol

from deliberation.definition.model import ITEM_POLICIES, MeetingItem, RuleSpec
from deliberation.definition.reading import Reader, elements
from deliberation.diagnostics import suggest
from deliberation.i18n import _
from deliberation.rules import RULES, Effect
from deliberation.rules.actions import ActionKind
from deliberation.yamlsource import Located

ITEM_KEYS = ("id", "name", "approval")


class ItemReader(Reader, Protocol):
    """What this module needs of the loader that calls it: a :class:`Reader` that reads rules."""

    def rule(self, loc: Located, action: ActionKind | None) -> RuleSpec | None:
        ...


def read_items(b: ItemReader, loc: Located | None, action: ActionKind | None
               ) -> tuple[MeetingItem, ...]:
    """A stage's ``items:`` list (empty when absent); problems reported, good items kept."""
    if loc is None:
        return ()
    if action is not None and action is not ActionKind.MEETING:
        b.r.error("D460", _("only a meeting votes on items one by one, not a {action} stage")
                  .format(action=action.value), loc,
                  _("remove 'items:' or make the stage's action 'meeting'"))
        return ()
    listed = elements(b.r, loc, _("items must be a list"))
    if listed is None:
        return ()
    out: list[MeetingItem] = []
    seen: set[str] = set()
    if len(listed) < 2:
        b.r.error("D461", _("a meeting voting on items one by one lists at least two items"),
                  loc, _("with one item, the meeting's own vote is the item's"))
    for el in listed:
        if not b.keys(el, ITEM_KEYS, "an item"):
            continue
        iid = b.ident(b.required(el, "id", "an item"), "item id")
        name = b.text(b.required(el, "name", "an item"), "item name")
        approval = None
        if (a_loc := el.get("approval")) is not None:
            approval = b.rule(a_loc, ActionKind.MEETING)
            if approval is not None and RULES[approval.rule].effect is not Effect.REJECTED:
                b.r.error("D462", _("an item's approval must be a vote, not {rule!r}").format(
                    rule=approval.rule), a_loc,
                    _("use the 'approval' rule (or a composite of votes)"))
                approval = None
        if iid is not None and iid in seen:
            b.r.error("D461", _("item id {id!r} is used twice").format(id=iid), el.get("id") or el)
            continue
        if iid is not None:
            seen.add(iid)
        if iid is not None and name is not None:
            out.append(MeetingItem(iid, name, approval))
    return tuple(out)


def read_policy(b: ItemReader, loc: Located | None, has_items: bool) -> str:
    """A stage's ``item_policy`` (``all`` unless given); only with ``items``."""
    if loc is None:
        return "all"
    value = str(loc.value())
    if value not in ITEM_POLICIES:
        b.r.error("D207", _("item_policy {value!r} is unknown").format(value=value), loc,
                  suggest(value, ITEM_POLICIES))
        return "all"
    if not has_items:
        b.r.error("D460", _("item_policy without items"), loc,
                  _("list the meeting's items under 'items:'"))
    return value
