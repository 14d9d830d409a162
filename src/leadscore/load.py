"""Load raw tables from a folder of CSV or Parquet files, checked against the raw contract.

`load_dir` reads `<table>.csv` or `<table>.parquet` for every table in `contract.TABLES`
and returns pyarrow tables with exactly the contract's columns, in contract order, typed
string / int64 / float64 / timestamp[us]. `write_tables` writes such tables (or a stream of
chunks) to the warehouse.

Rules (docs/raw_contract.md is the user-facing version):

* `leads`, `accounts` and `events` must be present; the other tables may be left out and are
  loaded empty. Files that are not `<table>.csv` / `<table>.parquet` are ignored.
* CSV: UTF-8 (a BOM is fine), comma separated, `"` quoting with `""` escapes, a header row.
  Empty fields are null; for bigint/double/timestamp columns blank (whitespace-only) fields too.
* A missing required column is an error; a missing optional column is loaded as nulls; extra
  columns are dropped. Column names must match the contract exactly (surrounding spaces aside).
* bigint: an optional sign and digits; a trailing `.0` is accepted because pandas writes nullable
  integers that way. double: plain decimal or exponent notation; NaN and infinities are refused.
* timestamp: `YYYY-MM-DD HH:MM:SS` in UTC. Also accepted: a `T` separator, missing seconds, a bare
  date (midnight), fractional seconds (kept to microseconds), and a `Z` or `+HH:MM` / `-HH:MM`
  offset, which is converted to UTC. Anything else (`epoch`, `infinity`, `01/02/2024`) is refused.
* Parquet columns are cast to the contract type: integers, floats (whole values only for bigint;
  NaN is null, as pandas writes missing floats), dates and timestamps (tz-aware ones converted to
  UTC) directly, strings with the CSV rules above.

Everything a user must fix raises `LoadError`; its message starts with the file and, for a bad
value, reads ``<file>, line <n>, column <col>: value '<v>' is not a valid <type>; expected <rule>``
(CSV: the physical line in the file, header = line 1; Parquet: ``row <n>``, first row = 1).
Things that are merely worth knowing (dropped columns, absent optional tables, ignored files) are
logged as warnings on the ``leadscore.load`` logger, which Python prints to stderr by default.
"""

from __future__ import annotations

import codecs
import csv
import logging
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from leadscore import warehouse
from leadscore.contract import TABLES, Column, Table

log = logging.getLogger(__name__)

REQUIRED_TABLES = ("leads", "accounts", "events")

ARROW_TYPES = {"varchar": pa.string(), "bigint": pa.int64(), "double": pa.float64(), "timestamp": pa.timestamp("us")}

# Regexes run before try_cast because DuckDB's casts are too lenient for a contract check:
# '12.5'::bigint rounds, 'epoch'::timestamp parses, '0x10'::bigint is 16.
_PATTERNS = {
    "bigint": r"[+-]?[0-9]+(\.0*)?",
    "double": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?",
    "timestamp": (
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
        r"([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?"
        r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)?"
    ),
}
_EXPECTED = {
    "bigint": "a whole number such as 42",
    "double": "a number such as 1234.5 or 1.2e6",
    "timestamp": "YYYY-MM-DD HH:MM:SS in UTC (ISO-8601 with T, fractional seconds and Z or +HH:MM also accepted)",
}


class LoadError(Exception):
    """A source file breaks the raw contract; the message says where and how to fix it."""


