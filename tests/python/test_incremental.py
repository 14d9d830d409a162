"""Incremental staged events: a daily run that receives a new day of events, late arrivals and duplicates
stores what a full refresh over the same raw rows stores, in every mart and in the staged events.

The session's generated warehouse (3,000 leads, as of SCORE_DATE) is replayed with leadscore.dayshift: the
events of SCORE_DATE are held back, the warehouse is built as of the day before, then they are released
together with rows that arrive late (within var event_lookback_days) and a run as of SCORE_DATE follows.
A few crafted rows exercise what an incremental run must see in stored rows: a send stored the day before
makes the next day's fast clicks bots, a click stored as "after the score date" becomes usable, a re-delivered
row is quarantined as a duplicate, and a late copy with an earlier timestamp displaces the stored winner.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from conftest import BIN, SCORE_DATE, run

from leadscore.dayshift import hold_back_events, release_events

DAY = date.fromisoformat(SCORE_DATE)
PREVIOUS = DAY - timedelta(days=1)
HISTORY_DAYS = 5
LEAD, OTHER_LEAD = "L0000005", "L0000007"
UA = "Mozilla/5.0"
PRICING = "https://example.com/pricing"
SEND = ("X_SEND", LEAD, "email_sent", datetime(2026, 11, 21, 23, 59, 58), None, None, "C_LATE", UA)
CLICK_STORED_EARLY = ("X_CLICK_1", LEAD, "email_click", datetime(2026, 11, 22, 0, 0, 3), PRICING, None, "C_LATE", UA)
CLICK_ON_THE_DAY = ("X_CLICK_2", LEAD, "email_click", datetime(2026, 11, 22, 0, 0, 5), PRICING, None, "C_LATE", UA)
LATE_VIEW = ("X_LATE_VIEW", OTHER_LEAD, "page_view", datetime(2026, 11, 20, 10, 0, 0), PRICING, None, None, UA)
# The raw pricing-page views of the day before the score date that arrive again: the first identical, the
# second an hour earlier on another page (so it becomes the event's winner, as in a full refresh).
REDELIVERED = f"""
    select * from raw.events
    where occurred_at >= '{PREVIOUS}' and occurred_at < '{DAY}' and event_type = 'page_view' and url like '%pricing'
    order by event_id
    limit 2
"""


def dbt(args: list[str], path: Path, workdir: Path, score_date: date, **extra_vars: str) -> str:
    variables = {"score_date": score_date.isoformat(), "history_initial_days": HISTORY_DAYS, **extra_vars}
    done = run([str(BIN / "dbt"), *args, "--vars", json.dumps(variables)], path, workdir)
    assert done.returncode == 0, f"dbt {' '.join(args)} as of {score_date} failed:\n" + done.stdout[-6000:]
    return done.stdout


NO_TESTS = ["--exclude", "resource_type:test", "resource_type:unit_test"]
DATA_TESTS = ["--exclude", "resource_type:unit_test"]


def insert_events(con: duckdb.DuckDBPyConnection, *rows: tuple) -> None:
    con.executemany("insert into raw.events values (?, ?, ?, ?, ?, ?, ?, ?)", list(rows))


def deliver_late(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Append the late rows; returns the event ids of the identical and the changed re-delivery."""
    (same_id, *_), (changed_id, *_) = con.execute(REDELIVERED).fetchall()
    con.execute(f"insert into raw.events select * from raw.events where event_id = '{same_id}'")
    con.execute(f"""
        insert into raw.events
        select event_id, lead_id, event_type, occurred_at - interval 1 hour, 'https://example.com/case-studies',
            form_name, campaign_id, user_agent
        from raw.events where event_id = '{changed_id}'
    """)
    insert_events(con, LATE_VIEW)
    return [same_id, changed_id]


def _copy(source: Path, workdir: Path, name: str) -> Path:
    path = workdir / name
    shutil.copy(source, path)
    return path


LATE_VIEW_POINTS = f"""
    select behavioral_points from marts.lead_score_history
    where lead_id = '{OTHER_LEAD}' and model_id = 'default' and as_of_date = '{LATE_VIEW[3].date()}'
"""


@dataclass(frozen=True)
class Replayed:
    path: Path
    redelivered_ids: list[str]
    late_view_points_before: int


