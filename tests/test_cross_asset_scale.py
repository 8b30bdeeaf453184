"Cross-asset features at scale (issue 13): the bounded-memory code equals the former tensor code, and its memory stays bounded."
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lstm_quant.cross_asset import _cross_asset, _reference_cross_asset

PANEL = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "sp500_daily_ohlcv_2013_2018.parquet"


def _compare(r, tol=1e-10):
    new, ref = _cross_asset(r), _reference_cross_asset(r)
    for k in ref:
        np.testing.assert_array_equal(np.isnan(new[k]), np.isnan(ref[k]), err_msg=k)
        assert np.nanmax(np.abs(new[k] - ref[k]), initial=0) <= tol, k


@pytest.mark.skipif(not PANEL.exists(), reason=f"real S&P 500 panel not found at {PANEL} (data are never copied into the project)")
def test_equals_reference_on_100_assets_of_the_panel():
    df = pd.read_parquet(PANEL, columns=["date", "asset", "close"])
    close = df.pivot(index="date", columns="asset", values="close")
    sub = close.iloc[:, ::5].iloc[:, :100]  # every fifth ticker: 100 assets, holes and late listings included
    _compare(np.log(sub).diff().to_numpy())


def test_memory_bounded_on_a_synthetic_300_asset_market():
    rng = np.random.default_rng(0)
    D, N = 600, 300
    r = 0.01 * (rng.standard_normal((D, 1)) + rng.standard_normal((D, N)))
    r[:100, 7] = np.nan  # a late listing
    tracemalloc.start()
    out = _cross_asset(r)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    frame = sum(v.nbytes for v in out.values())
    # the former code held a D x N x N tensor (D*N*N*8 = 432 MB here); the new one stays within a few outputs
    assert peak <= 3 * frame + 16 * N * N * 8, (peak / 1e6, frame / 1e6)
    assert np.isfinite(out["pca_loading"][-1]).all() and np.isfinite(out["mst_closeness"][-1]).all()
