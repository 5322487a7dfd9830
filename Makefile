# Two commands matter: `make run` (build the graph, write metrics and the visualization) and
# `make test` (the whole suite). Both create .venv and install the project into it when needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test docs bench dist system-deps clean help

help:
	@echo "make run    build the graph from data/, write metrics and the visualization, print where"
	@echo "make test   run the whole test suite"
	@echo "make docs   build the manual (docs/, MkDocs) into site/; open site/index.html"
	@echo "make bench  run the benchmarks (store, queries, metrics at 1,000 and 10,000 events; the 2,000-node page)"
	@echo "make dist   build the sdist and the wheel into dist/ (pipx install dist/kg-*.whl)"
	@echo "make system-deps  install Chromium and Virtuoso with apt-get (root) for the browser and server tests"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kg needs Python 3.11 or newer: set PYTHON=python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/kg run

# Two pytest workers (pytest-xdist), one test file each at a time: the files share nothing but the
# machine, and most tests wait on a child process, a server or the browser. TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

bench: $(STAMP)
	$(BIN)/python scripts/bench.py
	$(BIN)/python scripts/bench_viz.py

dist: $(STAMP)
	$(BIN)/python -m build --outdir dist .

system-deps:
	bash scripts/install-system-deps.sh

clean:
	rm -rf build
