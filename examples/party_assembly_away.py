"""Quorum feasibility of the Party assembly, and P(adopted) of 六议两公开 vs 四议两公开, as the
share of Party members living away goes from 0 to 2/3 (domain.md §6–7: in one county only
about a third of rural Party members live in the village long-term).

    python examples/party_assembly_away.py                 # ~1 minute, writes the figure
    python examples/party_assembly_away.py --runs 20000    # quicker, wider intervals

Village: 固庄村 (365 households, 847 people, 45 Party members, 28 representatives), a third of
the other adult villagers away. The Party assembly (审议) needs 半数以上 of the members who
should attend (应到) present, read as ≥ 1/2 (the procedure's default) — first with away members
counted in 应到, then with them excused (请假, not counted). Same seed for every point and both
procedures (common random numbers). Written up in docs/simulation.md.
"""

from __future__ import annotations

import argparse
import math
from fractions import Fraction
from pathlib import Path

from deliberation.rules.thresholds import Base, Comparison, Threshold
from deliberation.simulation import SimParams, summarise, sweep

SHARES = [Fraction(k, 9) for k in range(7)]  # 0, 1/9, …, 6/9 = 2/3 of the 45 members away
# (label, procedure, parameter changes): 六议 with and without written proxies (委托) for the
# villagers who work away — the consultation must reach 100% of adults either way.
VARIANTS = [
    ("4 deliberations (四议两公开)", "four-deliberations", {}),
    ("6 deliberations (六议两公开), no proxies", "six-deliberations-guzhuang", {}),
    ("6 deliberations (六议两公开), proxies", "six-deliberations-guzhuang", {"proxies": True}),
]
BASE = SimParams(
    away_share=1 / 3,  # a third of the other adult villagers work away
    support_by_body={"branch-committee": 0.9, "two-committees": 0.85},  # proposers back it
    refuse_sign=0.0005,  # one villager in 2,000 will not sign the consultation form
)


def p_quorum(params: SimParams) -> float:
    """P(one assembly meeting has its quorum), exactly: a sum of binomial probabilities."""
    roster = params.roster()
    party = [v for v in roster.villagers if v.party != "none"]
    away = sum(1 for v in party if not v.resident)
    resident = len(party) - away
    expected = resident if params.away_excused else len(party)  # 应到
    needed = Threshold(Fraction(1, 2), Comparison.AT_LEAST, Base.EXPECTED).needed(expected)
    a = params.attendance
    b = 0.0 if params.away_excused else params.away_attendance

    def pmf(n: int, p: float) -> list[float]:
        return [math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)]

    total = 0.0
    for i, pi in enumerate(pmf(resident, a)):
        for j, pj in enumerate(pmf(away, b)):
            if i + j >= needed:
                total += pi * pj
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=100_000, help="runs per point and procedure")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--figure", default="docs/img/party-assembly-away.png")
    args = parser.parse_args()

    import pandas as pd

    frames = []
    for excused in (False, True):
        for label, procedure, changes in VARIANTS:
            params = BASE.with_(away_excused=excused, **changes)
            df = sweep(procedure, params, {"party_away_share": [float(x) for x in SHARES]},
                       runs=args.runs, seed=args.seed)
            df["variant"] = label
            frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    keys = ("away_excused", "party_away_share", "variant")
    s = summarise(df, by=keys)
    s["p_quorum_one_meeting"] = [
        p_quorum(BASE.with_(away_excused=bool(e), party_away_share=float(x)))
        for e, x in zip(s["away_excused"], s["party_away_share"], strict=True)
    ]
    ended = df[~df["adopted"]].groupby([*keys, "end_stage", "end_rule"], observed=True).size()
    for stage, rule, name in (("review", "quorum", "review_quorum"),
                              ("review", "approval", "review_vote"),
                              ("consultation", "consultation-coverage", "coverage")):
        s[f"ends_{name}"] = [
            ended.get((e, x, v, stage, rule), 0) / n
            for e, x, v, n in zip(s["away_excused"], s["party_away_share"], s["variant"],
                                  s["runs"], strict=True)
        ]
    s["members_away"] = (s["party_away_share"] * 45).round().astype(int)
    cols = ["away_excused", "members_away", "variant", "p_quorum_one_meeting",
            "ends_review_quorum", "ends_review_vote", "ends_coverage", "p_adopted", "ci_low",
            "ci_high", "days_adopted_median"]
    with pd.option_context("display.width", 200, "display.max_rows", 100):
        print(s[cols].to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    _figure(s, Path(args.figure))
    print(f"figure: {args.figure}")


def _figure(s: object, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    assert isinstance(s, pd.DataFrame)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8), sharey=True)
    for ax, excused in zip(axes, (False, True), strict=True):
        part = s[s["away_excused"] == excused]
        q = part[part["variant"] == VARIANTS[0][0]]
        ax.plot(q["members_away"], q["p_quorum_one_meeting"], "k--",
                label="P(quorum), one assembly meeting (exact)")
        for (label, _, _), style in zip(VARIANTS, ("o-", "s-", "^-"), strict=True):
            g = part[part["variant"] == label]
            english = label.split(" (")[0] + (", " + label.split(", ")[1]
                                              if ", " in label else "")
            ax.plot(g["members_away"], g["p_adopted"], style, label=f"P(adopted): {english}")
            ax.fill_between(g["members_away"], g["ci_low"], g["ci_high"], alpha=0.2)
        ax.set_xlabel("Party members living away (of 45)")
        ax.set_title("away members counted as expected to attend" if not excused
                     else "away members excused (not expected)")
        ax.grid(alpha=0.3)
        ax.set_ylim(-0.02, 1.02)
    axes[0].set_ylabel("probability")
    axes[1].legend(loc="center left", fontsize=8)
    fig.suptitle("Guzhuang-sized village, a third of villagers away: "
                 "Party assembly needs >= 1/2 of expected members present, yes > 1/2 of expected")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


if __name__ == "__main__":
    main()
