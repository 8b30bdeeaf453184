"""Bad input at every public boundary gets a clear error naming what is wrong (and the valid choices)."""
import numpy as np
import pandas as pd
import pytest

from lstm_quant.data import ConfigError, DataError, simulate_market
from lstm_quant.features import build_features, forward_log_return, make_windows
from lstm_quant.models import build_model
from lstm_quant.losses import get_loss
from lstm_quant.training import TrainConfig
from lstm_quant.validation import walk_forward_splits
from lstm_quant.risk import backtest, positions_from_signal
from lstm_quant.study import resolve_params


@pytest.fixture(scope="module")
def sim():
    return simulate_market(3, 200, seed=0)


@pytest.mark.parametrize("call, error, words", [
    (lambda s: build_features(s.data, {"features": ("nope",)}), ConfigError, ["unknown feature", "nope", "rsi"]),
    (lambda s: build_features(s.data["close"]), DataError, ["MultiIndex"]),
    (lambda s: make_windows(build_features(s.data), forward_log_return(s.data["close"], 1), 500), DataError,
     ["seq_len=500"]),
    (lambda s: build_model("lstmx", 4), ConfigError, ["lstmx", "attn_lstm"]),
    (lambda s: get_loss("msex"), ConfigError, ["msex", "gmadl"]),
    (lambda s: get_loss("madl", for_training=True), ConfigError, ["madl"]),
    (lambda s: TrainConfig(lr=-1), ConfigError, ["lr"]),
    (lambda s: walk_forward_splits(s.data.index, train_size=250, test_size=100, embargo=1, horizon=1), ConfigError,
     ["too few", "train_size=250"]),
    (lambda s: positions_from_signal(s.expected_return, method="yolo"), ConfigError, ["yolo", "top_k"]),
    (lambda s: resolve_params("quick", {"modle": "lstm"}), ConfigError, ["modle", "Did you mean 'model'"]),
    (lambda s: resolve_params("quick", {"dataset": "sp501"}), ConfigError, ["sp501", "sp500_20"]),
    (lambda s: resolve_params("slow", {}), ConfigError, ["slow", "quick"]),
], ids=["feature", "frame", "seq_len", "model", "loss", "madl-train", "lr", "splits", "sizing", "param", "dataset",
        "preset"])
def test_clear_errors(sim, call, error, words):
    with pytest.raises(error) as err:
        call(sim)
    for w in words:
        assert w in str(err.value), (w, str(err.value))


def test_backtest_names_nan_position(sim):
    pos = np.sign(sim.expected_return).fillna(0.0)
    pos.iloc[50, 1] = np.nan
    with pytest.raises(DataError, match=r"NaN at S01 on 2000-03-13"):
        backtest(pos, sim.data["close"].pct_change(fill_method=None), cost_bps=5)


def test_backtest_refuses_missing_return_under_a_position(sim):
    pos = pd.DataFrame(1.0, sim.expected_return.index, sim.expected_return.columns)
    rets = sim.data["close"].pct_change(fill_method=None)
    rets.iloc[100, 2] = np.nan
    with pytest.raises(DataError, match="S02"):
        backtest(pos, rets, cost_bps=5)


def test_unknown_asset_refused_before_any_run(tmp_path):
    with pytest.raises(ConfigError) as err:
        resolve_params("quick", {"assets": "AAPL,FOO"})
    assert "FOO" in str(err.value) and "AAPL" in str(err.value)
