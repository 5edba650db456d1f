"""How often each group of paths happens under given parameters, by the simulation's public API.

The simulation reports where each run ended (``end_stage``, ``end_route``, ``end_rule``,
``outcome``); each run is counted for the group of :func:`~.paths.derive_paths` that ends the
same way. Runs that end in a way the definition has no path for — the simulator's own caps
(``max_reconvenings``, ``max_steps``, a consultation that cannot close) let a matter lapse —
are reported apart, never folded into a group.

>>> from deliberation import load_procedure
>>> from deliberation.analysis.paths import derive_paths
>>> from deliberation.simulation import SimParams
>>> a = derive_paths(load_procedure("four-deliberations"))
>>> shares = simulate_groups(a, SimParams(), runs=2000, seed=1)
>>> shares.runs, sum(shares.counts.values()) + sum(k for *_, k in shares.unmatched)
(2000, 2000)
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from deliberation.analysis.paths import Ending, PathAnalysis
from deliberation.simulation import SimParams, simulate, wilson


@attrs.frozen
class GroupShares:
    """Runs per group (by ending), and runs that ended outside every group."""

    runs: int
    seed: int
    counts: Mapping[Ending, int]
    # (stage, route, rule, outcome, runs) for endings that are no path of the definition
    unmatched: tuple[tuple[str, str, str, str, int], ...]

    def share(self, ending: Ending) -> tuple[float, float, float]:
        """P(ending) with its Wilson 95% interval."""
        return self.share_of(self.counts.get(ending, 0))

    def share_of(self, runs: int) -> tuple[float, float, float]:
        """The share ``runs / self.runs`` with its Wilson 95% interval."""
        return wilson(runs, self.runs)


def _matches(ending: Ending, stage: str, route: str, rule: str, outcome: str) -> bool:
    # the simulator names a task's failure by its result (declined, unresolved, deadline)
    return (ending.stage, ending.route, ending.outcome) == (stage, route, outcome) and \
        rule in (ending.rule or "", ending.result)


def simulate_groups(analysis: PathAnalysis, params: SimParams, runs: int, seed: int,
                    path: str = "vectorised") -> GroupShares:
    """Simulate ``runs`` cases and count them by the group of paths each ends in."""
    if analysis.settings:
        params = params.with_(settings={**dict(params.settings), **analysis.settings})
    df = simulate(analysis.procedure, params, runs, seed, path=path)
    sizes = df.groupby(["end_stage", "end_route", "end_rule", "outcome"], observed=True).size()
    counts: dict[Ending, int] = {}
    unmatched = []
    for (stage, route, rule, outcome), k in sizes.items():
        found = next((g.ending for g in analysis.groups
                      if _matches(g.ending, str(stage), str(route), str(rule), str(outcome))),
                     None)
        if found is None:
            unmatched.append((str(stage), str(route), str(rule), str(outcome), int(k)))
        else:
            counts[found] = counts.get(found, 0) + int(k)
    return GroupShares(len(df), seed, counts, tuple(unmatched))
