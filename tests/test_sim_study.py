"""The worked study of docs/simulation.md runs and says what the doc says (smaller, quicker)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_worked_study_runs_and_its_findings_hold(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("research_study",
                                                  ROOT / "examples" / "research_study.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    tables = module.study(runs=1_500, seed=7, out=tmp_path, samples=4)
    assert (tmp_path / "study-adoption.png").stat().st_size > 0
    assert (tmp_path / "study-sensitivity.png").stat().st_size > 0
    a = tables["adoption"]
    six = a.loc[(a["procedure"] == "six-deliberations-guzhuang")
                & (a["settings.party-assembly-quorum-ratio"] == "1/2")]
    p = six.set_index(["household_away_share", "settings.consultation-proxies"])["p_adopted"]
    # whole households away and no proxies: the household consultation almost never closes;
    # proxies restore it to what it is with nobody away
    assert p[(0.3, False)] < 0.02 < 0.5 < p[(0.3, True)]
    assert abs(p[(0.3, True)] - p[(0.0, True)]) < 0.05
    stops = tables["stops"]
    worst = stops.loc[stops["settings.consultation-proxies"] == False]  # noqa: E712
    assert worst.iloc[0]["stage"] == "consultation"
    rounds = tables["rounds"].set_index(["household_away_share",
                                         "settings.consultation-proxies"])
    assert rounds.loc[(0.3, False), "median_rounds"] == 10  # the cap
