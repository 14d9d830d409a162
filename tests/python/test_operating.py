"""Operating it: source freshness on generated data, and personal data kept out of the marts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
from conftest import BIN, DbtRunner, run

# Mart columns that may carry personal data, with the reason.
# crm_record_id is the CRM's id for the record, not personal data, and is not tagged pii.
# None so far: sla_compliance shows the rep's id and team, not the name.
PII_ALLOWED_IN_MARTS: dict[tuple[str, str], str] = {}


def freshness(end_date: dt.date, tmp_path: Path) -> dict[str, str]:
    """Status per source table of `dbt source freshness` over data generated to end on `end_date`, whose
    only event after that day is one dated a month from now (a sender with a wrong clock)."""
    path = tmp_path / f"{end_date}.duckdb"
    done = run([str(BIN / "leadscore"), "generate", "--leads", "3000", "--seed", "7", "--end-date", str(end_date)],
               path, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    with duckdb.connect(str(path)) as con:
        # The generator's own future-dated dirt spreads over four months after end_date, so some of it
        # would fall before today; keep one unmistakable row instead.
        con.execute(f"delete from raw.events where occurred_at >= date '{end_date}' + interval 1 day")
        con.execute("""
            insert into raw.events (event_id, lead_id, event_type, occurred_at)
            select 'wrong_clock', min(lead_id), 'page_view', current_timestamp::timestamp + interval 30 day
            from raw.leads
        """)
    run([str(BIN / "dbt"), "source", "freshness"], path, tmp_path)
    results = json.loads((tmp_path / "target/sources.json").read_text())["results"]
    return {r["unique_id"].removeprefix("source.leadscore."): r["status"] for r in results}


def test_source_freshness_passes_on_fresh_data_and_names_stale_tables(tmp_path: Path) -> None:
    today = dt.datetime.now(dt.timezone.utc).date()
    fresh = freshness(today, tmp_path / "fresh")
    assert fresh["activity.events"] == fresh["crm.leads"] == fresh["crm.sales_activities"] == "pass", fresh
    # Five days without deliveries: events are an error after 3 days, leads a warning after 2 (error after 7).
    # The event dated a month ahead must not make the table look fresh.
    stale = freshness(today - dt.timedelta(days=5), tmp_path / "stale")
    assert stale["activity.events"] == "error", stale
    assert stale["crm.leads"] == "warn", stale
    assert set(stale) == {"activity.events", "crm.leads", "crm.lead_status_changes", "crm.opportunities",
                          "crm.sales_activities"}  # accounts and owners have no timestamp to watch


def pii_in_marts(manifest: dict, columns_of: dict[str, list[str]]) -> list[str]:
    """Mart columns named like a column tagged `meta: {pii: true}` in the mart or anywhere upstream of it
    (sources, staging, intermediate), unless PII_ALLOWED_IN_MARTS lets them through. `columns_of` maps a
    mart's name to the columns it really has."""
    nodes = {**manifest["nodes"], **manifest["sources"]}

    def tagged(node: dict) -> set[str]:
        return {name.lower() for name, column in node.get("columns", {}).items()
                if (column.get("config", {}).get("meta") or column.get("meta") or {}).get("pii")}

    def upstream(unique_id: str) -> set[str]:
        seen: set[str] = set()
        todo = [unique_id]
        while todo:
            for parent in nodes[todo.pop()].get("depends_on", {}).get("nodes", []):
                if parent in nodes and parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    problems = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model" or not node["original_file_path"].startswith("models/marts/"):
            continue
        personal = tagged(node).union(*(tagged(nodes[parent]) for parent in upstream(unique_id)))
        for column in columns_of[node["name"]]:
            if column.lower() in personal and (node["name"], column.lower()) not in PII_ALLOWED_IN_MARTS:
                problems.append(f"{node['name']}.{column}")
    return problems


def test_no_mart_exposes_a_column_tagged_pii_upstream(built_warehouse: Path, dbt: DbtRunner, tmp_path: Path) -> None:
    done = dbt(["parse"], built_warehouse, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]
    manifest = json.loads((tmp_path / "target/manifest.json").read_text())
    columns_of: dict[str, list[str]] = {}
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        for table, column in con.execute("""
            select table_name, column_name from information_schema.columns where table_schema = 'marts'
        """).fetchall():
            columns_of.setdefault(table, []).append(column)
    assert {"lead_scores", "lead_score_explanations", "quarantined_rows", "reconciliation"} <= set(columns_of)
    assert pii_in_marts(manifest, columns_of) == []
    # The check sees what it is for: tagged upstream columns, sources included.
    upstream_tags = {name for node in [*manifest["nodes"].values(), *manifest["sources"].values()]
                     for name, column in node.get("columns", {}).items()
                     if column.get("config", {}).get("meta", {}).get("pii")}
    assert {"email", "first_name", "last_name", "phone", "owner_name"} == upstream_tags
    leaky = {**columns_of, "lead_scores": [*columns_of["lead_scores"], "email", "phone"]}
    assert pii_in_marts(manifest, leaky) == ["lead_scores.email", "lead_scores.phone"]
