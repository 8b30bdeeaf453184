"An interrupted `lq study grid` resumes: a rerun runs only the missing points, and no file is left torn."
import json, os, signal, subprocess, time
from pathlib import Path

from lstm_quant.study import TMP_PREFIX, is_complete, load_grid, params_hash
from _lq import lq_command

GRID = """name: resume
preset: smoke
params: {n_folds: 1, test_days: 21, train_days: 126, valid_days: 21, seq_len: 5, baselines: reversal}
grid:
  seed: [0, 1, 2]
"""

def _log(grid_dir: Path) -> list[list[str]]:
    p = grid_dir / "grid.log"
    return [line.split() for line in p.read_text().splitlines()] if p.exists() else []

def _alive(pid: int) -> bool:
    try: os.kill(pid, 0)
    except ProcessLookupError: return False
    return True

def test_killed_grid_resumes(tmp_path, capsys, monkeypatch):
    (tmp_path / "g.yaml").write_text(GRID)
    hashes = [params_hash(p) for p in load_grid(str(tmp_path / "g.yaml"))["points"]]
    assert len(hashes) == 3
    grid_dir = tmp_path / "out" / "resume"
    cmd = lq_command() + ["study", "grid", str(tmp_path / "g.yaml"), "--workers", "2", "--output-root", str(tmp_path / "out")]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 240
    while not any(is_complete(grid_dir / h) for h in hashes):
        assert proc.poll() is None, proc.stdout.read().decode()
        assert time.time() < deadline, "no point finished in time"
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL); proc.wait(30)
    # the workers and their kernels die with the grid process (no orphan keeps writing)
    workers = {int(w[1].split("=")[1]) for w in _log(grid_dir) if w[2] == "start"}
    t = time.time()
    while any(_alive(pid) for pid in workers) and time.time() - t < 15: time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers)
    time.sleep(1.5)  # papermill kernels notice their parent is gone within ~1 s
    done_before = {h for h in hashes if is_complete(grid_dir / h)}
    assert 1 <= len(done_before) < 3
    mtimes = {h: (grid_dir / h / "metrics.json").stat().st_mtime_ns for h in done_before}
    n_lines = len(_log(grid_dir))

    res = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    monkeypatch.chdir(tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"{len(done_before)} already complete" in res.stdout
    second = _log(grid_dir)[n_lines:]
    assert {w[3] for w in second if w[2] == "start"} == set(hashes) - done_before
    assert {w[3] for w in second if w[2] == "done"} == set(hashes) - done_before
    for h in done_before: assert (grid_dir / h / "metrics.json").stat().st_mtime_ns == mtimes[h]
    for h in hashes:
        assert is_complete(grid_dir / h)
        m = json.loads((grid_dir / h / "metrics.json").read_text())
        assert m["complete"] and m["params"]["n_trials"] == 3 and params_hash(m["params"]) == h
    assert not [p for p in grid_dir.rglob(TMP_PREFIX + "*")]
    assert json.loads((grid_dir / "grid.json").read_text())["n_trials"] == 3
    # a third run has nothing to do (in this process: the same `lq` entry point, without an interpreter's start-up)
    from lstm_quant.cli import main
    capsys.readouterr()
    assert main(cmd[len(lq_command()):]) == 0 and "3 already complete" in capsys.readouterr().out
    assert main(["report", str(grid_dir)]) == 0
    assert len([l for l in capsys.readouterr().out.splitlines() if any(h in l for h in hashes)]) == 3
