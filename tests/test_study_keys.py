"""Every technique key of a study reaches the pipeline without lookahead, and does what it says.

The leakage walk: a set of small studies that between them use every model, loss, head, target, sizing method,
regime setting and fill at least once is run twice, on a market and on the same market with every price after a date T
scrambled; every prediction and every position dated <= T must be bit-identical. The control that must fail: the same
walk with a leaky feature (tomorrow's return) slipped into the features changes the predictions before T.
"""
from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest

import lstm_quant.study as study
from lstm_quant.core import ConfigError
from lstm_quant.data import FIELDS, simulate_market
from lstm_quant.risk import positions_from_signal
from lstm_quant.study import StudyConfig, run_study

BASE = dict(assets="", start="2014-01-02", end="2018-12-31", seq_len=8, hidden=8, epochs=1, batch_size=256,
            train_days=300, valid_days=50, test_days=40, n_folds=2, baselines="", top_k=2, min_fold_trades=50)

# each value of each key at least once, in twelve small studies
ARMS = {
    "lstm_mse_sign": dict(model="lstm", loss="mse", sizing="sign"),
    "mha_huber_threshold_excess": dict(model="mha_lstm", n_heads=2, loss="huber", sizing="threshold", target="excess",
                                       regime_filter=True, regime_method="hmm", regime_rule="flat",
                                       features="compact+ema_cross-cs_rank"),
    "attn_softmadl_topk_gmm": dict(model="attn_lstm", attn_dim=8, loss="soft_madl", sizing="top_k", regime_filter=True,
                                   regime_method="gmm", regime_rule="scale", feature_norm="rolling", norm_window=63),
    "bilstm_directional_kelly": dict(model="bilstm", loss="directional", sizing="kelly_binary", target="direction",
                                     head="direction"),
    "bilstm_directional_kelly_calibrated": dict(model="bilstm", loss="directional", sizing="kelly_binary",
                                                target="direction", head="direction", calibrate_p_up=True),
    "cnn_pinball_uncertainty_soft": dict(model="cnn_bilstm_attn", conv_channels=8, loss="pinball", head="quantile",
                                         quantiles="0.2,0.5,0.8", sizing="uncertainty", regime_filter=True,
                                         regime_rule="soft"),
    "cross_sharpe_kellyc_vix": dict(model="cross_asset", n_heads=2, loss="sharpe", sizing="kelly_continuous",
                                    kelly_fraction=0.25, exog="vix", start="2014-01-10"),
    "transformer_multitask_voltarget_open": dict(model="transformer", n_heads=2, loss="multitask", head="multitask",
                                                 sizing="vol_target", fill="open", slippage_bps=2.0, borrow_bps=50.0),
    "mlp_gmadl_meanvar_mc": dict(model="mlp", loss="gmadl", head="regression", sizing="mean_variance",
                                 rebalance_days=10, dropout=0.2, mc_samples=4, weight_decay=0.01, feature_noise=0.05,
                                 temporal_dropout=0.1, l1_input=1e-4, grad_clip=0.5),
    "lstm2_flf_rnn_dropout_l2": dict(model="lstm", n_layers=2, rnn_dropout=0.3, l2_recurrent=0.01, loss="flf", sizing="sign"),
    "fusion_mse_sign": dict(model="fusion", n_heads=2, loss="mse", sizing="sign"),
    "cnn_lstm_realised_vol": dict(model="cnn_lstm_attn", conv_channels=8, loss="mse", sizing="sign", target="realised_vol"),  # gated cross-attention (no news: last half of the features)
    # the ensemble / transfer keys of the walk-forward (the plain arm to compare with: lstm_mse_sign)
    "lstm_time_blocks_thin": dict(model="lstm", loss="mse", sizing="uncertainty", ensemble="time_blocks", n_members=2,
                                  block_days=10, min_test_samples=10**6),
    "lstm_transfer": dict(model="lstm", loss="mse", sizing="sign", transfer=True),
    "stack_lstm_ridge": dict(model="lstm", loss="mse", sizing="sign", ensemble="stack", members="lstm,ridge"),
    # the RL chapter's agents trade the model's book (one TD3 agent per asset and fold, untrained: the walk checks the positions path)
    "lstm_rl_td3": dict(model="lstm", loss="mse", sizing="rl", rl_timesteps=60),
}


def _market() -> pd.DataFrame:
    return simulate_market(n_assets=6, n_days=1100, seed=3, start="2014-01-02").data


