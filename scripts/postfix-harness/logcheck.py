#!/usr/bin/env python3
"""Sanity check of a harness run: did Postfix do what the scenario designed?

The truth file is written from the scenario design, never from the logs. This script
reads the produced log family with a deliberately small parser (enough for the
harness's own logs, not a general Postfix parser) and reports any truth row whose
outcome the logs do not show, so a run that went differently than designed (timing,
a changed Postfix) fails loudly instead of committing a wrong truth.

Usage: logcheck.py LOGDIR TRUTH.jsonl   (prints `N agree, M disagree`; exit 1 on disagreement)
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
                    hash_of.setdefault(child.group(1), hash_of.get(qid))
                    continue  # the content filter hop: the child has the outcome
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


def main():
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
