"""Compare the outputs of two executed books cell by cell (a refactor must reproduce every figure).

    python tools/compare_books.py OLD_BOOK_DIR NEW_BOOK_DIR [--show 20]

Cells are matched by their source text (whitespace-normalised) across all chapters, so a chapter that was split
into several still matches. For each matched code cell the text outputs (stdout, text/plain, text/markdown; floats
compared as printed) and the PNG images (by hash) are compared. Timing lines ("... s", "took") are ignored because
they measure the machine, not the library. Prints a summary and the first differing cells.
"""
from __future__ import annotations
import argparse, hashlib, json, re, sys
from pathlib import Path

TIMING = re.compile(r"(\d+(\.\d+)?\s*(s|ms|seconds|min)\b|took|elapsed|samples/s|it/s|\d{4}-\d\d-\d\d \d\d:\d\d)")


def _norm(src: str) -> str:
    return re.sub(r"\s+", " ", src).strip()


def cell_outputs(book: Path) -> dict[str, dict]:
    out = {}
    for path in sorted(book.glob("[0-9]*.ipynb")):
        nb = json.loads(path.read_text())
        for c in nb["cells"]:
            if c["cell_type"] != "code": continue
            src = "".join(c["source"])
            text, images = [], []
            for o in c.get("outputs", []):
                if o.get("output_type") == "stream" and o.get("name") == "stdout": text.append("".join(o["text"]))
                data = o.get("data", {})
                for kind in ("text/markdown", "text/plain"):
                    if kind in data:
                        text.append("".join(data[kind])); break
                if "image/png" in data: images.append(hashlib.sha256("".join(data["image/png"]).encode()).hexdigest()[:12])
            lines = [l for l in "\n".join(text).splitlines() if not TIMING.search(l)]
            out.setdefault(_norm(src), dict(chapter=path.stem, text="\n".join(lines), images=images, src=src))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("old"); ap.add_argument("new"); ap.add_argument("--show", type=int, default=20)
    a = ap.parse_args(argv)
    old, new = cell_outputs(Path(a.old)), cell_outputs(Path(a.new))
    common = [k for k in old if k in new]
    with_out = [k for k in common if old[k]["text"] or old[k]["images"]]
    text_diff = [k for k in with_out if old[k]["text"] != new[k]["text"]]
    img_diff = [k for k in with_out if old[k]["images"] != new[k]["images"]]
    print(f"code cells: old {len(old)}, new {len(new)}, matched by source {len(common)}, "
          f"matched with outputs {len(with_out)}")
    print(f"text outputs identical: {len(with_out) - len(text_diff)}/{len(with_out)}; "
          f"images identical: {len(with_out) - len(img_diff)}/{len(with_out)}")
    for k in text_diff[:a.show]:
        print(f"\n--- {old[k]['chapter']} -> {new[k]['chapter']}: {old[k]['src'][:120]!r}")
        print("old:", old[k]["text"][:600]); print("new:", new[k]["text"][:600])
    if img_diff: print("\ncells whose images differ:", *[f"{old[k]['chapter']}: {old[k]['src'][:80]!r}" for k in img_diff[:a.show]], sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
