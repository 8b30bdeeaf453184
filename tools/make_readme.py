"""Write README.md from nbs/index.ipynb (quarto, and so nbdev-readme, cannot be installed offline).

Markdown cells are copied; code cells become ```python blocks. `make test` regenerates it and fails if it
changed, so README and the front-page notebook always agree.
"""
import json, sys
from pathlib import Path

def render(nb_path='nbs/index.ipynb') -> str:
    nb = json.loads(Path(nb_path).read_text())
    parts = []
    for c in nb['cells']:
        src = ''.join(c['source']).strip()
        if not src or src.startswith('#| hide'): continue
        parts.append(src if c['cell_type'] == 'markdown' else f'```python\n{src}\n```')
    return '<!-- generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook -->\n\n' + '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    Path(sys.argv[1] if len(sys.argv) > 1 else 'README.md').write_text(render())
