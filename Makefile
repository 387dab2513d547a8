# One command to run the registry, one to test it. Each does its own set-up.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
HOST   ?= 127.0.0.1
PORT   ?= 8000
# make test FAST=1 skips the slow fault-injection and load tests.
PYTEST_ARGS ?=
ifeq ($(FAST),1)
PYTEST_ARGS += -m "not slow"
endif

.PHONY: venv run test lint bench db-stop clean-db

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: $(STAMP)

# `make run`, `make test` and `make bench` start the embedded database even after
# `make db-stop`; other commands leave it stopped (see registry/embedded_db.py).
run test bench: export EMBEDDED_DB_AUTOSTART = 1

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	@if [ "$(LOAD_DEMO)" != "0" ]; then $(PY) manage.py load_demo; fi
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: $(STAMP)
	$(PY) bench/run_all.py

db-stop: $(STAMP)
	$(PY) -c "from registry.embedded_db import stop_embedded_database as s; s()"

clean-db: db-stop
	rm -rf .local/pgdata
