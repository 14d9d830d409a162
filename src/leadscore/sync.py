"""`leadscore sync`: push the reverse-ETL feed to a CRM in the shape of HubSpot's batch-update contacts API,
or to a JSONL/CSV file to import.

The records come from marts.crm_lead_feed (what the CRM does not hold yet) or, for a full resync, from every
record with a usable id in marts.crm_lead_properties. Each batch's acknowledged records are written to
crm_sync.crm_sync_state as soon as the batch is answered, so a crash keeps what the CRM acknowledged and
nothing it did not acknowledge is ever marked synced. The bearer token is read from the environment and
only ever put in the Authorization header.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import json
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO
from urllib.parse import urlsplit

from leadscore.warehouse import fetch

TOKEN_ENV = "LEADSCORE_CRM_TOKEN"
STATE_TABLE = "crm_sync.crm_sync_state"
BATCH_UPDATE_PATH = "/crm/v3/objects/contacts/batch/update"
BATCH_SIZE = 100  # HubSpot's limit for a batch update
PROPERTIES = ("leadscore_score", "leadscore_grade", "leadscore_status", "leadscore_engagement", "leadscore_fit",
              "leadscore_top_reasons", "leadscore_as_of_date")
FILE_SUFFIXES = (".jsonl", ".csv")


class SyncError(Exception):
    """The sync cannot start: a bad destination, no token, or a warehouse without the feed."""


@dataclass(frozen=True)
class Record:
    """One CRM record to update: its id, the properties as the CRM takes them (text), and what to record."""

    crm_record_id: str
    lead_id: str
    properties_hash: str
    properties: dict[str, str]

    def as_input(self) -> dict[str, Any]:
        return {"id": self.crm_record_id, "properties": self.properties}


@dataclass
class BatchOutcome:
    acknowledged: set[str]
    failed: dict[str, str]  # crm_record_id -> reason


@dataclass
class SyncReport:
    records: int
    batches: int = 0
    acknowledged: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    retried: Counter[str] = field(default_factory=Counter)  # why a request was sent again -> times


class Destination(Protocol):
    def send(self, records: list[Record]) -> BatchOutcome: ...


def _as_text(value: object) -> str:
    """A property value as the CRM stores it; an empty string clears the property."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def read_records(con: Any, full_resync: bool) -> list[Record]:
    """The records to push: the feed, or on a full resync every lead with a usable CRM id."""
    source = ("marts.crm_lead_properties where feed_status in ('pending', 'in_sync')" if full_resync
              else "marts.crm_lead_feed")
    try:
        _, rows = fetch(con, f"select crm_record_id, lead_id, properties_hash, {', '.join(PROPERTIES)} "
                             f"from {source} order by crm_record_id")
    except Exception as err:  # the driver's own error type differs per target
        raise SyncError(f"cannot read {source.split()[0]} ({err}); run dbt build first") from err
    return [Record(row[0], row[1], row[2], {name: _as_text(v) for name, v in zip(PROPERTIES, row[3:])})
            for row in rows]


def record_synced(con: Any, target: str, records: list[Record], synced_at: dt.datetime) -> None:
    """Mark records as held by the CRM with the hash it acknowledged: one statement, committed at once.
    The ids, leads and hashes go as three arrays (a VALUES list of 400 parameters took 0.13 s a batch on DuckDB)."""
    if not records:
        return
    mark = "?" if target == "duckdb" else "%s"
    cur = con.cursor()
    cur.execute(
        f"insert into {STATE_TABLE} (crm_record_id, lead_id, properties_hash, synced_at) "
        f"select unnest({mark}), unnest({mark}), unnest({mark}), {mark} "
        "on conflict (crm_record_id) do update set lead_id = excluded.lead_id, "
        "properties_hash = excluded.properties_hash, synced_at = excluded.synced_at",
        [[r.crm_record_id for r in records], [r.lead_id for r in records], [r.properties_hash for r in records],
         synced_at],
    )
    if target != "duckdb":  # DuckDB commits each statement itself
        con.commit()


