"""The claims audit end to end (issue 14): `lq audit` on a tiny claim with simulated data writes its files; rerunning
one claim from an empty cache reproduces its row exactly; an unknown claim id is refused with the valid ids.

The arms are tiny studies on the simulated market (`dataset=sim`, two folds of 63 days, one epoch), so the whole file
runs in well under a minute on one core.
"""
import math
from pathlib import Path

import pandas as pd
import pytest

from lstm_quant.claims import CLAIMS, get_claims, run_claim
from lstm_quant.cli import main
from lstm_quant.core import ConfigError

# small sizes on top of the smoke preset; every arm of these tests shares them
TINY = dict(dataset="sim", assets="", start="2018-01-01", end="2020-12-31", train_days=252, valid_days=42, test_days=63,
            n_folds=2, hidden=8, seq_len=10, epochs=1, warm_start_epochs=0, n_seeds=1, baselines="")
CLAIM = "baseline_lstm_sharpe,icir_good"  # two level claims on the same single arm: one tiny study
NUMBERS = ["effect", "ci_low", "ci_high", "p_value", "mde", "n_days", "treatment_value"]


def _cli_args(out: Path, *extra) -> list[str]:
    return ["audit", "--claims", CLAIM, "--preset", "smoke", "--output-dir", str(out),
            *[a for k, v in TINY.items() for a in ("-p", f"{k}={v}")], *extra]


@pytest.fixture(scope="module")
def audit_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("audit")
    assert main(_cli_args(out)) == 0
    return out


def test_cli_writes_the_audit(audit_dir):
    table = pd.read_csv(audit_dir / "claims.csv")
    assert list(table["id"]) == CLAIM.split(",")
    assert {"id", "source", "claimed", "effect", "ci_low", "ci_high", "mde", "verdict"} <= set(table.columns)
    assert table["effect"].notna().all() and (table["ci_low"] < table["ci_high"]).all()
    assert table["verdict"].isin(["supported", "contradicted", "not detectable here", "no effect found"]).all()
    assert (audit_dir / "claims.md").read_text().startswith("# Claims audit")
    for cid in CLAIM.split(","): assert (audit_dir / "figures" / f"{cid}.png").stat().st_size > 0
    arms = pd.read_csv(audit_dir / "arms.csv")
    assert len(arms) == 1  # both claims read the same arm, which ran once


def test_cached_rerun_runs_nothing_and_matches(audit_dir, tmp_path):
    first = pd.read_csv(audit_dir / "claims.csv")
    assert main(_cli_args(audit_dir, "--cached-only")) == 0
    pd.testing.assert_frame_equal(pd.read_csv(audit_dir / "claims.csv"), first)
    # the control: with an empty cache and --cached-only nothing runs, and the rows say so
    assert main(_cli_args(tmp_path / "empty", "--cached-only")) == 0
    empty = pd.read_csv(tmp_path / "empty" / "claims.csv")
    assert (empty["verdict"] == "not run (budget)").all() and empty["effect"].isna().all()


def test_rerunning_one_claim_reproduces_its_row(audit_dir, tmp_path):
    "From an empty cache (a clean checkout), the claim's arm is trained again and every number of its row is the same."
    row = pd.read_csv(audit_dir / "claims.csv").set_index("id").loc["baseline_lstm_sharpe"]
    base = {k: v for k, v in TINY.items() if k != "dataset"}
    again = run_claim(CLAIMS["baseline_lstm_sharpe"], dataset="sim", preset="smoke", base=base, cache_dir=tmp_path / "arms")
    assert not math.isnan(again.effect)
    for k in NUMBERS:
        assert getattr(again, k) == row[k], (k, getattr(again, k), row[k])
    # the control: a different seed gives a different row, so the equality above is not vacuous
    other = run_claim(CLAIMS["baseline_lstm_sharpe"], dataset="sim", preset="smoke", base={**base, "seed": 1},
                      cache_dir=tmp_path / "arms")
    assert other.effect != again.effect


def test_unknown_claim_id_lists_the_valid_ones(capsys):
    with pytest.raises(ConfigError) as e:
        get_claims("dropout_icc")
    msg = str(e.value)
    assert "dropout_ic" in msg and "Valid choices" in msg and "ema_ratio_accuracy" in msg
    assert main(["audit", "--claims", "l1_ic,nope"]) == 2
    assert "nope" in capsys.readouterr().err


def test_registry_counts():
    testable = [c for c in CLAIMS.values() if c.testable]
    assert len(testable) >= 25
    from lstm_quant.claims import UNTESTABLE
    assert {c.untestable.split(":")[0] for c in CLAIMS.values() if not c.testable} == set(UNTESTABLE)
    # a claim measured by another chapter quotes that chapter's committed result
    for c in CLAIMS.values():
        if c.measured_in: assert f"{c.measured_in[0]} measured:" in run_claim(c).row()["reason"], c.id


def test_a_failing_arm_leaves_its_claim_not_run(tmp_path):
    "An arm whose study cannot run (too few dates for one fold) is reported; its claim's row says 'not run (error)'."
    from lstm_quant.claims import run_audit
    base = {k: v for k, v in TINY.items() if k != "dataset"}
    res = run_audit(["l1_ic"], dataset="sim", preset="smoke", base={**base, "train_days": 5000}, output_dir=tmp_path,
                    echo=None)
    row = res.table.set_index("id").loc["l1_ic"]
    assert row["verdict"] == "not run (error)" and math.isnan(row["effect"]) and "not finished" in row["reason"]


def test_panel_claims_without_the_panel_say_not_run_no_data(tmp_path, monkeypatch):
    "Where ../shared/data is absent (a fresh clone, CI), every claim on the 505-stock panel says so, naming the file."
    from lstm_quant.claims import SHARED_PANEL, run_audit
    panel = [c.id for c in CLAIMS.values() if c.testable and c.datasets[0] == SHARED_PANEL]
    assert {"flf_error", "cross_asset_features_return_panel", "multi_asset_model_return_panel",
            "lstm_cross_asset_ic_panel"} <= set(panel)
    monkeypatch.chdir(tmp_path)  # SHARED_PANEL is relative to the working directory: nothing is there
    res = run_audit(panel, output_dir=tmp_path / "out", echo=None)
    table = res.table.set_index("id")
    assert (table["verdict"] == "not run (no data)").all(), table["verdict"]
    assert table["reason"].str.contains("sp500_daily_ohlcv_2013_2018.parquet is absent here").all()
    assert not (tmp_path / "out" / "arms").exists() or not any((tmp_path / "out" / "arms").iterdir())  # nothing ran
    # the control: present data are not 'no data' (with --cached-only and an empty cache: 'not run (budget)')
    from lstm_quant.data import simulate_market
    market = simulate_market(n_assets=5, n_days=300, seed=0, start="2018-01-01").data
    again = run_claim(CLAIMS["cross_asset_features_return_panel"], data=market, cache_dir=tmp_path / "arms2", run_missing=False)
    assert again.verdict == "not run (budget)"
