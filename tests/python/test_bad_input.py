"""Bad input end to end: a fixture of raw tables (tests/fixtures/bad_input), each bad row named for
what is wrong with it, is loaded with `leadscore load` and built with `dbt build`. The build passes, every
bad row is quarantined with its reason or handled as docs/bad_input.md says, and nothing else is set
aside. The very long strings are added here rather than stored in the fixture."""

from __future__ import annotations

import ast
import csv
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from conftest import BIN, DbtRunner, run

from leadscore.load import LoadError, load_dir

FIXTURE = Path(__file__).parents[1] / "fixtures/bad_input"
LONG_JOB_TITLE = "Chief Technology Officer " + "and keeper of very long titles " * 330  # ~10,000 characters
LONG_ACCOUNT_NAME = "Long Name Holdings " * 550  # ~10,000 characters
LONG_USER_AGENT = "Mozilla/5.0 " + "x" * 100_000

# Every row the fixture plants in quarantine, by class: (table, rejected_at, record id, reason).
QUARANTINED = {
    "duplicate ids": [
        ("accounts", "staging", "acc_duplicate", "duplicate_account_id"),
        ("leads", "staging", "L_redelivered", "duplicate_lead_id"),
        ("events", "staging", "e_duplicate", "duplicate_event_id"),
        ("owners", "staging", "o_duplicate", "duplicate_owner_id"),
        ("lead_status_changes", "staging", "sc_duplicate", "duplicate_status_change_id"),
        ("opportunities", "staging", "op_duplicate", "duplicate_opportunity_id"),
        ("sales_activities", "staging", "sa_duplicate", "duplicate_sales_activity_id"),
    ],
    "null ids": [
        ("accounts", "staging", None, "missing_account_id"),
        ("leads", "staging", None, "missing_lead_id"),
        ("events", "staging", None, "missing_event_id"),
        ("events", "staging", "e_no_lead", "missing_lead_id"),
        ("owners", "staging", None, "missing_owner_id"),
        ("lead_status_changes", "staging", None, "missing_status_change_id"),
        ("opportunities", "staging", "op_no_lead", "missing_lead_id"),
        ("sales_activities", "staging", None, "missing_sales_activity_id"),
    ],
    "missing or malformed e-mails": [
        ("leads", "staging", "L_no_email", "missing_email"),
        ("leads", "staging", "L_malformed_no_at", "malformed_email"),
        ("leads", "staging", "L_malformed_double_at", "malformed_email"),
        ("leads", "staging", "L_malformed_no_dot", "malformed_email"),
        ("leads", "staging", "L_malformed_space", "malformed_email"),
        ("leads", "staging", "L_bad_newer", "malformed_email"),
    ],
    "timestamps after the score date": [
        ("accounts", "staging", "acc_future", "created_after_score_date"),
        ("leads", "staging", "L_future", "created_after_score_date"),
        ("events", "staging", "e_future", "occurred_after_score_date"),
        ("lead_status_changes", "staging", "sc_future", "changed_after_score_date"),
    ],
    "missing required timestamps": [
        ("lead_status_changes", "staging", "sc_no_time", "missing_changed_at"),
        ("events", "staging", "e_no_time", "missing_occurred_at"),
        ("leads", "staging", "L_no_created", "missing_created_at"),
    ],
    "rows of unknown or quarantined leads": [
        ("events", "attribution", "e_unknown_lead", "unknown_lead"),
        ("events", "attribution", "e_quarantined_lead", "unknown_lead"),
        ("lead_status_changes", "attribution", "sc_unknown_lead", "unknown_lead"),
        ("sales_activities", "attribution", "sa_unknown_lead", "unknown_lead"),
    ],
    "unknown types, statuses and stages": [
        ("events", "staging", "e_unknown_type", "unknown_event_type"),
        ("lead_status_changes", "staging", "sc_unknown_status", "unknown_status"),
        ("opportunities", "staging", "op_unknown_stage", "unknown_stage"),
        ("sales_activities", "staging", "sa_unknown_type", "unknown_activity_type"),
    ],
    "impossible amounts and dates": [
        ("opportunities", "staging", "op_negative_amount", "negative_amount"),
        ("opportunities", "staging", "op_closed_before_created", "closed_before_created"),
    ],
}


