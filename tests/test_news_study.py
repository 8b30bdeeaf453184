"""A news file reaches a study through `news=` (issue 17), and the study finds what the news holds and nothing else.

A simulated market without a planted price signal gets a synthetic news stream (`altdata.simulate_news`) whose tone on
each asset and session is planted from the next day's cross-sectionally demeaned return (items are written before or
after the close at random times of the day, so about a third of them only count for the next session, as the close
cutoff says). The planted level is the daily IC of the news score feature itself with the study's target on the test
dates. The study with `news=` must reach at least half of it; the same news with its texts shuffled across items (a
placebo with the same times, assets and word counts) must give an IC indistinguishable from zero (|mean| < 3 standard
errors). A malformed news file is refused before any run starts.
"""
import numpy as np
import pandas as pd
import pytest

from lstm_quant.altdata import news_features, simulate_news
from lstm_quant.core import ConfigError
from lstm_quant.data import simulate_market
from lstm_quant.ic import daily_ic
from lstm_quant.study import run_study, study_features
from lstm_quant.study_config import validate_config, StudyConfig

SMALL = dict(assets="", start="2015-01-01", end="2018-12-31", features="returns", seq_len=5, hidden=16, epochs=10, lr=0.005,
             batch_size=256, train_days=300, valid_days=60, test_days=60, n_folds=2, baselines="", top_k=2,
             min_fold_trades=0, patience=2)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("news")
    market = simulate_market(n_assets=10, n_days=800, seed=21, start="2015-01-02", signal_strength=0.0).data
    close = market["close"]
    nxt = np.log(close).diff().shift(-1)
    z = nxt.sub(nxt.mean(axis=1), axis=0).div(nxt.std(axis=1), axis=0)
    tone = (0.3 * z).clip(-1, 1).fillna(0.0)
    news = simulate_news(market.index, close.columns, items_per_day=3.0, tone=tone, seed=4)
    placebo = news.assign(text=news["text"].sample(frac=1.0, random_state=0).to_numpy())
    long = market.stack("asset", future_stack=True).reset_index()
    paths = dict(market=tmp / "market.parquet", news=tmp / "news.parquet", placebo=tmp / "placebo.csv")
    long.to_parquet(paths["market"])
    news.to_parquet(paths["news"])
    placebo.assign(time=placebo["time"].map(lambda t: t.isoformat())).to_csv(paths["placebo"], index=False)
    return paths, market, news


def _ic(result) -> pd.Series:
    return daily_ic(result.predictions[["prediction", "target"]])["ic"]


def test_study_finds_the_planted_news_and_not_the_placebo(files):
    paths, market, news = files
    res = run_study(dict(SMALL, dataset=str(paths["market"]), news=str(paths["news"])), echo=None)
    assert "news_score" in res.metrics["settings"]["features"]
    ic = _ic(res)
    # the planted level: the news score feature's own daily IC with the target on the same test dates
    nf = news_features(news, market.index, assets=list(market["close"].columns))
    score = nf["news_score"].stack().rename("prediction")
    planted = daily_ic(pd.concat([score.reindex(res.predictions.index), res.predictions["target"]], axis=1))["ic"]
    pla = run_study(dict(SMALL, dataset=str(paths["market"]), news=str(paths["placebo"])), echo=None)
    ic_p = _ic(pla)
    se_p = ic_p.std(ddof=1) / np.sqrt(len(ic_p))
    print(f"news study IC {ic.mean():.3f} over {len(ic)} test dates, planted {planted.mean():.3f}; "
          f"placebo {ic_p.mean():.3f} +- {se_p:.3f}")
    assert planted.mean() > 0.15, "the synthetic news should hold a clear planted relation"
    assert ic.mean() >= 0.5 * planted.mean()
    assert abs(ic_p.mean()) < 3 * se_p


def test_a_malformed_news_file_is_refused_before_the_run(files, tmp_path):
    paths, market, news = files
    bad = tmp_path / "naive.csv"
    news.assign(time=news["time"].dt.tz_localize(None).astype(str)).to_csv(bad, index=False)
    with pytest.raises(ConfigError, match="tz-aware"):
        validate_config(StudyConfig(**dict(SMALL, dataset=str(paths["market"]), news=str(bad))))
    with pytest.raises(ConfigError, match="not found"):
        validate_config(StudyConfig(**dict(SMALL, dataset=str(paths["market"]), news=str(tmp_path / "none.csv"))))


def test_the_fusion_model_fuses_the_news_in_a_study(files):
    paths, market, news = files
    res = run_study(dict(SMALL, dataset=str(paths["market"]), news=str(paths["news"]), model="fusion", n_heads=2),
                    echo=None)
    assert res.metrics["settings"]["model"]["n_exog"] == 6
    feats = res.metrics["settings"]["features"]
    assert feats[-6:] == ["news_score", "news_count", "news_decay", "news_mkt_score", "news_mkt_count", "news_mkt_decay"]
    ic = _ic(res)
    print(f"fusion with news: IC {ic.mean():.3f} over {len(ic)} test dates")
    assert ic.mean() > 3 * ic.std(ddof=1) / np.sqrt(len(ic))  # it finds the planted news relation too


def test_news_keeps_the_feature_attrs(files):
    "The news columns join the features without losing build_features' record (spec, skipped, timings) for metrics.json."
    paths, market, _ = files
    features, _ = study_features(market, StudyConfig(**dict(SMALL, dataset=str(paths["market"]), news=str(paths["news"]))))
    assert "news_score" in features.columns.unique("feature")
    assert {"spec", "skipped", "timings"} <= set(features.attrs)


def test_the_news_cutoff_keys_are_validated_and_passed_through(files):
    "news_close / news_tz reach news_features (an earlier close moves items to the next session); bad values are refused."
    paths, market, news = files
    base = dict(SMALL, dataset=str(paths["market"]), news=str(paths["news"]))
    for key, bad, msg in [("news_close", "4pm", "news_close"), ("news_close", "25:00", "HH:MM"), ("news_tz", "New York", "IANA")]:
        with pytest.raises(ConfigError, match=msg):
            validate_config(StudyConfig(**dict(base, **{key: bad})))
    assets = list(market["close"].columns)
    got, _ = study_features(market, StudyConfig(**dict(base, news_close="12:00", news_tz="Europe/London")))
    want = news_features(news, market.index, assets=assets, close_time="12:00", tz="Europe/London")
    pd.testing.assert_frame_equal(got["news_count"], want["news_count"], check_freq=False)
    default, _ = study_features(market, StudyConfig(**base))
    assert not got["news_count"].equals(default["news_count"])  # control: the keys do change the cutoff


def test_the_news_file_is_read_once(files, monkeypatch):
    "Validating a study and building its features read (and check) the news file once, not twice."
    import lstm_quant.altdata as altdata
    paths, market, _ = files
    altdata._read_news_cached.cache_clear()
    calls = []
    real = pd.read_parquet
    monkeypatch.setattr(altdata.pd, "read_parquet", lambda *a, **k: calls.append(a) or real(*a, **k))
    config = StudyConfig(**dict(SMALL, dataset=str(paths["market"]), news=str(paths["news"])))
    validate_config(config)
    study_features(market, config)
    assert len([c for c in calls if str(c[0]).endswith("news.parquet")]) == 1
