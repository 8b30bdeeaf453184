"""Bundles and signals (issue 15): the bundle reproduces the study's last walk-forward fold, its signal never reads the
future, a bundle survives a copy and refuses tampering, and `lq train` / `lq signal` work on a user CSV."""
import dataclasses
import shutil

import numpy as np
import pandas as pd
import pytest

from lstm_quant.cli import main
from lstm_quant.core import DataError
from lstm_quant.signals import load_bundle, train_bundle, _config, _predict_seeds
from lstm_quant.study import load_study_data, study_features, study_splits, walk_forward
from lstm_quant.windows import make_inference_windows, make_windows

SIM = dict(dataset="sim", assets="", start="2019-01-01", end="2021-06-30", epochs=2, n_seeds=1, warm_start=False,
           n_folds=1, baselines="", sizing="sign")


def _study_and_bundle(params: dict, out):
    "The simulated market of `params`, its walk-forward predictions, the last split and a bundle trained where it starts."
    c = _config(params)
    market, _ = load_study_data(c)
    features, target = study_features(market, c)
    ds = make_windows(features, target, c.seq_len, horizon=c.horizon)
    splits = study_splits(ds, c)
    wf, _, _ = walk_forward(market, features, target, splits, c)
    last = splits[-1]
    cut = market.index.get_loc(last.test[0]) + c.horizon - 1
    return market, wf, last, train_bundle(params, data=market.iloc[:cut + 1], out=out)


@pytest.fixture(scope="module")
def sim_study(tmp_path_factory):
    "The simulated market of SIM, its walk-forward predictions and a bundle trained where the last fold's test starts."
    return _study_and_bundle(SIM, tmp_path_factory.mktemp("b") / "bundle")


