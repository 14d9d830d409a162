"""The readable summary `make demo` ends with: status counts, the hottest leads, one lead's
score taken apart into its ledger rows so a reader can add the points up by hand, the MQL funnel, and
the calibration of the score against later conversion."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from leadscore.warehouse import fetch

MARTS = "marts"


def _table(title: str, columns: list[str], rows: list[tuple]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    return table


def print_summary(con: Any, model_id: str = "default", top: int = 10, console: Console | None = None) -> None:
    # Wide enough for the reasons when piped (make demo), the terminal's width otherwise.
    console = console or Console(width=None if Console().is_terminal else 160)
    columns, rows = fetch(con, f"""
        select model_id, score_status, count(*) as leads, round(avg(total_score), 1) as avg_score
        from {MARTS}.lead_scores group by model_id, score_status order by model_id, min(total_score) desc
    """)
    console.print(_table("Leads per status and scoring model", columns, rows))

    columns, rows = fetch(con, f"""
        select lead_id, total_score as score, behavioral_points as engagement, firmographic_points as fit,
               negative_points as negative, score_label as label, score_status as status, top_reason_1
        from {MARTS}.lead_scores
        where model_id = '{model_id}'
        order by total_score desc, last_activity_at desc, lead_id
        limit {int(top)}
    """)
    console.print(_table(f"The {top} hottest leads ({model_id} model)", columns, rows))
    if not rows:
        return

    lead_id = rows[0][0]
    columns, ledger = fetch(con, f"""
        select rule_id, component, occurrences, exact_points, points, reason_text
        from {MARTS}.lead_score_explanations
        where model_id = '{model_id}' and lead_id = '{lead_id}'
        order by reason_rank
    """)
    console.print(_table(
        f"Why {lead_id} scores {rows[0][1]}: its ledger rows",
        columns, [(r[0], r[1], r[2], f"{r[3]:.2f}", r[4], r[5]) for r in ledger],
    ))
    sums = {c: sum(r[3] for r in ledger if r[1] == c) for c in ("behavioral", "firmographic", "negative")}
    console.print(
        "By hand: engagement = sum of behavioral exact_points "
        f"{sums['behavioral']:.2f}, fit = {sums['firmographic']:.2f}, negative = {sums['negative']:.2f}; "
        "each is capped by the model's group caps (seeds/scoring_models.csv) and rounded, "
        f"then added: {rows[0][2]} + {rows[0][3]} + {rows[0][4]} = {rows[0][1]}."
    )

    columns, rows = fetch(con, f"""
        select source_table, raw_rows, quarantined_rows, staged_rows, used_rows, is_reconciled
        from {MARTS}.reconciliation order by source_table
    """)
    console.print(_table("Rows in = quarantined + staged (marts.quarantined_rows says why)", columns, rows))
    print_funnel(con, console, model_id)
    print_calibration(con, console, model_id)


def print_funnel(con: Any, console: Console, model_id: str, cohorts: int = 6) -> None:
    """The latest MQL cohorts through the funnel, all sources, grades and bands together."""
    columns, rows = fetch(con, f"""
        select mql_cohort_month as cohort, sum(mql_leads) as mqls, sum(accepted_leads) as accepted,
               sum(sql_leads) as sqls, sum(opportunity_leads) as opps, sum(won_leads) as won,
               round(100.0 * sum(sql_leads) / sum(mql_leads), 1) as mql_to_sql_pct,
               round(100.0 * sum(won_leads) / sum(mql_leads), 1) as mql_to_won_pct,
               sum(pipeline_amount) as pipeline, sum(won_amount) as won_amount
        from {MARTS}.conversion_funnel
        where model_id = '{model_id}'
        group by mql_cohort_month
        order by mql_cohort_month desc
        limit {int(cohorts)}
    """)
    money = {columns.index("pipeline"), columns.index("won_amount")}
    shown = [tuple(f"{v:,.0f}" if i in money else v for i, v in enumerate(row)) for row in reversed(rows)]
    console.print(_table(f"MQL funnel, last {cohorts} cohorts ({model_id} model, all sources)", columns, shown))


def print_calibration(con: Any, console: Console, model_id: str) -> None:
    """Conversion within the follow-up window by score decile of the monthly snapshots, and the model's AUC."""
    _, aucs = fetch(con, f"""
        select auc, lead_snapshots, conversions, snapshots, window_days
        from {MARTS}.model_auc where model_id = '{model_id}'
    """)
    columns, rows = fetch(con, f"""
        select bucket as decile, min_score, max_score, lead_snapshots, conversions,
               round(100 * conversion_rate, 1) as conversion_pct, lift
        from {MARTS}.score_calibration
        where model_id = '{model_id}' and breakdown = 'score_decile'
        order by bucket_order desc
    """)
    if not aucs:
        console.print(f"No calibration for the {model_id} model yet: no snapshot's follow-up window has ended.")
        return
    auc, lead_snapshots, conversions, snapshots, window_days = aucs[0]
    console.print(_table(
        f"Calibration ({model_id} model): conversion to SQL within {window_days} days of {snapshots} monthly "
        f"snapshots, by score decile (10 = highest); AUC {auc} over {lead_snapshots} at-risk lead-snapshots, "
        f"{conversions} converted",
        columns, rows,
    ))
