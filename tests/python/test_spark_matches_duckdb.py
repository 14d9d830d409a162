"""The same raw data scores the same on Spark as on DuckDB, mart for mart, cell for cell.

Runs in `make test-spark` (pytest -m spark, in .venv-spark) after `dbt build --target spark` of the sample that
make generates into Spark (SPARK_LEADS leads, seed 42, as of SCORE_DATE); this module builds the same sample on
DuckDB. Spark's session runs in this process, so its warehouse must not be in use by another one (Derby)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import MARTS, DbtRunner, assert_same_rows, duckdb_mart, generate, sorted_rows

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def duckdb_sample(tmp_path_factory: pytest.TempPathFactory, dbt: DbtRunner) -> Path:
    """The DuckDB build (models and seeds) of the sample make test-spark built on Spark."""
    workdir = tmp_path_factory.mktemp("spark_sample")
    path = workdir / "sample.duckdb"
    generate(path, workdir, leads=int(os.environ.get("SPARK_LEADS", "400")))
    done = dbt(["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"], path, workdir)
    assert done.returncode == 0, "dbt build failed:\n" + done.stdout[-6000:]
    return path


@pytest.fixture(scope="module")
def spark():
    from leadscore.spark import session

    return session()


@pytest.mark.parametrize("mart", MARTS)
def test_every_mart_is_identical_on_spark_and_duckdb(mart: str, duckdb_sample: Path, spark) -> None:
    sql, in_duckdb = duckdb_mart(duckdb_sample, mart)
    in_spark = sorted_rows(spark.sql(sql).collect())
    assert_same_rows(mart, sql, in_duckdb, "Spark", in_spark)

