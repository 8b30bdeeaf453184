"""`lq tune` end to end on a tiny simulated study: the search runs on the inner folds before the study's first test
date, the selected configuration runs as a normal study that knows how many trials were behind it, a rerun adds only
the missing trials, and the leaderboard lists every trial."""
import json, subprocess
from pathlib import Path

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


def test_lq_tune_counts_trials_and_resumes(tmp_path):
    pytest.importorskip("optuna", reason="the tune extra is not installed (pip install lstm_quant[tune])")
    (tmp_path / "space.yaml").write_text(SPACE)
    cmd = lq_command() + ["tune", str(tmp_path / "space.yaml"), "--output-root", str(tmp_path / "out")]
    res = subprocess.run(cmd + ["--trials", "2"], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    out = tmp_path / "out" / "tiny"
    s = json.loads((out / "tune.json").read_text())
    assert s["n_trials"] == 2 and "DSR" in res.stdout
    board = pd.read_csv(out / "leaderboard.csv")
    assert len(board) == 2 and set(board["state"]) == {"COMPLETE"}
    assert pd.Timestamp(s["oos"]["start"]) >= pd.Timestamp(s["cutoff"])  # the selection never saw the test period
    m = json.loads((out / "selected" / "metrics.json").read_text())
    assert m["params"]["n_trials"] == 2  # the selected study's own DSR counts the trials
    assert m["params"]["hidden"] == s["best_params"]["hidden"] and 0.0 <= s["dsr"] <= 1.0
    # a rerun asking for one more trial runs only that one
    res = subprocess.run(cmd + ["--trials", "3"], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    board2 = pd.read_csv(out / "leaderboard.csv")
    assert len(board2) == 3
    pd.testing.assert_frame_equal(board.sort_values("trial").drop(columns="seconds").reset_index(drop=True),
                                  board2[board2["trial"] < 2].sort_values("trial").drop(columns="seconds").reset_index(drop=True))
    assert json.loads((out / "tune.json").read_text())["n_trials"] == 3
    bad = subprocess.run(lq_command() + ["tune", str(tmp_path / "space.yaml"), "--trials", "1", "--engine", "rey"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "Did you mean 'ray'" in bad.stderr


def test_example_space_loads_and_fits_its_inner_folds():
    "examples/space.yaml (the README's `lq tune` example) parses, and its inner folds fit before the first test date."
    from lstm_quant.study import StudyConfig, resolve_params
    from lstm_quant.tune import load_space
    spec = load_space(str(Path(__file__).resolve().parents[1] / "examples" / "space.yaml"))
    base = StudyConfig(**resolve_params(spec["preset"], spec["params"]))
    years = (pd.Timestamp(base.end) - pd.Timestamp(base.start)).days / 365.25
    need = (base.train_days + (spec["inner_folds"] + base.n_folds) * base.test_days + base.seq_len) / 252
    assert need < years, (need, years)
