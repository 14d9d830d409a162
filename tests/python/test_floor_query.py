"""The benchmark's two baselines score like the dbt build, so that `make bench` compares equal work: the
one hand-written floor query and the pandas pipeline, both from the raw tables, give the default model's
lead_scores exactly (subscores, total, grade, tier, threshold status, disqualification)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from conftest import SCORE_DATE

from leadscore.bench import SCORE_COLUMNS, differences, dbt_scores, floor_scores, is_identical, pandas_scores

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
