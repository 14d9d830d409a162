"""The benchmark's two baselines score like the dbt build, so that `make bench` compares equal work: the
one hand-written floor query and the pandas pipeline, both from the raw tables, give the default model's
lead_scores exactly (subscores, total, grade, tier, threshold status, disqualification)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from conftest import SCORE_DATE

from leadscore.bench import (
    SCORE_COLUMNS,
    differences,
    dbt_scores,
    floor_scores,
    is_identical,
    pandas_scores,
    render_markdown,
    targets,
)

DAY = dt.date.fromisoformat(SCORE_DATE)


def test_floor_query_equals_lead_scores(built_warehouse: Path) -> None:
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        built = dbt_scores(con)
        floor = floor_scores(con, DAY)
    found = differences(built, floor)
    assert is_identical(found), found
    assert found["leads_compared"] == len(built) > 2500
    # Not trivially equal: every status occurs, some leads are disqualified, subscores vary.
    assert set(floor.threshold_status) == {"nurture", "mql", "hot"}
    assert floor.is_disqualified.any()
    assert floor.negative_points.nunique() > 5 and floor.behavioral_points.nunique() > 50


def test_floor_query_sees_nothing_after_its_day(built_warehouse: Path) -> None:
    """As of an earlier day the floor scores differ from the build's (events and leads of later days are
    not read), so equality above is not an accident of reading everything."""
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        earlier = floor_scores(con, DAY - dt.timedelta(days=30))
        built = dbt_scores(con)
    found = differences(built, earlier)
    assert found["only_expected"] > 0 and found["behavioral_points"] > 100


def test_pandas_baseline_equals_lead_scores(built_warehouse: Path) -> None:
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        built = dbt_scores(con)
    baseline = pandas_scores(built_warehouse, DAY)
    found = differences(built, baseline[["lead_id", *SCORE_COLUMNS]])
    assert is_identical(found), found


@pytest.mark.parametrize("value", ["5GB", "512MB", "1.5GiB"])
def test_memory_sizes_pass(value: str) -> None:
    from leadscore.bench import memory_size

    assert memory_size(value) == value


def test_memory_size_rejects_sql() -> None:
    import click

    from leadscore.bench import memory_size

    with pytest.raises(click.BadParameter, match="not a memory size"):
        memory_size("5GB'; drop table raw.events; --")


def test_a_failed_full_build_is_reported_not_hidden() -> None:
    """At 1M leads the full build can run out of disk: its cell and the targets say it failed, and the floor is
    compared with the score-date-only build."""
    step = {"seconds": 100.0, "peak_rss_mb": 2048.0, "returncode": 0}
    result = {
        "leads": 1_000_000, "events": 54_700_042, "score_date": "2026-11-22", "run_at": "2026-11-23 20:00 UTC",
        "machine": {"nproc": 2, "ram_gb": 23.5, "cpu": "AMD EPYC", "load_average_1m": 0.9, "python": "3.11.7",
                    "duckdb": "1.5.6", "dbt-core": "1.11.16", "dbt-duckdb": "1.11.1", "pandas": "3.1.1"},
        "duckdb_memory_limit": "5GB", "pandas_memory_cap_gb": 16.0, "long_history_days": None,
        "steps": {"generate": step, "full_build": {"seconds": 611.3, "peak_rss_mb": 5552.0, "returncode": 1},
                  "score_date_only": {**step, "seconds": 214.9}, "floor": {**step, "seconds": 81.3}, "pandas": step},
        "held_back_events": None, "compared_build": "score_date_only", "slowest_nodes": {}, "checks": {},
        "identical": True,
    }
    assert targets(result) == [("full build targets", "full build failed", None)]
    rendered = render_markdown([result])
    row = next(line for line in rendered.splitlines() if line.startswith("| 1,000,000 "))
    assert row.split(" | ")[3] == "failed (exit 1) at 5.4 GB"
    assert row.split(" | ")[10] == "2.64x"  # score date only / floor
    assert "The full build failed at this size" in rendered
