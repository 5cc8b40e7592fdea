# Thin by design: each recipe calls the package's command line or a standard tool.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PARAMS ?= params/kent-2022.yaml
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The build flags, for report and batch alike (batch takes every flag build takes).
BUILD_FLAGS := $(if $(NO_PDF),--no-pdf,) $(if $(STRICT),--strict,) $(if $(DRAFT),--draft,)

.PHONY: help setup chromium report check new-year workbook new test bench batch bench-batch lint lab lock clean review

help: ## Show this list of targets
	@echo "Usage: make <target> [PARAMS=params/<id>.yaml] [NO_PDF=1] [STRICT=1] [DRAFT=1]"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

# Exact versions from requirements.lock (the same on every machine), then the kit itself.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); scripts/apt-install.sh - python3-venv \
		&& $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

setup: $(STAMP) chromium ## Create the virtual environment and install Chromium (for the PDF)

chromium: ## Install Debian's chromium (prints the PDF) when it is missing
	@$(if $(NO_PDF),true,$(if $(SAFEGUARDING_REPORT_CHROMIUM),true,scripts/apt-install.sh chromium chromium))

report: setup ## Build the report of PARAMS into outputs/<id>/ (HTML and PDF)
	$(BIN)/safeguarding-report build $(PARAMS) $(BUILD_FLAGS)

review: $(STAMP) ## Write review.html beside the newer of two drafts: what changed since the older one (make review FROM=/tmp/draft-1 TO=outputs/kent-2022)
	$(BIN)/safeguarding-report review $(FROM) $(TO)

check: $(STAMP) ## List every input of PARAMS: found, valid, to supply or to update
	$(BIN)/safeguarding-report check $(PARAMS)

new-year: $(STAMP) ## Write next year's params file and local folder from this year's PARAMS (or FROM=params/<id>.yaml)
	$(BIN)/safeguarding-report new-year $(or $(FROM),$(PARAMS))

workbook: $(STAMP) ## Write data/local/<id>/records.xlsx for PARAMS (a sheet per record type, the rows held filled in) and move the CSV files it took in aside
	$(BIN)/safeguarding-report workbook $(PARAMS)

test: setup lint ## Run the checks (lint, types) and the test suite (includes full builds)
	@scripts/apt-install.sh pdftotext poppler-utils
	@scripts/apt-install.sh soffice libreoffice-writer-nogui libreoffice-calc-nogui
	@# LibreOffice Calc, for tests/test_office_round_trip.py (opens and saves records.xlsx)
	@test -e /usr/lib/libreoffice/program/libsclo.so || scripts/apt-install.sh - libreoffice-calc-nogui
	@# axe-core, at the version package-lock.json pins, for tests/test_accessibility.py
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/pytest

new: $(STAMP) ## Start a report for any English local authority: its params file and empty records (make new LA=E08000003 YEAR=2024 [FRAMEWORK=wt2023])
	$(BIN)/safeguarding-report new $(LA) --year $(YEAR) $(if $(FRAMEWORK),--framework $(FRAMEWORK),)

bench: $(STAMP) ## Time cold, unchanged and one-change builds against plain runs (prints figures)
	$(BIN)/python scripts/bench.py --params $(PARAMS)

batch: $(STAMP) ## Build many reports at once on Dask: a folder of params files, or --authorities (make batch AUTHORITIES=all YEAR=2024, or FOLDER=params) [STRICT=1]
	$(BIN)/safeguarding-report batch $(if $(FOLDER),$(FOLDER),--authorities $(or $(AUTHORITIES),all) --year $(YEAR)) $(if $(FRAMEWORK),--framework $(FRAMEWORK),) $(if $(SCHEDULER),--scheduler $(SCHEDULER),) $(BUILD_FLAGS)

bench-batch: $(STAMP) ## Reports per minute of a batch of N=6, cold and unchanged, 1 and 2 workers
	$(BIN)/python scripts/bench_batch.py --authorities $(or $(N),6)

lint: $(STAMP) ## Check formatting, lint, types and the package's floors (imports only downwards)
	$(BIN)/ruff format --check src tests scripts notebooks
	$(BIN)/ruff check src tests scripts notebooks
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/nbqa mypy notebooks

lab: $(STAMP) ## Open the section notebooks in JupyterLab
	$(BIN)/python -m pip install --quiet -e '.[dev,lab]'
	$(BIN)/jupyter lab notebooks

lock: ## Pin exact versions of every dependency (python 3.11, linux) in requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet 'uv>=0.4'
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
		--python-platform linux --output-file requirements.lock

clean: ## Stop the build server; remove generated reports (outputs/) and the build cache (.cache/)
	@if [ -x $(BIN)/safeguarding-report ]; then $(BIN)/safeguarding-report server stop; fi
	rm -rf outputs .cache
