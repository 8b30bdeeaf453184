"""Benchmark of the training loop (issue 5), side by side on the same tensors and model:

  (1) `lstm_quant.training.fit`, one epoch (capped at N_BATCHES batches of 128) on the zero-copy WindowDataset;
  (2) a bare loop: nn.LSTM + nn.Linear, forward / MSE / backward / AdamW over pre-built window tensors, batch 128;
  (3) seed 002's style: a Python loop `create_sequences` that copies every window (float64), then
      TensorDataset + DataLoader(batch_size=64, shuffle=True), the same forward / backward / AdamW.

Each variant runs in its own process (same data from the same seed, every library imported first), so its peak
memory is its own: the peak resident set size above the process's size once the raw feature arrays exist (Linux:
VmHWM reset through /proc/self/clear_refs), and the peak of Python-tracked allocations (tracemalloc: NumPy arrays,
lists; not torch's own tensors). Throughput = training samples per second of process CPU time, best of
`--segments` timed segments of N_BATCHES / segments batches after a warm-up (wall-clock figures are printed too).
Torch runs on `--threads` threads (default 1): CPU time then equals wall time on an idle machine and the figures
do not collapse when other processes share the cores, which they did on the 2-core machine these were taken on.

    python benchmarks/bench_training.py                 # all three, then the ratios
    python benchmarks/bench_training.py --variant fit   # one variant, prints one JSON line
Goals: (1)/(2) >= 0.90 throughput; (1) peak memory far below (3).
"""
import argparse
import json
import os
import subprocess
import sys
import time
import tracemalloc
from dataclasses import replace

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from lstm_quant.features import make_windows
from lstm_quant.models import build_model
from lstm_quant.training import TrainConfig, fit

N_DATES, N_ASSETS, N_FEATURES, SEQ_LEN, HIDDEN = 2000, 30, 8, 60, 64
N_BATCHES, BATCH, WARMUP, SEGMENTS = 120, 128, 5, 4
SEED = 0


def rss_mb() -> float:
    "Current resident set size, MiB."
    with open("/proc/self/statm") as f: return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    "Peak resident set size since the last reset, MiB (VmHWM)."
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"): return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> bool:
    "Reset VmHWM to the current RSS (Linux >= 4.0); False where that is not possible."
    try:
        with open("/proc/self/clear_refs", "w") as f: f.write("5")
        return True
    except OSError: return False


def raw_data():
    "The same raw inputs for every variant: features [dates, assets, features] and a target [dates, assets], float32."
    rng = np.random.default_rng(SEED)
    X = rng.standard_normal((N_DATES, N_ASSETS, N_FEATURES)).astype(np.float32)
    y = (0.1 * X[:, :, 0] + rng.standard_normal((N_DATES, N_ASSETS))).astype(np.float32)
    return X, y


class BareLSTM(nn.Module):
    "nn.LSTM -> last hidden state -> nn.Linear: the same computation as build_model('lstm', hidden=64, dropout=0)."
    def __init__(self):
        super().__init__()
        self.lstm, self.linear = nn.LSTM(N_FEATURES, HIDDEN, batch_first=True), nn.Linear(HIDDEN, 1)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.linear(h[-1]).squeeze(-1)


