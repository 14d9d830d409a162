"""`leadscore bench`: the dbt build against the single-query floor and a pandas baseline.

Per lead count: generate the raw tables; the full `dbt build`; a build of the score date only (the
like-for-like of the floor); the daily run (the last day's events held back, a build as of the day
before, the events put back, the build as of the score date); the floor query and the pandas baseline,
each in its own process. Every step runs under /usr/bin/time -v (wall time, peak RSS), and the
default model's scores of the three are compared lead by lead. Results go to a JSON file that
docs/benchmarks.md is rendered from, so figures and the machine they ran on always match.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from importlib import resources
from importlib.metadata import version
from pathlib import Path

import click
import duckdb
import pandas as pd

from leadscore.dayshift import hold_back_events, release_events

BIN = Path(sys.executable).parent
SCORE_COLUMNS = ["behavioral_points", "firmographic_points", "negative_points", "total_score", "fit_grade",
                 "engagement_tier", "threshold_status", "is_disqualified"]
MODEL = "default"
# The build the floor is like for like with: the seeds and models lead_scores is built from, the score
# date's history row (plus its anchor day), no monthly snapshots, no tests.
SCORE_DATE_ONLY = (["build", "--select", "+lead_scores", "--resource-type", "model", "--resource-type", "seed"],
                   {"history_initial_days": 1, "calibration_months": 0})
# The target: a year of daily score history builds within the CI budget at 100k leads; larger
# samples skip this build.
LONG_HISTORY_MAX_LEADS = 100_000


@dataclass(frozen=True)
class Measured:
    """One step run under /usr/bin/time -v."""

    seconds: float
    peak_rss_mb: float
    returncode: int

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class BenchError(Exception):
    """A step that must succeed did not."""


def measure(cmd: list[str], env: dict[str, str], log: Path, memory_limit_bytes: int | None = None) -> Measured:
    """Run `cmd` under /usr/bin/time -v, its output to `log`; wall seconds and peak RSS of the process."""
    stats = log.with_suffix(".time")

    def limit() -> None:  # an address-space cap, so a runaway baseline fails instead of starving the machine
        if memory_limit_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit_bytes, memory_limit_bytes))

    with log.open("w") as out:
        done = subprocess.run(["/usr/bin/time", "-v", "-o", str(stats), *cmd], env=env, stdout=out,
                              stderr=subprocess.STDOUT, preexec_fn=limit if memory_limit_bytes else None)
    text = stats.read_text()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if not wall or not rss:
        raise BenchError(f"{' '.join(cmd)}: no timing in {stats}:\n{text[-2000:]}")
    seconds = sum(float(part) * 60 ** i for i, part in enumerate(reversed(wall.group(1).split(":"))))
    return Measured(round(seconds, 2), round(int(rss.group(1)) / 1024, 1), done.returncode)


def memory_size(value: str | None) -> str | None:
    """A DuckDB memory size such as 5GB (it ends up in a SET statement, so nothing else gets through)."""
    if value and not re.fullmatch(r"\d+(\.\d+)?[KMGT]i?B", value):
        raise click.BadParameter(f"{value!r} is not a memory size such as 512MB or 5GB")
    return value or None


def floor_sql() -> str:
    return resources.files("leadscore").joinpath("sql/floor_score.sql").read_text()


def floor_scores(con: duckdb.DuckDBPyConnection, score_date: dt.date) -> pd.DataFrame:
    """The default model's scores as of `score_date` by the one hand-written query over the raw tables."""
    # As in profiles.yml: DuckDB 1.5.6 may keep a wrong row of `row_number() ... = 1` with this optimizer.
    con.execute("set disabled_optimizers = 'top_n_window_elimination'")
    con.execute(f"set variable score_date = date '{score_date.isoformat()}'")
    return con.execute(floor_sql()).df()


def pandas_scores(db_path: Path, score_date: dt.date) -> pd.DataFrame:
    from leadscore.pandas_baseline import scores_from_raw

    return scores_from_raw(db_path, score_date, model_ids=[MODEL])


