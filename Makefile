# Relay: `make run` starts the whole stack, `make test` proves it (see README.md).
# Both run scripts/setup.sh first: quick when nothing changed.

VENV   := .venv
PYTHON := $(VENV)/bin/python

.PHONY: setup run test lint

setup:
	./scripts/setup.sh

run: setup
	$(PYTHON) -m launcher

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(PYTHON) -m pytest
