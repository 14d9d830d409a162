"""Idempotency of the incremental score history on a small generated warehouse (800 leads, 10-day history).

A rerun of the same `dbt build` changes no mart, and daily runs (an initial build, then one run per day)
store exactly what a full refresh over the same days stores. The raw data is generated once, to the last
day; the score_date var hides what comes later, as it does in production for a backfill. The last day is
the day after a month start, so the daily runs also add a calibration snapshot.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import BIN, generate, run

LAST_DAY = date(2026, 11, 2)
DAILY_RUNS = [LAST_DAY - timedelta(days=n) for n in (3, 2, 1, 0)]
HISTORY_DAYS = 10
FIRST_DAY = DAILY_RUNS[0] - timedelta(days=HISTORY_DAYS - 1)
LEADS = 800
HISTORY_MARTS = ["lead_score_history", "lead_score_changes", "lead_scores", "lead_threshold_crossings"]


def dbt(args: list[str], path: Path, workdir: Path, score_date: date,
        exclude: tuple[str, ...] = ("test_type:unit",), **extra_vars: str) -> None:
    """dbt as of score_date with a short first history. Unit tests are left out: they read no warehouse
    table, and the session build runs them."""
    variables = {"score_date": score_date.isoformat(), "history_initial_days": HISTORY_DAYS, **extra_vars}
    cmd = [str(BIN / "dbt"), *args, "--exclude", *exclude, "--vars", json.dumps(variables)]
    done = run(cmd, path, workdir)
    assert done.returncode == 0, f"dbt {' '.join(args)} as of {score_date} failed:\n" + done.stdout[-6000:]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("idempotency_raw")
    path = workdir / "generated.duckdb"
    generate(path, workdir, leads=LEADS, end_date=LAST_DAY.isoformat())
    return path


def _copy(source: Path, workdir: Path, name: str) -> Path:
    path = workdir / name
    shutil.copy(source, path)
    return path


@pytest.fixture(scope="module")
def daily(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first build as of the first daily run's day, then one run a day up to LAST_DAY (a build)."""
    workdir = tmp_path_factory.mktemp("daily")
    path = _copy(generated, workdir, "daily.duckdb")
    first, *middle, last = DAILY_RUNS
    dbt(["build"], path, workdir, first)
    for day in middle:
        dbt(["run"], path, workdir, day)
    dbt(["build"], path, workdir, last)
    return path


@pytest.fixture(scope="module")
def full_refresh(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One full-refresh build as of LAST_DAY, its history starting on the daily runs' first day (seeds and
    models: it is the reference, the daily builds run the data tests)."""
    workdir = tmp_path_factory.mktemp("full_refresh")
    path = _copy(generated, workdir, "full.duckdb")
    dbt(["build", "--full-refresh"], path, workdir, LAST_DAY, exclude=("resource_type:test", "resource_type:unit_test"),
        history_start=FIRST_DAY.isoformat())
    return path


def mart_hashes(path: Path) -> dict[str, tuple[int, int]]:
    """Rows and an order-independent hash of every table in schema marts."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        return {name: con.execute(f"select count(*), sum(hash(t)) from marts.{name} as t").fetchone()
                for name in tables}


def differing_rows(left: Path, right: Path, table: str, where: str = "true") -> tuple[list, list]:
    """Rows of marts.<table> only in left, and only in right (duplicates count)."""
    with duckdb.connect() as con:
        con.execute(f"attach '{left}' as left_db (read_only)")
        con.execute(f"attach '{right}' as right_db (read_only)")
        def only(a: str, b: str) -> list:
            return con.execute(f"""
                select * from {a}.marts.{table} where {where}
                except all
                select * from {b}.marts.{table} where {where}
                order by all
            """).fetchall()
        return only("left_db", "right_db"), only("right_db", "left_db")


def test_a_rerun_changes_no_mart(daily: Path, tmp_path: Path) -> None:
    """With keep_unchanged false: a rerun that keeps nothing (the default) would change nothing trivially."""
    before = mart_hashes(daily)
    rerun = _copy(daily, tmp_path, "rerun.duckdb")
    dbt(["build"], rerun, tmp_path, LAST_DAY, keep_unchanged=False)
    after = mart_hashes(rerun)
    assert len(before) >= 13 and before["lead_score_history"][0] > 10_000
    changed = {name: (before[name], after.get(name)) for name in before if before[name] != after.get(name)}
    assert not changed and before.keys() == after.keys(), f"marts changed by a rerun (rows, hash): {changed}"


@pytest.mark.parametrize("table", HISTORY_MARTS)
def test_daily_runs_equal_a_full_refresh(daily: Path, full_refresh: Path, table: str) -> None:
    only_daily, only_full = differing_rows(daily, full_refresh, table)
    assert not only_daily and not only_full, (
        f"{table}: {len(only_daily)} rows only in the daily runs, {len(only_full)} only in the full refresh; "
        f"first of each: {only_daily[:3]} / {only_full[:3]}")


def test_the_compared_history_is_real(daily: Path) -> None:
    with duckdb.connect(str(daily), read_only=True) as con:
        days = [d for (d,) in con.execute(
            "select distinct as_of_date from marts.lead_score_history order by 1").fetchall()]
        changes, status_changes = con.execute(
            "select count(*), count(case when is_status_change then 1 end) from marts.lead_score_changes").fetchone()
        changed_days = con.execute("select count(distinct as_of_date) from marts.lead_score_changes").fetchone()[0]
    assert days == [FIRST_DAY + timedelta(days=n) for n in range((LAST_DAY - FIRST_DAY).days + 1)]
    assert changes > 1000 and status_changes > 10 and changed_days == len(days) - 1


def test_snapshots_on_the_full_refresh_days_are_equal(daily: Path, full_refresh: Path) -> None:
    """The snapshot of LAST_DAY's month, scored by the daily run on that day, equals the full refresh's."""
    with duckdb.connect(str(full_refresh), read_only=True) as con:
        snapshot_days = [d for (d,) in con.execute(
            "select distinct snapshot_date from marts.lead_score_snapshots order by 1").fetchall()]
    assert snapshot_days[-1] == LAST_DAY.replace(day=1) and len(snapshot_days) == 12
    listed = ", ".join(f"date '{d}'" for d in snapshot_days)
    only_daily, only_full = differing_rows(daily, full_refresh, "lead_score_snapshots", f"snapshot_date in ({listed})")
    assert not only_daily and not only_full, (only_daily[:3], only_full[:3])


def test_snapshots_equal_a_full_refresh(daily: Path, full_refresh: Path) -> None:
    only_daily, only_full = differing_rows(daily, full_refresh, "lead_score_snapshots")
    assert not only_daily and not only_full, {row[0] for row in only_daily + only_full}
