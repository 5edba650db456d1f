"""Seeded Monte Carlo simulation of deliberation procedures, for governance researchers.

Needs the ``sim`` extra (``pip install deliberation[sim]``): NumPy, pandas, pyarrow,
matplotlib and Dask are imported only when a simulation runs, so ``import deliberation`` stays
light. Two paths with one meaning — a vectorised NumPy path (default) and an engine path that
drives real cases through the state machine — both derived from the procedure definition.

>>> from deliberation.simulation import SimParams, simulate, summarise
>>> df = simulate("six-deliberations-guzhuang", SimParams(party_away_share=0.5), runs=2000, seed=1)
>>> summarise(df)["runs"].tolist()
[2000]
"""

from deliberation.simulation.api import compare, simulate, simulate_stages, sweep, sweep_stages
from deliberation.simulation.model import SimulationError, compile_plan
from deliberation.simulation.params import SimParams
from deliberation.simulation.summary import failures, summarise, wilson

__all__ = [
    "SimParams",
    "SimulationError",
    "compare",
    "compile_plan",
    "failures",
    "simulate",
    "simulate_stages",
    "summarise",
    "sweep",
    "sweep_stages",
    "wilson",
]
