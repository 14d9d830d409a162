"""`leadscore report`: one self-contained HTML file for the marketing/sales review - score distribution by
status, the MQL funnel by cohort, calibration (conversion by score decile), lift per rule and SLA compliance.

Charts are inline SVG (leadscore.charts) and every number is also in a table under its chart. Nothing is
fetched from the network when the file is opened: no script, style sheet, font or image comes from a URL.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

from leadscore.charts import Reference, Series, bar_chart
from leadscore.warehouse import fetch

MARTS = "marts"
REPORT_MARTS = ("lead_scores", "conversion_funnel", "score_calibration", "model_auc", "rule_effectiveness",
                "sla_compliance")
STATUS_COLORS = {"disqualified": "#9e9e9e", "nurture": "#9ecae1", "mql": "#3182bd", "hot": "#e6550d"}
FUNNEL_STAGES = (("mql_leads", "MQL", "#c6dbef"), ("accepted_leads", "accepted", "#9ecae1"),
                 ("sql_leads", "SQL", "#6baed6"), ("opportunity_leads", "opportunity", "#3182bd"),
                 ("won_leads", "won", "#08519c"))
FUNNEL_COHORTS = 6
SLA_WEEKS = 12
SCORE_BINS = 16


class ReportError(Exception):
    """The warehouse cannot give the report what it reads (e.g. the marts were never built)."""


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    takeaway: str
    columns: list[str]
    rows: list[tuple[str, ...]]
    svg: str = ""  # empty: no data yet, the takeaway says why
    marks: int = 0
    legend: tuple[tuple[str, str], ...] = ()


def pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def count(value: float) -> str:
    return f"{value:,.0f}"


def times(value: float) -> str:
    return f"{value:.2f}x"


def _num(value: Decimal | float | int | None) -> float | None:
    return None if value is None else float(value)


def _shown(value: Any, fmt: Callable[[float], str] = str) -> str:
    return "n/a" if value is None else fmt(value)


def check_marts(con: Any) -> None:
    """Fail with the missing tables' names rather than a driver error halfway through."""
    names = ", ".join(f"'{name}'" for name in REPORT_MARTS)
    _, rows = fetch(con, f"""
        select table_name from information_schema.tables
        where table_schema = '{MARTS}' and table_name in ({names})
    """)
    missing = sorted(set(REPORT_MARTS) - {row[0] for row in rows})
    if missing:
        tables = ", ".join(f"{MARTS}.{name}" for name in missing)
        raise ReportError(f"{tables} not found in the warehouse: run `dbt build` first")


