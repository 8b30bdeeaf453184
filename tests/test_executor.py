"""The executor (07b0): a study's seeds and a grid's points give bit-identical numbers through one local worker, two
local workers and Ray; a Ray grid survives a killed worker and a killed driver, and its rerun finishes only the missing
points. The Ray tests start a local Ray with 2 CPUs and are skipped only when the `ray` extra is not installed."""
import json, os, signal, subprocess, time
from pathlib import Path

import pandas as pd
import pytest

from lstm_quant.executor import ray_available
from lstm_quant.study import TMP_PREFIX, is_complete, load_grid, params_hash, resolve_params, run_grid, run_study
from _lq import lq_command

SMALL = dict(dataset="sim", n_folds=1, test_days=21, train_days=126, valid_days=21, seq_len=5, baselines="reversal")
GRID = ("name: eng\npreset: smoke\nparams: {dataset: sim, n_folds: 1, test_days: 21, train_days: 126, valid_days: 21, "
        "seq_len: 5, baselines: reversal}\ngrid:\n  seed: [0, 1]\n")
TIMING = ("seconds", "train_seconds")  # wall-clock fields of the fold table: the only numbers allowed to differ
_quiet = lambda *a, **k: None
NO_RAY = "the ray extra is not installed (pip install lstm_quant[ray]); the local engine is tested above"


def _numbers(m: dict) -> str:
    "A run's metrics without its timing and its directory, as canonical JSON (NaN compares equal to NaN)."
    m = {k: v for k, v in m.items() if k != "run"}
    m["folds_detail"] = [{k: v for k, v in f.items() if k not in TIMING} for f in m.get("folds_detail", [])]
    m["params"] = {k: v for k, v in m["params"].items() if k != "output_dir"}
    return json.dumps(m, sort_keys=True)


def _grid_outputs(root: Path) -> dict:
    "point -> (metrics numbers, predictions frame) of the finished grid under root/eng."
    out = {}
    for p in load_grid(GRID)["points"]:
        d = root / "eng" / params_hash(p)
        assert is_complete(d), d
        out[params_hash(p)] = (_numbers(json.loads((d / "metrics.json").read_text())), pd.read_parquet(d / "predictions.parquet"))
    return out


def _same(a: dict, b: dict):
    assert a.keys() == b.keys()
    for h in a:
        assert a[h][0] == b[h][0], f"point {h}: metrics differ"
        pd.testing.assert_frame_equal(a[h][1], b[h][1], check_exact=True)


@pytest.fixture(scope="module")
def seeds_reference():
    "The study with 2 seeds trained one after another in this process (today's behaviour)."
    return run_study(resolve_params("smoke", {**SMALL, "n_seeds": 2}), echo=None)


@pytest.fixture(scope="module")
def grid_reference(tmp_path_factory):
    "The 2-point grid run by one local worker (in this process)."
    root = tmp_path_factory.mktemp("grid-one")
    res = run_grid(GRID, output_root=root, workers=1, echo=_quiet)
    assert list(res["status"]) == ["done", "done"]
    return _grid_outputs(root)


def test_seeds_same_with_two_local_workers(seeds_reference, tmp_path):
    b = run_study(resolve_params("smoke", {**SMALL, "n_seeds": 2}), output_dir=tmp_path / "b", echo=print, workers=2)
    pd.testing.assert_frame_equal(seeds_reference.predictions, b.predictions, check_exact=True)
    assert _numbers(seeds_reference.metrics) == _numbers(b.metrics)
    logs = sorted((tmp_path / "b" / "logs").glob("*.log"))
    assert [p.name for p in logs] == ["seed_0.log", "seed_1.log"]  # each seed's fold lines went to its own log
    assert "seed 1 fold 0" in logs[1].read_text() and "done seed 1" in logs[1].read_text()


def test_grid_same_with_two_local_workers(grid_reference, tmp_path):
    res = run_grid(GRID, output_root=tmp_path, workers=2, echo=_quiet)
    assert list(res["status"]) == ["done", "done"]
    _same(grid_reference, _grid_outputs(tmp_path))
    for h in res.index:  # one log file per point, with its start and done lines
        text = (tmp_path / "eng" / "logs" / f"{h}.log").read_text()
        assert f"start {h}" in text and f"done {h}" in text
    again = run_grid(GRID, output_root=tmp_path, workers=2, echo=_quiet)  # nothing left to do
    assert list(again["status"]) == ["skipped", "skipped"]


@pytest.fixture(scope="module")
def local_ray():
    "A local Ray with 2 CPUs shared by the Ray tests (the executor joins it and leaves it running)."
    if not ray_available(): pytest.skip(NO_RAY)
    import logging, ray
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR,
             object_store_memory=256 * 1024**2)
    yield ray
    ray.shutdown()


