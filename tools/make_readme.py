"""Write README.md from nbs/index.ipynb (quarto, and so nbdev-readme, cannot be installed offline).

Markdown cells are copied; code cells become ```python blocks. A markdown line `<!-- include: PATH -->` is replaced
by the file at PATH (relative to the repository), e.g. the real CLI output that tools/cli_example.py writes.
`make test` regenerates it and fails if it changed, so README and the front-page notebook always agree.
"""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INCLUDE = re.compile(r"^<!-- include: (\S+) -->$", re.M)

def _include(m) -> str:
    path = ROOT / m.group(1)
    if not path.exists(): raise SystemExit(f"README include {m.group(1)} does not exist (written by a tool under tools/)")
    return path.read_text().strip()

def render(nb_path='nbs/index.ipynb') -> str:
    nb = json.loads(Path(nb_path).read_text())
    parts = []
    for c in nb['cells']:
        src = ''.join(c['source']).strip()
        if not src or src.startswith('#| hide'): continue
        parts.append(INCLUDE.sub(_include, src) if c['cell_type'] == 'markdown' else f'```python\n{src}\n```')
    return '<!-- generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook -->\n\n' + '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    Path(sys.argv[1] if len(sys.argv) > 1 else 'README.md').write_text(render())
