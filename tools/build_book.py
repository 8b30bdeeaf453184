"""Execute every chapter into book/ (the executed book) and check that it is current.

    python tools/build_book.py                 # build the chapters whose source changed (resumable)
    python tools/build_book.py --force         # rebuild every chapter
    python tools/build_book.py --only 05d_validation 06_risk
    python tools/build_book.py --check         # exit 1 if a chapter's source changed after its page was built

Each chapter notebook `nbs/NN_name.ipynb` is executed with papermill (working directory `nbs/`, like nbdev-test)
with its slow real-data sections switched on (`run_full=True` where the chapter has that parameter; the study
chapter runs the `quick` preset), then written as
- `book/NN_name.ipynb`: the executed notebook, a stamp cell first (when, from which commit, parameters, seconds);
- `book/NN_name.html`: a static page of it (nbconvert);
- `book/index.html` and `book/README.md`: the table of contents;
- `book/manifest.json`: per chapter the hash of its source cells, the commit, the time and the parameters.
The check compares each chapter's source hash with the manifest: outputs, execution counts and cell ids do not
count, so `nbdev-clean` never makes the book stale; a changed cell does.
`nbs/` stays the clean source: nothing is written there.
"""
from __future__ import annotations
import argparse, datetime as dt, hashlib, html, json, os, re, subprocess, sys, time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS, BOOK = ROOT / "nbs", ROOT / "book"
MANIFEST = BOOK / "manifest.json"
STAMP_TAG = "book-stamp"


def chapters() -> list[Path]:
    "The chapter notebooks in reading order (numbered ones; the index is the README, not a chapter)."
    return sorted(NBS.glob("[0-9]*.ipynb"))


def source_hash(path: Path) -> str:
    "SHA-256 of a notebook's cell types and sources (not outputs, ids or metadata)."
    nb = json.loads(path.read_text())
    cells = [[c["cell_type"], "".join(c["source"]) if isinstance(c["source"], list) else c["source"]]
             for c in nb["cells"] if STAMP_TAG not in c.get("metadata", {}).get("tags", [])]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).hexdigest()


def _parameters_source(path: Path) -> str:
    nb = json.loads(path.read_text())
    return "".join(next(("".join(c["source"]) for c in nb["cells"]
                         if "parameters" in c.get("metadata", {}).get("tags", [])), ""))


def book_parameters(path: Path) -> dict:
    "Parameters for the book run: the slow sections on; the study chapter with the `quick` preset."
    src = _parameters_source(path)
    if "STUDY-PARAMETERS" in src:
        from lstm_quant.study import resolve_params
        return resolve_params("quick")
    return {"run_full": True} if re.search(r"^run_full\s*:", src, re.M) else {}


def _git(*args) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def _description(nb: dict) -> tuple[str, str]:
    "The chapter's title and one-line description (its first markdown cell: `# Title` then `> description`)."
    first = next((c for c in nb["cells"] if c["cell_type"] == "markdown"), None)
    text = "".join(first["source"]) if first else ""
    title = next((l[2:].strip() for l in text.splitlines() if l.startswith("# ")), "")
    desc = next((l[1:].strip() for l in text.splitlines() if l.startswith(">")), "")
    return title, desc


def execute(path: Path, commit: str, dirty: bool) -> dict:
    "Execute one chapter into book/ and return its manifest entry."
    import nbformat, papermill as pm
    params = book_parameters(path)
    executed_hash = source_hash(path)  # read before running: an edit during the run leaves the page stale, not "current"
    out = BOOK / path.name
    tmp = BOOK / f".tmp-{path.name}"
    env = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    t0 = time.time()
    try:
        pm.execute_notebook(str(path), str(tmp), parameters=params, kernel_name="python3", cwd=str(NBS),
                            log_output=False, progress_bar=False, start_timeout=180,
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    finally:
        for k, v in old.items():
            if v is None: os.environ.pop(k, None)
            else: os.environ[k] = v
    seconds = time.time() - t0
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    nb = nbformat.read(tmp, as_version=4)
    title, desc = _description(nb)
    shown = ", ".join(f"`{k}={v!r}`" for k, v in params.items() if k in ("run_full", "preset") or "STUDY" not in k)
    stamp = (f"*Executed by `make book` on {when} from commit `{commit[:10]}`"
             f"{' (with uncommitted changes)' if dirty else ''}, in {seconds:.0f} s on this machine"
             f"{', parameters: ' + shown if params else ' with its default parameters'}. "
             f"Source: [`nbs/{path.name}`](../nbs/{path.name}).*")
    cell = nbformat.v4.new_markdown_cell(stamp)
    cell.metadata["tags"] = [STAMP_TAG]
    cell["id"] = STAMP_TAG
    nb.cells.insert(0, cell)
    nbformat.write(nb, out)
    tmp.unlink(missing_ok=True)
    write_html(nb, BOOK / path.with_suffix(".html").name, title)
    return dict(source_hash=executed_hash, commit=commit, dirty=dirty, executed_at=when,
                seconds=round(seconds, 1), parameters={k: v for k, v in params.items()}, title=title,
                description=desc)


CSS = """body{font-family:system-ui,sans-serif;max-width:62em;margin:2em auto;padding:0 1em;line-height:1.45}
pre,code{font-family:ui-monospace,monospace;font-size:.9em}.jp-InputArea pre,.input_area pre{background:#f6f8fa;padding:.6em;overflow-x:auto}
.jp-OutputArea pre,.output_area pre{padding:.3em .6em;overflow-x:auto}img{max-width:100%}
table{border-collapse:collapse;font-size:.9em}td,th{padding:.2em .5em;border-bottom:1px solid #ddd;text-align:right}
.jp-InputPrompt,.jp-OutputPrompt,.prompt{display:none}.jp-Cell{margin:.8em 0}
"""


def write_html(nb, out: Path, title: str) -> None:
    "A static page of an executed notebook: nbconvert's bare body and one shared stylesheet (book/style.css)."
    from nbconvert import HTMLExporter
    body, _ = HTMLExporter(template_name="basic").from_notebook_node(nb)
    out.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
                   f"<link rel='stylesheet' href='style.css'></head><body><p><a href='index.html'>the book</a></p>"
                   f"{body}</body></html>\n")


