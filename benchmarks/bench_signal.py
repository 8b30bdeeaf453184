"""Benchmark of lstm_quant.signals (issue 15): the "production latency" of a trained bundle.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_signal.py [--repeats 5] [--epochs 1] [--json docs/results/bench_signal.json] [--md docs/results/bench_signal.md]

For LSTM and Transformer at the same size (hidden 32, one layer, seq_len 40, compact features; and the LSTM again on the
default feature set, `*_lstm_default`), on the real panel
`../shared/data/sp500_daily_ohlcv_2013_2018.parquet` (its last 400 sessions; the whole benchmark is skipped with a
message when the file is absent): its first 20 assets and all of its assets listed by the first of those sessions and
without a hole in the last 100 (`--sizes`; the 505-stock panel less the few listed too late or with a recent hole):
1. train_bundle wall time (one seed, `--epochs` epochs on a 126-day window: a tiny, fixed amount of training, for the
   latency only, not a training benchmark),
2. load_bundle wall time,
3. the whole signal from raw data (`Bundle.signal`: checks, features, scaling, inference, sizing),
4. the features alone (`study_features` on the whole frame, part of 3.; where the rest of the signal's time goes),
5. inference alone (the models' forward pass on the already scaled inference windows of the as-of date),
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
FIELDS = ("open", "high", "low", "close", "volume")
N_DATES = 400  # sessions of the panel used: warm-up + seq_len + a tiny training window + the as-of date
N_DATES_DEFAULT = 700  # sessions read for the default feature set: its warm-up (about a year) + seq_len + the window
COMPLETE = 100  # trailing sessions an asset must trade on every one of (no hole) to be in the universe
SIZE = dict(hidden=32, n_layers=1, n_heads=4, seq_len=40, features="compact", epochs=1, n_seeds=1, warm_start=False,
            train_days=126, valid_days=21, test_days=21, n_folds=1, baselines="", sizing="top_k", top_k=2)
TIMES = ["train_s", "load_best_s", "signal_best_s", "signal_median_s", "features_best_s", "inference_best_ms",
         "inference_median_ms"]


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
    market = data
    sig, out = timed(lambda: b.signal(market), repeats)
    fn, n = inference_only(b, market)
    inf, _ = timed(fn, repeats)
    feat, _ = timed(lambda: study_features(market, b.config), repeats)
    return dict(case=name, model=params["model"], n_assets=len(b.assets), n_samples=n, n_features=len(b.meta["features"]),
                train_s=train_s, load_best_s=load["best"], signal_best_s=sig["best"], signal_median_s=sig["median"],
                features_best_s=feat["best"],
                inference_best_ms=inf["best"] * 1e3, inference_median_ms=inf["median"] * 1e3)


def load_panel(n_dates, complete=COMPLETE):
    """The real panel in the wide layout (dates x (field, asset)), its last `n_dates` sessions, restricted to the assets
    listed by the first of them and without a hole in the last `COMPLETE` sessions (the as-of window needs the features'
    warm-up plus seq_len complete; the panel's scattered holes earlier on only cost training samples); None when the
    file is absent."""
    if not PANEL.exists(): return None
    raw = pd.read_parquet(PANEL)
    raw["asset"] = raw["asset"].astype(str)  # a pyarrow string column: plain str asset labels
    panel = raw.pivot(index="date", columns="asset", values=list(FIELDS))
    panel.columns = panel.columns.set_names(["field", "asset"])
    panel = panel.iloc[-n_dates:]
    close = panel["close"]
    alive = close.columns[close.iloc[0].notna() & close.iloc[-complete:].notna().all()]
    panel = panel.loc[:, panel.columns.get_level_values("asset").isin(alive)]
    panel.columns = panel.columns.remove_unused_levels()
    return panel


def subset(panel, n):
    "The first `n` assets (alphabetical) of a wide panel."
    keep = sorted(panel.columns.unique("asset"))[:n]
    sub = panel.loc[:, panel.columns.get_level_values("asset").isin(keep)]
    sub.columns = sub.columns.remove_unused_levels()
    return sub


def ratios(table):
    "Transformer / LSTM ratios of the numeric timings, per universe (same size, same data)."
    out = []
    for n, sub in table.groupby("n_assets", sort=True):
        by = sub[~sub.index.str.endswith("_default")].set_index("model")
        if {"lstm", "transformer"} <= set(by.index):
            r = by.loc["transformer", TIMES] / by.loc["lstm", TIMES]  # both on the compact features
            out.append(dict(n_assets=n, **{f"{k} tf/lstm": v for k, v in r.items()}))
    return pd.DataFrame(out).set_index("n_assets") if out else pd.DataFrame()


def latency_markdown(table, load) -> str:
    "The README's table: per case, the whole signal and the forward pass alone (best of the repeats)."
    lines = ["| model | features (inputs per asset-day) | assets | whole signal (s) | inference alone (ms) |", "|---|---|---|---|---|"]
    for case, r in table.iterrows():
        feats = "default" if case.endswith("_default") else "compact"
        lines.append(f"| {r['model']} | {feats} ({r['n_features']}) | {r['n_assets']} | {r['signal_best_s']:.2f} | "
                     f"{r['inference_best_ms']:.1f} |")
    lines += ["", f"Best of the repeats, one CPU thread, load average {load[0]:.1f} on {os.cpu_count()} cores; the whole "
              "signal is raw prices to positions (checks, features on the whole history given, scaling, inference, sizing)."]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--sizes", default="20,505", help="universe sizes, comma-separated (capped at the panel's assets)")
    ap.add_argument("--json", default=None)
    ap.add_argument("--md", default=None, help="also write the README's latency table here (docs/results/bench_signal.md)")
    a = ap.parse_args()
    torch.set_num_threads(1)
    panel = load_panel(N_DATES)
    if panel is None:
        print(f"SKIPPED bench_signal: the real panel {PANEL} is absent (see ../shared/data/README.md)")
        return
    n_all = panel.columns.get_level_values("asset").nunique()
    # the default set's 252-day cross-asset windows need every session: a hole (the panel misses 259 stocks on
    # 2017-08-01) blanks them for a year, so this case takes the assets without any hole in its sessions
    long_panel = load_panel(N_DATES_DEFAULT, complete=N_DATES_DEFAULT)
    print(f"panel: {PANEL.name}, last {len(panel)} sessions {panel.index[0].date()}..{panel.index[-1].date()}, "
          f"{n_all} of its assets listed by the first and without a hole in the last {COMPLETE}")
    load0 = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sorted({min(int(s), n_all) for s in a.sizes.split(",")}):
            data = subset(panel, size)
            for model in ("lstm", "transformer"):
                rows.append(bench(f"panel_{size}_{model}", dict(SIZE, model=model, epochs=a.epochs), data, a.repeats, tmp))
            # the same LSTM on the default feature set (hundreds of inputs per asset and day, cross-asset included):
            # what a user who keeps the defaults waits for
            # (their warm-up is about a year, so this case reads the last N_DATES_DEFAULT sessions)
            long = subset(long_panel, size)
            rows.append(bench(f"panel_{long.columns.get_level_values('asset').nunique()}_lstm_default",
                              dict(SIZE, model="lstm", epochs=a.epochs, features="default"), long, a.repeats, tmp))
    table = pd.DataFrame(rows).set_index("case")
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format", "{:.4g}".format):
        print(table)
        print(ratios(table))
    big = pd.concat([table[table["n_assets"] == table["n_assets"].max()], table.tail(1)])
    for case, r in big.iterrows():
        print(f"{case}: signal {r['signal_best_s']:.3f} s (goal < 1 s: {'met' if r['signal_best_s'] < 1 else 'NOT met'}), "
              f"inference {r['inference_best_ms']:.1f} ms (goal < 50 ms: {'met' if r['inference_best_ms'] < 50 else 'NOT met'})")
    load1 = os.getloadavg()
    print(f"load average before: {load0}, after: {load1}, cpus: {os.cpu_count()}, torch threads: {torch.get_num_threads()}")
    if a.md: Path(a.md).write_text(latency_markdown(table, load0))
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps(dict(rows=rows, load_before=load0, load_after=load1), indent=1, default=float))


if __name__ == "__main__":
    main()
