#!/usr/bin/env bash
# Parquet writer benchmark: rows/s for 1 M delivery rows and file size next to pyarrow (GZIP) writing the
# same rows.
#
# Usage: scripts/bench/parquet.sh [ROWS] [LEVELS]     (defaults: 1000000 and "1,3,6")
#
# Builds the tests in release (with -enable-testing, since the test target uses @testable imports), runs the
# gated ParquetBench test (MAILSTATS_BENCH=1), which writes one file per zlib level under $OUT and prints
# the timings, then lets pyarrow read those rows and write them again with GZIP (its default level and the
# same levels), and prints the size ratios. Requires python3 with pyarrow.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS="${1:-1000000}"
LEVELS="${2:-1,3,6}"
OUT="${MAILSTATS_BENCH_OUT:-$(mktemp -d /tmp/mailstats-parquet-bench.XXXXXX)}"
mkdir -p "$OUT"

MAILSTATS_BENCH=1 MAILSTATS_BENCH_ROWS="$ROWS" MAILSTATS_BENCH_LEVELS="$LEVELS" MAILSTATS_BENCH_OUT="$OUT" \
    swift test -c release -Xswiftc -enable-testing --filter ParquetBench 2>&1 | grep -E "ParquetBench level|passed|failed|error" || true
cat "$OUT/swift-report.txt"

python3 - "$OUT" "$LEVELS" <<'PY'
import os, sys, time
import pyarrow.parquet as pq
out, levels = sys.argv[1], [int(x) for x in sys.argv[2].split(",")]
source = os.path.join(out, f"level{levels[0]}", "deliveries.parquet")
table = pq.read_table(source)
print(f"pyarrow {pq.__name__}: {table.num_rows} rows read back from {source}")
targets = [("default", None)] + [(str(l), l) for l in levels]
sizes = {}
for name, level in targets:
    path = os.path.join(out, f"pyarrow-gzip-{name}.parquet")
    started = time.perf_counter()
    pq.write_table(table, path, compression="gzip", compression_level=level)
    elapsed = time.perf_counter() - started
    sizes[name] = os.path.getsize(path)
    print(f"pyarrow gzip level {name}: {sizes[name]} bytes, {elapsed:.3f} s ({table.num_rows / elapsed:,.0f} rows/s)")
for level in levels:
    ours = os.path.getsize(os.path.join(out, f"level{level}", "deliveries.parquet"))
    print(f"mailstats level {level}: {ours} bytes = {ours / sizes['default']:.3f} x pyarrow default gzip, "
          f"{ours / sizes[str(level)]:.3f} x pyarrow gzip level {level}")
PY
