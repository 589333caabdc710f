# Everything runs from a project-local virtualenv; only Python 3.11, pip and make are needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest snapshot-update bench screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/supersim-tui --demo

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

# Two workers: the suite's keys-at-machine-speed tests are written to hold under load (tui/keyflow.py).
pytest: $(STAMP)
	$(BIN)/pytest -q -n 2

# Re-record the TUI snapshots after a deliberate change of the picture, then LOOK at each changed one:
#   make snapshot-update K=login      (K: a pytest -k expression; without it every snapshot test runs)
SNAPSHOT_TESTS = $(shell grep -l snap_compare tests/test_*.py)
snapshot-update: $(STAMP)
	$(BIN)/pytest -q --snapshot-update $(SNAPSHOT_TESTS) $(if $(K),-k '$(K)')
	@git status --short tests/__snapshots__
	@echo "Look at each changed picture: rsvg-convert -o /tmp/x.png tests/__snapshots__/FILE/NAME.svg"

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

screenshots: $(STAMP)
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
