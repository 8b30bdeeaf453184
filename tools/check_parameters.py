"""Fail unless every chapter notebook has exactly one cell tagged `parameters` (papermill), and papermill can read
every assignment in it (`papermill --help-notebook` and its parameter checks skip a line they cannot parse: an `=`
inside a comment, for one)."""
import json, logging, sys
from pathlib import Path

def parameter_cells(nb: dict) -> list:
    return [c for c in nb['cells'] if 'parameters' in c.get('metadata', {}).get('tags', [])]

def unparsed_lines(cell) -> list[str]:
    "Assignment lines of a parameters cell that papermill's inspector does not turn into a parameter."
    import nbformat
    from papermill.translators import PythonTranslator
    src = ''.join(cell['source'])
    logging.getLogger('papermill').setLevel(logging.ERROR)
    names = {p.name for p in PythonTranslator.inspect(nbformat.v4.new_code_cell(src))}
    lines = [l for l in src.splitlines() if l and not l.startswith((' ', '#')) and '=' in l.split('#')[0]]
    return [l for l in lines if l.split(':')[0].split('=')[0].strip() not in names]

def main(nbs_dir='nbs') -> int:
    bad = []
    for path in sorted(Path(nbs_dir).glob('[0-9]*.ipynb')):
        cells = parameter_cells(json.loads(path.read_text()))
        if len(cells) != 1: bad.append(f'{path}: {len(cells)} cells tagged "parameters" (need exactly 1)'); continue
        bad += [f'{path}: papermill cannot parse the parameter line {l!r} (an "=" in its comment?)' for l in unparsed_lines(cells[0])]
    for line in bad: print(line)
    if not bad: print('parameters cells: OK')
    return 1 if bad else 0

if __name__ == '__main__': sys.exit(main(*sys.argv[1:]))
