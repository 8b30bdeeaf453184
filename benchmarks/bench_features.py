"""Benchmark of lstm_quant.features (issue 3).

    .venv/bin/python benchmarks/bench_features.py [--repeats 5] [--garch-assets 20] [--json output/bench_features.json]

Reports, on the built-in real datasets:
1. build_features with the default spec (GARCH off) on sp500_20 (close only) and on us_indices (OHLCV) + vix:
   wall time, CPU time (process time: what an otherwise idle machine would see as wall time for this
   single-threaded code), peak traced memory (tracemalloc), and the slowest groups;
2. GARCH(1,1) + GJR-GARCH separately (walk-forward refits every 63 days): cold (fitting) and warm (cache) timings;
3. make_windows on the sp500_20 features (seq_len 60): memory added vs the float32 feature array X, and the
   size of a naive stacked copy of every window (computed, not allocated);
4. the four TA-Lib indicators, ours (all assets at once) vs TA-Lib looped per asset: time and ratio.
Machine load matters for wall times: the load average is printed with the results.
"""
import argparse
import json
import os
import platform
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from lstm_quant.data import load_dataset
from lstm_quant.features import FeatureSpec, build_features
from lstm_quant.indicators import atr, bollinger, clear_garch_cache, macd, rsi
from lstm_quant.windows import forward_log_return, make_windows


def timed(fn, repeats):
    "Best and median wall / CPU seconds over `repeats` calls (after one warm-up call), and the last result."
    out = fn()
    walls, cpus = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w); cpus.append(time.process_time() - c)
    return dict(wall_best=min(walls), wall_median=float(np.median(walls)), cpu_best=min(cpus),
                cpu_median=float(np.median(cpus))), out


def peak_mb(fn):
    "Peak memory traced while fn runs, MB (tracemalloc: numpy and pandas allocations)."
    tracemalloc.start()
    out = fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6, out


def bench_build(data, exog, repeats, label):
    t, feats = timed(lambda: build_features(data, exog=exog), repeats)
    mem, _ = peak_mb(lambda: build_features(data, exog=exog))
    slow = sorted(feats.attrs["timings"].items(), key=lambda kv: -kv[1])[:5]
    return dict(dataset=label, shape=list(feats.shape), n_features=feats.shape[1] // data["close"].shape[1],
                peak_mb=mem, frame_mb=feats.memory_usage(index=False).sum() / 1e6,
                slowest_groups={k: round(v, 4) for k, v in slow}, skipped=list(feats.attrs["skipped"]), **t), feats


