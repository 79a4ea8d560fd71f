#!/usr/bin/env bash
# Full run: `mailstats run` over the whole log family (fresh data dir) vs `zcat > /dev/null` vs pflogsumm.
# Usage: scripts/bench/bench-run.sh [SIZE_MB]   (default 1000; see scripts/bench/README.md)
# Targets (reported, never enforced): mailstats/zcat wall <= 1.0, pflogsumm/mailstats wall >= 20,
# peak RSS <= 256 MB, in-flight state <= 1 KB per message in flight.
source "$(dirname "$0")/common.sh"

SIZE_MB="${1:-1000}"
[[ "$SIZE_MB" =~ ^[0-9]+$ ]] || die "SIZE_MB must be a whole number of MB"

ensure_gnu_time
if ! command -v pflogsumm >/dev/null 2>&1; then
    note "installing pflogsumm (Debian package)"
    apt-get install -y -q pflogsumm >/dev/null 2>&1 || die "pflogsumm missing; install the Debian package 'pflogsumm'"
fi
build_mailstats
ensure_logs "$SIZE_MB"
FILES_Q="$(quoted_files)"
EXPECTED="$LOG_DIR/expected.json"
NOW="$(json_get "$EXPECTED" suggested_now)"
TZNAME="$(json_get "$EXPECTED" timezone)"
STATUS=0

measure "zcat" "zcat -f $FILES_Q > /dev/null"
[[ "$M_RC" == 0 ]] || die "zcat failed: $(tail -3 "$M_ERR")"
Z_WALL=$M_WALL; Z_CPU=$M_CPU; Z_RSS=$M_RSS_KB

# pflogsumm reads the concatenated, decompressed family from a pipe; a plain whole-input summary (no -d).
PF_REPORT="bench-data/pflogsumm-${SIZE_MB}mb.txt"
measure "pflogsumm" "zcat -f $FILES_Q | pflogsumm"
[[ "$M_RC" == 0 ]] || die "pflogsumm failed: $(tail -3 "$M_ERR")"
cp "$M_OUT" "$PF_REPORT"
P_WALL=$M_WALL; P_CPU=$M_CPU; P_RSS=$M_RSS_KB

R_WALL=""; R_RSS=""; R_NOTE=""; STATE_BYTES=""; IN_FLIGHT=""; IN_FLIGHT_SRC=""
if [[ -n "$MAILSTATS_BIN" ]]; then
    BEST_DATA=""
    # a fresh data directory for every run, so no run resumes from an earlier checkpoint
    RUN_CMD="d=\$(mktemp -d \"$BENCH_ROOT/bench-data/run-data.XXXXXX\"); echo \"\$d\" >&2; \
$(printf '%q' "$MAILSTATS_BIN") run --logs $(printf '%q' "$LOG_DIR") --data \"\$d\" --now $(printf '%q' "$NOW") \
--timezone $(printf '%q' "$TZNAME")"
    measure "mailstats run" "$RUN_CMD"
    DATA_DIR="$(head -1 "$M_ERR")"
    # with RUNS > 1 only the last run's data directory is inspected; drop the others
    for d in "$BENCH_ROOT"/bench-data/run-data.*; do [[ "$d" != "$DATA_DIR" ]] && rm -rf "$d"; done
    if [[ "$M_RC" == 0 || "$M_RC" == 65 ]]; then
        R_WALL=$M_WALL; R_CPU=$M_CPU; R_RSS=$M_RSS_KB
        [[ "$M_RC" == 65 ]] && R_NOTE="mailstats run exited 65 (some input counted as bad)"
        if [[ -d "$DATA_DIR/state" ]]; then
            STATE_BYTES=$(du -sb "$DATA_DIR/state" | cut -f1)
        fi
        # Each summary counts the mail still in flight that arrived on its day: the sum is all in flight.
        if compgen -G "$DATA_DIR/summaries/*.json" > /dev/null; then
            IN_FLIGHT="$(python3 -c 'import json,sys; print(sum(json.load(open(f))["totals"].get("in_flight") or 0 for f in sys.argv[1:]))' "$DATA_DIR"/summaries/*.json)"
            IN_FLIGHT_SRC="the sum over all daily summaries"
        fi
    elif [[ "$M_RC" == 64 ]]; then
        R_NOTE="this mailstats build has no usable 'run' command yet (exit 64): $(tail -n +2 "$M_ERR" | tail -2)"
        rm -rf "$DATA_DIR"
    else
        R_NOTE="mailstats run failed (exit $M_RC): $(tail -n +2 "$M_ERR" | tail -3)"
        STATUS=1
        [[ -z "${KEEP_DATA:-}" ]] && rm -rf "$DATA_DIR"
    fi
