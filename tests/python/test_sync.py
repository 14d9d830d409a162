"""`leadscore sync` against a local HubSpot-like server (stdlib http.server in a thread) that records every
request, stores contacts by id, and injects 429s with Retry-After, 500s, timeouts and 207 partial failures;
and the file targets against the feed they were written from."""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import json
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from conftest import BIN, SCORE_DATE, run
from leadscore.sync import (
    BATCH_UPDATE_PATH,
    PROPERTIES,
    BatchOutcome,
    HubSpotApi,
    Record,
    SyncError,
    SyncReport,
    retry_after_seconds,
    push,
    read_records,
    run_sync,
)

TOKEN = "pat-na1-test-token-0123456789abcdef"
FEED_COLUMNS = ["crm_record_id", *PROPERTIES]


@dataclass
class Received:
    authorization: str | None
    ids: list[str]


@dataclass
class FakeCrm:
    """HubSpot's batch-update contacts endpoint, in memory. `faults` answer the next requests in order:
    (status, headers) or "timeout" (answer late, after applying the update, as a CRM whose answer got lost);
    ids in `reject` get a 207 multi-status error naming them."""

    slow_seconds: float = 1.0
    contacts: dict[str, dict[str, str]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    faults: list[tuple[int, dict[str, str]] | str] = field(default_factory=list)
    reject: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        body = json.loads(request.rfile.read(int(request.headers["Content-Length"])))
        if request.path != BATCH_UPDATE_PATH:
            return self.answer(request, 404, {"message": f"no route {request.path}"})
        with self.lock:
            self.received.append(Received(request.headers.get("Authorization"), [i["id"] for i in body["inputs"]]))
            fault = self.faults.pop(0) if self.faults else None
        if fault == "timeout":
            time.sleep(self.slow_seconds)
        elif fault is not None:
            status, headers = fault
            return self.answer(request, status, {"status": "error", "message": f"injected {status}"}, headers)
        results, rejected = [], []
        with self.lock:
            for item in body["inputs"]:
                if item["id"] in self.reject:
                    rejected.append(item["id"])
                else:
                    self.contacts[item["id"]] = item["properties"]
                    results.append({"id": item["id"], "properties": item["properties"]})
        errors = [{"status": "error", "category": "OBJECT_NOT_FOUND", "message": "Could not get some CONTACT objects",
                   "context": {"ids": rejected}}] if rejected else []
        self.answer(request, 207 if errors else 200,
                    {"status": "COMPLETE", "results": results, "errors": errors, "numErrors": len(errors)})

    @staticmethod
    def answer(request: BaseHTTPRequestHandler, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body).encode()
        try:
            request.send_response(status)
            for name, value in (headers or {}).items():
                request.send_header(name, value)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(payload)))
            request.end_headers()
            request.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (an injected timeout)


@pytest.fixture
def crm() -> Iterator[tuple[FakeCrm, str]]:
    fake = FakeCrm()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            fake.handle(self)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def warehouse(built_warehouse: Path, tmp_path: Path) -> Path:
    """A copy of the session's warehouse, under the same file name: DuckDB names the catalog after the file,
    and the feed's views refer to it."""
    path = tmp_path / built_warehouse.name
    shutil.copy(built_warehouse, path)
    return path


def feed(con: duckdb.DuckDBPyConnection, model: str = "crm_lead_feed", where: str = "true") -> dict[str, dict[str, str]]:
    """The feed (or crm_lead_properties) as the CRM should store it: id -> properties as text."""
    rows = con.execute(f"select {', '.join(FEED_COLUMNS)} from marts.{model} where {where}").fetchall()
    return {row[0]: {name: "" if v is None else str(v) for name, v in zip(PROPERTIES, row[1:])} for row in rows}


