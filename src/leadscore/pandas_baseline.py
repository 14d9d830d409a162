"""The "what people write instead" baseline: raw tables to lead scores in plain pandas.

Reads the raw tables (only the columns scoring needs) with DuckDB into pandas, repeats staging in pandas
(trim, lower-case, quarantine of bad rows, keep-first-valid de-duplication, bot opens and clicks, merging
leads by e-mail, countries, personas, engagement resets) and hands the result to pandas_scorer, which
applies the rules. The benchmark times it against the dbt build; tests check it gives the same scores.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from leadscore import pandas_scorer

SEEDS = pandas_scorer.SEEDS
EVENT_TYPES = ("page_view", "email_sent", "email_open", "email_click", "email_unsubscribe", "email_bounce",
               "form_submit", "webinar_attended")
LEAD_STATUSES = ("mql", "sales_accepted", "sales_rejected", "sql", "opportunity", "customer", "closed_lost",
                 "disqualified", "recycled")
RESET_STATUSES = ("sales_rejected", "closed_lost", "recycled")
EMAIL_PATTERN = r"^[^@ ]+@[^@ ]+[.][^@ ]+$"
BOT_USER_AGENT_PATTERN = "barracuda|mimecast|proofpoint|safelinks|defender|scanner|bot|spider|crawler"
BOT_CLICK_SECONDS = 10


def _text(series: pd.Series, lower: bool = False) -> pd.Series:
    """SQL's nullif(trim(x), '') (trim removes spaces only), optionally lower-cased."""
    cleaned = series.str.strip(" ")
    if lower:
        cleaned = cleaned.str.lower()
    return cleaned.where(cleaned != "", None)


def _keep_first(frame: pd.DataFrame, key: str, order: list[str], ascending: list[bool]) -> pd.DataFrame:
    """Keep-first-valid de-duplication of rows that already passed their checks."""
    return frame.sort_values(order, ascending=ascending, na_position="last", kind="stable").drop_duplicates(key)


def _leads(con: duckdb.DuckDBPyConnection, cutoff: pd.Timestamp) -> pd.DataFrame:
    raw = con.execute("""select lead_id, crm_record_id, account_id, email, job_title, country, created_at, updated_at
                         from raw.leads""").df()
    leads = pd.DataFrame({
        "lead_id": _text(raw.lead_id), "crm_record_id": _text(raw.crm_record_id),
        "account_id": _text(raw.account_id), "email": _text(raw.email, lower=True),
        "job_title": _text(raw.job_title, lower=True), "country_raw": _text(raw.country),
        "created_at": raw.created_at, "updated_at": raw.updated_at,
    })
    valid = (leads.lead_id.notna() & leads.email.notna() & leads.email.str.contains(EMAIL_PATTERN, regex=True)
             & leads.created_at.notna() & (leads.created_at < cutoff))
    leads = _keep_first(leads[valid.fillna(False).astype(bool)], "lead_id",
                        ["lead_id", "updated_at", "created_at", "email", "crm_record_id"],
                        [True, False, False, True, True])
    first = leads.sort_values(["email", "created_at", "lead_id"], kind="stable").drop_duplicates("email")
    return leads.assign(canonical_lead_id=leads.email.map(first.set_index("email").lead_id))


def _accounts(con: duckdb.DuckDBPyConnection, cutoff: pd.Timestamp) -> pd.DataFrame:
    raw = con.execute("""select account_id, account_name, domain, industry, employee_count, annual_revenue,
                                country, created_at from raw.accounts""").df()
    domain = raw.domain.str.strip(" ").str.lower().str.replace("https://", "", regex=False) \
        .str.replace("http://", "", regex=False).str.replace("www.", "", regex=False)
    accounts = pd.DataFrame({
        "account_id": _text(raw.account_id), "account_name": _text(raw.account_name),
        "domain": domain.where(domain != "", None), "industry": _text(raw.industry),
        "employee_count": raw.employee_count.where(raw.employee_count.between(1, 5_000_000)),
        "annual_revenue": raw.annual_revenue, "country_raw": _text(raw.country), "created_at": raw.created_at,
    })
    valid = accounts.account_id.notna() & accounts.created_at.notna() & (accounts.created_at < cutoff)
    return _keep_first(accounts[valid], "account_id", ["account_id", "created_at", "account_name", "domain"],
                       [True, False, True, True])


def _personas(titles: pd.Series, seeds: Path) -> pd.DataFrame:
    """Seniority and persona of each distinct title: the first job_title_patterns row (by priority) that matches."""
    patterns = pd.read_csv(seeds / "job_title_patterns.csv").sort_values("priority")
    compiled = [(re.compile(p.pattern), p.seniority, p.persona) for p in patterns.itertuples()]
    rows = []
    for title in titles.dropna().unique():
        hit = next(((s, p) for rx, s, p in compiled if rx.search(title)), ("unknown", "unknown"))
        rows.append((title, *hit))
    return pd.DataFrame(rows, columns=["job_title", "seniority", "persona"]).set_index("job_title")


