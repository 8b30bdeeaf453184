"""`run_walk_forward` with a cache folder survives `kill -9`: finished folds are skipped, the result is identical to an
uninterrupted run, and no partial or corrupt file is left behind."""
import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from lstm_quant.data import TMP_PREFIX

ROOT = Path(__file__).resolve().parents[1]

SETUP = textwrap.dedent("""
    from lstm_quant.data import simulate_market
    from lstm_quant.features import FeatureSpec, build_features
    sim = simulate_market(n_assets=5, n_days=800, seed=3, signal_strength=0.4)
    feats = build_features(sim.data, FeatureSpec(families=("returns",)))
    KW = dict(features=feats, splits=dict(train_size=200, test_size=60, embargo=2), seq_len=8,
              model=dict(name="lstm", hidden=8),
              train=dict(epochs=3, batch_size=128, patience=2, progress=False, num_threads=1),
              warm_start_epochs=2, baselines=("ridge", "momentum"), seed=0)
""")

CHILD = SETUP + textwrap.dedent("""
    import sys, time
    from lstm_quant.validation import run_walk_forward
    def slow(fold, row):
        print(f"fold {fold} done", flush=True)
        time.sleep(2.0)  # leave the parent time to kill us between folds
    run_walk_forward(sim.data, cache_dir=sys.argv[1], on_fold_end=slow, **KW)
    print("finished", flush=True)
""")


def _setup():
    ns = {}
    exec(SETUP, ns)
    return ns["sim"], ns["KW"]


def _entries(cache: Path) -> dict:
    for m in cache.glob("wf-*/manifest.json"):
        return json.loads(m.read_text())["entries"]
    return {}


def _assert_clean(cache: Path):
    folder = next(cache.glob("wf-*"))
    assert not [p.name for p in folder.iterdir() if p.name.startswith(TMP_PREFIX)], "temporary files left behind"
    man = json.loads((folder / "manifest.json").read_text())
    for name, e in man["entries"].items():
        files = [e["predictions"]] + ([e["state"]] if e["state"] else [])
        assert [hashlib.sha256((folder / f).read_bytes()).hexdigest() for f in files] == e["sha256"], name


def test_resume_after_sigkill(tmp_path):
    from lstm_quant.validation import run_walk_forward
    t0 = time.perf_counter()
    sim, kw = _setup()
    reference = run_walk_forward(sim.data, **kw)  # uninterrupted, no cache
    n_folds = len(reference.folds)
    assert n_folds >= 4

    cache = tmp_path / "cache"
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, str(script), str(cache)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 40
        while time.time() < deadline and "model_fold000" not in _entries(cache):
            assert proc.poll() is None, f"child exited early: {proc.stdout.read()}"
            time.sleep(0.05)
        assert "model_fold000" in _entries(cache), "the first fold never finished"
        os.kill(proc.pid, signal.SIGKILL)  # kill -9, mid-run
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    done = sorted(k for k in _entries(cache) if k.startswith("model_fold"))
    assert 1 <= len(done) < n_folds, done
    folder = next(cache.glob("wf-*"))
    (folder / f"{TMP_PREFIX}model_fold{len(done):03d}.parquet.x1y2z3").write_bytes(b"half a file")  # as if killed mid-write

    resumed = run_walk_forward(sim.data, cache_dir=cache, **kw)
    from_cache = resumed.folds["from_cache"].tolist()
    assert from_cache == [True] * len(done) + [False] * (n_folds - len(done))
    events = json.loads((folder / "manifest.json").read_text())["events"]
    assert {e["entry"] for e in events if e["action"] == "loaded"} >= set(done)
    pd.testing.assert_frame_equal(resumed.predictions, reference.predictions, check_exact=True)
    for b in reference.baselines:
        pd.testing.assert_frame_equal(resumed.baselines[b], reference.baselines[b], check_exact=True)
    _assert_clean(cache)

    # a corrupt (e.g. truncated) fold file is detected by its checksum and recomputed
    victim = folder / "model_fold001.parquet"
    victim.write_bytes(victim.read_bytes()[:100])
    again = run_walk_forward(sim.data, cache_dir=cache, **kw)
    assert again.folds["from_cache"].tolist() == [True] + [False] + [True] * (n_folds - 2)
    pd.testing.assert_frame_equal(again.predictions, reference.predictions, check_exact=True)
    _assert_clean(cache)
    assert time.perf_counter() - t0 < 60
