"""The `leadscore` command line."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import click

from leadscore.warehouse import QUERY_TARGETS, TARGETS


def _target_option(targets: tuple[str, ...]):
    return click.option(
        "--target", type=click.Choice(targets), default="duckdb", show_default=True,
        help="Warehouse to use (connection settings from LEADSCORE_* environment variables).",
    )


# Raw tables can be written to every target; the commands that read marts back run on DuckDB and PostgreSQL.
raw_target_option = _target_option(TARGETS)
target_option = _target_option(QUERY_TARGETS)


def _identifier(value: str) -> str:
    """A model id as the matrix allows it (it ends up in a query, so nothing else gets through)."""
    if not re.fullmatch(r"[a-z0-9_]+", value):
        raise click.BadParameter(f"{value!r} is not a model id (lower-case letters, digits, underscores)")
    return value


def _memory_size(value: str) -> str | None:
    from leadscore.bench import memory_size

    return memory_size(value)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="leadscore")
def main() -> None:
    """leadscore: warehouse-native B2B lead scoring."""


@main.command()
@click.option("--leads", "n_leads", type=click.IntRange(min=1), default=10_000, show_default=True, help="Number of leads.")
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed; the same seed gives the same data.")
@click.option(
    "--end-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
    help="Last day of generated history (default: today, UTC).",
)
@raw_target_option
def generate(n_leads: int, seed: int, end_date: dt.datetime | None, target: str) -> None:
    """Generate realistic, deterministic sample raw tables into the warehouse."""
    from leadscore.generate import iter_raw_chunks
    from leadscore.load import write_tables

    end = end_date.date() if end_date else dt.datetime.now(dt.UTC).date()
    counts = write_tables(iter_raw_chunks(n_leads=n_leads, seed=seed, end_date=end, progress=True), target)
    summary = ", ".join(f"{name} {n:,}" for name, n in counts.items())
    click.echo(f"generated raw tables ending {end} into {target}: {summary}")


@main.command()
@click.option("--from", "source_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), required=True,
              help="Folder with <table>.csv or <table>.parquet files that follow docs/raw_contract.md.")
@raw_target_option
def load(source_dir: Path, target: str) -> None:
    """Load your own raw tables from CSV or Parquet files, checked against the raw contract."""
    from leadscore.load import LoadError, load_dir, write_tables

    try:
        tables = load_dir(source_dir)
    except LoadError as err:
        raise click.ClickException(str(err)) from err
    counts = write_tables(tables.items(), target)
    summary = ", ".join(f"{name} {n:,}" for name, n in counts.items())
    click.echo(f"loaded into {target}: {summary}")


@main.command()
@click.option(
    "--model", "model_id", default="default", show_default=True,
    callback=lambda _ctx, _param, value: _identifier(value),
    help="Scoring model to show the hottest leads of.",
)
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many hot leads to list.")
@target_option
def summary(model_id: str, top: int, target: str) -> None:
    """Print leads per status, the hottest leads, one lead's score taken apart into its ledger, the MQL funnel
    and the calibration (conversion by score decile, AUC)."""
    from leadscore.summary import print_summary
    from leadscore.warehouse import connect

    with connect(target) as con:
        print_summary(con, model_id=model_id, top=top)


@main.command()
@click.option(
    "--model", "model_id", default="default", show_default=True,
    callback=lambda _ctx, _param, value: _identifier(value), help="Scoring model to report on.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("target/leadscore_report.html"),
              show_default=True, help="Where to write the HTML file.")
@target_option
def report(model_id: str, out: Path, target: str) -> None:
    """Write the review report: one self-contained HTML file (no internet needed) with the score distribution
    by status, the MQL funnel by cohort, calibration by score decile, lift per rule and SLA compliance."""
    from leadscore.report import ReportError, write_report
    from leadscore.warehouse import connect

    try:
        with connect(target) as con:
            path = write_report(con, model_id, target, out)
    except ReportError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"wrote {path}")


@main.command()
@click.option("--baseline", default="default", show_default=True,
              callback=lambda _ctx, _param, value: _identifier(value), help="The scoring model in use.")
@click.option("--candidate", default="enterprise", show_default=True,
              callback=lambda _ctx, _param, value: _identifier(value),
              help="The model to compare (add it to seeds/scoring_models.csv and its rules to seeds/scoring_rules.csv).")
@click.option(
    "--score-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
    help="As-of date of the build (default: today, UTC); use the one the warehouse is built for.",
)
@click.option("--project-dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The dbt project (with dbt_project.yml and profiles.yml).")
@click.option("--no-build", is_flag=True, help="Only print the comparison the warehouse already holds.")
@target_option
def backtest(baseline: str, candidate: str, score_date: dt.datetime | None, project_dir: Path, no_build: bool,
             target: str) -> None:
    """Rescore the monthly snapshots with the current matrix and compare two scoring models: AUC, MQLs per
    month, conversions captured, and the leads whose status would change today."""
    from leadscore.backtest import BacktestError, dbt_builds, print_backtest, run_builds
    from leadscore.warehouse import connect

    try:
        if not no_build:
            day = score_date.date() if score_date else None
            run_builds(dbt_builds(baseline, candidate, day, target), project_dir.resolve())
        with connect(target) as con:
            print_backtest(con, baseline, candidate)
    except BacktestError as err:
        raise click.ClickException(str(err)) from err


@main.command()
@click.option("--layer", type=click.Choice(["raw", "marts", "all"]), default="all", show_default=True,
              help="raw: the raw tables against the contract (sample data fails by design: it shows what staging "
                   "quarantines) and the events volume; marts: what lead_scores and the data-quality marts promise.")
@target_option
@click.option(
    "--score-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
    help="As-of date: raw rows after it fail, and its events are the volume checked (default: today, UTC).",
)
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("target/validation"),
              show_default=True, help="Where results.json (GX results) and summary.html are written.")
def validate(layer: str, target: str, score_date: dt.datetime | None, output_dir: Path) -> None:
    """Validate warehouse tables with Great Expectations; exits 1 when any check fails."""
    from rich.console import Console

    from leadscore.validate import LAYERS, ValidationError, print_report, validate_layers, write_report
    from leadscore.warehouse import connect

    day = score_date.date() if score_date else dt.datetime.now(dt.UTC).date()
    layers = LAYERS if layer == "all" else (layer,)
    try:
        with connect(target) as con:
            report = validate_layers(con, layers, day, target)
    except ValidationError as err:
        raise click.ClickException(str(err)) from err
    print_report(report, Console(width=None if Console().is_terminal else 200))
    json_path, html_path = write_report(report, output_dir)
    click.echo(f"wrote {json_path} and {html_path}")
    if not report.success:
        raise SystemExit(1)


@main.command()
@click.option("--to", "destination", required=True,
              help="The CRM API's base URL (e.g. https://api.hubapi.com; batches go to "
                   "/crm/v3/objects/contacts/batch/update), or a file ending .jsonl or .csv to import.")
@click.option("--dry-run", is_flag=True, help="Count what would be sent; send nothing, record nothing.")
@click.option("--full-resync", is_flag=True,
              help="Send every lead with a CRM record id, not only those whose properties changed.")
@click.option("--max-attempts", type=click.IntRange(min=1), default=5, show_default=True,
              help="Attempts per batch on 429, 5xx, timeouts and lost connections.")
@click.option("--backoff", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Seconds before the first retry, doubling with each retry (a 429's Retry-After wins).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0, show_default=True,
              help="Seconds to wait for the CRM's answer to one request.")
@target_option
def sync(destination: str, dry_run: bool, full_resync: bool, max_attempts: int, backoff: float, timeout: float,
         target: str) -> None:
    """Push changed lead scores (marts.crm_lead_feed) to the CRM in HubSpot's batch-update shape, 100 records
    a request, with the bearer token from LEADSCORE_CRM_TOKEN; record what the CRM acknowledged in
    crm_sync.crm_sync_state. Exits 1 when records failed (they stay pending for the next sync)."""
    from leadscore.sync import TOKEN_ENV, SyncError, report_lines, run_sync
    from leadscore.warehouse import connect

    try:
        with connect(target) as con:
            report, where = run_sync(con, target, destination, dry_run=dry_run, full_resync=full_resync,
                                     token=os.environ.get(TOKEN_ENV), timeout=timeout, max_attempts=max_attempts,
                                     backoff=backoff, progress=True)
    except SyncError as err:
        raise click.ClickException(str(err)) from err
    for line in report_lines(report, where, dry_run):
        click.echo(line)
    if report.failed:
        raise SystemExit(1)


@main.command()
@click.option("--leads", "lead_counts", type=click.IntRange(min=1), multiple=True, default=[100_000, 1_000_000],
              show_default=True, help="Lead count to measure (repeat for several).")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("/tmp/leadscore-bench"),
              show_default=True, help="Scratch folder for the DuckDB files (several GB at 1M leads) and logs.")
@click.option("--score-date", type=click.DateTime(formats=["%Y-%m-%d"]), default="2026-11-22", show_default=True,
              help="Last generated day and the as-of date of every build.")
@click.option("--duckdb-memory-limit", default="4.5GB", show_default=True,
              callback=lambda _ctx, _param, value: _memory_size(value),
              help="DuckDB memory_limit of the builds and the floor (profile target duckdb_capped); '' for DuckDB's "
                   "default. 4.5GB keeps the 1M build under 6 GB (docs/decisions.md).")
@click.option("--pandas-memory-gb", type=click.FloatRange(min=1), default=16.0, show_default=True,
              help="Address-space cap of the pandas baseline; beyond it the baseline is recorded as failed.")
@click.option("--long-history-days", type=click.IntRange(min=0), default=365, show_default=True,
              help="Also time a full build with this many days of score history, at 100,000 leads or fewer (0: skip).")
@click.option("--skip", type=click.Choice(["full_build", "daily_run"]), multiple=True,
              help="Steps not to run (repeat for several), e.g. at 1M leads to measure the others first; the floor "
                   "and pandas are then compared with the score-date-only build.")
@click.option("--keep-databases", is_flag=True,
              help="Keep the built DuckDB files in --dir (to profile a model on them, e.g. with EXPLAIN ANALYZE).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("docs/benchmarks.json"), show_default=True, help="Results, merged by lead count.")
@click.option("--markdown", "markdown_path", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("docs/benchmarks.md"), show_default=True, help="Rendered from the JSON.")
def bench(lead_counts: tuple[int, ...], folder: Path, score_date: dt.datetime, duckdb_memory_limit: str,
          pandas_memory_gb: float, long_history_days: int, skip: tuple[str, ...], keep_databases: bool,
          json_path: Path, markdown_path: Path) -> None:
    """Time the full dbt build, a score-date-only build and the daily run against the single-query floor and a
    pandas baseline, check their scores are identical, and write the figures (run from the project folder)."""
    from leadscore.bench import BenchError, run_bench

    try:
        results = run_bench(list(lead_counts), folder, score_date.date(), Path.cwd(), json_path, markdown_path,
                            duckdb_memory_limit, pandas_memory_gb, long_history_days, frozenset(skip),
                            keep_databases)
    except BenchError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"wrote {json_path} and {markdown_path}")
    if not all(r["identical"] for r in results):
        raise click.ClickException(f"scores differ; see {markdown_path}")
    for r in results:
        if r["steps"]["pandas"]["returncode"]:
            click.echo(f"{r['leads']:,} leads: the pandas baseline failed (see its cell in {markdown_path})", err=True)

if __name__ == "__main__":
    main()
