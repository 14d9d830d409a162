# leadscore: `make demo` runs the whole pipeline on DuckDB; `make test` runs lint, dbt tests and pytest.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_LEADS ?= 10000
DEMO_DB ?= leadscore.duckdb

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_PROFILES_DIR := $(CURDIR)
export GX_ANALYTICS_ENABLED := false

.PHONY: install demo test lint pytest test-postgres test-spark spark-install clean docs report

$(BIN)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

install: $(BIN)/.installed

demo: install
	rm -f $(DEMO_DB)
	LEADSCORE_DUCKDB_PATH=$(DEMO_DB) $(BIN)/leadscore generate --leads $(DEMO_LEADS)
	LEADSCORE_DUCKDB_PATH=$(DEMO_DB) $(BIN)/dbt build --quiet --target duckdb
	LEADSCORE_DUCKDB_PATH=$(DEMO_DB) $(BIN)/leadscore summary

# Against an empty warehouse, so that what is linted does not depend on what a build left behind
# (an existing score history renders the incremental branches).
lint: install
	rm -f target/lint.duckdb
	LEADSCORE_DUCKDB_PATH=target/lint.duckdb $(BIN)/sqlfluff lint models tests analyses
	$(BIN)/sqlfluff lint --templater raw src/leadscore/sql

pytest: install
	$(BIN)/pytest

test: lint pytest

# The dbt docs site as one self-contained file, target/static_index.html (models, columns, tests, lineage
# down to the exposures); it opens from disk with no server and no internet. The catalog (column types,
# row counts) comes from the demo warehouse: run `make demo` first for a complete one.
docs: install
	LEADSCORE_DUCKDB_PATH=$(DEMO_DB) $(BIN)/dbt docs generate --static --quiet
	@! grep -qE '<(script|link|img)[^>]+(src|href)="(https?:)?//' target/static_index.html \
		|| { echo "target/static_index.html loads a script, style sheet or image from the network" >&2; exit 1; }
	@echo "open target/static_index.html (self-contained: no server, no internet)"

# The review report of the demo warehouse (after make demo): target/leadscore_report.html.
report: install
	LEADSCORE_DUCKDB_PATH=$(DEMO_DB) $(BIN)/leadscore report

clean:
	rm -rf target logs $(DEMO_DB)

# The whole dbt build on PostgreSQL: a throwaway cluster (scripts/postgres.sh, port LEADSCORE_PG_PORT,
# default 5433) gets generated raw tables; then pytest -m postgres checks that the role bi_reader (given a
# random password for this run) reads the marts and is denied the rest, and that every mart equals the
# DuckDB build of the same sample (the pytest session's: 3,000 leads, seed 42, as of 2026-11-22, which is
# why PG_LEADS and PG_SCORE_DATE stay at those values). The cluster is stopped and removed afterwards,
# also on failure.
# dbt artifacts go to target/dbt-postgres so they do not clobber the DuckDB run's.
PG_LEADS ?= 3000
PG_SCORE_DATE ?= 2026-11-22

test-postgres: install
	@set -euo pipefail; \
	trap 'scripts/postgres.sh stop' EXIT; \
	export LEADSCORE_PG_PORT="$${LEADSCORE_PG_PORT:-5433}"; \
	export LEADSCORE_PG_BI_READER_PASSWORD="$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(16))')"; \
	scripts/postgres.sh start; \
	eval "$$(scripts/postgres.sh env)"; \
	t0=$$(date +%s); \
	$(BIN)/leadscore generate --target postgres --leads $(PG_LEADS) --seed 42 --end-date $(PG_SCORE_DATE); \
	t1=$$(date +%s); \
	DBT_TARGET_PATH=target/dbt-postgres $(BIN)/dbt build --target postgres --vars '{score_date: "$(PG_SCORE_DATE)"}'; \
	t2=$$(date +%s); \
	$(BIN)/pytest -m postgres; \
	t3=$$(date +%s); \
	echo "test-postgres: generate $$((t1 - t0)) s, dbt build $$((t2 - t1)) s, checks $$((t3 - t2)) s"

# The whole dbt build on Apache Spark (dbt-spark `session`, pyspark local[2], Java 17): the optional `spark`
# extra goes into its own venv, SPARK_VENV, because with pyspark importable great-expectations imports it and
# tests/python/test_validate.py breaks in .venv. A small sample (SPARK_LEADS, seed 42, as of the pytest
# session's score date) is generated into Spark under SPARK_DIR (tables, Hive metastore, derby.log), built
# with every model, seed and data test (the unit tests pass on Spark too, but do not fit CI's budget: README
# "Spark"), then pytest -m spark checks that every mart equals the DuckDB build of the same sample, cell for cell.
SPARK_VENV ?= .venv-spark
SPARK_BIN := $(SPARK_VENV)/bin
SPARK_LEADS ?= 400
SPARK_DIR ?= $(CURDIR)/target/spark

