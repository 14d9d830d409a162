"""Bring your own data: the generated raw tables, written out as CSV and Parquet files and read
back with `leadscore load`, score exactly like the generated warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from conftest import BIN, DbtRunner, run

from leadscore.contract import TABLES


def test_files_loaded_with_leadscore_load_score_like_the_generated_warehouse(
    raw_warehouse: Path, built_warehouse: Path, dbt: DbtRunner, tmp_path: Path
) -> None:
    files = tmp_path / "files"
    files.mkdir()
    with duckdb.connect(str(raw_warehouse), read_only=True) as con:
        for i, name in enumerate(TABLES):
            data = con.execute(f"select * from raw.{name}").to_arrow_table()
            if i % 2:  # half the tables as Parquet, half as CSV
                pq.write_table(data, files / f"{name}.parquet")
            else:
                pa_csv.write_csv(data, files / f"{name}.csv")
    loaded = tmp_path / "loaded.duckdb"
    done = run([str(BIN / "leadscore"), "load", "--from", str(files)], loaded, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]

    for step in (["seed"], ["run", "--select", "+lead_scores"]):
        done = dbt(step, loaded, tmp_path)
        assert done.returncode == 0, done.stdout[-3000:]

    query = "select * from marts.lead_scores order by model_id, lead_id"
    with duckdb.connect(str(loaded), read_only=True) as con:
        from_files = con.execute(query).df()
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        generated = con.execute(query).df()
    assert len(from_files) > 5000
    assert from_files.equals(generated)