def _scrambled_after(market: pd.DataFrame, T: pd.Timestamp) -> pd.DataFrame:
    "Every price after T multiplied by a random factor (the same for O, H, L, C of a day: still a valid bar)."
    out = market.copy()
    after = out.index > T
    rng = np.random.default_rng(7)
    factor = np.exp(rng.normal(0, 0.05, (after.sum(), out["close"].shape[1])))
    for f in ("open", "high", "low", "close"):
        out.loc[after, f] = out.loc[after, f].to_numpy() * factor
    out.loc[after, "volume"] = out.loc[after, "volume"].to_numpy() * rng.uniform(0.5, 2.0, factor.shape)
    return out


def _write(market: pd.DataFrame, path) -> str:
    market.stack("asset", future_stack=True).reset_index().to_parquet(path)
    return str(path)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    "arm -> (result on the market, result on the market scrambled after T, T)."
    d = tmp_path_factory.mktemp("keys")
    market = _market()
    clean = _write(market, d / "market.parquet")
    first = run_study(StudyConfig(**BASE, dataset=clean), echo=None)
    dates = first.predictions.index.get_level_values("date").unique().sort_values()
    T = dates[-15]  # inside the last fold's test block
    scrambled = _write(_scrambled_after(market, T), d / "scrambled.parquet")
    out = {}
    for name, arm in ARMS.items():
        out[name] = tuple(run_study(StudyConfig(**{**BASE, **arm}, dataset=p), echo=None) for p in (clean, scrambled)) + (T,)
    return out


def _model_columns(pred: pd.DataFrame) -> list[str]:
    "What the model says at t (not the realised label, which looks ahead by construction)."
    return [c for c in pred.columns if c != "fold" and not c.startswith("target")]


@pytest.mark.parametrize("arm", list(ARMS))
def test_no_prediction_or_position_before_T_sees_the_future(runs, arm):
    a, b, T = runs[arm]
    pa, pb = (r.predictions[r.predictions.index.get_level_values("date") <= T] for r in (a, b))
    cols = _model_columns(pa)
    assert len(pa) and cols
    pd.testing.assert_frame_equal(pa[cols], pb[cols], check_exact=True)
    qa, qb = (r.positions[r.positions.index.get_level_values("date") <= T] for r in (a, b))
    assert len(qa)
    pd.testing.assert_frame_equal(qa, qb, check_exact=True)


def test_the_scrambling_reaches_the_dates_after_T(runs):
    "The perturbation is real: after T, predictions and positions do change (else the walk above proves nothing)."
    a, b, T = runs["lstm_mse_sign"]
    pa, pb = (r.predictions.loc[r.predictions.index.get_level_values("date") > T, "prediction"] for r in (a, b))
    assert not np.allclose(pa.to_numpy(), pb.to_numpy())


def test_control_a_leaky_feature_is_caught(runs, monkeypatch, tmp_path):
    "The control that must fail: tomorrow's return slipped into the features changes predictions dated <= T."
    _, _, T = runs["lstm_mse_sign"]
    honest = study.study_features

    def leaky(market, config):
        features, target = honest(market, config)
        leak = pd.concat({"leak": 2.0 * target.reindex(columns=features.columns.unique("asset"))}, axis=1, names=["feature", "asset"])
        return pd.concat([features, leak.fillna(0.0)], axis=1), target

    monkeypatch.setattr(study, "study_features", leaky)
    market = _market()
    res = [run_study(StudyConfig(**BASE, **ARMS["lstm_mse_sign"], dataset=_write(m, tmp_path / f"{i}.parquet")), echo=None)
           for i, m in enumerate((market, _scrambled_after(market, T)))]
    pa, pb = (r.predictions.loc[r.predictions.index.get_level_values("date") <= T, "prediction"] for r in res)
    assert not np.array_equal(pa.to_numpy(), pb.to_numpy()), "a leak must change the predictions before T"


# ---- each key does what it says (on the runs above) ----

def test_every_value_is_covered():
    cfgs = [StudyConfig(**{**BASE, **arm, "dataset": "sim"}) for arm in ARMS.values()]
    from lstm_quant.study_config import name_choices, study_head
    ch = name_choices()
    assert {c.model for c in cfgs} == set(ch["model"])
    assert {c.sizing for c in cfgs} == set(ch["sizing"])
    assert {c.target for c in cfgs} == set(ch["target"]) and {c.fill for c in cfgs} == set(ch["fill"])
    assert {study_head(c) for c in cfgs} == {"regression", "direction", "multitask", "quantile"}
    assert {c.regime_method for c in cfgs if c.regime_filter} == set(ch["regime_method"])
    assert {c.regime_rule for c in cfgs if c.regime_filter} == set(ch["regime_rule"])
    assert set(ch["loss"]) - {c.loss for c in cfgs} == set(), set(ch["loss"]) - {c.loss for c in cfgs}


