# leadscore: `make demo` runs the whole pipeline on DuckDB; `make test` runs lint, dbt tests and pytest.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_LEADS ?= 10000
DEMO_DB ?= leadscore.duckdb

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_PROFILES_DIR := $(CURDIR)
export GX_ANALYTICS_ENABLED := false

.PHONY: install demo test lint pytest test-postgres clean

$(BIN)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

install: $(BIN)/.installed

demo: install
	rm -f $(DEMO_DB)
	LEADSCORE_DUCKDB_PATH=$(DEMO_DB) $(BIN)/leadscore generate --leads $(DEMO_LEADS)
	LEADSCORE_DUCKDB_PATH=$(DEMO_DB) $(BIN)/dbt build --quiet --target duckdb
	LEADSCORE_DUCKDB_PATH=$(DEMO_DB) $(BIN)/leadscore summary

lint: install
	$(BIN)/sqlfluff lint models macros tests analyses

pytest: install
	$(BIN)/pytest

test: lint pytest

clean:
	rm -rf target logs $(DEMO_DB)
