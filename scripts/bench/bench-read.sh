#!/usr/bin/env bash
# Read+parse throughput: `zcat` of the whole log family vs `mailstats parse --stats` on the same files.
# Usage: scripts/bench/bench-read.sh [SIZE_MB]   (default 1000; see scripts/bench/README.md)
# Targets (reported, never enforced): mailstats MB/s ÷ zcat MB/s >= 1.0, peak RSS <= 100 MB.
source "$(dirname "$0")/common.sh"

SIZE_MB="${1:-1000}"
[[ "$SIZE_MB" =~ ^[0-9]+$ ]] || die "SIZE_MB must be a whole number of MB"

ensure_gnu_time
build_mailstats
ensure_logs "$SIZE_MB"
FILES_Q="$(quoted_files)"
STATUS=0

measure "zcat" "zcat -f $FILES_Q > /dev/null"
[[ "$M_RC" == 0 ]] || die "zcat failed: $(tail -3 "$M_ERR")"
Z_WALL=$M_WALL; Z_CPU=$M_CPU; Z_RSS=$M_RSS_KB

M_WALL_MS=""; M_RSS_MS=""; MS_NOTE=""
if [[ -n "$MAILSTATS_BIN" ]]; then
    measure "mailstats parse --stats" "$(printf '%q' "$MAILSTATS_BIN") parse --stats $FILES_Q"
    if [[ "$M_RC" == 0 ]]; then
        M_WALL_MS=$M_WALL; M_CPU_MS=$M_CPU; M_RSS_MS=$M_RSS_KB
        STATS_JSON="$(cat "$M_OUT")"
    elif [[ "$M_RC" == 64 ]]; then
        MS_NOTE="this mailstats build has no 'parse --stats' yet (exit 64): $(tail -2 "$M_ERR")"
    else
        MS_NOTE="mailstats parse --stats failed (exit $M_RC): $(tail -3 "$M_ERR")"
        STATUS=1
    fi
else
    MS_NOTE="mailstats binary missing: no mailstats figures (build it, or set MAILSTATS=/path/to/mailstats)"
fi

echo
SCRIPT_NAME=bench-read print_input_header
echo
table_start 28
table_row "zcat -f FILES > /dev/null" "$Z_WALL" "$Z_CPU" "$Z_RSS"
table_row "mailstats parse --stats" "$M_WALL_MS" "${M_CPU_MS:-}" "$M_RSS_MS"
echo
if [[ -n "$M_WALL_MS" ]]; then
    RATIO=$(echo "$Z_WALL / $M_WALL_MS" | bc -l)
    RSS_MB=$(echo "$M_RSS_MS / 1024" | bc -l)
    printf '%-44s %10s  (target >= 1.0: %s)\n' "throughput ratio mailstats / zcat:" "$(fmt "$RATIO")" \
        "$(verdict "$RATIO >= 1.0")"
    printf '%-44s %10s  (target <= 100: %s)\n' "mailstats peak RSS MB:" "$(fmt "$RSS_MB" 1)" \
        "$(verdict "$RSS_MB <= 100")"
    echo
    echo "parse --stats output: $STATS_JSON"
    echo "expected lines (generator): $(json_get "$LOG_DIR/expected.json" lines)"
else
    echo "$MS_NOTE"
fi
rm -f "$M_OUT" "$M_ERR"
exit $STATUS