def write_long_rows(folder: Path) -> None:
    rows = {
        "accounts.csv": ["acc_long", LONG_ACCOUNT_NAME, "long.example", "Software", "300", "", "US",
                         "2025-01-20 09:00:00"],
        "leads.csv": ["L_long", "crm_18", "acc_long", "long@long.example", "Lon", "G", "", LONG_JOB_TITLE,
                      "Engineering", "content", "US", "o_good", "2026-03-22 09:00:00", ""],
        "events.csv": ["e_long_user_agent", "L_long", "page_view", "2026-11-21 09:00:00",
                       "https://example.com/pricing", "", "", LONG_USER_AGENT],
    }
    for name, row in rows.items():
        with (folder / name).open("a", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerow(row)


@pytest.fixture(scope="module")
def dirty_warehouse(tmp_path_factory: pytest.TempPathFactory, dbt: DbtRunner) -> Path:
    workdir = tmp_path_factory.mktemp("bad_input")
    files = workdir / "files"
    shutil.copytree(FIXTURE, files)
    write_long_rows(files)
    path = workdir / "dirty.duckdb"
    done = run([str(BIN / "leadscore"), "load", "--from", str(files)], path, workdir)
    assert done.returncode == 0, done.stderr[-3000:]
    done = dbt(["build", "--exclude", "resource_type:unit_test"], path, workdir)
    assert done.returncode == 0, "dirty input broke the build:\n" + done.stdout[-6000:]
    return path


@pytest.fixture(scope="module")
def dirty(dirty_warehouse: Path) -> Callable[[str], list[tuple]]:
    def fetch(sql: str) -> list[tuple]:
        with duckdb.connect(str(dirty_warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()
    return fetch


def quarantined(dirty: Callable[[str], list[tuple]]) -> list[tuple]:
    return dirty("select source_table, rejected_at, record_id, quarantine_reason from marts.quarantined_rows")


@pytest.mark.parametrize("kind", sorted(QUARANTINED))
def test_bad_rows_are_quarantined_with_their_reason(kind: str, dirty: Callable[[str], list[tuple]]) -> None:
    expected = QUARANTINED[kind]
    keys = {(table, record) for table, _, record, _ in expected}
    found = [row for row in quarantined(dirty) if (row[0], row[2]) in keys and row[3] in {r[3] for r in expected}]
    assert sorted(found, key=str) == sorted(expected, key=str)


def test_nothing_but_the_planted_rows_is_quarantined(dirty: Callable[[str], list[tuple]]) -> None:
    planted = [row for rows in QUARANTINED.values() for row in rows]
    assert sorted(quarantined(dirty), key=str) == sorted(planted, key=str)
    reconciliation = dirty("""
        select source_table, raw_rows, quarantined_rows, staged_rows, unknown_lead_rows, bot_rows,
            merged_duplicate_rows, used_rows, is_reconciled
        from marts.reconciliation order by source_table
    """)
    assert reconciliation == [
        ("accounts", 9, 3, 6, 0, 0, 0, 6, True),
        ("events", 18, 6, 12, 2, 2, 0, 8, True),
        ("lead_status_changes", 8, 5, 3, 1, 0, 0, 2, True),
        ("leads", 21, 10, 11, 0, 0, 1, 10, True),
        ("opportunities", 8, 5, 3, 0, 0, 0, 3, True),
        ("owners", 4, 2, 2, 0, 0, 0, 2, True),
        ("sales_activities", 6, 3, 3, 1, 0, 0, 2, True),
    ]


def test_duplicate_lead_ids_keep_the_newest_valid_copy(dirty: Callable[[str], list[tuple]]) -> None:
    staged = dict(dirty("""
        select lead_id, email from staging.stg_crm__leads where lead_id in ('L_redelivered', 'L_bad_newer')
    """))
    # The newer of two valid copies wins; a broken newer copy does not push out the good older one.
    assert staged == {"L_redelivered": "new@acme.com", "L_bad_newer": "kim@acme.com"}
    [(name, employees)] = dirty("select account_name, employee_count from staging.stg_crm__accounts "
                                "where account_id = 'acc_duplicate'")
    assert (name, employees) == ("Twice New", 20)


def test_same_email_in_two_leads_is_one_person_scored_once(dirty: Callable[[str], list[tuple]]) -> None:
    assert dirty("""
        select lead_id, canonical_lead_id, is_merged_duplicate from staging.stg_crm__leads
        where lead_id in ('L_person_a', 'L_person_b') order by lead_id
    """) == [("L_person_a", "L_person_a", False), ("L_person_b", "L_person_a", True)]
    assert dirty("select count(*) from marts.lead_scores where lead_id = 'L_person_b'") == [(0,)]
    # The duplicate's demo request counts for the person it was merged into.
    assert dirty("select lead_id from intermediate.int_lead_events where event_id = 'e_merged_duplicate'") == [
        ("L_person_a",)]
    [(reason,)] = dirty("select top_reason_1 from marts.lead_scores where model_id = 'default' and lead_id = 'L_person_a'")
    assert reason.startswith("Requested a demo 3 days ago")


def test_negative_zero_and_absurd_employee_counts_are_unknown_and_flagged(dirty: Callable[[str], list[tuple]]) -> None:
    assert dirty("""
        select account_id, employee_count, has_implausible_employee_count from staging.stg_crm__accounts
        where account_id like 'acc_%employees' or account_id = 'acc_good' order by account_id
    """) == [
        ("acc_absurd_employees", None, True),
        ("acc_good", 250, False),
        ("acc_negative_employees", None, True),
        ("acc_zero_employees", None, True),
    ]
    # A lead of such a company is scored, without company-size points.
    assert dirty("""
        select count(*) from marts.lead_score_explanations
        where lead_id in ('L_unicode', 'L_atlantis') and rule_id in ('target_company_size', 'large_company')
    """) == [(0,)]
    assert dirty("select count(*) from marts.lead_scores where lead_id in ('L_unicode', 'L_atlantis')") == [(4,)]


def test_very_long_strings_are_kept_whole_and_scored(dirty: Callable[[str], list[tuple]]) -> None:
    assert dirty("select length(job_title), persona from intermediate.int_leads_enriched where lead_id = 'L_long'") == [
        (len(LONG_JOB_TITLE.strip()), "decision_maker")]
    assert dirty("select length(account_name) from staging.stg_crm__accounts where account_id = 'acc_long'") == [
        (len(LONG_ACCOUNT_NAME.strip()),)]
    assert dirty("select length(user_agent) from staging.stg_activity__events where event_id = 'e_long_user_agent'") == [
        (len(LONG_USER_AGENT),)]
    [(_, reasons)] = dirty("""
        select score_status, top_reason_1 || ' / ' || top_reason_2 from marts.lead_scores
        where model_id = 'default' and lead_id = 'L_long'
    """)
    assert "Decision maker by job title (+25)" in reasons and len(reasons) < 200


def test_a_line_longer_than_the_csv_reader_allows_is_named_briefly(tmp_path: Path) -> None:
    for name in ("accounts", "events"):
        shutil.copy(FIXTURE / f"{name}.csv", tmp_path)
    (tmp_path / "leads.csv").write_text("lead_id,email,created_at,job_title\n"
                                        f"L1,a@b.co,2026-01-01,{'y' * 3_000_000}\n")
    with pytest.raises(LoadError) as error:
        load_dir(tmp_path)
    message = str(error.value)
    assert message.startswith(f"{tmp_path / 'leads.csv'}: not a readable CSV file: CSV Error on Line: 2; ")
    assert "Maximum line size of 2000000 bytes exceeded" in message and len(message) < 500


def test_values_are_values_never_sql(dirty: Callable[[str], list[tuple]]) -> None:
    assert dirty("select job_title, last_name from staging.stg_crm__leads where lead_id = 'L_injection'") == [
        ("Engineer'); delete from raw.leads; --", "'); drop table raw.events; --")]
    assert dirty("select count(*) from raw.leads") == [(21,)]
    assert dirty("select count(*) from raw.events") == [(18,)]


def test_ids_codes_and_types_are_trimmed_and_case_folded(dirty: Callable[[str], list[tuple]]) -> None:
    assert dirty("select lead_id, email from staging.stg_crm__leads where lead_id = 'L_padded'") == [
        ("L_padded", "padded@acme.com")]
    assert dirty("""
        select event_id, lead_id, event_type, url from intermediate.int_lead_events
        where event_id in ('e_padded_lead', 'e_shouting_type') order by event_id
    """) == [("e_padded_lead", "L_padded", "page_view", "https://example.com/pricing"),
             ("e_shouting_type", "L_good", "page_view", "https://example.com/pricing")]
    assert dirty("select domain, country_code from staging.stg_crm__accounts where account_id = 'acc_good'") == [
        ("acme.com", "US")]
    # Country names map to codes; an unknown country falls back to the company's; non-ASCII text is kept.
    assert dirty("""
        select lead_id, country_code, job_title from intermediate.int_leads_enriched
        where lead_id in ('L_unicode', 'L_atlantis') order by lead_id
    """) == [("L_atlantis", "GB", "Engineer"), ("L_unicode", "DE", "Geschäftsführerin")]
    assert dirty("select last_name from staging.stg_crm__leads where lead_id = 'L_unicode'") == [("Ødegård-東京",)]


def test_bot_events_are_kept_but_never_scored(dirty: Callable[[str], list[tuple]]) -> None:
    assert dirty("""
        select event_id, is_bot from staging.stg_activity__events
        where event_id in ('e_scanner_open', 'e_instant_click', 'e_good_pricing') order by event_id
    """) == [("e_good_pricing", False), ("e_instant_click", True), ("e_scanner_open", True)]
    assert dirty("""
        select count(*) from intermediate.int_lead_events where event_id in ('e_scanner_open', 'e_instant_click')
    """) == [(0,)]


def test_an_opportunity_closed_after_the_score_date_was_still_open_on_it(dirty: Callable[[str], list[tuple]]) -> None:
    assert dirty("""
        select stage_raw, stage, closed_at, quarantine_reason from staging.base_crm__opportunities
        where opportunity_id = 'op_closes_later'
    """) == [("closed_won", "open", None, None)]


def test_leads_of_undelivered_companies_and_owners_are_scored(dirty: Callable[[str], list[tuple]]) -> None:
    # The relationships tests on account_id and owner_id warn (the build above passed); the lead is scored.
    assert dirty("""
        select lead_id, model_id, industry is null, employee_count is null from marts.lead_scores
        inner join intermediate.int_leads_enriched using (lead_id)
        where lead_id in ('L_unknown_account', 'L_atlantis') order by lead_id, model_id
    """) == [("L_atlantis", "default", False, True), ("L_atlantis", "enterprise", False, True),
             ("L_unknown_account", "default", True, True), ("L_unknown_account", "enterprise", True, True)]


def test_the_catalog_cites_tests_that_exist() -> None:
    catalog = (Path(__file__).parents[2] / "docs/bad_input.md").read_text()
    rows = re.findall(r"^\| (\d+) \|", catalog, flags=re.MULTILINE)
    assert rows == [str(n) for n in range(1, len(rows) + 1)] and len(rows) >= 20
    cited = set(re.findall(r"`(test_\w+\.py)::(test_\w+)(?:\[([^\]]+)\])?`", catalog))
    assert len(cited) > 40
    for file, test, parameter in cited:
        tree = ast.parse((Path(__file__).parent / file).read_text())
        assert test in {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}, f"{file}::{test}"
        if parameter:
            assert file == "test_bad_input.py" and parameter in QUARANTINED, parameter