def test_targets(runs):
    ex = runs["mha_huber_threshold_excess"][0].predictions
    med = ex["target"].groupby(level="date").median()
    assert np.abs(med.to_numpy()).max() < 1e-12  # excess over the cross-sectional median: the median is 0
    d = runs["bilstm_directional_kelly"][0].predictions["target"].dropna()
    assert set(np.unique(d)) <= {0.0, 1.0} and 0 < d.mean() < 1


def test_feature_expression_and_exog_reach_the_windows(runs):
    feats = runs["mha_huber_threshold_excess"][0].metrics["settings"]["features"]
    assert "ema_ratio_50_200" in feats and not [f for f in feats if f.startswith("rank_ret")]
    assert "vix_level" in runs["cross_sharpe_kellyc_vix"][0].metrics["settings"]["features"]
    assert "vix_level" not in runs["lstm_mse_sign"][0].metrics["settings"]["features"]


def test_rolling_normalisation_is_trailing():
    c = StudyConfig(**{**BASE, "dataset": "sim", "feature_norm": "rolling", "norm_window": 63})
    market, _ = study.load_study_data(c)
    raw, _ = study.study_features(market, StudyConfig(**{**BASE, "dataset": "sim"}))
    normed, _ = study.study_features(market, c)
    col = raw.columns[0]
    i = 300
    window = raw[col].iloc[i - 62:i + 1]
    assert np.isclose(normed[col].iloc[i], (raw[col].iloc[i] - window.mean()) / window.std())


def test_heads_give_their_outputs(runs):
    assert {"q0.2", "q0.5", "q0.8"} <= set(runs["cnn_pinball_uncertainty_soft"][0].predictions.columns)
    assert "p_up" in runs["transformer_multitask_voltarget_open"][0].predictions.columns
    assert "p_up" in runs["bilstm_directional_kelly"][0].predictions.columns


def test_mc_dropout_gives_a_spread(runs):
    p = runs["mlp_gmadl_meanvar_mc"][0].predictions
    assert "std" in p.columns and (p["std"] > 0).mean() > 0.5 and p["std"].max() > 0


def test_kelly_binary_sizes_from_the_up_probability(runs):
    r = runs["bilstm_directional_kelly"][0]
    test = r.predictions[["prediction", "target", "p_up"]]
    direct = positions_from_signal(test, "kelly_binary")
    book = r.positions["model"].unstack()
    common = direct.index.intersection(book.index)
    pd.testing.assert_frame_equal(book.loc[common, direct.columns], direct.loc[common], check_names=False, check_freq=False)


def test_uncertainty_sizes_from_the_members_spread(runs):
    "One seed, ensemble=time_blocks: the uncertainty sizing reads the members' spread (the frame's std), nothing else."
    r = runs["lstm_time_blocks_thin"][0]
    assert r.config.n_seeds == 1 and (r.predictions["std"] > 0).mean() > 0.9
    direct = positions_from_signal(r.predictions[["prediction", "target", "std"]], "uncertainty")
    book = r.positions["model"].unstack()
    common = direct.index.intersection(book.index)
    assert len(common) > 50
    pd.testing.assert_frame_equal(book.loc[common, direct.columns], direct.loc[common], check_names=False, check_freq=False)
    sign = positions_from_signal(r.predictions[["prediction", "target"]], "sign")  # control: the spread does change the book
    assert not np.allclose(sign.loc[common].to_numpy(), direct.loc[common].to_numpy())


def test_kelly_binary_sizes_from_the_calibrated_probability(runs):
    raw, cal = runs["bilstm_directional_kelly"][0], runs["bilstm_directional_kelly_calibrated"][0]
    p = cal.predictions
    # calibration comes after training: the model's own probability is the uncalibrated run's, bit for bit
    pd.testing.assert_series_equal(p["p_up_raw"], raw.predictions["p_up"], check_names=False)
    assert not np.allclose(p["p_up"], p["p_up_raw"])
    logit = lambda q: np.log(q / (1 - q))
    for fold, f in p.groupby("fold"):  # one Platt map per fold: logit(p_up) = a * logit(raw) + b
        x, y = logit(f["p_up_raw"].to_numpy()), logit(f["p_up"].to_numpy())
        a, b = np.polyfit(x, y, 1)
        np.testing.assert_allclose(a * x + b, y, atol=1e-6)
    direct = positions_from_signal(p[["prediction", "target", "p_up"]], "kelly_binary")
    book = cal.positions["model"].unstack()
    common = direct.index.intersection(book.index)
    pd.testing.assert_frame_equal(book.loc[common, direct.columns], direct.loc[common], check_names=False, check_freq=False)
    assert not book.loc[common].equals(raw.positions["model"].unstack().loc[common, book.columns])


