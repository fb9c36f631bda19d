# Two commands: `make run` and `make test`. Everything else is set up on the way.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYVER   := $(shell cat .python-version)
# Python from pyenv (selected by .python-version), else python3.10 on PATH.
PYTHON  ?= $(shell (pyenv which python 2>/dev/null || command -v python3.10) | head -n 1)
VENV    := .venv
BIN     := $(VENV)/bin
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONPATH := $(CURDIR)

SPACY   := build/spacy_pipeline/meta.json
MODEL   := models/current.tar.gz
# Loads .env into the shell of a recipe (endpoints.yml reads these variables).
LOADENV := set -a; source .env; set +a; export ACTION_ENDPOINT_URL=http://localhost:$$ACTION_PORT/webhook; export ACTION_SERVER_TOKEN=$${ACTION_SERVER_TOKEN:-local-dev-action-token};
TRAINING_INPUTS := config.yml domain.yml $(wildcard data/*.yml) $(SPACY)

# Extra arguments for the program a target runs, e.g. make bench ARGS=--smoke
ARGS ?=

.PHONY: help setup run shell test unit lint train validate clean retention cluster load agents analytics

help:
	@echo "make run        - set up, train if needed, start the assistant (Ctrl-C stops)"
	@echo "make test       - set up, train if needed, run every test (lint, unit, then the rest)"
	@echo "make unit       - the unit tests only (no servers, browser or trained model; under a minute)"
	@echo "make lint       - ruff (lint and format check) and mypy, settings in pyproject.toml"
	@echo "make shell      - talk to the assistant in this terminal"
	@echo "make script     - write the printable guided script for agents, English and Spanish (build/script/)"
	@echo "make bench      - compare our config with Rasa's default and a baseline (~40 min)"
	@echo "make load       - Locust load run, single server and cluster (ARGS=\"--users 50 --minutes 10\")"
	@echo "make cluster    - 2 Rasa + 2 action servers, PostgreSQL, Redis, nginx on loopback"
	@echo "make retention  - delete conversations idle for more than RETENTION_DAYS"
	@echo "make analytics  - update the dashboard's aggregates from the tracker store, print the figures (ARGS=\"--from ... --to ...\")"
	@echo "make agents     - agent console accounts and audit log (ARGS=\"add NAME\", list, disable NAME, audit)"
	@echo "Any target takes ARGS=\"...\" for its program (e.g. make bench ARGS=--smoke)."

$(BIN)/.installed: requirements.txt .python-version
	@test -n "$(PYTHON)" || { echo "Python $(PYVER) not found (pyenv install $(PYVER))"; exit 1; }
	@$(PYTHON) -c 'import sys; v="%d.%d.%d" % sys.version_info[:3]; sys.exit(0 if v == "$(PYVER)" else "need Python $(PYVER), found " + v)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "pip==24.0"
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# .env from .env.example with fresh random secrets (scripts/make_env.py; standard library only).
.env:
	$(PYTHON) -m scripts.make_env

$(SPACY): $(BIN)/.installed content/vocabulary.yml nlu_pipeline/build.py
	$(BIN)/python -m nlu_pipeline.build

# Trains only when data, config, domain or the spaCy pipeline changed.
$(MODEL): $(TRAINING_INPUTS) $(BIN)/.installed
	$(BIN)/rasa train --fixed-model-name current --out models
	@touch $@

setup: $(BIN)/.installed .env $(SPACY)

train: setup $(MODEL)

run: train
	$(BIN)/python -m servers.serve $(ARGS)

shell: train
	$(LOADENV) mkdir -p var; \
	$(BIN)/python -m servers.action_server --actions actions --port $$ACTION_PORT --quiet & pid=$$!; \
	trap "kill $$pid" EXIT; $(BIN)/rasa shell --model $(MODEL) --endpoints endpoints.yml --interface 127.0.0.1

validate: setup
	$(LOADENV) $(BIN)/rasa data validate --fail-on-warnings

# Code checks (settings in pyproject.toml); `make test` runs them first.
LINTED := accounts actions analytics bench channels handoff nlu_pipeline privacy scripts servers storage tests triage
TYPED  := triage channels privacy storage servers accounts analytics handoff
lint: setup
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy $(TYPED)

# Unit tests only: no servers, no browser, no trained model (markers in pyproject.toml).
unit: setup
	$(LOADENV) $(BIN)/python -m pytest tests -m unit

# axe-core (npm, pinned in package-lock.json) for the widget's accessibility
# tests; only the test run needs it, the page never loads it.
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

test: lint unit train validate $(AXE)
	$(LOADENV) $(BIN)/python -m pytest tests -m "not unit"

clean:
	rm -rf build models results .pytest_cache

# Printable guided script for call-center agents: build/script/guided-script.{html,md},
# and guided-script-es.{html,md} for a Spanish-speaking caller (ARGS="--language es": that one only)
.PHONY: script browser
script: setup
	$(BIN)/python -m scripts.guided_script $(ARGS)

# Debian's chromium for the browser tests (tests/web install it too when it is missing).
browser:
	test -x /usr/bin/chromium || { apt-get update && apt-get install -y chromium; }

# Benchmarks (bench/run.py): our config against Rasa's default config and a
# TF-IDF + logistic regression baseline; accuracy, training, serving speed; at the end
# the analytics job beside a Locust load (bench/analytics_load.py). Writes bench/results/ (report.md, results.json, latency.png). Not part of `make test`.
.PHONY: bench
bench: setup
	$(LOADENV) $(BIN)/python -m bench.run $(ARGS)

# Locust load run (bench/load_run.py): starts its own servers; default 1 minute.
load: train
	$(BIN)/python -m bench.load_run $(ARGS)

# Deletes conversations idle for more than RETENTION_DAYS (.env) from the tracker store.
retention: setup
	$(BIN)/python -m scripts.retention $(ARGS)

# Agent console accounts (scripts/agents.py): add, reset, disable, enable, list, audit.
agents: setup
	$(BIN)/python -m scripts.agents $(ARGS)

# PostgreSQL, Redis, 2 Rasa + 2 action servers behind nginx on loopback (servers/cluster.py).
cluster: train
	$(BIN)/python -m servers.cluster $(ARGS)

# Dashboard aggregates (analytics/): read the tracker events after the high-water
# mark into ANALYTICS_DB, then print the figures (ARGS="--from 2026-12-01 --to 2026-12-31").
analytics: setup
	$(BIN)/python -m analytics.job
	$(BIN)/python -m analytics.report $(ARGS)
