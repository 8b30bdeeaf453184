"The `lq` command line: clear errors for bad parameters, names and grid files; datasets; the leaderboard."
import json, subprocess
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lstm_quant.cli import main
from lstm_quant.core import ConfigError, PERIODS_PER_YEAR
from lstm_quant.models import MODELS
from lstm_quant.study import (StudyConfig, PRESETS, leaderboard, load_grid, resolve_params, run_study_notebook,
                              write_json_atomic, params_hash)
from _lq import lq_command

ROOT = Path(__file__).resolve().parents[1]

def run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err

@pytest.mark.parametrize("override,words", [
    ("epoch=3", ["unknown parameter 'epoch'", "Did you mean 'epochs'", "seq_len"]),
    ("modle=lstm", ["unknown parameter 'modle'", "Did you mean 'model'"]),
    ("model=lsmt", ["unknown model 'lsmt'", "Did you mean 'lstm'"] + list(MODELS)),
    ("loss=msee", ["unknown loss 'msee'", "'mse'"]),
    ("dataset=sp500", ["unknown dataset 'sp500'", "sp500_20", "us_indices"]),
    ("epochs=three", ["'epochs' must be int", "'three'"]),
    ("warm_start=perhaps", ["'warm_start' must be bool"]),
    ("dropout=1.5", ["'dropout'", "must be a finite number in [0.0, 1.0)"]),
    ("baselines=momentum,ridgee", ["unknown baseline 'ridgee'", "'ridge'"]),
])
def test_study_run_rejects_bad_parameters(capsys, tmp_path, override, words):
    rc, out, err = run(capsys, "study", "run", "--preset", "smoke", "-p", override, "--output-root", str(tmp_path))
    assert rc == 2
    assert err.startswith("error: ") and "Traceback" not in err
    for w in words: assert w in err, (w, err)
    assert not any(tmp_path.iterdir()), "nothing may be created before the parameters are valid"

def test_unknown_preset_and_malformed_override(capsys, tmp_path):
    rc, _, err = run(capsys, "study", "run", "--preset", "quik", "--output-root", str(tmp_path))
    assert rc == 2 and "unknown preset 'quik'" in err and "Did you mean 'quick'" in err
    rc, _, err = run(capsys, "study", "run", "-p", "epochs", "--output-root", str(tmp_path))
    assert rc == 2 and "key=value" in err

def test_unknown_asset_is_a_config_error():
    from lstm_quant.study import load_study_data
    with pytest.raises(ConfigError, match="unknown asset of sp500_20 'APPL'.*Did you mean 'AAPL'"):
        load_study_data(StudyConfig(assets="APPL,MSFT,KO"))

@pytest.mark.parametrize("text,words", [
    ("grid:\n  model: [lstm, attn_lstm\n  loss: mse\n", ["bad YAML", "line"]),
    ("- a\n- list\n", ["mapping"]),
    ("grid: {}\n", ["non-empty 'grid:'"]),
    ("grid:\n  modle: [lstm]\n", ["unknown parameter 'modle'", "Did you mean 'model'"]),
    ("grid:\n  model: [lstm, lsmt]\n", ["unknown model 'lsmt'"]),
    ("grid:\n  model: []\n", ["empty list"]),
    ("gird:\n  model: [lstm]\n", ["unknown grid key 'gird'", "Did you mean 'grid'"]),
    ("grid:\n  n_trials: [1, 2]\n", ["n_trials is set by the grid"]),
    ("preset: smoke\nparams: {epochs: many}\ngrid:\n  seed: [0, 1]\n", ["'epochs' must be int"]),
])
def test_grid_file_errors(capsys, tmp_path, text, words):
    f = tmp_path / "g.yaml"; f.write_text(text)
    rc, out, err = run(capsys, "study", "grid", str(f), "--output-root", str(tmp_path / "out"))
    assert rc == 2, (out, err)
    for w in words: assert w in err, (w, err)
    assert "g.yaml" in err or "bad YAML" not in words[0]
    assert not (tmp_path / "out").exists()

