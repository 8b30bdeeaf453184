"""The example files the README points at stay valid."""
from pathlib import Path

from lstm_quant.study import load_grid

ROOT = Path(__file__).resolve().parents[1]


def test_example_grid_parses_to_four_points():
    grid = load_grid(str(ROOT / "examples" / "grid.yaml"))
    assert len(grid["points"]) == 4
    assert {(p["model"], p["seq_len"]) for p in grid["points"]} == {
        ("lstm", 20), ("lstm", 60), ("attn_lstm", 20), ("attn_lstm", 60)}


def test_layers_grid_varies_only_depth():
    grid = load_grid(str(ROOT / "examples" / "grid_layers.yaml"))
    assert [p["n_layers"] for p in grid["points"]] == [1, 2, 3]
    rest = [{k: v for k, v in p.items() if k not in ("n_layers",)} for p in grid["points"]]
    assert rest[0] == rest[1] == rest[2]
