# Quick start: `make run` starts the server on 127.0.0.1:8080 with the store in ./data;
# `make test` sets everything up and runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/$(if $(filter Windows_NT,$(OS)),Scripts,bin)
RUNTIME := $(VENV)/.runtime
STAMP := $(VENV)/.installed
UI_INDEX := orchestrator/gateway/static/ui/index.html

.PHONY: run ui test lint format bench clean fuzz

# `make run` needs only the runtime dependencies; `make test` (and the other targets) add the
# test, build and docs tools on top.
$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(RUNTIME)

$(STAMP): $(RUNTIME)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(RUNTIME) $(UI_INDEX)
	$(BIN)/orchestrator-server --data-dir ./data

# The web UI (Node.js 20+): built into the package folder that the server serves at /ui/.
ui:
	cd web && npm ci && npm run build

UI_SOURCES := $(shell find web/src web/public web/index.html web/package.json web/package-lock.json web/vite.config.js -type f 2>/dev/null)

$(UI_INDEX): $(UI_SOURCES)
	cd web && npm ci && npm run build

test: $(STAMP) $(UI_INDEX)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q

# Fuzz every API operation from the OpenAPI document at full size (the suite runs it small).
ORCH_FUZZ_EXAMPLES ?= 100
fuzz: $(STAMP)
	ORCH_FUZZ_EXAMPLES=$(ORCH_FUZZ_EXAMPLES) $(BIN)/pytest -q -s -o timeout=0 tests/integration/gateway/test_fuzz_api.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/dispatch.py
	$(BIN)/python bench/pipelines.py
	$(BIN)/python bench/schedules.py
	$(BIN)/python bench/history.py
	$(BIN)/python bench/soak.py

# The distribution for this system, in dist/: sdist, wheel, binaries' archive and its checksum.
# Options as build.ps1's: make dist DIST_FLAGS="--clean --skip-ui --skip-binaries"
.PHONY: dist docs
dist: $(STAMP)
	$(BIN)/python packaging/build.py $(DIST_FLAGS)

# The references generated from the code (docs/cli-reference.md, docs/configuration.md), and the
# technical documentation from the docstrings in build/docs/api/ (fails on any warning).
docs: $(STAMP)
	$(BIN)/python docs/gen/cli_reference.py
	$(BIN)/python docs/gen/config_reference.py
	$(BIN)/python docs/gen/api_reference.py
	$(BIN)/python docs/gen/states.py

clean:
	rm -rf $(VENV) build dist *.egg-info
