"""Replay days of activity: hold the newest raw events back, then release them a day at a time.

Generated data ends on one day; a daily run needs a warehouse built as of an earlier day and the
events that arrive after it. `hold_back_events` moves raw.events rows from a day on into a side table
(raw.events_held_back), `release_events` moves them back, all of them or those up to a day. Both take
a DB-API connection to DuckDB or PostgreSQL (`leadscore.warehouse.connect`) and return rows moved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from leadscore.contract import RAW_SCHEMA

EVENTS = f"{RAW_SCHEMA}.events"
HELD_BACK = f"{RAW_SCHEMA}.events_held_back"


def _move(con: Any, source: str, destination: str, condition: str) -> int:
    cur = con.cursor()
    cur.execute(f"create table if not exists {destination} as select * from {source} where false")
    cur.execute(f"insert into {destination} select * from {source} where {condition}")
    cur.execute(f"select count(*) from {source} where {condition}")
    (moved,) = cur.fetchone()
    cur.execute(f"delete from {source} where {condition}")
    return int(moved)


def hold_back_events(con: Any, first_day: dt.date) -> int:
    """Move the raw events that occurred on first_day or later out of raw.events."""
    return _move(con, EVENTS, HELD_BACK, f"occurred_at >= cast('{first_day.isoformat()}' as timestamp)")


def release_events(con: Any, through_day: dt.date | None = None) -> int:
    """Move held-back events back into raw.events: those that occurred up to through_day, or all of them
    (and drop the side table)."""
    if through_day is None:
        moved = _move(con, HELD_BACK, EVENTS, "true")
        con.cursor().execute(f"drop table {HELD_BACK}")
        return moved
    day_after = through_day + dt.timedelta(days=1)
    return _move(con, HELD_BACK, EVENTS, f"occurred_at < cast('{day_after.isoformat()}' as timestamp)")