def bench_garch(data, n_assets):
    assets = list(data["close"].columns[:n_assets])
    sub = data[[c for c in data.columns if c[1] in assets]]
    spec = {"features": ("garch", "gjr"), "garch_refit_every": 63, "garch_min_obs": 500}
    clear_garch_cache()
    w, c = time.perf_counter(), time.process_time()
    g = build_features(sub, spec)
    cold = dict(wall=time.perf_counter() - w, cpu=time.process_time() - c)
    w, c = time.perf_counter(), time.process_time()
    build_features(sub, spec)
    warm = dict(wall=time.perf_counter() - w, cpu=time.process_time() - c)
    n_live = sub["close"].notna().sum()
    fits = int(sum(max(0, (n - 1 - 500) // 63 + 1) for n in n_live)) * 2
    return dict(assets=len(assets), days=len(sub), fits=fits, cold=cold, warm=warm,
                ms_per_fit_cpu=1e3 * cold["cpu"] / max(fits, 1), n_features=g.shape[1] // len(assets))


def bench_windows(feats, close, seq_len=60):
    target = forward_log_return(close, 1)
    w, c = time.perf_counter(), time.process_time()
    tracemalloc.start()
    ds = make_windows(feats, target, seq_len)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    wall = time.perf_counter() - w
    naive = len(ds) * seq_len * ds.n_features * 8  # float64 stack of every window, as seed 002's create_sequences
    rng = np.random.default_rng(0)
    pos = rng.choice(len(ds), 512, replace=False)
    t, _ = timed(lambda: ds.gather(pos), 20)
    return dict(X_shape=list(ds.X.shape), X_mb=ds.X.nbytes / 1e6, feature_frame_mb=feats.memory_usage(index=False).sum() / 1e6,
                make_windows_wall=wall, peak_added_mb=peak / 1e6, peak_over_X=peak / ds.X.nbytes,
                samples=len(ds), dropped=ds.n_dropped, naive_copy_mb=naive / 1e6, naive_over_X=naive / ds.X.nbytes,
                naive_float32_over_X=naive / 2 / ds.X.nbytes, gather_512_ms=1e3 * t["wall_best"])


def bench_talib(sp, us, repeats):
    import talib
    c = sp["close"]
    h, l, cu = us["high"], us["low"], us["close"]
    def per_asset(fn, *frames):
        return {a: fn(*(f[a].to_numpy() for f in frames)) for a in frames[-1].columns}
    cases = {
        "RSI(14), sp500_20": (lambda: rsi(c, 14), lambda: per_asset(lambda x: talib.RSI(x, 14), c)),
        "MACD(12,26,9), sp500_20": (lambda: macd(c), lambda: per_asset(lambda x: talib.MACD(x, 12, 26, 9), c)),
        "BBANDS(20,2), sp500_20": (lambda: bollinger(c), lambda: per_asset(lambda x: talib.BBANDS(x, 20, 2.0, 2.0, 0), c)),
        "ATR(14), us_indices": (lambda: atr(h, l, cu, 14), lambda: per_asset(lambda a, b, x: talib.ATR(a, b, x, 14), h, l, cu)),
    }
    rows = {}
    for name, (ours, ref) in cases.items():
        to, _ = timed(ours, repeats); tr, _ = timed(ref, repeats)
        rows[name] = dict(ours_ms=1e3 * to["cpu_best"], talib_ms=1e3 * tr["cpu_best"], ratio=to["cpu_best"] / tr["cpu_best"])
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--garch-assets", type=int, default=20, help="sp500_20 assets in the GARCH timing")
    ap.add_argument("--json", default="output/bench_features.json")
    args = ap.parse_args(argv)
    sp, us, vix = load_dataset("sp500_20"), load_dataset("us_indices"), load_dataset("vix")
    res = dict(machine=dict(python=platform.python_version(), cpus=os.cpu_count(), load_avg_before=os.getloadavg()))
    res["build_sp500_20"], feats_sp = bench_build(sp, None, args.repeats, "sp500_20 (close only), default spec")
    res["build_us_indices"], _ = bench_build(us, {"vix": vix}, args.repeats, "us_indices (OHLCV) + vix, default spec")
    res["windows"] = bench_windows(feats_sp, sp["close"])
    res["talib"] = bench_talib(sp, us, args.repeats)
    res["garch_sp500_20"] = bench_garch(sp, args.garch_assets)
    res["garch_us_indices"] = bench_garch(us, 2)
    res["machine"]["load_avg_after"] = os.getloadavg()

    b, u, w = res["build_sp500_20"], res["build_us_indices"], res["windows"]
    print(f"machine: {res['machine']['cpus']} cpus, load average before/after {res['machine']['load_avg_before'][0]:.1f}/"
          f"{res['machine']['load_avg_after'][0]:.1f}")
    for r in (b, u):
        print(f"build_features [{r['dataset']}]: {r['shape'][0]} dates x {r['n_features']} features x assets -> {r['shape'][1]} columns; "
              f"wall best {r['wall_best']:.3f} s (median {r['wall_median']:.3f}), CPU best {r['cpu_best']:.3f} s; "
              f"peak traced {r['peak_mb']:.0f} MB (output frame {r['frame_mb']:.0f} MB); slowest {r['slowest_groups']}")
    print(f"make_windows seq_len 60: X {w['X_shape']} float32 = {w['X_mb']:.1f} MB; peak added {w['peak_added_mb']:.1f} MB "
          f"= {w['peak_over_X']:.2f} x X; {w['samples']} samples ({w['dropped']} dropped); naive stacked float64 copy "
          f"{w['naive_copy_mb']:.0f} MB = {w['naive_over_X']:.0f} x X (float32: {w['naive_float32_over_X']:.0f} x); "
          f"gather 512 windows {w['gather_512_ms']:.2f} ms; built in {w['make_windows_wall']:.2f} s")
    for k, r in res["talib"].items():
        print(f"{k:26s} ours {r['ours_ms']:7.2f} ms  TA-Lib {r['talib_ms']:7.2f} ms  ratio {r['ratio']:.1f}x (CPU)")
    for k in ("garch_sp500_20", "garch_us_indices"):
        g = res[k]
        print(f"{k}: {g['assets']} assets x {g['days']} days, {g['fits']} fits (GARCH + GJR, refit every 63 days): cold "
              f"{g['cold']['wall']:.1f} s wall / {g['cold']['cpu']:.1f} s CPU ({g['ms_per_fit_cpu']:.1f} ms CPU per fit incl. filtering); "
              f"from cache {g['warm']['wall']:.2f} s")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(res, indent=1, default=float))
    return res


if __name__ == "__main__":
    main()