def test_sync_through_faults_sends_every_changed_lead_once_and_then_nothing(
    warehouse: Path, crm: tuple[FakeCrm, str]
) -> None:
    server, url = crm
    sleeps: list[float] = []
    with duckdb.connect(str(warehouse)) as con:
        (with_record_id,) = con.execute(
            "select count(*) from marts.lead_scores where model_id = 'default' and crm_record_id is not null").fetchone()
        first_feed = feed(con)
        assert len(first_feed) == with_record_id > 2000  # no state yet: every lead with a record id is pending
        ids = sorted(first_feed)
        rejected = set(ids[450:453])  # in the fifth batch
        server.faults = [(429, {"Retry-After": "7"}), (500, {}), "timeout"]
        server.reject = set(rejected)

        def sync() -> SyncReport:
            report, _ = run_sync(con, "duckdb", url, dry_run=False, full_resync=False, token=TOKEN, timeout=0.3,
                                 max_attempts=4, backoff=0.01, sleep=sleeps.append)
            return report

        report = sync()
        batches = -(-with_record_id // 100)
        # The first batch: 429 (waits the Retry-After), 500 (backoff 0.02), timeout (0.04), then accepted.
        assert sleeps == [7.0, 0.02, 0.04]
        assert report.retried == Counter({"HTTP 429": 1, "HTTP 500": 1, "timeout": 1})
        assert len(server.received) == batches + 3 and report.batches == batches
        assert report.acknowledged == with_record_id - 3
        assert set(report.failed) == rejected
        assert all(reason.startswith("OBJECT_NOT_FOUND") for reason in report.failed.values())
        assert {r.authorization for r in server.received} == {f"Bearer {TOKEN}"}
        # Nothing the CRM refused is recorded: the feed is left with exactly the refused records.
        assert set(feed(con)) == rejected
        (recorded,) = con.execute("select count(*) from crm_sync.crm_sync_state").fetchone()
        assert recorded == with_record_id - 3

        server.reject.clear()
        before = len(server.received)
        report = sync()
        assert [sorted(r.ids) for r in server.received[before:]] == [sorted(rejected)]
        assert (report.records, report.acknowledged, report.failed) == (3, 3, {})
        # Every changed lead is in the CRM exactly once, with the properties the feed had.
        assert server.contacts == first_feed
        statuses = dict(con.execute(
            "select feed_status, count(*) from marts.crm_lead_properties group by feed_status").fetchall())
        assert statuses == {"in_sync": with_record_id}

        before = len(server.received)
        report = sync()
        assert report.records == 0 and len(server.received) == before  # nothing changed: nothing sent

        # One lead's score changes: exactly that lead is pending again, and the CRM gets its new score.
        changed = ids[1234]
        con.execute("update marts.lead_scores set total_score = total_score + 7 "
                    "where model_id = 'default' and crm_record_id = ?", [changed])
        assert list(feed(con)) == [changed]
        report = sync()
        assert [r.ids for r in server.received[before:]] == [[changed]] and report.acknowledged == 1
        assert server.contacts[changed]["leadscore_score"] == str(int(first_feed[changed]["leadscore_score"]) + 7)
        assert feed(con) == {}


class CrashingDestination:
    """Acknowledges every record, until the third batch, where the process 'dies'."""

    def __init__(self) -> None:
        self.batches = 0

    def send(self, records: list[Record]) -> BatchOutcome:
        self.batches += 1
        if self.batches == 3:
            raise RuntimeError("killed mid-run")
        return BatchOutcome({r.crm_record_id for r in records}, {})


def test_a_crash_mid_run_keeps_what_was_acknowledged(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        records = read_records(con, full_resync=False)
        with pytest.raises(RuntimeError, match="killed mid-run"):
            push(con, "duckdb", CrashingDestination(), records, SyncReport(records=len(records)))
        synced = {i for (i,) in con.execute("select crm_record_id from crm_sync.crm_sync_state").fetchall()}
        assert synced == {r.crm_record_id for r in records[:200]}
        assert len(feed(con)) == len(records) - 200


def test_the_api_client_gives_up_refuses_and_readsretry_after_seconds(crm: tuple[FakeCrm, str]) -> None:
    server, url = crm
    records = [Record(str(i), f"L{i}", "hash", {"leadscore_score": str(i)}) for i in range(3)]
    sleeps: list[float] = []

    def api(max_attempts: int = 3) -> HubSpotApi:
        return HubSpotApi(url + BATCH_UPDATE_PATH, TOKEN, Counter(), timeout=2, max_attempts=max_attempts,
                          backoff=0.5, sleep=sleeps.append)

    server.faults = [(503, {}), (503, {}), (503, {})]
    outcome = api().send(records)
    assert outcome.acknowledged == set() and sleeps == [0.5, 1.0]
    assert outcome.failed == dict.fromkeys(["0", "1", "2"], "gave up after 3 attempts: HTTP 503")
    # A 4xx other than 429 is the request's fault: retrying cannot help.
    server.faults = [(401, {})]
    outcome = api().send(records)
    assert outcome.failed == dict.fromkeys(["0", "1", "2"], "HTTP 401: injected 401") and len(sleeps) == 2
    assert server.contacts == {}
    in_ten_seconds = email.utils.format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=10), usegmt=True)
    assert 8 < retry_after_seconds(in_ten_seconds) <= 10
    assert retry_after_seconds("soon") is None and retry_after_seconds("-3") == 0.0


