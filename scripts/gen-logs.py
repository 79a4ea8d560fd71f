#!/usr/bin/env python3
"""Generate a large, realistic, deterministic Postfix log family for benchmarks.

Usage: scripts/gen-logs.py OUTDIR --size-mb N [--seed S] [--files K] [--days D] [--year Y] [--end ISO] [--host H]

Writes OUTDIR/mail.log.K-1.gz ... mail.log.2.gz, mail.log.1, mail.log (oldest first in time; one rotation
per day by default) and OUTDIR/expected.json with totals for a correctness spot check.

The simulation is event driven: arrivals follow a Poisson process (with a daily rhythm) whose rate adapts
so the uncompressed total lands near --size-mb. Each message's whole life (smtpd/pickup, cleanup, the
tracking header, qmgr, per-recipient attempts, deferrals and retries with qmgr repeating `(queue active)`,
expiry, bounce notifications, content-filter hops) is scheduled into per-second buckets at arrival, so
concurrent messages interleave the way they do in real logs. Lines are flushed in time order; gzip runs
in a child process (`gzip -N`) so compression uses the second core.

Timestamps are classic syslog stamps without year or zone; they are meant to be read as UTC
(`mailstats run --timezone UTC`). expected.json carries `suggested_now` (one minute after the last line).
"""

import argparse
import datetime as dt
import heapq
import json
import os
import random
import subprocess
import sys
import time

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# Postfix defaults, shortened lifetime so expiries happen inside a benchmark-sized span.
MIN_BACKOFF = 300.0
MAX_BACKOFF = 4000.0
DELAY_WARNING = 4 * 3600.0

APPS = [  # (app, weight, sender local part, sender domain)
    ("basecamp", 30, "notifications", "basecamp.example"),
    ("hey", 20, "bounces+{n}", "hey.example"),
    ("campfire", 8, "noreply", "campfire.example"),
    ("billing", 5, "billing", "billing.example.net"),
    ("highrise", 6, "notify", "highrise.example"),
    ("backpack", 3, "no-reply", "backpack.example"),
    ("onboarding", 4, "hello", "mail.example.com"),
    ("digest", 10, "digest+{n}", "news.example.com"),
]

FIRST = ("james mary john patricia robert jennifer michael linda william elizabeth david barbara richard susan "
         "joseph jessica thomas sarah charles karen chris nancy daniel lisa matthew betty anthony margaret mark "
         "sandra donald ashley steven kimberly paul emily andrew donna joshua michelle kenneth dorothy kevin "
         "carol brian amanda george melissa edward deborah ronald stephanie timothy rebecca jason sharon jeffrey "
         "laura ryan cynthia jacob kathleen gary amy nicholas shirley eric angela jonathan helen stephen anna "
         "larry brenda justin pamela scott nicole brandon emma benjamin samantha samuel katherine frank christine "
         "lukas anna sofia mateo noah lea jan eva pierre marie hiroshi yuki olga ivan").split()
LAST = ("smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez "
        "wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez "
        "lewis robinson walker young allen king wright scott torres nguyen hill flores green adams nelson baker "
        "hall rivera campbell mitchell carter roberts muller schmidt schneider fischer weber meyer wagner becker "
        "dubois moreau laurent rossi russo ferrari tanaka suzuki ivanov petrov novak kowalski").split()

# (domain, weight, mx host, mx ip, provider style)
BIG_DOMAINS = [
    ("gmail.com", 330, "gmail-smtp-in.l.google.com", "142.250.153.27", "google"),
    ("googlemail.com", 5, "gmail-smtp-in.l.google.com", "142.250.153.26", "google"),
    ("outlook.com", 60, "outlook-com.olc.protection.outlook.com", "52.101.68.18", "ms"),
    ("hotmail.com", 80, "hotmail-com.olc.protection.outlook.com", "52.101.73.30", "ms"),
    ("live.com", 15, "live-com.olc.protection.outlook.com", "52.101.42.7", "ms"),
    ("yahoo.com", 70, "mta7.am0.yahoodns.net", "67.195.228.106", "yahoo"),
    ("aol.com", 10, "mx-aol.mail.gm0.yahoodns.net", "67.195.204.79", "yahoo"),
    ("icloud.com", 40, "mx01.mail.icloud.com", "17.57.154.33", "apple"),
    ("me.com", 8, "mx02.mail.icloud.com", "17.57.155.23", "apple"),
    ("gmx.de", 15, "mx00.emig.gmx.net", "212.227.15.9", "generic"),
    ("web.de", 12, "mx-ha03.web.de", "212.227.17.8", "generic"),
    ("yandex.ru", 6, "mx.yandex.ru", "77.88.21.249", "generic"),
    ("protonmail.com", 6, "mail.protonmail.ch", "185.70.42.128", "generic"),
    ("comcast.net", 8, "mx1.comcast.net", "96.114.157.80", "generic"),
]
TYPO_DOMAINS = ["gmal.com", "gmial.com", "hotmial.com", "yaho.com", "outlok.com", "gmail.con", "icloud.co"]
TLDS = ["com", "com", "com", "net", "org", "de", "co.uk", "fr", "io", "nl", "com.au", "ca", "es", "it"]
WORDS = ("acme alpha apex atlas beacon birch blue bright cedar cloud coral crest delta ember falcon fern forge "
         "glen granite harbor hazel iron juniper kestrel lake maple meadow north nova oak orbit pine prairie quartz "
         "raven ridge river sage silver spruce stone summit tidal timber vale willow zenith").split()

CIPHERS = ["TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature "
           "RSA-PSS (2048 bits) server-digest SHA256",
           "TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)",
           "TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits) key-exchange X25519 server-signature "
           "ECDSA (P-256) server-digest SHA256"]

B52 = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxy"  # postfix long-id alphabet, 'z' separates

UNIT_DAYS = 86400


def fmt_delay(d):
    """Postfix prints two significant digits below 10 s, whole seconds above, and nothing below 10 ms."""
    if d < 0.01:
        return "0"
    if d < 10:
        return "%.2g" % d
    return "%d" % d


