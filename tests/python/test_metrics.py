"""The semantic layer: `mf query` (MetricFlow, the `metrics` extra) over a copy of the session warehouse
gives, for every metric and cut, what pandas computes from the rows of marts.lead_funnel, and its counts
and amounts add up to marts.conversion_funnel. Runs where MetricFlow is installed (`make test-metrics`,
CI); skipped elsewhere, but never in CI."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from conftest import BIN, DbtRunner, copy_project, run

MF = BIN / "mf"
pytestmark = pytest.mark.skipif(not MF.exists() and os.environ.get("CI") != "true",
                                reason="MetricFlow is not installed (make test-metrics installs it)")

METRICS = ["mqls", "sqls", "opportunities", "customers", "mql_to_sql_rate", "won_rate", "opportunity_win_rate",
           "median_days_to_sql", "pipeline_amount", "won_amount"]
FUNNEL_GRAIN = ["model_id", "mql_cohort_month", "lead_source", "fit_grade", "score_band", "score_source"]
MetricQuery = Callable[..., pd.DataFrame]


def _semantic_project(workdir: Path, warehouse: Path, dbt: DbtRunner, target: str) -> MetricQuery:
    """A copy of the project parsed for `target` into target/semantic_manifest.json (where mf reads it, with
    the tables it names), and `mf query` of every metric on it: a DataFrame per query."""
    project = copy_project(workdir / "project")
    done = dbt(["parse", "--target", target], warehouse, project, project)
    assert done.returncode == 0, done.stdout[-3000:]

    def query(group_by: list[str], where: str | None = None) -> pd.DataFrame:
        out = project / f"query_{len(list(project.glob('query_*.csv')))}.csv"
        # `env` sets the profile's target for mf (conftest's runner pins LEADSCORE_TARGET to duckdb).
        cmd = ["env", f"LEADSCORE_TARGET={target}", str(MF), "query", "--metrics", ",".join(METRICS),
               "--group-by", ",".join(group_by), "--csv", str(out), "--quiet", *(["--where", where] if where else [])]
        done = run(cmd, warehouse, project, project)
        assert done.returncode == 0 and out.exists(), done.stdout[-3000:] + done.stderr[-3000:]
        result = pd.read_csv(out, keep_default_na=False, na_values=[""])
        return result.assign(**{c: pd.to_datetime(result[c]) for c in result.columns if c.startswith("metric_time")})
    return query


@pytest.fixture(scope="module")
def warehouse_copy(tmp_path_factory: pytest.TempPathFactory, built_warehouse: Path) -> Path:
    """mf opens the DuckDB file for writing: a copy keeps the session's warehouse to the other tests."""
    path = tmp_path_factory.mktemp("metrics") / "metrics.duckdb"
    shutil.copy(built_warehouse, path)
    return path


@pytest.fixture(scope="module")
def mf_query(tmp_path_factory: pytest.TempPathFactory, warehouse_copy: Path, dbt: DbtRunner) -> MetricQuery:
    return _semantic_project(tmp_path_factory.mktemp("duckdb"), warehouse_copy, dbt, "duckdb")


@pytest.fixture(scope="module")
def marts(warehouse_copy: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(warehouse_copy), read_only=True) as con:
        return {name: con.execute(f"select * from marts.{name}").df() for name in ["lead_funnel", "conversion_funnel"]}


