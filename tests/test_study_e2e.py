"End to end: `lq study run` executes the study notebook with papermill into a run directory with valid outputs."
import json, subprocess
from pathlib import Path

import pandas as pd

from lstm_quant.study import NOTEBOOK_NAME, TMP_PREFIX, is_complete, resolve_params
from _lq import lq_command

def _strict_json(path: Path):
    def bad(c): raise ValueError(f"non-strict JSON constant {c} in {path}")
    return json.loads(path.read_text(), parse_constant=bad)

def test_lq_study_run_smoke(tmp_path):
    # -p reaches the notebook (papermill's parameters tag survives nbdev-clean): a changed test block length shows up
    cmd = lq_command() + ["study", "run", "--preset", "smoke", "-p", "test_days=42", "-p", "cost_bps=10",
                          "--name", "e2e", "--output-root", str(tmp_path)]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    runs = list((tmp_path / "e2e").iterdir())
    assert len(runs) == 1
    d = runs[0]
    assert f"report: {d / 'report.html'}" in res.stdout and "Sharpe net" in res.stdout and "Bottom line" in res.stdout
    assert is_complete(d)
    files = {str(p.relative_to(d)) for p in d.rglob("*") if p.is_file()}
    for f in ("params.json", "predictions.parquet", "returns.parquet", "metrics.json", "report.html", NOTEBOOK_NAME,
              "figures/tearsheet.png", "figures/strategies.png", "figures/ic.png", "figures/splits.png"):
        assert f in files, (f, sorted(files))
    assert not [f for f in files if Path(f).name.startswith(TMP_PREFIX)]
    expected = {**resolve_params("smoke", {"test_days": 42, "cost_bps": 10}), "output_dir": str(d.resolve())}
    assert _strict_json(d / "params.json") == expected
    m = _strict_json(d / "metrics.json")
    assert m["complete"] is True and m["params"] == expected
    assert {s["n_test"] for s in m["folds"]} == {42}
    assert {"model", "momentum", "reversal"} <= set(m["strategies"])
    assert m["verdict"].startswith("Out of sample") and "survivors" in m["verdict"]
    for k in ("ic", "icir", "sharpe_net", "max_drawdown", "dsr"): assert k in m["summary"]
    pred = pd.read_parquet(d / "predictions.parquet")
    assert list(pred.index.names) == ["date", "asset"] and pred["prediction"].notna().all()
    assert {"prediction", "target", "fold", "momentum", "reversal"} <= set(pred.columns)
    assert pred.index.get_level_values("date").nunique() == 2 * 42
    ret = pd.read_parquet(d / "returns.parquet")
    assert {"model_gross", "model_net"} <= set(ret.columns)
    for png in d.glob("figures/*.png"): assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Verdict" in (d / "report.html").read_text()
    nb = json.loads((d / NOTEBOOK_NAME).read_text())
    assert any("injected-parameters" in c.get("metadata", {}).get("tags", []) for c in nb["cells"])
    assert not [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