def retry_after_seconds(header: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


@dataclass
class HubSpotApi:
    """POST {"inputs": [...]} to the batch-update endpoint; retry 429, 5xx, timeouts and lost connections
    with exponential backoff (or the server's Retry-After); read a 200/207 answer record by record."""

    endpoint: str
    token: str
    retried: Counter[str]
    timeout: float = 30.0
    max_attempts: int = 5
    backoff: float = 1.0
    sleep: Callable[[float], None] = time.sleep

    def send(self, records: list[Record]) -> BatchOutcome:
        body = json.dumps({"inputs": [r.as_input() for r in records]}).encode()
        ids = [r.crm_record_id for r in records]
        attempt = 0
        while True:
            attempt += 1
            retry_after = None
            try:
                status, payload = self._post(body)
            except urllib.error.HTTPError as err:
                if err.code != 429 and err.code < 500:
                    return BatchOutcome(set(), dict.fromkeys(ids, f"HTTP {err.code}: {_message(err.read())}"))
                reason = f"HTTP {err.code}"
                retry_after = retry_after_seconds(err.headers.get("Retry-After"))
            except (TimeoutError, urllib.error.URLError, ConnectionError) as err:
                timed_out = isinstance(err, TimeoutError) or isinstance(getattr(err, "reason", None), TimeoutError)
                reason = "timeout" if timed_out else f"connection error ({getattr(err, 'reason', err)})"
            else:
                return _read_outcome(ids, status, payload)
            if attempt >= self.max_attempts:
                return BatchOutcome(set(), dict.fromkeys(ids, f"gave up after {attempt} attempts: {reason}"))
            self.retried[reason] += 1
            self.sleep(self.backoff * 2 ** (attempt - 1) if retry_after is None else retry_after)

    def _post(self, body: bytes) -> tuple[int, bytes]:
        request = urllib.request.Request(self.endpoint, data=body, method="POST", headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return response.status, response.read()


def _message(payload: bytes) -> str:
    try:
        return str(json.loads(payload).get("message", ""))[:200]
    except (ValueError, AttributeError):
        return payload[:200].decode(errors="replace")


def _read_outcome(ids: list[str], status: int, payload: bytes) -> BatchOutcome:
    """Only ids the CRM lists among its results count as acknowledged; every other id failed, with the error
    that names it (HubSpot's 207 multi-status lists them under errors[].context.ids)."""
    try:
        answer = json.loads(payload)
        done = {str(result["id"]) for result in answer.get("results", [])}
        errors = answer.get("errors", [])
    except (ValueError, KeyError, TypeError, AttributeError):
        return BatchOutcome(set(), dict.fromkeys(ids, f"HTTP {status} with an unreadable answer"))
    reasons: dict[str, str] = {}
    for error in errors:
        text = ": ".join(str(part) for part in (error.get("category"), error.get("message")) if part)
        for record_id in (error.get("context") or {}).get("ids", []):
            reasons[str(record_id)] = text or "error without a message"
    acknowledged = {i for i in ids if i in done}
    return BatchOutcome(acknowledged, {i: reasons.get(i, f"HTTP {status}: not in the CRM's results")
                                       for i in ids if i not in acknowledged})


@dataclass
class FileTarget:
    """Appends each batch to an open JSONL (HubSpot's input shape) or CSV (the feed's columns) file; a written
    batch is acknowledged once it is flushed."""

    handle: TextIO
    suffix: str

    def send(self, records: list[Record]) -> BatchOutcome:
        if self.suffix == ".jsonl":
            self.handle.writelines(json.dumps(r.as_input()) + "\n" for r in records)
        else:
            csv.writer(self.handle).writerows([r.crm_record_id, *r.properties.values()] for r in records)
        self.handle.flush()
        return BatchOutcome({r.crm_record_id for r in records}, {})


@contextmanager
def open_file_target(path: Path) -> Iterator[FileTarget]:
    """A new file only: the records of an existing one are already marked synced, and overwriting it before it
    was imported would lose them."""
    try:
        handle = path.open("x", newline="", encoding="utf-8")
    except FileExistsError as err:
        raise SyncError(f"{path} exists: import it and move it away first (its records count as synced)") from err
    with handle:
        if path.suffix == ".csv":
            csv.writer(handle).writerow(["crm_record_id", *PROPERTIES])
        yield FileTarget(handle, path.suffix)


def api_endpoint(url: str) -> str:
    """The batch-update endpoint under a CRM API base URL. Plain http only to this machine: the bearer token
    would otherwise cross the network in clear text."""
    parts = urlsplit(url)
    if parts.scheme == "http" and parts.hostname not in ("localhost", "127.0.0.1", "::1"):
        raise SyncError(f"{url}: use https (plain http is only accepted for localhost)")
    return url.rstrip("/") + BATCH_UPDATE_PATH


def is_url(destination: str) -> bool:
    return urlsplit(destination).scheme in ("http", "https")


def check_file_destination(destination: str) -> Path:
    path = Path(destination)
    if path.suffix not in FILE_SUFFIXES:
        raise SyncError(f"--to {destination}: expected an http(s) URL or a file ending {' or '.join(FILE_SUFFIXES)}")
    return path


def push(con: Any, target: str, destination: Destination, records: list[Record], report: SyncReport,
         batch_size: int = BATCH_SIZE, advance: Callable[[int], None] = lambda _records: None) -> SyncReport:
    """Send the records in batches and record each batch's acknowledged records before the next batch."""
    for start in range(0, len(records), batch_size):
        batch = records[start:start + batch_size]
        outcome = destination.send(batch)
        record_synced(con, target, [r for r in batch if r.crm_record_id in outcome.acknowledged],
                      dt.datetime.now(dt.UTC).replace(tzinfo=None))
        report.batches += 1
        report.acknowledged += len(outcome.acknowledged)
        report.failed.update(outcome.failed)
        advance(len(batch))
    return report


def report_lines(report: SyncReport, destination: str, dry_run: bool, shown_failures: int = 20) -> list[str]:
    """What the CLI prints; never the token."""
    if dry_run:
        batches = -(-report.records // BATCH_SIZE)
        return [f"dry run: would send {report.records:,} records in {batches:,} batches to {destination}; "
                "nothing sent, nothing recorded"]
    retried = ", ".join(f"{reason} x{n}" for reason, n in sorted(report.retried.items())) or "none"
    lines = [f"sync to {destination}: sent {report.records:,} records in {report.batches:,} batches; "
             f"acknowledged {report.acknowledged:,}; failed {len(report.failed):,}; "
             f"retried requests: {retried}"]
    for record_id, reason in sorted(report.failed.items())[:shown_failures]:
        lines.append(f"  failed {record_id}: {reason}")
    if len(report.failed) > shown_failures:
        lines.append(f"  ... and {len(report.failed) - shown_failures:,} more (still pending; the next sync retries them)")
    return lines


def run_sync(con: Any, target: str, to: str, *, dry_run: bool, full_resync: bool, token: str | None,
             timeout: float = 30.0, max_attempts: int = 5, backoff: float = 1.0,
             sleep: Callable[[float], None] = time.sleep, progress: bool = False) -> tuple[SyncReport, str]:
    """Check the destination, read the records and (unless a dry run) push them. Returns the report and the
    destination as printed (the endpoint or the file)."""
    url = is_url(to)
    where = api_endpoint(to) if url else str(check_file_destination(to))
    if url and not dry_run and not token:
        raise SyncError(f"set {TOKEN_ENV} to the CRM's API token (for HubSpot, a private app's access token)")
    records = read_records(con, full_resync)
    report = SyncReport(records=len(records))
    if dry_run or not records:  # nothing to send: no request, no empty file
        return report, where
    with _progress(progress, len(records)) as advance:
        if url:
            api = HubSpotApi(where, token or "", report.retried, timeout, max_attempts, backoff, sleep)
            return push(con, target, api, records, report, advance=advance), where
        with open_file_target(Path(where)) as file_target:
            return push(con, target, file_target, records, report, advance=advance), where


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar over the records (gone when done), or nothing."""
    if not enabled:
        yield lambda _records: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("syncing"), BarColumn(), MofNCompleteColumn(), TextColumn("records"),
                  TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("records", total=total)
        yield lambda records: bar.advance(task, records)
