"""Data validation with Great Expectations over frames read from the warehouse.

Two layers:
- raw: the raw contract as staging reads it (values trimmed, e-mails and enumerations lower-cased):
  keys unique and present, required columns present, e-mails well formed, enumerations in their sets,
  nothing after the score date; and a volume check that catches a broken events sync. Each row check
  names the quarantine reason staging gives the rows it catches, so on sample data (dirty on purpose)
  raw failures are expected: they are what marts.quarantined_rows will list.
- marts: what lead_scores, lead_score_history, quarantined_rows and reconciliation promise their readers. A correct
  build passes.

GX validates pandas frames read with leadscore.warehouse, not the warehouse itself: its SQL datasource
reports every expectation as failed on DuckDB (docs/decisions.md). GX is imported inside the functions
that need it because importing it takes seconds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import os
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pandas as pd

from leadscore.contract import (
    ACTIVITY_TYPES,
    EMAIL_PATTERN,
    EVENT_TYPES,
    LEAD_STATUSES,
    OPPORTUNITY_STAGES,
    RAW_SCHEMA,
    TABLES,
    Table,
)
from leadscore.warehouse import fetch

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation
    from rich.console import Console

LAYERS = ("raw", "marts")
MARTS_SCHEMA = "marts"
SEEDS_SCHEMA = "seeds"
SAMPLE_VALUES = 5
VOLUME_WINDOW_DAYS = 28
MIN_VOLUME_SHARE = 0.10

# Raw columns with a fixed set of values, and the reason staging quarantines a row outside it.
ENUMERATIONS: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {
    ("events", "event_type"): (EVENT_TYPES, "unknown_event_type"),
    ("lead_status_changes", "new_status"): (LEAD_STATUSES, "unknown_status"),
    ("opportunities", "stage"): (OPPORTUNITY_STAGES, "unknown_stage"),
    ("sales_activities", "activity_type"): (ACTIVITY_TYPES, "unknown_activity_type"),
}
CASE_INSENSITIVE = {("leads", "email"), *ENUMERATIONS}


class ValidationError(Exception):
    """A table the validation needs cannot be read."""


@dataclass(frozen=True)
class Frame:
    """A table read into pandas and the expectations it must meet; `name` is layer.table."""

    name: str
    data: pd.DataFrame
    expectations: list[Expectation]


@dataclass(frozen=True)
class Failure:
    table: str
    column: str
    expectation: str
    failing: int | None
    rows: int | None
    samples: list[Any]
    note: str


@dataclass(frozen=True)
class Report:
    target: str
    score_date: dt.date
    results: dict[str, dict[str, Any]]  # suite (= frame) name -> GX validation result as JSON

    @property
    def failures(self) -> list[Failure]:
        return [
            _failure(name, result)
            for name, suite in self.results.items() for result in suite["results"] if not result["success"]
        ]

    @property
    def success(self) -> bool:
        return all(suite["success"] for suite in self.results.values())

    def checks(self, layer: str) -> tuple[int, int]:
        """(expectations evaluated, failed) in one layer."""
        stats = [s["statistics"] for name, s in self.results.items() if name.startswith(f"{layer}.")]
        return (sum(s["evaluated_expectations"] for s in stats), sum(s["unsuccessful_expectations"] for s in stats))


def _gx() -> ModuleType:
    """Great Expectations, imported on first use (importing it takes seconds), analytics off.

    GX 1.24 sends nothing (it has no analytics code left); the variable keeps it so if an upgrade brings it back.
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations

    return great_expectations


def _note(text: str) -> dict[str, str]:
    return {"note": text}


def _quarantined_as(reason: str) -> dict[str, str]:
    return _note(f"staging quarantines these rows as {reason}")


def _columns(expectations: Iterable[Expectation]) -> list[str]:
    """Every column the expectations read, in first-use order."""
    names: dict[str, None] = {}
    for expectation in expectations:
        kwargs = expectation.configuration.kwargs
        for key in ("column", "column_A", "column_B"):
            if key in kwargs:
                names[kwargs[key]] = None
        names.update(dict.fromkeys(kwargs.get("column_list", [])))
    return list(names)


