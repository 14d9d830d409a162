"""Least privilege on PostgreSQL: the role bi_reader reads the marts and nothing else.

Runs in `make test-postgres` (pytest -m postgres), after the dbt build on the throwaway cluster, which
makes bi_reader a login role with a random password (LEADSCORE_PG_BI_READER_PASSWORD). Plain pytest
deselects it (addopts in pyproject.toml)."""

from __future__ import annotations

import os

import pytest

psycopg2 = pytest.importorskip("psycopg2")

pytestmark = pytest.mark.postgres

READABLE = "marts"
HIDDEN = {"raw": "leads", "seeds": "scoring_rules", "staging": "stg_crm__leads", "intermediate": "int_leads_enriched"}


def connect(user: str, password: str):
    return psycopg2.connect(host=os.environ["LEADSCORE_PG_HOST"], port=os.environ["LEADSCORE_PG_PORT"],
                            dbname=os.environ["LEADSCORE_PG_DBNAME"], user=user, password=password)


def test_bi_reader_selects_the_marts() -> None:
    with connect("bi_reader", os.environ["LEADSCORE_PG_BI_READER_PASSWORD"]) as con, con.cursor() as cur:
        cur.execute("select score_status, count(*) from marts.lead_scores group by score_status")
        assert {status for status, _ in cur.fetchall()} == {"nurture", "mql", "hot", "disqualified"}
        cur.execute("select count(*) from marts.quarantined_rows")
        assert cur.fetchone()[0] > 0


@pytest.mark.parametrize("schema", sorted(HIDDEN))
def test_bi_reader_is_denied_everything_below_the_marts(schema: str) -> None:
    con = connect("bi_reader", os.environ["LEADSCORE_PG_BI_READER_PASSWORD"])
    try:
        with con.cursor() as cur, pytest.raises(psycopg2.errors.InsufficientPrivilege) as denied:
            cur.execute(f"select count(*) from {schema}.{HIDDEN[schema]}")
        assert f"permission denied for schema {schema}" in str(denied.value)
    finally:
        con.close()


def test_every_relation_grants_bi_reader_select_only_in_the_marts() -> None:
    # Checked in the catalog for every table and view, not only the samples selected above.
    with connect(os.environ["LEADSCORE_PG_USER"], os.environ["LEADSCORE_PG_PASSWORD"]) as con, con.cursor() as cur:
        cur.execute("""
            select table_schema, table_name,
                has_schema_privilege('bi_reader', table_schema, 'usage')
                and has_table_privilege('bi_reader', format('%I.%I', table_schema, table_name), 'select')
            from information_schema.tables
            where table_schema in ('raw', 'seeds', 'staging', 'intermediate', 'marts')
        """)
        readable = {(schema, table): can_read for schema, table, can_read in cur.fetchall()}
    schemas = {schema for schema, _ in readable}
    assert schemas == {READABLE, *HIDDEN}, schemas
    assert sorted(table for (schema, table), can in readable.items() if can) == sorted(
        table for (schema, table) in readable if schema == READABLE)
    assert len([1 for schema, _ in readable if schema == READABLE]) >= 4
