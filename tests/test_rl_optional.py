"`lstm_quant.rl` without the optional extra: the package still imports, and the functions name the extra to install."
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HIDE = ("import sys\n"
        "for m in ('gymnasium', 'stable_baselines3'): sys.modules[m] = None  # as if `pip install lstm_quant[rl]` was not run\n")


def _run(code: str):
    return subprocess.run([sys.executable, "-c", HIDE + code], capture_output=True, text=True, cwd=ROOT)


def test_import_without_extra():
    res = _run("import lstm_quant, lstm_quant.rl, lstm_quant.risk, lstm_quant.hedging; print('ok')")
    assert res.returncode == 0 and "ok" in res.stdout, res.stderr


def test_clear_error_without_extra():
    code = ("import lstm_quant.rl as rl\n"
            "for f in (lambda: rl.make_trading_env(None, start='2020', end='2021'), lambda: rl.make_agent(None),\n"
            "          lambda: rl.rl_walk_forward(None), lambda: rl.make_hedging_env(None), lambda: rl.compare_hedging()):\n"
            "    try: f()\n"
            "    except ImportError as e: assert 'pip install lstm_quant[rl]' in str(e), e\n"
            "    else: raise AssertionError('no ImportError')\n"
            "print('ok')")
    res = _run(code)
    assert res.returncode == 0 and "ok" in res.stdout, res.stderr


def test_control_with_extra():
    "The control: with the extra installed the same call gets past the import check (and fails on its input instead)."
    res = subprocess.run([sys.executable, "-c", "import lstm_quant.rl as rl\ntry: rl.make_trading_env(None, start='2020', end='2021')\n"
                          "except ImportError: raise SystemExit(3)\nexcept Exception: pass"], capture_output=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
