"""Writing results: CSV or Parquet, chosen by the file's suffix.

>>> import tempfile, pathlib
>>> from deliberation.simulation import simulate
>>> df = simulate("four-deliberations", runs=100, seed=1)
>>> with tempfile.TemporaryDirectory() as d:
...     path = write_table(df, pathlib.Path(d) / "runs.parquet")
...     len(read_table(path))
100
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import pandas as pd

FORMATS: Final = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def table_format(path: str | Path) -> str:
    """``csv`` or ``parquet`` from the suffix; a clear ValueError for anything else."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(
            f"{path}: write results to a .csv or .parquet file (got {suffix or 'no suffix'!r})"
        )
    return FORMATS[suffix]


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` to ``path`` (CSV in UTF-8, or Parquet with pyarrow); returns the path."""
    out = Path(path)
    fmt = table_format(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        df.to_csv(out, index=False, encoding="utf-8")
    else:
        df.to_parquet(out, index=False, engine="pyarrow")
    return out


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a table written by :func:`write_table`."""
    import pandas as pd

    fmt = table_format(path)
    if fmt == "csv":
        return pd.read_csv(path)
    return pd.read_parquet(path, engine="pyarrow")
