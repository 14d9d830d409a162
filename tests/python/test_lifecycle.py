"""Lifecycle and reports on the built sample warehouse, checked against independent pandas
computations over the same DuckDB file: transitions reconcile with the staged CRM changes, the
lifecycle precedence holds for every lead, and the funnel and SLA numbers are what pandas gets."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from conftest import BIN, SCORE_DATE, run

STAGE_STATUSES = {  # a funnel stage is reached by its CRM status or a later one
    "accepted": ["sales_accepted", "sql", "opportunity", "customer"],
    "sql": ["sql", "opportunity", "customer"],
    "opportunity": ["opportunity", "customer"],
    "won": ["customer"],
}
GAPS = [("mql", "accepted"), ("mql", "sql"), ("sql", "opportunity"), ("opportunity", "won")]


@pytest.fixture(scope="module")
def tables(built_warehouse: Path) -> dict[str, pd.DataFrame]:
    queries = {
        "leads": "select lead_id, canonical_lead_id, lead_source, owner_id from staging.stg_crm__leads",
        "changes": "select * from staging.stg_crm__lead_status_changes",
        "opportunities": "select * from staging.stg_crm__opportunities",
        "activities": "select * from staging.stg_crm__sales_activities",
        "scores": "select model_id, lead_id, total_score, fit_grade, score_status from marts.lead_scores",
        "history": "select as_of_date, model_id, lead_id, total_score, fit_grade from marts.lead_score_history",
        "snapshots": "select snapshot_date as as_of_date, model_id, lead_id, total_score, fit_grade "
                     "from marts.lead_score_snapshots",
        "thresholds": "select * from seeds.score_thresholds",
        "crossings": "select * from marts.lead_threshold_crossings",
        "quarantined": "select * from marts.quarantined_rows",
        "transitions": "select * from marts.lead_lifecycle_transitions",
        "lifecycle": "select * from marts.lead_lifecycle",
        "funnel": "select * from marts.conversion_funnel",
        "sla": "select * from marts.sla_compliance",
    }
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        return {name: con.execute(sql).df() for name, sql in queries.items()}


def _attributed(frame: pd.DataFrame, leads: pd.DataFrame) -> pd.DataFrame:
    """Rows of known leads, with `lead` the surviving lead (rows of unknown leads are quarantined)."""
    canonical = leads.set_index("lead_id").canonical_lead_id
    known = frame[frame.lead_id.isin(canonical.index)].copy()
    known["lead"] = known.lead_id.map(canonical)
    return known


def _first_mql(t: dict[str, pd.DataFrame]) -> pd.Series:
    changes = _attributed(t["changes"], t["leads"])
    return changes[changes.new_status == "mql"].groupby("lead").changed_at.min().rename("mql_at")


def test_transitions_reconcile_with_staged_status_changes(tables: dict[str, pd.DataFrame]) -> None:
    t = tables
    transitions, changes = t["transitions"], t["changes"]
    written = transitions[~transitions.is_derived]
    known = _attributed(changes, t["leads"])
    # Every staged change of a known lead appears exactly once, with its time and surviving lead ...
    assert written.status_change_id.is_unique
    assert set(written.status_change_id) == set(known.status_change_id)
    merged = written.merge(known, on="status_change_id", validate="one_to_one")
    assert (merged.lead_id_x == merged.lead).all() and (merged.transitioned_at == merged.changed_at).all()
    assert (merged.to_status == merged.new_status).all()
    # ... and the rest are the quarantined changes of unknown leads: nothing vanished.
    unknown = t["quarantined"].query("source_table == 'lead_status_changes' and quarantine_reason == 'unknown_lead'")
    assert len(changes) == len(written) + len(unknown) and len(unknown) > 0
    # One derived recycle per rejection or lost deal, at the same moment, with its reason.
    causes = written[written.to_status.isin(["sales_rejected", "closed_lost"])].set_index("status_change_id")
    derived = transitions[transitions.is_derived].set_index("status_change_id")
    assert len(causes) > 100 and sorted(derived.index) == sorted(causes.index)
    assert (derived.to_status == "recycled").all()
    assert (derived.transitioned_at == causes.transitioned_at.reindex(derived.index)).all()
    assert (derived.reason == causes.reason.reindex(derived.index)).all()
    # Hours in the previous status chain up: each transition starts where the previous one ended.
    ordered = transitions.sort_values(["lead_id", "transition_number"])
    previous = ordered.groupby("lead_id").transitioned_at.shift()
    later = previous.notna()
    expected = (ordered.transitioned_at - previous)[later].dt.total_seconds() / 3600
    assert np.allclose(ordered.hours_in_previous_status[later].astype(float), expected, atol=0.005)
    assert (ordered.groupby("lead_id").from_status.first() == "lead").all()


def test_lifecycle_precedence_for_every_lead(tables: dict[str, pd.DataFrame]) -> None:
    t = tables
    latest = (t["transitions"].sort_values("transition_number").groupby("lead_id").tail(1)
              .set_index("lead_id").to_status)
    expected = t["scores"].copy()
    expected["crm_status"] = expected.lead_id.map(latest)
    crm_decides = expected.crm_status.isin(["disqualified", "sales_accepted", "sql", "opportunity", "customer"])
    expected["lifecycle_status"] = np.where(
        expected.score_status == "disqualified", "disqualified",
        np.where(crm_decides, expected.crm_status, expected.score_status))
    got = t["lifecycle"].merge(expected, on=["model_id", "lead_id"], validate="one_to_one", suffixes=("", "_expected"))
    assert len(got) == len(t["lifecycle"]) == len(t["scores"])
    assert (got.lifecycle_status == got.lifecycle_status_expected).all()
    statuses = set(got.lifecycle_status)
    assert {"nurture", "mql", "hot", "sales_accepted", "sql", "opportunity", "customer", "disqualified"} <= statuses
    # A recycled lead is back to its score status, with the reason it was recycled for.
    recycled = got[got.crm_status == "recycled"]
    assert len(recycled) > 50 and (recycled.lifecycle_status == recycled.score_status).all()
    assert recycled.last_recycle_reason.notna().all()


def _score_band(scores: pd.DataFrame, thresholds: pd.DataFrame) -> pd.Series:
    """The highest band whose min_score the total reaches (an empty min_score is the floor)."""
    bands = scores[["model_id", "lead_id", "total_score"]].merge(thresholds[["model_id", "score_status", "min_score"]])
    floor = bands.min_score.astype(float).fillna(-np.inf)
    bands = bands[bands.total_score >= floor].assign(floor=floor).sort_values("floor")
    return bands.groupby(["model_id", "lead_id"]).score_status.last().rename("score_band")


def _score_at_mql(t: dict[str, pd.DataFrame], mql_at: pd.Series) -> pd.DataFrame:
    """Per model and MQL lead: the latest history day at or before the MQL day, else the latest snapshot
    at or before it, else nothing (grade and band unknown)."""
    mql_day = mql_at.dt.normalize().rename("mql_day")
    chosen = []
    for source in ["history", "snapshot"]:
        rows = t["history" if source == "history" else "snapshots"].join(mql_day, on="lead_id", how="inner")
        rows = rows[pd.to_datetime(rows.as_of_date) <= rows.mql_day]
        latest = rows.sort_values("as_of_date").groupby(["model_id", "lead_id"]).tail(1)
        chosen.append(latest.assign(score_source=source, priority=len(chosen)))
    every = pd.MultiIndex.from_product([t["scores"].model_id.unique(), mql_at.index], names=["model_id", "lead_id"])
    scores = (pd.concat(chosen).sort_values("priority").groupby(["model_id", "lead_id"]).head(1)
              .set_index(["model_id", "lead_id"]).reindex(every).reset_index())
    scores["score_band"] = scores.join(_score_band(scores.dropna(subset="total_score"), t["thresholds"]),
                                       on=["model_id", "lead_id"]).score_band
    scores["score_source"] = scores.score_source.fillna("none")
    return scores.fillna({"fit_grade": "unknown", "score_band": "unknown"})


def test_funnel_equals_an_independent_pandas_computation(tables: dict[str, pd.DataFrame]) -> None:
    t = tables
    mql_at = _first_mql(t)
    changes = _attributed(t["changes"], t["leads"]).join(mql_at, on="lead", how="inner")
    after_mql = changes[changes.changed_at >= changes.mql_at]
    per_lead = mql_at.to_frame()
    for stage, statuses in STAGE_STATUSES.items():
        per_lead[f"{stage}_at"] = after_mql[after_mql.new_status.isin(statuses)].groupby("lead").changed_at.min()
    for start, end in GAPS:
        per_lead[f"days_{start}_to_{end}"] = (per_lead[f"{end}_at"] - per_lead[f"{start}_at"]).dt.total_seconds() / 86400
    deals = _attributed(t["opportunities"], t["leads"]).join(mql_at, on="lead", how="inner")
    deals = deals[deals.created_at >= deals.mql_at]
    per_lead["pipeline_amount"] = deals.groupby("lead").amount.sum()
    per_lead["won_amount"] = deals[deals.is_won].groupby("lead").amount.sum()
    per_lead[["pipeline_amount", "won_amount"]] = per_lead[["pipeline_amount", "won_amount"]].fillna(0.0)
    per_lead["mql_cohort_month"] = per_lead.mql_at.dt.to_period("M").dt.start_time
    per_lead["lead_source"] = per_lead.index.map(t["leads"].set_index("lead_id").lead_source).fillna("unknown")

    scores = _score_at_mql(t, mql_at)
    cohort = scores.join(per_lead, on="lead_id")
    key = ["model_id", "mql_cohort_month", "lead_source", "fit_grade", "score_band", "score_source"]
    grouped = cohort.groupby(key)
    expected = grouped.size().rename("mql_leads").to_frame()
    for stage in STAGE_STATUSES:
        expected[f"{stage}_leads"] = grouped[f"{stage}_at"].count()
    for start, end in GAPS:
        expected[f"median_days_{start}_to_{end}"] = grouped[f"days_{start}_to_{end}"].median()
    expected[["pipeline_amount", "won_amount"]] = grouped[["pipeline_amount", "won_amount"]].sum()
    for start, end in [("mql", "accepted"), ("mql", "sql"), ("sql", "opportunity"), ("opportunity", "won"),
                       ("mql", "won")]:
        expected[f"{start}_to_{end}_rate"] = expected[f"{end}_leads"] / expected[f"{start}_leads"].replace(0, np.nan)
    expected = expected.reset_index()

    funnel = t["funnel"].assign(mql_cohort_month=pd.to_datetime(t["funnel"].mql_cohort_month))
    got = funnel.merge(expected, on=key, how="outer", suffixes=("", "_pandas"), validate="one_to_one", indicator=True)
    assert (got._merge == "both").all(), got[got._merge != "both"][key + ["_merge"]]
    assert got.mql_leads.sum() == len(mql_at) * t["scores"].model_id.nunique()
    for column in [c for c in expected.columns if c not in key]:
        ours, theirs = got[column].astype(float), got[f"{column}_pandas"].astype(float)
        tolerance = 0.00005 if column.endswith("_rate") else 0.005  # the mart rounds to 4 and 2 decimals
        same = np.isclose(ours, theirs, rtol=0, atol=tolerance + 1e-9) | (ours.isna() & theirs.isna())
        assert same.all(), f"{column} differs:\n{got[~same][key + [column, column + '_pandas']].head()}"
    # Real numbers, not an empty report: several cohorts, every stage reached, a median from many leads.
    default = got[got.model_id == "default"]
    assert default.mql_cohort_month.nunique() >= 12
    assert default.mql_leads.sum() > default.sql_leads.sum() > default.opportunity_leads.sum() > default.won_leads.sum() > 20
    busiest = default.sort_values(["mql_leads", "mql_cohort_month"]).iloc[-1]
    assert busiest.accepted_leads >= 5 and busiest.median_days_mql_to_accepted > 0
    # Every source is used: MQLs inside the history, older ones cut by a snapshot, the oldest unknown.
    by_source = default.groupby("score_source").mql_leads.sum()
    assert (by_source[["history", "snapshot", "none"]] > 50).all(), by_source
    unknown = default[default.score_source == "none"]
    assert (unknown.fit_grade == "unknown").all() and (unknown.score_band == "unknown").all()


def test_sla_share_equals_an_independent_pandas_computation(tables: dict[str, pd.DataFrame]) -> None:
    t = tables
    # MQL clock: every CRM handoff under every model. Hot clock: midnight after the day the history first
    # shows the lead hot, unless that is the history's first day (hot since an unknown time).
    models = pd.Series(t["scores"].model_id.unique(), name="model_id")
    handoffs = _first_mql(t).rename("entered_at").rename_axis("lead_id").reset_index()
    mql = handoffs.merge(models, how="cross").assign(score_status="mql")
    hot = t["crossings"][(t["crossings"].score_status == "hot")
                         & (t["crossings"].first_reached_date > t["history"].as_of_date.min())]
    hot = hot.assign(entered_at=pd.to_datetime(hot.first_reached_date) + pd.Timedelta(days=1))
    entries = pd.concat([mql, hot[["model_id", "lead_id", "score_status", "entered_at"]]], ignore_index=True)
    entries = entries.merge(t["thresholds"][["model_id", "score_status", "sla_hours"]], how="left")
    touches = _attributed(t["activities"], t["leads"])
    answered = entries.merge(touches[["lead", "occurred_at"]], left_on="lead_id", right_on="lead")
    answered = answered[answered.occurred_at >= answered.entered_at]
    key = ["model_id", "lead_id", "score_status"]
    entries = entries.join(answered.groupby(key).occurred_at.min().rename("first_touch_at"), on=key)
    due = entries.entered_at + pd.to_timedelta(entries.sla_hours, unit="h")
    cutoff = pd.Timestamp(SCORE_DATE) + pd.Timedelta(days=1)
    entries["outcome"] = np.select(
        [entries.sla_hours.isna(), entries.first_touch_at <= due, entries.first_touch_at.notna() | (due < cutoff)],
        ["no_sla", "within", "breached"], "pending")
    entries["hours"] = (entries.first_touch_at - entries.entered_at).dt.total_seconds() / 3600
    entries["entered_week"] = (entries.entered_at.dt.normalize()
                               - pd.to_timedelta(entries.entered_at.dt.day_of_week, unit="D"))
    entries["owner_id"] = entries.lead_id.map(t["leads"].set_index("lead_id").owner_id)

    key = ["model_id", "score_status", "entered_week", "owner_id"]
    grouped = entries.groupby(key, dropna=False)
    expected = grouped.size().rename("leads").to_frame()
    for outcome, column in [("within", "within_sla_leads"), ("breached", "breached_leads"), ("pending", "pending_leads")]:
        expected[column] = grouped.outcome.apply(lambda s, o=outcome: (s == o).sum())
    expected["share_within_sla"] = expected.within_sla_leads / (expected.within_sla_leads + expected.breached_leads)
    expected["median_hours_to_first_touch"] = grouped.hours.median()
    expected = expected.reset_index()

    sla = t["sla"].assign(entered_week=pd.to_datetime(t["sla"].entered_week))
    got = sla.merge(expected, on=key, how="outer", suffixes=("", "_pandas"), validate="one_to_one", indicator=True)
    assert (got._merge == "both").all(), got[got._merge != "both"][key + ["_merge"]]
    for column in ["leads", "within_sla_leads", "breached_leads", "pending_leads"]:
        assert (got[column] == got[f"{column}_pandas"]).all(), column
    for column, tolerance in [("share_within_sla", 0.00005), ("median_hours_to_first_touch", 0.01)]:
        ours, theirs = got[column].astype(float), got[f"{column}_pandas"].astype(float)
        same = np.isclose(ours, theirs, rtol=0, atol=tolerance + 1e-9) | (ours.isna() & theirs.isna())
        assert same.all(), f"{column} differs:\n{got[~same][key + [column, column + '_pandas']].head()}"
    # Every handoff is counted once per model, touched or not, hot leads timed by leadscore are counted
    # beside them, and the hot SLA is the hard one.
    assert got.leads.sum() == len(entries) and (got.no_sla_leads == 0).all()
    assert got[got.score_status == "mql"].leads.sum() == len(handoffs) * len(models)
    assert got[(got.model_id == "default") & (got.score_status == "hot")].leads.sum() > 50
    hot, mql = (got[(got.model_id == "default") & (got.score_status == s)] for s in ("hot", "mql"))
    assert hot.within_sla_leads.sum() / hot.leads.sum() < mql.within_sla_leads.sum() / mql.leads.sum()


def test_summary_shows_the_latest_funnel_cohorts(built_warehouse: Path, tables: dict[str, pd.DataFrame],
                                                   tmp_path: Path) -> None:
    funnel = tables["funnel"][tables["funnel"].model_id == "default"]
    latest = funnel.groupby("mql_cohort_month")[["mql_leads", "sql_leads", "won_leads"]].sum().iloc[-1]
    done = run([str(BIN / "leadscore"), "summary"], built_warehouse, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "MQL funnel, last 6 cohorts (default model, all sources)" in done.stdout
    row = next(line for line in done.stdout.splitlines() if str(latest.name)[:10] in line)
    cells = [c.strip() for c in row.strip("│ ").split("│")]
    assert cells[1] == str(latest.mql_leads) and cells[3] == str(latest.sql_leads) and cells[5] == str(latest.won_leads)
