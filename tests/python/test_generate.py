"""Tests for leadscore.generate: contract shape, determinism, chunking, dirt and a real signal."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pytest

from leadscore import generate as gen
from leadscore.contract import EVENT_TYPES, LEAD_STATUSES, TABLES

N_LEADS = 2_000
SEED = 42
END = dt.date(2025, 6, 30)
END_TS = "timestamp '2025-06-30 23:59:59'"
ARROW = {"varchar": pa.string(), "bigint": pa.int64(), "double": pa.float64(), "timestamp": pa.timestamp("us")}
ISO = ("US", "GB", "DE", "FR", "CA", "AU", "NL", "IN", "BR", "SG", "ES", "JP")


@pytest.fixture(scope="module")
def tables() -> dict[str, pa.Table]:
    return gen.generate_raw_tables(N_LEADS, SEED, END)


@pytest.fixture(scope="module")
def con(tables: dict[str, pa.Table]) -> duckdb.DuckDBPyConnection:
    """DuckDB over the generated tables, plus a few helper views used by several tests."""
    db = duckdb.connect()
    for name, table in tables.items():
        db.register(name, table)
    db.execute("create view lead as select distinct on (lead_id) * from leads order by lead_id, updated_at desc")
    db.execute("create view customer as select distinct lead_id from lead_status_changes where new_status = 'customer'")
    return db


def one(con: duckdb.DuckDBPyConnection, sql: str):
    return con.execute(sql).fetchone()[0]


# --- contract -------------------------------------------------------------------------


def test_every_contract_table_with_exact_columns_and_types(tables: dict[str, pa.Table]) -> None:
    assert set(tables) == set(TABLES)
    for name, spec in TABLES.items():
        table = tables[name]
        assert table.column_names == spec.column_names, name
        assert [f.type for f in table.schema] == [ARROW[c.type] for c in spec.columns], name
        assert table.num_rows > 0, name


def test_chunks_follow_the_contract_and_keys_are_unique_across_chunks() -> None:
    seen: dict[str, list[pa.Table]] = {name: [] for name in TABLES}
    for name, chunk in gen.iter_raw_chunks(N_LEADS, SEED, END, chunk_leads=700):
        assert chunk.column_names == TABLES[name].column_names
        assert [f.type for f in chunk.schema] == [ARROW[c.type] for c in TABLES[name].columns]
        seen[name].append(chunk)
    assert len(seen["owners"]) == 1
    assert {name: len(parts) for name, parts in seen.items() if name != "owners"} == {
        name: 3 for name in TABLES if name != "owners"}
    db = duckdb.connect()
    for name, parts in seen.items():
        db.register(name, pa.concat_tables(parts))
    # Every lead id once, apart from the deliberately re-delivered rows, numbered without gaps.
    assert one(db, "select count(distinct lead_id) from leads") == N_LEADS
    assert one(db, "select max(lead_id) from leads") == "L0002000"
    assert one(db, "select count(*) = count(distinct account_id) from accounts")
    assert one(db, "select count(*) = count(distinct status_change_id) from lead_status_changes")
    assert one(db, "select count(*) = count(distinct opportunity_id) from opportunities")
    assert one(db, "select count(*) = count(distinct sales_activity_id) from sales_activities")
    # Repeated event ids are exact re-deliveries of the same row, never two different events.
    assert one(db, "select count(distinct event_id) from events") == one(db, "select count(*) from (select distinct * from events)")
    # Leads only point at accounts that exist.
    assert one(db, "select count(*) from leads l anti join accounts a using (account_id) where l.account_id is not null") == 0


def test_tiny_runs_still_produce_every_table() -> None:
    for n in (1, 7):
        out = gen.generate_raw_tables(n, SEED, END)
        assert out["leads"].num_rows >= n
        assert out["accounts"].num_rows >= 1
        assert out["owners"].num_rows == 20
        for name, spec in TABLES.items():
            assert out[name].column_names == spec.column_names


def test_progress_bar_runs() -> None:
    out = dict(gen.iter_raw_chunks(30, SEED, END, progress=True))
    assert out["leads"].num_rows >= 30


# --- determinism ------------------------------------------------------------------------


def test_same_arguments_give_identical_tables(tables: dict[str, pa.Table]) -> None:
    again = gen.generate_raw_tables(N_LEADS, SEED, END)
    for name in TABLES:
        assert again[name].equals(tables[name]), name


def test_other_seed_or_end_date_gives_other_data(tables: dict[str, pa.Table]) -> None:
    other = gen.generate_raw_tables(N_LEADS, SEED + 1, END)
    assert not other["events"].equals(tables["events"])
    assert not other["leads"].equals(tables["leads"])
    later = gen.generate_raw_tables(200, SEED, END + dt.timedelta(days=30))
    assert pa.compute.max(later["leads"]["created_at"]).as_py() > dt.datetime(2025, 7, 1)


# --- volumes and shape ------------------------------------------------------------------


def test_volumes_and_shape(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> None:
    assert tables["owners"].num_rows == 20
    assert 350 <= tables["accounts"].num_rows <= 450  # ~1 account per 5 leads
    per_lead = tables["events"].num_rows / N_LEADS
    assert 40 <= per_lead <= 65
    # Heavy tail: the busiest leads have several times the median.
    p50, p99 = con.execute("select quantile_cont(n, 0.5), quantile_cont(n, 0.99) "
                           "from (select count(*) n from events group by lead_id)").fetchone()
    assert p99 > 3.5 * p50
    types = {t for (t,) in con.execute("select distinct lower(trim(event_type)) from events").fetchall()}
    assert types >= set(EVENT_TYPES)
    personal = one(con, "select avg((split_part(lower(trim(email)), '@', 2) in "
                        "('gmail.com','yahoo.com','hotmail.com','outlook.com','icloud.com','gmx.de','proton.me'))::int) "
                        "from lead where email is not null")
    assert 0.08 <= personal <= 0.18
    competitors = one(con, "select count(*) from accounts where domain in "
                           "('scorerival.com','leadmagnet.io','pipelinepro.com','funnelforge.com')")
    assert 1 <= competitors <= 15


def test_history_is_fifteen_months_ending_on_end_date(con: duckdb.DuckDBPyConnection) -> None:
    first, last = con.execute("select min(created_at), max(created_at) from lead").fetchone()
    assert dt.datetime(2024, 4, 1) <= first < dt.datetime(2024, 4, 15)
    assert dt.datetime(2025, 6, 1) < last <= dt.datetime(2025, 6, 30, 23, 59, 59)
    assert one(con, "select count(*) from accounts a join lead l using (account_id) where a.created_at >= l.created_at") == 0
    assert one(con, "select count(*) from leads where updated_at < created_at") == 0


def test_nothing_after_end_date_except_future_event_dirt(con: duckdb.DuckDBPyConnection) -> None:
    for table, column in (("leads", "created_at"), ("leads", "updated_at"), ("accounts", "created_at"),
                          ("lead_status_changes", "changed_at"), ("opportunities", "created_at"),
                          ("opportunities", "closed_at"), ("sales_activities", "occurred_at")):
        assert one(con, f"select count(*) from {table} where {column} > {END_TS}") == 0, (table, column)
    future, total = con.execute(f"select count(*) filter (where occurred_at > {END_TS}), count(*) from events").fetchone()
    assert 1 <= future <= 0.01 * total
    latest = one(con, "select max(occurred_at) from events")
    assert latest <= dt.datetime(2025, 6, 30) + dt.timedelta(days=121)


def test_no_event_before_its_lead_exists(con: duckdb.DuckDBPyConnection) -> None:
    assert one(con, "select count(*) from events e join lead l using (lead_id) where e.occurred_at < l.created_at") == 0


# --- events -----------------------------------------------------------------------------


def test_event_attributes(con: duckdb.DuckDBPyConnection) -> None:
    # Judge the recognisable events (normalised type); misspelled types are dirt.
    con.execute(f"""create or replace temp view ev as select * replace (lower(trim(event_type)) as event_type)
                   from events where lower(trim(event_type)) in {EVENT_TYPES}""")
    # url only for page views and e-mail clicks, always a page of the site.
    assert one(con, "select count(*) from ev where url is not null and event_type not in ('page_view', 'email_click')") == 0
    assert one(con, "select count(*) from ev where event_type in ('page_view', 'email_click') and url is null") == 0
    site = r"^https://www\.example-saas\.com/(|pricing|careers|product|integrations|(blog|case-studies|docs)/[a-z0-9-]+)$"
    assert one(con, f"select count(*) from events where url is not null and not regexp_matches(url, '{site}')") == 0
    forms = {f for (f,) in con.execute("select distinct form_name from ev where event_type = 'form_submit'").fetchall()}
    assert forms == {"demo_request", "contact_us", "white_paper", "webinar_registration", "newsletter"}
    assert one(con, "select count(*) from ev where (form_name is not null) != (event_type = 'form_submit')") == 0
    assert one(con, "select count(*) from events where campaign_id is not null and not regexp_matches(campaign_id, '^C[0-9]{3}$')") == 0
    assert one(con, "select count(*) from ev where event_type like 'email_%' and campaign_id is null") == 0
    assert one(con, "select count(*) from ev where event_type = 'page_view' and user_agent is null") == 0
    # Every attendance follows a registration for the same webinar (unless dirt moved it to the future).
    assert one(con, f"""select count(*) from ev a semi join leads using (lead_id)
        where event_type = 'webinar_attended' and not exists (
        select 1 from events r where r.lead_id = a.lead_id and r.campaign_id = a.campaign_id
        and r.form_name = 'webinar_registration' and (r.occurred_at < a.occurred_at or r.occurred_at > {END_TS}))""") == 0
    assert one(con, "select count(*) from ev where event_type = 'webinar_attended'") >= 10
    # Opens and clicks come after the send of the same campaign (whose row dirt may have spoilt).
    early, unsent, total = con.execute(f"""with s as (select lead_id, campaign_id, min(occurred_at) t from ev
        where event_type = 'email_sent' and occurred_at <= {END_TS} group by all)
        select count(*) filter (where e.occurred_at <= s.t), count(*) filter (where s.t is null), count(*)
        from ev e left join s using (lead_id, campaign_id)
        where e.event_type in ('email_open', 'email_click') and e.occurred_at <= {END_TS}""").fetchone()
    assert early == 0
    assert unsent <= 0.02 * total


def test_bot_like_email_activity_is_a_small_share(con: duckdb.DuckDBPyConnection) -> None:
    bots, total, fast, scanner = con.execute(f"""
        with s as (select lead_id, campaign_id, min(occurred_at) sent from events
                   where event_type = 'email_sent' group by all),
        x as (select e.*, date_diff('second', s.sent, e.occurred_at) between 1 and 5 as fast,
                     regexp_matches(coalesce(user_agent, ''), 'Barracuda|Mimecast|Proofpoint|Microsoft Defender SafeLinks') as scanner
              from events e join s using (lead_id, campaign_id)
              where e.event_type in ('email_open', 'email_click') and e.occurred_at <= {END_TS})
        select count(*) filter (where fast or scanner), count(*), count(*) filter (where fast and not scanner),
               count(*) filter (where scanner and not fast) from x""").fetchone()
    assert 0.01 <= bots / total <= 0.07  # ~3% at scale; few scanner accounts at 2k leads
    assert fast > 0 and scanner > 0  # both detection paths are needed
    assert one(con, "select count(*) from events where event_type = 'email_click' and user_agent like '%Mimecast%'") \
        + one(con, "select count(*) from events where event_type = 'email_click' and user_agent like '%Barracuda%'") > 0


# --- dirt -------------------------------------------------------------------------------


def test_every_dirt_class_is_present_and_rare(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> None:
    n_events = tables["events"].num_rows
    checks = {
        "duplicate person, email differs in case/space": (
            """select count(*) from (select lower(trim(email)) e from lead where email is not null
               group by 1 having count(distinct lead_id) > 1 and count(distinct email) > 1)""", N_LEADS),
        "re-delivered lead row with later updated_at": (
            "select count(*) from (select lead_id from leads group by 1 having count(*) > 1 and min(updated_at) < max(updated_at))", N_LEADS),
        "exact duplicate event row": (
            "select count(*) from (select * from events group by all having count(*) > 1)", n_events),
        "null email": ("select count(*) from leads where email is null", N_LEADS),
        "malformed email": (
            r"select count(*) from leads where email not similar to '[^@\s]+@[^@\s]+\.[a-z.]+\s*' and trim(email) = email", N_LEADS),
        "email with stray whitespace": ("select count(*) from leads where email != trim(email)", N_LEADS),
        "null lead country": ("select count(*) from leads where country is null", N_LEADS),
        "null account country": ("select count(*) from accounts where country is null", 400),
        "null industry": ("select count(*) from accounts where industry is null", 400),
        "unknown country": ("select count(*) from leads where country in ('Atlantis', 'N/A', 'Unknown')", N_LEADS),
        "unknown account country": ("select count(*) from accounts where country in ('Atlantis', 'N/A', 'Unknown')", 400),
        "country name instead of code": (
            f"select count(*) from leads where country not in {ISO} and country not in ('Atlantis', 'N/A', 'Unknown')", N_LEADS),
        "account country name": (
            f"select count(*) from accounts where country not in {ISO} and country not in ('Atlantis', 'N/A', 'Unknown')", 400),
        "future event": (f"select count(*) from events where occurred_at > {END_TS}", n_events),
        "orphan event": ("select count(*) from events e anti join leads l using (lead_id)", n_events),
        "misspelled event type": (
            f"select count(*) from events where lower(trim(event_type)) not in {EVENT_TYPES}", n_events),
        "event type with odd case/whitespace": (
            f"select count(*) from events where event_type not in {EVENT_TYPES} and lower(trim(event_type)) in {EVENT_TYPES}", n_events),
        "absurd employee count": (
            "select count(*) from accounts where employee_count <= 0 or employee_count > 5000000", 400),
        "job title with odd case/whitespace": (
            "select count(*) from leads where job_title != trim(job_title) or (job_title = upper(job_title) and length(job_title) > 4)", N_LEADS),
    }
    for label, (sql, rows) in checks.items():
        found = one(con, sql)
        assert found >= 1, label
        assert found <= max(3, 0.06 * rows), (label, found, rows)


def test_dirt_appears_at_a_thousand_leads() -> None:
    small = gen.generate_raw_tables(1_000, 7, END)
    db = duckdb.connect()
    for name, table in small.items():
        db.register(name, table)
    assert one(db, "select count(*) from (select lead_id from leads group by 1 having count(*) > 1)") >= 1
    assert one(db, "select count(*) from leads where email is null") >= 1
    assert one(db, "select count(*) from accounts where employee_count <= 0 or employee_count > 5000000") >= 1
    assert one(db, f"select count(*) from events where occurred_at > {END_TS}") >= 1
    assert one(db, "select count(*) from events e anti join leads using (lead_id)") >= 1
    assert one(db, f"select count(*) from events where lower(trim(event_type)) not in {EVENT_TYPES}") >= 1


def test_duplicate_person_shares_name_and_account(con: duckdb.DuckDBPyConnection) -> None:
    mismatched = one(con, """
        select count(*) from lead a join lead b on lower(trim(a.email)) = lower(trim(b.email)) and a.lead_id < b.lead_id
        where a.first_name != b.first_name or a.last_name != b.last_name or a.account_id is distinct from b.account_id""")
    assert mismatched == 0


# --- CRM lifecycle ----------------------------------------------------------------------


def test_statuses_and_reasons_use_the_contract_vocabulary(con: duckdb.DuckDBPyConnection) -> None:
    statuses = {s for (s,) in con.execute("select distinct new_status from lead_status_changes").fetchall()}
    assert statuses == set(LEAD_STATUSES)
    reasons = {r for (r,) in con.execute("select distinct reason from lead_status_changes where reason is not null").fetchall()}
    assert reasons <= {"no_budget", "no_authority", "no_need", "bad_timing", "competitor", "student", "unreachable",
                       "lost_to_competitor", "price"}
    assert {"student", "competitor", "lost_to_competitor"} <= reasons
    assert one(con, "select count(*) from lead_status_changes where new_status in ('sales_rejected', 'closed_lost', "
                    "'disqualified') and reason is null") == 0
    assert one(con, "select count(*) from lead_status_changes l anti join leads using (lead_id)") == 0


def test_lifecycle_timestamps_are_ordered_per_lead(con: duckdb.DuckDBPyConnection) -> None:
    rank = "case new_status when 'mql' then 1 when 'sales_accepted' then 2 when 'sales_rejected' then 2 " \
           "when 'disqualified' then 2 when 'sql' then 3 when 'opportunity' then 4 when 'customer' then 5 " \
           "when 'closed_lost' then 5 when 'recycled' then 6 end"
    out_of_order = one(con, f"""select count(*) from (
        select lead_id, changed_at, {rank} r,
               lag(changed_at) over w prev_t, lag({rank}) over w prev_r
        from lead_status_changes window w as (partition by lead_id order by changed_at, {rank}))
        where prev_t is not null and (changed_at <= prev_t or r <= prev_r)""")
    assert out_of_order == 0
    # The stages never skip a step.
    assert one(con, """select count(*) from lead_status_changes s where new_status = 'sql' and not exists (
        select 1 from lead_status_changes a where a.lead_id = s.lead_id and a.new_status = 'sales_accepted')""") == 0
    assert one(con, """select count(*) from lead_status_changes s where new_status in ('customer', 'closed_lost') and not exists (
        select 1 from lead_status_changes a where a.lead_id = s.lead_id and a.new_status = 'opportunity')""") == 0


def test_opportunities_match_the_lifecycle(con: duckdb.DuckDBPyConnection) -> None:
    assert one(con, """select count(*) from opportunities o left join lead_status_changes s
        on s.lead_id = o.lead_id and s.new_status = 'opportunity' and s.changed_at = o.created_at
        where s.lead_id is null""") == 0
    won = one(con, """select count(*) from opportunities o join lead_status_changes s
        on s.lead_id = o.lead_id and s.new_status = 'customer' and s.changed_at = o.closed_at where o.stage = 'closed_won'""")
    assert won == one(con, "select count(*) from opportunities where stage = 'closed_won'")
    assert won == one(con, "select count(*) from lead_status_changes where new_status = 'customer'")
    assert one(con, "select count(*) from opportunities where (stage = 'open') != (closed_at is null)") == 0
    assert one(con, "select count(*) from opportunities where closed_at <= created_at") == 0
    assert one(con, "select count(*) from opportunities where stage = 'open'") >= 1
    # Bigger companies buy bigger deals.
    small, large = con.execute("""select median(amount) filter (where a.employee_count < 200),
        median(amount) filter (where a.employee_count >= 1000)
        from opportunities o join accounts a using (account_id) where a.employee_count between 1 and 5000000""").fetchone()
    assert large > 2 * small


def test_sales_touch_follows_mql(con: duckdb.DuckDBPyConnection) -> None:
    hours = con.execute("""with m as (select lead_id, min(changed_at) t from lead_status_changes where new_status = 'mql' group by 1),
        d as (select lead_id, min(changed_at) t from lead_status_changes
              where new_status in ('sales_accepted', 'sales_rejected') group by 1),
        f as (select s.lead_id, min(s.occurred_at) t from sales_activities s join m using (lead_id)
              where s.occurred_at >= m.t group by 1)
        select quantile_cont(date_diff('minute', m.t, f.t) / 60.0, [0.5, 0.95]),
               count(*) filter (where d.t < f.t)
        from m join f using (lead_id) left join d using (lead_id)""").fetchone()
    median, p95 = hours[0]
    assert 0.5 <= median <= 12  # typically within hours
    assert p95 > 24  # but some SLA misses over days
    assert hours[1] == 0  # sales decide only after the first touch
    assert one(con, "select count(*) from sales_activities s join lead l using (lead_id) where s.owner_id != l.owner_id") == 0
    assert {a for (a,) in con.execute("select distinct activity_type from sales_activities").fetchall()} == {"call", "email", "meeting"}


# --- the signal the scoring engine has to find -------------------------------------------


def test_conversion_rates_are_b2b_like(con: duckdb.DuckDBPyConnection) -> None:
    leads = one(con, "select count(*) from lead")
    mqls = one(con, "select count(distinct lead_id) from lead_status_changes where new_status = 'mql'")
    customers = one(con, "select count(*) from customer")
    assert 0.015 <= customers / leads <= 0.045
    assert 0.03 <= customers / mqls <= 0.12
    assert 0.2 <= mqls / leads <= 0.5


def test_demo_requests_predict_conversion(con: duckdb.DuckDBPyConnection) -> None:
    rates = dict(con.execute("""
        select exists (select 1 from events e where e.lead_id = l.lead_id and e.form_name = 'demo_request') demo,
               avg((c.lead_id is not null)::int)
        from lead l left join customer c using (lead_id) group by 1""").fetchall())
    assert rates[True] > 3 * rates[False]
    assert rates[True] >= 0.05


def test_pricing_views_predict_conversion(con: duckdb.DuckDBPyConnection) -> None:
    rates = dict(con.execute("""
        with p as (select lead_id, count(*) filter (where url like '%/pricing') n from events group by 1)
        select coalesce(p.n, 0) >= 3, avg((c.lead_id is not null)::int)
        from lead l left join p using (lead_id) left join customer c using (lead_id) group by 1""").fetchall())
    assert rates[True] > 4 * rates[False]


def test_students_competitors_and_job_seekers_rarely_convert(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute("""
        with careers as (select lead_id, count(*) n from events where url like '%/careers' group by 1)
        select case when l.job_title ilike '%student%' or l.job_title ilike '%intern%' then 'student'
                    when a.domain in ('scorerival.com', 'leadmagnet.io', 'pipelinepro.com', 'funnelforge.com') then 'competitor'
                    when k.n >= 2 then 'job_seeker' else 'other' end,
               count(*), count(c.lead_id)
        from lead l left join accounts a using (account_id) left join careers k using (lead_id)
        left join customer c using (lead_id) group by 1""").fetchall()
    leads = {group: n for group, n, _ in rows}
    customers = {group: c for group, _, c in rows}
    other_rate = customers["other"] / leads["other"]
    assert other_rate >= 0.02
    assert leads["student"] >= 100 and customers["student"] <= 0.25 * other_rate * leads["student"]
    assert customers.get("competitor", 0) == 0
    # ~0.3% vs ~3% at scale; with ~70 job seekers here allow a stray customer or two.
    assert leads["job_seeker"] >= 30
    assert customers["job_seeker"] <= max(2, 0.5 * other_rate * leads["job_seeker"])


def test_fit_and_seniority_predict_conversion(con: duckdb.DuckDBPyConnection) -> None:
    """Target industry and 200-5000 employees: ~3x at scale; senior titles: ~6x individual contributors."""
    fit = dict(con.execute("""
        select a.industry in ('Software', 'Financial Services', 'Healthcare', 'Manufacturing')
               and a.employee_count between 200 and 5000,
               avg((c.lead_id is not null)::int)
        from lead l join accounts a using (account_id) left join customer c using (lead_id)
        where a.industry is not null group by 1""").fetchall())
    assert fit[True] > 1.5 * fit[False]
    seniority = dict(con.execute("""
        select case when job_title similar to '.*(Chief|CTO|CFO|Founder|VP|Vice President|Head|Director).*' then 'senior'
                    when job_title ilike '%manager%' then 'manager' else 'other' end,
               avg((c.lead_id is not null)::int)
        from lead l left join customer c using (lead_id) group by 1""").fetchall())
    assert seniority["senior"] > 2 * seniority["other"]


def test_legacy_mql_follows_an_intent_burst_or_points(con: duckdb.DuckDBPyConnection) -> None:
    """Every MQL comes within hours after the lead's own activity (the legacy process reacts)."""
    gaps = con.execute("""with m as (select lead_id, min(changed_at) t from lead_status_changes where new_status = 'mql' group by 1)
        select count(*), count(*) filter (where last_event is null or date_diff('second', last_event, m.t) > 4 * 3600)
        from m left join lateral (select max(occurred_at) last_event from events e
                                  where e.lead_id = m.lead_id and e.occurred_at <= m.t) on true""").fetchone()
    assert gaps[0] > 0
    assert gaps[1] <= 0.01 * gaps[0]  # dirt may have moved or renamed the triggering event


def test_chunks_load_into_duckdb_through_the_warehouse_writer() -> None:
    from leadscore.warehouse import write_raw_table

    db = duckdb.connect()
    first: set[str] = set()
    for name, chunk in gen.iter_raw_chunks(600, SEED, END, chunk_leads=250):
        write_raw_table(db, "duckdb", TABLES[name], chunk, replace=name not in first)
        first.add(name)
    assert one(db, "select count(distinct lead_id) from raw.leads") == 600
    assert one(db, "select typeof(occurred_at) from raw.events limit 1") == "TIMESTAMP"
    assert one(db, "select count(*) from raw.events") > 600 * 30
