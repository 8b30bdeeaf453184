"""Convert between chapter notebooks and a plain-text "percent" form that is easy to edit and diff.

    python tools/nbsrc.py to-nb  chapter.pct  nbs/NN_name.ipynb
    python tools/nbsrc.py to-pct nbs/NN_name.ipynb  chapter.pct

Cells start with a marker line: `# %%` (code), `# %% [markdown]` (markdown) or
`# %% tags=parameters` (a code cell tagged for papermill; several tags comma-separated).
Markdown lines are written commented (`# text`, a bare `#` for a blank line), as in jupytext; the
leading `# ` is stripped on the way to the notebook.
The notebook is the source of truth (nbdev exports from it); the .pct form is a working copy.
"""
import json, re, sys
from pathlib import Path

MARK = re.compile(r'^# %%(?: \[(markdown)\])?(?: tags=([\w,-]+))?\s*$')

def _uncomment(line: str) -> str:
    return '' if line.strip() == '#' else line[2:] if line.startswith('# ') else line

def pct_to_cells(text: str) -> list[dict]:
    cells, cur = [], None
    for line in text.splitlines():
        m = MARK.match(line)
        if m:
            if cur: cells.append(cur)
            cur = dict(kind='markdown' if m.group(1) else 'code',
                       tags=m.group(2).split(',') if m.group(2) else [], lines=[])
        elif cur is not None: cur['lines'].append(line)
    if cur: cells.append(cur)
    out = []
    for i, c in enumerate(cells):
        lines = c['lines']
        while lines and not lines[-1].strip(): lines.pop()
        while lines and not lines[0].strip(): lines.pop(0)
        if c['kind'] == 'markdown': lines = [_uncomment(l) for l in lines]
        src = [l + '\n' for l in lines]
        if src: src[-1] = src[-1][:-1]
        cell = dict(cell_type=c['kind'], id=f'c{i:03d}', metadata={'tags': c['tags']} if c['tags'] else {}, source=src)
        if c['kind'] == 'code': cell.update(execution_count=None, outputs=[])
        out.append(cell)
    return out

def to_nb(src: str, dst: str):
    nb = dict(cells=pct_to_cells(Path(src).read_text()), nbformat=4, nbformat_minor=5,
              metadata=dict(kernelspec=dict(display_name='python3', language='python', name='python3')))
    Path(dst).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')

def to_pct(src: str, dst: str):
    nb = json.loads(Path(src).read_text())
    parts = []
    for c in nb['cells']:
        tags = c.get('metadata', {}).get('tags', [])
        head = '# %%' + (' [markdown]' if c['cell_type'] == 'markdown' else '') + (f' tags={",".join(tags)}' if tags else '')
        src = ''.join(c['source'])
        if c['cell_type'] == 'markdown': src = '\n'.join('# ' + l if l else '#' for l in src.split('\n'))
        parts.append(head + '\n' + src + '\n')
    Path(dst).write_text('\n'.join(parts))

if __name__ == '__main__':
    cmd, a, b = sys.argv[1:4]
    {'to-nb': to_nb, 'to-pct': to_pct}[cmd](a, b)