def write_index(manifest: dict) -> None:
    (BOOK / "style.css").write_text(CSS)
    rows = [(name, manifest[name]) for name in sorted(manifest)]
    md = ["# The executed book", "",
          "Every chapter of `nbs/`, executed with its slow real-data sections by `make book` "
          "(`tools/build_book.py`). Open a notebook here on GitHub or in JupyterLab to see every table and plot "
          "without running anything; `index.html` and the `.html` pages are the same as static pages.", "",
          "| chapter | what it gives | executed | seconds |", "|---|---|---|---|"]
    for name, e in rows:
        md.append(f"| [{e['title'] or name}]({name}) | {e['description']} | {e['executed_at']}, `{e['commit'][:10]}` "
                  f"| {e['seconds']:.0f} |")
    (BOOK / "README.md").write_text("\n".join(md) + "\n")
    items = "\n".join(
        f"<tr><td><a href='{html.escape(Path(n).with_suffix('.html').name)}'>{html.escape(e['title'] or n)}</a></td>"
        f"<td>{html.escape(e['description'])}</td><td>{e['executed_at']}<br><code>{e['commit'][:10]}</code></td>"
        f"<td style='text-align:right'>{e['seconds']:.0f}</td></tr>" for n, e in rows)
    (BOOK / "index.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>lstm_quant: the executed book</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td{padding:.3em .6em;vertical-align:top}"
        "tr:nth-child(even){background:#f4f4f4}</style></head><body><h1>lstm_quant: the executed book</h1>"
        "<p>Every chapter, executed with its slow real-data sections by <code>make book</code>.</p>"
        f"<table><tr><th>chapter</th><th>what it gives</th><th>executed</th><th>seconds</th></tr>{items}</table>"
        "</body></html>\n")


def load_manifest() -> dict:
    return json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}


def stale(manifest: dict) -> list[str]:
    "Chapters whose page is missing or older than their source; pages of chapters that no longer exist."
    out = []
    for p in chapters():
        e = manifest.get(p.name)
        if e is None or e["source_hash"] != source_hash(p) or not (BOOK / p.name).exists():
            out.append(p.name)
    out += [f"{n} (chapter removed)" for n in manifest if not (NBS / n).exists()]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="exit 1 when a page is missing or older than its chapter")
    ap.add_argument("--force", action="store_true", help="rebuild every chapter")
    ap.add_argument("--only", nargs="*", default=None, help="chapter names (with or without .ipynb)")
    ap.add_argument("--html-only", action="store_true", help="rewrite the HTML pages and index from book/*.ipynb")
    ap.add_argument("--workers", type=int, default=2, help="chapters executed at once (one thread each)")
    args = ap.parse_args(argv)
    manifest = load_manifest()
    if args.check:
        bad = stale(manifest)
        if bad:
            print("book/ is out of date (run `make book` and commit book/):\n  " + "\n  ".join(bad))
            return 1
        print(f"book/: all {len(manifest)} chapter pages are current")
        return 0
    if args.html_only:
        import nbformat
        for n, e in manifest.items():
            write_html(nbformat.read(BOOK / n, as_version=4), BOOK / Path(n).with_suffix(".html").name, e["title"] or n)
        write_index(manifest)
        return 0
    BOOK.mkdir(exist_ok=True)
    for n in [n for n in manifest if not (NBS / n).exists()]:  # pages of removed chapters go
        manifest.pop(n)
        for suffix in (".ipynb", ".html"): (BOOK / Path(n).with_suffix(suffix).name).unlink(missing_ok=True)
    todo = [p for p in chapters() if args.force or p.name in stale(manifest)]
    if args.only is not None:
        want = {o.removesuffix(".ipynb") for o in args.only}
        todo = [p for p in chapters() if p.stem in want]
    commit = _git("rev-parse", "HEAD")
    dirty = bool(_git("status", "--porcelain", "--", "nbs", "lstm_quant"))
    print(f"executing {len(todo)} chapter(s) with {args.workers} worker(s): {', '.join(p.stem for p in todo) or '-'}")
    failed = []
    with ProcessPoolExecutor(max_workers=max(1, args.workers)) as pool:
        futs = {pool.submit(execute, p, commit, dirty): p for p in todo}
        for f in as_completed(futs):
            p = futs[f]
            try:
                manifest[p.name] = f.result()
                print(f"  {p.stem}: {manifest[p.name]['seconds']:.0f} s", flush=True)
            except Exception as e:  # a failing chapter keeps its old page out of the manifest: the check then fails
                manifest.pop(p.name, None)
                failed.append(p.name)
                print(f"  {p.stem}: FAILED: {type(e).__name__}: {str(e)[:2000]}", flush=True)
            MANIFEST.write_text(json.dumps(dict(sorted(manifest.items())), indent=1) + "\n")  # resumable
    write_index(manifest)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
