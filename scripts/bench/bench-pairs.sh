#!/usr/bin/env bash
# Alternating pairs: is build B faster than build A? Runs `mailstats run` of each binary on the same log family
# (fresh data dir each time), PAIRS times, A first in odd pairs and B first in even ones, and prints each pair and
# the paired statistics (mean difference with a 95% interval, how many pairs B won, a two-sided sign test).
# Usage: scripts/bench/bench-pairs.sh BIN_A BIN_B [PAIRS]   (default 10; SIZE_MB, default 1000, picks the family)
# Why pairs: on this VM identical runs differ by about ±7% from minute to minute, more than most changes are worth.
# Two runs a few seconds apart share the machine's mood, so their difference is far steadier than either figure.
source "$(dirname "$0")/common.sh"

BIN_A="${1:?usage: bench-pairs.sh BIN_A BIN_B [PAIRS]}"
BIN_B="${2:?usage: bench-pairs.sh BIN_A BIN_B [PAIRS]}"
PAIRS="${3:-10}"
SIZE_MB="${SIZE_MB:-1000}"
[[ -x "$BIN_A" && -x "$BIN_B" ]] || die "both binaries must be executables"
[[ "$PAIRS" =~ ^[0-9]+$ && "$PAIRS" -ge 2 ]] || die "PAIRS must be a whole number ≥ 2"

ensure_gnu_time
ensure_logs "$SIZE_MB"
NOW="$(json_get "$LOG_DIR/expected.json" suggested_now)"
TZNAME="$(json_get "$LOG_DIR/expected.json" timezone)"
WORK="$(mktemp -d "$BENCH_ROOT/bench-data/pairs.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
RESULTS="$WORK/results.tsv"

# one_run LABEL BIN PAIR: one `mailstats run` under GNU time; appends "pair label wall user sys rss_kb minflt".
one_run() {
    local label="$1" bin="$2" pair="$3" data="$WORK/data-$1" rc
    rm -rf "$data"
    set +e
    /usr/bin/time -f "%e %U %S %M %R" -o "$WORK/time" "$bin" run --logs "$LOG_DIR" --data "$data" \
        --now "$NOW" --timezone "$TZNAME" > /dev/null 2> "$WORK/stderr"
    rc=$?
    set -e
    # 65: some input counted as bad, which the generated families have on purpose (see bench-run.sh)
    [[ "$rc" == 0 || "$rc" == 65 ]] || die "$label ($bin) failed with exit $rc: $(tail -3 "$WORK/stderr")"
    echo "$pair $label $(cat "$WORK/time")" >> "$RESULTS"
}

note "$PAIRS pairs on $LOG_DIR; A = $BIN_A, B = $BIN_B"
for ((p = 1; p <= PAIRS; p++)); do
    if (( p % 2 == 1 )); then one_run A "$BIN_A" "$p"; one_run B "$BIN_B" "$p"
    else one_run B "$BIN_B" "$p"; one_run A "$BIN_A" "$p"; fi
    if (( p == 1 )); then
        # The same rows, summaries and state, or the comparison means nothing (the run lock holds no data).
        rm -f "$WORK/data-A/state/lock" "$WORK/data-B/state/lock"
        if diff -r -q "$WORK/data-A" "$WORK/data-B" > "$WORK/diff"; then OUTPUTS="identical"
        else OUTPUTS="DIFFERENT: $(head -3 "$WORK/diff" | tr '\n' ' ')"; fi
        note "outputs of A and B: $OUTPUTS"
    fi
    note "pair $p: $(grep "^$p " "$RESULTS" | awk '{printf "%s %ss wall %s+%ss cpu; ", $2, $3, $4, $5}')"
done

echo "bench-pairs: $(basename "$LOG_DIR"), $PAIRS pairs, $(nproc) cores; A = $BIN_A; B = $BIN_B"
echo "outputs of A and B (first pair, every file): $OUTPUTS"
python3 - "$RESULTS" <<'PY'
import math, statistics, sys
from collections import defaultdict

runs = defaultdict(dict)
for line in open(sys.argv[1]):
    pair, label, wall, user, sys_, rss, minflt = line.split()
    runs[int(pair)][label] = {"wall": float(wall), "cpu": float(user) + float(sys_), "sys": float(sys_),
                              "rss": int(rss) / 1024, "minflt": int(minflt) / 1000}

# Two-sided 95% t quantiles by degrees of freedom (beyond 30 the normal's 1.96 is close enough).
T95 = [0, 12.71, 4.30, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23, 2.20, 2.18, 2.16, 2.14, 2.13, 2.12,
       2.11, 2.10, 2.09, 2.09, 2.08, 2.07, 2.07, 2.06, 2.06, 2.06, 2.05, 2.05, 2.05, 2.04]

def sign_test(wins, n):
    """Two-sided p of at least this lopsided a split of n pairs if neither build were faster."""
    k = max(wins, n - wins)
    tail = sum(math.comb(n, i) for i in range(k, n + 1)) / 2 ** n
    return min(1.0, 2 * tail)

pairs = sorted(p for p in runs if {"A", "B"} <= runs[p].keys())
n = len(pairs)
print()
print("| metric | A mean | B mean | B − A mean (95% interval) | B − A % | B lower in | sign test p |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for key, unit in (("wall", "s"), ("cpu", "s"), ("sys", "s"), ("rss", "MB"), ("minflt", "k")):
    a = [runs[p]["A"][key] for p in pairs]
    b = [runs[p]["B"][key] for p in pairs]
    d = [y - x for x, y in zip(a, b)]
    mean = statistics.fmean(d)
    half = T95[min(n - 1, 30)] * statistics.stdev(d) / math.sqrt(n) if n > 1 else float("nan")
    wins = sum(1 for x in d if x < 0)
    print(f"| {key} {unit} | {statistics.fmean(a):.2f} | {statistics.fmean(b):.2f} | "
          f"{mean:+.3f} ({mean - half:+.3f} … {mean + half:+.3f}) | {100 * mean / statistics.fmean(a):+.1f}% | "
          f"{wins} of {n} | {sign_test(wins, n):.3f} |")
print()
print("A difference is shown when its 95% interval excludes 0 (and, more robustly, when the sign test's p < 0.05).")
print()
print("| pair | order | A wall s | B wall s | A cpu s | B cpu s | A RSS MB | B RSS MB |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for p in pairs:
    a, b = runs[p]["A"], runs[p]["B"]
    print(f"| {p} | {'A B' if p % 2 else 'B A'} | {a['wall']:.2f} | {b['wall']:.2f} | {a['cpu']:.2f} | "
          f"{b['cpu']:.2f} | {a['rss']:.0f} | {b['rss']:.0f} |")
PY
