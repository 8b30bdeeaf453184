"""Fail unless every chapter notebook has exactly one cell tagged `parameters` (papermill)."""
import json, sys
from pathlib import Path

def parameter_cells(path: Path) -> int:
    nb = json.loads(path.read_text())
    return sum('parameters' in c.get('metadata', {}).get('tags', []) for c in nb['cells'])

def main(nbs_dir='nbs') -> int:
    bad = []
    for path in sorted(Path(nbs_dir).glob('[0-9]*.ipynb')):
        n = parameter_cells(path)
        if n != 1: bad.append(f'{path}: {n} cells tagged "parameters" (need exactly 1)')
    for line in bad: print(line)
    if not bad: print('parameters cells: OK')
    return 1 if bad else 0

if __name__ == '__main__': sys.exit(main(*sys.argv[1:]))
