"""Render the claims audit's README summary from `book/claims.csv` into docs/results/claims_summary.md, and the
measured explanations of docs/research.md.

    python tools/claims_summary.py [--check]

The front-page notebook includes the file (`<!-- include: docs/results/claims_summary.md -->`), so every figure in
the README's audit summary comes from the committed results table, none typed by hand. In docs/research.md, the text
between `<!-- claims: ID -->` and `<!-- /claims -->` is the claim's explanation rendered from its row
(`lstm_quant.claims.volatility_explanation`). `--check` exits 1 when either file differs from what the table renders
(tests/test_claims_summary.py runs it).
"""
import argparse
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
TABLE, OUT = ROOT / "book" / "claims.csv", ROOT / "docs" / "results" / "claims_summary.md"
RESEARCH = ROOT / "docs" / "research.md"
BLOCK = re.compile(r"(?P<indent>[ ]*)<!-- claims: (?P<id>\w+) -->\n.*?<!-- /claims -->", re.S)
ORDER = ["supported", "contradicted", "no effect found", "not detectable here", "measured in its chapter", "not testable yet",
         "not testable offline"]


def _num(x) -> str:
    return "" if pd.isna(x) else f"{x:+.3g}"


def render(table: pd.DataFrame) -> str:
    counts = table["verdict"].value_counts()
    verdicts = [v for v in ORDER if v in counts] + sorted(set(counts.index) - set(ORDER))
    lines = [f"{len(table)} claims registered; verdicts on real data (`book/claims.csv`, `lq audit`):", "",
             "| verdict | claims |", "|---|---|"] + [f"| {v} | {counts[v]} |" for v in verdicts]
    decided = table[table["verdict"].isin(["supported", "contradicted"])]
    if len(decided):
        lines += ["", "The claims with a decided verdict (effect = treatment - control with its 95 % interval, minimum detectable "
                  "effect at 80 % power; 'supported' means the direction, the last column says whether the claimed size is "
                  "inside the interval):", "",
                  "| claim | claimed | metric | effect | 95 % interval | MDE | verdict | claimed size in interval |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in decided.itertuples():
            lines.append(f"| {r.id} | {r.claimed} | {r.metric} | {_num(r.effect)} | {_num(r.ci_low)} .. {_num(r.ci_high)} | "
                         f"{_num(r.mde)} | {r.verdict} | {'yes' if r.claimed_in_ci in (True, 'True') else 'no'} |")
    from lstm_quant.claims import seed_placebos
    seeds, text = seed_placebos(table)
    if len(seeds):
        lines += ["", text, "", "| claim | metric | verdict | effect | 95 % interval | the next seed's effect | 95 % interval |",
                  "|---|---|---|---|---|---|---|"]
        for r in seeds.itertuples():
            lines.append(f"| {r.id} | {r.metric} | {r.verdict} | {_num(r.effect)} | {_num(r.ci_low)} .. {_num(r.ci_high)} | "
                         f"{_num(r.seed_effect)} | {_num(r.seed_ci_low)} .. {_num(r.seed_ci_high)} |")
    return "\n".join(lines) + "\n"


def render_research(table: pd.DataFrame, text: str) -> str:
    "docs/research.md with every `<!-- claims: ID -->` block re-rendered from the claim's row of `table`."
    from lstm_quant.claims import volatility_explanation
    rows = table.set_index("id", drop=False)
    def block(m):
        ind, cid = m["indent"], m["id"]
        body = volatility_explanation(rows.loc[cid]) if cid in rows.index else ""
        body = body or f"(`{cid}` has no measured explanation in `book/claims.csv`: rerun `lq audit --claims {cid}`)"
        return (f"{ind}<!-- claims: {cid} -->\n{ind}Measured by the committed audit (`book/claims.csv`, rendered by "
                f"`tools/claims_summary.py`): {body}\n{ind}<!-- /claims -->")
    return BLOCK.sub(block, text)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args(argv)
    table = pd.read_csv(TABLE)
    text, research = render(table), render_research(table, RESEARCH.read_text())
    if a.check:
        stale = [p for p, t in ((OUT, text), (RESEARCH, research)) if not p.exists() or p.read_text() != t]
        for p in stale:
            print(f"{p.relative_to(ROOT)} is out of date with {TABLE.relative_to(ROOT)}: run python tools/claims_summary.py")
        return 1 if stale else 0
    OUT.parent.mkdir(parents=True, exist_ok=True); OUT.write_text(text); print(text)
    RESEARCH.write_text(research)
    return 0


if __name__ == "__main__":
    sys.exit(main())
