"""The scoring rules evaluated again in plain pandas, independently of the SQL models.

Two uses: the test suite checks lead_scores against it (the SQL is not trusted to check itself), and
the benchmark uses it as the "what people write instead" baseline. It reads the same seeds and the
same scoreable inputs (int_lead_events, int_lead_attributes, int_lead_engagement_resets) and applies
windows, decay, caps, frequency rules, engagement resets, inactivity, group caps, grades, tiers and
thresholds as documented in seeds/_seeds.yml, as of one day (no hysteresis: that needs a history).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from pathlib import Path

import numpy as np
import pandas as pd

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _seed(name: str, seeds: Path) -> pd.DataFrame:
    frame = pd.read_csv(seeds / f"{name}.csv", dtype=object, keep_default_na=False)
    return frame.where(frame != "", None)


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="raise")


def _matches(values: pd.Series, numbers: pd.Series | None, rule: pd.Series, lists: dict[str, set[str]]) -> pd.Series:
    op, value = rule.operator, (rule.match_value or "").lower() or None
    if op is None:
        return pd.Series(True, index=values.index)
    if op == "equals":
        return values == value
    if op == "in":
        return values.isin(lists.get(value, set()))
    if op == "contains":
        return values.fillna("").str.contains(value, regex=False) & values.notna()
    if op == "regex":
        pattern = re.compile(value)
        return values.map(lambda v: v is not None and bool(pattern.search(v)))
    if op == "between":
        assert numbers is not None
        low = float(rule.value_min) if rule.value_min is not None else -np.inf
        high = float(rule.value_max) if rule.value_max is not None else np.inf
        return numbers.between(low, high) & numbers.notna()
    if op == "is_null":
        return values.isna()
    raise ValueError(f"unknown operator {op}")


def _decay(rule: pd.Series, age: pd.Series) -> pd.Series:
    days = float(rule.decay_days) if rule.decay_days else None
    if rule.decay_type == "half_life":
        return 0.5 ** (age / days)
    if rule.decay_type == "linear":
        return (1.0 - age / days).clip(lower=0.0)
    if rule.decay_type == "step":
        return 0.5 ** np.floor(age / days)
    return pd.Series(1.0, index=age.index)


NOT_ACTIVITY = ("email_sent", "email_bounce")


def _inactivity(leads: pd.DataFrame, events: pd.DataFrame, score_date: dt.date) -> pd.DataFrame:
    """days_since_last_activity as attribute rows: from the last thing the lead did, else its creation."""
    last = pd.to_datetime(events[~events.event_type.isin(NOT_ACTIVITY)].groupby("lead_id").occurred_date.max())
    since = leads.lead_id.map(last).fillna(pd.to_datetime(leads.created_at).dt.normalize())
    days = (pd.Timestamp(score_date) - since).dt.days.astype(float)
    return pd.DataFrame({"lead_id": leads.lead_id, "attribute": "days_since_last_activity",
                         "value_text": days.astype(int).astype(str), "value_number": days})


def _engaged_since(events: pd.DataFrame, resets: pd.DataFrame) -> pd.Series:
    """Per event, whether it came at or after the lead's latest engagement reset (behavioural rules only count those)."""
    latest = resets.groupby("lead_id").reset_at.max()
    cutoff = pd.to_datetime(events.lead_id.map(latest))
    return cutoff.isna() | (pd.to_datetime(events.occurred_at) >= cutoff)


def ledger(events: pd.DataFrame, attributes: pd.DataFrame, score_date: dt.date, seeds: Path = SEEDS,
           model_ids: Collection[str] | None = None) -> pd.DataFrame:
    """One row per (model_id, lead_id, rule_id) that fired, with component, points and disqualifier flag.

    `events` needs a boolean column `is_engaged` (see _engaged_since); `attributes` includes the
    day-dependent ones. `model_ids` limits the rules to those models (default: all)."""
    rules = _seed("scoring_rules", seeds)
    rules = rules[(rules.is_active.str.lower() == "true") & (model_ids is None or rules.model_id.isin(model_ids))]
    ref = _seed("reference_lists", seeds)
    lists = {name: set(group.list_value.str.lower()) for name, group in ref.groupby(ref.list_name.str.lower())}
    events = events.assign(age_days=(pd.Timestamp(score_date) - pd.to_datetime(events.occurred_date)).dt.days)
    rows = []
    for rule in rules.itertuples(index=False):
        points = float(rule.points)
        if rule.rule_type == "event":
            ev = events[events.event_type == rule.event_type]
            if rule.component == "behavioral":
                ev = ev[ev.is_engaged]
            field = ev[rule.match_field] if rule.match_field else pd.Series(None, index=ev.index, dtype=object)
            if rule.match_field == "campaign_id":
                field = field.str.lower()
            ev = ev[_matches(field, None, rule, lists)]
            if rule.window_days:
                ev = ev[ev.age_days <= int(rule.window_days)]
            if ev.empty:
                continue
            ev = ev.assign(decay=_decay(rule, ev.age_days.astype(float)))
            ev = ev.sort_values(["lead_id", "occurred_at", "event_id"], ascending=[True, False, True])
            ev["rank"] = ev.groupby("lead_id").cumcount() + 1
            grouped = ev.groupby("lead_id")
            if rule.award == "once":
                count = grouped.size()
                latest = ev[ev["rank"] == 1].set_index("lead_id").decay
                total = (points * latest).where(count >= int(rule.min_occurrences or 1), 0.0)
            else:
                counted = ev if not rule.max_occurrences else ev[ev["rank"] <= int(rule.max_occurrences)]
                total = (points * counted.decay).groupby(counted.lead_id).sum()
        else:
            at = attributes[attributes.attribute == rule.match_field]
            at = at[_matches(at.value_text, at.value_number, rule, lists)]
            total = pd.Series(points, index=at.lead_id.unique())
        if rule.max_points:
            cap = abs(float(rule.max_points))
            total = total.clip(-cap, cap)
        total = total[(total != 0) | (rule.is_disqualifier.lower() == "true")]
        rows.append(pd.DataFrame({
            "model_id": rule.model_id, "rule_id": rule.rule_id, "lead_id": total.index,
            "component": rule.component, "points": total.to_numpy(),
            "is_disqualifier": rule.is_disqualifier.lower() == "true",
        }))
    return pd.concat(rows, ignore_index=True)