def _read(con: Any, relation: str, columns: list[str], expressions: dict[str, str] | None = None) -> pd.DataFrame:
    expressions = expressions or {}
    select = ", ".join(f"{expressions.get(c, c)} as {c}" for c in columns)
    try:
        names, rows = fetch(con, f"select {select} from {relation}")
    except Exception as err:
        raise ValidationError(
            f"cannot read {', '.join(columns)} from {relation}: {str(err).splitlines()[0]} (raw tables come from "
            "`leadscore generate` or `leadscore load`, seeds and marts from `dbt build`)"
        ) from err
    frame = pd.DataFrame.from_records(rows, columns=names)
    for column in frame.select_dtypes("datetime64").columns:
        # GX compares datetime64[ns] columns vectorised, other units value by value (5 s on 550k events).
        # Out of the ns range (after 2262) stays as it is: slow but right.
        with contextlib.suppress(pd.errors.OutOfBoundsDatetime):
            frame[column] = frame[column].astype("datetime64[ns]")
    return frame


def _raw_expectations(table: Table, cutoff: dt.datetime) -> list[Expectation]:
    gxe = _gx().expectations
    found: list[Expectation] = [
        gxe.ExpectColumnValuesToBeUnique(column=table.key, meta=_note(
            f"every copy counts; staging keeps the first valid one, quarantines the others as duplicate_{table.key}"
        )),
    ]
    for column in table.columns:
        enumeration = ENUMERATIONS.get((table.name, column.name))
        if column.required:
            reason = enumeration[1] if enumeration else f"missing_{column.name}"
            found.append(gxe.ExpectColumnValuesToNotBeNull(column=column.name, meta=_quarantined_as(reason)))
        if enumeration:
            values, reason = enumeration
            found.append(gxe.ExpectColumnValuesToBeInSet(
                column=column.name, value_set=list(values), meta=_quarantined_as(reason)))
        if column.required and column.type == "timestamp":
            found.append(gxe.ExpectColumnValuesToBeBetween(
                column=column.name, max_value=cutoff, strict_max=True,
                meta=_quarantined_as(f"{column.name.removesuffix('_at')}_after_score_date"),
            ))
    if table.name == "leads":
        found.append(gxe.ExpectColumnValuesToMatchRegex(
            column="email", regex=EMAIL_PATTERN, meta=_quarantined_as("malformed_email")))
    if table.name == "opportunities":
        found.append(gxe.ExpectColumnValuesToBeBetween(
            column="amount", min_value=0, meta=_quarantined_as("negative_amount")))
        found.append(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="closed_at", column_B="created_at", or_equal=True, ignore_row_if="either_value_is_missing",
            meta=_quarantined_as("closed_before_created"),
        ))
    return found


def _raw_frame(con: Any, table: Table, cutoff: dt.datetime) -> Frame:
    expectations = _raw_expectations(table, cutoff)
    text = {c.name for c in table.columns if c.type == "varchar"}
    expressions = {
        c: f"nullif(lower(trim({c})), '')" if (table.name, c) in CASE_INSENSITIVE else f"nullif(trim({c}), '')"
        for c in text
    }
    data = _read(con, f"{RAW_SCHEMA}.{table.name}", _columns(expectations), expressions)
    return Frame(f"raw.{table.name}", data, expectations)


def daily_event_counts(con: Any, score_date: dt.date, days: int = VOLUME_WINDOW_DAYS) -> pd.DataFrame:
    """Raw events per day (event_date as YYYY-MM-DD, event_count) for the `days` before the score date and
    the score date itself; a day without events is a 0, not a gap."""
    first = score_date - dt.timedelta(days=days)
    cutoff = score_date + dt.timedelta(days=1)
    _, rows = fetch(con, f"""
        select cast(occurred_at as date) as event_date, count(*) as event_count
        from {RAW_SCHEMA}.events
        where occurred_at >= cast('{first.isoformat()} 00:00:00' as timestamp)
            and occurred_at < cast('{cutoff.isoformat()} 00:00:00' as timestamp)
        group by cast(occurred_at as date)
    """)
    counts = {row[0].isoformat(): int(row[1]) for row in rows}
    dates = [(first + dt.timedelta(days=i)).isoformat() for i in range(days + 1)]
    return pd.DataFrame({"event_date": dates, "event_count": [counts.get(d, 0) for d in dates]})


