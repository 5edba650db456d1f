"""The quorum paradox at the Party assembly: when do opponents who stay away change the answer?

    python examples/strategic_abstention.py                # ~20 seconds
    python examples/strategic_abstention.py --runs 5000    # quicker, wider intervals

Herrera & Mattozzi (2010): with a participation quorum, opponents of a plan can do better by
staying away than by coming to vote no, so a higher quorum can lower turnout and flip the result.
Here 四议两公开's review (审议) by the Party assembly decides; the proposing committees back the
plan (support 0.95) so that the assembly is where it is won or lost. The assembly needs ≥ 1/2
(default) or ≥ 2/3 (the ``party-assembly-quorum-ratio`` setting) of 应到 present, and yes votes
from more than half of 应到. Every cell runs on the same seed (common random numbers).

Sincere voting: opponents come and vote no. Strategic (``strategic_abstention=1``): every
opponent who would have come stays away. Printed per cell: P(adopted) with its 95% Wilson
interval and the mean turnout at the assembly's meetings, from the per-stage table.
"""

from __future__ import annotations

import argparse

import pandas as pd

from deliberation.simulation import SimParams, summarise, sweep_stages

QUORUMS = ["1/2", "2/3"]
SUPPORT = [0.55, 0.6, 0.65, 0.7]
BASE = SimParams(support_by_body={"branch-committee": 0.95, "two-committees": 0.95,
                                  "representatives-meeting": 0.95})


def study(runs: int = 20_000, seed: int = 2010) -> pd.DataFrame:
    """One row per (quorum, assembly support, voting): P(adopted), its interval, turnout."""
    rows = []
    for support in SUPPORT:
        params = BASE.with_(support_by_body={**dict(BASE.support_by_body),
                                             "party-assembly": support})
        df, visits = sweep_stages("four-deliberations", params, grid={
            "settings.party-assembly-quorum-ratio": QUORUMS,
            "strategic_abstention": [0.0, 1.0]}, runs=runs, seed=seed)
        keys = ["settings.party-assembly-quorum-ratio", "strategic_abstention"]
        s = summarise(df, by=keys)
        review = visits.loc[visits["stage"] == "review"]
        turnout = (review["present"] / review["electorate"]).groupby(
            [review[k] for k in keys], observed=True).mean().rename("turnout")
        s = s.join(turnout, on=keys)
        s.insert(1, "assembly_support", support)
        rows.append(s)
    out = pd.concat(rows, ignore_index=True)
    return out.rename(columns={"settings.party-assembly-quorum-ratio": "quorum",
                               "strategic_abstention": "strategic"})


def flips(table: pd.DataFrame) -> pd.DataFrame:
    """The cells where strategic abstention turns a likely adoption (sincere P ≥ 1/2 with
    its interval) into a likely failure (strategic P < 1/2 with its interval)."""
    wide = table.pivot_table(index=["quorum", "assembly_support"], columns="strategic",
                             values=["p_adopted", "ci_low", "ci_high"])
    sincere_wins = wide[("ci_low", 0.0)] > 0.5
    strategic_loses = wide[("ci_high", 1.0)] < 0.5
    return wide.loc[sincere_wins & strategic_loses].reset_index()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2010)
    args = parser.parse_args()
    table = study(args.runs, args.seed)
    cols = ["quorum", "assembly_support", "strategic", "p_adopted", "ci_low", "ci_high",
            "turnout"]
    print(table[cols].to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    print("\nwhere strategic abstention changes the answer (adopted → not adopted):")
    print(flips(table)[["quorum", "assembly_support"]].to_string(index=False))


if __name__ == "__main__":
    main()
