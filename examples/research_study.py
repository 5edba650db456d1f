"""A worked study (docs/simulation.md, domain.md §7): 四议两公开 vs 六议两公开 when whole
households work away, with and without written proxies, under the Party assembly's two quorum
readings — where the cases stop, how many consultation rounds it takes, and which behavioural
assumption matters most.

    python examples/research_study.py                   # ~2 minutes, writes docs/img/study-*.png
    python examples/research_study.py --runs 4000 --out /tmp/study   # quicker, wider intervals

Village: 固庄村's counts (365 households, 45 Party members of whom 9 live away, counted in
应到); a share of households wholly away (0, 15%, 30%);
六议's consultation is by household (one signed opinion per household, the setting
``consultation-unit: household``), with or without proxies; the Party assembly's quorum ≥ 1/2 or
≥ 2/3 of 应到. The proposing committees back the plan (0.9), the Party assembly 0.85, the
others 0.7 on average. Every
cell runs on the same seed (common random numbers); printed tables are in Markdown.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from deliberation.simulation import SimParams, summarise, sweep_stages
from deliberation.simulation.plots import plot_sweep
from deliberation.simulation.sensitivity import plot_sensitivity, sensitivity

PROCEDURES = ["four-deliberations", "six-deliberations-guzhuang"]
GRID = {
    "household_away_share": [0.0, 0.15, 0.3],
    "settings.consultation-proxies": [False, True],
    "settings.party-assembly-quorum-ratio": ["1/2", "2/3"],
}
BASE = SimParams(support=0.7, party_away_share=0.2,
                 support_by_body={"branch-committee": 0.9, "two-committees": 0.9,
                                  "party-assembly": 0.85},
                 settings={"consultation-unit": "household"})
KEYS = ["procedure", "household_away_share", "settings.consultation-proxies",
        "settings.party-assembly-quorum-ratio"]


def _markdown(df: pd.DataFrame) -> str:
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in df.itertuples(index=False):
        cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def study(runs: int, seed: int, out: Path, samples: int = 20) -> dict[str, pd.DataFrame]:
    """The study's tables (figures written to ``out``); ``samples``: Morris trajectories."""
    runs_df, visits = sweep_stages(PROCEDURES, BASE, GRID, runs=runs, seed=seed)
    figure = plot_sweep(runs_df, list(GRID), out / "study-adoption.png", lang="en")
    summary = summarise(runs_df, by=KEYS)
    adoption = summary[[*KEYS, "p_adopted", "ci_low", "ci_high", "days_adopted_median"]]

    # where the cases stop: the last stage visit of every run that was not adopted
    last = visits.loc[visits.groupby(["point", "run"])["step"].idxmax()]
    failed = last.loc[~last["passed"] | (last["route"].astype(str) != "pass")]
    failed = failed.assign(why=failed["rule"].astype(str).replace("", "cap"))
    stops = (failed.groupby([*KEYS, "stage", "why"], observed=True).size()
             / visits.groupby(KEYS, observed=True)["run"].nunique()).rename("share")
    stops = stops.reset_index()
    stops = stops.loc[(stops["household_away_share"] == 0.3)
                      & (stops["settings.party-assembly-quorum-ratio"] == "2/3")
                      & (stops["share"] >= 0.01)].sort_values([*KEYS, "share"],
                                                              ascending=[True] * 4 + [False])

    # consultation rounds of 六议 (household unit), per visit of the consultation stage
    consult = visits.loc[(visits["stage"] == "consultation")
                         & (visits["settings.party-assembly-quorum-ratio"] == "1/2")]
    rounds = consult.groupby(["household_away_share", "settings.consultation-proxies"],
                             observed=True).agg(visits=("rounds", "size"),
                                                covered=("passed", "mean"),
                                                median_rounds=("rounds", "median"),
                                                q90_rounds=("rounds", lambda r: r.quantile(0.9)))
    rounds = rounds.reset_index()

    sens = sensitivity("six-deliberations-guzhuang",
                       BASE.with_(household_away_share=0.15,
                                  settings={"consultation-unit": "household",
                                            "consultation-proxies": True}),
                       samples=samples, runs=max(500, runs // 10), seed=seed)
    plot_sensitivity(sens, out / "study-sensitivity.png", lang="en")
    print(f"wrote {figure} and {out / 'study-sensitivity.png'}")
    return {"adoption": adoption, "stops": stops, "rounds": rounds,
            "sensitivity": sens[["output", "parameter", "low", "high", "mu_star",
                                 "mu_star_conf", "sigma"]]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent
                        / "docs" / "img")
    args = parser.parse_args()
    for name, table in study(args.runs, args.seed, args.out).items():
        print(f"\n### {name}\n")
        print(_markdown(table))


if __name__ == "__main__":
    main()
