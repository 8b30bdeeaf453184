"""One walk-forward study per technique family on sp500_20 with the quick preset's sizes (one seed), and their table.

The studies run 2008-2018 (five yearly folds, out of sample 2014-2018) rather than the preset's 2012-2022: the built-in exogenous series
(WTI, Fama-French factors) end in late 2018 / early 2019, and every arm must be judged on the same dates.

    python tools/technique_table.py [--out output/technique_table] [--only ARM,ARM] [--table docs/results/technique_table.csv]

Each arm is the quick preset with one family's keys changed; every arm counts as a trial in every arm's deflated
Sharpe ratio: the table's DSR is recomputed from the arms' daily net returns with N = the number of arms and V = the
variance of their daily Sharpe ratios (`table_dsr`), so adding an arm deflates every row, cached ones included.
"retraining" is the cost of refitting every 42 trading days (30 warm-started folds over the same five years): its
`seconds` against the plain LSTM's (5 yearly folds) is the measured price of frequent refits. Resumable: an arm whose run directory holds a complete metrics.json is
read, not rerun. The table (IC, HAC p, net Sharpe, max drawdown, DSR, seconds) is written as CSV for the study chapter.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lstm_quant.study import resolve_params, run_study, read_metrics  # noqa: E402

ARMS = {  # family -> the keys that differ from the quick preset (n_seeds=1 for every arm)
    "plain LSTM": {},
    "features: +EMA cross, +weekly/monthly": dict(features="compact+ema_cross+multi_timeframe"),
    "features: rolling normalisation": dict(feature_norm="rolling"),
    "exogenous: WTI, Fama-French (lagged)": dict(exog="wti,ff_factors"),
    "target: excess over median": dict(target="excess"),
    "architecture: attention LSTM": dict(model="attn_lstm"),
    "loss: multitask + Kelly on p_up": dict(loss="multitask", sizing="kelly_binary"),
    "regularisation: dropout, decay, noise": dict(dropout=0.2, weight_decay=0.001, feature_noise=0.05, temporal_dropout=0.1),
    "uncertainty: MC dropout sizing": dict(mc_samples=10, sizing="uncertainty"),
    "sizing: mean-variance, 21 days": dict(sizing="mean_variance", rebalance_days=21),
    "regime filter: HMM, flat": dict(regime_filter=True, regime_method="hmm", regime_rule="flat"),
    "ensemble: 3 time-block members": dict(ensemble="time_blocks", n_members=3),
    "ensemble: blend LSTM + ridge (IC weights)": dict(ensemble="blend", members="lstm,ridge", blend_method="ic"),
    "ensemble: stack LSTM + attention LSTM + ridge": dict(ensemble="stack", members="lstm,attn_lstm,ridge"),
    "transfer: pre-train on all, fine-tune per asset": dict(transfer=True),
    "calibration: multitask, Platt p_up + Kelly": dict(loss="multitask", calibrate_p_up=True, sizing="kelly_binary"),
    "retraining: every 42 days, warm start": dict(test_days=42, n_folds=30),
}
COMMON = dict(n_seeds=1, start="2008-01-01", end="2018-12-31")  # every arm: the quick preset with these, then its own keys
COLUMNS = dict(ic="IC", ic_p_hac="IC HAC p", sharpe_net="net Sharpe", max_drawdown="max drawdown", dsr="DSR",
               turnover="turnover")


def slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_")[:48]


def table_dsr(table: pd.DataFrame, out: Path) -> tuple[list, int]:
    "Deflated Sharpe ratio of each arm's daily net returns, N = every arm of ARMS, V = variance of the arms' daily Sharpes."
    from lstm_quant.significance import deflated_sharpe_ratio, sharpe_moments
    net = {}
    for name in table["technique"]:
        f = out / slug(name) / "returns.parquet"
        if f.exists(): net[name] = pd.read_parquet(f)["model_net"].dropna()
    srs = pd.Series({k: sharpe_moments(v)["sr"] for k, v in net.items()})
    var = float(srs.var(ddof=1)) if len(srs) > 1 else 0.0
    return [float(deflated_sharpe_ratio(net[k], len(ARMS), var)) if k in net else float("nan") for k in table["technique"]], len(ARMS)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "output" / "technique_table"))
    ap.add_argument("--only", default="", help="comma-separated arm slugs")
    ap.add_argument("--table", default=str(ROOT / "docs" / "results" / "technique_table.csv"))
    args = ap.parse_args(argv)
    arms = {k: v for k, v in ARMS.items() if not args.only or slug(k) in args.only.split(",")}
    rows = []
    for name, keys in arms.items():
        out = Path(args.out) / slug(name)
        m = read_metrics(out)
        if m is None:
            params = resolve_params("quick", {**COMMON, **keys, "n_trials": len(ARMS), "output_dir": str(out)})
            t0 = time.perf_counter()
            print(f"{name}: running -> {out}", flush=True)
            try: run_study(params, echo=lambda *a, **k: None)
            except Exception as e:  # one failing arm is reported in the table, the others still run
                print(f"{name}: FAILED {type(e).__name__}: {e}", flush=True)
                rows.append(dict(technique=name, settings=str(keys), error=f"{type(e).__name__}: {e}")); continue
            print(f"{name}: {time.perf_counter() - t0:.0f} s", flush=True)
            m = read_metrics(out)
        s = m["strategies"]["model"]
        rows.append(dict(technique=name, settings=", ".join(f"{k}={v}" for k, v in keys.items()) or "quick preset, end 2018",
                         **{label: s.get(k) for k, label in COLUMNS.items()}, seconds=m["run"]["seconds"],
                         oos=f"{m['oos']['start']}..{m['oos']['end']}", n_trials=m["significance"]["n_trials"]))
    table = pd.DataFrame(rows)
    if len(table) and "DSR" in table: table["DSR"], table["n_trials"] = table_dsr(table, Path(args.out))
    Path(args.table).parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.table, index=False)
    print(table.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
