"""Shared fixtures: a warehouse generated and built once per test session, and a dbt runner.

dbt runs in a subprocess (dbt-duckdb keeps its DuckDB file open in-process), with its own target
and log folders so tests never clobber a developer's target/.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SCORE_DATE = "2026-11-22"
LEADS = 3000


def run(cmd: list[str], duckdb_path: Path, workdir: Path, project_dir: Path = REPO) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "LEADSCORE_DUCKDB_PATH": str(duckdb_path),
        "LEADSCORE_TARGET": "duckdb",
        "DBT_PROFILES_DIR": str(project_dir),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
    }
    return subprocess.run(cmd, cwd=project_dir, env=env, capture_output=True, text=True)


DbtRunner = Callable[..., subprocess.CompletedProcess]


@pytest.fixture(scope="session")
def dbt() -> DbtRunner:
    def invoke(args: list[str], duckdb_path: Path, workdir: Path, project_dir: Path = REPO,
               score_date: str = SCORE_DATE) -> subprocess.CompletedProcess:
        cmd = [str(BIN / "dbt"), *args, "--vars", f"{{score_date: '{score_date}'}}"]
        return run(cmd, duckdb_path, workdir, project_dir)
    return invoke


def copy_project(destination: Path) -> Path:
    """A copy of the dbt project (no venv, artifacts or warehouse files) that a test may break."""
    shutil.copytree(REPO, destination, ignore=shutil.ignore_patterns(".*", "target", "logs", "*.duckdb", "src", "docs"))
    return destination


def generate(duckdb_path: Path, workdir: Path, leads: int = LEADS, end_date: str = SCORE_DATE) -> None:
    done = run([str(BIN / "leadscore"), "generate", "--leads", str(leads), "--seed", "42",
                "--end-date", end_date], duckdb_path, workdir)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture(scope="session")
def raw_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file with generated raw tables only (copy it before building into it)."""
    workdir = tmp_path_factory.mktemp("raw")
    path = workdir / "generated.duckdb"  # not raw.duckdb: DuckDB names the catalog after the file
    generate(path, workdir)
    return path


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory, raw_warehouse: Path, dbt: DbtRunner) -> Path:
    """The full `dbt build` (models, seeds, data tests, unit tests) on generated data, as of SCORE_DATE."""
    workdir = tmp_path_factory.mktemp("built")
    path = workdir / "built.duckdb"
    shutil.copy(raw_warehouse, path)
    done = dbt(["build"], path, workdir)
    assert done.returncode == 0, "dbt build failed:\n" + done.stdout[-6000:]
    return path


@pytest.fixture
def query(built_warehouse: Path) -> Callable[[str], list[tuple]]:
    def fetch(sql: str) -> list[tuple]:
        with duckdb.connect(str(built_warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()
    return fetch


# The marts `make test-postgres` and `make test-spark` compare with the DuckDB build of the same sample.
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


def sorted_rows(fetched: list) -> list[tuple]:
    """Rows with normalised values, in one order whatever order the engine returned them in."""
    return sorted((tuple(normalised(v) for v in row) for row in fetched), key=repr)


def rows(cursor, sql: str) -> list[tuple]:
    cursor.execute(sql)
    return sorted_rows(cursor.fetchall())


def duckdb_mart(path: Path, mart: str) -> tuple[str, list[tuple]]:
    """The query that reads marts.<mart>'s columns by name, and its normalised rows in the DuckDB file."""
    with duckdb.connect(str(path), read_only=True) as con:
        columns = [c for (c,) in con.execute(
            "select column_name from information_schema.columns where table_schema = 'marts' and table_name = ? "
            "order by ordinal_position", [mart]).fetchall()]
        assert columns, f"marts.{mart} is not in the DuckDB warehouse"
        sql = f"select {', '.join(columns)} from marts.{mart}"
        return sql, rows(con.cursor(), sql)


def assert_same_rows(mart: str, sql: str, in_duckdb: list[tuple], other: str, in_other: list[tuple]) -> None:
    assert in_duckdb, f"marts.{mart} is empty"
    only_duckdb = sorted(set(in_duckdb) - set(in_other), key=repr)
    only_other = sorted(set(in_other) - set(in_duckdb), key=repr)
    assert len(in_duckdb) == len(in_other) and not only_duckdb and not only_other, (
        f"marts.{mart}: {len(in_duckdb)} rows on DuckDB, {len(in_other)} on {other}; "
        f"only on DuckDB {only_duckdb[:2]}, only on {other} {only_other[:2]} ({sql})")
