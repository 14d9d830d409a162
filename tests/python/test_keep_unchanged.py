"""A DuckDB build keeps what nothing changed (macros/build_unless_unchanged.sql).

A model is kept when the project's code, the vars and the data of every source and seed upstream of it are
those it was built from, and its table still holds the rows it was built with; a data test whose models were
all kept, and which passed on the same inputs, passes without running. Each case starts from a copy of the
session's built warehouse (3,000 leads) and compares what dbt kept with what the manifest says must be kept.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from conftest import BIN, SCORE_DATE, run

KEPT_MODEL = re.compile(r"(model\.leadscore\.\w+): kept, nothing it is computed from changed")
SKIPPED_TEST = re.compile(r"(test\.leadscore\.[\w.]+): its models were kept and it passed")


@dataclass(frozen=True)
class Build:
    kept_models: set[str]
    skipped_tests: set[str]
    results: dict[str, str]  # unique_id -> status
    invocation_id: str


def dbt(command: str, path: Path, workdir: Path, *args: str, **extra_vars: object) -> Build:
    """dbt <command> (unit tests left out: they read no warehouse table) and what it kept and skipped."""
    shutil.rmtree(workdir / "logs", ignore_errors=True)
    variables = json.dumps({"score_date": SCORE_DATE, **extra_vars})
    done = run([str(BIN / "dbt"), command, "--exclude", "test_type:unit", *args, "--vars", variables], path, workdir)
    assert done.returncode == 0, f"dbt {command} failed:\n" + done.stdout[-6000:]
    log = (workdir / "logs" / "dbt.log").read_text()
    run_results = json.loads((workdir / "target" / "run_results.json").read_text())
    return Build(
        kept_models=set(KEPT_MODEL.findall(log)),
        skipped_tests=set(SKIPPED_TEST.findall(log)),
        results={result["unique_id"]: result["status"] for result in run_results["results"]},
        invocation_id=run_results["metadata"]["invocation_id"],
    )


@dataclass(frozen=True)
class Warehouse:
    path: Path
    workdir: Path
    manifest: dict


@pytest.fixture(scope="module")
def manifest(built_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    workdir = tmp_path_factory.mktemp("manifest")
    done = run([str(BIN / "dbt"), "parse", "--vars", json.dumps({"score_date": SCORE_DATE})], built_warehouse, workdir)
    assert done.returncode == 0, done.stdout[-3000:]
    return json.loads((workdir / "target" / "manifest.json").read_text())


@pytest.fixture
def warehouse(built_warehouse: Path, manifest: dict, tmp_path: Path) -> Warehouse:
    path = tmp_path / built_warehouse.name  # the same file name: DuckDB names the catalog, which views name, after it
    shutil.copy(built_warehouse, path)
    return Warehouse(path, tmp_path, manifest)


def models(manifest: dict) -> set[str]:
    return {uid for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}


def downstream(manifest: dict, unique_id: str) -> set[str]:
    """Every node that reads unique_id, directly or through other nodes."""
    found, frontier = set(), [unique_id]
    while frontier:
        children = [child for node in frontier for child in manifest["child_map"][node] if child not in found]
        found.update(children)
        frontier = children
    return found


def data_tests_reading_a_model(manifest: dict, build: Build) -> set[str]:
    return {uid for uid in build.results if uid.startswith("test.")
            and any(parent.startswith("model.") for parent in manifest["nodes"][uid]["depends_on"]["nodes"])}


def test_a_second_build_keeps_every_model_and_skips_every_passed_test(warehouse: Warehouse) -> None:
    with duckdb.connect(str(warehouse.path), read_only=True) as con:
        recorded_before = dict(con.execute(
            "select node_id, invocation_id from main.leadscore_build_fingerprints").fetchall())
    second = dbt("build", warehouse.path, warehouse.workdir)
    with duckdb.connect(str(warehouse.path), read_only=True) as con:
        recorded_after = dict(con.execute(
            "select node_id, invocation_id from main.leadscore_build_fingerprints").fetchall())
    all_models = models(warehouse.manifest)
    assert len(all_models) >= 50 and second.kept_models == all_models
    passed = {uid for uid, status in second.results.items() if uid.startswith("test.") and status == "pass"}
    warned = {uid for uid, status in second.results.items() if uid.startswith("test.") and status == "warn"}
    # A test that found failing rows (a warning) runs every time; every test that passed was skipped.
    assert len(passed) >= 350 and warned and second.skipped_tests == passed
    assert recorded_after == recorded_before and second.invocation_id not in recorded_after.values()


def test_a_changed_source_rebuilds_exactly_the_models_that_read_it(warehouse: Warehouse) -> None:
    source = "source.leadscore.crm.opportunities"
    with duckdb.connect(str(warehouse.path)) as con:
        (deleted,) = con.execute(
            "delete from raw.opportunities where opportunity_id = (select min(opportunity_id) from raw.opportunities)"
        ).fetchone()
    assert deleted == 1
    build = dbt("build", warehouse.path, warehouse.workdir)
    rebuilt = models(warehouse.manifest) & downstream(warehouse.manifest, source)
    assert 5 <= len(rebuilt) < len(models(warehouse.manifest)) - 10
    assert build.kept_models == models(warehouse.manifest) - rebuilt
    tests_of_rebuilt = {uid for uid in build.results if uid.startswith("test.")
                        and set(warehouse.manifest["nodes"][uid]["depends_on"]["nodes"]) & rebuilt}
    assert tests_of_rebuilt and not tests_of_rebuilt & build.skipped_tests


def test_a_table_changed_outside_dbt_is_rebuilt(warehouse: Warehouse) -> None:
    digest = "select count(*), sum(hash(lead_scores)) from marts.lead_scores"
    with duckdb.connect(str(warehouse.path)) as con:
        built = con.execute(digest).fetchone()
        con.execute("delete from marts.lead_scores where lead_id = (select min(lead_id) from marts.lead_scores)")
    build = dbt("build", warehouse.path, warehouse.workdir)
    with duckdb.connect(str(warehouse.path), read_only=True) as con:
        rebuilt = con.execute(digest).fetchone()
    assert build.kept_models == models(warehouse.manifest) - {"model.leadscore.lead_scores"}
    assert rebuilt == built and built[0] > 3000


def test_dbt_test_alone_runs_every_test_of_a_model(warehouse: Warehouse) -> None:
    tested = dbt("test", warehouse.path, warehouse.workdir)
    reading_a_model = data_tests_reading_a_model(warehouse.manifest, tested)
    assert len(reading_a_model) >= 300 and not tested.kept_models
    # Tests of sources and seeds alone are skipped: the digest of their data is their whole input.
    assert tested.skipped_tests and not tested.skipped_tests & reading_a_model


@pytest.mark.parametrize("how", [{"vars": {"keep_unchanged": False}}, {"args": ["--full-refresh"]}],
                         ids=["keep_unchanged false", "full refresh"])
def test_nothing_is_kept_when_asked(warehouse: Warehouse, how: dict) -> None:
    selected = ["stg_crm__leads", "int_leads_enriched", "lead_funnel"]  # a few tables and their tests: enough
    build = dbt("build", warehouse.path, warehouse.workdir, "--select", *selected, *how.get("args", []),
                **how.get("vars", {}))
    tests = [uid for uid in build.results if uid.startswith("test.")]
    assert not build.kept_models and not build.skipped_tests and len(tests) >= 10
    assert [build.results[f"model.leadscore.{name}"] for name in selected] == ["success"] * 3