$(SPARK_BIN)/.installed: pyproject.toml requirements.lock requirements-spark.lock
	test -x $(SPARK_BIN)/python || python3 -m venv $(SPARK_VENV)
	$(SPARK_BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(SPARK_BIN)/pip install -q --disable-pip-version-check -c requirements.lock -r requirements-spark.lock
	$(SPARK_BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

spark-install: $(SPARK_BIN)/.installed

test-spark: spark-install
	@set -euo pipefail; \
	rm -rf $(SPARK_DIR); \
	export LEADSCORE_SPARK_DIR=$(SPARK_DIR) SPARK_LEADS=$(SPARK_LEADS) TZ=UTC; \
	t0=$$(date +%s); \
	nice -n 5 $(SPARK_BIN)/leadscore generate --target spark --leads $(SPARK_LEADS) --seed 42 --end-date $(PG_SCORE_DATE); \
	t1=$$(date +%s); \
	DBT_TARGET_PATH=target/dbt-spark nice -n 5 $(SPARK_BIN)/dbt build --target spark --exclude-resource-type unit_test \
		--vars '{score_date: "$(PG_SCORE_DATE)"}'; \
	t2=$$(date +%s); \
	nice -n 5 $(SPARK_BIN)/pytest -m spark; \
	t3=$$(date +%s); \
	echo "test-spark: generate $$((t1 - t0)) s, dbt build $$((t2 - t1)) s, checks $$((t3 - t2)) s"

# A candidate scoring model against the live one on the demo warehouse (after make demo): rescores the
# monthly snapshots with the seeds as they are now and prints the comparison. Add the candidate to
# seeds/scoring_models.csv (and its rules, thresholds, grades and tiers) first, then:
#   make backtest CANDIDATE=candidate
BASELINE ?= default
CANDIDATE ?= enterprise
.PHONY: backtest bench
backtest: install
	LEADSCORE_DUCKDB_PATH=$(DEMO_DB) $(BIN)/leadscore backtest --baseline $(BASELINE) --candidate $(CANDIDATE)

# The semantic layer (docs/metrics.md): MetricFlow is the optional `metrics` extra, installed into .venv from
# requirements-metrics.lock under requirements.lock's pins (it changes none of them). `make metrics` queries
# the demo warehouse (after make demo), for one scoring model (lead_funnel holds each lead once per model);
# mf reads target/semantic_manifest.json, which the parse writes for that warehouse.
METRICS ?= mqls,sqls,mql_to_sql_rate,won_rate,median_days_to_sql,pipeline_amount
GROUP_BY ?= metric_time__month
MODEL ?= default
.PHONY: metrics-install metrics test-metrics
$(BIN)/.metrics-installed: $(BIN)/.installed requirements-metrics.lock
	$(BIN)/pip install -q --disable-pip-version-check -c requirements.lock -r requirements-metrics.lock
	touch $@

metrics-install: $(BIN)/.metrics-installed

metrics: metrics-install
	LEADSCORE_DUCKDB_PATH=$(DEMO_DB) $(BIN)/dbt parse --quiet
	LEADSCORE_DUCKDB_PATH=$(DEMO_DB) $(BIN)/mf query --metrics $(METRICS) --group-by $(GROUP_BY) --order $(GROUP_BY) --decimals 4 \
		--where "{{ Dimension('mql_lead__model_id') }} = '$(MODEL)'"

# Every metric against pandas over the marts, on the pytest session's 3,000-lead warehouse.
test-metrics: metrics-install
	$(BIN)/pytest tests/python/test_metrics.py

# Benchmarks (not tests): per lead count, the full dbt build, a score-date-only build and the daily run
# against the single-query floor and a pandas baseline, scores checked identical; figures to
# docs/benchmarks.json and docs/benchmarks.md. Scratch DuckDB files (GBs at 1M leads) go to BENCH_DIR;
# more options (leadscore bench --help) in BENCH_ARGS, e.g. BENCH_ARGS=--long-history-days=0, or at 1M leads
# BENCH_ARGS="--skip full_build --skip daily_run" to measure the other steps without those two long ones.
BENCH_LEADS ?= 100000 1000000
BENCH_DIR ?= /tmp/leadscore-bench
BENCH_ARGS ?=
bench: install
	$(BIN)/leadscore bench $(foreach n,$(BENCH_LEADS),--leads $(n)) --dir $(BENCH_DIR) $(BENCH_ARGS)
