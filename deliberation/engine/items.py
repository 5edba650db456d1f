"""A meeting's items voted one by one (逐项表决): each item's result, and the stage's.

Each item is decided by its own vote (the item's ``approval``, else the stage's), asked on the
meeting's facts with that item's yes, no and abstentions, and by the stage's legal regime where
one binds the matter (the stricter rule prevails for every item alike). The stage then passes
as its ``item_policy`` says: ``all`` — only if every item is adopted; ``any`` — with the items
adopted, rejected only if none is. The quorum is the meeting's, asked once before (see
:func:`deliberation.engine.evaluators.ev_meeting`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, cast

from deliberation.engine.plan import StagePlan
from deliberation.frozen import FrozenDict
from deliberation.i18n import Text, _p
from deliberation.rules.facts import Facts

# an item's result in words, by whether it was adopted
ITEM_RESULT: Final[Mapping[bool, Text]] = {True: _p("an item voted on", "adopted"),
                                           False: _p("an item voted on", "not adopted")}


def decide_items(sp: StagePlan, facts: Facts) -> tuple[str, tuple[FrozenDict, ...]]:
    """The route the items give (``pass`` or ``rejected``) and each item's result, in order:
    ``{id, adopted, yes, no, abstain, checks}`` (see ``tests/test_engine_items.py``).
    """
    votes = cast(Mapping[str, tuple[int, int, int]], facts.get("item_votes") or {})
    results: list[FrozenDict] = []
    for item_id, rule in sp.items:
        yes, no, abstain = votes[item_id]
        asked = cast(Facts, {**cast(Mapping[str, Any], facts), "yes": yes, "no": no,
                             "abstain": abstain})
        if "item_representative_yes" in facts:  # the item's yes votes the law counts
            asked["representative_yes"] = facts["item_representative_yes"][item_id]
        checks = [r.verdict(asked) for r in (rule, sp.regime) if r is not None]
        results.append(FrozenDict(id=item_id, adopted=all(v.ok for v in checks), yes=yes, no=no,
                                  abstain=abstain, checks=tuple(v.entry() for v in checks)))
    adopted = sum(1 for r in results if r["adopted"])
    passed = adopted == len(results) if sp.stage.item_policy == "all" else adopted > 0
    return ("pass" if passed else "rejected"), tuple(results)
