#!/usr/bin/env bash
# Records pgo/mailstats.profdata, the profile that release builds of mailstats are optimised with
# (Package.swift, `MAILSTATS_PGO`; README, "Development", says when to refresh it).
#
#   scripts/refresh-pgo-profile.sh            # then commit pgo/mailstats.profdata
#
# 1. builds an instrumented mailstats (`MAILSTATS_PGO=generate`, scratch path .build-pgo-generate);
# 2. generates a log family with scripts/gen-logs.py in a temporary directory: 300 MB, seed 7, 8 files (knobs:
#    SIZE_MB, SEED), not the benchmarks' seed 1, so the profile is not trained on the figures it is judged by;
#    300 MB so that day tables pass 32 K rows, where the sort and the day summaries prefetch (`SortLookahead`,
#    `DaySummaryBuilder`): at 200 MB those branches never ran and were compiled as cold;
# 3. runs `mailstats run` over it once (the hourly job: reading, parsing, correlating, writing Parquet and the
#    summaries), the counters going to LLVM_PROFILE_FILE;
# 4. merges them with the toolchain's own llvm-profdata (its format must match the compiler's) into
#    pgo/mailstats.profdata, keeping only functions that ran (`--sparse`: code the run never reached is compiled
#    as without a profile, not as cold), and prints how far the new profile is from the old one;
# 5. deletes the object files of our three targets in .build's release build: SwiftPM does not know the profile
#    is an input, and the compiler keeps an object whose IR before optimisation is unchanged (it hashes the IR,
#    not the profile), so without this the next `swift build -c release` would keep the old profile's code.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${SIZE_MB:-300}
seed=${SEED:-7}
profile=pgo/mailstats.profdata

profdata=$(dirname "$(readlink -f "$(command -v swift)")")/llvm-profdata
[[ -x $profdata ]] || profdata=$(command -v llvm-profdata) || { echo "no llvm-profdata beside swift or on PATH" >&2; exit 1; }

work=$(mktemp -d /tmp/mailstats-pgo.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "== instrumented build" >&2
MAILSTATS_PGO=generate swift build -c release --product mailstats --scratch-path .build-pgo-generate >&2
bin=.build-pgo-generate/release/mailstats

echo "== training logs: ${size_mb} MB, seed $seed" >&2
python3 scripts/gen-logs.py "$work/logs" --size-mb "$size_mb" --seed "$seed" --files 8 >&2
now=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["suggested_now"])' "$work/logs/expected.json")

echo "== training run" >&2
LLVM_PROFILE_FILE="$work/raw/run-%p.profraw" \
    "$bin" run --logs "$work/logs" --data "$work/data" --now "$now" --timezone UTC

echo "== merge" >&2
mkdir -p "$(dirname "$profile")"
"$profdata" merge --sparse -o "$work/new.profdata" "$work"/raw/*.profraw
if [[ -f $profile ]]; then
    echo "-- overlap with the previous profile (100%: the same counts):" >&2
    "$profdata" overlap "$profile" "$work/new.profdata" 2>&1 | grep -E 'functions|Edge profile overlap|ismatch' >&2 || true
fi
mv "$work/new.profdata" "$profile"
"$profdata" show "$profile" | grep -E 'Total functions|Total count' >&2
rm -f .build/*/release/{Pipeline,Stages,mailstats}.build/*.o
echo "wrote $profile ($(stat -c %s "$profile") bytes); rebuild with: swift build -c release --product mailstats" >&2
