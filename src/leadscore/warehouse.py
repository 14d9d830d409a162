"""Where raw tables are written: the embedded DuckDB file, a PostgreSQL server or a local Spark session.

Connection settings come from the same environment variables profiles.yml reads, so the
Python side and dbt always talk to the same warehouse.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv

from leadscore.contract import RAW_SCHEMA, Table

TARGETS = ("duckdb", "postgres", "spark")
# Where `connect` gives a DB-API connection (summary, report, sync, validate); Spark only takes raw tables.
QUERY_TARGETS = ("duckdb", "postgres")

_PG_TYPES = {"varchar": "text", "bigint": "bigint", "double": "double precision", "timestamp": "timestamp"}


def duckdb_path() -> Path:
    return Path(os.environ.get("LEADSCORE_DUCKDB_PATH", "leadscore.duckdb"))


@dataclass(frozen=True)
class PostgresSettings:
    host: str
    port: int
    user: str
    password: str
    dbname: str

    @classmethod
    def from_env(cls) -> PostgresSettings:
        env = os.environ.get
        return cls(
            host=env("LEADSCORE_PG_HOST", "127.0.0.1"),
            port=int(env("LEADSCORE_PG_PORT", "5432")),
            user=env("LEADSCORE_PG_USER", "leadscore"),
            password=env("LEADSCORE_PG_PASSWORD", "leadscore"),
            dbname=env("LEADSCORE_PG_DBNAME", "leadscore"),
        )


@contextmanager
def connect(target: str) -> Iterator[Any]:
    """A DB-API connection to the target warehouse, committed on success (on spark: the SparkSession)."""
    if target == "duckdb":
        path = duckdb_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path))
        try:
            yield con
        finally:
            con.close()
    elif target == "postgres":
        import psycopg2  # optional extra

        s = PostgresSettings.from_env()
        con = psycopg2.connect(host=s.host, port=s.port, user=s.user, password=s.password, dbname=s.dbname)
        try:
            yield con
            con.commit()
        finally:
            con.close()
    elif target == "spark":
        from leadscore import spark  # optional extra

        yield spark.session()
    else:
        raise ValueError(f"unknown target {target!r}; expected one of {', '.join(TARGETS)}")


def write_raw_table(con: Any, target: str, table: Table, data: pa.Table, replace: bool = True) -> None:
    """Write `data` (columns exactly the contract's, in order) to raw.<table>: replace it, or append."""
    if data.column_names != table.column_names:
        raise ValueError(f"{table.name}: columns {data.column_names} differ from the contract {table.column_names}")
    qualified = f"{RAW_SCHEMA}.{table.name}"
    if target == "duckdb":
        con.execute(f"create schema if not exists {RAW_SCHEMA}")
        con.register("_incoming", data)
        casts = ", ".join(f"cast({c.name} as {c.type}) as {c.name}" for c in table.columns)
        if replace:
            con.execute(f"create or replace table {qualified} as select {casts} from _incoming")
        else:
            con.execute(f"insert into {qualified} select {casts} from _incoming")
        con.unregister("_incoming")
        return
    if target == "spark":
        from leadscore import spark

        spark.write_raw_table(con, table, data, replace)
        return
    cur = con.cursor()
    if replace:
        cur.execute(f"create schema if not exists {RAW_SCHEMA}")
        cur.execute(f"drop table if exists {qualified} cascade")
        cols = ", ".join(f"{c.name} {_PG_TYPES[c.type]}" for c in table.columns)
        cur.execute(f"create table {qualified} ({cols})")
    for batch in data.to_batches(max_chunksize=500_000):
        buf = io.BytesIO()
        pa_csv.write_csv(pa.Table.from_batches([batch]), buf, pa_csv.WriteOptions(include_header=False))
        buf.seek(0)
        cur.copy_expert(f"copy {qualified} from stdin with (format csv)", buf)


def fetch(con: Any, sql: str) -> tuple[list[str], list[tuple]]:
    """Column names and rows of a query, on either target."""
    cur = con.cursor()
    cur.execute(sql)
    columns = [d[0] for d in cur.description]
    return columns, cur.fetchall()
