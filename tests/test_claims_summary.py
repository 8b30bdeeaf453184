"""The README's claims-audit summary is rendered from book/claims.csv (tools/claims_summary.py), never typed by hand."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_summary_matches_the_results_table(tmp_path):
    tool = ROOT / "tools" / "claims_summary.py"
    assert subprocess.run([sys.executable, str(tool), "--check"], cwd=ROOT).returncode == 0
    sys.path.insert(0, str(tool.parent))
    import claims_summary, pandas as pd
    table = pd.read_csv(claims_summary.TABLE)
    changed = table.copy()  # control: a table with one verdict flipped renders otherwise
    first = changed.index[0]
    changed.loc[first, "verdict"] = "contradicted" if changed.loc[first, "verdict"] == "supported" else "supported"
    assert claims_summary.render(changed) != claims_summary.render(table)
    assert f"{len(table)} claims registered" in (ROOT / "README.md").read_text()
