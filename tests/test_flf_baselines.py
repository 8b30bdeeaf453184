"A study with the flf loss (O,H,L,C targets) runs its tabular baselines on the close of the bar."
import numpy as np

from lstm_quant.data import simulate_market
from lstm_quant.study import StudyConfig, run_study


def test_flf_study_runs_baselines_on_the_close(tmp_path):
    market = simulate_market(n_assets=4, n_days=700, seed=5, start="2014-01-02").data
    path = tmp_path / "m.parquet"
    market.stack("asset", future_stack=True).reset_index().to_parquet(path)
    cfg = dict(assets="", dataset=str(path), start="2014-01-02", end="2016-12-31", seq_len=8, hidden=8, epochs=1,
               batch_size=256, train_days=250, valid_days=40, test_days=40, n_folds=1, loss="flf", sizing="sign",
               baselines="ridge")
    res = run_study(StudyConfig(**cfg), echo=None)
    pred = res.predictions
    assert {"prediction", "target", "ridge"} <= set(pred.columns)
    assert np.isfinite(pred["target"]).all() and np.isfinite(pred["ridge"]).all()
    close = market["close"]
    label = np.log(close.shift(-1) / close).stack()  # next-day log return of the close, the label the strategy earns
    np.testing.assert_allclose(pred["target"], label.reindex(pred.index), rtol=1e-5)
    assert {"ridge_gross", "ridge_net", "ridge_turnover"} <= set(res.returns.columns)  # the baseline was traded too
    assert res.returns["ridge_net"].notna().any() and res.returns["ridge_turnover"].gt(0).any()
