#!/usr/bin/env python3
"""Compares mailstats' deliveries dataset with a harness truth file.

Usage: check.py DATA_DIR TRUTH.jsonl [--rejects TRUTH-REJECTS.jsonl]

Reads DATA_DIR/deliveries/**/*.parquet (pyarrow, or duckdb when pyarrow is missing),
ignores notification rows (app `notification` or sender ""), and checks, for every
truth row (hash, recipient), that exactly one delivery row exists with the expected
status and, when the truth gives one, the expected dsn. With --rejects it also checks
that DATA_DIR/rejects holds each expected rejection (recipient, sender, dsn), as many
times as the truth lists it.

Prints one line per mismatch, then exactly `N passed, M failed` (one count per truth row).
Exit 0 when everything passed, 1 on any mismatch or missing row, 2 on usage errors.
"""
import argparse
import glob
import json
import os
import sys
from collections import Counter, defaultdict

DELIVERY_COLUMNS = ["hash", "app", "sender", "recipient", "status", "dsn", "queue_id"]
REJECT_COLUMNS = ["sender", "recipient", "dsn"]


def read_rows(directory, columns):
    """All rows of every Parquet file under directory, as dicts of the given columns."""
    files = sorted(glob.glob(os.path.join(directory, "**", "*.parquet"), recursive=True))
    rows = []
    try:
        import pyarrow.parquet as pq
        for path in files:
            # Read file by file: the day=... directories are not needed, and a partition
            # column must not clash with the file's own columns.
            table = pq.ParquetFile(path).read(columns=columns)
            rows.extend(table.to_pylist())
    except ImportError:
        import duckdb
        for path in files:
            cursor = duckdb.connect().execute(
                f"SELECT {', '.join(columns)} FROM read_parquet(?)", [path])
            names = [d[0] for d in cursor.description]
            rows.extend(dict(zip(names, values)) for values in cursor.fetchall())
    return files, rows


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def norm(address):
    return (address or "").strip().lower()


def describe(row):
    return f"status={row.get('status')} dsn={row.get('dsn')} queue_id={row.get('queue_id')}"


def check_deliveries(data_dir, truth):
    files, rows = read_rows(os.path.join(data_dir, "deliveries"), DELIVERY_COLUMNS)
    by_key = defaultdict(list)
    for row in rows:
        if row.get("app") == "notification" or row.get("sender") == "":
            continue
        by_key[(row.get("hash"), norm(row.get("recipient")))].append(row)
    passed, failures = 0, []
    for want in truth:
        key = (want["hash"], norm(want["recipient"]))
        label = f"{want['hash']} {want['recipient']}"
        expected = f"status={want['status']}" + (f" dsn={want['dsn']}" if want.get("dsn") else "")
        found = by_key.get(key, [])
        if not found:
            failures.append(f"MISSING {label}: expected {expected}, no delivery row")
        elif len(found) > 1:
            failures.append(f"DUPLICATE {label}: expected one row with {expected}, got {len(found)}: "
                            + "; ".join(describe(r) for r in found))
        elif found[0].get("status") != want["status"] or (
                want.get("dsn") and found[0].get("dsn") != want["dsn"]):
            failures.append(f"MISMATCH {label}: expected {expected}, got {describe(found[0])}")
        else:
            passed += 1
    truth_keys = {(w["hash"], norm(w["recipient"])) for w in truth}
    extra = sum(len(v) for k, v in by_key.items() if k not in truth_keys)
    return files, passed, failures, extra


def check_rejects(data_dir, expected_rows):
    _, rows = read_rows(os.path.join(data_dir, "rejects"), REJECT_COLUMNS)
    have = Counter((norm(r.get("recipient")), norm(r.get("sender"))) for r in rows)
    have_dsn = defaultdict(set)
    for r in rows:
        have_dsn[(norm(r.get("recipient")), norm(r.get("sender")))].add(r.get("dsn"))
    passed, failures = 0, []
    used = Counter()
    for want in expected_rows:
        key = (norm(want["recipient"]), norm(want["sender"]))
        used[key] += 1
        label = f"reject {want['recipient']} from {want['sender']}"
        if have[key] < used[key]:
            failures.append(f"MISSING {label}: expected {used[key]} reject row(s), got {have[key]}")
        elif want.get("dsn") and want["dsn"] not in have_dsn[key]:
            failures.append(f"MISMATCH {label}: expected dsn={want['dsn']}, got {sorted(map(str, have_dsn[key]))}")
        else:
            passed += 1
    return passed, failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir")
    parser.add_argument("truth")
    parser.add_argument("--rejects", help="truth-rejects.jsonl written by the harness")
    args = parser.parse_args()
    if not os.path.isdir(args.data_dir) or not os.path.isfile(args.truth):
        print(f"check.py: need a data directory and a truth file", file=sys.stderr)
        return 2
    truth = read_jsonl(args.truth)
    files, passed, failures, extra = check_deliveries(args.data_dir, truth)
    if args.rejects:
        more_passed, more_failures = check_rejects(args.data_dir, read_jsonl(args.rejects))
        passed += more_passed
        failures += more_failures
    for line in failures:
        print(line)
    if not files:
        print(f"note: no Parquet files under {os.path.join(args.data_dir, 'deliveries')}")
    if extra:
        print(f"note: {extra} delivery row(s) not named by the truth were ignored")
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
