"""The presets are coherent on the real data without training anything: parameters validate, the data load,
the features build, and the walk-forward schedule is what the preset promises (the training path is the one the
quick preset and the end-to-end tests run)."""
import pandas as pd
import pytest

from lstm_quant.features import make_windows
from lstm_quant.study import StudyConfig, load_study_data, resolve_params, study_features, study_splits


@pytest.mark.parametrize("preset, min_folds, min_years", [("quick", 4, 4), ("full", 80, 25)])
def test_preset_schedule(preset, min_folds, min_years):
    config = StudyConfig(**resolve_params(preset, {}))
    market, _ = load_study_data(config)
    features, target = study_features(market, config)
    ds = make_windows(features, target, config.seq_len, horizon=config.horizon)
    splits = study_splits(ds, config)
    assert len(splits) >= min_folds
    first, last = splits[0].test[0], splits[-1].test[-1]
    assert (last - first) / pd.Timedelta(days=365.25) >= min_years - 0.1
    for a, b in zip(splits, splits[1:]):  # test blocks tile forward in time, each trained strictly before it
        assert a.test[-1] < b.test[0] and b.train[-1] < b.test[0]
