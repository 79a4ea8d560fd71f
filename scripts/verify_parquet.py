#!/usr/bin/env python3
"""Check mailstats Parquet files with two independent readers, pyarrow and DuckDB.

Usage: verify_parquet.py MANIFEST.json

The manifest (written by the Swift tests, see Tests/StagesTests/InteropManifest.swift) lists every file with
its expected column types and values. For every .parquet file under the manifest's root (a file missing from
the manifest is an error) this script checks, in BOTH engines:
  * the schema (names, types, nullability),
  * every value, row by row,
  * the chunk statistics (null_count, min/max in unsigned byte order) against the values, per row group,
  * equality-filter counts (these go through the statistics; DuckDB silently returns 0 rows when they are
    wrong),
and per Hive day partition the row count (including days that must have no rows), with `day` coming only
from the directory. Exits 0 when everything matches, 1 on a mismatch, 2 when pyarrow or duckdb is missing
(a missing engine must fail the test, never skip it).
"""
import json
import os
import sys

try:
    import duckdb
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq
except ImportError as error:  # pragma: no cover
    print(f"verify_parquet: cannot import pyarrow/duckdb ({error}); install with: pip install pyarrow duckdb")
    sys.exit(2)

ARROW_TYPES = {
    "string": (pa.string(), pa.large_string(), pa.string_view()),
    "int32": (pa.int32(),),
    "int64": (pa.int64(),),
    "double": (pa.float64(),),
    "boolean": (pa.bool_(),),
    "timestampMicros": (pa.timestamp("us", tz="UTC"), pa.timestamp("us", tz="+00:00")),
}
DUCK_TYPES = {
    "string": "VARCHAR",
    "int32": "INTEGER",
    "int64": "BIGINT",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "timestampMicros": "TIMESTAMP WITH TIME ZONE",
}

failures = []


def fail(message):
    failures.append(message)
    print("FAIL:", message)


def quote(name):
    return '"' + name.replace('"', '""') + '"'


def same(kind, got, expected):
    """Value and type equality; JSON writes 0.0 as 0, so doubles compare as floats."""
    if got is None or expected is None:
        return got is None and expected is None
    if kind == "string":
        return isinstance(got, str) and got == expected
    if kind == "boolean":
        return isinstance(got, bool) and got == expected
    if kind == "double":
        return isinstance(got, float) and got == float(expected)
    return isinstance(got, int) and not isinstance(got, bool) and got == expected


def check_values(engine, path, column, got):
    expected = column["values"]
    if len(got) != len(expected):
        fail(f"{engine} {path} {column['name']}: {len(got)} values, expected {len(expected)}")
        return
    for row, (g, e) in enumerate(zip(got, expected)):
        if not same(column["type"], g, e):
            fail(f"{engine} {path} {column['name']} row {row}: got {g!r}, expected {e!r}")
            return


def check_pyarrow(path, spec):
    pf = pq.ParquetFile(path)
    schema = pf.schema_arrow
    names = [c["name"] for c in spec["columns"]]
    if schema.names != names:
        fail(f"pyarrow {path}: columns {schema.names}, expected {names}")
        return
    table = pf.read()
    for column in spec["columns"]:
        field = schema.field(column["name"])
        if field.type not in ARROW_TYPES[column["type"]]:
            fail(f"pyarrow {path} {column['name']}: type {field.type}, expected {column['type']}")
        if field.nullable != column["optional"]:
            fail(f"pyarrow {path} {column['name']}: nullable {field.nullable}, expected {column['optional']}")
        array = table.column(column["name"])
        if column["type"] == "timestampMicros":
            array = array.cast(pa.int64())
        check_values("pyarrow", path, column, array.to_pylist())
    # Statistics per row group against the expected values.
    metadata = pf.metadata
    start = 0
    for g in range(metadata.num_row_groups):
        group = metadata.row_group(g)
        count = group.num_rows
        for j, column in enumerate(spec["columns"]):
            values = column["values"][start:start + count]
            present = [v for v in values if v is not None and not (isinstance(v, float) and v != v)]
            stats = group.column(j).statistics
            if stats is None:
                fail(f"pyarrow {path} rg{g} {column['name']}: no statistics")
                continue
            nulls = sum(1 for v in values if v is None)
            if stats.null_count != nulls:
                fail(f"pyarrow {path} rg{g} {column['name']}: null_count {stats.null_count}, expected {nulls}")
            if not present:
                if stats.has_min_max:
                    fail(f"pyarrow {path} rg{g} {column['name']}: min/max on an all-null chunk")
                continue
            if not stats.has_min_max:
                fail(f"pyarrow {path} rg{g} {column['name']}: min/max missing (column_orders?)")
                continue
            if column["type"] == "double":
                present = [float(v) for v in present]
            lo, hi = min(present), max(present)
            got_lo, got_hi = stats.min_raw, stats.max_raw
            if column["type"] == "string":
                got_lo, got_hi = got_lo.decode("utf-8") if isinstance(got_lo, bytes) else got_lo, \
                    got_hi.decode("utf-8") if isinstance(got_hi, bytes) else got_hi
            if got_lo != lo or got_hi != hi:
                fail(f"pyarrow {path} rg{g} {column['name']}: min/max {got_lo!r}/{got_hi!r}, expected {lo!r}/{hi!r}")
        start += count
    total = len(spec["columns"][0]["values"]) if spec["columns"] else 0
    if start != total:
        fail(f"pyarrow {path}: row groups hold {start} rows")
    for flt in spec["filters"]:
        expected = sum(1 for v in next(c for c in spec["columns"] if c["name"] == flt["column"])["values"]
                       if v == flt["value"])
        got = pq.read_table(path, filters=[(flt["column"], "=", flt["value"])]).num_rows
        if got != expected:
            fail(f"pyarrow {path}: {flt['column']} = {flt['value']!r} gives {got} rows, expected {expected}")


