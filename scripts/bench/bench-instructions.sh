#!/usr/bin/env bash
# Instructions executed by `mailstats run` (valgrind's cachegrind), for one or more builds on the same log family.
# Usage: scripts/bench/bench-instructions.sh BIN [BIN…]   (SIZE_MB, default 1000, picks the family; TOP, default 25,
#        how many functions to list per build; KEEP_OUT=DIR keeps the cachegrind files for cg-functions.py)
# Why: on this VM identical timed runs differ by ±7% and there are no hardware counters, so a change worth 1–3%
# cannot be shown by timing alone. The instruction count of a run is the same to within about 0.1% from run to run
# (threads interleave differently, little else changes), so it shows such a change at once. It is not time: it
# ignores cache misses and how many instructions run per cycle. Confirm a gain in time with bench-pairs.sh.
# Cost: the 1 GB family takes about 4 minutes per build (one core; valgrind runs the threads one at a time).
source "$(dirname "$0")/common.sh"

(( $# >= 1 )) || die "usage: bench-instructions.sh BIN [BIN…]"
SIZE_MB="${SIZE_MB:-1000}"
TOP="${TOP:-25}"
for bin in "$@"; do [[ -x "$bin" ]] || die "$bin is not an executable"; done
if ! command -v valgrind >/dev/null 2>&1; then
    note "installing valgrind (Debian package)"
    apt-get install -y -q valgrind >/dev/null 2>&1 || die "valgrind missing; install the Debian package 'valgrind'"
fi
command -v cc >/dev/null 2>&1 || die "a C compiler is needed for the valgrind preload (Debian package 'gcc')"

ensure_logs "$SIZE_MB"
NOW="$(json_get "$LOG_DIR/expected.json" suggested_now)"
TZNAME="$(json_get "$LOG_DIR/expected.json" timezone)"
WORK="$(mktemp -d "$BENCH_ROOT/bench-data/instructions.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
# See valgrind/sigsuspend-copy.c: without it valgrind aborts on every mailstats command.
cc -O2 -shared -fPIC "$BENCH_ROOT/scripts/bench/valgrind/sigsuspend-copy.c" -o "$WORK/sigsuspend-copy.so" \
    || die "could not build the valgrind preload"

echo "bench-instructions: $(basename "$LOG_DIR"), cachegrind (instructions only)"
echo
echo "| build | instructions (G) | vs first |"
echo "| --- | --- | --- |"
FIRST=""
i=0
for bin in "$@"; do
    i=$((i + 1))
    out="$WORK/cachegrind.$i.out"
    note "build $i: $bin"
    set +e
    LD_PRELOAD="$WORK/sigsuspend-copy.so" valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$out" \
        "$bin" run --logs "$LOG_DIR" --data "$WORK/data-$i" --now "$NOW" --timezone "$TZNAME" \
        > "$WORK/stdout" 2> "$WORK/stderr"
    rc=$?
    set -e
    [[ "$rc" == 0 || "$rc" == 65 ]] || die "$bin failed under valgrind (exit $rc): $(tail -3 "$WORK/stderr")"
    total=$(sed -n 's/^summary: //p' "$out")
    [[ -n "$FIRST" ]] || FIRST=$total
    printf '| %s | %s | %s |\n' "$bin" "$(fmt "$(echo "$total / 1000000000" | bc -l)" 3)" \
        "$(fmt "$(echo "100 * ($total - $FIRST) / $FIRST" | bc -l)" 2)%"
    cp "$out" "$WORK/keep.$i"
    rm -rf "$WORK/data-$i"
done

i=0
for bin in "$@"; do
    i=$((i + 1))
    echo
    echo "Top $TOP functions of build $i ($bin), own instructions, inlined code included:"
    echo
    python3 "$BENCH_ROOT/scripts/bench/valgrind/cg-functions.py" "$WORK/keep.$i" "$TOP"
done
if [[ -n "${KEEP_OUT:-}" ]]; then
    mkdir -p "$KEEP_OUT"
    cp "$WORK"/keep.* "$KEEP_OUT"/
    note "cachegrind files kept in $KEEP_OUT (read them with cg_annotate)"
fi