def load_dir(source_dir: Path) -> dict[str, pa.Table]:
    """Read and check every contract table in `source_dir`; see the module docstring for the rules."""
    source_dir = Path(source_dir)
    expected = {f"{name}.{ext}" for name in TABLES for ext in ("csv", "parquet")}
    for path in sorted(source_dir.iterdir()):
        if path.is_file() and not path.name.startswith(".") and path.name not in expected:
            log.warning("ignoring %s: not a <table>.csv or <table>.parquet file of the raw contract", path)

    out: dict[str, pa.Table] = {}
    with _session() as con:
        for table in TABLES.values():
            csv_path, parquet_path = source_dir / f"{table.name}.csv", source_dir / f"{table.name}.parquet"
            if csv_path.is_file() and parquet_path.is_file():
                raise LoadError(f"{source_dir}: both {csv_path.name} and {parquet_path.name} exist; keep only one")
            if csv_path.is_file():
                out[table.name] = _load_csv(con, csv_path, table)
            elif parquet_path.is_file():
                out[table.name] = _load_parquet(con, parquet_path, table)
            elif table.name in REQUIRED_TABLES:
                raise LoadError(
                    f"{source_dir}: required table {table.name} is missing "
                    f"(expected {csv_path.name} or {parquet_path.name})"
                )
            else:
                log.warning("%s: no %s or %s; loading %s as an empty table",
                            source_dir, csv_path.name, parquet_path.name, table.name)
                out[table.name] = _schema(table).empty_table()
    return out


def write_tables(chunks: Iterable[tuple[str, pa.Table]], target: str) -> dict[str, int]:
    """Write (table name, data) chunks to raw.<table>: the first chunk of a table replaces it, later
    ones append. Returns rows written per table, in first-seen order."""
    counts: dict[str, int] = {}
    with warehouse.connect(target) as con:
        for name, data in chunks:
            if name not in TABLES:
                raise ValueError(f"unknown raw table {name!r}; expected one of {', '.join(TABLES)}")
            warehouse.write_raw_table(con, target, TABLES[name], data, replace=name not in counts)
            counts[name] = counts.get(name, 0) + data.num_rows
    return counts


def _session() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    # Offsets are converted to UTC through timestamptz, so the session zone must be UTC, not the
    # machine's.
    con.execute("set TimeZone = 'UTC'")
    return con


def _schema(table: Table) -> pa.Schema:
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in table.columns])


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _match_columns(path: Path, table: Table, found: list[str]) -> list[Column]:
    """The contract columns present in `found`; errors for missing required ones, notes for the rest."""
    # Only contract columns must be unique; repeated extras (say, blank names) are dropped anyway.
    dupes = [n for n in table.column_names if found.count(n) > 1]
    if dupes:
        raise LoadError(f"{path}: column {', '.join(dupes)} appears more than once in the header")
    missing_required = [c.name for c in table.columns if c.required and c.name not in found]
    if missing_required:
        raise LoadError(
            f"{path}: missing required column {', '.join(missing_required)} of table {table.name} "
            f"(found columns: {', '.join(found) or 'none'})"
        )
    extra = [n for n in found if n not in table.column_names]
    if extra:
        log.warning("%s: dropping column(s) not in the %s contract: %s", path, table.name, ", ".join(extra))
    missing = [c.name for c in table.columns if c.name not in found]
    if missing:
        log.warning("%s: optional column(s) %s missing; loading them as nulls", path, ", ".join(missing))
    return [c for c in table.columns if c.name in found]


# --- CSV -------------------------------------------------------------------------------------

def _load_csv(con: duckdb.DuckDBPyConnection, path: Path, table: Table) -> pa.Table:
    header = _csv_header(path)
    present = _match_columns(path, table, header)
    # DuckDB gets positional names so odd header text never needs quoting inside read_csv.
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header))) + "}"
    source = (
        f"read_csv({_literal(str(path))}, header = true, auto_detect = false, delim = ',', "
        f"quote = '\"', escape = '\"', columns = {columns})"
    )
    position = {name: i for i, name in enumerate(header)}
    raw = {c.name: f"c{position[c.name]}" for c in present}
    try:
        result = _convert(con, source, table, {name: (expr, "text") for name, expr in raw.items()})
    except duckdb.Error as err:
        if "unicode" in str(err).lower():
            raise _utf8_error(path) from err
        raise LoadError(f"{path}: not a readable CSV file: {_duckdb_reason(err)}") from err
    if isinstance(result, tuple):
        column, index = result
        line, value = _csv_locate(path, index, position[column])
        where = f"{path}, line {line}" if line is not None else f"{path}, data row {index + 1}"
        raise _value_error(where, table, column, value)
    return result


