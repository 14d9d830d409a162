"""`leadscore backtest`: rescore the calibration snapshots with the matrix as it is now, then print how a
candidate scoring model compares with the baseline over the same snapshots and leads."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from leadscore.summary import _table
from leadscore.warehouse import duckdb_path, fetch

MARTS = "marts"
# The snapshots are scored once and kept, so they are rebuilt (full refresh) with the current matrix; the
# second build scores the score date with it and rebuilds every report. Only these two models and what
# they are built from are refreshed: a full refresh of lead_score_history would throw away its stored days.
SNAPSHOT_MODELS = ("lead_score_snapshots", "lead_rule_snapshots")


class BacktestError(Exception):
    """A build failed, or the warehouse holds another comparison than the one asked for."""


def dbt_builds(baseline: str, candidate: str, score_date: dt.date | None, target: str) -> list[list[str]]:
    """The two dbt commands a backtest runs, in order."""
    variables = {"backtest_baseline": baseline, "backtest_candidate": candidate}
    if score_date:
        variables["score_date"] = score_date.isoformat()
    dbt = str(Path(sys.executable).parent / "dbt")
    common = ["--target", target, "--vars", json.dumps(variables)]
    snapshots = [f"+{model}" for model in SNAPSHOT_MODELS]
    # cautious: a test that also reads a model outside the selection (lead_scores) waits for the second build.
    rescore = [dbt, "build", "--full-refresh", "--select", *snapshots, "--indirect-selection", "cautious", *common]
    return [rescore, [dbt, "build", *common]]


def run_builds(commands: list[list[str]], project_dir: Path) -> None:
    """Run the builds with the environment the Makefile sets, streaming dbt's output; stop at the first failure."""
    env = {**os.environ, "DBT_PROFILES_DIR": str(project_dir), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
           # dbt runs in project_dir: a relative DuckDB path must name the file this process reads afterwards.
           "LEADSCORE_DUCKDB_PATH": str(duckdb_path().resolve())}
    for command in commands:
        if subprocess.run(command, cwd=project_dir, env=env).returncode != 0:
            raise BacktestError(f"dbt failed: {' '.join(command[1:])}")


def print_backtest(con: Any, baseline: str, candidate: str, console: Console | None = None) -> None:
    """The comparison the marts hold: overall measures, month by month, and today's status changes. The model
    ids go into queries: pass identifiers only (the CLI checks them)."""
    console = console or Console(width=None if Console().is_terminal else 160)
    _, built = fetch(con, f"select distinct baseline_model_id, candidate_model_id from {MARTS}.model_backtest")
    if built and built != [(baseline, candidate)]:
        raise BacktestError(
            f"model_backtest compares {built[0][0]} with {built[0][1]}, not {baseline} with {candidate}: "
            "run leadscore backtest without --no-build"
        )
    console.print(_table(f"Backtest: {baseline} (baseline) vs {candidate} (candidate)",
                         ["measure", baseline, candidate], _overall(con, baseline, candidate)))

    _, rows = fetch(con, f"""
        select snapshot_date, baseline_mql_leads, candidate_mql_leads, baseline_new_mql_leads,
               candidate_new_mql_leads, conversions, baseline_captured_conversions,
               candidate_captured_conversions, baseline_auc, candidate_auc
        from {MARTS}.model_backtest order by snapshot_date
    """)
    columns = ["snapshot", *(f"{label} {m}" for label in ("mql+hot", "new") for m in (baseline, candidate)),
               "conversions", *(f"{label} {m}" for label in ("captured", "AUC") for m in (baseline, candidate))]
    console.print(_table("Per snapshot: leads at mql or hot, new since the last snapshot, conversions in the "
                         "window, those each model had at mql or hot (captured), AUC", columns, rows))

    _, rows = fetch(con, f"""
        select baseline_status, candidate_status, leads
        from {MARTS}.model_backtest_status_changes
        where is_status_changed
        order by leads desc, baseline_status, candidate_status
    """)
    console.print(_table(f"Leads whose status changes today ({baseline} -> {candidate})",
                         [baseline, candidate, "leads"], rows))


def _overall(con: Any, baseline: str, candidate: str) -> list[tuple]:
    _, rows = fetch(con, f"""
        select auc.model_id, auc.auc, auc.lead_snapshots, auc.conversions, auc.snapshots, top.lift, top.conversion_rate
        from {MARTS}.model_auc as auc
        left join {MARTS}.score_calibration as top
            on auc.model_id = top.model_id and top.breakdown = 'score_decile' and top.bucket = '10'
        where auc.model_id in ('{baseline}', '{candidate}')
    """)
    measured = {row[0]: row[1:] for row in rows}
    _, rows = fetch(con, f"""
        select model_id, count(case when score_status in ('mql', 'hot') then 1 end), count(*)
        from {MARTS}.lead_scores where model_id in ('{baseline}', '{candidate}') group by model_id
    """)
    today = {row[0]: row[1:] for row in rows}
    _, rows = fetch(con, f"""
        select sum(baseline_captured_conversions), sum(candidate_captured_conversions), sum(conversions),
               sum(baseline_mql_leads), sum(candidate_mql_leads), count(*)
        from {MARTS}.model_backtest
        where conversions is not null
    """)
    base_captured, cand_captured, conversions, base_mqls, cand_mqls, months = rows[0]
    missing = [m for m in (baseline, candidate) if m not in measured]
    if missing:
        raise BacktestError(f"no calibration for {', '.join(missing)} in {MARTS}.model_auc: run the build first")
    b, c = measured[baseline], measured[candidate]
    return [
        ("AUC (0.5 = chance)", b[0], c[0]),
        ("top decile: conversion rate / lift over base rate", f"{b[5]} / {b[4]}x", f"{c[5]} / {c[4]}x"),
        (f"conversions within the window at mql or hot ({conversions} over {months} snapshots)",
         base_captured, cand_captured),
        ("leads at mql or hot at those snapshots (sales workload)", base_mqls, cand_mqls),
        ("leads at mql or hot today", *(f"{today[m][0]} of {today[m][1]}" for m in (baseline, candidate))),
        ("at-risk lead-snapshots / conversions measured", f"{b[1]} / {b[2]}", f"{c[1]} / {c[2]}"),
    ]
