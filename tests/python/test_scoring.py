"""The built project on generated data: counts reconcile, scores equal an independent pandas
computation, point in time holds, several models score side by side, and a bad matrix fails loudly."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
from conftest import BIN, REPO, SCORE_DATE, DbtRunner, run

from leadscore import pandas_scorer


def test_every_raw_row_is_staged_or_quarantined(query) -> None:
    rows = query("select source_table, raw_rows, quarantined_rows, staged_rows, is_reconciled from marts.reconciliation")
    assert len(rows) == 7
    for table, raw, quarantined, staged, ok in rows:
        assert raw == quarantined + staged, table
        assert ok, table
    # The generator always plants dirt: it must show up as quarantined, not vanish.
    reasons = {r for (r,) in query("select distinct quarantine_reason from marts.quarantined_rows")}
    assert {"duplicate_lead_id", "malformed_email", "unknown_event_type", "occurred_after_score_date",
            "unknown_lead", "duplicate_event_id"} <= reasons
    # Rows of unknown leads are named with their lead, in every table that refers to leads.
    orphans = dict(query("""
        select source_table, count(*) from marts.quarantined_rows
        where quarantine_reason = 'unknown_lead' and lead_id is not null group by source_table
    """))
    assert set(orphans) == {"events", "lead_status_changes", "opportunities", "sales_activities"}
    [(unknown_events,)] = query("""
        select count(*) from staging.stg_activity__events as e
        where not exists (select 1 from staging.stg_crm__leads as l where l.lead_id = e.lead_id)
    """)
    assert orphans["events"] == unknown_events


def test_every_surviving_lead_has_one_score_per_model(query) -> None:
    [(leads,)] = query("select count(*) from staging.stg_crm__leads where not is_merged_duplicate")
    per_model = dict(query("select model_id, count(*) from marts.lead_scores group by model_id"))
    assert per_model == {"default": leads, "enterprise": leads}


def test_scores_equal_an_independent_pandas_computation(built_warehouse: Path) -> None:
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        events = con.execute("select * from intermediate.int_lead_events").df()
        attributes = con.execute("select * from intermediate.int_lead_attributes").df()
        resets = con.execute("select * from intermediate.int_lead_engagement_resets").df()
        leads = con.execute("select lead_id, created_at from intermediate.int_leads_enriched").df()
        sql = con.execute("select * from marts.lead_scores").df()
    expected = pandas_scorer.scores(leads, events, attributes, resets, dt.date.fromisoformat(SCORE_DATE))
    columns = ["behavioral_points", "firmographic_points", "negative_points", "total_score",
               "fit_grade", "engagement_tier", "threshold_status", "is_disqualified"]
    merged = sql.merge(expected, on=["model_id", "lead_id"], suffixes=("_sql", "_pandas"), validate="one_to_one")
    assert len(merged) == len(sql) == len(expected)
    for column in columns:
        differs = merged[merged[f"{column}_sql"].astype(str) != merged[f"{column}_pandas"].astype(str)]
        assert differs.empty, f"{column} differs for {len(differs)} leads, e.g.\n{differs.head()}"
    # The scores are not trivially equal: every status and grade occurs, and resets changed some scores.
    assert set(sql.score_status) == {"nurture", "mql", "hot", "disqualified"}
    assert ((sql.score_status == "disqualified") == sql.is_disqualified).all()
    assert set(sql.fit_grade) == {"A", "B", "C", "D"}


def test_scores_predict_conversion(query) -> None:
    rate = dict(query("""
        select s.score_status, avg(case when c.lead_id is null then 0.0 else 1.0 end)
        from marts.lead_scores as s
        left join (select distinct lead_id from staging.stg_crm__lead_status_changes where new_status = 'customer') as c
            on s.lead_id = c.lead_id
        where s.model_id = 'default'
        group by s.score_status
    """))
    assert rate["hot"] > 2 * rate["mql"] > 0
    assert rate["mql"] > rate["nurture"]
    assert rate["disqualified"] < rate["hot"] / 5


def test_reasons_are_words_with_points_that_sum_to_the_score(query) -> None:
    rows = query("""
        select s.lead_id, s.firmographic_points, sum(e.exact_points)
        from marts.lead_scores as s
        inner join marts.lead_score_explanations as e
            on s.model_id = e.model_id and s.lead_id = e.lead_id and e.component = 'firmographic'
        where s.model_id = 'default'
        group by s.lead_id, s.firmographic_points
    """)
    assert len(rows) > 100
    assert all(points == round(total) for _, points, total in rows)
    [(text, points)] = query("""
        select top_reason_1, top_reason_1_points from marts.lead_scores
        where model_id = 'default' and top_reason_1 like 'Requested a demo%' order by lead_id limit 1
    """)
    assert text.endswith(f"(+{points})") and 0 < points <= 50


def test_point_in_time_backfill_reads_nothing_later(raw_warehouse: Path, dbt: DbtRunner, tmp_path: Path) -> None:
    path = tmp_path / "backfill.duckdb"
    shutil.copy(raw_warehouse, path)
    earlier = "2026-09-30"
    run_done = dbt(["seed"], path, tmp_path, score_date=earlier)
    assert run_done.returncode == 0, run_done.stdout[-4000:]
    done = dbt(["run", "--select", "+lead_scores"], path, tmp_path, score_date=earlier)
    assert done.returncode == 0, done.stdout[-4000:]
    with duckdb.connect(str(path), read_only=True) as con:
        [(latest_event,)] = con.execute("select max(occurred_at) from intermediate.int_lead_events").fetchall()
        [(latest_lead,)] = con.execute("select max(created_at) from intermediate.int_leads_enriched").fetchall()
        [(dates,)] = con.execute("select list(distinct score_date) from marts.lead_scores").fetchall()
        [(later_events,)] = con.execute(
            "select count(*) from staging.base_activity__events where quarantine_reason = 'occurred_after_score_date'"
        ).fetchall()
    assert latest_event < pd.Timestamp("2026-10-01")
    assert latest_lead < pd.Timestamp("2026-10-01")
    assert dates == [dt.date(2026, 9, 30)]
    assert later_events > 1000  # about seven weeks of activity is invisible on that date


BAD_CELLS = [
    # (rule_id, {column: value}, message the build must print)
    ("pricing_page", {"operator": "contain"}, "rule default/pricing_page (line 2), column operator: contain is not one of"),
    ("email_open", {"points": "fifteen"}, "rule default/email_open (line 3), column points: fifteen is not a number"),
    ("case_study", {"operator": "regex", "match_value": "(/case-studies"},
     "rule default/case_study (line 7), column match_value: regex (/case-studies does not compile: missing )"),
    ("webinar", {"event_type": "page_view'; drop table raw.leads; --"},
     "rule default/webinar (line 6), column event_type: page_view'; drop table raw.leads; -- is not a known event type"),
    ("target_industry", {"match_value": "no_such_list"},
     "rule default/target_industry (line 12), column match_value: no_such_list is not a list in reference_lists.csv"),
    ("blog_view", {"window_days": "-7"}, "rule default/blog_view (line 11), column window_days: -7 is not a whole number"),
    ("contact_us", {"rule_id": "demo_request"},
     "rule default/demo_request (line 9), column rule_id: duplicate rule id within model default"),
    ("email_click", {"reason": "Clicked {count} e-mails"},
     "rule default/email_click (line 4), column reason: unknown placeholder {count} (use {n}, {times}, {ago} or {value})"),
    ("end_user", {"match_field": "shoe_size"}, "rule default/end_user (line 15), column match_field: shoe_size is not a lead attribute"),
]


def test_bad_matrix_cells_stop_the_build_with_one_message_each(
    built_warehouse: Path, dbt: DbtRunner, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(REPO, project, ignore=shutil.ignore_patterns(".*", "target", "logs", "*.duckdb", "src", "docs"))
    rules = pd.read_csv(project / "seeds/scoring_rules.csv", dtype=str, keep_default_na=False)
    for rule_id, cells, _ in BAD_CELLS:
        row = rules.index[(rules.model_id == "default") & (rules.rule_id == rule_id)][0]
        for column, value in cells.items():
            rules.loc[row, column] = value
    rules.to_csv(project / "seeds/scoring_rules.csv", index=False)
    path = tmp_path / "w.duckdb"
    shutil.copy(built_warehouse, path)
    done = dbt(["build", "--select", "scoring_rules", "int_scoring_rules"], path, tmp_path, project_dir=project)
    assert done.returncode != 0
    assert f"has {len(BAD_CELLS)} invalid cell(s)" in done.stdout
    for _, _, message in BAD_CELLS:
        assert message in done.stdout
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select count(*) from raw.leads").fetchone()[0] > 0  # nothing was injected


def test_summary_takes_the_hottest_lead_apart(built_warehouse: Path, query, tmp_path: Path) -> None:
    [(lead_id, total, engagement, fit, negative)] = query("""
        select lead_id, total_score, behavioral_points, firmographic_points, negative_points
        from marts.lead_scores where model_id = 'default'
        order by total_score desc, last_activity_at desc, lead_id limit 1
    """)
    done = run([str(BIN / "leadscore"), "summary"], built_warehouse, tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"Why {lead_id} scores {total}: its ledger rows" in done.stdout
    assert f"then added: {engagement} + {fit} + {negative} = {total}." in done.stdout
    refused = run([str(BIN / "leadscore"), "summary", "--model", "x' or 1=1 --"], built_warehouse, tmp_path)
    assert refused.returncode == 2 and "is not a model id" in refused.stderr


def test_every_model_column_and_macro_is_documented(built_warehouse: Path, dbt: DbtRunner, tmp_path: Path) -> None:
    done = dbt(["docs", "generate"], built_warehouse, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]
    manifest = json.loads((tmp_path / "target/manifest.json").read_text())["nodes"]
    catalog = json.loads((tmp_path / "target/catalog.json").read_text())["nodes"]
    problems = []
    for unique_id, built in catalog.items():
        node = manifest[unique_id]
        if node["resource_type"] not in ("model", "seed"):
            continue
        documented = {name.lower() for name, column in node["columns"].items() if column.get("description")}
        actual = {name.lower() for name in built["columns"]}
        if not node.get("description"):
            problems.append(f"{node['name']}: no description")
        if actual - documented:
            problems.append(f"{node['name']}: undocumented {sorted(actual - documented)}")
        if documented - actual:
            problems.append(f"{node['name']}: documented but absent {sorted(documented - actual)}")
    macros = json.loads((tmp_path / "target/manifest.json").read_text())["macros"].values()
    for macro in macros:
        own = macro["package_name"] == "leadscore" and macro["original_file_path"].startswith("macros/")
        if own and "__" not in macro["name"] and not macro.get("description"):
            problems.append(f"macro {macro['name']}: not documented in macros/_macros.yml")
    assert len(catalog) > 30 and not problems, problems


def test_a_job_title_pattern_that_does_not_compile_is_named(
    built_warehouse: Path, dbt: DbtRunner, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(REPO, project, ignore=shutil.ignore_patterns(".*", "target", "logs", "*.duckdb", "src", "docs"))
    patterns = project / "seeds/job_title_patterns.csv"
    patterns.write_text(patterns.read_text().replace("(vp|svp|evp|vice president)", "(vp|svp|evp|vice president"))
    path = tmp_path / "w.duckdb"
    shutil.copy(built_warehouse, path)
    done = dbt(["build", "--select", "job_title_patterns", "int_leads_enriched"], path, tmp_path, project_dir=project)
    assert done.returncode != 0
    assert "seeds/job_title_patterns.csv, priority 4, column pattern: regex" in done.stdout
    assert "does not compile: missing )" in done.stdout