def _attributes(leads: pd.DataFrame, accounts: pd.DataFrame, fields: Collection[str], seeds: Path) -> pd.DataFrame:
    """int_lead_attributes for the fields the rules read: one row per lead and attribute."""
    aliases = pd.read_csv(seeds / "country_aliases.csv", keep_default_na=False).set_index("country_alias").country_code
    survivors = leads[leads.lead_id == leads.canonical_lead_id]
    company = survivors[["lead_id", "account_id"]].merge(accounts, on="account_id", how="left")
    personas = _personas(survivors.job_title, seeds)
    lead_country = survivors.country_raw.str.lower().map(aliases)
    values = {
        "industry": company.industry.to_numpy(),
        "employee_count": company.employee_count.to_numpy(),
        "annual_revenue": company.annual_revenue.to_numpy(),
        "country_code": lead_country.fillna(company.country_raw.str.lower().map(aliases).set_axis(lead_country.index)),
        "seniority": survivors.job_title.map(personas.seniority).fillna("unknown"),
        "persona": survivors.job_title.map(personas.persona).fillna("unknown"),
        "email_domain": survivors.email.str.split("@").str[1],
    }
    frames = []
    for field in fields:
        value = pd.Series(np.asarray(values[field], dtype=object), index=survivors.index)
        numeric = field in ("employee_count", "annual_revenue")
        text = value.map(lambda v: None if pd.isna(v) else str(int(v)) if numeric and float(v).is_integer() else str(v))
        frames.append(pd.DataFrame({
            "lead_id": survivors.lead_id.to_numpy(), "attribute": field,
            "value_text": text.str.lower().to_numpy(),
            "value_number": pd.to_numeric(value, errors="coerce").to_numpy() if numeric else np.nan,
        }))
    return pd.concat(frames, ignore_index=True)


def _events(con: duckdb.DuckDBPyConnection, leads: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    """int_lead_events: valid, de-duplicated, human events of known leads, attributed to the surviving lead."""
    raw = con.execute("""select event_id, lead_id, event_type, occurred_at, url, form_name, campaign_id, user_agent
                         from raw.events""").df()
    events = pd.DataFrame({
        "event_id": _text(raw.event_id), "lead_id": _text(raw.lead_id), "event_type": raw.event_type.str.strip(" ").str.lower(),
        "occurred_at": raw.occurred_at, "url": _text(raw.url, lower=True), "form_name": _text(raw.form_name, lower=True),
        "campaign_id": _text(raw.campaign_id), "user_agent": _text(raw.user_agent),
    })
    del raw
    # The lead's first send of the campaign, over every delivered row (as the SQL window does).
    sends = events.occurred_at.where(events.event_type == "email_sent")
    sent_at = sends.groupby([events.lead_id, events.campaign_id], dropna=False).transform("min")
    seconds = (events.occurred_at.dt.floor("s") - sent_at.dt.floor("s")).dt.total_seconds()
    opened = events.event_type.isin(["email_open", "email_click"])
    is_bot = opened & (seconds.between(0, BOT_CLICK_SECONDS)
                       | events.user_agent.str.lower().str.contains(BOT_USER_AGENT_PATTERN, regex=True).fillna(False).astype(bool))
    valid = (events.event_id.notna() & events.lead_id.notna() & events.event_type.isin(EVENT_TYPES)
             & events.occurred_at.notna() & (events.occurred_at < cutoff))
    events = _keep_first(events[valid].assign(is_bot=is_bot[valid]), "event_id",
                         ["event_id", "occurred_at", "lead_id", "event_type"], [True] * 4)
    events = events[~events.is_bot]
    events = events.assign(lead_id=events.lead_id.map(leads.set_index("lead_id").canonical_lead_id))
    events = events[events.lead_id.notna()]
    return events.assign(occurred_date=events.occurred_at.dt.normalize()).drop(columns=["user_agent", "is_bot"])


def _resets(con: duckdb.DuckDBPyConnection, leads: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    raw = con.execute("select status_change_id, lead_id, changed_at, new_status from raw.lead_status_changes").df()
    changes = pd.DataFrame({
        "status_change_id": _text(raw.status_change_id), "lead_id": _text(raw.lead_id),
        "changed_at": raw.changed_at, "new_status": raw.new_status.str.strip(" ").str.lower(),
    })
    valid = (changes.status_change_id.notna() & changes.lead_id.notna() & changes.new_status.isin(LEAD_STATUSES)
             & changes.changed_at.notna() & (changes.changed_at < cutoff))
    changes = _keep_first(changes[valid], "status_change_id", ["status_change_id", "changed_at", "lead_id", "new_status"],
                          [True] * 4)
    resets = changes[changes.new_status.isin(RESET_STATUSES)]
    resets = resets.assign(lead_id=resets.lead_id.map(leads.set_index("lead_id").canonical_lead_id))
    return resets[resets.lead_id.notna()].rename(columns={"changed_at": "reset_at"})[["lead_id", "reset_at"]]


def scores_from_raw(duckdb_path: Path, score_date: dt.date, model_ids: Collection[str] | None = None,
                    seeds: Path = SEEDS) -> pd.DataFrame:
    """lead_scores' columns (before hysteresis) for every surviving lead and model, from the raw tables."""
    cutoff = pd.Timestamp(score_date) + pd.Timedelta(days=1)
    rules = pd.read_csv(seeds / "scoring_rules.csv", dtype=object, keep_default_na=False)
    if model_ids is not None:
        rules = rules[rules.model_id.isin(model_ids)]
    fields = sorted(set(rules[rules.rule_type == "attribute"].match_field) - {"days_since_last_activity"})
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        leads = _leads(con, cutoff)
        accounts = _accounts(con, cutoff)
        events = _events(con, leads, cutoff)
        resets = _resets(con, leads, cutoff)
    attributes = _attributes(leads, accounts, fields, seeds)
    survivors = leads.loc[leads.lead_id == leads.canonical_lead_id, ["lead_id", "created_at"]]
    return pandas_scorer.scores(survivors, events, attributes, resets, score_date, seeds, model_ids=model_ids)