def event_volume_frame(con: Any, score_date: dt.date) -> Frame:
    gxe = _gx().expectations
    daily = daily_event_counts(con, score_date)
    median = statistics.median(daily["event_count"].iloc[:-1])
    minimum = MIN_VOLUME_SHARE * median
    expectation = gxe.ExpectColumnValuesToBeBetween(
        column="event_count", min_value=minimum,
        row_condition=gxe.row_conditions.Column("event_date") == score_date.isoformat(),
        meta=_note(
            f"events on {score_date} must be at least {MIN_VOLUME_SHARE:.0%} of the median day of the "
            f"{VOLUME_WINDOW_DAYS} days before ({median:g}, so >= {minimum:g}); fewer means the events sync broke"
        ),
    )
    return Frame("raw.events_per_day", daily, [expectation])


def raw_frames(con: Any, score_date: dt.date) -> list[Frame]:
    cutoff = dt.datetime.combine(score_date + dt.timedelta(days=1), dt.time())
    return [*(_raw_frame(con, table, cutoff) for table in TABLES.values()), event_volume_frame(con, score_date)]


def marts_frames(con: Any) -> list[Frame]:
    gxe = _gx().expectations
    models = _read(con, f"{SEEDS_SCHEMA}.scoring_models",
                   ["model_id", "behavioral_cap", "firmographic_cap", "negative_floor"])
    enumerations: dict[str, list[Any]] = {
        "model_id": sorted(models["model_id"]),
        "fit_grade": ["A", "B", "C", "D"],
        "engagement_tier": [1, 2, 3, 4],
        "score_status": ["nurture", "mql", "hot", "disqualified"],
    }
    def scores(keys: list[str], grain: str) -> list[Expectation]:
        return [
            gxe.ExpectCompoundColumnsToBeUnique(column_list=keys, meta=_note(f"one row per {grain}")),
            *(gxe.ExpectColumnValuesToNotBeNull(column=c) for c in dict.fromkeys([*keys, "total_score", *enumerations])),
            *(gxe.ExpectColumnValuesToBeInSet(column=c, value_set=values) for c, values in enumerations.items()),
            *(
                gxe.ExpectColumnValuesToBeBetween(
                    column="total_score", min_value=int(m.negative_floor),
                    max_value=int(m.behavioral_cap + m.firmographic_cap),
                    row_condition=gxe.row_conditions.Column("model_id") == m.model_id,
                    meta=_note(f"model {m.model_id}: from negative_floor to behavioral_cap + firmographic_cap "
                               "(seeds/scoring_models.csv)"),
                )
                for m in models.itertuples()
            ),
        ]

    lead_scores = scores(["lead_id", "model_id"], "lead and model")
    lead_score_history = scores(["as_of_date", "lead_id", "model_id"], "day, lead and model")
    quarantined_rows = [
        gxe.ExpectColumnValuesToNotBeNull(
            column="quarantine_reason", meta=_note("nothing is set aside without a reason")),
    ]
    reconciliation = [
        gxe.ExpectColumnValuesToNotBeNull(column="is_reconciled"),
        gxe.ExpectColumnValuesToBeInSet(
            column="is_reconciled", value_set=[True], meta=_note("raw rows = quarantined + staged, for every table")),
    ]
    return [
        Frame(f"marts.{name}", _read(con, f"{MARTS_SCHEMA}.{name}", _columns(expectations)), expectations)
        for name, expectations in (
            ("lead_scores", lead_scores), ("lead_score_history", lead_score_history),
            ("quarantined_rows", quarantined_rows), ("reconciliation", reconciliation))
    ]


def run_suites(frames: list[Frame]) -> dict[str, dict[str, Any]]:
    """One GX suite per frame in an ephemeral context (nothing written to disk); results as JSON dicts."""
    gx = _gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("warehouse")
    results: dict[str, dict[str, Any]] = {}
    for frame in frames:
        batch = source.add_dataframe_asset(frame.name).add_batch_definition_whole_dataframe("whole table")
        suite = context.suites.add(gx.ExpectationSuite(name=frame.name, expectations=frame.expectations))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=frame.name, data=batch, suite=suite))
        result = definition.run(
            batch_parameters={"dataframe": frame.data},
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_VALUES},
        )
        results[frame.name] = result.to_json_dict()
    return results


