"""Reproducibility: the same seed gives the same table on every backend and worker count."""

from __future__ import annotations

import pandas as pd
import pytest

from deliberation.simulation import SimParams, compare, simulate, sweep

PARAMS = SimParams(party_away_share=0.4, away_share=0.2, refuse_sign=0.0002, proxies=True,
                   support_by_body={"branch-committee": 0.9})


def _run(**options: object) -> pd.DataFrame:
    return simulate("six-deliberations-guzhuang", PARAMS, runs=12_000, seed=5, chunk_size=2_500,
                    **options)  # type: ignore[arg-type]


def test_serial_process_pool_and_dask_give_identical_tables() -> None:
    serial = _run()
    pool = _run(backend="process", workers=2)
    dask = _run(backend="dask", workers=2, dask_processes=False)
    pd.testing.assert_frame_equal(serial, pool)
    pd.testing.assert_frame_equal(serial, dask)
    assert serial["adopted"].any() and not serial["adopted"].all()


def test_every_row_records_its_seed_and_chunk() -> None:
    df = _run()
    assert set(df["seed"]) == {5}
    assert df.groupby("chunk")["run"].agg(["min", "max", "count"]).values.tolist() == [
        [0, 2_499, 2_500], [2_500, 4_999, 2_500], [5_000, 7_499, 2_500],
        [7_500, 9_999, 2_500], [10_000, 11_999, 2_000],
    ]


def test_chunks_do_not_depend_on_what_comes_after_them() -> None:
    """A longer run starts with exactly the shorter one (chunks are independent streams)."""
    short = simulate("four-deliberations", PARAMS, runs=5_000, seed=9, chunk_size=1_000)
    long = simulate("four-deliberations", PARAMS, runs=8_000, seed=9, chunk_size=1_000)
    pd.testing.assert_frame_equal(short, long.iloc[:5_000])


def test_another_seed_gives_another_table() -> None:
    a = simulate("four-deliberations", PARAMS, runs=5_000, seed=1)
    b = simulate("four-deliberations", PARAMS, runs=5_000, seed=2)
    assert not a["days"].equals(b["days"])


def test_engine_path_is_reproducible_across_workers() -> None:
    a = simulate("four-deliberations", PARAMS, runs=60, seed=3, path="engine", chunk_size=20)
    b = simulate("four-deliberations", PARAMS, runs=60, seed=3, path="engine", chunk_size=20,
                 backend="process", workers=2)
    pd.testing.assert_frame_equal(a, b)


def test_ci_width_keeps_sampling_until_the_interval_is_narrow() -> None:
    df = simulate("four-deliberations", SimParams(), runs=2_000, seed=4, chunk_size=1_000,
                  ci_width=0.02)
    n, p = len(df), float(df["adopted"].mean())
    assert n > 2_000 and n % 1_000 == 0
    from deliberation.simulation import wilson

    lo, hi = wilson(int(df["adopted"].sum()), n)[1:]
    assert hi - lo <= 0.02
    # and one chunk fewer would not have been narrow enough
    k = int(df["adopted"].iloc[: n - 1_000].sum())
    lo2, hi2 = wilson(k, n - 1_000)[1:]
    assert hi2 - lo2 > 0.02 and 0 < p < 1


def test_procedures_share_random_numbers_where_their_stages_coincide() -> None:
    """With nobody away and nobody refusing, 六议's extra steps never fail: on common random
    numbers every run ends as it does under 四议 (only the time differs)."""
    df = compare(["four-deliberations", "six-deliberations-guzhuang"],
                 SimParams(support_by_body={"branch-committee": 0.9}), runs=20_000, seed=8)
    four = df[df["procedure"] == "four-deliberations"].reset_index(drop=True)
    six = df[df["procedure"] == "six-deliberations-guzhuang"].reset_index(drop=True)
    assert (four["outcome"].astype(str) == six["outcome"].astype(str)).all()
    assert (six["days"] >= four["days"]).all()
    assert (six.loc[six["adopted"], "days"] > four.loc[four["adopted"], "days"]).all()


def test_sweep_is_cartesian_and_numbers_its_points() -> None:
    df = sweep(["four-deliberations", "six-deliberations-guzhuang"], PARAMS,
               {"party_away_share": [0.0, 0.5], "attendance": [0.7, 0.9]}, runs=300, seed=1)
    assert len(df) == 2 * 2 * 2 * 300
    assert df["point"].nunique() == 8
    combos = df.groupby(["procedure", "party_away_share", "attendance"], observed=True).size()
    assert combos.tolist() == [300] * 8


def test_bad_requests_are_refused_clearly() -> None:
    with pytest.raises(ValueError, match="runs"):
        simulate("four-deliberations", runs=0)
    with pytest.raises(ValueError, match="path"):
        simulate("four-deliberations", runs=10, path="quantum")
    with pytest.raises(ValueError, match="backend"):
        simulate("four-deliberations", runs=10, backend="gpu")
    with pytest.raises(ValueError, match="probability"):
        SimParams(support=1.5)


def test_progress_line_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    simulate("four-deliberations", runs=3_000, seed=1, chunk_size=1_000, progress=True)
    err = capsys.readouterr().err
    assert "3/3 chunks" in err and err.endswith("\n")
