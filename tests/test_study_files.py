"""A user's own market data through `lq study run`: every supported layout end to end, and bad files refused with the
file, asset and date before any run directory exists."""
import json
from pathlib import Path

import pandas as pd
import pytest

from lstm_quant.cli import main
from lstm_quant.data import simulate_market
from lstm_quant.study import read_study_file

SMALL = ["-p", "assets=", "-p", "start=2015-01-01", "-p", "end=2018-12-31", "-p", "train_days=200", "-p", "valid_days=40",
         "-p", "test_days=40", "-p", "baselines=momentum"]


def _market() -> pd.DataFrame:
    return simulate_market(n_assets=4, n_days=700, seed=5, start="2015-01-02").data


def _long(m): return m.stack("asset", future_stack=True).reset_index()


LAYOUTS = {
    "long.csv": lambda m, p: _long(m).to_csv(p, index=False),
    "long.parquet": lambda m, p: _long(m).to_parquet(p),
    "wide_close.csv": lambda m, p: m["close"].reset_index().to_csv(p, index=False),
    "wide_fields.csv": lambda m, p: m.to_csv(p),
    "per_symbol": lambda m, p: (p.mkdir(), [g.drop(columns="asset").to_csv(p / f"{a}.csv", index=False)
                                           for a, g in _long(m).groupby("asset")]),
}


def run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


# Two layouts run the whole study (a full OHLCV file and a close-only one: the features differ); every layout is read
# into the same market frame as the long CSV, so the others reach the identical pipeline.
@pytest.mark.parametrize("layout", ["long.csv", "wide_close.csv"])
def test_layouts_run_end_to_end(capsys, tmp_path, layout):
    src = tmp_path / layout
    LAYOUTS[layout](_market(), src)
    root = tmp_path / "runs"
    rc, out, err = run(capsys, "study", "run", "--preset", "smoke", "-p", f"dataset={src}", *SMALL, "--output-root", str(root))
    assert rc == 0, err
    (run_dir,) = [p for p in (root / "smoke").iterdir() if p.is_dir()]
    m = json.loads((run_dir / "metrics.json").read_text())
    assert m["complete"] and m["dataset"]["n_assets"] == 4 and m["dataset"]["name"] == layout
    assert m["dataset"]["survivorship_bias"] == "unknown" and "survivorship bias" in m["verdict"]
    assert (run_dir / "positions.parquet").exists()


def test_every_layout_reads_the_same_market(tmp_path):
    m = _market()
    frames = {}
    for layout, write in LAYOUTS.items():
        write(m, tmp_path / layout)
        frames[layout] = read_study_file(str(tmp_path / layout))
    ref = frames["long.csv"]
    pd.testing.assert_frame_equal(ref, m, check_freq=False, check_names=False, check_column_type=False,
                                  check_index_type=False)
    for layout, f in frames.items():
        fields = ["close"] if layout == "wide_close.csv" else list(ref.columns.unique("field"))
        assert sorted(f.columns.unique("field")) == sorted(fields), layout
        pd.testing.assert_frame_equal(f[fields], ref[fields], check_freq=False, obj=layout)


def _bad(m: pd.DataFrame, kind: str) -> pd.DataFrame:
    long = _long(m)
    if kind == "duplicate": return pd.concat([long, long.iloc[[5]]])
    if kind == "unsorted":
        long = long.sort_values(["asset", "date"]).reset_index(drop=True)
        return long.iloc[[0, 2, 1] + list(range(3, len(long)))]
    if kind == "price": long.loc[10, "close"] = 0.0; return long
    if kind == "high_low": long.loc[10, "high"] = long.loc[10, "low"] * 0.5; return long
    if kind == "column": return long.assign(vwap=1.0)
    raise ValueError(kind)


@pytest.mark.parametrize("kind,words", [
    ("duplicate", ["duplicate row for asset"]),
    ("unsorted", ["not in order", "asset S00"]),
    ("price", ["non-positive close"]),
    ("high_low", ["high < low"]),
    ("column", ["unknown column(s) ['vwap']"]),
])
def test_bad_files_are_refused_before_a_run_directory(capsys, tmp_path, kind, words):
    src = tmp_path / f"{kind}.csv"
    _bad(_market(), kind).to_csv(src, index=False)
    root = tmp_path / "runs"
    rc, out, err = run(capsys, "study", "run", "--preset", "smoke", "-p", f"dataset={src}", *SMALL, "--output-root", str(root))
    assert rc == 2 and err.startswith("error: ") and "Traceback" not in err
    for w in [f"{kind}.csv", *words]: assert w in err, (w, err)
    assert not root.exists() or not any(root.rglob("*")), "nothing may be created before the data is valid"


def test_an_exogenous_file_with_its_own_lag(tmp_path):
    from lstm_quant.study import load_exog
    f = tmp_path / "rates.csv"
    pd.DataFrame({"date": pd.bdate_range("2015-01-01", periods=50), "value": range(50)}).to_csv(f, index=False)
    lagged = load_exog(f"{f}@3")["rates"]
    assert lagged.index[0] == pd.Timestamp("2015-01-01") + pd.offsets.BDay(3)
    with pytest.raises(Exception, match="not found"): load_exog(str(tmp_path / "nope.csv"))
