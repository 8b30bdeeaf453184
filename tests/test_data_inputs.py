"""Bad-input suite for the data boundary: every case raises DataError naming what and where, and the
caller's frame comes back untouched."""
import numpy as np
import pandas as pd
import pytest

from lstm_quant.data import DataError, ConfigError, validate_market_data, simulate_market, load_dataset


@pytest.fixture(scope="module")
def market():
    return simulate_market(n_assets=4, n_days=300, seed=3).data


def _check(df, words, **kw):
    before = df.copy(deep=True)
    with pytest.raises(DataError) as err:
        validate_market_data(df, **kw)
    for w in words:
        assert w in str(err.value), (w, str(err.value))
    pd.testing.assert_frame_equal(df, before)


def test_nan_inside_life_beyond_gap(market):
    df = market.copy()
    df.iloc[100:120, df.columns.get_loc(("close", "S01"))] = np.nan
    _check(df, ["gap of 20", "close/S01"], max_gap=5)


def test_unsorted_and_duplicates(market):
    _check(market.iloc[::-1], ["not increasing"])
    _check(pd.concat([market.iloc[:5], market.iloc[4:6]]), ["duplicate dates"])


def test_empty(market):
    _check(market.iloc[:0], ["empty"])


def test_negative_and_crossed_prices(market):
    df = market.copy(); df.loc[df.index[10], ("low", "S02")] = -1.0
    _check(df, ["non-positive low", "S02"])
    df = market.copy(); df.loc[df.index[20], ("high", "S03")] = df.loc[df.index[20], ("low", "S03")] * 0.5
    _check(df, ["high < low", "S03"])


def test_repair_is_explicit(market):
    shuffled = market.iloc[np.r_[1, 0, 2:len(market)]]
    with pytest.warns(UserWarning, match="sorted"):
        fixed = validate_market_data(shuffled, repair=True)
    assert fixed.index.is_monotonic_increasing and not shuffled.index.is_monotonic_increasing


def test_unknown_dataset_lists_choices():
    with pytest.raises(ConfigError, match="sp500_20"):
        load_dataset("nope")


def test_simulator_deterministic():
    a, b = simulate_market(3, 200, seed=1), simulate_market(3, 200, seed=1)
    pd.testing.assert_frame_equal(a.data, b.data)
    pd.testing.assert_frame_equal(a.expected_return, b.expected_return)
