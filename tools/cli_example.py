"""Run the README's production example and write its real output to docs/results/cli_example.md.

    python tools/cli_example.py [--preset quick]

`lq train` fits the study's model(s) on the most recent training window of `sp500_20` and writes a bundle under
output/; `lq signal` turns the bundle and the data into the next session's positions. Their terminal output is copied
verbatim into docs/results/cli_example.md (with the commit and the date), which tools/make_readme.py includes in the
README where the front-page notebook says `<!-- include: docs/results/cli_example.md -->`: the README never shows
typed-in figures.
"""
import argparse
import datetime as dt
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LQ = str(Path(sys.executable).with_name("lq"))


def _run(args: list[str]) -> str:
    p = subprocess.run([LQ, *args], cwd=ROOT, capture_output=True, text=True)
    if p.returncode: raise SystemExit(f"lq {' '.join(args)} failed:\n{p.stdout}\n{p.stderr}")
    return p.stdout.rstrip()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="quick")
    ap.add_argument("--out", default=str(ROOT / "docs" / "results" / "cli_example.md"))
    a = ap.parse_args(argv)
    train = ["train", "--preset", a.preset, "-p", "n_seeds=1", "--out", "output/bundles/sp500_20"]
    signal = ["signal", "output/bundles/sp500_20", "--data", "sp500_20", "--out", "output/signal_sp500_20.csv"]
    blocks = [f"$ lq {' '.join(train)}\n{_run(train)}", f"$ lq {' '.join(signal)}\n{_run(signal)}"]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    text = (f"Real output of `tools/cli_example.py` (commit {commit}, {dt.date.today()}; the `{a.preset}` preset with one seed, "
            "one thread):\n\n```text\n" + "\n\n".join(blocks) + "\n```\n")
    Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
