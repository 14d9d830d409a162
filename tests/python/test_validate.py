"""`leadscore validate`: GX suites over the raw and marts layers of the session's generated warehouse.

Every count a suite reports is checked against an independent count: SQL over the raw tables, pandas, or
the reasons staging wrote to marts.quarantined_rows in the same build.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO, SCORE_DATE

from leadscore.cli import main
from leadscore.contract import ACTIVITY_TYPES, EMAIL_PATTERN, EVENT_TYPES, LEAD_STATUSES, OPPORTUNITY_STAGES
from leadscore.validate import (
    MIN_VOLUME_SHARE,
    VOLUME_WINDOW_DAYS,
    Report,
    event_volume_frame,
    run_suites,
    validate_layers,
)

DAY = dt.date.fromisoformat(SCORE_DATE)


def report_for(path: Path, layers: Iterable[str]) -> Report:
    with duckdb.connect(str(path), read_only=True) as con:
        return validate_layers(con, tuple(layers), DAY, "duckdb")


def failed(report: Report) -> dict[tuple[str, str, str], int | None]:
    return {(f.table, f.column, f.expectation): f.failing for f in report.failures}


def one(path: Path, sql: str) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


@pytest.fixture(scope="module")
def raw_report(built_warehouse: Path) -> Report:
    return report_for(built_warehouse, ["raw"])


def test_marts_suite_passes_on_a_correct_build(built_warehouse: Path) -> None:
    report = report_for(built_warehouse, ["marts"])
    assert report.failures == []
    assert report.success
    # lead_scores: 1 key + 6 not-null + 4 value sets + 2 models' score bounds; lead_score_history the same with
    # as_of_date in the key (7 not-null); 1 on quarantined_rows; 2 on reconciliation
    assert report.checks("marts") == (30, 0)
    assert set(report.results) == {"marts.lead_scores", "marts.lead_score_history", "marts.quarantined_rows",
                                   "marts.reconciliation"}


def test_broken_marts_fail_on_exactly_what_was_broken(built_warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken.duckdb"
    shutil.copy(built_warehouse, path)
    with duckdb.connect(str(path)) as con:
        first, second = (r[0] for r in con.execute(
            "select lead_id from marts.lead_scores where model_id = 'enterprise' order by lead_id limit 2").fetchall())
        con.execute(f"insert into marts.lead_scores select * from marts.lead_scores "
                    f"where lead_id = '{first}' and model_id = 'enterprise'")
        con.execute(f"update marts.lead_scores set total_score = 241 where lead_id = '{second}' and model_id = 'enterprise'")
        con.execute("update marts.lead_scores set fit_grade = 'E' where model_id = 'default' and lead_id in "
                    "(select lead_id from marts.lead_scores where model_id = 'default' order by lead_id limit 3)")
        con.execute("update marts.reconciliation set is_reconciled = false where source_table = 'events'")
        con.execute("insert into marts.lead_score_history select * from marts.lead_score_history "
                    f"where lead_id = '{first}' and model_id = 'enterprise' order by as_of_date desc limit 1")

    report = report_for(path, ["marts"])
    assert not report.success
    assert failed(report) == {
        ("marts.lead_scores", "lead_id, model_id", "expect_compound_columns_to_be_unique"): 2,
        ("marts.lead_scores", "total_score", "expect_column_values_to_be_between"): 1,
        ("marts.lead_scores", "fit_grade", "expect_column_values_to_be_in_set"): 3,
        ("marts.reconciliation", "is_reconciled", "expect_column_values_to_be_in_set"): 1,
        ("marts.lead_score_history", "as_of_date, lead_id, model_id", "expect_compound_columns_to_be_unique"): 2,
    }
    bounds = next(f for f in report.failures if f.column == "total_score")
    # enterprise: negative_floor -200 to 120 + 120 (seeds/scoring_models.csv); 241 is one over
    assert bounds.samples == [241] and "model enterprise" in bounds.note
    assert bounds.rows == one(path, "select count(*) from marts.lead_scores where model_id = 'enterprise'")
    assert next(f for f in report.failures if f.column == "fit_grade").samples == ["E", "E", "E"]


def test_raw_suite_reports_the_generated_dirt_with_independent_counts(raw_report: Report,
                                                                      built_warehouse: Path) -> None:
    def quarantined(table: str, reason: str) -> int:
        return one(built_warehouse, f"select count(*) from marts.quarantined_rows "
                                    f"where source_table = '{table}' and quarantine_reason = '{reason}'")

    def rows_sharing_a_key(table: str, key: str) -> int:
        return one(built_warehouse, f"""select coalesce(sum(n), 0) from (select count(*) as n from raw.{table}
                                        where trim({key}) <> '' group by trim({key}) having count(*) > 1)""")

    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        emails = con.execute("select email from raw.leads").df()["email"].str.strip().str.lower()
    present = emails[emails.fillna("") != ""]
    malformed = int((~present.str.match(EMAIL_PATTERN)).sum())
    missing = int(emails.isna().sum() + (emails == "").sum())

    expected = {
        ("raw.leads", "lead_id", "expect_column_values_to_be_unique"): rows_sharing_a_key("leads", "lead_id"),
        ("raw.leads", "email", "expect_column_values_to_not_be_null"): missing,
        ("raw.leads", "email", "expect_column_values_to_match_regex"): malformed,
        ("raw.events", "event_id", "expect_column_values_to_be_unique"): rows_sharing_a_key("events", "event_id"),
        ("raw.events", "event_type", "expect_column_values_to_be_in_set"): one(
            built_warehouse, f"select count(*) from raw.events where lower(trim(event_type)) not in {EVENT_TYPES}"),
        ("raw.events", "occurred_at", "expect_column_values_to_be_between"): one(
            built_warehouse, f"select count(*) from raw.events where occurred_at >= date '{DAY}' + interval 1 day"),
    }
    assert failed(raw_report) == expected
    # The same rows staging set aside for the same reason; duplicates count every copy, staging all but one.
    assert missing == quarantined("leads", "missing_email") == 19
    assert malformed == quarantined("leads", "malformed_email") == 17
    assert expected[("raw.events", "event_type", "expect_column_values_to_be_in_set")] == quarantined(
        "events", "unknown_event_type") == 171
    assert expected[("raw.events", "occurred_at", "expect_column_values_to_be_between")] == quarantined(
        "events", "occurred_after_score_date") == 471
    assert expected[("raw.leads", "lead_id", "expect_column_values_to_be_unique")] == 2 * quarantined(
        "leads", "duplicate_lead_id") == 78
    # 43 raw checks: the volume check among those that passed
    assert raw_report.checks("raw") == (43, 6)
    assert raw_report.results["raw.events_per_day"]["success"]


def test_raw_failures_name_the_quarantine_reason_staging_uses(raw_report: Report) -> None:
    staging_sql = "\n".join(p.read_text() for p in (REPO / "models/staging").rglob("*.sql"))
    reasons = [
        r["expectation_config"]["meta"]["note"].split(" as ")[-1]
        for name, suite in raw_report.results.items() if name != "raw.events_per_day"
        for r in suite["results"]
    ]
    assert len(reasons) == 42
    assert [r for r in reasons if r not in staging_sql] == []


def test_contract_values_are_the_ones_dbt_checks() -> None:
    project_vars = yaml.safe_load((REPO / "dbt_project.yml").read_text())["vars"]
    assert EMAIL_PATTERN == project_vars["email_pattern"]
    assert list(EVENT_TYPES) == project_vars["event_types"]
    assert list(LEAD_STATUSES) == project_vars["lead_statuses"]
    crm = REPO / "models/staging/crm/base"
    assert "stage not in ('" + "', '".join(OPPORTUNITY_STAGES) + "')" in (crm / "base_crm__opportunities.sql").read_text()
    assert "activity_type not in ('" + "', '".join(ACTIVITY_TYPES) + "')" in (
        crm / "base_crm__sales_activities.sql").read_text()


def test_volume_check_fails_when_the_last_day_has_under_a_tenth_of_the_median_day(
        raw_warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "broken_sync.duckdb"
    shutil.copy(raw_warehouse, path)
    with duckdb.connect(str(path)) as con:
        per_day = con.execute("select occurred_at from raw.events").df()["occurred_at"].dt.date.value_counts()
    median = statistics.median(
        int(per_day.get(DAY - dt.timedelta(days=n), 0)) for n in range(1, VOLUME_WINDOW_DAYS + 1))
    floor = MIN_VOLUME_SHARE * median
    assert per_day[DAY] >= floor  # the generated data passes (see the raw report above)

    def volume_failures(keep: int) -> list:
        on_the_day = f"cast(occurred_at as date) = date '{DAY}'"
        with duckdb.connect(str(path)) as con:
            con.execute(f"delete from raw.events where rowid in "
                        f"(select rowid from raw.events where {on_the_day} order by rowid offset {keep})")
            assert con.execute(f"select count(*) from raw.events where {on_the_day}").fetchone()[0] == keep
            frame = event_volume_frame(con, DAY)
        return Report("duckdb", DAY, run_suites([frame])).failures

    at_floor = math.ceil(floor)
    assert volume_failures(at_floor) == []
    failures = volume_failures(at_floor - 1)
    assert [(f.table, f.column, f.expectation, f.failing, f.rows, f.samples) for f in failures] == [
        ("raw.events_per_day", "event_count", "expect_column_values_to_be_between", 1, 1, [at_floor - 1])]
    assert f"{median:g}" in failures[0].note


def test_cli_exits_0_when_clean_and_1_on_failures_and_writes_json_and_html(built_warehouse: Path,
                                                                            tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"LEADSCORE_DUCKDB_PATH": str(built_warehouse)}
    clean = runner.invoke(main, ["validate", "--layer", "marts", "--output-dir", str(tmp_path / "marts")], env=env)
    assert clean.exit_code == 0, clean.output
    assert "All checks passed" in clean.output
    results = json.loads((tmp_path / "marts/results.json").read_text())
    assert results["success"] is True and set(results["suites"]) == {
        "marts.lead_scores", "marts.lead_score_history", "marts.quarantined_rows", "marts.reconciliation"}
    assert "leadscore validation passed" in (tmp_path / "marts/summary.html").read_text()

    dirty = runner.invoke(main, ["validate", "--layer", "all", "--score-date", SCORE_DATE,
                                 "--output-dir", str(tmp_path / "all")], env=env)
    assert dirty.exit_code == 1, dirty.output
    assert "raw: 43 checks, 6 failed" in dirty.output and "marts: 30 checks, 0 failed" in dirty.output
    assert "malformed_email" in dirty.output and "quarantines" in dirty.output
    results = json.loads((tmp_path / "all/results.json").read_text())
    assert results["success"] is False and results["score_date"] == SCORE_DATE
    regex = next(r for r in results["suites"]["raw.leads"]["results"]
                 if r["expectation_config"]["type"] == "expect_column_values_to_match_regex")
    assert regex["result"]["unexpected_count"] == 17
    page = (tmp_path / "all/summary.html").read_text()
    assert "leadscore validation failed" in page and "<td>17</td>" in page and "<script" not in page

    missing = runner.invoke(main, ["validate", "--layer", "marts", "--output-dir", str(tmp_path / "none")],
                            env={"LEADSCORE_DUCKDB_PATH": str(tmp_path / "empty.duckdb")})
    assert missing.exit_code == 1 and "seeds.scoring_models" in missing.output and "dbt build" in missing.output


# The validate command in a fresh interpreter whose sockets refuse to connect (and say so).
NO_NETWORK = """
import socket, sys
def refuse(*args, **kwargs):
    sys.stderr.write(f"network attempt: {args!r}\\n")
    raise OSError("no network in this test")
socket.socket.connect = socket.socket.connect_ex = refuse
socket.create_connection = socket.getaddrinfo = refuse
import leadscore.cli, leadscore.validate
assert "great_expectations" not in sys.modules, "GX imported before a command needed it"
leadscore.cli.main()
"""


def test_validate_reaches_no_network_and_gx_loads_only_when_needed(built_warehouse: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "GX_ANALYTICS_ENABLED"}
    env["LEADSCORE_DUCKDB_PATH"] = str(built_warehouse)
    done = subprocess.run(
        [sys.executable, "-c", NO_NETWORK, "validate", "--layer", "marts", "--output-dir", str(tmp_path)],
        env=env, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "network attempt" not in done.stderr
    assert "All checks passed" in done.stdout
