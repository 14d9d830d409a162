"""The same raw data scores the same on PostgreSQL as on DuckDB, mart for mart, cell for cell.

Runs in `make test-postgres` (pytest -m postgres) after the dbt build on the throwaway cluster, which
generates the same sample as the pytest session's DuckDB warehouse (3,000 leads, seed 42, as of
2026-11-22)."""

from __future__ import annotations

import datetime as dt
import decimal
import os
from pathlib import Path

import duckdb
import pytest

psycopg2 = pytest.importorskip("psycopg2")

pytestmark = pytest.mark.postgres

MARTS = ["lead_scores", "lead_score_explanations", "lead_score_history", "lead_score_changes",
         "lead_threshold_crossings", "lead_score_snapshots", "lead_rule_snapshots", "lead_lifecycle",
         "lead_lifecycle_transitions", "conversion_funnel", "sla_compliance", "score_calibration", "model_auc",
         "rule_effectiveness", "model_backtest", "account_scores", "quarantined_rows", "reconciliation",
         "lead_funnel", "time_spine_daily",
         # Both warehouses start with an empty CRM sync state, so both feeds hold every lead with a record id.
         "crm_lead_properties", "crm_lead_feed"]


def normalised(value: object) -> object:
    """One spelling per value: engines return numbers as float or Decimal and times with or without zone."""
    if isinstance(value, (float, decimal.Decimal)):
        return round(float(value), 6)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def rows(cursor, sql: str) -> list[tuple]:
    cursor.execute(sql)
    return sorted((tuple(normalised(v) for v in row) for row in cursor.fetchall()), key=repr)


@pytest.mark.parametrize("mart", MARTS)
def test_every_mart_is_identical_on_postgres_and_duckdb(mart: str, built_warehouse: Path) -> None:
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        columns = [c for (c,) in con.execute(
            "select column_name from information_schema.columns where table_schema = 'marts' and table_name = ? "
            "order by ordinal_position", [mart]).fetchall()]
        assert columns, f"marts.{mart} is not in the DuckDB warehouse"
        sql = f"select {', '.join(columns)} from marts.{mart}"
        in_duckdb = rows(con.cursor(), sql)
    pg = psycopg2.connect(host=os.environ["LEADSCORE_PG_HOST"], port=os.environ["LEADSCORE_PG_PORT"],
                          dbname=os.environ["LEADSCORE_PG_DBNAME"], user=os.environ["LEADSCORE_PG_USER"],
                          password=os.environ["LEADSCORE_PG_PASSWORD"])
    try:
        with pg.cursor() as cur:
            in_postgres = rows(cur, sql)
    finally:
        pg.close()
    assert in_duckdb, f"marts.{mart} is empty"
    only_duckdb = sorted(set(in_duckdb) - set(in_postgres), key=repr)
    only_postgres = sorted(set(in_postgres) - set(in_duckdb), key=repr)
    assert len(in_duckdb) == len(in_postgres) and not only_duckdb and not only_postgres, (
        f"marts.{mart}: {len(in_duckdb)} rows on DuckDB, {len(in_postgres)} on PostgreSQL; "
        f"only on DuckDB {only_duckdb[:2]}, only on PostgreSQL {only_postgres[:2]} ({columns})")
