# The two commands the README gives: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: demo test lint generated typecheck pytest generate record clean bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## The main job on the built-in sandbox: no credentials, no network.
demo: $(STAMP)
	$(BIN)/python -m lightspeed_pos.demo

## Everything the project checks: lint, generated files, types, tests.
test: $(STAMP) lint generated typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests tools examples benchmarks
	$(BIN)/ruff format --check src tests tools examples benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

## Benchmarks (minutes): benchmarks/results.json, docs/benchmarks.md and its charts (docs/*.png).
bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks

## Rebuild src/lightspeed_pos/catalog.json, the models and docs/api.md from tools/data/endpoints.json.
generate: $(STAMP)
	$(BIN)/python tools/build_catalog.py
	$(BIN)/python tools/gen_models.py
	$(BIN)/python tools/gen_api_docs.py

## The generated files are what their generators write now, content for content.
generated: $(STAMP)
	$(BIN)/python tools/build_catalog.py --check
	$(BIN)/python tools/gen_models.py --check
	$(BIN)/python tools/gen_api_docs.py --check

## Record new interactions against the real API (needs LIGHTSPEED_OAUTH_TOKEN,
## LIGHTSPEED_OAUTH_REFRESH_TOKEN and LIGHTSPEED_ACCOUNT_ID; see README).
record: $(STAMP)
	$(BIN)/pytest tests/recorded --record

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