def test_grid_expansion_and_trial_count():
    spec = load_grid("preset: smoke\nparams: {epochs: 2}\ngrid:\n  model: [lstm, attn_lstm]\n  seq_len: [5, 10, 20]\n")
    pts = spec["points"]
    assert len(pts) == 6 and all(p["n_trials"] == 6 and p["epochs"] == 2 for p in pts)
    assert {(p["model"], p["seq_len"]) for p in pts} == {(m, s) for m in ("lstm", "attn_lstm") for s in (5, 10, 20)}
    # the point's identity ignores where it runs and how many trials surround it
    assert params_hash(pts[0]) == params_hash({**pts[0], "n_trials": 99, "output_dir": "/elsewhere"})
    assert len({params_hash(p) for p in pts}) == 6

def test_datasets_command_via_console_script():
    res = subprocess.run(lq_command() + ["datasets"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    for name in ("sp500_20", "us_indices", "factor_etfs", "survivorship"): assert name in res.stdout

def test_study_params_command(capsys):
    rc, out, _ = run(capsys, "study", "params", "--preset", "full")
    assert rc == 0
    for f in asdict(StudyConfig()): assert f in out

def test_parameters_cell_matches_study_config():
    "The notebook's parameters cell declares exactly StudyConfig's fields, with the same defaults."
    nb = json.loads((ROOT / "nbs" / "07d_study.ipynb").read_text())
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1
    ns = {}
    exec("".join(cells[0]["source"]), ns)
    declared = {k: v for k, v in ns.items() if not k.startswith("__")}
    assert declared == asdict(StudyConfig())
    cli = json.loads((ROOT / "nbs" / "07f_cli.ipynb").read_text())
    assert sum("parameters" in c.get("metadata", {}).get("tags", []) for c in cli["cells"]) == 1

def test_presets_resolve_and_quick_is_sp500():
    for name in PRESETS: resolve_params(name)
    q = resolve_params("quick")
    assert q["dataset"] == "sp500_20" and q["n_layers"] == 1 and q["warm_start"]

def test_papermill_output_never_into_nbs():
    with pytest.raises(ConfigError, match="inside"):
        run_study_notebook(resolve_params("smoke"), ROOT / "nbs" / "runs")
    assert not (ROOT / "nbs" / "runs").exists()

def _fake_run(d: Path, model: str, sharpe_daily: float, seed: int):
    d.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    r = pd.Series(rng.normal(sharpe_daily * 0.01, 0.01, 500), index=pd.bdate_range("2020-01-01", periods=500, name="date"))
    pd.DataFrame({"model_net": r}).to_parquet(d / "returns.parquet")
    params = {**resolve_params("smoke"), "model": model}
    sr = r.mean() / r.std() * np.sqrt(PERIODS_PER_YEAR)
    write_json_atomic(dict(complete=True, params=params, summary=dict(ic=0.01, icir=0.1, sharpe_net=sr, max_drawdown=-0.1,
                                                                     dsr=0.5)), d / "metrics.json")
    (d / "study.ipynb").write_text("{}")

def test_report_leaderboard(capsys, tmp_path):
    _fake_run(tmp_path / "g" / "a", "lstm", 0.02, 0)
    _fake_run(tmp_path / "g" / "b", "attn_lstm", 0.15, 1)
    (tmp_path / "g" / "c").mkdir()  # an unfinished run: no metrics.json
    (tmp_path / "g" / "c" / "metrics.json").write_text('{"complete": tr')  # a torn file is ignored, not fatal
    board = leaderboard(tmp_path / "g")
    assert list(board["run"]) == ["b", "a"] and list(board["model"]) == ["attn_lstm", "lstm"]
    assert board["dsr_board"].between(0, 1).all() and board["dsr_board"].iloc[0] > board["dsr_board"].iloc[1]
    rc, out, _ = run(capsys, "report", str(tmp_path / "g"))
    assert rc == 0 and "attn_lstm" in out and "dsr_board" in out
    rc, _, err = run(capsys, "report", str(tmp_path / "g"), "--sort", "sharp")
    assert rc == 2 and "Did you mean 'sharpe_net'" in err
    rc, _, err = run(capsys, "report", str(tmp_path / "empty"))
    assert rc == 2 and "no such directory" in err
