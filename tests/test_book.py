"The executed book's staleness check: a changed cell makes a page stale; outputs, ids and metadata do not."
import importlib.util, json, shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("build_book", ROOT / "tools" / "build_book.py")
build_book = importlib.util.module_from_spec(spec); spec.loader.exec_module(build_book)


def _nb(path: Path, sources, outputs=()):
    cells = [dict(cell_type="code", id=f"c{i}", metadata={}, source=s, execution_count=None, outputs=list(outputs))
             for i, s in enumerate(sources)]
    path.write_text(json.dumps(dict(cells=cells, metadata={}, nbformat=4, nbformat_minor=5)))


def test_source_hash_sees_sources_not_outputs(tmp_path):
    a, b, c = tmp_path / "a.ipynb", tmp_path / "b.ipynb", tmp_path / "c.ipynb"
    _nb(a, ["x = 1", "print(x)"])
    _nb(b, ["x = 1", "print(x)"], outputs=[dict(output_type="stream", name="stdout", text="1\n")])
    _nb(c, ["x = 2", "print(x)"])
    assert build_book.source_hash(a) == build_book.source_hash(b)
    assert build_book.source_hash(a) != build_book.source_hash(c)


def test_check_fails_when_a_chapter_changed_after_its_page(tmp_path, monkeypatch):
    nbs, book = tmp_path / "nbs", tmp_path / "book"
    nbs.mkdir(); book.mkdir()
    _nb(nbs / "01_x.ipynb", ["x = 1"])
    shutil.copy(nbs / "01_x.ipynb", book / "01_x.ipynb")
    monkeypatch.setattr(build_book, "NBS", nbs); monkeypatch.setattr(build_book, "BOOK", book)
    monkeypatch.setattr(build_book, "MANIFEST", book / "manifest.json")
    manifest = {"01_x.ipynb": dict(source_hash=build_book.source_hash(nbs / "01_x.ipynb"))}
    (book / "manifest.json").write_text(json.dumps(manifest))
    assert build_book.main(["--check"]) == 0
    _nb(nbs / "01_x.ipynb", ["x = 2"])                      # the source changes after the page was built
    assert build_book.main(["--check"]) == 1
    assert build_book.stale(build_book.load_manifest()) == ["01_x.ipynb"]
    _nb(nbs / "02_y.ipynb", ["y = 1"])                      # a chapter without a page
    assert "02_y.ipynb" in build_book.stale(build_book.load_manifest())
