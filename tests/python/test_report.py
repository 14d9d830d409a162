"""`leadscore report` on the built sample warehouse: the HTML references nothing outside itself, headless
Chromium draws every chart (and screenshots the page into target/report/), the plotted numbers equal the
marts they come from (recomputed here with pandas), empty marts give a visible note and missing marts a
clear error."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from conftest import BIN, REPO, run

from leadscore.report import REPORT_MARTS

MODEL = "default"
CHARTS = ["score_distribution", "funnel", "calibration", "rule_effectiveness", "sla"]
ARTIFACTS = REPO / "target" / "report"
WINDOW = (1280, 4000)


class Figures(HTMLParser):
    """Each figure's attributes and its bars (series, category, value), from report HTML or a dumped DOM."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.figures: dict[str, dict[str, str | None]] = {}
        self.marks: dict[str, list[tuple[str, str, float]]] = {}
        self._current = ""
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "figure":
            self._current = attributes["data-chart"] or ""
            self.figures[self._current] = attributes
            self.marks[self._current] = []
        elif tag == "rect" and "mark" in (attributes.get("class") or "").split():
            self.marks[self._current].append(
                (attributes["data-series"] or "", attributes["data-category"] or "", float(attributes["data-value"] or "nan"))
            )

    def values(self, chart: str) -> dict[tuple[str, str], float]:
        return {(series, category): value for series, category, value in self.marks[chart]}


def chromium() -> str:
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary:
        return binary
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed; .ci/run installs the Debian chromium package")
    pytest.skip("chromium is not installed (apt-get install chromium); CI fails here instead")


