"""Cross-chapter checks of the risk room: the one-day execution lag, costs, and causality of the regime filter and
the portfolio rebalancer, on the simulator of the data chapter (whose truth is known)."""
import numpy as np
import pandas as pd
import pytest

from lstm_quant.data import ConfigError, DataError, simulate_market
from lstm_quant.risk import (BacktestResult, RegimeFilter, backtest, performance_summary, positions_from_signal,
                             reversal_predictions)


@pytest.fixture(scope="module")
def sim():
    return simulate_market(n_assets=8, n_days=900, seed=11, signal_strength=0.3)


@pytest.fixture(scope="module")
def simple(sim):
    return np.expm1(sim.log_returns)


def test_planted_signal_earns_with_the_lag(sim, simple):
    # expected_return at t is E[r_{t+1} | info at t]: trading it at close t must earn a positive mean
    pos = positions_from_signal(sim.expected_return, "sign")
    res = backtest(pos, simple, cost_bps=0)
    assert isinstance(res, BacktestResult)
    assert res.gross.mean() > 0
    # the caller must NOT pre-shift: shifting again trades a stale signal and earns less
    stale = backtest(pos.shift(1).fillna(0.0), simple, cost_bps=0)
    assert stale.gross.mean() < res.gross.mean()


def test_same_day_return_cannot_be_earned(simple):
    peek = np.sign(simple.fillna(0.0))
    res = backtest(peek, simple, cost_bps=0)
    assert abs(res.gross.mean()) < 0.1 * simple.abs().sum(axis=1).mean()


def test_perfect_foresight_earns_exactly_one_day_ahead(simple):
    oracle = np.sign(simple.shift(-1).fillna(0.0))
    res = backtest(oracle, simple, cost_bps=0)
    np.testing.assert_allclose(res.gross.iloc[1:].to_numpy(), simple.abs().sum(axis=1).iloc[1:].to_numpy(), atol=1e-12)


def test_costs_are_turnover_times_rate(sim, simple):
    pos = positions_from_signal(sim.expected_return, "top_k", k=2)
    res = backtest(pos, simple, cost_bps=7, slippage_bps=3)
    np.testing.assert_allclose(res.trading_costs.sum(), res.turnover.sum() * 10 / 1e4)
    s = res.summary()
    assert s["cost_drag"] == pytest.approx(s["turnover"] * 10 / 1e4)
    assert performance_summary(res.gross)["sharpe"] > s["sharpe"]


def test_backtest_rejects_misaligned_inputs(simple):
    pos = simple.fillna(0.0) * 0 + 0.1
    with pytest.raises(DataError, match="skip the return date"):
        backtest(pos.drop(index=pos.index[5]), simple, cost_bps=1)
    with pytest.raises(DataError, match="S03"):
        bad = pos.copy(); bad.iloc[3, 3] = np.nan
        backtest(bad, simple, cost_bps=1)
    with pytest.raises(ConfigError, match="kelly_continuous"):
        positions_from_signal(pos, "kelly")


def test_regime_filter_is_causal_by_truncation(sim):
    mk = sim.log_returns.mean(axis=1)
    cut = mk.index[650]
    kw = dict(refit_every=200, min_train=300, burn_in=100, random_state=0)
    full = RegimeFilter("hmm", **kw).fit(mk).predict_proba()
    trunc = RegimeFilter("hmm", **kw).fit(mk.loc[:cut]).predict_proba()
    pd.testing.assert_frame_equal(full.loc[:cut], trunc)
    assert full.loc[:cut].notna().all(axis=1).sum() > 300


def test_reversal_predictions_are_causal(sim):
    close = sim.data["close"]
    cut = close.index[500]
    a = reversal_predictions(close).drop(columns="target")
    b = reversal_predictions(close.loc[:cut]).drop(columns="target")
    pd.testing.assert_frame_equal(a.loc[a.index.get_level_values("date") <= cut], b)


def test_rebalance_portfolio_uses_past_returns_only(sim, simple):
    from lstm_quant.portfolio import rebalance_portfolio
    preds = sim.expected_return.iloc[300:]
    kw = dict(every=21, lookback=120, risk_aversion=10.0, bounds=(0.0, 0.4))
    base = rebalance_portfolio(preds, simple, **kw)
    cut = preds.index[200]
    alt = simple.copy(); alt.loc[alt.index > cut] = np.random.default_rng(0).normal(0, 0.05, alt.loc[alt.index > cut].shape)
    pd.testing.assert_frame_equal(rebalance_portfolio(preds, alt, **kw).loc[:cut], base.loc[:cut])
    np.testing.assert_allclose(base.iloc[-1].sum(), 1.0, atol=1e-6)
