#!/bin/sh
# Runs a real Debian Postfix in a loopback-only network namespace, drives the scenario in
# driver.py and leaves OUTDIR/logs/ (mail.log, mail.log.1, mail.log.2.gz) and
# OUTDIR/truth.jsonl (plus OUTDIR/truth-rejects.jsonl).
#
# Usage: scripts/postfix-harness/run.sh OUTDIR [--seed N]
# Needs root (installs packages, creates a network namespace). See README.md.
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 OUTDIR [--seed N]" >&2
    exit 64
fi
OUTDIR=$1
shift
HERE=$(cd "$(dirname "$0")" && pwd)
NS=${MAILSTATS_NETNS:-mailstats-h}
PYTHON=/usr/bin/python3

if [ "$(id -u)" != 0 ]; then
    echo "run.sh: must run as root" >&2
    exit 77
fi

# --- packages -----------------------------------------------------------------------------
missing=""
command -v postfix >/dev/null 2>&1 && [ -x /usr/sbin/smtp-sink ] || missing="$missing postfix"
command -v ip >/dev/null 2>&1 && command -v ss >/dev/null 2>&1 || missing="$missing iproute2"
[ -x "$PYTHON" ] || missing="$missing python3"
if [ -n "$missing" ]; then
    echo "run.sh: installing$missing"
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

# --- private work directory (config, queue, log) ------------------------------------------
WORK=$(mktemp -d /tmp/mailstats-harness.XXXXXX)
chmod 755 "$WORK"          # the postfix user must reach the queue below it
if [ -d "$OUTDIR" ] && [ -n "$(ls -A "$OUTDIR")" ] && [ ! -f "$OUTDIR/truth.jsonl" ]; then
    echo "run.sh: $OUTDIR exists and is not an earlier harness output; not touching it" >&2
    exit 73
fi
mkdir -p "$OUTDIR"
rm -rf "$OUTDIR/logs" "$OUTDIR/truth.jsonl" "$OUTDIR/truth-rejects.jsonl" "$OUTDIR/meta.json"
OUTDIR=$(cd "$OUTDIR" && pwd)

cleanup() {
    status=$?
    # Stop whatever is left (driver.py stops Postfix itself; this is the safety net).
    if [ -f "$WORK/etc/main.cf" ]; then
        $RUNNER postfix -c "$WORK/etc" stop >/dev/null 2>&1 || true
    fi
    if [ "$MODE" = netns ]; then
        ip netns pids "$NS" 2>/dev/null | while read -r pid; do kill "$pid" 2>/dev/null || true; done
        ip netns del "$NS" 2>/dev/null || true
        rm -rf "/etc/netns/$NS"
        rmdir /etc/netns 2>/dev/null || true
    fi
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
    exit $status
}

# --- network namespace whose only interface is lo -----------------------------------------
# MAILSTATS_HARNESS_MODE=unshare forces the fallback (to test it, or where /run/netns is not usable).
MODE=netns
RUNNER=""
if [ "${MAILSTATS_HARNESS_MODE:-netns}" = netns ]; then
    ip netns del "$NS" 2>/dev/null || true
fi
if [ "${MAILSTATS_HARNESS_MODE:-netns}" = netns ] && ip netns add "$NS" 2>/dev/null; then
    # `ip netns exec` bind-mounts /etc/netns/NS/* over /etc: files-only host lookups, no resolver.
    mkdir -p "/etc/netns/$NS"
    printf 'hosts: files\n' >"/etc/netns/$NS/nsswitch.conf"
    printf '# no DNS inside the mailstats harness\n' >"/etc/netns/$NS/resolv.conf"
    RUNNER="ip netns exec $NS"
    trap cleanup EXIT INT TERM
    ip netns exec "$NS" ip link set lo up
    echo "run.sh: network namespace $NS: $(ip netns exec "$NS" ip -o link | awk -F': ' '{print $2}' | tr '\n' ' ')"
    set +e
    MAILSTATS_HARNESS_ISOLATION="ip netns $NS" ip netns exec "$NS" "$PYTHON" "$HERE/driver.py" "$WORK" "$OUTDIR" "$@"
    rc=$?
    set -e
else
    # No `ip netns` (no /run/netns, no CAP_SYS_ADMIN over mounts...): a bare unshare'd network
    # namespace works the same for our purpose, only /etc/netns overrides are not available.
    MODE=unshare
    echo "run.sh: no 'ip netns' (failed or not wanted); using 'unshare --net'" >&2
    trap cleanup EXIT INT TERM
    set +e
    MAILSTATS_HARNESS_ISOLATION="unshare --net" unshare --net sh -c 'ip link set lo up && exec "$@"' sh \
        "$PYTHON" "$HERE/driver.py" "$WORK" "$OUTDIR" "$@"
    rc=$?
    set -e
fi
if [ $rc -ne 0 ]; then
    echo "run.sh: driver failed (exit $rc); work directory kept: $WORK" >&2
    KEEP_WORK=1
    exit $rc
fi
# The truth comes from the design; make sure Postfix really behaved as designed (the checker's own
# parser first, on made-up logs with the orderings real runs produce).
"$PYTHON" "$HERE/logcheck.py" --self-test || exit 1
if ! "$PYTHON" "$HERE/logcheck.py" "$OUTDIR/logs" "$OUTDIR/truth.jsonl"; then
    echo "run.sh: the logs do not show the designed outcomes (see above)" >&2
    exit 1
fi
echo "run.sh: done: $OUTDIR/logs $OUTDIR/truth.jsonl"