else
    R_NOTE="mailstats binary missing: no mailstats figures (build it, or set MAILSTATS=/path/to/mailstats)"
fi

echo
SCRIPT_NAME=bench-run print_input_header "; --now $NOW --timezone $TZNAME"
echo
table_start 32
table_row "zcat -f FILES > /dev/null" "$Z_WALL" "$Z_CPU" "$Z_RSS"
table_row "mailstats run (fresh data dir)" "$R_WALL" "${R_CPU:-}" "${R_RSS:-}"
table_row "zcat -f FILES | pflogsumm" "$P_WALL" "$P_CPU" "$P_RSS"
echo
printf '%-44s %10s  (cpu: %s)\n' "pflogsumm / zcat wall:" "$(fmt "$(echo "$P_WALL / $Z_WALL" | bc -l)" 1)" \
    "$(fmt "$(echo "$P_CPU / $Z_CPU" | bc -l)" 1)"
if [[ -n "$R_WALL" ]]; then
    A=$(echo "$R_WALL / $Z_WALL" | bc -l); B=$(echo "$P_WALL / $R_WALL" | bc -l); C=$(echo "$R_RSS / 1024" | bc -l)
    printf '%-44s %10s  (target <= 1.0: %s; cpu: %s)\n' "mailstats / zcat wall:" "$(fmt "$A")" \
        "$(verdict "$A <= 1.0")" "$(fmt "$(echo "$R_CPU / $Z_CPU" | bc -l)")"
    printf '%-44s %10s  (target >= 20: %s; cpu: %s)\n' "pflogsumm / mailstats wall:" "$(fmt "$B" 1)" \
        "$(verdict "$B >= 20")" "$(fmt "$(echo "$P_CPU / $R_CPU" | bc -l)" 1)"
    printf '%-44s %10s  (target <= 256: %s)\n' "mailstats peak RSS MB:" "$(fmt "$C" 1)" "$(verdict "$C <= 256")"
    if [[ -z "$IN_FLIGHT" ]]; then
        IN_FLIGHT="$(json_get "$EXPECTED" totals.in_flight)"; IN_FLIGHT_SRC="generator's expected.json (no summary)"
    fi
    if [[ -n "$STATE_BYTES" && -n "$IN_FLIGHT" && "$IN_FLIGHT" != 0 ]]; then
        PER=$(echo "$STATE_BYTES / $IN_FLIGHT" | bc -l)
        printf '%-44s %10s  (target <= 1024: %s)\n' "state/ bytes per in-flight message:" "$(fmt "$PER" 0)" \
            "$(verdict "$PER <= 1024")"
        echo "  (state/ is $STATE_BYTES bytes; in_flight $IN_FLIGHT from $IN_FLIGHT_SRC)"
    else
        echo "state/ bytes per in-flight message: n/a (state/ ${STATE_BYTES:-missing}, in_flight ${IN_FLIGHT:-unknown})"
    fi
    echo
    echo "spot check, totals over all daily summaries vs the generator's expected.json:"
    python3 - "$DATA_DIR" "$EXPECTED" <<'PY'
import glob, json, sys
data, expected = sys.argv[1], json.load(open(sys.argv[2]))
keys = ["messages", "recipients", "sent", "bounced", "expired", "deferred_attempts", "rejected"]
sums = dict.fromkeys(keys, 0)
files = sorted(glob.glob(data + "/summaries/*.json"))
for path in files:
    totals = json.load(open(path)).get("totals", {})
    for k in keys:
        sums[k] += totals.get(k, 0) or 0
print("  %-18s %12s %12s" % ("total", "mailstats", "expected"))
for k in keys:
    print("  %-18s %12s %12s" % (k, sums[k] if files else "n/a", expected["totals"][k]))
print("  %-18s %12s %12s" % ("in_flight (last)", json.load(open(files[-1]))["totals"].get("in_flight", "n/a")
                             if files else "n/a", expected["totals"]["in_flight"]))
PY
    [[ -n "$R_NOTE" ]] && echo "$R_NOTE"
    if [[ -z "${KEEP_DATA:-}" ]]; then rm -rf "$DATA_DIR"; else echo "data kept in $DATA_DIR"; fi
else
    echo "$R_NOTE"
fi
echo "pflogsumm report: $PF_REPORT"
rm -f "$M_OUT" "$M_ERR"
exit $STATUS