def _csv_header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            first = next(csv.reader(f), [])
    except UnicodeDecodeError as err:
        raise _utf8_error(path) from err
    except csv.Error as err:
        raise LoadError(f"{path}: not a readable CSV header: {err}") from err
    names = [name.strip() for name in first]
    if not any(names):
        raise LoadError(f"{path}: empty file (no header row on line 1)")
    return names


def _csv_locate(path: Path, index: int, position: int) -> tuple[int | None, str | None]:
    """Line number and raw text of data record `index` (0-based), found by re-reading the file.

    Only runs on the error path, so the Python csv module's speed is fine; it reports physical
    lines, which is what an editor shows, even when quoted fields span lines. (None, None) if the
    csv module cannot follow the file as far as DuckDB did (say, a field over its size limit)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            next(reader)
            seen = 0
            start = reader.line_num + 1
            for row in reader:
                if row:  # DuckDB skips blank lines, so they are not records
                    if seen == index:
                        return start, row[position] if position < len(row) else None
                    seen += 1
                start = reader.line_num + 1
    except csv.Error:
        pass
    return None, None


def _utf8_error(path: Path) -> LoadError:
    decoder = codecs.getincrementaldecoder("utf-8")()
    consumed, lines = 0, 1
    with path.open("rb") as f:
        while chunk := f.read(1 << 24):
            pending = decoder.getstate()[0]
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                # err.start indexes pending + chunk, which begins len(pending) bytes before `consumed`.
                data = pending + chunk
                offset = consumed - len(pending) + err.start
                line = lines + data.count(b"\n", 0, err.start)
                return LoadError(
                    f"{path}, line {line}: not UTF-8: byte 0x{data[err.start]:02x} at byte offset {offset} "
                    f"cannot be decoded; save the file as UTF-8"
                )
            lines += chunk.count(b"\n")
            consumed += len(chunk)
    return LoadError(f"{path}: not UTF-8: the file ends inside a multi-byte character; save the file as UTF-8")


def _duckdb_reason(err: duckdb.Error) -> str:
    # DuckDB's CSV errors end in a long dump of reader options; the first lines say what is wrong.
    # They quote the offending line (up to 10,000 characters): a glimpse of it is enough.
    lines = []
    for line in str(err).removeprefix("Invalid Input Error: ").splitlines():
        if not line.strip() or line.startswith("Possible"):
            break
        line = line.strip()
        lines.append(line if len(line) <= 120 else line[:117] + "...")
    return "; ".join(lines)


# --- Parquet ---------------------------------------------------------------------------------

def _load_parquet(con: duckdb.DuckDBPyConnection, path: Path, table: Table) -> pa.Table:
    if path.stat().st_size == 0:
        raise LoadError(f"{path}: empty file")
    try:
        schema = pq.read_schema(path)
        present = _match_columns(path, table, list(schema.names))
        data = pq.read_table(path, columns=[c.name for c in present])
    except (pa.ArrowException, OSError) as err:
        raise LoadError(f"{path}: not a readable Parquet file: {err}") from err
    data = data.combine_chunks() if data.num_columns else data
    sources = {c.name: _parquet_source(path, c, data.schema.field(c.name).type) for c in present}
    con.register("_parquet_source", data)
    try:
        result = _convert(con, "_parquet_source", table, sources)
    finally:
        con.unregister("_parquet_source")
    if isinstance(result, tuple):
        column, index = result
        raise _value_error(f"{path}, row {index + 1}", table, column, _text(data.column(column)[index].as_py()))
    return result


def _parquet_source(path: Path, column: Column, arrow_type: pa.DataType) -> tuple[str, str]:
    """(SQL expression, 'text' | 'native') reading `column` from its Parquet type."""
    ref = _quote(column.name)
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type) or pa.types.is_string_view(arrow_type):
        return ref, "text"
    numeric = pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type) or pa.types.is_decimal(arrow_type)
    temporal = pa.types.is_timestamp(arrow_type) or pa.types.is_date(arrow_type)
    if column.type == "varchar" and (numeric or temporal or pa.types.is_boolean(arrow_type)):
        return f"cast({ref} as varchar)", "native"
    if pa.types.is_floating(arrow_type) and column.type in ("bigint", "double"):
        # pandas writes missing floats as NaN, not null.
        return f"(case when not isnan({ref}) then {ref} end)", "native"
    if (numeric and column.type in ("bigint", "double")) or (temporal and column.type == "timestamp"):
        return ref, "native"
    raise LoadError(f"{path}, column {column.name}: Parquet type {arrow_type} cannot be loaded as {column.type}")


def _text(value: object) -> str | None:
    return None if value is None else str(value)


# --- shared ----------------------------------------------------------------------------------

def _parse(expr: str, kind: str, column_type: str) -> str:
    """SQL giving the contract-typed value of `expr`, or null where it breaks the rule."""
    if column_type == "varchar":
        return expr
    if kind == "text":
        check = f"regexp_full_match({expr}, {_literal(_PATTERNS[column_type])})"
        target = "timestamptz" if column_type == "timestamp" else column_type
        parsed = f"case when {check} then try_cast({expr} as {target}) end"
    elif column_type == "bigint":
        parsed = f"case when {expr} = trunc({expr}) then try_cast({expr} as bigint) end"
    else:
        parsed = f"try_cast({expr} as {column_type})"
    if column_type == "double":
        parsed = f"case when isfinite({parsed}) then {parsed} end"
    if column_type == "timestamp":
        # timestamptz -> timestamp gives UTC wall time because the session zone is UTC.
        parsed = f"cast({parsed} as timestamp)"
    return parsed


def _convert(
    con: duckdb.DuckDBPyConnection, source: str, table: Table, sources: dict[str, tuple[str, str]]
) -> pa.Table | tuple[str, int]:
    """Cast `sources` (contract column -> (SQL over `source`, kind)) to the contract in one pass.

    Returns the table, or (column, 0-based row index) of the first value that does not parse.
    Row order is the file's because DuckDB preserves insertion order for plain projections."""
    inner, outer, flags = [], [], []
    for i, column in enumerate(table.columns):
        name = _quote(column.name)
        if column.name not in sources:
            outer.append(f"cast(null as {column.type}) as {name}")
            continue
        expr, kind = sources[column.name]
        if kind == "text" and column.type != "varchar":
            expr = f"nullif(trim({expr}), '')"
        inner.append(f"{expr} as s{i}")
        outer.append(f"{_parse(f's{i}', kind, column.type)} as {name}")
        if column.type != "varchar":
            outer.append(f"s{i}")
            flags.append(f"s{i} is not null and {name} is null as bad{i}")
    sql = f"select {', '.join(outer)} from (select {', '.join(inner) or '1'} from {source})"
    names = ", ".join(_quote(n) for n in table.column_names)
    sql = f"select {', '.join([names, *flags])} from ({sql})"
    result = con.execute(sql).to_arrow_table()

    first: tuple[str, int] | None = None
    for i, column in enumerate(table.columns):
        flag = f"bad{i}"
        if flag not in result.column_names:
            continue
        index = result.column(flag).index(True).as_py()
        if index >= 0 and (first is None or index < first[1]):
            first = (column.name, index)
    if first is not None:
        return first
    return result.select(table.column_names).cast(_schema(table))


def _value_error(where: str, table: Table, column: str, value: str | None) -> LoadError:
    column_type = next(c.type for c in table.columns if c.name == column)
    shown = repr(value if value is None or len(value) <= 80 else value[:77] + "...")
    return LoadError(
        f"{where}, column {column}: value {shown} is not a valid {column_type}; expected {_EXPECTED[column_type]}"
    )
