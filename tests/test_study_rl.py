"""`sizing=rl` reaches a study: the model strategy's book comes from the RL chapter's agents (one per asset and fold),
baselines are sized by sign, and the settings it cannot combine with are refused before anything runs."""
import numpy as np
import pandas as pd
import pytest

pytest.importorskip("stable_baselines3", reason="sizing=rl needs the rl extra: pip install lstm_quant[rl]")

import lstm_quant.study as study
from lstm_quant.core import ConfigError
from lstm_quant.features import make_windows
from lstm_quant.risk import positions_from_signal
from lstm_quant.study import StudyConfig, resolve_params, run_study

TINY = dict(dataset="sim", assets="a,b,c", start="2019-01-01", end="2020-12-31", seq_len=5, hidden=4, epochs=1,
            train_days=150, valid_days=30, test_days=30, n_folds=2, baselines="momentum", min_fold_trades=1,
            sizing="rl", rl_timesteps=110)


@pytest.fixture(scope="module")
def rl_run():
    return run_study(StudyConfig(**TINY), echo=None)


def test_a_sim_study_with_sizing_rl_runs(rl_run):
    m = rl_run.metrics
    assert m["complete"] and m["strategies"]["model"]["sizing"] == "rl"
    assert m["strategies"]["momentum"]["sizing"] == "sign"  # a baseline has no agent: sized by sign
    assert np.isfinite(m["strategies"]["model"]["sharpe_net"])


def test_its_positions_come_from_the_agents(rl_run):
    "The model's book is the RL chapter's book of the same folds and features, rebuilt from scratch (same seeds)."
    c = rl_run.config
    market, _ = study.load_study_data(c)
    features, target = study.study_features(market, c)
    splits = study.study_splits(make_windows(features, target, c.seq_len, horizon=c.horizon), c)
    for s in splits:  # each fold's agent is trained before its test window opens, with the label gap between them
        assert s.train[-1] < s.valid[0] <= s.valid[-1] < s.test[0], s.fold
        assert len(s.train) and len(s.test) and s.train.intersection(s.test).empty
    expected = study.rl_study_book(market, features, splits, c)
    got = rl_run.positions["model"].unstack("asset")
    common = expected.index.intersection(got.index)
    assert len(common) >= 0.9 * len(expected)
    np.testing.assert_array_equal(got.loc[common, expected.columns].to_numpy(), expected.loc[common].to_numpy())
    assert (expected.abs().sum(axis=1) <= 1 + 1e-12).all() and expected.abs().to_numpy().max() > 0
    # the control: not the supervised model's signal sized by sign (which the book would be without the agents)
    sign = positions_from_signal(rl_run.predictions[["prediction", "target"]], "sign").reindex(common)
    assert not np.allclose(sign[expected.columns].to_numpy(), got.loc[common, expected.columns].to_numpy())


def test_sizing_rl_refuses_what_it_cannot_combine_with():
    with pytest.raises(ConfigError, match="use fill 'close'"):
        resolve_params("smoke", ["sizing=rl", "fill=open"])
    with pytest.raises(ConfigError, match="Valid choices: ddpg, td3"):
        resolve_params("smoke", ["sizing=rl", "rl_algo=ppo"])
    assert resolve_params("smoke", ["sizing=rl", "rl_algo=ddpg"])["rl_algo"] == "ddpg"


def test_the_study_algos_are_the_rl_chapters():
    from lstm_quant.rl import ALGOS
    from lstm_quant.study_config import RL_ALGOS
    assert tuple(RL_ALGOS) == tuple(ALGOS)