class Gen:
    def __init__(self, args):
        self.args = args
        rng = random.Random(args.seed)
        self.rng = rng
        self.r = rng.random
        self.bits = rng.getrandbits
        self.host = args.host
        self.lifetime = args.queue_lifetime_hours * 3600.0
        self.end_ts = args.end_ts
        self.start_ts = args.end_ts - args.days * UNIT_DAYS
        self.buckets = {}
        self.gen_bytes = 0
        self.gen_lines = 0
        self.next_pid = 1000 + int(self.r() * 5000)
        self.pools = {}
        self.reuse_heap = []  # (removed_at, qid) of short ids that may be reused
        self.inode = 0x1855D00 + int(self.r() * 0x100000)
        # counters (only for lines at or before end_ts)
        self.c = dict(original_messages=0, notifications=0, delay_notifications=0, filter_hops=0,
                      sent=0, bounced=0, expired=0, deferred_attempts=0,
                      noqueue_rejects=0, postscreen_rejects=0, qid_rcpt_rejects=0, noqueue_filter_lines=0,
                      abandoned=0, reused_queue_ids=0, long_queue_ids=0, warnings=0,
                      notification_sent=0, notification_bounced=0)
        self.by_day = {}
        self.in_flight = 0  # messages queued <= end whose last queue file is removed after end
        self._build_pools()

    # ---------- pools -------------------------------------------------------------------------------------
    def _build_pools(self):
        r = self.r
        rng = self.rng
        doms = []
        for name, w, mx, ip, style in BIG_DOMAINS:
            doms.append((name, w, mx, ip, style))
        # a long tail of small domains with their own MX
        for i in range(3000):
            name = "%s%s.%s" % (WORDS[int(r() * len(WORDS))], WORDS[int(r() * len(WORDS))] if r() < 0.5 else
                                str(int(r() * 90) + 10), TLDS[int(r() * len(TLDS))])
            w = 120.0 / (i + 10)
            style = "generic" if r() < 0.8 else ("exim" if r() < 0.5 else "ms365")
            if style == "ms365":
                mx = name.replace(".", "-") + ".mail.protection.outlook.com"
            else:
                mx = ("mx%d." % (1 + int(r() * 2))) + name
            ip = "%d.%d.%d.%d" % (23 + int(r() * 180), int(r() * 256), int(r() * 256), 1 + int(r() * 254))
            doms.append((name, w, mx, ip, style))
        for name in TYPO_DOMAINS:
            doms.append((name, 0.6, None, None, "typo"))
        total = sum(d[1] for d in doms)
        # cumulative table sampled with bisect-free lookup: expand into 4096 slots
        slots = []
        for d in doms:
            k = max(1, int(round(d[1] / total * 8192)))
            slots.extend([d] * k)
        self.dom_slots = slots
        self.dom_info = {d[0]: d for d in doms}
        # recipients: a fixed pool, skewed so some recipients receive a lot
        pool = []
        for i in range(60000):
            d = slots[int(r() * len(slots))]
            f = FIRST[int(r() * len(FIRST))]
            la = LAST[int(r() * len(LAST))]
            x = r()
            if x < 0.35:
                local = "%s.%s" % (f, la)
            elif x < 0.6:
                local = "%s%s%d" % (f[0], la, int(r() * 100))
            elif x < 0.8:
                local = "%s_%s%d" % (f, la[:3], 1950 + int(r() * 60))
            else:
                local = "%s%d" % (f, int(r() * 10000))
            pool.append((local + "@" + d[0], d[0]))
        self.rcpt_pool = pool
        apps = []
        for a in APPS:
            apps.extend([a] * a[1])
        self.app_slots = apps
        self.app_servers = [("app%d.internal" % i, "10.0.1.%d" % (10 + i)) for i in range(1, 13)]
        self.net_clients = []
        for i in range(4000):
            ip = "%d.%d.%d.%d" % (31 + int(r() * 190), int(r() * 256), int(r() * 256), 1 + int(r() * 254))
            if r() < 0.4:
                name = "unknown"
            else:
                name = "%s-%s.%s.%s" % (rng.choice(["mail", "mx", "smtp", "out", "host", "static", "dyn"]),
                                        ip.replace(".", "-"), rng.choice(WORDS), rng.choice(TLDS))
            helo = name if name != "unknown" and r() < 0.7 else rng.choice(["localhost", "[%s]" % ip, "User",
                                                                           "ylmf-pc", "mail.%s.com" %
                                                                           rng.choice(WORDS)])
            self.net_clients.append((name, ip, helo))
        self.users = ["%s.%s@example.com" % (FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]) for i in range(80)]

    # ---------- primitives --------------------------------------------------------------------------------
    def emit(self, t, line):
        s = int(t)
        b = self.buckets.get(s)
        if b is None:
            self.buckets[s] = [line]
        else:
            b.append(line)
        self.gen_bytes += len(line)
        self.gen_lines += 1

    def pid(self, svc, n=8):
        p = self.pools.get(svc)
        if p is None:
            p = []
            for _ in range(n):
                self.next_pid += 1 + int(self.r() * 40)
                p.append(self.next_pid)
            self.pools[svc] = p
        i = int(self.r() * len(p))
        if self.r() < 0.004:
            self.next_pid += 1 + int(self.r() * 40)
            if self.next_pid > 4190000:
                self.next_pid = 300
            p[i] = self.next_pid
        return p[i]

    def new_qid(self, t, long_ids=False):
        r = self.r
        if long_ids:
            self.c["long_queue_ids"] += t < self.end_ts
            v = int(t)
            s = ""
            for _ in range(6):
                s = B52[v % 51] + s
                v //= 51
            for _ in range(4):
                s += B52[int(r() * 51)]
            s += "z"
            for _ in range(4):
                s += B52[int(r() * 51)]
            return s
        h = self.reuse_heap
        if h and r() < 0.004 and h[0][0] < t - 2:
            _, q = heapq.heappop(h)
            self.c["reused_queue_ids"] += t < self.end_ts
            return q
        self.inode += 1 + int(r() * 3)
        if self.inode > 0xFFFFFFF:
            self.inode = 0x100000
        return "%05X%X" % (int(r() * 1000000), self.inode)

    def removed(self, t, tag, qid, short):
        self.emit(t, "%s/qmgr[%d]: %s: removed" % (tag, self.pid(tag + "qmgr", 1), qid))
        if short:
            heapq.heappush(self.reuse_heap, (t, qid))
            if len(self.reuse_heap) > 5000:
                # drop the newest half cheaply: keep reuse to ids freed long ago
                self.reuse_heap = heapq.nsmallest(2500, self.reuse_heap)

    def day_count(self, t, key):
        if t >= self.end_ts:
            return False
        d = time.strftime("%Y-%m-%d", time.gmtime(int(t)))
        bd = self.by_day.get(d)
        if bd is None:
            bd = self.by_day[d] = dict(messages=0, sent=0, bounced=0, expired=0, deferred_attempts=0, rejected=0)
        bd[key] += 1
        return True

    def pick_rcpt(self):
        x = self.r()
        return self.rcpt_pool[int(x * x * len(self.rcpt_pool))]

    def msgid(self, t, dom):
        return "<%s.%x@%s>" % (time.strftime("%Y%m%d%H%M%S", time.gmtime(int(t))), self.bits(48), dom)

    # ---------- remote responses --------------------------------------------------------------------------
    def sent_text(self, style, mx, ip, rcpt, size):
        r = self.r
        if style == "google":
            return "250 2.0.0 OK  %d %x%x.%d - gsmtp" % (int(1.7e9 + r() * 1e8), self.bits(32), self.bits(16),
                                                          int(r() * 900) + 10)
        if style in ("ms", "ms365"):
            return ("250 2.6.0 <%x@mail.example.com> [InternalId=%d, Hostname=AM%dPR0%dMB%04d.eurprd0%d.prod."
                    "outlook.com] %d bytes in %.3f, %.3f KB/sec Queued mail for delivery -> 250 2.1.5"
                    % (self.bits(40), self.bits(40), int(r() * 9), int(r() * 9), int(r() * 9999), int(r() * 9),
                       size + 2000, r(), 100 + r() * 900))
        if style == "yahoo":
            return "250 ok dirdel"
        if style == "apple":
            return "250 2.0.0 Ok: queued as %x-%x" % (self.bits(32), self.bits(16))
        if style == "exim":
            return "250 OK id=1r%s-00%04d-%s" % (B52[int(r() * 51)] * 4, int(r() * 9999), B52[int(r() * 51)] * 2)
        return "250 2.0.0 Ok: queued as %05X%X" % (int(r() * 1000000), self.bits(24))

    def bounce_text(self, style, mx, ip, rcpt):
        """-> (dsn, relay, text) for a permanent failure."""
        r = self.r
        relay = "%s[%s]:25" % (mx, ip)
        x = r()
        if style == "google":
            if x < 0.7:
                return ("5.1.1", relay, "host %s[%s] said: 550-5.1.1 The email account that you tried to reach does "
                        "not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos "
                        "or 550-5.1.1 unnecessary spaces. For more information, go to 550 5.1.1  "
                        "https://support.google.com/mail/?p=NoSuchUser %x.%d - gsmtp (in reply to RCPT TO command)"
                        % (mx, ip, self.bits(40), int(r() * 900)))
            if x < 0.85:
                return ("5.2.2", relay, "host %s[%s] said: 552-5.2.2 The recipient's inbox is out of storage space. "
                        "Please direct the 552-5.2.2 recipient to 552 5.2.2  https://support.google.com/mail/?p=Over"
                        "QuotaPerm %x.%d - gsmtp (in reply to RCPT TO command)" % (mx, ip, self.bits(40),
                                                                                   int(r() * 900)))
            return ("5.7.26", relay, "host %s[%s] said: 550-5.7.26 This mail has been blocked because the sender is "
                    "unauthenticated. 550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM. "
                    "550 5.7.26 - gsmtp (in reply to end of DATA command)" % (mx, ip))
        if style in ("ms", "ms365"):
            if x < 0.75:
                return ("5.5.0", relay, "host %s[%s] said: 550 5.5.0 Requested action not taken: mailbox unavailable "
                        "(S2017062302). [AM%dEUR0%d.prod.protection.outlook.com] (in reply to RCPT TO command)"
                        % (mx, ip, int(r() * 9), int(r() * 9)))
            return ("5.7.1", relay, "host %s[%s] said: 550 5.7.1 Unfortunately, messages from [198.51.100.25] "
                    "weren't sent. Please contact your Internet service provider since part of their network is on "
                    "our block list (S3140). You can also refer your provider to http://mail.live.com/mail/"
                    "troubleshooting.aspx#errors. (in reply to MAIL FROM command)" % (mx, ip))
        if style == "yahoo":
            return ("5.0.0", relay, "host %s[%s] said: 554 delivery error: dd Sorry your message to %s cannot be "
                    "delivered. This mailbox is disabled (554.30). - mta4012.mail.gq1.yahoo.com (in reply to end of "
                    "DATA command)" % (mx, ip, rcpt))
        if style == "lmtp":
            return ("5.1.1", "mail.example.net[/var/run/dovecot/lmtp]", "host mail.example.net[/var/run/dovecot/"
                    "lmtp] said: 550 5.1.1 <%s> User doesn't exist: %s (in reply to RCPT TO command)" % (rcpt, rcpt))
        if style == "typo":
            return ("5.1.2", "none", "Host or domain name not found. Name service error for name=%s type=MX: Host "
                    "not found" % rcpt.split("@", 1)[1])
        if x < 0.5:
            return ("5.1.1", relay, "host %s[%s] said: 550 5.1.1 <%s>: Recipient address rejected: User unknown in "
                    "virtual mailbox table (in reply to RCPT TO command)" % (mx, ip, rcpt))
        if x < 0.7:
            return ("5.2.2", relay, "host %s[%s] said: 552 5.2.2 Mailbox full: %s (in reply to RCPT TO command)"
                    % (mx, ip, rcpt))
        if x < 0.85:
            return ("5.7.1", relay, "host %s[%s] said: 554 5.7.1 Service unavailable; Client host [198.51.100.25] "
                    "blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/198.51.100.25 (in reply to "
                    "RCPT TO command)" % (mx, ip))
        return ("5.4.4", "none", "Host or domain name not found. Name service error for name=%s type=A: Host "
                "found but no data record of requested type" % mx)

    def defer_text(self, style, mx, ip, rcpt, hopeless):
        r = self.r
        relay = "%s[%s]:25" % (mx, ip)
        if hopeless:
            if r() < 0.6:
                return ("4.4.1", "none", "connect to %s[%s]:25: Connection timed out" % (mx, ip))
            return ("4.4.3", "none", "Host or domain name not found. Name service error for name=%s type=MX: "
                    "Host not found, try again" % rcpt.split("@", 1)[1])
        x = r()
        if style == "google":
            return ("4.7.28", relay, "host %s[%s] said: 421-4.7.28 Gmail has detected an unusual rate of unsolicited "
                    "mail. To protect our users from spam, mail has been temporarily rate limited. For more "
                    "information, go to 421 4.7.28  https://support.google.com/mail/?p=UnsolicitedRateLimitError "
                    "%x.%d - gsmtp (in reply to end of DATA command)" % (mx, ip, self.bits(40), int(r() * 900)))
        if style == "yahoo":
            return ("4.7.0", relay, "host %s[%s] said: 421 4.7.0 [TSS04] Messages from 198.51.100.25 temporarily "
                    "deferred due to unexpected volume or user complaints - 4.16.55.1; see "
                    "https://postmaster.yahooinc.com/error-codes (in reply to MAIL FROM command)" % (mx, ip))
        if style in ("ms", "ms365"):
            return ("4.7.650", relay, "host %s[%s] said: 451 4.7.650 The mail server [198.51.100.25] has been "
                    "temporarily rate limited due to IP reputation. For e-mail delivery information, see "
                    "https://aka.ms/postmaster (S775) (in reply to MAIL FROM command)" % (mx, ip))
        if x < 0.4:
            return ("4.7.1", relay, "host %s[%s] said: 450 4.7.1 <%s>: Recipient address rejected: Greylisted, see "
                    "http://postgrey.schweikert.ch/help/%s.html (in reply to RCPT TO command)"
                    % (mx, ip, rcpt, rcpt.split("@", 1)[1]))
        if x < 0.6:
            return ("4.4.2", relay, "lost connection with %s[%s] while receiving the initial server greeting"
                    % (mx, ip))
        if x < 0.8:
            return ("4.2.2", relay, "host %s[%s] said: 452 4.2.2 Mailbox full, try again later (in reply to RCPT "
                    "TO command)" % (mx, ip))
        return ("4.4.1", "none", "connect to %s[%s]:25: Connection refused" % (mx, ip))

    # ---------- message life ------------------------------------------------------------------------------
    def deliver(self, tag, qid, short, t0, arrival, rcpts, sender, size, nrcpt, is_notification, orig_qid_for=None):
        """Schedule all attempts for `rcpts` (list of (addr, domain, fate, n_defers)); returns removal time.

        fate: 'sent' | 'bounced' | 'expire'. The message counts as in flight at end if removal > end.
        """
        r = self.r
        end = self.end_ts
        pending = rcpts
        t = t0
        k = 0
        bounced_any = False
        delay_noted = False
        t_last = t0
        while pending:
            if k > 0:
                # next queue run after backoff
                back = min(MIN_BACKOFF * (2 ** (k - 1)), MAX_BACKOFF)
                t = t + back + r() * 300
                if t - arrival > self.lifetime:
                    self.emit(t, "%s/qmgr[%d]: %s: from=<%s>, status=expired, returned to sender"
                              % (tag, self.pid(tag + "qmgr", 1), qid, sender))
                    for rc in pending:
                        if self.day_count(t, "expired"):
                            self.c["expired"] += 1
                    bounced_any = True
                    t_last = t
                    break
                self.emit(t, "%s/qmgr[%d]: %s: from=<%s>, size=%d, nrcpt=%d (queue active)"
                          % (tag, self.pid(tag + "qmgr", 1), qid, sender, size, nrcpt))
                if (not delay_noted and sender and not is_notification and t - arrival > DELAY_WARNING
                        and r() < 0.5):
                    delay_noted = True
                    self.notification(tag, qid, t, sender, "delay")
            still = []
            # group by domain: one smtp process per destination
            conn = {}
            for rc in pending:
                addr, dom, fate, ndef = rc
                info = self.dom_info.get(dom)
                if info is None:  # local mailbox (notifications back to app domains)
                    style, mx, ip = "lmtp", None, None
                else:
                    style, mx, ip = info[4], info[2], info[3]
                cs = conn.get(dom)
                if cs is None:
                    setup = 0.05 + r() * r() * 2.0
                    cs = conn[dom] = [self.pid(tag + "smtp", 12), setup, 0]
                    if style not in ("typo", "lmtp") and fate != "expire" and k >= ndef and r() < 0.3:
                        self.emit(t + setup, "%s/smtp[%d]: Trusted TLS connection established to %s[%s]:25: %s"
                                  % (tag, cs[0], mx, ip, CIPHERS[int(r() * 3)]))
                cs[2] += 1
                # delays=a/b/c/d: before qmgr (deferred time included), in qmgr, connection setup, transmission
                a = t - arrival
                b = r() * 0.05
                c_ = cs[1]
                d = 0.02 + r() * r() * 1.5
                tl = t + b + c_ + d
                final = None
                if fate == "expire" or k < ndef:
                    dsn, relay, text = self.defer_text(style, mx, ip, addr, fate == "expire")
                    status = "deferred"
                    if relay == "none":
                        d = 0.0
                    still.append(rc)
                    if self.day_count(tl, "deferred_attempts"):
                        self.c["deferred_attempts"] += 1
                elif fate == "bounced":
                    dsn, relay, text = self.bounce_text(style, mx, ip, addr)
                    status = "bounced"
                    bounced_any = True
                    final = "bounced"
                else:
                    status = "sent"
                    final = "sent"
                    dsn = "2.0.0"
                    if style == "lmtp":
                        relay = "mail.example.net[/var/run/dovecot/lmtp]"
                        text = "250 2.0.0 <%s> %x Saved" % (addr, self.bits(64))
                    else:
                        relay = "%s[%s]:25" % (mx, ip)
                        text = self.sent_text(style, mx, ip, addr, size)
                if style == "lmtp":
                    svc = "lmtp"
                else:
                    svc = "smtp"
                delay = a + b + c_ + d
                delays = "%s/%s/%s/%s" % (fmt_delay(a), fmt_delay(b), fmt_delay(c_), fmt_delay(d))
                extra = ", conn_use=%d" % cs[2] if cs[2] > 1 and svc == "smtp" and relay != "none" else ""
                self.emit(tl, "%s/%s[%d]: %s: to=<%s>, relay=%s%s, delay=%s, delays=%s, dsn=%s, status=%s (%s)"
                          % (tag, svc, cs[0], qid, addr, relay, extra, fmt_delay(delay), delays, dsn, status, text))
                if style == "lmtp" and status == "sent":
                    self.emit(tl, "dovecot: lmtp(%s)<%d><%x>: msgid=<%s>: saved mail to INBOX"
                              % (addr, self.pid("dovecot-lmtp"), self.bits(64), qid))
                if final is not None:
                    if is_notification:
                        if tl < end:
                            self.c["notification_" + final] += 1
                    if self.day_count(tl, final):
                        self.c[final] += 1
                if tl > t_last:
                    t_last = tl
            pending = still
            k += 1
        t_end = t_last + r() * 0.5
        if bounced_any and sender and not is_notification:
            t_end = self.notification(tag, qid, t_end, sender, "non-delivery") + 0.01
        self.removed(t_end, tag, qid, short)
        return t_end

    def notification(self, tag, qid, t, sender, kind):
        """A bounce/delay notification to `sender`: its own queue file, logged partly before the bounce line."""
        r = self.r
        nq = self.new_qid(t)
        short = True
        end = self.end_ts
        self.emit(t, "%s/cleanup[%d]: %s: message-id=<%s.%s@mail.example.net>"
                  % (tag, self.pid(tag + "cleanup", 4), nq, time.strftime("%Y%m%d%H%M%S", time.gmtime(int(t))), nq))
        size = 2500 + int(r() * 4000)
        self.emit(t, "%s/qmgr[%d]: %s: from=<>, size=%d, nrcpt=1 (queue active)" % (tag, self.pid(tag + "qmgr", 1),
                                                                                    nq, size))
        tb = t + r() * 0.2
        self.emit(tb, "%s/bounce[%d]: %s: sender %s notification: %s" % (tag, self.pid(tag + "bounce", 3), qid, kind,
                                                                         nq))
        if t < end:
            self.c["notifications" if kind == "non-delivery" else "delay_notifications"] += 1
            self.day_count(t, "messages")
        sdom = sender.split("@", 1)[1]
        fate = "sent" if r() < 0.97 else "bounced"
        rc = [(sender, sdom, fate, 0)]
        t_rm = self.deliver(tag, nq, short, tb + 0.05, t, rc, "", size, 1, True)
        if t < end < t_rm:
            self.in_flight += 1
        return tb

    def outbound(self, t):
        r = self.r
        end = self.end_ts
        app, _, slocal, sdom = self.app_slots[int(r() * len(self.app_slots))]
        sender = (slocal.replace("{n}", str(int(r() * 100000))) if "{n}" in slocal else slocal) + "@" + sdom
        x = r()
        n = 1 if x < 0.8 else (2 + int(r() * 4) if x < 0.96 else 6 + int(r() * 35))
        seen = set()
        rcpts = []
        for _ in range(n):
            addr, dom = self.pick_rcpt()
            if addr in seen:
                continue
            seen.add(addr)
            y = r()
            info = self.dom_info[dom]
            if info[4] == "typo":
                fate, nd = "bounced", 0
            elif y < 0.025:
                fate, nd = "bounced", 0
            elif y < 0.07:
                fate, nd = "sent", 1 + int(r() * r() * 6)
            elif y < 0.075:
                fate, nd = "bounced", 1 + int(r() * 3)
            elif y < 0.078:
                fate, nd = "expire", 0
            else:
                fate, nd = "sent", 0
            rcpts.append((addr, dom, fate, nd))
        tag = "postfix" if r() < 0.95 else "postfix-out"
        long_ids = r() < 0.05
        qid = self.new_qid(t, long_ids)
        size = int(self.rng.lognormvariate(9.3, 0.9)) + 600
        mid = self.msgid(t, sdom)
        has_hash = r() < 0.93
        nr = len(rcpts)
        if r() < 0.85:
            h, ip = self.app_servers[int(r() * len(self.app_servers))]
            if r() < 0.15:
                svc, extra = "submission/smtpd", ", sasl_method=PLAIN, sasl_username=%s@%s" % (app, sdom)
            else:
                svc, extra = "smtpd", ""
            sp = self.pid(tag + svc, 10)
            self.emit(t, "%s/%s[%d]: connect from %s[%s]" % (tag, svc, sp, h, ip))
            self.emit(t, "%s/%s[%d]: %s: client=%s[%s]%s" % (tag, svc, sp, qid, h, ip, extra))
            if r() < 0.02:  # one recipient refused inside an accepted message
                bad = "%s@%s" % (FIRST[int(r() * len(FIRST))], TYPO_DOMAINS[int(r() * len(TYPO_DOMAINS))])
                self.emit(t, "%s/%s[%d]: %s: reject: RCPT from %s[%s]: 450 4.1.2 <%s>: Recipient address rejected: "
                             "Domain not found; from=<%s> to=<%s> proto=ESMTP helo=<%s>"
                          % (tag, svc, sp, qid, h, ip, bad, sender, bad, h))
                if self.day_count(t, "rejected"):
                    self.c["qid_rcpt_rejects"] += 1
            origin = "%s[%s]" % (h, ip)
            helo = " proto=ESMTP helo=<%s>" % h
        else:
            h, ip, svc, sp = None, None, None, None
            self.emit(t, "%s/pickup[%d]: %s: uid=33 from=<%s>" % (tag, self.pid(tag + "pickup", 1), qid, sender))
            origin = "local"
            helo = ""
        cp = self.pid(tag + "cleanup", 4)
        self.emit(t, "%s/cleanup[%d]: %s: message-id=%s" % (tag, cp, qid, mid))
        if has_hash:
            self.emit(t, "%s/cleanup[%d]: %s: info: header X-Mailstats-Hash: %s-%032x from %s; from=<%s> to=<%s>%s"
                      % (tag, cp, qid, app, self.bits(128), origin, sender, rcpts[-1][0], helo))
        if r() < 0.002:  # abandoned: client vanished during DATA or header reject; no qmgr, no removed
            if sp is not None:
                self.emit(t + 1, "%s/%s[%d]: lost connection after DATA (0 bytes) from %s[%s]" % (tag, svc, sp, h, ip))
            else:
                self.emit(t, "%s/cleanup[%d]: %s: reject: header Subject: Invoice overdue from local; from=<%s> "
                             "to=<%s>: 5.7.1 message content rejected" % (tag, cp, qid, sender, rcpts[0][0]))
            self.c["abandoned"] += t < end
            return
        self.emit(t, "%s/qmgr[%d]: %s: from=<%s>, size=%d, nrcpt=%d (queue active)"
                  % (tag, self.pid(tag + "qmgr", 1), qid, sender, size, nr))
        if sp is not None:
            tq = t + r() * 0.7
            self.emit(tq, "%s/%s[%d]: disconnect from %s[%s] ehlo=1 mail=1 rcpt=%d data=1 quit=1 commands=%d"
                      % (tag, svc, sp, h, ip, nr, nr + 4))
        if t < end:
            self.c["original_messages"] += 1
            self.day_count(t, "messages")
        td = t + 0.05 + r() * 0.5
        if r() < 0.1:  # content filter hop: parent hands every recipient to amavis, child continues
            child = self.new_qid(td, False)
            sm = self.pid(tag + "smtp", 12)
            for addr, dom, fate, nd in rcpts:
                self.emit(td + 0.3, "%s/smtp[%d]: %s: to=<%s>, relay=127.0.0.1[127.0.0.1]:10024, delay=%s, delays="
                                    "%s/0/0/0.2, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): "
                                    "250 2.0.0 Ok: queued as %s)"
                          % (tag, sm, qid, addr, fmt_delay(td + 0.3 - t), fmt_delay(td - t + 0.1), child))
            ap = self.pid("amavis", 4)
            self.emit(td + 0.3, "amavis[%d]: (%05d-%02d) Passed CLEAN {RelayedOutbound}, [%s]:%d <%s> -> <%s>, "
                                "Queue-ID: %s, Message-ID: %s, mail_id: %x, Hits: -1.1, size: %d, queued_as: %s, %d ms"
                      % (ap, ap, int(r() * 99), ip or "127.0.0.1", 30000 + int(r() * 30000), sender, rcpts[0][0], qid,
                         mid, self.bits(48), size, child, int(r() * 900) + 50))
            lp = self.pid(tag + "smtpd-reinject", 6)
            tc = td + 0.2
            self.emit(tc, "%s/smtpd[%d]: connect from localhost[127.0.0.1]" % (tag, lp))
            self.emit(tc, "%s/smtpd[%d]: %s: client=localhost[127.0.0.1]" % (tag, lp, child))
            self.emit(tc, "%s/cleanup[%d]: %s: message-id=%s" % (tag, self.pid(tag + "cleanup", 4), child, mid))
            self.emit(tc, "%s/qmgr[%d]: %s: from=<%s>, size=%d, nrcpt=%d (queue active)"
                      % (tag, self.pid(tag + "qmgr", 1), child, sender, size + 700, nr))
            self.emit(tc + 0.1, "%s/smtpd[%d]: disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt=%d data=1 "
                                "quit=1 commands=%d" % (tag, lp, nr, nr + 4))
            self.removed(td + 0.35, tag, qid, not long_ids)
            if td < end:
                self.c["filter_hops"] += 1
            t_rm = self.deliver(tag, child, True, tc + 0.2, tc, rcpts, sender, size + 700, nr, False)
        else:
            t_rm = self.deliver(tag, qid, not long_ids, td, t, rcpts, sender, size, nr, False)
        if t < end < t_rm:
            self.in_flight += 1

    def inbound(self, t):
        """Internet client via postscreen: passes and delivers to a local mailbox, or is rejected."""
        r = self.r
        end = self.end_ts
        name, ip, helo = self.net_clients[int(r() * len(self.net_clients))]
        port = 1024 + int(r() * 64000)
        pp = self.pid("postscreen", 1)
        self.emit(t, "postfix/postscreen[%d]: CONNECT from [%s]:%d to [192.0.2.10]:25" % (pp, ip, port))
        x = r()
        if x < 0.12:
            rank = 2 + int(r() * 6)
            self.emit(t + 1, "postfix/dnsblog[%d]: addr %s listed by domain zen.spamhaus.org as 127.0.0.%d"
                      % (self.pid("dnsblog", 3), ip, rank))
            self.emit(t + 6, "postfix/postscreen[%d]: DNSBL rank %d for [%s]:%d" % (pp, rank, ip, port))
            rc, _ = self.pick_rcpt()
            self.emit(t + 7, "postfix/postscreen[%d]: NOQUEUE: reject: RCPT from [%s]:%d: 550 5.7.1 Service "
                             "unavailable; client [%s] blocked using zen.spamhaus.org; from=<%s>, to=<%s>, "
                             "proto=ESMTP, helo=<%s>" % (pp, ip, port, ip, self.fake_sender(), rc, helo))
            self.emit(t + 7, "postfix/postscreen[%d]: DISCONNECT [%s]:%d" % (pp, ip, port))
            if self.day_count(t + 7, "rejected"):
                self.c["postscreen_rejects"] += 1
            return
        if x < 0.2:
            self.emit(t + 1, "postfix/postscreen[%d]: PREGREET 11 after 0.%02d from [%s]:%d: EHLO %s\\r\\n"
                      % (pp, int(r() * 99), ip, port, helo))
            self.emit(t + 1, "postfix/postscreen[%d]: DISCONNECT [%s]:%d" % (pp, ip, port))
            return
        self.emit(t, "postfix/postscreen[%d]: PASS %s [%s]:%d" % (pp, "OLD" if r() < 0.8 else "NEW", ip, port))
        sp = self.pid("postfix/smtpd", 10)
        self.emit(t, "postfix/smtpd[%d]: connect from %s[%s]" % (sp, name, ip))
        if name == "unknown" and r() < 0.3:
            self.emit(t, "postfix/smtpd[%d]: warning: hostname %s does not resolve to address %s: Name or service "
                         "not known" % (sp, "host-" + ip.replace(".", "-") + ".example.net", ip))
            self.c["warnings"] += t < end
        y = r()
        if y < 0.45:
            x2 = r()
            rc, _ = self.pick_rcpt()
            if x2 < 0.4:
                msg = "454 4.7.1 <%s>: Relay access denied" % rc
            elif x2 < 0.6:
                rc = self.users[int(r() * len(self.users))].replace(".", "", 1)
                msg = "550 5.1.1 <%s>: Recipient address rejected: User unknown in virtual mailbox table" % rc
            elif x2 < 0.8:
                msg = "450 4.7.1 Client host rejected: cannot find your reverse hostname, [%s]" % ip
            else:
                msg = "554 5.7.1 Service unavailable; Client host [%s] blocked using bl.spamcop.net; Blocked - see " \
                      "https://www.spamcop.net/bl.shtml?%s" % (ip, ip)
            self.emit(t + 1, "postfix/smtpd[%d]: NOQUEUE: reject: RCPT from %s[%s]: %s; from=<%s> to=<%s> "
                             "proto=ESMTP helo=<%s>" % (sp, name, ip, msg, self.fake_sender(), rc, helo))
            if self.day_count(t + 1, "rejected"):
                self.c["noqueue_rejects"] += 1
            self.emit(t + 1, "postfix/smtpd[%d]: disconnect from %s[%s] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4"
                      % (sp, name, ip))
            return
        if y < 0.6:
            self.emit(t + 2, "postfix/smtpd[%d]: lost connection after EHLO from %s[%s]" % (sp, name, ip))
            self.emit(t + 2, "postfix/smtpd[%d]: disconnect from %s[%s] ehlo=1 commands=1" % (sp, name, ip))
            return
        if y < 0.602:
            self.emit(t + 1, "postfix/smtpd[%d]: NOQUEUE: filter: RCPT from %s[%s]: <%s>: Sender address triggers "
                             "FILTER smtp-amavis:[127.0.0.1]:10026; from=<%s> to=<%s> proto=ESMTP helo=<%s>"
                      % (sp, name, ip, self.fake_sender(), self.fake_sender(), self.users[0], helo))
            self.c["noqueue_filter_lines"] += t < end
        # accepted inbound mail to a local user, delivered by lmtp to dovecot
        qid = self.new_qid(t)
        user = self.users[int(r() * len(self.users))]
        snd = self.fake_sender()
        self.emit(t, "postfix/smtpd[%d]: Anonymous TLS connection established from %s[%s]: %s"
                  % (sp, name, ip, CIPHERS[int(r() * 3)]))
        self.emit(t + 1, "postfix/smtpd[%d]: %s: client=%s[%s]" % (sp, qid, name, ip))
        self.emit(t + 1, "postfix/cleanup[%d]: %s: message-id=%s" % (self.pid("postfixcleanup", 4), qid,
                                                                     self.msgid(t, snd.split("@", 1)[1])))
        size = int(self.rng.lognormvariate(9.8, 1.0)) + 900
        self.emit(t + 1, "postfix/qmgr[%d]: %s: from=<%s>, size=%d, nrcpt=1 (queue active)"
                  % (self.pid("postfixqmgr", 1), qid, snd, size))
        self.emit(t + 2, "postfix/smtpd[%d]: disconnect from %s[%s] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 "
                         "commands=7" % (sp, name, ip))
        if t + 1 < end:
            self.c["original_messages"] += 1
            self.day_count(t + 1, "messages")
        t_rm = self.deliver("postfix", qid, True, t + 1.2, t + 1, [(user, "example.com", "sent", 0)], snd, size, 1,
                            False)
        if t + 1 < end < t_rm:
            self.in_flight += 1

    def fake_sender(self):
        r = self.r
        return "%s%d@%s.%s" % (FIRST[int(r() * len(FIRST))], int(r() * 999), WORDS[int(r() * len(WORDS))],
                               TLDS[int(r() * len(TLDS))])

    def noise(self, t):
        r = self.r
        end = self.end_ts
        x = r()
        if x < 0.5:
            u = self.users[int(r() * len(self.users))]
            ip = "198.51.100.%d" % (1 + int(r() * 250))
            sess = "%x" % self.bits(64)
            if r() < 0.5:
                self.emit(t, "dovecot: imap-login: Login: user=<%s>, method=PLAIN, rip=%s, lip=192.0.2.10, mpid=%d, "
                             "TLS, session=<%s>" % (u, ip, self.pid("dovecot-imap", 30), sess))
            else:
                self.emit(t, "dovecot: imap(%s)<%d><%s>: Disconnected: Logged out in=%d out=%d deleted=0 expunged=0 "
                             "trashed=0 hdr_count=0 hdr_bytes=0 body_count=0 body_bytes=0"
                          % (u, self.pid("dovecot-imap", 30), sess, int(r() * 3000), int(r() * 90000)))
        elif x < 0.8:
            name, ip, helo = self.net_clients[int(r() * len(self.net_clients))]
            sp = self.pid("postfix/smtpd", 10)
            if r() < 0.7:
                self.emit(t, "postfix/smtpd[%d]: warning: %s[%s]: SASL LOGIN authentication failed: UGFzc3dvcmQ6"
                          % (sp, name, ip))
            else:
                self.emit(t, "postfix/smtpd[%d]: warning: non-SMTP command from %s[%s]: GET / HTTP/1.1"
                          % (sp, name, ip))
            self.c["warnings"] += t < end
        else:
            # a burst of warnings, as a brute-force client produces
            name, ip, helo = self.net_clients[int(r() * len(self.net_clients))]
            sp = self.pid("postfix/submission/smtpd", 6)
            for i in range(5 + int(r() * 20)):
                self.emit(t + i * 2, "postfix/submission/smtpd[%d]: warning: %s[%s]: SASL PLAIN authentication "
                                     "failed: (reason unavailable), sasl_username=%s" % (sp, name, ip,
                                                                                         self.users[i % 80]))
                self.c["warnings"] += t + i * 2 < end

    def periodic(self, t):
        """Statistics lines that anvil and scache print every few minutes."""
        tag = "postfix"
        st = time.strftime("%b %d %H:%M:%S", time.gmtime(int(t) - 600))
        ap = self.pid("anvil", 1)
        name, ip, helo = self.net_clients[int(self.r() * len(self.net_clients))]
        self.emit(t, "%s/anvil[%d]: statistics: max connection rate %d/60s for (smtp:%s) at %s"
                  % (tag, ap, 1 + int(self.r() * 9), ip, st))
        self.emit(t, "%s/anvil[%d]: statistics: max connection count %d for (smtp:%s) at %s"
                  % (tag, ap, 1 + int(self.r() * 4), ip, st))
        self.emit(t, "%s/anvil[%d]: statistics: max cache size %d at %s" % (tag, ap, 2 + int(self.r() * 30), st))
        sc = self.pid("scache", 1)
        self.emit(t, "%s/scache[%d]: statistics: start interval %s" % (tag, sc, st))
        self.emit(t, "%s/scache[%d]: statistics: domain lookup hits=%d miss=%d success=%d%%"
                  % (tag, sc, int(self.r() * 50), int(self.r() * 60), int(self.r() * 100)))
        self.emit(t, "%s/scache[%d]: statistics: address lookup hits=%d miss=%d success=%d%%"
                  % (tag, sc, int(self.r() * 50), int(self.r() * 60), int(self.r() * 100)))
        self.emit(t, "%s/scache[%d]: statistics: max simultaneous domains=%d addresses=%d connection=%d"
                  % (tag, sc, 1 + int(self.r() * 5), 1 + int(self.r() * 6), 1 + int(self.r() * 9)))

    # ---------- driver ------------------------------------------------------------------------------------
    def run(self):
        args = self.args
        r = self.r
        start, end = self.start_ts, self.end_ts
        nfiles = args.files
        span = (end - start) / nfiles
        target = args.size_mb * 1e6
        files = []
        for j in range(nfiles):
            rank = nfiles - 1 - j
            name = "mail.log" if rank == 0 else ("mail.log.1" if rank == 1 else "mail.log.%d.gz" % rank)
            files.append({"name": name, "lines": 0, "bytes_uncompressed": 0})
        os.makedirs(args.outdir, exist_ok=True)
        for f in os.listdir(args.outdir):
            if f.startswith("mail.log"):
                os.unlink(os.path.join(args.outdir, f))
        cur = [-1, None, None]  # file index, file object, process
        hostpart = " " + self.host + " "
        buf = []
        buflen = [0]

        def open_file(j):
            close_file()
            path = os.path.join(args.outdir, files[j]["name"])
            if path.endswith(".gz"):
                out = open(path, "wb")
                p = subprocess.Popen(["gzip", "-%d" % args.gzip_level, "-c"], stdin=subprocess.PIPE, stdout=out)
                out.close()
                cur[:] = [j, p.stdin, p]
            else:
                cur[:] = [j, open(path, "wb"), None]

        def flush_buf():
            if buf:
                data = "".join(buf).encode()
                cur[1].write(data)
                buf.clear()
                buflen[0] = 0

        def close_file():
            if cur[1] is not None:
                flush_buf()
                cur[1].close()
                if cur[2] is not None:
                    if cur[2].wait() != 0:
                        raise SystemExit("gzip failed")
                cur[:] = [-1, None, None]

        stamp_cache = {}
        first_line = [None]
        last_line = [None]

        def flush_until(limit):
            """Write out every bucket for seconds < limit (all of their lines are known by then)."""
            s = flush_until.pos
            bk = self.buckets
            while s < limit:
                lines = bk.pop(s, None)
                if lines is not None and s < end:
                    j = int((s - start) // span)
                    if j != cur[0]:
                        flush_buf()
                        open_file(j)
                    tm = time.gmtime(s)
                    pre = "%s %2d %02d:%02d:%02d%s" % (MONTHS[tm.tm_mon - 1], tm.tm_mday, tm.tm_hour, tm.tm_min,
                                                       tm.tm_sec, hostpart)
                    chunk = pre + ("\n" + pre).join(lines) + "\n"
                    buf.append(chunk)
                    buflen[0] += len(chunk)
                    fj = files[j]
                    fj["lines"] += len(lines)
                    fj["bytes_uncompressed"] += len(chunk)
                    if first_line[0] is None:
                        first_line[0] = s
                    last_line[0] = s
                    if buflen[0] > 1 << 20:
                        flush_buf()
                s += 1
            flush_until.pos = s

        flush_until.pos = start
        # arrivals: Poisson process with a daily rhythm; rate tuned from observed bytes per arrival
        t = float(start)
        arrivals = 0
        est_bytes_per_arrival = 1150.0
        base_rate = target / est_bytes_per_arrival / (end - start)
        next_periodic = start + 300
        next_report = time.time() + 5
        while True:
            hour = t % 86400 / 3600.0
            rhythm = (0.35 + 1.3 * max(0.0, 1 - abs(hour - 14) / 9.0)) / 0.8375  # busy afternoons; mean 1
            t += self.rng.expovariate(base_rate * rhythm)
            if t >= end:
                break
            while t >= next_periodic:
                self.periodic(next_periodic)
                next_periodic += 600
            flush_until(int(t))
            x = r()
            if x < 0.70:
                self.outbound(t)
            elif x < 0.93:
                self.inbound(t)
            else:
                self.noise(t)
            arrivals += 1
            if arrivals % 100 == 0:
                # re-aim the rate so the remaining span fills the remaining byte budget
                est_bytes_per_arrival = (self.gen_bytes + self.gen_lines * (16 + len(hostpart))) / arrivals
                done = sum(f["bytes_uncompressed"] for f in files)
                remaining = max(target - done, target * 0.001)
                base_rate = remaining / est_bytes_per_arrival / max(end - t, 1.0) / 1.0
                if args.progress and time.time() > next_report:
                    next_report = time.time() + 5
                    print("gen-logs: %.0f%% of span, %.0f MB written" % (100 * (t - start) / (end - start),
                                                                         done / 1e6), file=sys.stderr)
        flush_until(end)
        close_file()
        # files that received no lines (tiny sizes) still exist, empty, so the family is complete
        for fj in files:
            path = os.path.join(args.outdir, fj["name"])
            if not os.path.exists(path):
                if path.endswith(".gz"):
                    subprocess.run(["gzip", "-c"], input=b"", stdout=open(path, "wb"), check=True)
                else:
                    open(path, "wb").close()
        return files, first_line[0], last_line[0]


def iso(ts):
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).isoformat()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--size-mb", type=float, required=True, help="uncompressed size to aim for, in MB (1e6 bytes)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--files", type=int, default=8, help="files in the family (mail.log ... mail.log.K-1.gz)")
    ap.add_argument("--days", type=float, default=None, help="time span in days (default: one day per file)")
    ap.add_argument("--year", type=int, default=2026, help="year of the default --end (Nov 29, 06:25 UTC)")
    ap.add_argument("--end", default=None, help="end of the span, ISO date or date-time, UTC (default Y-11-29T06:25)")
    ap.add_argument("--host", default="mail")
    ap.add_argument("--gzip-level", type=int, default=6, choices=range(1, 10))
    ap.add_argument("--queue-lifetime-hours", type=float, default=24.0,
                    help="maximal_queue_lifetime: deferred mail expires after this long")
    ap.add_argument("--progress", action="store_true", help="report progress on stderr")
    args = ap.parse_args()
    if args.files < 1 or args.size_mb <= 0:
        ap.error("--files must be >= 1 and --size-mb > 0")
    if args.days is None:
        args.days = float(args.files)
    if args.end is None:
        end = dt.datetime(args.year, 11, 29, 6, 25, tzinfo=dt.timezone.utc)
    else:
        end = dt.datetime.fromisoformat(args.end)
        if end.tzinfo is None:
            end = end.replace(tzinfo=dt.timezone.utc)
    args.end_ts = int(end.timestamp())
    t0 = time.time()
    g = Gen(args)
    files, first, last = g.run()
    elapsed = time.time() - t0
    total_bytes = sum(f["bytes_uncompressed"] for f in files)
    total_lines = sum(f["lines"] for f in files)
    c = g.c
    for f in files:
        f["bytes_on_disk"] = os.path.getsize(os.path.join(args.outdir, f["name"]))
    messages = c["original_messages"] + c["notifications"] + c["delay_notifications"]
    rejected = c["noqueue_rejects"] + c["postscreen_rejects"] + c["qid_rcpt_rejects"]
    expected = {
        "generator": {"seed": args.seed, "size_mb": args.size_mb, "files": args.files, "days": args.days,
                      "host": args.host, "end": iso(args.end_ts), "gzip_level": args.gzip_level,
                      "queue_lifetime_hours": args.queue_lifetime_hours, "elapsed_s": round(elapsed, 1)},
        "timezone": "UTC",
        "year": time.gmtime(last if last is not None else args.end_ts).tm_year,
        "first_line_at": iso(first) if first is not None else None,
        "last_line_at": iso(last) if last is not None else None,
        "suggested_now": iso((last if last is not None else args.end_ts) + 60),
        "files": files,
        "lines": total_lines,
        "bytes": total_bytes,
        "totals": {
            "messages": messages,
            "recipients": c["sent"] + c["bounced"] + c["expired"],
            "sent": c["sent"],
            "bounced": c["bounced"],
            "expired": c["expired"],
            "deferred_attempts": c["deferred_attempts"],
            "rejected": rejected,
            "in_flight": g.in_flight,
        },
        "breakdown": c,
        "definitions": {
            "messages": "queued messages (a qmgr from= line) whose arrival is in the span: originals plus bounce "
                        "and delay notifications; a content-filter child is the same message as its parent; "
                        "abandoned queue ids (no qmgr line) are not messages",
            "recipients": "final per-recipient outcomes logged in the span (sent + bounced + expired), "
                          "notifications included; the content-filter hop (relay 127.0.0.1:10024) is not an "
                          "outcome, the child's delivery is",
            "deferred_attempts": "to= lines with status=deferred",
            "rejected": "NOQUEUE reject RCPT (smtpd and postscreen) plus QID: reject: RCPT lines; "
                        "NOQUEUE filter lines are not rejects",
            "in_flight": "messages queued in the span whose final queue file is removed after the last line",
            "by_day": "UTC day of the line carrying the event (messages: arrival)",
        },
        "by_day": dict(sorted(g.by_day.items())),
    }
    with open(os.path.join(args.outdir, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2)
        f.write("\n")
    print("gen-logs: %d lines, %.1f MB uncompressed, %.1f MB on disk, %.1f s (%.1f MB/s)"
          % (total_lines, total_bytes / 1e6, sum(f["bytes_on_disk"] for f in files) / 1e6, elapsed,
             total_bytes / 1e6 / max(elapsed, 1e-9)), file=sys.stderr)


if __name__ == "__main__":
    main()
