"""Registry-wide lookahead test for lstm_quant.features.

Every registered feature group is recomputed on (a) the market data truncated after a random date t and
(b) the data with everything after t replaced by noise; values at dates <= t must equal the full-data values
(relative tolerance 1e-10, NaN in the same places). Parametrized over FEATURES, so a new group is tested as soon
as it is registered.
"""
import zlib

import numpy as np
import pytest

from lstm_quant.data import simulate_market
from lstm_quant.features import (FEATURES, check_lookahead, register_feature, short_window_spec, simulate_exog)


@pytest.fixture(scope="module")
def market():
    data = simulate_market(n_assets=4, n_days=500, seed=11, late_listings=1).data
    return data, simulate_exog(data, seed=11)


@pytest.mark.parametrize("name", list(FEATURES))
def test_feature_group_has_no_lookahead(market, name):
    data, exog = market
    rep = check_lookahead(data, [name], spec=short_window_spec(), exog=exog, n_cuts=2, seed=zlib.crc32(name.encode()))
    assert (rep["mode"] != "skipped").all(), f"{name} did not run: {rep['note'].tolist()}"
    assert rep["compared"].min() > 0, f"{name}: nothing defined before the cut dates, the check is vacuous"
    assert rep["ok"].all(), rep[~rep["ok"]].to_string()


def test_market_given_as_an_asset_has_no_lookahead(market):
    data, exog = market
    rep = check_lookahead(data, ["market_corr", "beta"], spec=short_window_spec(market="S01"), exog=exog, seed=5)
    assert rep["ok"].all(), rep[~rep["ok"]].to_string()


@pytest.mark.parametrize("leak", ["full_sample_zscore", "centered_window", "rank_across_time"])
def test_the_check_catches_a_leaky_feature(market, leak):
    data, exog = market
    fns = {
        "full_sample_zscore": lambda ctx: {"leak": (ctx.returns - ctx.returns.mean()) / ctx.returns.std()},
        "centered_window": lambda ctx: {"leak": ctx.returns.rolling(5, center=True).mean()},
        "rank_across_time": lambda ctx: {"leak": ctx.returns.rank(pct=True)},  # percentile over the whole history
    }
    name = f"_leaky_{leak}"
    register_feature(name, "returns", outputs=["leak"])(fns[leak])
    try:
        rep = check_lookahead(data, [name], spec=short_window_spec(), exog=exog, seed=1)
    finally:
        FEATURES.pop(name)
    assert not rep["ok"].any(), rep.to_string()
    assert name not in FEATURES
