"""Split long `#| export` cells at top-level definitions, so each cell holds at most ~`limit` lines.

    python tools/split_cells.py [--limit 40] [--dry-run] nbs/X.ipynb ...

Only boundaries between top-level statements are used (a `def`, `class`, decorator or assignment starting in column 0
after a blank line), so no definition is ever cut in two; a single definition longer than the limit stays whole.
Cell ids are renumbered c000, c001, ... (as tools/nbsrc.py does). The code and its order are unchanged.
"""
import argparse, json, re
from pathlib import Path

TOP = re.compile(r'^(def |class |@|async def |[A-Za-z_][A-Za-z0-9_]* *(: [^=]+)?=)')

def chunks(lines: list[str], limit: int) -> list[list[str]]:
    "Top-level blocks of `lines` (without the '#| export' line), greedily packed into groups of <= limit lines."
    starts = [i for i, l in enumerate(lines) if TOP.match(l) and (i == 0 or not lines[i - 1].strip() or lines[i - 1].startswith('#'))]
    # a decorator or comment block belongs to the definition below it
    blocks, cur_start = [], 0
    for s in starts[1:]:
        j = s
        while j > cur_start and lines[j - 1].startswith(('@', '#')) and lines[j - 1].strip(): j -= 1
        if lines[s - 1].startswith('@'): continue
        if j > cur_start: blocks.append(lines[cur_start:j]); cur_start = j
    blocks.append(lines[cur_start:])
    groups, cur = [], []
    for b in blocks:
        if cur and len(cur) + len(b) > limit: groups.append(cur); cur = []
        cur = cur + b
    if cur: groups.append(cur)
    return [[l for l in g] for g in groups]

def split_notebook(path: Path, limit: int, dry: bool) -> int:
    nb = json.loads(path.read_text())
    out, n_split = [], 0
    for c in nb['cells']:
        src = ''.join(c['source']).split('\n')
        if c['cell_type'] != 'code' or src[0].strip() != '#| export' or len(src) <= limit + 1:
            out.append(c); continue
        groups = chunks(src[1:], limit)
        if len(groups) == 1: out.append(c); continue
        n_split += len(groups) - 1
        for g in groups:
            while g and not g[-1].strip(): g.pop()
            text = '\n'.join(['#| export'] + g)
            out.append(dict(cell_type='code', id='', metadata={}, source=text.splitlines(keepends=True),
                            execution_count=None, outputs=[]))
    for i, c in enumerate(out): c['id'] = f'c{i:03d}'
    nb['cells'] = out
    if n_split and not dry: path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    return n_split

if __name__ == '__main__':
    ap = argparse.ArgumentParser(); ap.add_argument('paths', nargs='+'); ap.add_argument('--limit', type=int, default=40)
    ap.add_argument('--dry-run', action='store_true'); a = ap.parse_args()
    for p in a.paths: print(p, split_notebook(Path(p), a.limit, a.dry_run), 'new cells')