@pytest.fixture(scope="module")
def incremental(raw_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Replayed:
    """Built as of the day before SCORE_DATE without its events, then as of SCORE_DATE after they arrived."""
    workdir = tmp_path_factory.mktemp("incremental")
    path = _copy(raw_warehouse, workdir, "incremental.duckdb")
    with duckdb.connect(str(path)) as con:
        insert_events(con, SEND, CLICK_ON_THE_DAY)
        assert hold_back_events(con, DAY) > 400
        insert_events(con, CLICK_STORED_EARLY)  # delivered early: stored as after the score date
    dbt(["build", *NO_TESTS], path, workdir, PREVIOUS)
    with duckdb.connect(str(path)) as con:
        (points_before,) = con.execute(LATE_VIEW_POINTS).fetchone()
        assert release_events(con) > 400
        redelivered = deliver_late(con)
    dbt(["build", *DATA_TESTS], path, workdir, DAY)
    return Replayed(path, redelivered, points_before)


@pytest.fixture(scope="module")
def full_refresh(raw_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same raw rows, built once with --full-refresh as of SCORE_DATE over the same history days."""
    workdir = tmp_path_factory.mktemp("full_refresh")
    path = _copy(raw_warehouse, workdir, "full.duckdb")
    with duckdb.connect(str(path)) as con:
        insert_events(con, SEND, CLICK_ON_THE_DAY, CLICK_STORED_EARLY)
        deliver_late(con)
    dbt(["build", "--full-refresh", *NO_TESTS], path, workdir, DAY,
        history_start=(PREVIOUS - timedelta(days=HISTORY_DAYS - 1)).isoformat())
    return path


COMPARED = ["staging.base_activity__events", "staging.stg_activity__events"]


def compared_relations(path: Path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        marts = [f"marts.{name}" for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
    return COMPARED + marts


def only_in(left: Path, right: Path, relation: str) -> list[tuple]:
    """Rows of relation in left but not in right (copies count); staged_at says when a run wrote a row, which
    differs between the builds by design. Each file is attached under its own name, which its views use."""
    assert left.stem != right.stem
    with duckdb.connect() as con:
        for path in (left, right):
            con.execute(f"attach '{path}' (read_only)")
        columns = "* exclude (staged_at)" if relation.endswith("base_activity__events") else "*"
        return con.execute(f"""
            select {columns} from "{left.stem}".{relation}
            except all
            select {columns} from "{right.stem}".{relation}
        """).fetchall()


def test_every_mart_and_the_staged_events_equal_a_full_refresh(incremental: Replayed, full_refresh: Path) -> None:
    path = incremental.path
    relations = compared_relations(path)
    assert len(relations) >= 15 and relations == compared_relations(full_refresh)
    differences = {}
    for relation in relations:
        only_incremental, only_full = only_in(path, full_refresh, relation), only_in(full_refresh, path, relation)
        if only_incremental or only_full:
            differences[relation] = (len(only_incremental), len(only_full), only_incremental[:2], only_full[:2])
    assert not differences, f"(rows only incremental, only full refresh, examples): {differences}"


def test_the_replayed_day_exercised_each_case(incremental: Replayed) -> None:
    same_id, changed_id = incremental.redelivered_ids
    ids = ["X_CLICK_1", "X_CLICK_2", "X_LATE_VIEW", same_id, changed_id]
    with duckdb.connect(str(incremental.path), read_only=True) as con:
        staged = {event_id: con.execute("""
            select url, quarantine_reason, is_bot, campaign_sent_at from staging.base_activity__events
            where event_id = ? order by occurred_at, quarantine_reason nulls first
        """, [event_id]).fetchall() for event_id in ids}
        history_days = con.execute("select count(distinct as_of_date) from marts.lead_score_history").fetchone()[0]
        (late_view_points,) = con.execute(LATE_VIEW_POINTS).fetchone()
    send_time = SEND[3]
    assert staged["X_CLICK_1"] == [(PRICING, None, True, send_time)]  # stored as after the score date, now a bot
    assert staged["X_CLICK_2"] == [(PRICING, None, True, send_time)]  # the send was stored by the day before
    assert staged["X_LATE_VIEW"] == [(PRICING, None, False, None)]
    assert [reason for _, reason, _, _ in staged[same_id]] == [None, "duplicate_event_id"]
    assert [(url, reason) for url, reason, _, _ in staged[changed_id]] == [
        ("https://example.com/case-studies", None), (staged[changed_id][1][0], "duplicate_event_id")]
    assert "pricing" in staged[changed_id][1][0]
    # The late view reached the stored day it happened on: the history was rescored from there.
    assert history_days == HISTORY_DAYS + 1 and late_view_points > incremental.late_view_points_before


def test_a_rerun_without_new_events_writes_no_event_row(incremental: Replayed, tmp_path: Path) -> None:
    path = _copy(incremental.path, tmp_path, "rerun.duckdb")
    state = "select count(*), max(rowid), max(staged_at) from staging.base_activity__events"
    with duckdb.connect(str(path), read_only=True) as con:
        before = con.execute(state).fetchone()
    # keep_unchanged false: kept unchanged, both would trivially hold what the last run wrote.
    dbt(["run", "--select", "base_activity__events", "int_score_dates"], path, tmp_path, DAY, keep_unchanged=False)
    with duckdb.connect(str(path), read_only=True) as con:
        after = con.execute(state).fetchone()
        scored = con.execute(
            "select as_of_date from intermediate.int_score_dates where is_history_day order by 1").fetchall()
    assert before[0] > 160_000 and after == before, "the rerun deleted or inserted event rows"
    assert scored == [(DAY,)], "a rerun without new events rescored stored days"


def test_an_ordinary_day_rescores_only_that_day(raw_warehouse: Path, tmp_path: Path) -> None:
    """The day's sends re-decide the stored opens and clicks of their campaigns (the bot check), which rewrites
    rows of earlier days; rows decided as before keep their stamp, so only the new day is rescored. Among them
    are opens delivered twice, identical copies: the copy kept before must stay the one kept."""
    path = _copy(raw_warehouse, tmp_path, "ordinary.duckdb")
    twice_opened = [(f"X_TWICE_{n}", LEAD, "email_open", datetime(2026, 10, 1, 9, n), None, None, f"C_TWICE_{n}", UA)
                    for n in range(20)]
    sends_on_the_day = [(f"X_SEND_{n}", LEAD, "email_sent", datetime(2026, 11, 22, 8, n), None, None, f"C_TWICE_{n}", UA)
                        for n in range(20)]
    with duckdb.connect(str(path)) as con:
        insert_events(con, *twice_opened, *twice_opened, *sends_on_the_day)
        hold_back_events(con, DAY)
    dbt(["build", "--select", "+lead_score_history", *NO_TESTS], path, tmp_path, PREVIOUS)
    with duckdb.connect(str(path)) as con:
        (stored_rowid,) = con.execute("select max(rowid) from staging.base_activity__events").fetchone()
        release_events(con)
    dbt(["run", "--select", "base_activity__events", "int_score_dates"], path, tmp_path, DAY)
    with duckdb.connect(str(path), read_only=True) as con:
        rewritten_earlier, stamped_earlier = con.execute(f"""
            select count(*), count(*) filter (where staged_at = (select max(staged_at) from staging.base_activity__events))
            from staging.base_activity__events
            where rowid > {stored_rowid} and occurred_at < '{DAY}'
        """).fetchone()
        scored = con.execute(
            "select as_of_date from intermediate.int_score_dates where is_history_day order by 1").fetchall()
    assert rewritten_earlier >= 20 and stamped_earlier == 0
    assert scored == [(DAY,)], "an ordinary day rescored stored days"


def test_a_row_later_than_the_lookback_is_found_and_said(incremental: Replayed, tmp_path: Path) -> None:
    path = _copy(incremental.path, tmp_path, "late.duckdb")
    very_late = ("X_VERY_LATE", OTHER_LEAD, "page_view", datetime(2026, 10, 1, 12, 0, 0), PRICING, None, None, UA)
    with duckdb.connect(str(path)) as con:
        insert_events(con, very_late)
    log = dbt(["run", "--select", "base_activity__events"], path, tmp_path, DAY)
    assert "arrived more than event_lookback_days (3) late" in log
    with duckdb.connect(str(path), read_only=True) as con:
        staged = con.execute(
            "select quarantine_reason from staging.base_activity__events where event_id = 'X_VERY_LATE'").fetchall()
        counts = con.execute(
            "select (select count(*) from raw.events), (select count(*) from staging.base_activity__events)").fetchone()
    assert staged == [(None,)] and counts[0] == counts[1]


def test_the_history_key_test_checks_the_days_the_run_wrote(incremental: Replayed, tmp_path: Path) -> None:
    """A key repeated on a day the run wrote (int_score_dates) fails the history's key test; one repeated on an
    older stored day is outside it, left to the run that wrote that day."""
    with duckdb.connect(str(incremental.path), read_only=True) as con:
        (kept_day,) = con.execute("""
            select max(as_of_date) from marts.lead_score_history
            where as_of_date not in (select as_of_date from intermediate.int_score_dates)
        """).fetchone()
    key_test = ["test", "--select", "lead_score_history,test_name:unique_combination"]
    variables = json.dumps({"score_date": DAY.isoformat(), "history_initial_days": HISTORY_DAYS})
    results = {}
    for day in (kept_day, DAY):
        path = _copy(incremental.path, tmp_path, f"repeated_{day:%d}.duckdb")
        with duckdb.connect(str(path)) as con:
            assert con.execute(f"""
                insert into marts.lead_score_history
                select * from marts.lead_score_history
                where as_of_date = '{day}' and model_id = 'default' and lead_id = '{LEAD}'
            """).fetchone() == (1,)
        results[day] = run([str(BIN / "dbt"), *key_test, "--vars", variables], path, tmp_path)
    assert results[kept_day].returncode == 0, results[kept_day].stdout[-3000:]
    assert results[DAY].returncode == 1 and "Got 1 result" in results[DAY].stdout, results[DAY].stdout[-3000:]


def test_the_event_key_tests_check_the_events_the_run_restaged(incremental: Replayed, tmp_path: Path) -> None:
    """A second used copy of an event the run restamped fails the event key tests of staging and of
    int_lead_events; one of an event last stamped by an earlier run is outside them, left to that run."""
    with duckdb.connect(str(incremental.path), read_only=True) as con:
        events_by_stamp = dict(con.execute("""
            select staged_at = (select max(staged_at) from staging.base_activity__events) as restaged, min(event_id)
            from staging.base_activity__events
            where event_id in (select event_id from intermediate.int_lead_events)
            group by restaged
        """).fetchall())
    key_tests = ["test", "--select", "stg_activity__events,test_name:unique_combination",
                 "int_lead_events,test_name:unique_combination"]
    variables = json.dumps({"score_date": DAY.isoformat(), "history_initial_days": HISTORY_DAYS})
    results = {}
    for restaged, event_id in events_by_stamp.items():
        # The copy keeps the file's name, hence its catalog, which the staging views name.
        workdir = tmp_path / f"restaged_{restaged}"
        workdir.mkdir()
        path = _copy(incremental.path, workdir, incremental.path.name)
        with duckdb.connect(str(path)) as con:
            con.execute("insert into staging.base_activity__events select * from staging.base_activity__events"
                        " where event_id = ?", [event_id])
        results[restaged] = run([str(BIN / "dbt"), *key_tests, "--vars", variables], path, tmp_path)
    assert results[False].returncode == 0, results[False].stdout[-3000:]
    assert results[True].returncode == 1 and results[True].stdout.count("Got 1 result") == 2, results[True].stdout[-3000:]


def _test_corrupted_copies(
    incremental: Replayed, tmp_path: Path, selection: str, corruptions: dict[str, str]
) -> dict[str, subprocess.CompletedProcess]:
    """`dbt test --select selection` on a copy of the replayed warehouse per corruption (a SQL statement)."""
    variables = json.dumps({"score_date": DAY.isoformat(), "history_initial_days": HISTORY_DAYS})
    results = {}
    for name, corruption in corruptions.items():
        path = _copy(incremental.path, tmp_path, f"{name}.duckdb")
        with duckdb.connect(str(path)) as con:
            con.execute(corruption)
        results[name] = run([str(BIN / "dbt"), "test", "--select", selection, "--vars", variables], path, tmp_path)
    return results


def test_the_snapshot_ledger_test_skips_kept_days_but_finds_a_day_without_rule_rows(
    incremental: Replayed, tmp_path: Path
) -> None:
    """The daily run wrote no snapshot day: a lead's changed points on a kept one are left to the run that wrote
    it, but a kept day whose rule rows are all gone fails, once per scoring model."""
    with duckdb.connect(str(incremental.path), read_only=True) as con:
        (kept_day, models) = con.execute("""
            select max(snapshot_date), count(distinct model_id) filter (where snapshot_date = '2026-11-01')
            from marts.lead_score_snapshots
        """).fetchone()
    assert kept_day == date(2026, 11, 1) and models == 2
    corruptions = {
        "changed_points": f"update marts.lead_score_snapshots set behavioral_points = behavioral_points + 1"
                          f" where snapshot_date = '{kept_day}' and lead_id = '{LEAD}'",
        "no_rule_rows": f"delete from marts.lead_rule_snapshots where snapshot_date = '{kept_day}'",
    }
    results = _test_corrupted_copies(incremental, tmp_path, "assert_rule_snapshots_equal_score_snapshots", corruptions)
    assert results["changed_points"].returncode == 0, results["changed_points"].stdout[-3000:]
    assert results["no_rule_rows"].returncode == 1 and "Got 2 results" in results["no_rule_rows"].stdout, \
        results["no_rule_rows"].stdout[-3000:]


def test_the_history_tests_check_the_days_the_run_scored_where_a_vanished_lead_still_has_rows(
    incremental: Replayed, tmp_path: Path
) -> None:
    """The history's relationships test reads the days the run wrote and the anchor day before them. A lead that
    leaves the surviving leads still has rows there (its days are contiguous up to the last) and fails it; an
    orphan row only on a kept day is left to the run that wrote that day."""
    with duckdb.connect(str(incremental.path), read_only=True) as con:
        (kept_day, lead_rows, lead_rows_scored) = con.execute(f"""
            select min(as_of_date), count(*),
                count(*) filter (where as_of_date in (select as_of_date from intermediate.int_score_dates))
            from marts.lead_score_history where lead_id = '{LEAD}'
        """).fetchone()
    assert 0 < lead_rows_scored < lead_rows
    corruptions = {
        "orphan_on_kept_day": f"insert into marts.lead_score_history select * replace ('GONE' as lead_id)"
                              f" from marts.lead_score_history where lead_id = '{LEAD}' and as_of_date = '{kept_day}'",
        "vanished_lead": f"delete from intermediate.int_leads_enriched where lead_id = '{LEAD}'",
    }
    results = _test_corrupted_copies(
        incremental, tmp_path, "relationships_lead_score_history_lead_id__lead_id__ref_int_leads_enriched_", corruptions
    )
    assert results["orphan_on_kept_day"].returncode == 0, results["orphan_on_kept_day"].stdout[-3000:]
    assert results["vanished_lead"].returncode == 1 and f"Got {lead_rows_scored} results" in \
        results["vanished_lead"].stdout, results["vanished_lead"].stdout[-3000:]


def test_dayshift_holds_back_and_releases_day_by_day() -> None:
    with duckdb.connect() as con:
        con.execute("create schema raw")
        con.execute("create table raw.events (event_id varchar, occurred_at timestamp)")
        con.execute("insert into raw.events values ('a', '2026-11-20 23:59:59'), ('b', '2026-11-21 00:00:00'),"
                    " ('c', '2026-11-21 23:59:59'), ('d', '2026-11-22 00:00:00'), ('e', null)")
        def ids() -> list[str]:
            return [event_id for (event_id,) in con.execute("select event_id from raw.events order by 1").fetchall()]
        assert hold_back_events(con, date(2026, 11, 21)) == 3 and ids() == ["a", "e"]
        assert release_events(con, date(2026, 11, 21)) == 2 and ids() == ["a", "b", "c", "e"]
        assert release_events(con) == 1 and ids() == ["a", "b", "c", "d", "e"]
        assert con.execute("select count(*) from information_schema.tables where table_name = 'events_held_back'"
                           ).fetchone() == (0,)
