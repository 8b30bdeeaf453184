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


def test_research_explanations_are_rendered_from_the_table():
    "docs/research.md's <!-- claims: ID --> blocks are the claim's row rendered; a changed row renders otherwise (control)."
    sys.path.insert(0, str(ROOT / "tools"))
    import claims_summary, pandas as pd
    table = pd.read_csv(claims_summary.TABLE)
    text = claims_summary.RESEARCH.read_text()
    assert "<!-- claims: garch_vix_volatility -->" in text
    assert claims_summary.render_research(table, text) == text
    i = table.index[table["id"] == "garch_vix_volatility"][0]
    assert isinstance(table.loc[i, "diagnostics"], str) and "persistence_rmse" in table.loc[i, "diagnostics"]
    assert f"{table.loc[i, 'treatment_value']:.4f}" in text  # the measured figure is in the page
    changed = table.copy()
    changed.loc[i, "treatment_value"] = table.loc[i, "treatment_value"] * 2
    assert claims_summary.render_research(changed, text) != text
