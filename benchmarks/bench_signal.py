"""Benchmark of lstm_quant.signals (issue 15): the "production latency" of a trained bundle.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_signal.py [--repeats 5] [--epochs 1] [--json output/bench_signal.json]

For LSTM and Transformer at the same size (hidden 32, one layer, seq_len 40, compact features), on sp500_20 (20 assets)
and, when `../shared/data/sp500_daily_ohlcv_2013_2018.parquet` exists, on the 505-stock panel (skipped otherwise):
1. train_bundle wall time (one seed, `--epochs` epochs: a fixed, small amount of training; not a training benchmark),
2. load_bundle wall time,
3. the whole signal from raw data (`Bundle.signal`: checks, features, scaling, inference, sizing),
4. inference alone (the models' forward pass on the already scaled inference windows of the as-of date),
best and median of `--repeats` calls after a warm-up, on one torch thread. Goals: signal < 1 s and inference < 50 ms
for 505 assets. The machine's load average is printed with the results: wall times on a busy machine are upper bounds.
"""
import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from lstm_quant.signals import _predict_seeds, load_bundle, train_bundle
from lstm_quant.study import study_features
from lstm_quant.windows import make_inference_windows

ROOT = Path(__file__).resolve().parents[1]
PANEL = ROOT.parent / "shared" / "data" / "sp500_daily_ohlcv_2013_2018.parquet"
SIZE = dict(hidden=32, n_layers=1, n_heads=4, seq_len=40, features="compact", epochs=1, n_seeds=1, warm_start=False,
            train_days=504, valid_days=63, test_days=63, n_folds=1, baselines="", sizing="top_k", top_k=2)


def timed(fn, repeats):
    "Best and median wall seconds over `repeats` calls after one warm-up call, and the last result."
    out = fn()
    walls = []
    for _ in range(repeats):
        t = time.perf_counter(); out = fn(); walls.append(time.perf_counter() - t)
    return dict(best=min(walls), median=float(np.median(walls))), out


def inference_only(b, market):
    "A callable: the forward pass alone on the scaled inference windows of the last date."
    c = b.config
    feats, _ = study_features(market, c)
    win = b.scaler.transform(make_inference_windows(feats.iloc[-c.seq_len:], c.seq_len, dates=[feats.index[-1]]))
    return (lambda: _predict_seeds(b.models, win)), len(win)


def bench(name, params, data, repeats, tmp):
    t = time.perf_counter()
    path = train_bundle(params, data=data, out=Path(tmp) / name)
    train_s = time.perf_counter() - t
    load, b = timed(lambda: load_bundle(path), repeats)
    market = data if isinstance(data, pd.DataFrame) else None
    if market is None:
        from lstm_quant.study import load_study_data
        market = load_study_data(b.config)[0]
    sig, out = timed(lambda: b.signal(market), repeats)
    fn, n = inference_only(b, market)
    inf, _ = timed(fn, repeats)
    return dict(case=name, model=params["model"], n_assets=len(b.assets), n_samples=n, n_features=len(b.meta["features"]),
                train_s=train_s, load_best_s=load["best"], signal_best_s=sig["best"], signal_median_s=sig["median"],
                inference_best_ms=inf["best"] * 1e3, inference_median_ms=inf["median"] * 1e3)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    torch.set_num_threads(1)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for model in ("lstm", "transformer"):
            p = dict(SIZE, model=model, epochs=a.epochs, dataset="sp500_20", assets="", start="2016-01-01", end="2022-12-31")
            rows.append(bench(f"sp500_20_{model}", p, None, a.repeats, tmp))
        if PANEL.exists():
            raw = pd.read_parquet(PANEL)
            panel = raw.pivot(index="date", columns="asset")[["open", "high", "low", "close", "volume"]]
            panel.columns = panel.columns.set_names(["field", "asset"])
            panel = panel.loc[panel.index[-800]:]
            alive = panel["close"].columns[panel["close"].notna().all()]
            panel = panel.loc[:, panel.columns.get_level_values("asset").isin(alive)]
            panel.columns = panel.columns.remove_unused_levels()
            for model in ("lstm", "transformer"):
                rows.append(bench(f"sp500_505_{model}", dict(SIZE, model=model, epochs=a.epochs), panel, a.repeats, tmp))
        else: print(f"skipped the 505-stock panel: {PANEL} is absent")
    table = pd.DataFrame(rows).set_index("case")
    for n in table["n_assets"].unique():  # Transformer / LSTM at the same size and universe
        sub = table[table["n_assets"] == n]
        if len(sub) == 2:
            r = sub.iloc[1] / sub.iloc[0]
            print(f"{n} assets, transformer / lstm: signal x{r['signal_best_s']:.2f}, inference x{r['inference_best_ms']:.2f}")
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format", "{:.4g}".format):
        print(table)
    print(f"load average: {os.getloadavg()}, torch threads: {torch.get_num_threads()}")
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(dict(rows=rows, load=os.getloadavg()), indent=1, default=float))


if __name__ == "__main__":
    main()