def _expected(lead_funnel: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Every metric in pandas, straight from its definition over lead_funnel's rows."""
    rows = lead_funnel.assign(days_to_sql=lead_funnel.seconds_mql_to_sql.astype(float) / 86400,
                              pipeline_amount=lead_funnel.pipeline_amount.astype(float),
                              won_amount=lead_funnel.won_amount.astype(float))
    grouped = rows.groupby(by)
    expected = pd.DataFrame({
        "mqls": grouped.size(),
        "sqls": grouped.sql_at.count(),
        "opportunities": grouped.opportunity_at.count(),
        "customers": grouped.won_at.count(),
        "median_days_to_sql": grouped.days_to_sql.median(),
        "pipeline_amount": grouped.pipeline_amount.sum(),
        "won_amount": grouped.won_amount.sum(),
    })
    expected["mql_to_sql_rate"] = expected.sqls / expected.mqls
    expected["won_rate"] = expected.customers / expected.mqls
    expected["opportunity_win_rate"] = expected.customers / expected.opportunities.replace(0, np.nan)
    return expected.reset_index()


def _assert_same(got: pd.DataFrame, expected: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    both = got.merge(expected, on=key, how="outer", suffixes=("", "_expected"), validate="one_to_one", indicator=True)
    assert (both._merge == "both").all(), both[both._merge != "both"][key + ["_merge"]]
    for metric in METRICS:
        ours, theirs = both[metric].astype(float), both[f"{metric}_expected"].astype(float)
        same = np.isclose(ours, theirs, rtol=1e-12, atol=0) | (ours.isna() & theirs.isna())
        assert same.all(), f"{metric} differs:\n{both[~same][key + [metric, metric + '_expected']].head()}"
    return both


def test_every_metric_by_cohort_at_the_funnel_grain(mf_query: MetricQuery, marts: dict[str, pd.DataFrame]) -> None:
    dimensions = [c for c in FUNNEL_GRAIN if c != "mql_cohort_month"]
    got = mf_query(["metric_time__month", *[f"mql_lead__{c}" for c in dimensions]])
    got = got.rename(columns={"metric_time__month": "mql_cohort_month", **{f"mql_lead__{c}": c for c in dimensions}})
    lead_funnel = marts["lead_funnel"].assign(mql_cohort_month=pd.to_datetime(marts["lead_funnel"].mql_cohort_month))
    both = _assert_same(got, _expected(lead_funnel, FUNNEL_GRAIN), FUNNEL_GRAIN)
    # metric_time is the MQL month: the cells are conversion_funnel's rows, counts and money exactly, rates
    # and medians as the mart rounds them (4 and 2 decimals).
    funnel = marts["conversion_funnel"].assign(mql_cohort_month=lambda f: pd.to_datetime(f.mql_cohort_month))
    funnel = funnel.set_index(FUNNEL_GRAIN).add_prefix("funnel_").reset_index()
    rows = both.merge(funnel, on=FUNNEL_GRAIN, how="outer", validate="one_to_one", indicator="in_funnel")
    assert (rows.in_funnel == "both").all()
    for metric, column, atol in [("mqls", "mql_leads", 0), ("sqls", "sql_leads", 0),
                                 ("opportunities", "opportunity_leads", 0), ("customers", "won_leads", 0),
                                 ("pipeline_amount", "pipeline_amount", 1e-6), ("won_amount", "won_amount", 1e-6),
                                 ("mql_to_sql_rate", "mql_to_sql_rate", 0.00005), ("won_rate", "mql_to_won_rate", 0.00005),
                                 ("median_days_to_sql", "median_days_mql_to_sql", 0.005)]:
        ours, theirs = rows[metric].astype(float), rows[f"funnel_{column}"].astype(float)
        same = np.isclose(ours, theirs, rtol=0, atol=atol + 1e-9) | (ours.isna() & theirs.isna())
        assert same.all(), f"{metric} differs from conversion_funnel.{column}:\n{rows[~same].head()}"
    # Real numbers: a year of cohorts, every stage reached, both models.
    default = both[both.model_id == "default"]
    assert set(both.model_id) == {"default", "enterprise"} and default.mql_cohort_month.nunique() >= 12
    assert default.mqls.sum() > default.sqls.sum() > default.opportunities.sum() > default.customers.sum() > 20


def test_pipeline_by_score_band_for_one_model(mf_query: MetricQuery, marts: dict[str, pd.DataFrame]) -> None:
    got = mf_query(["mql_lead__score_band"], where="{{ Dimension('mql_lead__model_id') }} = 'default'")
    got = got.rename(columns={"mql_lead__score_band": "score_band"})
    lead_funnel = marts["lead_funnel"]
    both = _assert_same(got, _expected(lead_funnel[lead_funnel.model_id == "default"], ["score_band"]), ["score_band"])
    assert set(both.score_band) == {"nurture", "mql", "hot", "unknown"}
    assert both.mqls.sum() == (lead_funnel.model_id == "default").sum()
    assert (both.pipeline_amount > 0).all() and both.median_days_to_sql.notna().all()


@pytest.mark.postgres
def test_the_metrics_are_the_same_on_postgres(tmp_path_factory: pytest.TempPathFactory, warehouse_copy: Path,
                                               dbt: DbtRunner, mf_query: MetricQuery) -> None:
    """make test-postgres: the same sample built on PostgreSQL gives the same metrics through the same YAML."""
    on_postgres = _semantic_project(tmp_path_factory.mktemp("postgres"), warehouse_copy, dbt, "postgres")
    cut = ["metric_time__month", "mql_lead__model_id", "mql_lead__score_band"]
    got, expected = on_postgres(cut), mf_query(cut)
    assert len(expected) > 50
    _assert_same(got, expected, cut)
