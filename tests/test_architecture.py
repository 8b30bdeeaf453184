"""Data flows one way: no chapter imports from a later one (docs/design.md's table of rooms)."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "lstm_quant"
# module -> chapter order; a module may import only modules of a strictly earlier chapter (or itself)
ORDER = {"core": 0, "data": 0, "windows": 1, "indicators": 1, "cross_asset": 1, "calendar": 1, "features": 1,
         "models": 2, "losses": 3, "batches": 4, "loop": 4, "ensembles": 4, "baselines": 4, "training": 4,
         "splits": 5, "ic": 5, "significance": 5, "validation": 5,
         "risk": 6, "regimes": 6, "portfolio": 6, "hedging": 6, "rl": 6,
         "study_config": 7, "executor": 7, "runs": 7, "report": 7, "study": 7, "tune": 7, "signals": 7, "claims": 7, "cli": 7, "altdata": 1}
# models and losses are pure torch: they may use the core vocabulary (errors, checks) and data, nothing else of ours
TORCH_ONLY = {"models", "losses"}


def _our_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            mod = node.module
            if node.level and not mod.startswith("lstm_quant"): mod = "lstm_quant." + mod
            if mod.startswith("lstm_quant."): found.add(mod.split(".")[1])
            elif mod == "lstm_quant": found.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("lstm_quant."))
    return found


MODULES = sorted(p for p in PKG.glob("*.py") if not p.name.startswith("_"))


@pytest.mark.parametrize("path", MODULES, ids=[p.stem for p in MODULES])
def test_imports_point_up(path):
    me = path.stem
    assert me in ORDER, f"new module {me}.py: add it to ORDER in {__file__} with its chapter number"
    for other in _our_imports(path) - {me}:
        assert other in ORDER, f"{me} imports unknown module {other}"
        assert ORDER[other] <= ORDER[me], f"{me} (chapter {ORDER[me]}) imports later chapter {other} ({ORDER[other]})"
        if me in TORCH_ONLY:
            assert other in ("core", "data"), f"{me} must stay torch-only (it imports {other})"


# statistics a risk chapter or a study reads must not pull in torch, the training loop or the tabular baselines;
# risk (sizing, backtests, tearsheets) must not pull in torch or training (its regimes use scikit-learn's mixture)
HEAVY = ("torch", "lstm_quant.training", "lightgbm", "sklearn")
LIGHT = {"core": HEAVY, "data": HEAVY, "splits": HEAVY, "significance": HEAVY, "ic": HEAVY,
         "risk": ("torch", "lstm_quant.training", "lstm_quant.validation", "lightgbm")}


@pytest.mark.parametrize("module", sorted(LIGHT))
def test_light_modules_import_no_torch(module):
    code = (f"import lstm_quant.{module}, sys; heavy = [m for m in {LIGHT[module]!r} "
            "if m in sys.modules]; assert not heavy, heavy")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PKG.parent)
    assert res.returncode == 0, f"importing lstm_quant.{module} imports {res.stderr.strip().splitlines()[-1]}"


def test_light_check_fails_on_a_heavy_module():
    "The control: the same check run on `validation` (which trains models) does find torch."
    code = "import lstm_quant.validation, sys; assert 'torch' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=PKG.parent).returncode != 0
