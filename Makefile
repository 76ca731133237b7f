# Nashra — the two commands a newcomer needs: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck check bench bench-quick install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

install: $(STAMP)

## Run Nashra's main job on the bundled demo sources (SQLite, loopback server).
demo: $(STAMP)
	$(BIN)/nashra demo --out demo-out

## Lint, type-check and run every test (with chromium and a throwaway PostgreSQL: see
## scripts/with-services.sh, which installs missing Debian packages when run as root).
test: $(STAMP) lint typecheck
	scripts/with-services.sh $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check --no-cache src tests bench scripts
	$(BIN)/ruff format --no-cache --check src tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

## Benchmarks (not part of make test): figures as ratios against a baseline in the same run.
bench: $(STAMP)
	$(BIN)/python bench/run_all.py

## The same benchmarks at smaller sizes (a few minutes in all).
bench-quick: $(STAMP)
	$(BIN)/python bench/run_all.py --quick

clean:
	rm -rf $(VENV) demo-out .pytest_cache .mypy_cache .ruff_cache