def dbt_scores(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(f"select lead_id, {', '.join(SCORE_COLUMNS)} from marts.lead_scores where model_id = ?",
                       [MODEL]).df()


def differences(expected: pd.DataFrame, actual: pd.DataFrame) -> dict[str, int]:
    """Leads missing on either side, and per score column the leads whose value differs."""
    merged = expected.merge(actual, on="lead_id", how="outer", suffixes=("_expected", "_actual"), indicator=True)
    both = merged[merged._merge == "both"]
    found = {"leads_compared": len(both), "only_expected": int((merged._merge == "left_only").sum()),
             "only_actual": int((merged._merge == "right_only").sum())}
    for column in SCORE_COLUMNS:
        left, right = both[f"{column}_expected"].astype(str), both[f"{column}_actual"].astype(str)
        found[column] = int((left != right).sum())
    return found


def is_identical(found: dict[str, int]) -> bool:
    return all(n == 0 for key, n in found.items() if key != "leads_compared") and found["leads_compared"] > 0


@click.command("score", hidden=True)
@click.argument("method", type=click.Choice(["floor", "pandas"]))
@click.argument("db_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("score_date", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--memory-limit", default=None, callback=lambda _ctx, _param, value: memory_size(value),
              help="DuckDB memory_limit for the floor query.")
def score_step(method: str, db_path: Path, score_date: dt.datetime, out: Path, memory_limit: str | None) -> None:
    """One scoring method in its own process (so its peak memory is its own); writes the scores to OUT."""
    day = score_date.date()
    start = time.perf_counter()
    if method == "floor":
        with duckdb.connect(str(db_path), read_only=True) as con:
            if memory_limit:
                con.execute(f"set memory_limit = '{memory_limit}'")
            scores = floor_scores(con, day)
    else:
        scores = pandas_scores(db_path, day)
    seconds = time.perf_counter() - start
    scores[["lead_id", *SCORE_COLUMNS]].to_parquet(out)
    click.echo(json.dumps({"method": method, "seconds": round(seconds, 2), "leads": len(scores)}))


def machine() -> dict[str, str | int | float]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return {
        "nproc": os.cpu_count() or 0, "ram_gb": round(mem_kb / 1024 ** 2, 1), "cpu": cpu,
        "load_average_1m": os.getloadavg()[0], "python": platform.python_version(),
        **{name: version(name) for name in ("duckdb", "dbt-core", "dbt-duckdb", "pandas")},
    }


@dataclass
class SizeRun:
    """The steps of one lead count, each in its own DuckDB file under `folder`."""

    leads: int
    folder: Path
    score_date: dt.date
    project_dir: Path
    duckdb_memory_limit: str
    pandas_memory_bytes: int
    long_history_days: int
    skipped: frozenset[str] = frozenset()
    keep_databases: bool = False

    def env(self, db: Path, step: str) -> dict[str, str]:
        return {**os.environ, "LEADSCORE_DUCKDB_PATH": str(db), "LEADSCORE_DUCKDB_MEMORY_LIMIT": self.duckdb_memory_limit,
                "LEADSCORE_TARGET": "duckdb_capped" if self.duckdb_memory_limit else "duckdb",
                "DBT_PROFILES_DIR": str(self.project_dir), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                "DBT_TARGET_PATH": str(self.folder / f"target-{step}"), "DBT_LOG_PATH": str(self.folder / "logs")}

    def step(self, name: str, cmd: list[str], db: Path, required: bool = True,
             memory_limit_bytes: int | None = None) -> Measured:
        click.echo(f"  {self.leads:,} leads: {name} ...", nl=False)
        result = measure(cmd, self.env(db, name), self.folder / f"{name}.log", memory_limit_bytes)
        click.echo(f" {result.seconds:.1f} s, {result.peak_rss_mb:,.0f} MB" + ("" if result.ok else " FAILED"))
        if required and not result.ok:
            raise BenchError(f"{name} failed (exit {result.returncode}); see {self.folder / (name + '.log')}")
        return result

    def dbt(self, name: str, db: Path, day: dt.date, args: list[str] | None = None,
            extra_vars: dict[str, int] | None = None, required: bool = True) -> Measured:
        variables = json.dumps({"score_date": day.isoformat(), **(extra_vars or {})})
        cmd = [str(BIN / "dbt"), *(args or ["build"]), "--project-dir", str(self.project_dir), "--vars", variables]
        return self.step(name, cmd, db, required)

    def slowest_models(self, step: str, top: int = 8) -> list[dict[str, str | float]]:
        results = json.loads((self.folder / f"target-{step}" / "run_results.json").read_text())["results"]
        ranked = sorted(results, key=lambda r: r["execution_time"], reverse=True)[:top]
        return [{"node": r["unique_id"].split(".", 2)[-1], "seconds": round(r["execution_time"], 2)} for r in ranked]

    def copy_of(self, raw: Path, name: str) -> Path:
        path = self.folder / f"{name}.duckdb"
        Path(f"{path}.wal").unlink(missing_ok=True)  # an interrupted run's log would be replayed into the copy
        shutil.copy(raw, path)
        return path

    def scores_of(self, db: Path) -> pd.DataFrame:
        """The default model's scores of a built file, which is then removed (unless --keep-databases)."""
        with duckdb.connect(str(db), read_only=True) as con:
            frame = dbt_scores(con)
        if not self.keep_databases:
            db.unlink()
        return frame

    def score(self, method: str, db: Path, memory_limit_bytes: int | None = None) -> tuple[Measured, pd.DataFrame | None]:
        out = self.folder / f"{method}.parquet"
        out.unlink(missing_ok=True)
        cmd = [str(BIN / "python"), "-m", "leadscore.bench", method, str(db), self.score_date.isoformat(), str(out)]
        if self.duckdb_memory_limit:
            cmd += ["--memory-limit", self.duckdb_memory_limit]
        result = self.step(method, cmd, db, required=method == "floor", memory_limit_bytes=memory_limit_bytes)
        return result, pd.read_parquet(out) if result.ok else None

    def run(self) -> dict:
        started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        machine_info = machine()
        self.folder.mkdir(parents=True, exist_ok=True)
        raw = self.folder / "generated.duckdb"
        raw.unlink(missing_ok=True)
        generate = self.step("generate", [str(BIN / "leadscore"), "generate", "--leads", str(self.leads), "--seed", "42",
                                          "--end-date", self.score_date.isoformat()], raw)
        with duckdb.connect(str(raw), read_only=True) as con:
            [(events,)] = con.execute("select count(*) from raw.events").fetchall()

        steps = {"generate": generate}
        # Each built file's scores are read as soon as it is built, and the file removed: at 1M leads a full
        # build is over 30 GB, and the daily run's build would not fit next to it.
        scores = {}  # step -> the default model's scores of the file it built
        if "full_build" not in self.skipped:
            # A full build that fails (at 1M leads it can run out of disk while spilling) is recorded in its cell.
            full_db = self.copy_of(raw, "full")
            steps["full_build"] = self.dbt("full_build", full_db, self.score_date, required=False)
            if steps["full_build"].ok:
                scores["full_build"] = self.scores_of(full_db)
            else:
                full_db.unlink()
                shutil.rmtree(f"{full_db}.tmp", ignore_errors=True)  # DuckDB's spill files
        full_build_ok = "full_build" in scores
        # The floor and pandas read the lookup seeds from the warehouse: they run on this small built file.
        scoped_db = self.copy_of(raw, "score_date_only")
        args, extra = SCORE_DATE_ONLY
        steps["score_date_only"] = self.dbt("score_date_only", scoped_db, self.score_date, args, extra)
        if self.long_history_days and self.leads <= LONG_HISTORY_MAX_LEADS:
            history_db = self.copy_of(raw, "long_history")
            steps["long_history"] = self.dbt("long_history", history_db, self.score_date,
                                             extra_vars={"history_initial_days": self.long_history_days})
            history_db.unlink()

        held_back = None
        # The daily run starts from a full build of the day before, which fails where the full build did.
        if "daily_run" not in self.skipped and (full_build_ok or "full_build" in self.skipped):
            daily_db = self.copy_of(raw, "daily")
            with duckdb.connect(str(daily_db)) as con:
                held_back = hold_back_events(con, self.score_date)
            steps["build_day_before"] = self.dbt("build_day_before", daily_db, self.score_date - dt.timedelta(days=1))
            with duckdb.connect(str(daily_db)) as con:
                release_events(con)
            steps["daily_run"] = self.dbt("daily_run", daily_db, self.score_date)
            steps["rerun"] = self.dbt("rerun", daily_db, self.score_date)  # the same build again, nothing new
            scores["daily_run"] = self.scores_of(daily_db)

        steps["floor"], floor_frame = self.score("floor", scoped_db)
        steps["pandas"], pandas_frame = self.score("pandas", scoped_db, self.pandas_memory_bytes)
        scores["score_date_only"] = self.scores_of(scoped_db)
        reference = "full_build" if full_build_ok else "score_date_only"
        checks = {"floor_vs_dbt": differences(scores[reference], floor_frame)}
        if "daily_run" in scores:
            checks[f"daily_run_vs_{reference}"] = differences(scores[reference], scores["daily_run"])
        if pandas_frame is not None:
            checks["pandas_vs_dbt"] = differences(scores[reference], pandas_frame)
        return {
            "leads": self.leads, "events": int(events), "score_date": self.score_date.isoformat(),
            "run_at": started, "machine": machine_info,
            "duckdb_memory_limit": self.duckdb_memory_limit,
            "pandas_memory_cap_gb": round(self.pandas_memory_bytes / 1024 ** 3, 1),
            "long_history_days": self.long_history_days if "long_history" in steps else None,
            "steps": {name: asdict(m) for name, m in steps.items()},
            "held_back_events": held_back,
            "compared_build": reference,
            "slowest_nodes": {step: self.slowest_models(step)
                              for step in ("full_build", "score_date_only", "daily_run", "rerun")
                              if step in steps and (self.folder / f"target-{step}" / "run_results.json").exists()},
            "checks": checks,
            # What ran agrees; a baseline that failed (pandas past its memory cap) shows in its own cell.
            "identical": all(is_identical(found) for found in checks.values()),
        }


def _seconds(step: dict | None) -> float | None:
    """A step's wall time, or None when it did not run or failed."""
    return step["seconds"] if step and not step["returncode"] else None


def _ratio(numerator: dict | None, denominator: dict | None) -> str:
    top, bottom = _seconds(numerator), _seconds(denominator)
    return f"{top / bottom:.3g}x" if top is not None and bottom else "n/a"


def _cell(step: dict | None) -> str:
    if step is None:
        return "-"
    if step["returncode"]:
        return f"failed (exit {step['returncode']}) at {step['peak_rss_mb'] / 1024:.1f} GB"
    return f"{step['seconds']:.1f} s / {step['peak_rss_mb'] / 1024:.2f} GB"


def targets(result: dict) -> list[tuple[str, str, bool | None]]:
    """The issue's targets for this run: (target, measured, met); met is None when it cannot be judged."""
    s = result["steps"]
    full, floor, baseline, daily = (_seconds(s.get(name)) for name in ("full_build", "floor", "pandas", "daily_run"))
    if full is None:
        return [("full build targets", "full build failed" if "full_build" in s else "full build not run", None)]
    return [
        ("full build <= 1.5x the floor", _ratio(s["full_build"], s["floor"]), full <= 1.5 * floor),
        ("full build >= 20x faster than pandas", _ratio(s["pandas"], s["full_build"]) if baseline else "pandas failed",
         baseline >= 20 * full if baseline else None),
        ("full build peak RSS <= 6 GB", f"{s['full_build']['peak_rss_mb'] / 1024:.2f} GB",
         s["full_build"]["peak_rss_mb"] <= 6 * 1024),
        ("daily run <= 10% of the full build", _ratio(s.get("daily_run"), s["full_build"]) if daily else "not run",
         daily <= 0.1 * full if daily else None),
    ]


def render_markdown(results: list[dict]) -> str:
    """docs/benchmarks.md from the JSON results (one entry per lead count)."""
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`leadscore bench`) from [benchmarks.json](benchmarks.json); do not edit by hand.",
        "Every step runs in its own process under `/usr/bin/time -v` (wall time, peak RSS). **floor**: one",
        "hand-written DuckDB query over the raw tables ([src/leadscore/sql/floor_score.sql](../src/leadscore/sql/floor_score.sql))",
        "scoring the default model on the score date. **score date only**: `dbt build --select +lead_scores` (models and seeds) with",
        "`history_initial_days: 1, calibration_months: 0` (the floor's like for like: the day and its anchor day, no",
        "snapshots, reports or tests). **full build**: the default `dbt build` (90 days of history, 12 monthly",
        "snapshots, reports, every data and unit test). **daily run**: the last day's events held back, a build as",
        "of the day before, the events put back, then this build as of the score date (**daily / full**: the issue asks",
        "for at most 10%); **rerun**: the same build once more with no new data. **pandas**: the same rules",
        "from the raw tables in plain pandas ([src/leadscore/pandas_baseline.py](../src/leadscore/pandas_baseline.py)).",
        "The default model's scores (subscores, total, grade, tier, threshold status, disqualification) of dbt, floor",
        "and pandas are compared lead by lead in the same run. Timings are not tests: `make test` checks only that",
        "the floor and pandas give the build's scores.",
        "",
        "| leads | events | generate | full build | score date only | daily run | rerun | floor | pandas "
        "| full / floor | score date only / floor | daily / full | rerun / full | pandas / full | identical |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        s = r["steps"]
        cells = [_cell(s.get(name))
                 for name in ("generate", "full_build", "score_date_only", "daily_run", "rerun", "floor", "pandas")]
        ratios = [_ratio(s.get(top), s.get(bottom)) for top, bottom in (
            ("full_build", "floor"), ("score_date_only", "floor"), ("daily_run", "full_build"), ("rerun", "full_build"),
            ("pandas", "full_build"))]
        lines.append(f"| {r['leads']:,} | {r['events']:,} | {' | '.join(cells + ratios)} | {'yes' if r['identical'] else 'NO'} |")
    lines += ["", "Cells are wall time / peak RSS.", ""]
    for r in results:
        m, s = r["machine"], r["steps"]
        lines += [
            f"## {r['leads']:,} leads",
            "",
            f"Run {r['run_at']}, score date {r['score_date']}, on {m['nproc']} cores / {m['ram_gb']} GB RAM "
            f"({m['cpu']}), load average {m['load_average_1m']:.1f} at the start; Python {m['python']}, "
            f"duckdb {m['duckdb']}, dbt-core {m['dbt-core']}, dbt-duckdb {m['dbt-duckdb']}, pandas {m['pandas']}. "
            f"DuckDB memory_limit {r['duckdb_memory_limit'] or 'default'}; pandas capped at "
            f"{r['pandas_memory_cap_gb']} GB of address space. "
            + (f"The daily run added {r['held_back_events']:,} held-back events; the build of the day before it "
               f"took {_cell(s['build_day_before'])}." if r.get("held_back_events") is not None
               else "The daily run was not measured at this size.")
            + ("" if _seconds(s.get("full_build")) is not None
               else f" The full build {'failed' if 'full_build' in s else 'was not run'} at this size: the floor and "
               "pandas are compared with the score-date-only build."),
        ]
        if r.get("long_history_days"):
            lines += ["", f"A full build with {r['long_history_days']} days of score history: "
                          f"{_cell(s['long_history'])}."]
        lines += ["", "| target | measured | met |", "|---|---:|---|"]
        for target, measured, met in targets(r):
            lines.append(f"| {target} | {measured} | {'-' if met is None else 'yes' if met else 'NO'} |")
        lines += ["", "| check | leads compared | leads missing (dbt / other) | values that differ |",
                  "|---|---:|---:|---:|"]
        for name, found in r["checks"].items():
            differ = sum(found[c] for c in SCORE_COLUMNS)
            lines.append(f"| {name} | {found['leads_compared']:,} | {found['only_expected']} / {found['only_actual']} "
                         f"| {differ} |")
        for step, nodes in r["slowest_nodes"].items():
            listed = ", ".join(f"{n['node']} {n['seconds']:.1f} s" for n in nodes)
            lines += ["", f"Slowest nodes of the {step.replace('_', ' ')} (run_results.json): {listed}."]
        lines.append("")
    return "\n".join(lines)


def merge_results(path: Path, new: list[dict]) -> list[dict]:
    """The stored results with the lead counts just measured replaced."""
    old = json.loads(path.read_text()) if path.exists() else []
    measured = {r["leads"] for r in new}
    return sorted([r for r in old if r["leads"] not in measured] + new, key=lambda r: r["leads"])


def run_bench(lead_counts: list[int], folder: Path, score_date: dt.date, project_dir: Path, json_path: Path,
              markdown_path: Path, duckdb_memory_limit: str, pandas_memory_gb: float,
              long_history_days: int, skipped: frozenset[str] = frozenset(),
              keep_databases: bool = False) -> list[dict]:
    results = []
    for leads in lead_counts:
        size = SizeRun(leads, folder / f"leads-{leads}", score_date, project_dir, duckdb_memory_limit,
                       int(pandas_memory_gb * 1024 ** 3), long_history_days, skipped, keep_databases)
        results.append(size.run())
        stored = merge_results(json_path, results)  # written after every size: a long run keeps what it measured
        json_path.write_text(json.dumps(stored, indent=2) + "\n")
        markdown_path.write_text(render_markdown(stored))
    return results


if __name__ == "__main__":
    score_step()