def test_mean_variance_rebalances_every_k_days(runs):
    book = runs["mlp_gmadl_meanvar_mc"][0].positions["model"].unstack()
    changes = book.diff().abs().sum(axis=1).gt(1e-12)
    gaps = np.diff(np.flatnonzero(changes.to_numpy()))
    assert len(gaps) and gaps.min() >= 10  # rebalance_days=10
    assert (book.to_numpy() >= -1e-9).all()  # long only


def test_regime_rule_scales_the_book(runs):
    flat = runs["mha_huber_threshold_excess"][0].positions["model"].unstack()
    gross = flat.abs().sum(axis=1)
    assert (gross < 1e-12).any(), "the flat rule holds nothing on some turbulent days"


def test_costs_slippage_borrow_and_open_fill(runs):
    r = runs["transformer_multitask_voltarget_open"][0]
    ret = r.returns
    gross, net, turn = ret["model_gross"], ret["model_net"], ret["model_turnover"]
    assert (gross - net >= turn * (5.0 + 2.0) / 1e4 - 1e-12).all()  # costs plus slippage, plus borrow on shorts
    assert r.metrics["params"]["fill"] == "open"


def test_thin_folds_are_flagged(runs):
    folds = runs["lstm_mse_sign"][0].metrics["folds"]
    assert all("n_trades" in f and isinstance(f["thin"], bool) for f in folds)
    assert [f["thin"] for f in folds] == [f["n_trades"] < 50 for f in folds]


def test_metrics_record_every_parameter_and_the_verdict_names_the_techniques(runs):
    r = runs["mlp_gmadl_meanvar_mc"][0]
    assert r.metrics["params"] == asdict(r.config)
    for k in ("model=mlp", "loss=gmadl", "sizing=mean_variance", "mc_samples=4", "feature_noise=0.05"):
        assert k in r.verdict, (k, r.verdict)
    assert "Settings that differ from the plain LSTM: sizing=sign." in runs["lstm_mse_sign"][0].verdict


def test_flf_predicts_the_next_bar(runs):
    p = runs["lstm2_flf_rnn_dropout_l2"][0].predictions
    assert {f"prediction_{f}" for f in ("open", "high", "low", "close")} <= set(p.columns)
    assert np.array_equal(p["prediction"].to_numpy(), p["prediction_close"].to_numpy())  # traded on the close forecast
    t = runs["lstm2_flf_rnn_dropout_l2"][0].metrics["settings"]["train"]
    assert (t["rnn_dropout"], t["l2_recurrent"]) == (0.3, 0.01)


def test_ensembles_and_transfer_change_the_predictions(runs):
    "ensemble=time_blocks, transfer=True and a stack reach the walk-forward: same data and seed, other predictions."
    plain = runs["lstm_mse_sign"][0]
    for arm, ensemble in (("lstm_time_blocks_thin", "time_blocks"), ("lstm_transfer", "none"), ("stack_lstm_ridge", "stack")):
        r = runs[arm][0]
        a, b = (x.predictions["prediction"] for x in (plain, r))
        assert a.index.equals(b.index), arm
        assert not np.allclose(a.to_numpy(), b.to_numpy()), arm
        assert r.metrics["settings"]["ensemble"]["ensemble"] == ensemble
    assert "std" in runs["lstm_time_blocks_thin"][0].predictions.columns  # the members' spread
    assert "ensemble=time_blocks" in runs["lstm_time_blocks_thin"][0].verdict and "transfer=True" in runs["lstm_transfer"][0].verdict
    members = runs["stack_lstm_ridge"][0].metrics["settings"]["ensemble"]["members"]
    assert members[0]["name"] == "lstm" and members[0]["hidden"] == BASE["hidden"] and members[1] == "ridge"


def test_min_test_samples_flags_thin_folds(runs):
    folds = runs["lstm_time_blocks_thin"][0].metrics["folds"]
    assert all(f["thin"] and 0 < f["n_test_samples"] < 10**6 for f in folds)
    plain = runs["lstm_mse_sign"][0].metrics["folds"]  # min_test_samples=0: only the trade count flags a fold
    assert [f["thin"] for f in plain] == [f["n_trades"] < 50 for f in plain]


def test_a_bad_ensemble_name_lists_the_choices():
    with pytest.raises(ConfigError) as e:
        StudyConfig(**BASE, dataset="sim", ensemble="bagging")
    for w in ("bagging", "none", "time_blocks", "blend", "stack"):
        assert w in str(e.value), (w, str(e.value))
    with pytest.raises(ConfigError, match="inverse_mse"):
        StudyConfig(**BASE, dataset="sim", ensemble="blend", members="lstm,attn_lstm", blend_method="mean")
