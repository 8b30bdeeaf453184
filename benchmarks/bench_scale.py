"""Benchmark of the pipeline's cost as the universe grows (issue 13).

    .venv/bin/python benchmarks/bench_scale.py [--sizes 20,100,505] [--no-study] [--repeat 3] [--old ../old-checkout]
                                               [--json docs/results/bench_scale.json]

On the real S&P 500 panel (`../shared/data/sp500_daily_ohlcv_2013_2018.parquet`, 505 stocks x 1,259 dates; skipped
cleanly when absent), at each size (the first n tickers in alphabetical order):
1. build_features with the default spec: wall and CPU seconds, peak RSS of the process (VmHWM) above its size once
   the panel is loaded, and the output frame's size;
2. a quick-sized one-seed study (`run_study`, preset quick with the windows shortened to fit 5 years: 2 folds, 1 seed)
   on the same tickers: wall seconds and peak RSS;
3. at 100 assets, the cross-asset matrix features old (`_reference_cross_asset`: dates x N x N tensor) vs new
   (`_cross_asset`) side by side: time and peak RSS.
4. a projection of time and memory to 3,000 assets x 20 years from the measured scaling (`projection`).
With `--old DIR` (a checkout of the code before a change, e.g. `git worktree add --detach /tmp/old main`) step 1 also
runs with that checkout's lstm_quant, interleaved with the new code, and prints both side by side with the ratio of the
fastest runs; `--repeat k` runs each features measurement k times (min and max printed: the machine may be shared).
Every measurement runs in its own subprocess, one thread (OMP/MKL/torch), so each peak is its own. Ratios between
sizes show how cost grows with the universe. Machine load matters for wall times: the load average is printed.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

PANEL = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "sp500_daily_ohlcv_2013_2018.parquet"
ENV = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")


def _rss_mb(field="VmHWM"):
    for line in open("/proc/self/status"):
        if line.startswith(field): return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f: f.write("5")  # VmHWM := current RSS
    except OSError: pass


def _panel(n):
    import pandas as pd
    df = pd.read_parquet(PANEL)
    wide = df.pivot(index="date", columns="asset")[["open", "high", "low", "close", "volume"]]
    wide.columns = wide.columns.set_names(["field", "asset"])
    assets = sorted(wide.columns.unique("asset"))[:n]
    return wide.loc[:, wide.columns.get_level_values("asset").isin(assets)], assets


def child(task, n):
    "One measurement in this process: prints one JSON line."
    import numpy as np
    from lstm_quant.features import build_features
    from lstm_quant.cross_asset import _cross_asset, _reference_cross_asset
    data, assets = _panel(n)
    _reset_peak(); base = _rss_mb("VmRSS")
    w, c = time.perf_counter(), time.process_time()
    out = {}
    if task == "features":
        f = build_features(data)
        wall, cpu = time.perf_counter() - w, time.process_time() - c  # the clock stops here: DataFrame.memory_usage on
        # 27,270 columns alone takes seconds (one Series per column) and is no part of building the features
        out = dict(shape=list(f.shape), frame_mb=f.size * f.dtypes.iloc[0].itemsize / 1e6, wall_s=wall, cpu_s=cpu,
                   slowest={k: round(v, 3) for k, v in sorted(f.attrs["timings"].items(), key=lambda kv: -kv[1])[:4]})
        assert (f.dtypes == f.dtypes.iloc[0]).all()
    elif task in ("cross_new", "cross_old"):
        r = np.log(data["close"]).diff().to_numpy()
        res = (_cross_asset if task == "cross_new" else _reference_cross_asset)(r)
        out = dict(frame_mb=sum(v.nbytes for v in res.values()) / 1e6)
    elif task == "study":
        import torch; torch.set_num_threads(1)
        from lstm_quant.study import run_study
        from lstm_quant.study_config import resolve_params
        p = resolve_params("quick", dict(dataset=str(PANEL), assets=",".join(assets), start="2013-01-01", end="2018-12-31",
                                         n_seeds=1, train_days=504, valid_days=63, test_days=126, n_folds=2, epochs=2,
                                         warm_start_epochs=1, top_k=min(5, n // 4), baselines="momentum,ridge,lightgbm"))
        res = run_study(p, output_dir=f"/tmp/bench_scale_study_{n}", echo=lambda *a, **k: None)
        out = dict(ok=res is not None)
    import lstm_quant
    out["lib"] = str(Path(lstm_quant.__file__).resolve().parents[1])  # which checkout's code was measured
    out.setdefault("wall_s", time.perf_counter() - w); out.setdefault("cpu_s", time.process_time() - c)
    out.update(task=task, assets=n, peak_above_mb=_rss_mb() - base, peak_mb=_rss_mb())
    print(json.dumps(out))


def run(task, n, lib=None):
    "One measurement in a fresh subprocess; `lib`: a checkout whose lstm_quant is imported instead of this one (the old code)."
    env = dict(ENV, PYTHONPATH=str(Path(lib).resolve())) if lib else ENV
    p = subprocess.run([sys.executable, __file__, "--child", task, str(n)], env=env, capture_output=True, text=True)
    code = "old" if lib else "new"
    if p.returncode: return dict(task=task, assets=n, code=code, error=p.stderr.strip().splitlines()[-1] if p.stderr else f"rc {p.returncode}")
    return dict(json.loads(p.stdout.strip().splitlines()[-1]), code=code, load=os.getloadavg()[0])


def _span(rows, key):
    v = [r[key] for r in rows]
    return f"{min(v):6.2f}-{max(v):<6.2f}" if len(v) > 1 else f"{v[0]:6.2f}       "


def projection(rows, n_assets=3000, n_dates=5040, dates_measured=1259, ram_gb=24):
    """Lines projecting the measured costs to `n_assets` x `n_dates` (3,000 stocks x 20 years: CRSP-sized).

    Time: cpu_s = a N + b N^2 fitted by least squares on the measured sizes (the N^2 part is the MST and the one
    correlation matrix per refresh date), times the ratio of dates (every cost is linear in dates at fixed N, the
    refresh dates included). Memory: the output frame is float64, linear in N x dates; the peak above the input keeps
    the measured peak / frame ratio at the largest size. The study is projected linearly in N x dates (its samples)."""
    import numpy as np
    out, scale_d = [f"\nprojection to {n_assets:,} assets x {n_dates:,} dates (measured on {dates_measured:,} dates):"], n_dates / dates_measured
    for task in ("features", "study"):
        ok = [r for r in rows if r.get("task") == task and r.get("code", "new") == "new" and "error" not in r]
        ok = sorted({r["assets"]: r for r in sorted(ok, key=lambda r: -r["cpu_s"])}.values(), key=lambda r: r["assets"])  # min cpu per size
        if len(ok) < 2: continue
        N = np.array([r["assets"] for r in ok], float); cpu = np.array([r["cpu_s"] for r in ok])
        if task == "features":
            coef = np.linalg.lstsq(np.c_[N, N ** 2], cpu, rcond=None)[0].clip(min=0)
            t = (coef[0] * n_assets + coef[1] * n_assets ** 2) * scale_d
            frame = ok[-1]["frame_mb"] * n_assets / ok[-1]["assets"] * scale_d
            peak = ok[-1]["peak_above_mb"] / max(ok[-1]["frame_mb"], 1) * frame
            fits = "fits" if peak / 1024 < ram_gb else "does NOT fit"
            out.append(f"  features: about {t / 60:.1f} min on one thread (fit {coef[0]:.2e} s/asset + {coef[1]:.2e} s/asset^2 "
                       f"per {dates_measured} dates); output {frame / 1024:.1f} GB, peak above the input about {peak / 1024:.1f} GB: "
                       f"{fits} in {ram_gb} GB")
        else:
            per = ok[-1]["cpu_s"] / ok[-1]["assets"]
            out.append(f"  quick study: about {per * n_assets * scale_d / 3600:.1f} h on one thread at the largest size's "
                       f"{per:.2f} s per asset (linear in samples: an assumption; more folds and seeds multiply it)")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="20,100,505"); ap.add_argument("--no-study", action="store_true")
    ap.add_argument("--json", default=None); ap.add_argument("--child", nargs=2, default=None)
    ap.add_argument("--repeat", type=int, default=1, help="runs of each features measurement (min and max are printed)")
    ap.add_argument("--old", default=None, help="a checkout of the code before a change (e.g. a git worktree of main): "
                    "the features are also built with its lstm_quant, side by side")
    a = ap.parse_args()
    if a.child: return child(a.child[0], int(a.child[1]))
    if not PANEL.exists():
        print(f"skipped: the real panel is not at {PANEL} (it is never copied into the project)"); return
    print(f"load average {os.getloadavg()}")
    sizes = [int(s) for s in a.sizes.split(",")]
    rows = []
    for task in ["features"] + ([] if a.no_study else ["study"]):
        reps = a.repeat if task == "features" else 1
        libs = [None] + ([a.old] if a.old and task == "features" else [])
        res = [run(task, n, lib) for n in sizes for _ in range(reps) for lib in libs]; rows += res  # old and new interleaved
        new = {n: [r for r in res if r["assets"] == n and r["code"] == "new" and "error" not in r] for n in sizes}
        old = {n: [r for r in res if r["assets"] == n and r["code"] == "old" and "error" not in r] for n in sizes}
        print(f"\n{task} ({reps} run(s) each, min-max): {'assets':>6} {'wall s':>13} {'cpu s':>13} {'peak+ MB':>9} {'frame MB':>9}"
              + (f" | old: {'wall s':>13} {'peak+ MB':>9}  old/new time" if a.old and task == "features" else ""))
        for n in sizes:
            for r in (r for r in res if r["assets"] == n and "error" in r): print(f"  {n:>6} {r['code']}: {r['error']}")
            if not new[n]: continue
            line = (f"{'':{len(task) + 20}}  {n:>6} {_span(new[n], 'wall_s')} {_span(new[n], 'cpu_s')} "
                    f"{max(r['peak_above_mb'] for r in new[n]):9.0f} {new[n][0].get('frame_mb', float('nan')):9.0f}")
            if old[n]:
                line += (f" |      {_span(old[n], 'wall_s')} {max(r['peak_above_mb'] for r in old[n]):9.0f}  "
                         f"x{min(r['wall_s'] for r in old[n]) / min(r['wall_s'] for r in new[n]):.2f} (min wall)")
            print(line)
        best = [min(new[n], key=lambda r: r["cpu_s"]) for n in sizes if new[n]]
        for x, y in zip(best, best[1:]):
            print(f"  {y['assets']}/{x['assets']} assets (x{y['assets'] / x['assets']:.1f}): time x{y['cpu_s'] / x['cpu_s']:.1f} "
                  f"(min cpu), peak x{max(y['peak_above_mb'], 1) / max(x['peak_above_mb'], 1):.1f}")
    n_side = 100
    old, new = run("cross_old", n_side), run("cross_new", n_side)
    rows += [old, new]
    print(f"\ncross-asset matrix features at {n_side} assets: old {old.get('cpu_s', float('nan')):.2f} s / "
          f"{old.get('peak_above_mb', float('nan')):.0f} MB, new {new.get('cpu_s', float('nan')):.2f} s / "
          f"{new.get('peak_above_mb', float('nan')):.0f} MB: time x{old.get('cpu_s', 0) / max(new.get('cpu_s', 1e-9), 1e-9):.1f}, "
          f"memory x{old.get('peak_above_mb', 0) / max(new.get('peak_above_mb', 1), 1):.1f}")
    for line in projection(rows): print(line)
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True); Path(a.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
