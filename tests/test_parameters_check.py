"tools/check_parameters.py: every parameter line of every chapter is one papermill can read; the control is one it cannot."
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from check_parameters import main, unparsed_lines  # noqa: E402


def test_every_chapter_parameter_line_parses():
    assert main(str(ROOT / "nbs")) == 0


def test_control_an_equals_sign_in_a_comment_is_caught():
    cell = nbformat.v4.new_code_cell("a: int = 1  # fine\nb: float = 0.5  # 0.5 = half\n")
    assert unparsed_lines(cell) == ["b: float = 0.5  # 0.5 = half"]