def bare_steps(model, opt, batches) -> int:
    "Forward / MSE / backward / AdamW over an iterable of (x, y); returns samples seen."
    n = 0
    for xb, yb in batches:
        loss = ((model(xb) - yb) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        n += len(yb)
    return n


def timed(step, segments: int) -> list[tuple[int, float, float]]:
    "Run `step()` (returns samples) `segments` times: [(samples, cpu seconds, wall seconds)]."
    out = []
    for _ in range(segments):
        c0, w0 = time.process_time(), time.perf_counter()
        n = step()
        out.append((n, time.process_time() - c0, time.perf_counter() - w0))
    return out


def variant_fit(X, y, segments):
    dates = pd.bdate_range("2000-01-03", periods=N_DATES)
    assets = [f"A{i:02d}" for i in range(N_ASSETS)]
    target = pd.DataFrame(y, dates, assets)
    t_setup = time.perf_counter()
    feats = pd.concat({f"f{k}": pd.DataFrame(X[:, :, k], dates, assets) for k in range(N_FEATURES)}, axis=1,
                      names=["feature", "asset"])
    ds = make_windows(feats, target, SEQ_LEN)  # one [dates, assets, features] array + sample indices
    del feats
    setup = time.perf_counter() - t_setup
    model = build_model("lstm", N_FEATURES, seed=SEED, hidden=HIDDEN, dropout=0.0)
    cfg = TrainConfig(epochs=1, batch_size=BATCH, grad_clip=None, progress=False, device="cpu", seed=SEED)
    fit(model, ds, None, replace(cfg, max_batches_per_epoch=WARMUP))
    k = N_BATCHES // segments
    step = lambda: fit(model, ds, None, replace(cfg, max_batches_per_epoch=k)) and k * BATCH
    return timed(step, segments), setup, len(ds)


def variant_bare(X, y, segments):
    t_setup = time.perf_counter()
    t = np.arange(SEQ_LEN - 1, N_DATES)
    d, a = np.repeat(t, N_ASSETS), np.tile(np.arange(N_ASSETS), len(t))
    xw = torch.from_numpy(X[d[:, None] + np.arange(-SEQ_LEN + 1, 1), a[:, None]])  # all windows, built once
    yw = torch.from_numpy(y[d, a])
    setup = time.perf_counter() - t_setup
    torch.manual_seed(SEED)
    model = BareLSTM()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    g = torch.Generator().manual_seed(SEED)
    def batches(k):
        perm = torch.randperm(len(yw), generator=g)
        for i in range(k): yield xw[perm[i * BATCH:(i + 1) * BATCH]], yw[perm[i * BATCH:(i + 1) * BATCH]]
    bare_steps(model, opt, batches(WARMUP))
    k = N_BATCHES // segments
    return timed(lambda: bare_steps(model, opt, batches(k)), segments), setup, len(yw)


def create_sequences(data, seq_len=60, horizon=1):
    "Seed 002's pattern: a Python loop that copies every window; target = column 0 of the window's last row + h."
    X, y = [], []
    for i in range(len(data) - seq_len - horizon + 1):
        X.append(data[i:i + seq_len, 1:])
        y.append(data[i + seq_len + horizon - 2, 0])
    return np.array(X), np.array(y)


def variant_seed002(X, y, segments):
    t_setup = time.perf_counter()
    Xs, ys = [], []
    for j in range(N_ASSETS):  # one asset at a time, as in the seed (pandas .values are float64)
        frame = np.column_stack([y[:, j], X[:, j, :]]).astype(np.float64)
        xa, ya = create_sequences(frame, SEQ_LEN, 1)
        Xs.append(xa); ys.append(ya)
    Xa, ya = np.concatenate(Xs), np.concatenate(ys)
    del Xs, ys
    dataset = TensorDataset(torch.tensor(Xa, dtype=torch.float32), torch.tensor(ya, dtype=torch.float32))
    loader = DataLoader(dataset, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(SEED))
    setup = time.perf_counter() - t_setup
    torch.manual_seed(SEED)
    model = BareLSTM()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    it = iter(loader)
    bare_steps(model, opt, (next(it) for _ in range(2 * WARMUP)))
    k = 2 * (N_BATCHES // segments)  # the same number of samples, in batches of 64
    return timed(lambda: bare_steps(model, opt, (next(it) for _ in range(k))), segments), setup, len(dataset)


VARIANTS = {"fit": variant_fit, "bare": variant_bare, "seed002": variant_seed002}
LABELS = {"fit": "(1) fit, zero-copy windows, batch 128", "bare": "(2) bare nn.LSTM loop, pre-built tensors, batch 128",
          "seed002": "(3) seed 002: create_sequences + DataLoader, batch 64"}


def warm_up_torch() -> None:
    "First LSTM step and optimiser step load lazy parts of torch (tens of MiB): do it before the baseline."
    model = BareLSTM()
    opt = torch.optim.AdamW(model.parameters())
    bare_steps(model, opt, [(torch.zeros(2, SEQ_LEN, N_FEATURES), torch.zeros(2))])
    with torch.no_grad(): model(torch.zeros(1, SEQ_LEN, N_FEATURES))


def run_variant(name: str, threads: int, segments: int) -> dict:
    torch.set_num_threads(threads)
    warm_up_torch()
    X, y = raw_data()
    base_rss = rss_mb()
    can_reset = reset_peak()
    tracemalloc.start()
    runs, setup, n_windows = VARIANTS[name](X, y, segments)
    _, py_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    cpu = [n / c for n, c, _ in runs]; wall = [n / w for n, _, w in runs]
    return dict(variant=name, samples=sum(n for n, _, _ in runs), samples_per_s=max(cpu), median_samples_per_s=float(np.median(cpu)),
                wall_samples_per_s=max(wall), setup_s=setup, n_windows=n_windows,
                peak_rss_over_base_mb=(peak_rss_mb() if can_reset else float("nan")) - base_rss,
                python_peak_mb=py_peak / 2**20, threads=torch.get_num_threads())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variant", choices=list(VARIANTS))
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads in every variant")
    ap.add_argument("--segments", type=int, default=SEGMENTS, help="timed segments per variant (best one reported)")
    ap.add_argument("--rounds", type=int, default=2, help="rounds over the three variants (interleaved; best kept)")
    args = ap.parse_args()
    if args.variant:
        print(json.dumps(run_variant(args.variant, args.threads, args.segments))); return
    best = {}
    for _ in range(args.rounds):
        for name in VARIANTS:
            cmd = [sys.executable, __file__, "--variant", name, "--threads", str(args.threads), "--segments", str(args.segments)]
            r = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
            if name not in best or r["samples_per_s"] > best[name]["samples_per_s"]: best[name] = r
    rows = [best[name] for name in VARIANTS]
    table = pd.DataFrame(rows).set_index("variant")
    print(f"data: {N_DATES} dates x {N_ASSETS} assets x {N_FEATURES} features, windows of {SEQ_LEN} "
          f"({table['n_windows'].iloc[0]} samples); LSTM hidden {HIDDEN}; {N_BATCHES * BATCH} timed samples per variant "
          f"in {args.segments} segments, best of {args.rounds} rounds; torch {torch.__version__}, "
          f"{int(table['threads'].iloc[0])} thread(s), {os.cpu_count()} CPUs")
    print(f"{'':<55} {'samples/s':>9} {'(median)':>9} {'(wall)':>8} {'setup s':>8} {'peak RSS':>10} {'Py peak':>9}")
    for name, r in table.iterrows():
        print(f"{LABELS[name]:<55} {r.samples_per_s:9.0f} {r.median_samples_per_s:9.0f} {r.wall_samples_per_s:8.0f} "
              f"{r.setup_s:8.2f} {r.peak_rss_over_base_mb:7.1f} MiB {r.python_peak_mb:5.1f} MiB")
    f, b, s = (table.loc[k] for k in ("fit", "bare", "seed002"))
    print(f"throughput (1)/(2) = {f.samples_per_s / b.samples_per_s:.3f}   (goal >= 0.90)")
    print(f"throughput (1)/(3) = {f.samples_per_s / s.samples_per_s:.3f}")
    print(f"peak RSS   (3)/(1) = {s.peak_rss_over_base_mb / max(f.peak_rss_over_base_mb, 1e-9):.1f}x   "
          f"Python peak (3)/(1) = {s.python_peak_mb / max(f.python_peak_mb, 1e-9):.1f}x")


if __name__ == "__main__":
    main()
