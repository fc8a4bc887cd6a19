# The workbench's commands. `make help` lists them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= build
STAMP  := $(VENV)/.installed
# The tests run on every core (pytest-xdist), a test file per worker at a time, so that a
# module's fixtures are made once; `make test PARALLEL=` runs them in one process.
PARALLEL ?= -n auto --dist loadfile

.PHONY: help install run test lab validate bench lint docs clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,lab]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install the workbench with its test and lab extras

run: $(STAMP)  ## validate the corpus and regenerate every artefact into build/
	$(BIN)/workbench validate --root .
	$(BIN)/workbench build --root . --out $(OUT)

test: $(STAMP)  ## run every test: unit, integration, doctests, browser and notebooks (nbval)
	$(BIN)/python -m pytest $(PARALLEL) --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg tests src/workbench notebooks/

validate: $(STAMP)  ## check the corpus only
	$(BIN)/workbench validate --root .

lab: $(STAMP)  ## open JupyterLab on the notebooks
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)  ## run the benchmarks at 1x, 10x and 100x the corpus
	$(BIN)/python benchmarks/run.py

lint: $(STAMP)  ## ruff lint and format check, mypy on src/
	$(BIN)/python -m ruff check src tests benchmarks
	$(BIN)/python -m ruff format --check src tests benchmarks
	$(BIN)/python -m mypy

docs: $(STAMP)  ## redraw docs/dataflow.png from the build's dataflow
	$(BIN)/python -c "from workbench.dataflow import dataflow, dataflow_graph; \
	from workbench.render.dataflow_figure import dataflow_figure; \
	from workbench.render.figures import png_bytes; from workbench.tidy import write_atomically; \
	from pathlib import Path; \
	write_atomically(Path('docs/dataflow.png'), png_bytes(dataflow_figure(dataflow_graph(dataflow()))))"

clean:  ## remove build outputs (keeps .venv)
	rm -rf $(OUT) .pytest_cache
