# Shared helpers for scripts/bench/*.sh (sourced, not run). Works from the package root.
# Environment knobs: SEED (default 1), FILES (default 8), RUNS (best of N, default 1),
# MAILSTATS (path to a prebuilt binary; skips the build), NO_BUILD=1 (use the existing release binary).

set -euo pipefail

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$BENCH_ROOT"

SEED="${SEED:-1}"
FILES="${FILES:-8}"
RUNS="${RUNS:-1}"

die() { echo "error: $*" >&2; exit 1; }
note() { echo "# $*" >&2; }

# GNU time gives peak RSS ("Maximum resident set size"); Debian package `time`.
ensure_gnu_time() {
    if ! /usr/bin/time -v true >/dev/null 2>&1; then
        note "installing GNU time (Debian package 'time')"
        apt-get install -y -q time >/dev/null 2>&1 || die "/usr/bin/time missing; install the Debian package 'time'"
    fi
}

# The release binary, built here unless MAILSTATS or NO_BUILD says otherwise. Sets MAILSTATS_BIN ('' if missing).
build_mailstats() {
    MAILSTATS_BIN=""
    if [[ -n "${MAILSTATS:-}" ]]; then
        [[ -x "$MAILSTATS" ]] && MAILSTATS_BIN="$MAILSTATS" || note "MAILSTATS=$MAILSTATS is not an executable"
        return 0
    fi
    local binpath
    if [[ -z "${NO_BUILD:-}" ]]; then
        note "swift build -c release --product mailstats"
        if ! swift build -c release --product mailstats >&2; then
            note "release build failed: mailstats figures will be missing"
        fi
    fi
    binpath="$(swift build -c release --show-bin-path 2>/dev/null || true)"
    if [[ -n "$binpath" && -x "$binpath/mailstats" ]]; then
        MAILSTATS_BIN="$binpath/mailstats"
    else
        note "no release mailstats binary (expected at ${binpath:-.build/release}/mailstats)"
    fi
}

