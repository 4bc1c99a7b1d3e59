# Two commands matter: `make run` and `make test`. Both create what they need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean-data

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Entas needs Python 3.11 or newer"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

# The test command also needs the `spark` extra (pyspark, for tests/linkage/test_spark.py); `make run` does not.
$(VENV)/.spark: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev,spark]"
	touch $@

run: $(VENV)/.installed
	$(BIN)/entas demo
	$(BIN)/entas serve

test: $(VENV)/.installed $(VENV)/.spark
	bash scripts/test.sh

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo

# Scale runs, side by side with the competing ways; not part of `make test` (see bench/README.md).
bench: $(VENV)/.installed
	$(BIN)/python bench/bench_regions.py --db sqlite
	$(BIN)/python bench/bench_synth.py --people 1000000
	$(BIN)/python bench/bench_registry_import.py --db sqlite --people 1000000
	$(BIN)/python bench/bench_registry_import.py --db postgres --people 1000000
	$(BIN)/python bench/bench_kumkm_import.py --db postgres --enterprises 1000000
	$(BIN)/python bench/bench_programmes.py --db postgres --households 1000000
	$(BIN)/python bench/bench_dashboard.py --people 10000000