def score_distribution(con: Any, model_id: str) -> Chart:
    _, rows = fetch(con, f"""
        select score_status, total_score, count(*) as leads
        from {MARTS}.lead_scores where model_id = '{model_id}'
        group by score_status, total_score
    """)
    title = "Score distribution by status"
    columns = ["score range", *STATUS_COLORS]
    if not rows:
        return Chart("score_distribution", title, f"No data yet: no lead is scored by the {model_id} model.",
                     columns, [])
    low, high = min(r[1] for r in rows), max(r[1] for r in rows)
    width = max(1, math.ceil((high - low + 1) / SCORE_BINS / 5) * 5)  # round bins of 5, 10, 15 ... points
    start = math.floor(low / width) * width
    n_bins = (high - start) // width + 1
    counts = {status: [0] * n_bins for status in STATUS_COLORS}
    for status, score, leads in rows:
        counts[status][(score - start) // width] += leads
    labels = [f"{start + i * width} to {start + (i + 1) * width - 1}" for i in range(n_bins)]
    svg, marks = bar_chart(
        labels, [Series(s, counts[s], color) for s, color in STATUS_COLORS.items()],
        x_label="total score", y_label="leads", fmt=count, stacked=True,
    )
    total = sum(r[2] for r in rows)
    handed = sum(sum(counts[s]) for s in ("mql", "hot"))
    takeaway = (f"{handed:,} of {total:,} leads ({pct(handed / total)}) are mql or hot; "
                f"{sum(counts['disqualified']):,} disqualified.")
    table = [(label, *(count(counts[s][i]) for s in STATUS_COLORS)) for i, label in enumerate(labels)]
    return Chart("score_distribution", title, takeaway, columns, table, svg, marks,
                 tuple(STATUS_COLORS.items()))


def funnel(con: Any, model_id: str) -> Chart:
    sums = ", ".join(f"sum({column}) as {column}" for column, _, _ in FUNNEL_STAGES)
    _, rows = fetch(con, f"""
        select mql_cohort_month, {sums}
        from {MARTS}.conversion_funnel where model_id = '{model_id}'
        group by mql_cohort_month order by mql_cohort_month desc limit {FUNNEL_COHORTS}
    """)
    rows = [(r[0].strftime("%Y-%m"), *(int(v) for v in r[1:])) for r in reversed(rows)]
    title = f"MQL funnel by cohort (last {FUNNEL_COHORTS} months)"
    columns = ["cohort", *(label for _, label, _ in FUNNEL_STAGES), "MQL to SQL", "MQL to won"]
    if not rows:
        return Chart("funnel", title, "No data yet: no lead has reached mql in the CRM.", columns, [])
    svg, marks = bar_chart(
        [r[0] for r in rows],
        [Series(label, [r[i + 1] for r in rows], color) for i, (_, label, color) in enumerate(FUNNEL_STAGES)],
        x_label="MQL cohort month", y_label="leads", fmt=count,
    )
    mqls, sqls, won = (sum(r[i] for r in rows) for i in (1, 3, 5))
    takeaway = (f"Of {mqls:,} MQLs from {rows[0][0]} to {rows[-1][0]}, {pct(sqls / mqls)} reached SQL and "
                f"{pct(won / mqls)} were won (the latest cohorts are still moving through).")
    table = [(r[0], *(count(v) for v in r[1:]), pct(r[3] / r[1]), pct(r[5] / r[1])) for r in rows]
    return Chart("funnel", title, takeaway, columns, table, svg, marks,
                 tuple((label, color) for _, label, color in FUNNEL_STAGES))


def calibration(con: Any, model_id: str) -> Chart:
    _, rows = fetch(con, f"""
        select bucket, min_score, max_score, lead_snapshots, conversions, conversion_rate, base_conversion_rate,
               lift
        from {MARTS}.score_calibration where model_id = '{model_id}' and breakdown = 'score_decile'
        order by bucket_order
    """)
    _, aucs = fetch(con, f"select auc, window_days from {MARTS}.model_auc where model_id = '{model_id}'")
    title = "Calibration: conversion by score decile"
    columns = ["decile", "scores", "lead-snapshots", "converted", "conversion", "lift"]
    if not rows:
        return Chart("calibration", title, "No data yet: no monthly snapshot's follow-up window has ended by the "
                     "score date.", columns, [])
    rates = [_num(r[5]) for r in rows]
    base = float(rows[0][6])
    window = f" within {aucs[0][1]} days" if aucs else ""
    svg, marks = bar_chart(
        [r[0] for r in rows], [Series("conversion rate", rates, "#3182bd")],
        x_label="score decile (10 = highest scores)", y_label=f"converted to SQL{window}", fmt=pct,
        reference=Reference(base, f"average {pct(base)}"),
    )
    top = rows[-1]
    auc = f"; AUC {float(aucs[0][0]):.3f} (0.5 = chance)" if aucs and aucs[0][0] is not None else ""
    takeaway = (f"The top decile converts {_shown(_num(top[7]), lambda v: f'{v:.1f}x')} the average "
                f"({pct(float(top[5]))} vs {pct(base)}){auc}.")
    table = [(r[0], f"{r[1]} to {r[2]}", count(r[3]), count(r[4]), pct(float(r[5])), _shown(_num(r[7]), times))
             for r in rows]
    return Chart("calibration", title, takeaway, columns, table, svg, marks)


def rule_effectiveness(con: Any, model_id: str) -> Chart:
    _, rows = fetch(con, f"""
        select rule_id, component, points, fired_lead_snapshots, fired_conversion_rate, lift, log_odds_ratio,
               suggested_points, has_signal, is_inverted
        from {MARTS}.rule_effectiveness where model_id = '{model_id}'
        order by lift desc nulls last, rule_id
    """)
    title = "Rule effectiveness: lift when the rule fired"
    columns = ["rule", "component", "points", "fired on", "conversion when fired", "lift", "suggested points",
               "verdict"]
    measured = [r for r in rows if r[5] is not None]
    if not measured:
        return Chart("rule_effectiveness", title, "No data yet: no rule has fired on a measured snapshot.",
                     columns, [])

    def verdict(row: tuple) -> str:
        return "inverted" if row[9] else "signal" if row[8] else "no clear signal"

    colors = {"signal": "#31a354", "inverted": "#de2d26", "no clear signal": "#bdbdbd"}
    svg, marks = bar_chart(
        [r[0] for r in measured],
        [Series(name, [float(r[5]) if verdict(r) == name else None for r in measured], color)
         for name, color in colors.items()],
        x_label="rule", y_label="conversion when fired / average", fmt=times, stacked=True,
        reference=Reference(1.0, "average"),
    )
    signal = [r[0] for r in measured if verdict(r) == "signal"]
    inverted = [r[0] for r in measured if verdict(r) == "inverted"]
    takeaway = f"{len(signal)} of {len(rows)} rules carry signal"
    takeaway += f" (strongest: {measured[0][0]}, {float(measured[0][5]):.1f}x)" if measured[0][0] in signal else ""
    takeaway += f"; inverted: {', '.join(inverted)}." if inverted else "; none is inverted."
    table = [(r[0], r[1], f"{float(r[2]):g}", count(r[3]), _shown(_num(r[4]), pct), _shown(_num(r[5]), times),
              _shown(r[7]), verdict(r) if r[5] is not None else "never fired") for r in rows]
    return Chart("rule_effectiveness", title, takeaway, columns, table, svg, marks, tuple(colors.items()))


def sla(con: Any, model_id: str) -> Chart:
    _, rows = fetch(con, f"""
        select entered_week, score_status, sum(leads), sum(within_sla_leads), sum(breached_leads),
               sum(pending_leads)
        from {MARTS}.sla_compliance
        where model_id = '{model_id}' and entered_week in (
            select distinct entered_week from {MARTS}.sla_compliance where model_id = '{model_id}'
            order by entered_week desc limit {SLA_WEEKS}
        )
        group by entered_week, score_status
        order by entered_week, score_status
    """)
    title = f"Speed to lead: share touched within the SLA (last {SLA_WEEKS} weeks)"
    columns = ["week", "status", "leads", "within", "breached", "pending", "share within"]
    if not rows:
        return Chart("sla", title, "No data yet: no lead has entered mql or hot.", columns, [])
    weeks = sorted({r[0] for r in rows})
    statuses = [s for s in ("mql", "hot") if any(r[1] == s for r in rows)]
    by_key = {(r[0], r[1]): [int(v) for v in r[2:]] for r in rows}

    def share(within: int, breached: int) -> float | None:
        return within / (within + breached) if within + breached else None

    svg, marks = bar_chart(
        [w.isoformat() for w in weeks],
        [Series(s, [share(*by_key[w, s][1:3]) if (w, s) in by_key else None for w in weeks], STATUS_COLORS[s])
         for s in statuses],
        x_label="week the leads entered the status (Monday)", y_label="touched within SLA", fmt=pct,
    )
    parts = []
    for s in statuses:
        within, breached = (sum(v[i] for (_, st), v in by_key.items() if st == s) for i in (1, 2))
        parts.append(f"{s} {_shown(share(within, breached), pct)} within SLA ({breached:,} breached)")
    takeaway = f"Over the last {len(weeks)} weeks: " + "; ".join(parts) + "."
    table = [(r[0].isoformat(), r[1], *(count(v) for v in by_key[r[0], r[1]]),
              _shown(share(*by_key[r[0], r[1]][1:3]), pct)) for r in rows]
    return Chart("sla", title, takeaway, columns, table, svg, marks,
                 tuple((s, STATUS_COLORS[s]) for s in statuses))


CHARTS = (score_distribution, funnel, calibration, rule_effectiveness, sla)


def header(con: Any, model_id: str) -> tuple[dt.date | None, list[tuple[str, int]]]:
    """The score date and the leads per status of the model."""
    _, rows = fetch(con, f"""
        select score_status, max(score_date), count(*) from {MARTS}.lead_scores
        where model_id = '{model_id}' group by score_status
    """)
    order = list(STATUS_COLORS)
    counts = sorted(((r[0], int(r[2])) for r in rows), key=lambda sc: order.index(sc[0]) if sc[0] in order else 9)
    return (max(r[1] for r in rows) if rows else None), counts


# Marks each figure data-rendered="true" when its SVG has a size and draws the expected number of bars,
# each with a size (a zero bar is flat, so only its width counts).
RENDER_CHECK = """
for (const figure of document.querySelectorAll('figure[data-chart]')) {
  const svg = figure.querySelector('svg');
  if (!svg) { figure.dataset.rendered = 'no data'; continue; }
  const box = svg.getBoundingClientRect();
  const drawn = [...svg.querySelectorAll('.mark')].filter((mark) => {
    const b = mark.getBBox();
    return b.width > 0 && (b.height > 0 || Number(mark.dataset.value) === 0);
  });
  figure.dataset.drawnMarks = String(drawn.length);
  figure.dataset.rendered = String(box.width > 0 && box.height > 0 && drawn.length === Number(figure.dataset.marks));
}
"""

STYLE = """
body { font-family: sans-serif; margin: 24px auto; max-width: 920px; color: #222; }
header p { margin: 4px 0; }
figure { margin: 32px 0; padding-top: 8px; border-top: 1px solid #ddd; }
figcaption h2 { font-size: 18px; margin: 0 0 4px; }
.takeaway { font-weight: bold; margin: 0 0 8px; }
.no-data { padding: 24px; background: #fff8e1; border: 1px dashed #e0b000; }
.legend { list-style: none; padding: 0; margin: 4px 0; }
.legend li { display: inline-block; margin-right: 16px; }
.legend span { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: middle; }
table { border-collapse: collapse; font-size: 12px; margin-top: 8px; }
th, td { border: 1px solid #ddd; padding: 2px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
details { margin-top: 6px; }
"""


def _figure(chart: Chart) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in chart.columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in chart.rows)
    legend = "".join(f'<li><span style="background:{color}"></span>{escape(name)}</li>' for name, color in chart.legend)
    drawing = (f'{chart.svg}<ul class="legend">{legend}</ul>' if chart.svg
               else f'<p class="no-data">{escape(chart.takeaway)}</p>')
    table = (f"<details open><summary>The numbers</summary><table><thead><tr>{head}</tr></thead>"
             f"<tbody>{body}</tbody></table></details>" if chart.rows else "")
    return (f'<figure data-chart="{chart.key}" data-marks="{chart.marks}" data-empty="{str(not chart.svg).lower()}">'
            f'<figcaption><h2>{escape(chart.title)}</h2><p class="takeaway">{escape(chart.takeaway)}</p>'
            f"</figcaption>{drawing}{table}</figure>")


def render_report(con: Any, model_id: str, target: str) -> str:
    check_marts(con)
    score_date, statuses = header(con, model_id)
    _, models = fetch(con, f"select distinct model_id from {MARTS}.lead_scores order by model_id")
    if not statuses and models:
        known = ", ".join(row[0] for row in models)
        raise ReportError(f"no lead in {MARTS}.lead_scores has model_id {model_id!r}; scored models: {known}")
    leads = sum(n for _, n in statuses)
    by_status = ", ".join(f"{status} {n:,}" for status, n in statuses) or "none"
    figures = "".join(_figure(chart(con, model_id)) for chart in CHARTS)
    title = f"leadscore review: {model_id} model, {score_date or 'not scored yet'}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title><style>{STYLE}</style></head>
<body><header><h1>{escape(title)}</h1>
<p>Scoring model <strong>{escape(model_id)}</strong>, score date <strong>{score_date or "n/a"}</strong>,
warehouse {escape(target)}.</p>
<p><strong>{leads:,}</strong> leads scored: {escape(by_status)}.</p></header>
{figures}
<script>{RENDER_CHECK}</script></body></html>
"""


def write_report(con: Any, model_id: str, target: str, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(con, model_id, target), encoding="utf-8")
    return out
