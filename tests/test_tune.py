"""`lq tune` end to end on a tiny simulated study: the search runs on the inner folds before the study's first test
date, the selected configuration runs as a normal study that knows how many trials were behind it, a rerun adds only
the missing trials, and the leaderboard lists every trial."""
import json, subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from _lq import lq_command

SPACE = """name: tiny
preset: smoke
params: {dataset: sim, n_folds: 1, test_days: 21, train_days: 126, valid_days: 21, seq_len: 5, baselines: reversal}
inner_folds: 1
space:
  hidden: {int: [4, 12]}
  lr: {float: [0.0005, 0.01], log: true}
"""


def test_lq_tune_counts_trials_and_resumes(tmp_path, capsys):
    pytest.importorskip("optuna", reason="the tune extra is not installed (pip install lstm_quant[tune])")
    (tmp_path / "space.yaml").write_text(SPACE)
    cmd = lq_command() + ["tune", str(tmp_path / "space.yaml"), "--output-root", str(tmp_path / "out")]
    res = subprocess.run(cmd + ["--trials", "2"], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    out = tmp_path / "out" / "tiny"
    s = json.loads((out / "tune.json").read_text())
    assert s["n_trials"] == 2 and s["n_folds"] == 1 and "DSR" in res.stdout
    board = pd.read_csv(out / "leaderboard.csv")
    assert len(board) == 2 and set(board["state"]) == {"COMPLETE"}
    oos = pd.read_csv(out / "oos_returns.csv", index_col=0, parse_dates=True)["model_net"]
    assert len(oos) == 21 and str(oos.index.min().date()) == s["folds"][0]["start"][:10]  # the one outer fold, traded
    assert s["best_params"]["hidden"] == s["folds"][0]["hidden"] and 0.0 <= s["dsr"] <= 1.0
    # a rerun asking for one more trial runs only that one
    res = subprocess.run(cmd + ["--trials", "3"], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    board2 = pd.read_csv(out / "leaderboard.csv")
    assert len(board2) == 3
    pd.testing.assert_frame_equal(board.sort_values("trial").drop(columns="seconds").reset_index(drop=True),
                                  board2[board2["trial"] < 2].sort_values("trial").drop(columns="seconds").reset_index(drop=True))
    assert json.loads((out / "tune.json").read_text())["n_trials"] == 3
    from lstm_quant.cli import main  # a bad engine: in this process, without an interpreter's start-up
    assert main(["tune", str(tmp_path / "space.yaml"), "--trials", "1", "--engine", "rey"]) == 2
    assert "Did you mean 'ray'" in capsys.readouterr().err


class _Seen:
    "A stand-in for the study objective: records the last market date each trial was given, returns noise."
    def __init__(self): self.last = []
    def __call__(self, market, params):
        self.last.append(market.index.max())
        rng = np.random.default_rng(len(self.last))
        return pd.Series(rng.normal(0, 0.01, 30), index=market.index[-30:])


def test_each_fold_selects_on_the_data_before_it(tmp_path, monkeypatch):
    """Per outer fold, the trials' inputs end on the last market day before that fold's first test date (not on a
    later day: no lookahead; and not all before the first fold: the control that the selection is per fold)."""
    pytest.importorskip("optuna", reason="the tune extra is not installed (pip install lstm_quant[tune])")
    from lstm_quant import tune
    seen = _Seen()
    monkeypatch.setattr(tune, "study_objective", seen)
    monkeypatch.setattr(tune, "study_fold", lambda market, params, start, end: market["close"].pct_change().mean(axis=1).loc[start:end])
    res = tune.tune_study(SPACE.replace("n_folds: 1", "n_folds: 2"), n_trials=2, out_dir=tmp_path, echo=None)
    market, periods = tune.outer_periods(tune.StudyConfig(**tune.resolve_params("smoke", tune.load_space(SPACE)["params"]
                                                                                  | {"n_folds": 2})))
    assert len(periods) == 2 and len(seen.last) == 4
    before = [market.index[market.index < start][-1] for start, _ in periods]
    assert seen.last == [before[0]] * 2 + [before[1]] * 2
    assert before[1] >= periods[0][0]  # fold 1's selection saw fold 0's test period: a selection per fold
    assert res["summary"]["n_trials"] == 4 and len(res["search"].returns) == 2 * 21
    # resuming the search with another fixed configuration is refused: its trials were judged on something else
    from lstm_quant.core import ConfigError
    with pytest.raises(ConfigError, match="base_hash: stored"):
        tune.tune_study(SPACE.replace("n_folds: 1", "n_folds: 2").replace("hidden: {int: [4, 12]}", "hidden: {int: [4, 12]}\n  dropout: [0.0]")
                        .replace("seq_len: 5", "seq_len: 6"), n_trials=2, out_dir=tmp_path, echo=None)


def test_bad_space_fails_before_any_trial(tmp_path, monkeypatch):
    pytest.importorskip("optuna", reason="the tune extra is not installed (pip install lstm_quant[tune])")
    from lstm_quant import tune
    from lstm_quant.core import ConfigError
    seen = _Seen()
    monkeypatch.setattr(tune, "study_objective", seen)
    for bad, msg in (("  hiden: [4, 8]\n", "Did you mean 'hidden'"), ("  model: [lstm, lstmm]\n", "lstmm")):
        with pytest.raises(ConfigError, match=msg):
            tune.tune_study(SPACE + bad, n_trials=2, out_dir=tmp_path, echo=None)
    assert seen.last == [] and not (tmp_path / "tune.db").exists()


def test_example_space_loads_and_fits_its_inner_folds():
    "examples/space.yaml (the README's `lq tune` example) parses, and its inner folds fit before the first test date."
    from lstm_quant.study import StudyConfig, resolve_params
    from lstm_quant.tune import load_space
    spec = load_space(str(Path(__file__).resolve().parents[1] / "examples" / "space.yaml"))
    base = StudyConfig(**resolve_params(spec["preset"], spec["params"]))
    years = (pd.Timestamp(base.end) - pd.Timestamp(base.start)).days / 365.25
    need = (base.train_days + (spec["inner_folds"] + base.n_folds) * base.test_days + base.seq_len) / 252
    assert need < years, (need, years)
