"""The same raw data scores the same on PostgreSQL as on DuckDB, mart for mart, cell for cell.

Runs in `make test-postgres` (pytest -m postgres) after the dbt build on the throwaway cluster, which
generates the same sample as the pytest session's DuckDB warehouse (3,000 leads, seed 42, as of
2026-11-22)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import MARTS, assert_same_rows, duckdb_mart, rows

psycopg2 = pytest.importorskip("psycopg2")

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("mart", MARTS)
def test_every_mart_is_identical_on_postgres_and_duckdb(mart: str, built_warehouse: Path) -> None:
    sql, in_duckdb = duckdb_mart(built_warehouse, mart)
    pg = psycopg2.connect(host=os.environ["LEADSCORE_PG_HOST"], port=os.environ["LEADSCORE_PG_PORT"],
                          dbname=os.environ["LEADSCORE_PG_DBNAME"], user=os.environ["LEADSCORE_PG_USER"],
                          password=os.environ["LEADSCORE_PG_PASSWORD"])
    try:
        with pg.cursor() as cur:
            in_postgres = rows(cur, sql)
    finally:
        pg.close()
    assert_same_rows(mart, sql, in_duckdb, "PostgreSQL", in_postgres)