def _round(values: np.ndarray) -> np.ndarray:
    """Half away from zero, as the round_number macro does (numpy rounds half to even), with the same
    1e-9 nudge so that 42.4999... (a binary 42.5) rounds to 43."""
    return (np.sign(values) * np.floor(np.abs(values) + 0.5 + 1e-9)).astype(int)


def _band(values: pd.Series, bands: pd.DataFrame, label: str, threshold: str) -> pd.Series:
    """The label of the highest band whose threshold the value reaches (an empty threshold is the floor)."""
    ordered = bands.assign(t=_num(bands[threshold]).fillna(-np.inf)).sort_values("t", ascending=False)
    result = pd.Series(None, index=values.index, dtype=object)
    for band in ordered.itertuples(index=False):
        result = result.where(result.notna() | (values < band.t), getattr(band, label))
    return result


def scores(leads: pd.DataFrame, events: pd.DataFrame, attributes: pd.DataFrame, resets: pd.DataFrame,
           score_date: dt.date, seeds: Path = SEEDS, model_ids: Collection[str] | None = None) -> pd.DataFrame:
    """One row per lead (lead_id, created_at) and active model (of `model_ids`, default all): subscores,
    total, grade, tier and threshold_status, like lead_scores; score_status is threshold_status unless
    disqualified."""
    models = _seed("scoring_models", seeds)
    models = models[(models.is_active.str.lower() == "true") & (model_ids is None or models.model_id.isin(model_ids))]
    lead_ids = leads.lead_id
    events = events.assign(is_engaged=_engaged_since(events, resets))
    attributes = pd.concat([attributes, _inactivity(leads, events, score_date)], ignore_index=True)
    led = ledger(events, attributes, score_date, seeds, model_ids)
    sums = led.pivot_table(index=["model_id", "lead_id"], columns="component", values="points", aggfunc="sum")
    disq = led.groupby(["model_id", "lead_id"]).is_disqualifier.any()
    grades, tiers, thresholds = (_seed(n, seeds) for n in ("fit_grades", "engagement_tiers", "score_thresholds"))
    out = []
    for model in models.itertuples(index=False):
        frame = pd.DataFrame({"lead_id": lead_ids.to_numpy(), "model_id": model.model_id})
        key = pd.MultiIndex.from_frame(frame[["model_id", "lead_id"]])
        sub = sums.reindex(key).fillna(0.0)
        for component, cap in (("behavioral", model.behavioral_cap), ("firmographic", model.firmographic_cap)):
            raw = sub[component].to_numpy() if component in sub else np.zeros(len(frame))
            frame[f"{component}_points"] = _round(np.minimum(raw, float(cap)))
        raw = sub["negative"].to_numpy() if "negative" in sub else np.zeros(len(frame))
        frame["negative_points"] = _round(np.maximum(raw, float(model.negative_floor)))
        frame["total_score"] = frame.behavioral_points + frame.firmographic_points + frame.negative_points
        frame["is_disqualified"] = disq.reindex(key).fillna(False).to_numpy().astype(bool)
        model_grades, model_tiers, model_thresholds = (
            t[t.model_id == model.model_id] for t in (grades, tiers, thresholds)
        )
        frame["fit_grade"] = _band(frame.firmographic_points, model_grades, "fit_grade", "min_points")
        frame["engagement_tier"] = _band(
            frame.behavioral_points, model_tiers, "engagement_tier", "min_points"
        ).astype(int)
        status = pd.Series("nurture", index=frame.index, dtype=object)
        bands = model_thresholds.assign(t=lambda b: _num(b.min_score).fillna(-np.inf)).sort_values("t")
        for band in bands.itertuples(index=False):
            grade_ok = frame.fit_grade <= band.min_fit_grade if band.min_fit_grade else True
            status = status.mask((frame.total_score >= band.t) & grade_ok, band.score_status)
        frame["threshold_status"] = status
        frame["score_status"] = status.where(~frame.is_disqualified, "disqualified")
        out.append(frame)
    return pd.concat(out, ignore_index=True)