# Generates (or reuses) bench-data/logs-<size>mb-seed<seed>/. Sets LOG_DIR, LOG_FILES (oldest first), RAW_BYTES.
ensure_logs() {
    local size_mb="$1"
    LOG_DIR="bench-data/logs-${size_mb}mb-seed${SEED}-f${FILES}"
    if [[ ! -f "$LOG_DIR/expected.json" ]]; then
        note "generating $size_mb MB of logs into $LOG_DIR"
        local t0 t1
        t0=$(date +%s.%N)
        python3 scripts/gen-logs.py "$LOG_DIR" --size-mb "$size_mb" --seed "$SEED" --files "$FILES" \
            || die "log generation failed"
        t1=$(date +%s.%N)
        GEN_SECONDS=$(echo "$t1 - $t0" | bc -l)
    else
        note "reusing $LOG_DIR"
        GEN_SECONDS=""
    fi
    mapfile -t LOG_FILES < <(python3 -c '
import json, sys
e = json.load(open(sys.argv[1] + "/expected.json"))
for f in e["files"]:
    print(sys.argv[1] + "/" + f["name"])
' "$LOG_DIR")
    RAW_BYTES=$(json_get "$LOG_DIR/expected.json" bytes)
    GZ_COUNT=0
    for f in "${LOG_FILES[@]}"; do [[ "$f" == *.gz ]] && GZ_COUNT=$((GZ_COUNT + 1)); done
    DISK_BYTES=$(du -cb "${LOG_FILES[@]}" | tail -1 | cut -f1)
    # warm the page cache so every contender reads from memory
    cat "${LOG_FILES[@]}" > /dev/null
}

# json_get FILE KEY.PATH -> value ('' when absent)
json_get() {
    python3 - "$1" "$2" <<'PY'
import json, sys
try:
    v = json.load(open(sys.argv[1]))
    for k in sys.argv[2].split("."):
        v = v[k]
    print(v)
except Exception:
    print("")
PY
}

# measure NAME CMD... : runs CMD (a shell string via bash -c) RUNS times under GNU time; keeps the best wall
# time. Sets M_WALL (s), M_CPU (user+sys s of that run, children included: robust when other work shares the
# cores), M_RSS_KB (peak RSS of the largest process, KB), M_RC (exit status of the best run),
# and leaves stdout/stderr of the last run in $M_OUT / $M_ERR.
M_OUT=""; M_ERR=""
measure() {
    local name="$1" cmd="$2" i t0 t1 wall rc rss tf cpu
    M_WALL=""; M_CPU=""; M_RSS_KB=""; M_RC=0
    tf=$(mktemp); M_OUT=$(mktemp); M_ERR=$(mktemp)
    for ((i = 0; i < RUNS; i++)); do
        t0=$(date +%s.%N)
        set +e
        /usr/bin/time -v -o "$tf" bash -c "set -o pipefail; $cmd" > "$M_OUT" 2> "$M_ERR"
        rc=$?
        set -e
        t1=$(date +%s.%N)
        wall=$(echo "$t1 - $t0" | bc -l)
        rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$tf")
        cpu=$(sed -n 's/^[[:space:]]*\(User\|System\) time (seconds): //p' "$tf" | paste -sd+ | bc -l)
        if [[ -z "$M_WALL" ]] || (( $(echo "$wall < $M_WALL" | bc -l) )); then
            M_WALL=$wall; M_CPU=$cpu; M_RC=$rc
        fi
        if [[ -z "$M_RSS_KB" ]] || (( rss > M_RSS_KB )); then M_RSS_KB=$rss; fi
    done
    rm -f "$tf"
    note "$name: $(printf '%.2f' "$M_WALL") s wall, $(printf '%.2f' "$M_CPU") s cpu, exit $M_RC, peak RSS $((M_RSS_KB / 1024)) MB"
}

fmt() { printf "%.${2:-2}f" "$1"; }
mb() { fmt "$(echo "$1 / 1024" | bc -l)" 1; }  # KB -> MB, one decimal
mbps() { echo "$RAW_BYTES / 1000000 / $1" | bc -l; }
quoted_files() { printf '%q ' "${LOG_FILES[@]}"; }

# The report's first lines: what the input is (and how fast it was generated). $1: text for the end of line 1.
print_input_header() {
    echo "$SCRIPT_NAME: $(fmt "$(echo "$RAW_BYTES / 1000000" | bc -l)" 1) MB uncompressed in ${#LOG_FILES[@]} files" \
         "($GZ_COUNT gzipped, $(fmt "$(echo "$DISK_BYTES / 1000000" | bc -l)" 1) MB on disk), seed $SEED, best of $RUNS," \
         "$(nproc) cores${1:-}"
    [[ -n "${GEN_SECONDS:-}" ]] && echo "generated in $(fmt "$GEN_SECONDS" 1) s" \
        "($(fmt "$(echo "$RAW_BYTES / 1000000 / $GEN_SECONDS" | bc -l)" 1) MB/s uncompressed)"
    return 0
}

# The results table: `table_start WIDTH` prints the header with a first column WIDTH wide; `table_row LABEL
# WALL CPU RSS_KB` one measured command (empty WALL: n/a).
table_start() {
    TABLE_WIDTH=$1
    printf "| %-${TABLE_WIDTH}s | %9s | %9s | %9s | %12s |\n" "command" "wall s" "cpu s" "MB/s" "peak RSS MB"
    printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' $(seq 1 $((TABLE_WIDTH + 2))))" "-----------" "-----------" \
        "-----------" "--------------"
}
table_row() {
    if [[ -n "$2" ]]; then
        printf "| %-${TABLE_WIDTH}s | %9s | %9s | %9s | %12s |\n" "$1" "$(fmt "$2")" "$(fmt "$3")" \
            "$(fmt "$(mbps "$2")" 1)" "$(mb "$4")"
    else
        printf "| %-${TABLE_WIDTH}s | %9s | %9s | %9s | %12s |\n" "$1" "n/a" "n/a" "n/a" "n/a"
    fi
}

# "met" when the bc expression $1 is true, else "MISSED".
verdict() { if (( $(echo "$1" | bc -l) )); then echo "met"; else echo "MISSED"; fi; }