def sync_cli(args: list[str], warehouse: Path, workdir: Path):
    """`leadscore sync` in a subprocess (the token comes from the test's environment)."""
    return run([str(BIN / "leadscore"), "sync", *args], warehouse, workdir)


def test_cli_exits_1_on_failed_records_and_never_prints_the_token(
    warehouse: Path, crm: tuple[FakeCrm, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, url = crm
    with duckdb.connect(str(warehouse), read_only=True) as con:
        pending = feed(con)
    monkeypatch.delenv("LEADSCORE_CRM_TOKEN", raising=False)
    missing = sync_cli(["--to", url], warehouse, tmp_path)
    monkeypatch.setenv("LEADSCORE_CRM_TOKEN", TOKEN)
    assert missing.returncode == 1 and "set LEADSCORE_CRM_TOKEN" in missing.stderr and not server.received
    dry = sync_cli(["--to", url, "--dry-run"], warehouse, tmp_path)
    batches = -(-len(pending) // 100)
    assert dry.returncode == 0 and f"would send {len(pending):,} records in {batches} batches" in dry.stdout
    assert not server.received

    refused = sorted(pending)[7]
    server.reject = {refused}
    server.faults = [(429, {"Retry-After": "0"})]
    done = sync_cli(["--to", url, "--backoff", "0"], warehouse, tmp_path)
    assert done.returncode == 1, done.stderr
    assert (f"sent {len(pending):,} records in {batches} batches; acknowledged {len(pending) - 1:,}; failed 1; "
            "retried requests: HTTP 429 x1") in done.stdout
    assert f"failed {refused}: OBJECT_NOT_FOUND: Could not get some CONTACT objects" in done.stdout
    server.reject.clear()
    again = sync_cli(["--to", url], warehouse, tmp_path)
    assert again.returncode == 0 and f"sent 1 records in 1 batches; acknowledged 1; failed 0" in again.stdout
    assert server.contacts == pending
    for output in (missing, dry, done, again):
        assert TOKEN not in output.stdout + output.stderr
    assert {r.authorization for r in server.received} == {f"Bearer {TOKEN}"}
    plain = sync_cli(["--to", "http://crm.example.com", "--dry-run"], warehouse, tmp_path)
    assert plain.returncode == 1 and "use https" in plain.stderr


def test_file_targets_hold_the_feed_and_a_full_resync_holds_every_record(warehouse: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        pending = feed(con)
        every_record = feed(con, "crm_lead_properties", "feed_status in ('pending', 'in_sync')")
    assert pending == every_record  # no state yet
    jsonl = tmp_path / "feed.jsonl"
    done = sync_cli(["--to", str(jsonl)], warehouse, tmp_path)
    assert done.returncode == 0, done.stderr
    written = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert {item["id"]: item["properties"] for item in written} == pending and len(written) == len(pending)

    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert feed(con) == {}  # the file counts as delivered
    csv_path = tmp_path / "feed.csv"
    done = sync_cli(["--to", str(csv_path)], warehouse, tmp_path)
    assert done.returncode == 0 and "sent 0 records" in done.stdout and not csv_path.exists()
    done = sync_cli(["--to", str(csv_path), "--full-resync"], warehouse, tmp_path)
    assert done.returncode == 0, done.stderr
    with csv_path.open(newline="") as handle:
        assert next(csv.reader(handle)) == FEED_COLUMNS
        handle.seek(0)
        rows = list(csv.DictReader(handle))
    assert {row["crm_record_id"]: {p: row[p] for p in PROPERTIES} for row in rows} == every_record
    assert len(rows) == len(every_record)
    # A file not yet imported is never overwritten: its records already count as synced.
    again = sync_cli(["--to", str(csv_path), "--full-resync"], warehouse, tmp_path)
    assert again.returncode == 1 and "exists: import it and move it away first" in again.stderr
    assert len(csv_path.read_text().splitlines()) == len(every_record) + 1
    with pytest.raises(SyncError, match="expected an http"):
        with duckdb.connect(str(warehouse)) as con:
            run_sync(con, "duckdb", str(tmp_path / "feed.txt"), dry_run=True, full_resync=False, token=None)


def test_leads_without_or_sharing_a_crm_record_id_are_kept_with_a_status(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        (scored,) = con.execute("select count(*) from marts.lead_scores where model_id = 'default'").fetchone()
        a, b, c = [lead for (lead,) in con.execute(
            "select lead_id from marts.lead_scores where model_id = 'default' order by lead_id limit 3").fetchall()]
        con.execute("update marts.lead_scores set crm_record_id = null where lead_id = ?", [a])
        con.execute("update marts.lead_scores set crm_record_id = (select crm_record_id from marts.lead_scores "
                    "where lead_id = ? and model_id = 'default') where lead_id = ?", [b, c])
        statuses = dict(con.execute(
            "select lead_id, feed_status from marts.crm_lead_properties where lead_id in (?, ?, ?)", [a, b, c]
        ).fetchall())
        assert statuses == {a: "no_crm_record_id", b: "duplicate_crm_record_id", c: "duplicate_crm_record_id"}
        counts = dict(con.execute(
            "select feed_status, count(*) from marts.crm_lead_properties group by feed_status").fetchall())
        assert counts == {"pending": scored - 3, "no_crm_record_id": 1, "duplicate_crm_record_id": 2}
        (in_feed,) = con.execute(
            "select count(*) from marts.crm_lead_feed where lead_id in (?, ?, ?)", [a, b, c]).fetchone()
        assert in_feed == 0 and len(feed(con)) == scored - 3


def test_top_reasons_are_cut_to_the_crm_text_limit(warehouse: Path, tmp_path: Path) -> None:
    variables = json.dumps({"score_date": SCORE_DATE, "crm_text_limit": 60})
    done = run([str(BIN / "dbt"), "run", "--select", "crm_lead_properties", "--vars", variables],
               warehouse, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("""
            select properties.leadscore_top_reasons, concat_ws('; ', scores.top_reason_1, scores.top_reason_2,
                                                              scores.top_reason_3)
            from marts.crm_lead_properties as properties
            inner join marts.lead_scores as scores
                on properties.lead_id = scores.lead_id and scores.model_id = 'default'
            where scores.top_reason_1 is not null
        """).fetchall()
    cut = [(sent, full) for sent, full in rows if len(full) > 60]
    assert len(cut) > 100 and all(len(sent) == 60 and sent == full[:57] + "..." for sent, full in cut)
    assert all(sent == full for sent, full in rows if len(full) <= 60)


@pytest.mark.postgres
def test_sync_records_its_state_on_postgres(tmp_path: Path) -> None:
    """On the cluster of make test-postgres: a file sync empties PostgreSQL's feed, and the state it wrote
    is removed again so that the other PostgreSQL tests see the build as dbt left it."""
    psycopg2 = pytest.importorskip("psycopg2")

    pg = psycopg2.connect(host=os.environ["LEADSCORE_PG_HOST"], port=os.environ["LEADSCORE_PG_PORT"],
                          dbname=os.environ["LEADSCORE_PG_DBNAME"], user=os.environ["LEADSCORE_PG_USER"],
                          password=os.environ["LEADSCORE_PG_PASSWORD"])
    pg.autocommit = True

    def count(sql: str) -> int:
        with pg.cursor() as cur:
            cur.execute(sql)
            return cur.fetchone()[0]

    try:
        pending = count("select count(*) from marts.crm_lead_feed")
        assert pending == count("select count(*) from marts.lead_scores "
                                "where model_id = 'default' and crm_record_id is not null") > 2000
        jsonl = tmp_path / "feed.jsonl"
        done = run([str(BIN / "leadscore"), "sync", "--target", "postgres", "--to", str(jsonl)],
                   tmp_path / "unused.duckdb", tmp_path)
        assert done.returncode == 0, done.stderr
        assert len(jsonl.read_text().splitlines()) == pending
        assert count("select count(*) from crm_sync.crm_sync_state") == pending
        assert count("select count(*) from marts.crm_lead_feed") == 0
    finally:
        with pg.cursor() as cur:
            cur.execute("delete from crm_sync.crm_sync_state")
        pg.close()