def headless(html: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    # Host names resolve to nothing, so a chart that needed the network would not render.
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND", *args, html.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def render(warehouse: Path, workdir: Path, out: Path) -> subprocess.CompletedProcess:
    return run([str(BIN / "leadscore"), "report", "--model", MODEL, "--out", str(out)], warehouse, workdir)


@pytest.fixture(scope="module")
def report(built_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("report")
    out = ARTIFACTS / "leadscore_report.html"
    done = render(built_warehouse, workdir, out)
    assert done.returncode == 0, done.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def dom(report: Path, tmp_path_factory: pytest.TempPathFactory) -> Figures:
    """The page as Chromium left it after running the report's render check."""
    return Figures(headless(report, tmp_path_factory.mktemp("chromium"), "--dump-dom").stdout)


@pytest.fixture(scope="module")
def marts(built_warehouse: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        return {name: con.execute(f"select * from marts.{name} where model_id = '{MODEL}'").df()
                for name in ["lead_scores", "conversion_funnel", "score_calibration", "rule_effectiveness",
                             "sla_compliance"]}


def test_html_references_nothing_outside_itself(report: Path) -> None:
    markup = report.read_text()
    assert not re.findall(r"\b(?:src|href|action|srcset|xlink:href)\s*=", markup)
    assert not re.findall(r"https?:|ftp:|url\(|@import|//[\w.-]+\.\w", markup)
    assert "<link" not in markup


def test_chromium_renders_every_chart(dom: Figures) -> None:
    assert list(dom.figures) == CHARTS
    for chart, attributes in dom.figures.items():
        assert attributes["data-rendered"] == "true", (chart, attributes)
        assert int(attributes["data-drawn-marks"] or 0) == len(dom.marks[chart]) > 0, chart
    assert len(dom.marks["calibration"]) == 10


def test_screenshot_is_a_png_of_the_window(report: Path, tmp_path: Path) -> None:
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    headless(report, tmp_path / "profile", f"--screenshot={shot}", f"--window-size={WINDOW[0]},{WINDOW[1]}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == WINDOW
    assert len(data) > 50_000  # a blank page of this size compresses to a few kB; charts and tables do not


def test_calibration_bars_are_the_decile_conversion_rates(dom: Figures, marts: dict[str, pd.DataFrame],
                                                          report: Path) -> None:
    deciles = marts["score_calibration"].query("breakdown == 'score_decile'")
    expected = {("conversion rate", row.bucket): float(row.conversion_rate) for row in deciles.itertuples()}
    assert dom.values("calibration") == pytest.approx(expected)
    top = deciles[deciles.bucket == "10"].iloc[0]
    takeaway = f"The top decile converts {float(top.lift):.1f}x the average"
    assert takeaway in report.read_text()


def test_funnel_bars_are_the_cohort_sums(dom: Figures, marts: dict[str, pd.DataFrame]) -> None:
    stages = {"MQL": "mql_leads", "accepted": "accepted_leads", "SQL": "sql_leads",
              "opportunity": "opportunity_leads", "won": "won_leads"}
    cohorts = marts["conversion_funnel"].groupby("mql_cohort_month")[list(stages.values())].sum().tail(6)
    expected = {(label, month.strftime("%Y-%m")): float(cohorts.loc[month, column])
                for month in cohorts.index for label, column in stages.items()}
    assert dom.values("funnel") == expected
    assert cohorts.mql_leads.sum() > 0


def test_distribution_bars_count_every_lead_by_status(dom: Figures, marts: dict[str, pd.DataFrame]) -> None:
    plotted = pd.DataFrame(dom.marks["score_distribution"], columns=["status", "bin", "leads"])
    per_status = plotted.groupby("status").leads.sum().to_dict()
    assert per_status == marts["lead_scores"].score_status.value_counts().astype(float).to_dict()
    for status, low_high, leads in dom.marks["score_distribution"]:
        low, high = (int(v) for v in re.fullmatch(r"(-?\d+) to (-?\d+)", low_high).groups())
        scores = marts["lead_scores"]
        assert ((scores.score_status == status) & scores.total_score.between(low, high)).sum() == leads


def test_rule_bars_are_the_lifts(dom: Figures, marts: dict[str, pd.DataFrame]) -> None:
    rules = marts["rule_effectiveness"].dropna(subset=["lift"])
    rules = rules[rules.lift.astype(float) > 0]  # a stacked bar of 0 is not drawn; the table lists it
    verdict = rules.is_inverted.map({True: "inverted", False: None}).fillna(
        rules.has_signal.map({True: "signal", False: "no clear signal"}))
    expected = {(v, rule): float(lift) for v, rule, lift in zip(verdict, rules.rule_id, rules.lift, strict=True)}
    assert dom.values("rule_effectiveness") == pytest.approx(expected)


def test_sla_bars_are_the_weekly_shares(dom: Figures, marts: dict[str, pd.DataFrame]) -> None:
    sla = marts["sla_compliance"]
    weeks = sorted(sla.entered_week.unique())[-12:]
    weekly = sla[sla.entered_week.isin(weeks)].groupby(["score_status", "entered_week"])[
        ["within_sla_leads", "breached_leads"]].sum()
    decided = weekly[weekly.within_sla_leads + weekly.breached_leads > 0]
    expected = {(status, pd.Timestamp(week).date().isoformat()): row.within_sla_leads
                / (row.within_sla_leads + row.breached_leads) for (status, week), row in decided.iterrows()}
    assert dom.values("sla") == pytest.approx(expected)
    assert len(expected) > 12


def test_empty_marts_show_a_note(built_warehouse: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "emptied.duckdb"
    shutil.copy(built_warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        for mart in ["conversion_funnel", "score_calibration", "model_auc", "rule_effectiveness", "sla_compliance"]:
            con.execute(f"delete from marts.{mart}")
    out = tmp_path / "report.html"
    done = render(warehouse, tmp_path, out)
    assert done.returncode == 0, done.stderr[-3000:]
    page = Figures(out.read_text())
    empty = {chart: attributes["data-empty"] for chart, attributes in page.figures.items()}
    assert empty == {"score_distribution": "false", "funnel": "true", "calibration": "true",
                     "rule_effectiveness": "true", "sla": "true"}
    assert out.read_text().count('<p class="no-data">No data yet: ') == 4


def test_missing_marts_are_named(raw_warehouse: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "unbuilt.duckdb"
    shutil.copy(raw_warehouse, warehouse)
    done = render(warehouse, tmp_path, tmp_path / "report.html")
    assert done.returncode == 1
    assert "marts.lead_scores" in done.stderr and "run `dbt build` first" in done.stderr
    assert not (tmp_path / "report.html").exists()


def test_unknown_model_is_named(built_warehouse: Path, tmp_path: Path) -> None:
    done = run([str(BIN / "leadscore"), "report", "--model", "nosuch", "--out", str(tmp_path / "r.html")],
               built_warehouse, tmp_path)
    assert done.returncode == 1
    assert "model_id 'nosuch'; scored models: default, enterprise" in done.stderr


def test_report_exposure_declares_the_marts_it_reads() -> None:
    exposures = yaml.safe_load((REPO / "models/marts/reports/_reports__exposures.yml").read_text())["exposures"]
    review = next(e for e in exposures if e["name"] == "review_report")
    assert sorted(review["depends_on"]) == sorted(f"ref('{mart}')" for mart in REPORT_MARTS)
    assert not [e["name"] for e in exposures if "example" in e.get("url", "")]  # no made-up addresses


@pytest.mark.postgres
def test_postgres_gives_the_same_report(report: Path, tmp_path: Path) -> None:
    """In make test-postgres: the report of the PostgreSQL build of the same sample is the DuckDB one."""
    out = tmp_path / "postgres.html"
    done = subprocess.run([str(BIN / "leadscore"), "report", "--target", "postgres", "--model", MODEL, "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert out.read_text().replace("warehouse postgres.", "warehouse duckdb.") == report.read_text()
