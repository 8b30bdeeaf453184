# lstm_quant: the two commands are `make study` and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test study lab env export clean-nbs check-sync check-params check-book check-book-warn nbtest pytest bench book

# The environment: torch first (the CPU wheel on local disk; plain `torch` pulls a multi-GB CUDA
# build), then the project with every extra the tests need: dev, rl (gymnasium, stable-baselines3; they keep the torch
# pin), text (transformers, for the local-directory news scorer), ray (the executor's ray engine) and tune (optuna).
# Re-run when pyproject.toml changes.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[dev,rl,text,ray,tune]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "lstm_quant (.venv)" >/dev/null
	@touch $(STAMP)

env: $(STAMP)

export: $(STAMP)
	$(BIN)/nbdev-clean
	$(BIN)/nbdev-export
	$(BIN)/python tools/make_readme.py README.md

# Notebooks and exported modules must already be in sync: clean + export must change nothing.
check-sync: export
	@dirty=$$(git status --porcelain); \
	if [ -n "$$dirty" ]; then \
	  echo "nbdev-clean/nbdev-export changed files (commit notebooks and modules together):"; \
	  echo "$$dirty"; exit 1; fi

check-params: $(STAMP)
	$(BIN)/python tools/check_parameters.py nbs

# Two notebook workers on two cores: one thread each (small CPU models run ~5x slower oversubscribed).
nbtest: $(STAMP)
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/nbdev-test --n-workers 2

pytest: $(STAMP)
	$(BIN)/python -m pytest -q tests

# The executed book (book/) must be current: a chapter whose source changed after its page was built fails here.
# Rebuilding is too slow for CI (every chapter with its slow real-data sections), so `make book` builds locally,
# book/ is committed, and CI only checks (strictly: a stale page fails `make test`). check-book-warn only warns.
check-book: $(STAMP)
	$(BIN)/python tools/build_book.py --check

check-book-warn: $(STAMP)
	@$(BIN)/python tools/build_book.py --check || echo "WARNING: book/ is out of date for the chapters above (make book)"

test: check-sync check-params check-book nbtest pytest

study: $(STAMP)
	$(BIN)/lq study run --preset quick

lab: $(STAMP)
	$(BIN)/pip install -q -e ".[dev,rl,lab]"
	$(BIN)/jupyter lab --notebook-dir=nbs

# Execute every chapter with its slow sections into book/ (only the chapters whose source changed; FORCE=1 for all).
book: $(STAMP)
	$(BIN)/python tools/build_book.py $(if $(FORCE),--force,)

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f; done
