PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test check bench demo clean sql

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(TEST_STAMP) $(STAMP)

# The package is installed editable, so pip does not compile it; where the environment sets
# PYTHONDONTWRITEBYTECODE, every launch would compile our sources again (~30 ms).
BYTECODE := $(BIN)/python -m compileall -q fieldcoach screens

run: $(STAMP)
	@$(BYTECODE)
	$(BIN)/fieldcoach

test: $(DEV_STAMP)
	@$(MAKE) --no-print-directory check
	$(BIN)/python -m pytest -n 2 -q

# Lint (with import order), types (the core strictly, see [tool.mypy]) and the import
# contracts (see [tool.importlinter]) in pyproject.toml. `make test` runs it first.
check: $(DEV_STAMP)
	$(BIN)/ruff check fieldcoach screens tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# The team database's statements, compiled for each engine (fieldcoach/team/statements.py).
sql: $(STAMP)
	$(BIN)/python -m fieldcoach.team.statements

bench: $(TEST_STAMP)
	@$(BYTECODE)
	$(BIN)/python bench/run.py --markdown bench/.cache/bench.md $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
