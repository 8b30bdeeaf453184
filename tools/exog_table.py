"""The exogenous series in a walk-forward on sp500_20: the quick preset with and without VIX, WTI and the Fama-French factors.

Four studies on the same splits, seed and costs (the quick preset on sp500_20, one seed, with a shorter geometry that
fits the built-in VIX, known from January 2014 only, and WTI / the factors, which end in 2018: 2014-2018, two-year
training windows, half-yearly refits): no exogenous series (the control), `exog=vix`,
`exog=wti,ff_factors` and `exog=vix,wti,ff_factors`, each series joined by its availability (the publication lags of
the data chapter). Per arm: the daily IC with its HAC p-value, net Sharpe, max drawdown and a deflated Sharpe ratio
over the four arms (N = 4, V = the variance of their daily Sharpe ratios); against the control: the mean daily IC
difference on the common dates with its HAC 95 % interval and p-value (a paired test on the daily series).

    python tools/exog_table.py [--out output/exog_table] [--table docs/results/exog_walk_forward.csv]

Resumable: an arm whose run directory holds a complete metrics.json is read, not rerun.
"""
import argparse
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lstm_quant.ic import daily_ic, hac_mean_test  # noqa: E402
from lstm_quant.significance import deflated_sharpe_ratio, sharpe_moments  # noqa: E402
from lstm_quant.study import read_metrics, resolve_params, run_study  # noqa: E402
from technique_table import slug  # noqa: E402

# every arm: the quick preset with these, then its exog (VIX is known from 2014-01-06: an earlier start is refused)
COMMON = dict(n_seeds=1, start="2014-01-06", end="2018-12-31", train_days=504, valid_days=63, test_days=126, n_folds=0)

ARMS = {"no exogenous series": "", "VIX": "vix", "WTI, Fama-French": "wti,ff_factors",
        "VIX, WTI, Fama-French": "vix,wti,ff_factors"}
CONTROL = "no exogenous series"


def run_arm(name: str, exog: str, out: Path) -> dict:
    "metrics.json of the arm, running its study first unless a complete one is there."
    m = read_metrics(out)
    if m is None:
        params = resolve_params("quick", {**COMMON, "exog": exog, "n_trials": len(ARMS), "output_dir": str(out)})
        t0 = time.perf_counter()
        print(f"{name}: running -> {out}", flush=True)
        run_study(params, echo=lambda *a, **k: None)
        print(f"{name}: {time.perf_counter() - t0:.0f} s", flush=True)
        m = read_metrics(out)
    return m


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "output" / "exog_table"))
    ap.add_argument("--table", default=str(ROOT / "docs" / "results" / "exog_walk_forward.csv"))
    args = ap.parse_args(argv)
    metrics, ics, nets = {}, {}, {}
    for name, exog in ARMS.items():
        out = Path(args.out) / slug(name)
        metrics[name] = run_arm(name, exog, out)
        ics[name] = daily_ic(pd.read_parquet(out / "predictions.parquet"))["ic"]
        nets[name] = pd.read_parquet(out / "returns.parquet")["model_net"].dropna()
    srs = pd.Series({k: sharpe_moments(v)["sr"] for k, v in nets.items()})
    var = float(srs.var(ddof=1))
    rows = []
    for name, m in metrics.items():
        s = m["strategies"]["model"]
        both = pd.concat([ics[name], ics[CONTROL]], axis=1, join="inner").dropna()
        diff = hac_mean_test(both.iloc[:, 0] - both.iloc[:, 1]) if name != CONTROL else {}
        rows.append(dict(arm=name, exog=ARMS[name] or "-",
                         ic=s.get("ic"), ic_p_hac=s.get("ic_p_hac"), sharpe_net=s.get("sharpe_net"),
                         max_drawdown=s.get("max_drawdown"), dsr=float(deflated_sharpe_ratio(nets[name], len(ARMS), var)),
                         ic_diff=diff.get("mean"), ic_diff_low=diff["mean"] - 1.96 * diff["se_hac"] if diff else None,
                         ic_diff_high=diff["mean"] + 1.96 * diff["se_hac"] if diff else None, ic_diff_p=diff.get("p_hac"),
                         n_days=len(both), oos=f"{m['oos']['start']}..{m['oos']['end']}", seconds=m["run"]["seconds"]))
    table = pd.DataFrame(rows)
    Path(args.table).parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.table, index=False)
    print(table.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