def check_duckdb(con, path, spec):
    described = con.execute("DESCRIBE SELECT * FROM read_parquet(?, hive_partitioning = false)", [path]).fetchall()
    got_schema = [(row[0], row[1]) for row in described]
    expected_schema = [(c["name"], DUCK_TYPES[c["type"]]) for c in spec["columns"]]
    if got_schema != expected_schema:
        fail(f"duckdb {path}: schema {got_schema}, expected {expected_schema}")
        return
    if not spec["columns"]:
        return
    select = ", ".join(
        f"epoch_us({quote(c['name'])})" if c["type"] == "timestampMicros" else quote(c["name"])
        for c in spec["columns"]
    )
    rows = con.execute(f"SELECT {select} FROM read_parquet(?, hive_partitioning = false)", [path]).fetchall()
    for j, column in enumerate(spec["columns"]):
        check_values("duckdb", path, column, [row[j] for row in rows])
    for flt in spec["filters"]:
        expected = sum(1 for v in next(c for c in spec["columns"] if c["name"] == flt["column"])["values"]
                       if v == flt["value"])
        got = con.execute(f"SELECT count(*) FROM read_parquet(?, hive_partitioning = false) WHERE {quote(flt['column'])} = ?",
                          [path, flt["value"]]).fetchone()[0]
        if got != expected:
            fail(f"duckdb {path}: {flt['column']} = {flt['value']!r} gives {got} rows, expected {expected}")


def check_days(con, root, day_counts):
    for entry in day_counts:
        base = entry["directory"]
        pattern = os.path.join(base, "*", "*.parquet")
        got = con.execute(
            "SELECT count(*) FROM read_parquet(?, hive_partitioning = true) WHERE day = CAST(? AS DATE)",
            [pattern, entry["day"]],
        ).fetchone()[0]
        if got != entry["rows"]:
            fail(f"duckdb {base} day {entry['day']}: {got} rows, expected {entry['rows']}")
        partitioning = ds.partitioning(pa.schema([("day", pa.string())]), flavor="hive")
        dataset = ds.dataset(base, format="parquet", partitioning=partitioning)
        if "day" not in dataset.schema.names:
            fail(f"pyarrow {base}: no day partition column")
            continue
        got = dataset.count_rows(filter=ds.field("day") == entry["day"])
        if got != entry["rows"]:
            fail(f"pyarrow {base} day {entry['day']}: {got} rows, expected {entry['rows']}")


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(64)
    with open(sys.argv[1]) as handle:
        manifest = json.load(handle)
    root = manifest["root"]
    specs = {os.path.realpath(f["path"]): f for f in manifest["files"]}
    on_disk = set()
    for directory, _, names in os.walk(root):
        for name in names:
            if name.endswith(".parquet"):
                on_disk.add(os.path.realpath(os.path.join(directory, name)))
            if name.endswith(".tmp"):
                fail(f"leftover temp file {os.path.join(directory, name)}")
    for path in sorted(on_disk - set(specs)):
        fail(f"{path}: produced by the tests but not described in the manifest")
    for path in sorted(set(specs) - on_disk):
        fail(f"{path}: in the manifest but missing on disk")
    con = duckdb.connect()
    checked = 0
    for path in sorted(on_disk & set(specs)):
        spec = specs[path]
        for name, check in (("pyarrow", lambda: check_pyarrow(path, spec)), ("duckdb", lambda: check_duckdb(con, path, spec))):
            try:
                check()
            except Exception as error:  # any reader error is a failure with the file named
                fail(f"{name} {path}: {type(error).__name__}: {error}")
        if "day" in [c["name"] for c in spec["columns"]]:
            fail(f"{path}: stores a day column (the directory carries it)")
        checked += 1
    try:
        check_days(con, root, manifest.get("dayCounts", []))
    except Exception as error:
        fail(f"day partitions: {type(error).__name__}: {error}")
    print(f"verify_parquet: {checked} files, {len(manifest.get('dayCounts', []))} day partitions, "
          f"pyarrow {pa.__version__}, duckdb {duckdb.__version__}: {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
