"""Tests for leadscore.load: contract checks on CSV/Parquet folders and writing to DuckDB."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from leadscore.contract import TABLES
from leadscore.load import LoadError, load_dir, write_tables

ACCOUNTS = """\
account_id,account_name,domain,industry,employee_count,annual_revenue,country,created_at
a1,Acme,acme.com,Software,250,1200000.5,US,2024-01-02 03:04:05
a2,Globex,,Retail,,,DE,2024-02-03 10:00:00
"""
LEADS = """\
lead_id,crm_record_id,account_id,email,first_name,last_name,phone,job_title,department,lead_source,country,owner_id,created_at,updated_at
l1,c1,a1,ann@acme.com,Ann,Lee,,CTO,Engineering,organic_search,US,o1,2024-03-01 09:00:00,2024-03-02 09:00:00
l2,c2,a2,bob@globex.com,Bob,Kay,,VP Sales,Sales,event,DE,o1,2024-03-05 12:30:00,
l3,c3,,cy@example.org,Cy,,,,,referral,,,2024-03-06 00:00:00,
"""
EVENTS = """\
event_id,lead_id,event_type,occurred_at,url,form_name,campaign_id,user_agent
e1,l1,page_view,2024-03-01 09:05:00,https://example.com/pricing,,,Mozilla/5.0
e2,l1,form_submit,2024-03-01 09:06:00,,demo_request,,Mozilla/5.0
e3,l2,email_open,2024-03-05 13:00:00,,,cmp1,Mimecast
e4,l3,page_view,2024-03-06 01:00:00,https://example.com/,,,
"""


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


@pytest.fixture
def good_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    write(folder, "accounts.csv", ACCOUNTS)
    write(folder, "leads.csv", LEADS)
    write(folder, "events.csv", EVENTS)
    return folder


@pytest.fixture
def duckdb_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "wh" / "test.duckdb"
    monkeypatch.setenv("LEADSCORE_DUCKDB_PATH", str(path))
    return path


def load_error(folder: Path) -> str:
    with pytest.raises(LoadError) as info:
        load_dir(folder)
    return str(info.value)


# --- good input ------------------------------------------------------------------------------

def test_good_csv_dir_loads_into_duckdb(good_dir: Path, duckdb_file: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="leadscore.load"):
        tables = load_dir(good_dir)
    assert list(tables) == list(TABLES)
    for name, data in tables.items():
        assert data.column_names == TABLES[name].column_names
    assert tables["accounts"].schema.field("employee_count").type == pa.int64()
    assert tables["accounts"].schema.field("annual_revenue").type == pa.float64()
    assert tables["events"].schema.field("occurred_at").type == pa.timestamp("us")
    assert tables["leads"].schema.field("email").type == pa.string()
    # optional tables left out load empty, and the user is told
    assert tables["owners"].num_rows == 0
    assert "loading owners as an empty table" in caplog.text

    counts = write_tables(tables.items(), "duckdb")
    assert counts == {"accounts": 2, "leads": 3, "lead_status_changes": 0, "opportunities": 0,
                      "sales_activities": 0, "owners": 0, "events": 4}

    con = duckdb.connect(str(duckdb_file))
    try:
        assert con.execute("select count(*) from raw.events").fetchone() == (4,)
        assert con.execute("select count(*) from raw.owners").fetchone() == (0,)
        row = con.execute(
            "select employee_count, annual_revenue, created_at from raw.accounts where account_id = 'a1'"
        ).fetchone()
        assert row == (250, 1200000.5, dt.datetime(2024, 1, 2, 3, 4, 5))
        # empty CSV fields are nulls, for strings and typed columns alike
        assert con.execute(
            "select domain, employee_count, annual_revenue from raw.accounts where account_id = 'a2'"
        ).fetchone() == (None, None, None)
        assert con.execute("select updated_at, phone from raw.leads where lead_id = 'l2'").fetchone() == (None, None)
        types = dict(con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'raw' and table_name = 'accounts'"
        ).fetchall())
        assert types["employee_count"] == "BIGINT"
        assert types["annual_revenue"] == "DOUBLE"
        assert types["created_at"] == "TIMESTAMP"
    finally:
        con.close()


def test_parquet_dir_loads_with_casts(tmp_path: Path, duckdb_file: Path) -> None:
    pq.write_table(pa.table({
        "account_id": pa.array([1, 2], pa.int32()),  # ids as numbers become strings
        "employee_count": pa.array([250.0, float("nan")]),  # pandas-style float with NaN for missing
        "annual_revenue": pa.array([10, None], pa.int64()),
        "created_at": pa.array([dt.datetime(2024, 1, 2, 5, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2))), None],
                               pa.timestamp("ns", tz="Europe/Berlin")),
    }), tmp_path / "accounts.parquet")
    pq.write_table(pa.table({
        "lead_id": ["l1"], "email": ["a@b.c"], "created_at": ["2024-03-01T09:00:00Z"],
    }), tmp_path / "leads.parquet")
    pq.write_table(pa.table({
        "event_id": ["e1"], "lead_id": ["l1"], "event_type": ["page_view"],
        "occurred_at": pa.array([dt.datetime(2024, 3, 1, 9, 5)], pa.timestamp("ms")),
    }), tmp_path / "events.parquet")

    tables = load_dir(tmp_path)
    accounts = tables["accounts"]
    assert accounts.schema == pa.schema([(c.name, t) for c, t in zip(
        TABLES["accounts"].columns,
        [pa.string(), pa.string(), pa.string(), pa.string(), pa.int64(), pa.float64(), pa.string(), pa.timestamp("us")],
        strict=True,
    )])
    assert accounts.column("account_id").to_pylist() == ["1", "2"]
    assert accounts.column("employee_count").to_pylist() == [250, None]
    assert accounts.column("annual_revenue").to_pylist() == [10.0, None]
    assert accounts.column("created_at").to_pylist() == [dt.datetime(2024, 1, 2, 3, 4, 5), None]  # UTC
    assert accounts.column("domain").null_count == 2

    write_tables(tables.items(), "duckdb")
    con = duckdb.connect(str(duckdb_file))
    try:
        assert con.execute("select created_at from raw.leads").fetchone() == (dt.datetime(2024, 3, 1, 9, 0),)
        assert con.execute("select occurred_at from raw.events").fetchone() == (dt.datetime(2024, 3, 1, 9, 5),)
    finally:
        con.close()


def test_timestamp_formats_accepted(good_dir: Path) -> None:
    write(good_dir, "events.csv", (
        "event_id,lead_id,event_type,occurred_at\n"
        "e1,l1,page_view,2024-03-01T09:05:00\n"
        "e2,l1,page_view,2024-03-01T09:05:00.123456Z\n"
        "e3,l1,page_view,2024-03-01T11:05:00+02:00\n"
        "e4,l1,page_view,2024-03-01\n"
        "e5,l1,page_view, 2024-03-01 09:05 \n"
    ))
    got = load_dir(good_dir)["events"].column("occurred_at").to_pylist()
    assert got == [
        dt.datetime(2024, 3, 1, 9, 5), dt.datetime(2024, 3, 1, 9, 5, 0, 123456), dt.datetime(2024, 3, 1, 9, 5),
        dt.datetime(2024, 3, 1), dt.datetime(2024, 3, 1, 9, 5),
    ]


def test_extra_column_dropped_and_optional_column_null(good_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(good_dir, "events.csv", (
        "event_id,lead_id,utm_source,event_type,occurred_at\n"
        "e1,l1,google,page_view,2024-03-01 09:05:00\n"
    ))
    with caplog.at_level(logging.WARNING, logger="leadscore.load"):
        events = load_dir(good_dir)["events"]
    assert events.column_names == TABLES["events"].column_names
    assert events.column("event_type").to_pylist() == ["page_view"]
    assert events.column("url").to_pylist() == [None]
    assert events.column("user_agent").type == pa.string()
    assert "dropping column(s) not in the events contract: utm_source" in caplog.text
    assert "optional column(s) url, form_name, campaign_id, user_agent missing" in caplog.text


def test_header_only_file_bom_and_unknown_files(good_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(good_dir, "owners.csv", b"\xef\xbb\xbfowner_id,owner_name,team\r\n")
    write(good_dir, "notes.txt", "hello")
    with caplog.at_level(logging.WARNING, logger="leadscore.load"):
        tables = load_dir(good_dir)
    assert tables["owners"].num_rows == 0
    assert tables["owners"].column_names == ["owner_id", "owner_name", "team"]
    assert "notes.txt" in caplog.text


# --- errors ----------------------------------------------------------------------------------

def test_empty_file(good_dir: Path) -> None:
    write(good_dir, "leads.csv", "")
    message = load_error(good_dir)
    assert "leads.csv" in message and "empty file" in message


def test_missing_required_column(good_dir: Path) -> None:
    write(good_dir, "events.csv", "event_id,lead_id,occurred_at\ne1,l1,2024-03-01 09:05:00\n")
    message = load_error(good_dir)
    assert "events.csv" in message
    assert "missing required column event_type of table events" in message


def test_bad_bigint_names_exact_line(good_dir: Path) -> None:
    # a quoted field spanning two lines and a blank line: the reported line is the physical one
    write(good_dir, "accounts.csv", (
        "account_id,account_name,employee_count,created_at\n"
        'a1,"Acme\nInc",10,2024-01-02 03:04:05\n'
        "\n"
        "a2,Globex,12.5,2024-01-02 03:04:05\n"
    ))
    message = load_error(good_dir)
    assert message.endswith(
        "accounts.csv, line 5, column employee_count: value '12.5' is not a valid bigint; "
        "expected a whole number such as 42"
    )


def test_bad_timestamp(good_dir: Path) -> None:
    write(good_dir, "events.csv", (
        "event_id,lead_id,event_type,occurred_at\n"
        "e1,l1,page_view,2024-03-01 09:05:00\n"
        "e2,l1,page_view,01/03/2024 09:05\n"
        "e3,l1,page_view,2024-02-30 09:05:00\n"
    ))
    message = load_error(good_dir)
    assert "events.csv, line 3, column occurred_at: value '01/03/2024 09:05' is not a valid timestamp" in message
    assert "YYYY-MM-DD HH:MM:SS" in message


def test_first_bad_row_wins_across_columns(good_dir: Path) -> None:
    write(good_dir, "accounts.csv", (
        "account_id,employee_count,annual_revenue,created_at\n"
        "a1,1,1.0,2024-01-02 03:04:05\n"
        "a2,1,NaN,2024-01-02 03:04:05\n"
        "a3,x,1.0,2024-01-02 03:04:05\n"
    ))
    assert "line 3, column annual_revenue: value 'NaN' is not a valid double" in load_error(good_dir)


def test_non_utf8(good_dir: Path) -> None:
    latin1_row = "l4,,,zoë@x.com,Zoë,,,,,,,,2024-03-06 00:00:00,\n".encode("latin-1")
    write(good_dir, "leads.csv", LEADS.encode() + latin1_row)
    message = load_error(good_dir)
    offset = len(LEADS.encode()) + len("l4,,,zo")
    assert f"leads.csv, line 5: not UTF-8: byte 0xeb at byte offset {offset}" in message


def test_non_utf8_in_header(good_dir: Path) -> None:
    write(good_dir, "events.csv", b"event_id,lead_id,event_type,occurred_at,\xe9\n")
    assert "events.csv, line 1: not UTF-8: byte 0xe9 at byte offset 40" in load_error(good_dir)


def test_ragged_row(good_dir: Path) -> None:
    write(good_dir, "events.csv", "event_id,lead_id,event_type,occurred_at\ne1,l1,page_view,2024-03-01,extra\n")
    message = load_error(good_dir)
    assert "events.csv: not a readable CSV file" in message and "Line: 2" in message


def test_duplicate_contract_column(good_dir: Path) -> None:
    write(good_dir, "events.csv", "event_id,lead_id,event_type,occurred_at,lead_id,,\n")
    assert "events.csv: column lead_id appears more than once in the header" in load_error(good_dir)


def test_cli_reports_load_error(good_dir: Path, duckdb_file: Path) -> None:
    from click.testing import CliRunner

    from leadscore.cli import main

    write(good_dir, "events.csv", "event_id,lead_id,event_type,occurred_at\ne1,l1,page_view,soon\n")
    result = CliRunner().invoke(main, ["load", "--from", str(good_dir)])
    assert result.exit_code == 1
    assert "events.csv, line 2, column occurred_at: value 'soon' is not a valid timestamp" in result.output
    assert not duckdb_file.exists()  # nothing written when a file is rejected


def test_both_csv_and_parquet(good_dir: Path) -> None:
    pq.write_table(pa.table({"lead_id": ["l1"]}), good_dir / "leads.parquet")
    message = load_error(good_dir)
    assert "both leads.csv and leads.parquet exist" in message


def test_required_table_missing(good_dir: Path) -> None:
    (good_dir / "events.csv").unlink()
    message = load_error(good_dir)
    assert "required table events is missing (expected events.csv or events.parquet)" in message


def test_parquet_bad_values(good_dir: Path) -> None:
    (good_dir / "accounts.csv").unlink()
    accounts = {"account_id": ["a1", "a2", "a3"], "created_at": ["2024-01-01", "2024-01-02", "2024-01-03"]}
    pq.write_table(pa.table({**accounts, "employee_count": [1.0, 2.0, 2.5]}), good_dir / "accounts.parquet")
    assert load_error(good_dir).endswith(
        "accounts.parquet, row 3, column employee_count: value '2.5' is not a valid bigint; "
        "expected a whole number such as 42"
    )
    pq.write_table(pa.table({**accounts, "created_at": ["2024-01-01", "soon", None]}), good_dir / "accounts.parquet")
    assert "accounts.parquet, row 2, column created_at: value 'soon' is not a valid timestamp" in load_error(good_dir)
    pq.write_table(pa.table({**accounts, "created_at": [True, False, True]}), good_dir / "accounts.parquet")
    message = load_error(good_dir)
    assert "accounts.parquet, column created_at: Parquet type bool cannot be loaded as timestamp" in message


# --- write_tables ----------------------------------------------------------------------------

def test_write_tables_appends_later_chunks(duckdb_file: Path) -> None:
    owners = TABLES["owners"]

    def chunk(*ids: str) -> pa.Table:
        return pa.table({"owner_id": list(ids), "owner_name": [None] * len(ids), "team": ["emea"] * len(ids)},
                        schema=pa.schema([(c, pa.string()) for c in owners.column_names]))

    write_tables([("owners", chunk("o0"))], "duckdb")  # replaced by the next run's first chunk
    counts = write_tables((c for c in [("owners", chunk("o1", "o2")), ("events", load_empty("events")),
                                       ("owners", chunk("o3"))]), "duckdb")
    assert counts == {"owners": 3, "events": 0}
    assert list(counts) == ["owners", "events"]
    con = duckdb.connect(str(duckdb_file))
    try:
        rows = con.execute("select owner_id from raw.owners order by owner_id").fetchall()
        assert rows == [("o1",), ("o2",), ("o3",)]
    finally:
        con.close()


def load_empty(name: str) -> pa.Table:
    return pa.table({c: pa.array([], pa.string()) for c in TABLES[name].column_names})
