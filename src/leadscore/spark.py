"""Raw tables into Apache Spark (the `spark` target): a local pyspark session with the Hive catalog.

The session is started from the `server_side_parameters` of the `spark` output in profiles.yml (rendered
with the same environment variables), so `leadscore generate --target spark` and `dbt build --target spark`
share one warehouse folder and metastore under LEADSCORE_SPARK_DIR. pyspark is the optional `spark` extra.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jinja2
import pyarrow as pa
import yaml

from leadscore.contract import RAW_SCHEMA, Table

PROFILES = Path(__file__).resolve().parents[2] / "profiles.yml"

SPARK_TYPES = {"varchar": "string", "bigint": "bigint", "double": "double", "timestamp": "timestamp"}


def _env_var(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise KeyError(f"environment variable {name} is not set")
    return value


def session_parameters(profiles: Path | None = None) -> dict[str, str]:
    """The Spark settings of the `spark` output in profiles.yml, rendered as dbt renders them (env_var)."""
    path = profiles or Path(os.environ.get("DBT_PROFILES_DIR", PROFILES.parent)) / "profiles.yml"
    output = yaml.safe_load(path.read_text())["leadscore"]["outputs"]["spark"]
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    return {key: env.from_string(str(value)).render(env_var=_env_var)
            for key, value in output["server_side_parameters"].items()}


def session() -> Any:
    """The process's SparkSession with Hive support (dbt-spark's `session` method builds the same one)."""
    from pyspark.sql import SparkSession  # optional extra

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in session_parameters().items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def write_raw_table(spark: Any, table: Table, data: pa.Table, replace: bool = True) -> None:
    """raw.<table> as a parquet table with the contract's Spark types: replaced, or `data` appended."""
    spark.sql(f"create database if not exists {RAW_SCHEMA}")
    frame = spark.createDataFrame(data).selectExpr(
        *(f"cast({c.name} as {SPARK_TYPES[c.type]}) as {c.name}" for c in table.columns))
    frame.write.mode("overwrite" if replace else "append").format("parquet").saveAsTable(f"{RAW_SCHEMA}.{table.name}")