def validate_layers(con: Any, layers: Iterable[str], score_date: dt.date, target: str) -> Report:
    """Read the layers' tables from `con` and run their suites; `target` only labels the report."""
    frames: list[Frame] = []
    if "raw" in layers:
        frames += raw_frames(con, score_date)
    if "marts" in layers:
        frames += marts_frames(con)
    return Report(target=target, score_date=score_date, results=run_suites(frames))


def _failure(suite: str, result: dict[str, Any]) -> Failure:
    config = result["expectation_config"]
    kwargs = config["kwargs"]
    if "column_list" in kwargs:
        column = ", ".join(kwargs["column_list"])
    elif "column_A" in kwargs:
        column = f"{kwargs['column_A']} >= {kwargs['column_B']}"
    else:
        column = kwargs.get("column", "")
    outcome = result.get("result") or {}
    error = result.get("exception_info", {}).get("exception_message")
    return Failure(
        table=suite,
        column=column,
        expectation=config["type"],
        failing=outcome.get("unexpected_count"),
        rows=outcome.get("element_count"),
        samples=outcome.get("partial_unexpected_list", []),
        note=f"error: {error}" if error else (config.get("meta") or {}).get("note", ""),
    )


def _samples(failure: Failure) -> str:
    return ", ".join(str(v) for v in failure.samples if v is not None)


def _count(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


RAW_NOTE = (
    "Raw failures are rows the staging layer quarantines (see marts.quarantined_rows); sample data from "
    "`leadscore generate` is dirty on purpose, so they are expected there. A failing volume check is not."
)


def print_report(report: Report, console: Console) -> None:
    from rich.table import Table as RichTable

    for layer in LAYERS:
        evaluated, failed = report.checks(layer)
        if evaluated:
            console.print(f"{layer}: {evaluated} checks, {failed} failed")
    failures = report.failures
    if not failures:
        console.print(f"All checks passed ({report.target}, score date {report.score_date}).")
        return
    table = RichTable(title=f"Failed checks ({report.target}, score date {report.score_date})", title_justify="left")
    for name in ("table", "column", "expectation", "failing", "of rows", "sample values", "note"):
        table.add_column(name, justify="right" if name in ("failing", "of rows") else "left")
    for f in failures:
        table.add_row(f.table, f.column, f.expectation, _count(f.failing), _count(f.rows), _samples(f), f.note)
    console.print(table)
    if any(f.table.startswith("raw.") for f in failures):
        console.print(RAW_NOTE)


def write_report(report: Report, output_dir: Path) -> tuple[Path, Path]:
    """results.json (the GX results, one per suite) and summary.html (self-contained) in output_dir."""
    output_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = output_dir / "results.json", output_dir / "summary.html"
    document = {
        "target": report.target,
        "score_date": report.score_date.isoformat(),
        "success": report.success,
        "suites": report.results,
    }
    json_path.write_text(json.dumps(document, indent=2, default=str))
    html_path.write_text(_html(report))
    return json_path, html_path


def _html(report: Report) -> str:
    def cell(value: object) -> str:
        return f"<td>{html.escape(str(value))}</td>"

    sections = []
    for layer in LAYERS:
        evaluated, failed = report.checks(layer)
        if evaluated:
            sections.append(f"<li>{layer}: {evaluated} checks, {failed} failed</li>")
    failures = report.failures
    rows = "".join(
        "<tr>" + "".join(cell(v) for v in (f.table, f.column, f.expectation, _count(f.failing), _count(f.rows),
                                            _samples(f), f.note)) + "</tr>"
        for f in failures
    )
    body = (
        "<table><tr><th>table</th><th>column</th><th>expectation</th><th>failing</th><th>of rows</th>"
        f"<th>sample values</th><th>note</th></tr>{rows}</table>"
        if failures else "<p class=ok>All checks passed.</p>"
    )
    note = f"<p>{html.escape(RAW_NOTE)}</p>" if any(f.table.startswith("raw.") for f in failures) else ""
    status = "passed" if report.success else "failed"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>leadscore validation: {status}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }}
th {{ background: #eee; }} .ok {{ color: #176117; }} .failed {{ color: #a11; }}
</style></head><body>
<h1 class="{'ok' if report.success else 'failed'}">leadscore validation {status}</h1>
<p>Target {html.escape(report.target)}, score date {report.score_date}. Full results: results.json.</p>
<ul>{''.join(sections)}</ul>
{body}
{note}
</body></html>
"""
