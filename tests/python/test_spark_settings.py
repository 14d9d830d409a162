"""The Spark session leadscore starts (generate --target spark) takes the `spark` output of profiles.yml, as
dbt-spark does, and everything Spark writes goes under LEADSCORE_SPARK_DIR, not the repository root. No pyspark
needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from leadscore.spark import session_parameters


def test_spark_writes_only_under_leadscore_spark_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DBT_PROFILES_DIR", str(REPO))
    monkeypatch.setenv("LEADSCORE_SPARK_DIR", str(tmp_path))
    params = session_parameters()
    assert params["spark.sql.warehouse.dir"] == f"{tmp_path}/warehouse"
    assert params["spark.hadoop.javax.jdo.option.ConnectionURL"] == (
        f"jdbc:derby:;databaseName={tmp_path}/metastore_db;create=true")
    assert f"-Dderby.system.home={tmp_path} " in params["spark.driver.extraJavaOptions"]
    assert params["spark.driver.extraJavaOptions"].endswith(f"-Dderby.stream.error.file={tmp_path}/derby.log")
    assert params["spark.master"] == "local[2]"

