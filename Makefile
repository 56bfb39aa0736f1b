# The two commands a newcomer needs: `make run` and `make test`. Everything else is a helper of those.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARGS ?=

.PHONY: run test test-azcli lint fmt bench system-deps venv azcli-venv clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

# Debian packages the tests and benchmarks drive as real clients (skopeo) or as the reference (docker-registry).
system-deps:
	@scripts/install-system-deps

# The real Azure CLI in a venv of its own (it pins its own azure-core and msal); a no-op once installed.
AZCLI_VENV := .venv-azcli
azcli-venv:
	@PYTHON=$(PYTHON) scripts/install-azure-cli $(AZCLI_VENV)

run: $(STAMP)
	$(BIN)/cerulean serve $(ARGS)

test: $(STAMP) system-deps
	$(BIN)/python -m pytest $(ARGS)

# Slower: the unmodified `az` against a real server (tests/azcli, which `make test` does not collect).
test-azcli: $(STAMP) system-deps azcli-venv
	CERULEAN_AZCLI_VENV=$(CURDIR)/$(AZCLI_VENV) $(BIN)/python -m pytest tests/azcli $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy --strict
	$(BIN)/lint-imports

fmt: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(STAMP) system-deps
	$(BIN)/python -m bench.access
	$(BIN)/python -m bench.identity
	$(BIN)/python -m bench.network
	$(BIN)/python -m bench.registry $(ARGS)

clean:
	rm -rf $(VENV) $(AZCLI_VENV) .pytest_cache .mypy_cache .ruff_cache
