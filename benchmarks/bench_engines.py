"""Benchmark of the executor's engines (issue 16), side by side on the same work:

  (A) the seeds of one study (`--preset`, default quick: 3 seeds x 5 folds): one after another in this process, through
      the `local` engine with 2 workers, and through `ray` with 2 CPUs (a local Ray started for the run); with an
      engine every (seed, fold) is a unit, each fold waiting for the seed's fold before (its warm start);
  (B) a 4-point grid (`run_grid`, the preset's points with seeds 0..3 as the axis and `--grid-seeds` seeds each): one
      worker (in this process), `local` with 2 workers, `ray` with 2 CPUs;
  (C) Ray's start-up and shut-down: `ray.init(num_cpus=2)` to the first finished no-op task, and `ray.shutdown()`.

Wall-clock seconds (the engines exist to cut wall time), with the machine's load average before and after each
variant: on a shared machine the figures move with the other users' load, so read them next to it. Every variant
checks that its numbers equal the sequential ones (bit-identical predictions), so a speed-up never hides a change.
The per-unit cost (sequential seconds / units) is printed too. On a machine with C idle cores: U independent units
(a grid's points) take about ceil(U / C) rounds of it; S seeds of F folds take about F x max(1, S / C) rounds (a seed's
folds are a chain), plus the start-up (a worker imports the library once, a Ray cluster starts once).

    python benchmarks/bench_engines.py                       # A, C and B on the quick preset (rows printed as they finish)
    python benchmarks/bench_engines.py --preset smoke -p dataset=sim --grid-seeds 1   # seconds, for a try
Goal (issue 16): local with 2 workers >= 1.7x the sequential run on 2 cores.
"""
import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

from lstm_quant.executor import ray_available
from lstm_quant.study import load_grid, params_hash, resolve_params, run_grid, run_study


def load() -> str:
    "The 1-minute load average and the number of cores, e.g. '3.2 on 2 cores'."
    return f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def timed(fn):
    t0, l0 = time.perf_counter(), load()
    out = fn()
    return out, time.perf_counter() - t0, f"{l0} -> {load()}"


def bench_seeds(params: dict, engines: list) -> list[dict]:
    rows, ref = [], None
    for name, kw in engines:
        res, sec, ld = timed(lambda: run_study(params, echo=None, **kw))
        if ref is None: ref = res.predictions
        else: pd.testing.assert_frame_equal(ref, res.predictions, check_exact=True)
        units = params["n_seeds"] * len(res.splits)  # (seed, fold) units
        rows.append(dict(part="A seeds", variant=name, units=units, seconds=sec, load=ld)); print(rows[-1], flush=True)
    return rows


def bench_grid(grid: dict, engines: list) -> list[dict]:
    rows, ref = [], None
    hashes = [params_hash(p) for p in load_grid(grid)["points"]]
    for name, kw in engines:
        with tempfile.TemporaryDirectory(prefix="lq-bench-") as d:
            res, sec, ld = timed(lambda: run_grid(grid, output_root=d, echo=lambda *a: None, progress=False, **kw))
            assert (res["status"] == "done").all(), res
            preds = {h: pd.read_parquet(Path(d) / grid["name"] / h / "predictions.parquet") for h in hashes}
        if ref is None: ref = preds
        else:
            for h in hashes: pd.testing.assert_frame_equal(ref[h], preds[h], check_exact=True)
        rows.append(dict(part="B grid", variant=name, units=len(hashes), seconds=sec, load=ld)); print(rows[-1], flush=True)
    return rows


def bench_ray_startup() -> list[dict]:
    import logging, ray
    t0, l0 = time.perf_counter(), load()
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR,
             object_store_memory=256 * 1024**2)
    ray.get(ray.remote(lambda: None).remote())
    t1 = time.perf_counter()
    ray.shutdown()
    t2 = time.perf_counter()
    return [dict(part="C ray", variant="start to first task", units=1, seconds=t1 - t0, load=f"{l0} -> {load()}"),
            dict(part="C ray", variant="shutdown", units=0, seconds=t2 - t1, load=load())]


def markdown(table: pd.DataFrame, preset: str) -> str:
    "The table as Markdown: wall seconds, speed-up over the sequential run, the load average around each variant."
    lines = [f"| work (`{preset}` preset) | engine | units | wall s | speed-up | load average (before -> after) |",
             "|---|---|---|---|---|---|"]
    names = {"A seeds": "a study's seeds x folds", "B grid": "a 4-point grid", "C ray": "Ray itself"}
    for _, r in table.iterrows():
        sp = "" if pd.isna(r.get("speed-up")) else f"{r['speed-up']:.2f}x"
        lines.append(f"| {names.get(r['part'], r['part'])} | {r['variant']} | {r['units']} | {r['seconds']:.1f} | {sp} | {r['load']} |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="quick")
    ap.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--grid-seeds", type=int, default=1, help="n_seeds of each grid point (default 1)")
    ap.add_argument("--grid-folds", type=int, default=None, help="n_folds of each grid point (default: the preset's)")
    ap.add_argument("--parts", default="ABC", help="which parts to run (default ABC)")
    ap.add_argument("--json", default=None, help="also write the rows to this JSON file (rows of the parts not run are "
                    "kept from the file's previous run)")
    ap.add_argument("--md", default=None, help="also write the table as Markdown to this file (the README includes it)")
    args = ap.parse_args(argv)
    params = resolve_params(args.preset, args.param)
    engines = [("sequential", dict(workers=1)), ("local, 2 workers", dict(workers=2, engine="local"))]
    if ray_available(): engines.append(("ray, 2 CPUs", dict(workers=2, engine="ray")))
    else: print("ray is not installed (pip install lstm_quant[ray]): its variants are skipped")
    print(f"preset {args.preset} {' '.join(args.param)}; load {load()}", flush=True)
    rows = []
    if "A" in args.parts: rows += bench_seeds(params, engines)
    if "C" in args.parts and ray_available(): rows += bench_ray_startup(); print(rows[-2:], flush=True)
    if "B" in args.parts:
        base = {k: v for k, v in params.items() if k not in ("n_trials", "output_dir", "seed")}
        base["n_seeds"] = args.grid_seeds
        if args.grid_folds: base["n_folds"] = args.grid_folds
        grid = dict(name="bench", preset=args.preset, params={k: v for k, v in base.items()}, grid=dict(seed=[0, 1, 2, 3]))
        rows += bench_grid(grid, engines)
    if args.json and Path(args.json).exists():  # keep the other parts' rows of the last run, with their own load
        rows = [r for r in json.loads(Path(args.json).read_text()) if r["part"][0] not in args.parts] + rows
    table = pd.DataFrame(rows)
    for part, g in table.groupby("part"):
        seq = g.loc[g["variant"] == "sequential", "seconds"]
        if len(seq): table.loc[g.index, "speed-up"] = float(seq.iloc[0]) / g["seconds"]
        if len(seq): table.loc[g.index, "s per unit (sequential)"] = float(seq.iloc[0]) / g["units"].iloc[0]
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.float_format", "{:.2f}".format):
        print(table.to_string(index=False))
    if args.json: Path(args.json).write_text(json.dumps(rows, indent=1, default=str))
    if args.md: Path(args.md).write_text(markdown(table, args.preset) + "\n")
    return table


if __name__ == "__main__":
    main()
