#!/usr/bin/env python3
"""Reads a mailstats data directory with pyarrow AND DuckDB, as an analyst would, and checks the contract.

Usage: verify_dataset.py DATA_DIR

For each dataset (deliveries, attempts, rejects): both engines read every day partition (Hive layout,
`day=YYYY-MM-DD`), the column names and types must be the contract's, both engines must agree on the row
count and on the per-status (or per-code) counts, and DuckDB's filtered count `status = 'sent'` (which uses
the column statistics) must equal pyarrow's. Prints a JSON object of row counts per dataset on stdout.
Exit 0 when everything holds, 1 otherwise (the reason on stderr), 2 when pyarrow or duckdb is missing.
"""
import json
import os
import sys

try:
    import duckdb
    import pyarrow as pa
    import pyarrow.dataset as ds
except ImportError as error:  # never skip: the caller's test must fail
    print(f"verify_dataset.py: {error}", file=sys.stderr)
    sys.exit(2)

S, TS, I32, I64, F64 = pa.string(), pa.timestamp("us", tz="UTC"), pa.int32(), pa.int64(), pa.float64()
CONTRACT = {
    "deliveries": [("host", S), ("queue_id", S), ("message_id", S), ("hash", S), ("app", S), ("sender", S),
                   ("recipient", S), ("orig_recipient", S), ("recipient_domain", S), ("status", S), ("dsn", S),
                   ("relay", S), ("response", S), ("category", S), ("received_at", TS), ("finished_at", TS),
                   ("delay_s", F64), ("attempts", I32), ("size", I64)],
    "attempts": [("host", S), ("queue_id", S), ("hash", S), ("app", S), ("recipient", S),
                 ("recipient_domain", S), ("attempted_at", TS), ("status", S), ("dsn", S), ("relay", S),
                 ("response", S), ("category", S), ("delay_s", F64)],
    "rejects": [("host", S), ("rejected_at", TS), ("client", S), ("sender", S), ("recipient", S),
                ("recipient_domain", S), ("code", I32), ("dsn", S), ("response", S)],
}


def fail(message):
    print(f"verify_dataset.py: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    root = sys.argv[1]
    counts = {}
    for name, columns in CONTRACT.items():
        directory = os.path.join(root, name)
        if not os.path.isdir(directory):
            counts[name] = 0
            continue
        partitioning = ds.partitioning(pa.schema([("day", pa.string())]), flavor="hive")
        table = ds.dataset(directory, format="parquet", partitioning=partitioning).to_table()
        schema = [(f.name, f.type) for f in table.schema if f.name != "day"]
        if schema != columns:
            fail(f"{name}: pyarrow schema {schema} is not the contract's {columns}")
        glob = os.path.join(directory, "*", "*.parquet")
        con = duckdb.connect()
        duck_rows = con.execute(f"select count(*) from read_parquet('{glob}', hive_partitioning = true)").fetchone()[0]
        if duck_rows != table.num_rows:
            fail(f"{name}: duckdb reads {duck_rows} rows, pyarrow {table.num_rows}")
        key = "code" if name == "rejects" else "status"
        arrow_groups = {}
        for value in table.column(key).to_pylist():
            arrow_groups[value] = arrow_groups.get(value, 0) + 1
        duck_groups = dict(con.execute(
            f"select {key}, count(*) from read_parquet('{glob}', hive_partitioning = true) group by all").fetchall())
        if duck_groups != arrow_groups:
            fail(f"{name}: per-{key} counts differ: duckdb {duck_groups}, pyarrow {arrow_groups}")
        if key == "status":
            sent = con.execute(f"select count(*) from read_parquet('{glob}') where status = 'sent'").fetchone()[0]
            if sent != arrow_groups.get("sent", 0):
                fail(f"{name}: duckdb filter status = 'sent' gives {sent}, pyarrow {arrow_groups.get('sent', 0)}")
        days = sorted(d[4:] for d in os.listdir(directory) if d.startswith("day="))
        duck_days = sorted(str(r[0]) for r in con.execute(
            f"select distinct day from read_parquet('{glob}', hive_partitioning = true)").fetchall())
        if duck_days != days:
            fail(f"{name}: duckdb sees days {duck_days}, the directory holds {days}")
        counts[name] = table.num_rows
    print(json.dumps(counts, sort_keys=True))


if __name__ == "__main__":
    main()
