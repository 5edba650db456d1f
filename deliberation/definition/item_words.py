"""A meeting's items voted one by one, in words: one line for diagrams, pages and walkthroughs,
and one line per item (with its own vote) for ``show``.

>>> from deliberation.definition.loader import load_text
>>> p = load_text('''
... format: 1
... id: x
... version: "1"
... locality: test
... name: {zh-Hans: 例, zh-Hant: 例, en: x}
... bodies:
...   reps:
...     name: {zh-Hans: 代表, zh-Hant: 代表, en: reps}
...     members: [representative]
...     rules: [{rule: approval, params: {ratio: 1/2, compare: ">", base: present}}]
... stages:
...   - id: vote
...     name: {zh-Hans: 表决, zh-Hant: 表決, en: vote}
...     action: meeting
...     body: reps
...     item_policy: any
...     items:
...       - {id: road, name: {zh-Hans: 修路, zh-Hant: 修路, en: Pave the village road}}
...       - {id: lights, name: {zh-Hans: 路灯, zh-Hant: 路燈, en: Install street lights}}
... outcomes:
...   adopted: {kind: success, name: {zh-Hans: 通过, zh-Hant: 通過, en: adopted}}
...   rejected: {kind: failure, name: {zh-Hans: 否决, zh-Hant: 否決, en: rejected}}
... ''')
>>> items_summary(p.stage("vote")).get("zh-Hans")
'逐项表决(修路、路灯);通过的事项继续办理'

>>> items_summary(p.stage("vote")).get("en")
'votes item by item (Pave the village road, Install street lights); goes on with the items adopted'
"""

from __future__ import annotations

from typing import Final

from deliberation.definition.model import Procedure, Stage
from deliberation.definition.wording import code, describe_rule
from deliberation.i18n import Text, _, series

_POLICIES: Final[dict[str, Text]] = {
    "all": _("passes only if every item is adopted"),
    "any": _("goes on with the items adopted"),
}
_HEAD: Final = _("Items voted one by one")
_OWN: Final = _("the stage's vote")


def items_summary(stage: Stage) -> Text:
    """The stage's items and its policy in one line (empty text without items)."""
    return _("votes item by item ({items}); {policy}").format(
        items=series(it.name for it in stage.items), policy=_POLICIES[stage.item_policy])


def items_lines(p: Procedure, stage: Stage, lang: str) -> list[str]:
    """``show``'s lines for the stage's items: the policy, then each item with its vote."""
    if not stage.items:
        return []
    out = [f"   {_HEAD.get(lang)}: {_POLICIES[stage.item_policy].get(lang)}"]
    for it in stage.items:
        vote = describe_rule(p, it.approval, lang) if it.approval is not None else _OWN.get(lang)
        out.append(f"     - {it.name.get(lang)} ({code(it.id)}): {vote}")
    return out