def test_bundle_reproduces_last_fold_on_sim(sim_study):
    "For each test date T of the last fold: the signal from data ending at T equals the walk-forward prediction."
    market, wf, last, path = sim_study
    b = load_bundle(path)
    c = b.config
    feats, _ = study_features(market.loc[:last.test[-1]], c)
    block = b.scaler.transform(make_inference_windows(feats, c.seq_len, dates=last.test, horizon=c.horizon))
    pred = _predict_seeds(b.models, block)["prediction"]  # one forward pass per date, as the walk-forward predicts
    np.testing.assert_array_equal(pred.to_numpy(), wf["prediction"].reindex(pred.index).to_numpy())
    for T in last.test[:: max(1, len(last.test) // 4)]:  # one date at a time, from data that ends at T: bit-identical
        got = b.signal(market.loc[:T], asof=T)["prediction"]
        np.testing.assert_array_equal(got.to_numpy(), wf.xs(T, level="date")["prediction"].reindex(got.index).to_numpy())


@pytest.mark.parametrize("extra,columns,rtol", [
    (dict(ensemble="time_blocks", n_members=2, block_days=10, sizing="uncertainty"), ["prediction", "std", "position"], 0),
    (dict(head="direction", loss="directional", target="direction", calibrate_p_up=True, sizing="kelly_binary"),
     ["prediction", "p_up", "p_up_raw", "position"], 0),
    (dict(ensemble="blend", members="lstm,lightgbm", blend_method="equal"), ["prediction", "position"], 0),
    (dict(ensemble="stack", members="lstm,lightgbm,momentum"), ["prediction", "position"], 0),
    (dict(transfer=True), ["prediction", "position"], 0),
    # a ridge member predicts the walk-forward's test block in one float32 matrix product, whose rounding depends on a
    # row's place in the block: one date at a time it agrees to float32 rounding, not to the bit
    (dict(ensemble="stack", members="lstm,ridge"), ["prediction", "position"], 1e-6),
], ids=["time_blocks", "calibrated", "blend", "stack", "transfer", "stack_ridge"])
def test_ensembles_transfer_and_calibration_reproduce_the_last_fold(tmp_path, extra, columns, rtol):
    """A bundle of time-block members, of blend / stack members (baselines among them) with their combination, of
    per-asset fine-tuned copies, or with a calibrated p_up: its signal at T is the walk-forward's, bit for bit (a ridge
    member: to float32 rounding)."""
    market, wf, last, path = _study_and_bundle(dict(SIM, **extra), tmp_path / "bundle")
    b = load_bundle(path)
    if "n_members" in extra: assert all(len(m) == 2 for m in b.models.values())  # both members were kept
    elif "members" in extra:  # every member kept, with the combination
        assert all(len(m) == len(extra["members"].split(",")) and m.combine is not None for m in b.models.values())
    elif "transfer" in extra: assert all(len(m) == 1 + len(b.assets) for m in b.models.values())  # one copy per asset
    else: assert b.calibration and b.calibration[b.config.seed] != (1.0, 0.0)  # a calibration was fitted
    for T in last.test[:: max(1, len(last.test) // 3)]:
        got = b.signal(market.loc[:T], asof=T)
        want = wf.xs(T, level="date").reindex(got.index)
        for col in [c for c in columns if c != "position"]:
            if rtol: np.testing.assert_allclose(got[col].to_numpy(), want[col].to_numpy(), rtol=rtol, err_msg=f"{col} at {T.date()}")
            else: np.testing.assert_array_equal(got[col].to_numpy(), want[col].to_numpy(), err_msg=f"{col} at {T.date()}")
    if "p_up_raw" in columns: assert not np.array_equal(got["p_up"], got["p_up_raw"])  # the calibration is applied
    if extra.get("members") == "lstm,lightgbm":  # round trip and tampering, with a baseline member's model text inside
        copy = shutil.copytree(path, tmp_path / "elsewhere")
        pd.testing.assert_frame_equal(load_bundle(copy).signal(market, asof=T), b.signal(market, asof=T), check_exact=True)
        w = next(copy.glob("weights_seed*.pt"))
        data = bytearray(w.read_bytes()); data[len(data) // 2] ^= 0xFF; w.write_bytes(bytes(data))
        with pytest.raises(DataError, match="SHA-256 differs"): load_bundle(copy)


def test_signal_ignores_the_future_control_changes(sim_study):
    market, _, last, path = sim_study
    b = load_bundle(path)
    T = last.test[5]
    base = b.signal(market, asof=T)
    noisy = market.copy()
    after = noisy.index > T
    noisy.loc[after] = noisy.loc[after].to_numpy() * np.random.default_rng(0).uniform(0.5, 1.5, (int(after.sum()), 1))
    pd.testing.assert_frame_equal(b.signal(noisy, asof=T), base)
    pd.testing.assert_frame_equal(b.signal(noisy.loc[:T], asof=T), base)
    before = market.copy()
    before.loc[T] = before.loc[T].to_numpy() * 0.9  # the row of T itself, inside the window: must change
    assert not np.allclose(b.signal(before, asof=T)["prediction"], base["prediction"])


def test_copied_bundle_identical_and_tampering_refused(sim_study, tmp_path):
    market, _, last, path = sim_study
    T = last.test[-1]
    copy = shutil.copytree(path, tmp_path / "elsewhere")
    pd.testing.assert_frame_equal(load_bundle(copy).signal(market, asof=T).drop(columns=[]),
                                  load_bundle(path).signal(market, asof=T), check_exact=True)
    w = next(copy.glob("weights_seed*.pt"))
    data = bytearray(w.read_bytes()); data[len(data) // 2] ^= 0xFF; w.write_bytes(bytes(data))
    with pytest.raises(DataError, match="SHA-256 differs"): load_bundle(copy)


def test_unknown_and_missing_assets_are_named(sim_study):
    market, _, _, path = sim_study
    b = load_bundle(path)
    one = b.assets[0]
    extra = pd.concat([market, market.loc[:, (slice(None), [one])].rename(columns={one: "ZZZ"})], axis=1)
    with pytest.raises(DataError, match="not trained on.*ZZZ"): b.signal(extra)
    with pytest.raises(DataError, match=f"missing from the data.*{b.assets[1]}"):
        b.signal(market.drop(columns=b.assets[1], level="asset"))


def _to_long_csv(market: pd.DataFrame, path):
    long = market.stack(level="asset", future_stack=True).reset_index()
    long.columns = [str(c) for c in long.columns]
    long.dropna(subset=["close"]).to_csv(path, index=False)
    return path


def test_lq_train_and_signal_on_a_user_csv(tmp_path, capsys):
    market, _ = load_study_data(_config(dict(dataset="sp500_20", assets="AAPL,JNJ,XOM,KO")))
    csv = _to_long_csv(market, tmp_path / "prices.csv")
    rc = main(["train", "--preset", "smoke", "-p", f"dataset={csv}", "-p", "assets=", "-p", "epochs=1",
               "--out", str(tmp_path / "bundle")])
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert "Survivorship bias: unknown" in out
    rc = main(["signal", str(tmp_path / "bundle"), "--data", str(csv), "--out", str(tmp_path / "sig.parquet")])
    out, err = capsys.readouterr()
    assert rc == 0, err
    sig = pd.read_parquet(tmp_path / "sig.parquet")
    assert sorted(sig.index) == ["AAPL", "JNJ", "KO", "XOM"] and sig["prediction"].notna().all()
    assert "position" in out
    wider, _ = load_study_data(_config(dict(dataset="sp500_20", assets="AAPL,JNJ,XOM,KO,WMT")))
    rc = main(["signal", str(tmp_path / "bundle"), "--data", str(_to_long_csv(wider, tmp_path / "wider.csv"))])
    out, err = capsys.readouterr()
    assert rc == 2 and "not trained on" in err and "WMT" in err, err
