#!/bin/sh
# End to end: real Postfix logs -> mailstats -> compare with the truth.
#
# Usage: scripts/postfix-harness/e2e.sh OUTDIR [MAILSTATS_BINARY]
#   MAILSTATS_BINARY defaults to .build/debug/mailstats. Set E2E_REUSE=1 to skip the harness
#   run and reuse OUTDIR (e.g. OUTDIR=fixtures/postfix-real, which needs no root).
# Exit status: that of check.py (0 all passed, 1 mismatches), or mailstats' own on failure.
set -eu
OUTDIR=$1
MAILSTATS=${2:-.build/debug/mailstats}
HERE=$(cd "$(dirname "$0")" && pwd)

if [ -z "${E2E_REUSE:-}" ]; then
    "$HERE/run.sh" "$OUTDIR"
fi
YEAR=$(sed -n 's/.*"year": \([0-9]*\).*/\1/p' "$OUTDIR/meta.json")
TZNAME=$(sed -n 's/.*"timezone": "\([^"]*\)".*/\1/p' "$OUTDIR/meta.json")
DATA=$(mktemp -d /tmp/mailstats-e2e.XXXXXX)
"$MAILSTATS" run --data "$DATA" --logs "$OUTDIR/logs" --timezone "$TZNAME" --year "$YEAR"
set +e
python3 "$HERE/check.py" "$DATA" "$OUTDIR/truth.jsonl" --rejects "$OUTDIR/truth-rejects.jsonl"
rc=$?
set -e
echo "e2e: mailstats data kept in $DATA"
exit $rc
