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

.PHONY: mutation venv run test lint bench bench-quick db-stop clean-db catalog catalog-packages
# npm data packages of the estimator catalog (see the README's estimator section).
NPM_DIR ?= .local/npm
CATALOG_NPM := @tgwf/co2@0.19.0 @cloud-carbon-footprint/aws@0.15.0 @cloud-carbon-footprint/azure@1.8.0

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@$(MAKE) --no-print-directory catalog-packages
	@rm -f $(VENV)/.installed-*
	@touch $@

# Without npm the catalog comparison tests skip and say so; everything else works.
catalog-packages:
	@if command -v npm >/dev/null 2>&1; then \
		npm install --silent --no-audit --no-fund --ignore-scripts --prefix $(NPM_DIR) $(CATALOG_NPM) \
		|| echo "npm install failed: the estimator catalog comparison tests will skip"; \
	else echo "npm not found: the estimator catalog comparison tests will skip"; fi

# Regenerate the estimator's intensity.json and pue.json from the installed data packages.
catalog: $(STAMP) catalog-packages
	$(PY) -m emissions.estimator refresh-catalog --npm $(NPM_DIR)

venv: $(STAMP)

# `make run`, `make test` and `make bench` start the embedded database even after
# `make db-stop`; other commands leave it stopped (see registry/embedded_db.py).
run test bench mutation: export EMBEDDED_DB_AUTOSTART = 1

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	@if [ "$(LOAD_DEMO)" != "0" ]; then $(PY) manage.py load_demo; fi
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

# Mutation spot checks of the estimator core (see [tool.mutmut] in pyproject.toml); prints the
# score. The estimator tests touch no database: the URL only satisfies the settings.
mutation: $(STAMP)
	@rm -rf mutants
	DATABASE_URL=$$(EMBEDDED_DB_AUTOSTART=1 $(PY) -c "from registry.embedded_db import embedded_database_url as u; print(u())") \
		$(VENV)/bin/mutmut run > .local/mutmut.log 2>&1; \
	status=$$?; tail -c 400 .local/mutmut.log | tr '\r' '\n' | tail -n 3; \
	$(VENV)/bin/mutmut results 2>/dev/null | wc -l | xargs echo "surviving mutants:"; exit $$status

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: $(STAMP)
	$(PY) bench/run_all.py

bench-quick: $(STAMP)
	$(PY) bench/run_all.py --quick

db-stop: $(STAMP)
	$(PY) -c "from registry.embedded_db import stop_embedded_database as s; s()"

clean-db: db-stop
	rm -rf .local/pgdata
