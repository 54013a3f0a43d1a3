# Every target builds (or refreshes) its own virtual environment from requirements.lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-from-lock

.PHONY: demo test bench lint lock venv clean

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## demo: the whole workflow on a sample shop (demo/run.py): starts the local AliExpress sandbox, connects its
## seller, imports demo/feed.csv, sets up an API and runs it; state in .demo/ (made fresh), Ctrl-C stops it
demo: $(STAMP)
	$(BIN)/python demo/run.py

## test: the whole test suite (PostgreSQL tests run when FEEDBRIDGE_TEST_DATABASE_URL is set)
test: $(STAMP)
	$(BIN)/python -m pytest

## bench: benchmarks; numbers are reported in docs/performance.md
bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts demo
	$(BIN)/ruff format --check src tests bench scripts demo
	$(BIN)/mypy
	$(BIN)/mypy demo/run.py

## lock: re-resolve pinned versions after editing pyproject.toml
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --quiet -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