def test_ray_same_numbers(local_ray, seeds_reference, grid_reference, tmp_path):
    b = run_study(resolve_params("smoke", {**SMALL, "n_seeds": 2}), echo=None, workers=2, engine="ray")
    pd.testing.assert_frame_equal(seeds_reference.predictions, b.predictions, check_exact=True)
    assert _numbers(seeds_reference.metrics) == _numbers(b.metrics)
    res = run_grid(GRID, output_root=tmp_path, workers=2, engine="ray", echo=_quiet)
    assert list(res["status"]) == ["done", "done"]
    _same(grid_reference, _grid_outputs(tmp_path))
    assert local_ray.is_initialized()  # a Ray the executor joined is left running


def _log(grid_dir: Path) -> list[list[str]]:
    p = grid_dir / "grid.log"
    return [line.split() for line in p.read_text().splitlines()] if p.exists() else []


def _wait(cond, proc, seconds: float, what: str):
    deadline = time.time() + seconds
    while not cond():
        assert proc.poll() is None, f"the grid ended before {what}: " + proc.stdout.read().decode()[-3000:]
        assert time.time() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.mark.skipif(not ray_available(), reason=NO_RAY)
def test_ray_grid_survives_killed_worker_and_driver(tmp_path):
    grid = GRID.replace("seed: [0, 1]", "seed: [0, 1, 2]")
    (tmp_path / "g.yaml").write_text(grid)
    hashes = [params_hash(p) for p in load_grid(str(tmp_path / "g.yaml"))["points"]]
    grid_dir = tmp_path / "out" / "eng"
    cmd = lq_command() + ["study", "grid", str(tmp_path / "g.yaml"), "--engine", "ray", "--workers", "2",
                          "--output-root", str(tmp_path / "out")]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait(lambda: any(w[2] == "start" for w in _log(grid_dir)), proc, 240, "a point to start")
        first = next(w for w in _log(grid_dir) if w[2] == "start")
        os.kill(int(first[1].split("=")[1]), signal.SIGKILL)  # a Ray worker dies mid-point: Ray retries its task
        _wait(lambda: any(is_complete(grid_dir / h) for h in hashes), proc, 300, "a point to finish")
        proc.send_signal(signal.SIGKILL); proc.wait(30)  # then the driver dies
    finally:
        if proc.poll() is None: proc.kill()
    time.sleep(3)  # the local Ray and its workers share the driver's fate; kernels notice within ~1 s
    starts = [w[3] for w in _log(grid_dir) if w[2] == "start"]
    done_before = {h for h in hashes if is_complete(grid_dir / h)}
    assert 1 <= len(done_before) < 3  # the driver died mid-grid: something is left for the rerun
    mtimes = {h: (grid_dir / h / "metrics.json").stat().st_mtime_ns for h in done_before}
    n_lines = len(_log(grid_dir))
    res = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=420)
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"{len(done_before)} already complete" in res.stdout
    second = _log(grid_dir)[n_lines:]
    assert {w[3] for w in second if w[2] == "start"} == set(hashes) - done_before  # only the missing points ran
    for h in done_before: assert (grid_dir / h / "metrics.json").stat().st_mtime_ns == mtimes[h]
    for h in hashes: assert is_complete(grid_dir / h)
    assert not [p for p in grid_dir.rglob(TMP_PREFIX + "*")]  # no torn file anywhere
    assert first[3] in starts[1:] or first[3] in {w[3] for w in second if w[2] == "start"}  # the killed point ran again


class _FakeRay:
    "A stand-in for the `ray` module: records what each `ray.remote` declares and runs the tasks in this process."
    def __init__(self): self.options = []
    def is_initialized(self): return True
    def remote(self, **options):
        self.options.append(options)
        return lambda fn: type("Task", (), {"remote": staticmethod(lambda *a: _Ref(fn(*a)))})
    def wait(self, refs, num_returns=1): return refs[:num_returns], refs[num_returns:]
    def get(self, ref): return ref.value


class _Ref:
    def __init__(self, value): self.value = value


def test_gpu_request_reaches_ray(tmp_path, monkeypatch):
    "`lq study grid --engine ray --gpus-per-unit G`: every point's Ray task declares G GPUs and one CPU (no GPU needed)."
    import lstm_quant.executor as executor, lstm_quant.runs as runs
    from lstm_quant.cli import main
    fake, ran = _FakeRay(), []
    monkeypatch.setattr(executor, "_import_ray", lambda: fake)
    monkeypatch.setattr(runs, "run_grid_point", lambda params, run_dir, log_path=None: ran.append(run_dir) or "done")
    (tmp_path / "g.yaml").write_text(GRID)
    args = ["study", "grid", str(tmp_path / "g.yaml"), "--engine", "ray", "--address", "auto", "--workers", "2",
            "--output-root", str(tmp_path / "out")]
    assert main(args + ["--gpus-per-unit", "0.5"]) == 0 and len(ran) == 2
    assert fake.options == [dict(num_cpus=1, num_gpus=0.5, max_retries=3)]
    assert main(args) == 0 and fake.options[-1]["num_gpus"] == 0  # the control: no request, no GPU declared
