#!/usr/bin/env python3
"""Sanity check of a harness run: did Postfix do what the scenario designed?

The truth file is written from the scenario design, never from the logs. This script
reads the produced log family with a deliberately small parser (enough for the
harness's own logs, not a general Postfix parser) and reports any truth row whose
outcome the logs do not show, so a run that went differently than designed (timing,
a changed Postfix) fails loudly instead of committing a wrong truth.

Usage: logcheck.py LOGDIR TRUTH.jsonl   (prints `N agree, M disagree`; exit 1 on disagreement)
       logcheck.py --self-test            (checks this parser on small made-up logs; run.sh runs it first)
"""
import gzip
import json
import os
import re
import sys

TO_LINE = re.compile(r"\]: ([0-9A-Za-z]+): to=<([^>]*)>,.* dsn=([0-9.]+), status=(\w+)(.*)$")
HASH_LINE = re.compile(r"\]: ([0-9A-Za-z]+): info: header X-Mailstats-Hash: (\S+)")
EXPIRED = re.compile(r"\]: ([0-9A-Za-z]+): from=<[^>]*>, status=expired")
REMOVED_BY_ADMIN = re.compile(r"postsuper\[\d+\]: ([0-9A-Za-z]+): removed")
QUEUED_AS = re.compile(r"queued as ([0-9A-Za-z]+)\)")


def family(logdir):
    """Oldest first: mail.log.N.gz ... mail.log.1, mail.log."""
    def age(name):
        match = re.match(r"mail\.log(?:\.(\d+))?(?:\.gz)?$", name)
        return -int(match.group(1) or 0) if match else None
    names = [n for n in os.listdir(logdir) if age(n) is not None]
    return [os.path.join(logdir, n) for n in sorted(names, key=age)]


def lines(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        yield from f


def outcomes(logdir):
    hash_of = {}      # queue id -> hash
    pending = {}      # queue id -> {recipient: (status, dsn)} (last line wins)
    final = {}        # (hash, recipient) -> (status, dsn)
    for path in family(logdir):
        for line in lines(path):
            if m := HASH_LINE.search(line):
                hash_of[m.group(1)] = m.group(2)
            elif m := TO_LINE.search(line):
                qid, rcpt, dsn, status, rest = m.groups()
                child = QUEUED_AS.search(rest)
                if status == "sent" and child and "relay=127.0.0.1[127.0.0.1]:10026" in line:
                    # The content filter hop: the child has the outcome.
                    child_qid = child.group(1)
                    hash_of.setdefault(child_qid, hash_of.get(qid))
                    # Two processes log independently: the child's delivery can be logged before this
                    # hop line (same millisecond), when its hash was not known yet.
                    if hash_of.get(child_qid) is not None:
                        for early, (early_status, early_dsn) in pending.get(child_qid, {}).items():
                            if early_status in ("sent", "bounced"):
                                final.setdefault((hash_of[child_qid], early), (early_status, early_dsn))
                    continue
                pending.setdefault(qid, {})[rcpt] = (status, dsn)
                if status in ("sent", "bounced") and qid in hash_of:
                    final[(hash_of[qid], rcpt)] = (status, dsn)
            elif m := EXPIRED.search(line):
                for rcpt, (status, dsn) in pending.get(m.group(1), {}).items():
                    if status == "deferred" and m.group(1) in hash_of:
                        final[(hash_of[m.group(1)], rcpt)] = ("expired", dsn)
            elif m := REMOVED_BY_ADMIN.search(line):
                for rcpt, (status, dsn) in pending.get(m.group(1), {}).items():
                    if status == "deferred" and m.group(1) in hash_of:
                        final[(hash_of[m.group(1)], rcpt)] = ("removed", None)
    return final


SELF_TEST = [
    # A content-filter hop whose child is logged first (two processes, same millisecond): a CI run once
    # failed here with "logs show None".
    ("child before hop", [
        "Dec 06 01:49:57 mail postfix/cleanup[1]: AAA1: info: header X-Mailstats-Hash: h-1 from x; from=<a@b>",
        "Dec 06 01:49:57 mail postfix/smtp[2]: BBB2: to=<r@x.net>, relay=127.0.0.10[127.0.0.10]:25, "
        "delay=0.01, delays=0/0/0/0, dsn=2.0.0, status=sent (250 2.0.0 Ok)",
        "Dec 06 01:49:57 mail postfix/scan/smtp[3]: AAA1: to=<r@x.net>, relay=127.0.0.1[127.0.0.1]:10026, "
        "delay=0.06, delays=0/0/0/0, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as BBB2)",
    ], {("h-1", "r@x.net"): ("sent", "2.0.0")}),
    ("hop before child, then a bounce", [
        "Dec 06 01:49:57 mail postfix/cleanup[1]: AAA1: info: header X-Mailstats-Hash: h-2 from x; from=<a@b>",
        "Dec 06 01:49:57 mail postfix/scan/smtp[3]: AAA1: to=<r@x.net>, relay=127.0.0.1[127.0.0.1]:10026, "
        "delay=0.06, delays=0/0/0/0, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as BBB2)",
        "Dec 06 01:49:58 mail postfix/smtp[2]: BBB2: to=<r@x.net>, relay=127.0.0.12[127.0.0.12]:25, "
        "delay=1, delays=0/0/0/0, dsn=5.1.1, status=bounced (host said: 550 5.1.1 no)",
    ], {("h-2", "r@x.net"): ("bounced", "5.1.1")}),
]


def self_test():
    import tempfile
    failures = 0
    for name, log_lines, want in SELF_TEST:
        with tempfile.TemporaryDirectory() as logdir:
            with open(os.path.join(logdir, "mail.log"), "w", encoding="utf-8") as f:
                f.write("\n".join(log_lines) + "\n")
            got = outcomes(logdir)
        if got != want:
            failures += 1
            print(f"SELF-TEST FAILED ({name}): got {got}, want {want}")
    print(f"logcheck self-test: {len(SELF_TEST) - failures} of {len(SELF_TEST)} cases pass")
    return 1 if failures else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    logdir, truth_path = sys.argv[1], sys.argv[2]
    final = outcomes(logdir)
    agree, disagree = 0, 0
    with open(truth_path, encoding="utf-8") as f:
        for line in f:
            want = json.loads(line)
            got = final.get((want["hash"], want["recipient"]))
            ok = got is not None and got[0] == want["status"] and (
                not want["dsn"] or got[1] == want["dsn"])
            if ok:
                agree += 1
            else:
                disagree += 1
                print(f"DISAGREE {want['hash']} {want['recipient']}: designed "
                      f"{want['status']}/{want['dsn']}, logs show {got}")
    print(f"{agree} agree, {disagree} disagree")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
