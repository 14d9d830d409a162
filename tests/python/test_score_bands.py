"""The band seeds (score_thresholds, fit_grades, engagement_tiers): a band that overlaps another or
leaves a gap stops `dbt build` with one message per problem naming seed, line, model and rule, and
lead_scores, which reads the seeds, is skipped rather than built on them."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from conftest import DbtRunner, copy_project

BANDS = ["scoring_models", "score_thresholds", "fit_grades", "engagement_tiers", "assert_score_bands_are_valid",
         "lead_scores"]

BAD_THRESHOLDS = """\
model_id,score_status,min_score,min_fit_grade,sla_hours,hysteresis_points
default,nurture,,,,0
default,mql,100,C,24,5
default,hot,100,B,1,5
enterprise,nurture,,C,,0
enterprise,mql,60,E,-4,5
enterprise,warm,70,B,4,5
enterprise,hot,120,B,4,70
other,nurture,,,,
"""
BAD_GRADES = """\
model_id,fit_grade,min_points
default,A,55
default,B,60
default,C,
default,D,
enterprise,A,70
enterprise,B,45
enterprise,C,20
enterprise,D,5
"""
BAD_TIERS = """\
model_id,engagement_tier,min_points
default,1,75
default,2,fifty
default,3,25
default,4,
default,4,
"""
MESSAGES = {
    "score_thresholds": [
        "status enterprise/mql (line 6), column sla_hours: -4 is not a number of at least 0",
        "status enterprise/mql (line 6), column min_fit_grade: E is not a grade of model enterprise in fit_grades.csv"
        " (A, B, C, D)",
        "status enterprise/warm (line 7), column score_status: warm is not one of hot, mql, nurture",
        "status other/nurture (line 9), column model_id: other is not a model in scoring_models.csv",
        "status default/hot (line 4), column min_score: 100 is also the min_score of status default/mql (line 3);"
        " two bands with one minimum overlap",
        "status enterprise/nurture (line 5), column min_fit_grade: the floor cannot demand a grade;"
        " a lead with a worse grade would get no status",
        "status enterprise/hot (line 8), column hysteresis_points: 70 is not smaller than the 60 points down to the"
        " next lower status enterprise/mql (line 6) at 60; a lead would keep hot below the minimum of mql",
    ],
    "fit_grades": [
        "grade default/D (line 5), column min_points: empty, but grade default/C (line 4) is already the floor;"
        " two floors overlap",
        "grade default/B (line 3), column min_points: 60 is above the 55 of the better grade default/A (line 2);"
        " minimums must fall from A to D",
        "model enterprise: no floor grade (a row with empty min_points); a lead below the lowest min_points would"
        " get no grade",
    ],
    "engagement_tiers": [
        "tier default/2 (line 3), column min_points: fifty is not a number of at least 0"
        " (empty = the floor every lead reaches)",
        "tier default/4 (line 6), column engagement_tier: 4 appears twice for model default (also line 5)",
        "model enterprise: active in scoring_models.csv but has no rows in engagement_tiers.csv",
    ],
}


def build_bands(seeds: dict[str, str], built_warehouse: Path, dbt: DbtRunner, tmp_path: Path) -> tuple[str, Path]:
    """`dbt build` of the band seeds, their check and lead_scores, with `seeds` written over a copy of
    the project, into a copy of the built warehouse. --full-refresh reloads the seeds with the types
    their new cells imply, as on a fresh warehouse. Returns dbt's output and the warehouse."""
    project = copy_project(tmp_path / "project")
    for name, text in seeds.items():
        (project / f"seeds/{name}.csv").write_text(text)
    path = tmp_path / "w.duckdb"
    shutil.copy(built_warehouse, path)
    done = dbt(["build", "--full-refresh", "--select", *BANDS], path, tmp_path, project_dir=project)
    assert done.returncode != 0, done.stdout[-3000:]
    return done.stdout, path


def test_every_band_problem_is_named_with_seed_line_model_and_rule(
    built_warehouse: Path, dbt: DbtRunner, tmp_path: Path
) -> None:
    seeds = {"score_thresholds": BAD_THRESHOLDS, "fit_grades": BAD_GRADES, "engagement_tiers": BAD_TIERS}
    output, _ = build_bands(seeds, built_warehouse, dbt, tmp_path)
    for seed, messages in MESSAGES.items():
        report = f"seeds/{seed}.csv has {len(messages)} problem(s):\n" + "".join(f"    - {m}\n" for m in messages)
        assert report in output, output[-6000:]


def test_an_overlap_alone_stops_the_build_before_lead_scores(
    built_warehouse: Path, dbt: DbtRunner, tmp_path: Path
) -> None:
    # hot and mql both start at 50: no other test would notice, and mql could never be reached.
    thresholds = (Path(__file__).parents[2] / "seeds/score_thresholds.csv").read_text()
    assert "default,hot,100,B,1,5" in thresholds
    output, path = build_bands({"score_thresholds": thresholds.replace("default,hot,100,", "default,hot,50,")},
                               built_warehouse, dbt, tmp_path)
    assert ("seeds/score_thresholds.csv has 1 problem(s):\n    - status default/hot (line 4), column min_score: "
            "50 is also the min_score of status default/mql (line 3); two bands with one minimum overlap\n") in output
    assert "ERROR=1 " in output
    assert "SKIP relation marts.lead_scores" in output
    with duckdb.connect(str(path), read_only=True) as con:  # the last good scores stay in place
        assert con.execute("select count(*) from marts.lead_scores where score_status = 'hot'").fetchone()[0] > 0
