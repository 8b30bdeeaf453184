"""End-to-end leakage audit: raw prices -> features -> walk-forward (model and baselines) -> positions -> backtest.

Perturb every raw price after a date T (a random, positive, per-asset rescaling of whole OHLC bars, so the data stay
valid) and rerun the whole pipeline from the raw frame. Everything dated <= T must be bit-for-bit identical:
predictions of folds whose training ended before T, positions decided at <= T, backtest returns realised at <= T,
and targets whose label window (t, t+h] ends by T. Then check the audit can fail: the folds after T do change."""
import numpy as np
import pandas as pd
import pytest

from lstm_quant.data import simulate_market
from lstm_quant.features import short_window_spec
from lstm_quant.validation import run_walk_forward
from lstm_quant.risk import positions_from_signal, backtest

HORIZON = 1


def _perturb_after(data: pd.DataFrame, cut: pd.Timestamp, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    out = data.copy()
    after = out.index > cut
    assets = out.columns.unique("asset")
    # one positive factor per (date, asset), applied to the whole bar: high >= close >= low still holds
    factor = pd.DataFrame(np.exp(rng.normal(0, 0.05, (int(after.sum()), len(assets)))), out.index[after], assets)
    for fld in ("open", "high", "low", "close"):
        out.loc[after, fld] = (out.loc[after, fld] * factor).to_numpy()
    out.loc[after, "volume"] = (out.loc[after, "volume"] * rng.uniform(0.5, 2.0, factor.shape)).round().to_numpy()
    return out


def _pipeline(data):
    wf = run_walk_forward(
        data, features=short_window_spec(families=("returns", "technical", "volatility", "calendar")),
        horizon=HORIZON, seq_len=8, splits=dict(train_size=260, test_size=60, embargo=HORIZON),
        model=dict(name="lstm", hidden=8), train=dict(epochs=2, batch_size=256, progress=False, patience=2),
        baselines=("ridge", "momentum"), seed=0)
    preds = wf.all_predictions()
    pos = positions_from_signal(preds["model"], method="sign")
    close = data["close"]
    bt = backtest(pos, close.pct_change(fill_method=None).reindex(pos.index), cost_bps=5)
    return wf, preds, pos, bt


@pytest.fixture(scope="module")
def runs():
    sim = simulate_market(n_assets=5, n_days=620, seed=21, signal_strength=0.3)
    base = _pipeline(sim.data)
    wf = base[0]
    assert wf.predictions["fold"].nunique() >= 2, "the audit needs at least two folds"
    first_fold = wf.predictions["fold"].min()
    fold_dates = wf.predictions[wf.predictions["fold"] == first_fold].index.get_level_values("date")
    cut = fold_dates.max()  # T: the last test date of the first fold
    alt = _pipeline(_perturb_after(sim.data, cut, seed=5))
    return base, alt, cut


def _upto(frame, cut):
    dates = frame.index.get_level_values("date") if isinstance(frame.index, pd.MultiIndex) else frame.index
    return frame[dates <= cut]


def test_predictions_up_to_cut_identical(runs):
    (_, p0, _, _), (_, p1, _, _), cut = runs
    for name in p0:
        a, b = _upto(p0[name], cut), _upto(p1[name], cut)
        assert len(a) > 0
        pd.testing.assert_series_equal(a["prediction"], b["prediction"], check_exact=True, obj=name)


def test_targets_known_by_cut_identical(runs):
    (_, p0, _, _), (_, p1, _, _), cut = runs
    a, b = _upto(p0["model"], cut), _upto(p1["model"], cut)
    dates = a.index.get_level_values("date")
    known = dates < cut  # horizon 1: the label at t is known at t+1 <= cut
    np.testing.assert_array_equal(a["target"].to_numpy()[known], b["target"].to_numpy()[known])


def test_positions_and_backtest_up_to_cut_identical(runs):
    (_, _, pos0, bt0), (_, _, pos1, bt1), cut = runs
    pd.testing.assert_frame_equal(pos0.loc[:cut], pos1.loc[:cut], check_exact=True)
    pd.testing.assert_series_equal(bt0.net.loc[:cut], bt1.net.loc[:cut], check_exact=True)


def test_audit_can_fail(runs):
    (_, p0, _, _), (_, p1, _, _), cut = runs
    later0 = p0["model"][p0["model"].index.get_level_values("date") > cut]["prediction"]
    later1 = p1["model"][p1["model"].index.get_level_values("date") > cut]["prediction"]
    assert not np.array_equal(later0.to_numpy(), later1.to_numpy())
