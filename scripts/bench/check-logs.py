#!/usr/bin/env python3
"""Check a generated log family against its expected.json by plain line counting (no correlation).

Usage: scripts/bench/check-logs.py OUTDIR

Verifies that every line has the syslog shape, that the line counts per file match, that the status and
reject line counts match the totals, and that no short queue id starts a new life (client=/uid=) while its
previous life has not yet logged `removed`. Exits 1 on any mismatch. A self-test of scripts/gen-logs.py.
"""

import collections
import gzip
import json
import os
import re
import sys

LINE = re.compile(rb"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ [^\[:]+(\[\d+\])?: (.*)$")
QID = re.compile(rb"^([0-9A-F]{6,12}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-y]{10}z[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-y]{4}): ")


def main():
    d = sys.argv[1]
    e = json.load(open(os.path.join(d, "expected.json")))
    c = collections.Counter()
    active = set()
    problems = []
    for f in e["files"]:
        path = os.path.join(d, f["name"])
        opener = gzip.open if path.endswith(".gz") else open
        n = 0
        nbytes = 0
        with opener(path, "rb") as fh:
            for line in fh:
                n += 1
                nbytes += len(line)
                m = LINE.match(line.rstrip(b"\n"))
                if not m:
                    c["malformed"] += 1
                    continue
                msg = m.group(2)
                if b" status=sent " in msg and b"relay=127.0.0.1[127.0.0.1]:10024" not in msg:
                    c["sent"] += 1
                elif b" status=bounced " in msg:
                    c["bounced"] += 1
                elif b" status=deferred " in msg:
                    c["deferred_attempts"] += 1
                elif b"reject: RCPT" in msg:
                    c["rejected"] += 1
                q = QID.match(msg)
                if q:
                    qid, rest = q.group(1), msg[q.end():]
                    if rest.startswith(b"client=") or rest.startswith(b"uid="):
                        if qid in active:
                            c["queue_id_reused_while_active"] += 1
                        active.add(qid)
                    elif rest == b"removed":
                        active.discard(qid)
        if n != f["lines"] or nbytes != f["bytes_uncompressed"]:
            problems.append("%s: %d lines / %d bytes, expected %d / %d" % (f["name"], n, nbytes, f["lines"],
                                                                            f["bytes_uncompressed"]))
    t = e["totals"]
    for k in ("sent", "bounced", "deferred_attempts", "rejected"):
        if c[k] != t[k]:
            problems.append("%s: counted %d, expected.json says %d" % (k, c[k], t[k]))
    for k in ("malformed", "queue_id_reused_while_active"):
        if c[k]:
            problems.append("%s: %d" % (k, c[k]))
    print("check-logs: %s lines; counted %s" % (e["lines"], dict(c)))
    for p in problems:
        print("MISMATCH " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
