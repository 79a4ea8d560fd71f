#!/usr/bin/env python3
"""Runs one harness scenario against a real Postfix (stdlib only).

Called by run.sh *inside* a network namespace whose only interface is `lo`.
It writes a private Postfix configuration under WORK, starts the SMTP sinks,
the content filter and Postfix, injects the scenario's messages, rotates the
log twice, deletes one queued message, waits until the queue is empty, checks
that every socket was on 127.0.0.0/8, stops everything and writes
OUT/logs/ (mail.log, mail.log.1, mail.log.2.gz) and OUT/truth.jsonl.

The truth is what the scenario design implies (see ROUTES and the batches
below), never anything read back from the logs.

Usage: driver.py WORK OUT [--seed N]
"""
import argparse
import email.message
import email.utils
import gzip
import json
import os
import random
import shutil
import smtplib
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MYHOSTNAME = "mail.harness.example"

# Sinks: address -> (description, smtp-sink options). Each listens on port 25.
SINKS = {
    "127.0.0.10": ("accept", []),
    "127.0.0.11": ("reject RCPT 550 5.1.1",
                   ["-f", "RCPT", "-B", "550 5.1.1 <unknown>: Recipient address rejected: "
                                        "User unknown in virtual mailbox table"]),
    "127.0.0.12": ("defer RCPT 451 4.7.1 (greylisting, forever)",
                   ["-r", "RCPT", "-b", "451 4.7.1 Greylisted, please try again later"]),
    "127.0.0.13": ("drop the connection after RCPT", ["-q", "RCPT"]),
    # 127.0.0.14: nothing listens (connection refused)
    "127.0.0.15": ("defer RCPT 450 4.2.1 until swapped for an accepting sink",
                   ["-r", "RCPT", "-b", "450 4.2.1 Mailbox busy, try again later"]),
    "127.0.0.16": ("reject end of DATA 554 5.7.1 (spam)",
                   ["-f", ".", "-B", "554 5.7.1 Message rejected as spam"]),
    "127.0.0.17": ("reject RCPT 552 5.2.2 (mailbox full)",
                   ["-f", "RCPT", "-B", "552 5.2.2 Mailbox full, quota exceeded"]),
}

# transport_maps (texthash): full addresses first, then domains.
# Each route's designed outcome: (status, dsn) for the truth file.
ROUTES = {
    # senders' domains, so notifications (bounces, delay warnings) are delivered
    "basecamp.example": ("127.0.0.10", ("sent", None)),
    "hey.example": ("127.0.0.10", ("sent", None)),
    "billing.example": ("127.0.0.10", ("sent", None)),
    MYHOSTNAME: ("127.0.0.10", ("sent", None)),
    # recipients
    "nobody@example.com": ("127.0.0.11", ("bounced", "5.1.1")),
    "ghost@example.org": ("127.0.0.11", ("bounced", "5.1.1")),
    "full@example.net": ("127.0.0.17", ("bounced", "5.2.2")),
    "example.com": ("127.0.0.10", ("sent", None)),
    "example.net": ("127.0.0.10", ("sent", None)),
    "example.org": ("127.0.0.10", ("sent", None)),
    "customer.example": ("127.0.0.10", ("sent", None)),
    "greylist.example": ("127.0.0.12", ("expired", None)),
    "stuck.example": ("127.0.0.12", ("removed", None)),  # deleted with postsuper -d
    "flaky.example": ("127.0.0.13", ("expired", None)),
    "offline.example": ("127.0.0.14", ("expired", None)),
    "slow.example": ("127.0.0.15", ("sent", None)),  # deferred first, sent after the swap
    "spamtrap.example": ("127.0.0.16", ("bounced", "5.7.1")),
}

# check_recipient_access: refused at RCPT time, never queued (rejects, not deliveries).
RECIPIENT_ACCESS = [
    (r"/^blocked@example\.com$/", "REJECT"),
    (r"/^unknown-user@customer\.example$/", "550 5.1.1 User unknown"),
]
REJECTED = {"blocked@example.com": "5.7.1", "unknown-user@customer.example": "5.1.1"}

SENDERS = {
    "basecamp": "notifications@basecamp.example",
    "hey": "hello@hey.example",
    "billing": "invoices@billing.example",
}

# The scenario. (app or None for "no tracking header", via, recipients)
# via: "sendmail" (pickup), "smtp" (127.0.0.1:25), "submission" (127.0.0.1:587, content filter hop)
BATCH_1 = [
    ("basecamp", "sendmail", ["alice@example.com"]),
    ("basecamp", "smtp", ["bob@example.com", "carol@example.net", "nobody@example.com"]),
    ("hey", "smtp", ["dave@customer.example"]),
    ("hey", "sendmail", ["erin@greylist.example"]),
    ("billing", "smtp", ["frank@example.com", "gina@offline.example"]),
    ("billing", "sendmail", ["henry@flaky.example"]),
    ("hey", "smtp", ["ivan@slow.example", "judy@example.org"]),
    ("basecamp", "smtp", ["kate@stuck.example", "leo@example.com"]),
    ("billing", "smtp", ["full@example.net"]),
    ("hey", "sendmail", ["mallory@spamtrap.example", "niaj@spamtrap.example"]),
    ("hey", "smtp", ["olivia@example.com", "unknown-user@customer.example"]),
    ("basecamp", "smtp", ["blocked@example.com"]),
    (None, "sendmail", ["peggy@example.com"]),
    ("basecamp", "sendmail", ["alice@example.com", "bob@example.com", "trent@example.net",
                              "ghost@example.org", "victor@customer.example"]),
    ("billing", "smtp", ["walter@example.com"]),
    ("hey", "smtp", ["alice@example.com"]),
]
BATCH_2 = [
    ("basecamp", "submission", ["quinn@example.com", "ghost@example.org"]),
    ("hey", "submission", ["rupert@example.net"]),
    ("billing", "submission", ["sybil@slow.example"]),
    ("billing", "smtp", ["alice@example.com", "blocked@example.com"]),
    ("basecamp", "sendmail", ["uma@greylist.example", "carol@example.net"]),
    ("hey", "smtp", ["xavier@customer.example", "yolanda@example.org"]),
    ("basecamp", "smtp", ["zoe@example.com"]),
]
BATCH_3 = [
    ("basecamp", "smtp", ["alice@example.com", "bob@example.com"]),
    ("hey", "sendmail", ["dave@customer.example"]),
    ("billing", "smtp", ["frank@example.com", "nobody@example.com"]),
    ("hey", "smtp", ["unknown-user@customer.example"]),
]

MAIN_CF = """\
# Private configuration written by scripts/postfix-harness/driver.py
compatibility_level = 3.6
queue_directory = {work}/spool
data_directory = {work}/data
mail_owner = postfix
setgid_group = postdrop
myhostname = {myhostname}
mydomain = harness.example
myorigin = $myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
biff = no
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_banner = $myhostname ESMTP
# Logging: Postfix's own postlogd writes the file (needs `postlog` in master.cf).
maillog_file = {work}/log/mail.log
maillog_file_prefixes = {work}/log
header_checks = regexp:{work}/etc/header_checks
# The built-in delay notice counts hours and days, which our second-long lifetimes round to 0.
bounce_template_file = {work}/etc/bounce.cf
# No DNS anywhere: IP-literal next hops, files-only host lookups.
disable_dns_lookups = yes
smtp_dns_support_level = disabled
smtp_host_lookup = native
lmtp_host_lookup = native
smtp_tls_security_level = none
smtpd_tls_security_level = none
transport_maps = texthash:{work}/etc/transport
default_transport = error:5.1.2 no route in the harness
relay_transport = $default_transport
local_transport = $default_transport
smtpd_recipient_restrictions = check_recipient_access regexp:{work}/etc/recipient_access,
    permit_mynetworks, reject_unauth_destination
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
# Short lifetimes so that deferred mail expires within the run.
maximal_queue_lifetime = 60s
bounce_queue_lifetime = 60s
delay_warning_time = 20s
queue_run_delay = 4s
minimal_backoff_time = 4s
maximal_backoff_time = 8s
smtp_connect_timeout = 5s
"""

MASTER_EXTRA = """\
127.0.0.1:submission inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o content_filter=scan:[127.0.0.1]:10026
scan      unix  -       -       n       -       4       smtp
  -o syslog_name=postfix/scan
  -o smtp_send_xforward_command=no
  -o disable_mime_output_conversion=yes
127.0.0.1:10025 inet n - n - - smtpd
  -o syslog_name=postfix/reinject
  -o content_filter=
  -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks,no_milters
  -o smtpd_recipient_restrictions=permit_mynetworks,reject
  -o mynetworks=127.0.0.0/8
"""


def log(*parts):
    print(f"[{time.strftime('%H:%M:%S')}]", *parts, flush=True)


def run(*argv, check=True, **kwargs):
    done = subprocess.run(argv, text=True, capture_output=True, **kwargs)
    if check and done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)}: exit {done.returncode}\n{done.stdout}{done.stderr}")
    return done


class Harness:
    def __init__(self, work, out, seed):
        self.work, self.out = work, out
        self.etc = os.path.join(work, "etc")
        self.logdir = os.path.join(work, "log")
        self.maillog = os.path.join(self.logdir, "mail.log")
        self.rng = random.Random(seed)
        self.children = {}
        self.truth = []
        self.rejects = []
        self.sockets_seen = {}
        self.socket_checks = 0

    # ---------- configuration ----------

    def configure(self):
        for sub in ("etc", "log", "data", "spool"):
            os.makedirs(os.path.join(self.work, sub), exist_ok=True)
        shutil.chown(os.path.join(self.work, "data"), "postfix", "postfix")
        os.chmod(os.path.join(self.work, "data"), 0o700)
        with open(os.path.join(self.etc, "main.cf"), "w") as f:
            f.write(MAIN_CF.format(work=self.work, myhostname=MYHOSTNAME))
        # Debian's master.cf with every chroot off (the private queue has no chroot jail).
        shutil.copy("/usr/share/postfix/master.cf.dist", os.path.join(self.etc, "master.cf"))
        run("postconf", "-c", self.etc, "-F", "*/*/chroot = n")
        if "postlog" not in run("postconf", "-c", self.etc, "-M").stdout:
            with open(os.path.join(self.etc, "master.cf"), "a") as f:
                f.write("postlog   unix-dgram n  -       n       -       1       postlogd\n")
        with open(os.path.join(self.etc, "master.cf"), "a") as f:
            f.write(MASTER_EXTRA)
        open(os.path.join(self.etc, "bounce.cf"), "w").close()  # empty: built-in templates
        delay = run("postconf", "-c", self.etc, "-t").stdout
        delay = delay[delay.index("delay_template = <<EOF"):]
        delay = delay[:delay.index("\nEOF\n") + 5]
        delay = delay.replace("$delay_warning_time_hours hour(s)", "$delay_warning_time_seconds second(s)")
        delay = delay.replace("$maximal_queue_lifetime_days day(s)", "$maximal_queue_lifetime_seconds second(s)")
        with open(os.path.join(self.etc, "bounce.cf"), "w") as f:
            f.write(delay)
        with open(os.path.join(self.etc, "header_checks"), "w") as f:
            f.write("/^X-Mailstats-Hash:/ INFO\n")
        with open(os.path.join(self.etc, "transport"), "w") as f:
            for key, (ip, _) in ROUTES.items():
                f.write(f"{key}\tsmtp:[{ip}]:25\n")
        with open(os.path.join(self.etc, "recipient_access"), "w") as f:
            for pattern, action in RECIPIENT_ACCESS:
                f.write(f"{pattern} {action}\n")
        run("postfix", "-c", self.etc, "check")

    # ---------- processes ----------

    def start_sink(self, ip, options):
        argv = ["smtp-sink", "-u", "nobody", "-h", f"mx{ip.rsplit('.', 1)[1]}.sink.example",
                *options, f"{ip}:25", "64"]
        self.children[ip] = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL)

    def start(self):
        for ip, (_, options) in SINKS.items():
            self.start_sink(ip, options)
        self.children["filter"] = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "filter.py"), "127.0.0.1:10026", "127.0.0.1:10025"])
        run("postfix", "-c", self.etc, "start")
        self.version = run("postconf", "-c", self.etc, "-h", "mail_version").stdout.strip()
        log("postfix", self.version, "started")
        self.wait_for_port("127.0.0.1", 25)
        self.wait_for_port("127.0.0.1", 10026)

    def stop(self):
        run("postfix", "-c", self.etc, "stop", check=False)
        for proc in self.children.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.children.values():
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()

    def wait_for_port(self, host, port, timeout=20):
        import socket
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                socket.create_connection((host, port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"nothing listens on {host}:{port}")

    # ---------- queue ----------

    def queue(self):
        out = run("postqueue", "-c", self.etc, "-j").stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def wait_settled(self, what, timeout=60):
        """Waits until nothing is in maildrop/incoming/active (twice in a row)."""
        deadline, calm = time.time() + timeout, 0
        while time.time() < deadline:
            self.check_sockets()
            busy = [q for q in self.queue() if q["queue_name"] not in ("deferred", "hold")]
            calm = calm + 1 if not busy else 0
            if calm >= 2:
                return
            time.sleep(0.5)
        raise SystemExit(f"queue did not settle ({what}): {self.queue()}")

    def wait_empty(self, timeout=150):
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.check_sockets()
            queued = self.queue()
            if not queued:
                return
            time.sleep(1)
        raise SystemExit(f"queue not empty after {timeout}s: {self.queue()}")

    def flush(self):
        run("postqueue", "-c", self.etc, "-f")

    def reload(self):
        run("postfix", "-c", self.etc, "reload")

    # ---------- injection ----------

    def new_hash(self, app):
        return f"{app}-{self.rng.getrandbits(64):016x}"

    def build(self, app, sender, recipients, hash_value, number):
        msg = email.message.EmailMessage()
        msg["From"] = sender
        msg["To"] = ", ".join(recipients)
        msg["Subject"] = f"Harness message {number}"
        msg["Date"] = email.utils.formatdate(localtime=True)
        domain = sender.split("@", 1)[1]
        msg["Message-ID"] = f"<{self.rng.getrandbits(80):020x}.{number}@{domain}>"
        if hash_value is not None:
            msg["X-Mailstats-Hash"] = hash_value
        msg.set_content(f"Message {number} of the mailstats Postfix harness.\n")
        return msg

    def inject(self, batch, first_number):
        for offset, (app, via, recipients) in enumerate(batch):
            number = first_number + offset
            sender = SENDERS.get(app, "no-reply@basecamp.example")
            hash_value = self.new_hash(app) if app else None
            msg = self.build(app, sender, recipients, hash_value, number)
            accepted = [r for r in recipients if r not in REJECTED]
            for rcpt in recipients:
                if rcpt in REJECTED:
                    self.rejects.append({"recipient": rcpt, "sender": sender,
                                         "dsn": REJECTED[rcpt], "via": via})
            if via == "sendmail":
                # Local submission never consults smtpd restrictions: only accepted ones go here.
                run("sendmail", "-C", self.etc, "-f", sender, "--", *accepted,
                    input=msg.as_string())
            else:
                port = 587 if via == "submission" else 25
                with smtplib.SMTP("127.0.0.1", port, local_hostname=f"app.{app or 'misc'}.example",
                                  timeout=30) as client:
                    try:
                        refused = client.sendmail(sender, recipients, msg.as_bytes())
                    except smtplib.SMTPRecipientsRefused as error:
                        refused = error.recipients
                    if set(refused) != set(recipients) - set(accepted):
                        raise SystemExit(f"message {number}: unexpected refusals {refused}")
            if app is None or not accepted:
                continue
            for rcpt in accepted:
                key = rcpt if rcpt in ROUTES else rcpt.split("@", 1)[1]
                status, dsn = ROUTES[key][1]
                self.truth.append({"hash": hash_value, "app": app, "recipient": rcpt,
                                   "status": status, "dsn": dsn, "via": via, "message": number})
        return first_number + len(batch)

    # ---------- scenario steps ----------

    def remove_stuck(self):
        """postsuper -d for every queued message with a stuck.example recipient."""
        removed = 0
        for entry in self.queue():
            if any(r["address"].endswith("@stuck.example") for r in entry["recipients"]):
                run("postsuper", "-c", self.etc, "-d", entry["queue_id"])
                removed += 1
        if removed == 0:
            raise SystemExit("no stuck.example message found for postsuper -d")
        log(f"postsuper -d removed {removed} message(s)")

    def swap_slow_sink(self):
        proc = self.children["127.0.0.15"]
        proc.terminate()
        proc.wait(timeout=5)
        self.start_sink("127.0.0.15", [])
        self.wait_for_port("127.0.0.15", 25)
        log("127.0.0.15 now accepts")

    def rotate(self):
        """logrotate-style: mail.log -> .1 -> .2.gz, then HUP master so postlogd reopens."""
        time.sleep(1)
        one, two = self.maillog + ".1", self.maillog + ".2"
        if os.path.exists(one):
            os.rename(one, two)
            with open(two, "rb") as src, gzip.open(two + ".gz", "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.remove(two)
        os.rename(self.maillog, one)
        self.reload()
        log("rotated", sorted(os.listdir(self.logdir)))

    def check_sockets(self):
        """Fails on any TCP/UDP socket that is not on 127.0.0.0/8."""
        self.socket_checks += 1
        out = run("ss", "-tanupH").stdout
        bad = []
        for line in out.splitlines():
            fields = line.split()
            if len(fields) < 6:
                continue
            local, peer = fields[4], fields[5]
            if fields[1] in ("LISTEN", "UNCONN"):
                self.sockets_seen[f"{fields[0]} {fields[1]} {local}"] = 1
            else:
                key = f"{fields[0]} {local.rsplit(':', 1)[0]} <-> {peer.rsplit(':', 1)[0]}"
                self.sockets_seen[key] = self.sockets_seen.get(key, 0) + 1
            if not local.startswith("127."):
                bad.append(line)
            elif not (peer.startswith("127.") or peer in ("0.0.0.0:*", "*:*", "*")):
                bad.append(line)
        if bad:
            print("\n".join(["NON-LOOPBACK SOCKETS:", *bad]), file=sys.stderr)
            raise SystemExit("a socket was not on 127.0.0.0/8")

    def check_interfaces(self):
        links = run("ip", "-o", "link").stdout.split("\n")
        names = [line.split(":")[1].strip() for line in links if line.strip()]
        if names != ["lo"]:
            raise SystemExit(f"namespace has interfaces other than lo: {names}")

    # ---------- main ----------

    def scenario(self):
        self.started = time.time()
        self.check_interfaces()
        self.configure()
        self.start()
        self.check_sockets()
        number = self.inject(BATCH_1, 1)
        log(f"batch 1 injected ({len(BATCH_1)} messages)")
        self.wait_settled("batch 1")
        self.remove_stuck()
        self.rotate()
        number = self.inject(BATCH_2, number)
        log(f"batch 2 injected ({len(BATCH_2)} messages)")
        self.wait_settled("batch 2")
        self.swap_slow_sink()
        self.flush()
        self.wait_settled("after flush")
        if any(r["address"].endswith("@slow.example") for q in self.queue() for r in q["recipients"]):
            raise SystemExit("slow.example mail still queued after the swap")
        self.rotate()
        self.inject(BATCH_3, number)
        log(f"batch 3 injected ({len(BATCH_3)} messages); waiting for expiry")
        self.wait_empty()
        log("queue empty")
        self.check_sockets()
        time.sleep(1)
        self.finished = time.time()
        self.messages = number + len(BATCH_3) - 1

    def write_outputs(self):
        logs = os.path.join(self.out, "logs")
        os.makedirs(logs, exist_ok=True)
        for name in sorted(os.listdir(self.logdir)):
            shutil.copy(os.path.join(self.logdir, name), os.path.join(logs, name))
            os.chmod(os.path.join(logs, name), 0o644)
        with open(os.path.join(self.out, "truth.jsonl"), "w") as f:
            for row in self.truth:
                f.write(json.dumps({k: row[k] for k in ("hash", "app", "recipient", "status", "dsn")})
                        + "\n")
        with open(os.path.join(self.out, "truth-rejects.jsonl"), "w") as f:
            for row in self.rejects:
                f.write(json.dumps({k: row[k] for k in ("recipient", "sender", "dsn")}) + "\n")
        meta = {
            "postfix_version": self.version,
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(self.started)),
            "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(self.finished)),
            "year": time.localtime(self.started).tm_year,
            "timezone": os.environ.get("TZ") or time.strftime("%Z", time.localtime(self.started)),
            "utc_offset": time.strftime("%z", time.localtime(self.started)),
            "isolation": os.environ.get("MAILSTATS_HARNESS_ISOLATION", "unknown"),
            "submissions": self.messages,
            "truth_rows": len(self.truth),
            "rejects": len(self.rejects),
        }
        with open(os.path.join(self.out, "meta.json"), "w") as f:
            json.dump(meta, f, indent=2)
            f.write("\n")
        log(f"wrote {len(self.truth)} truth rows, {len(self.rejects)} rejects, logs: "
            f"{sorted(os.listdir(logs))}")
        log(f"{self.socket_checks} `ss -tanup` checks, every socket on 127.0.0.0/8; seen "
            "(listeners, and connections by address pair with sightings):")
        for entry, count in sorted(self.sockets_seen.items()):
            print("   ", entry, f"x{count}" if "<->" in entry else "")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("work")
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    harness = Harness(os.path.abspath(args.work), os.path.abspath(args.out), args.seed)
    try:
        harness.scenario()
    finally:
        harness.stop()
    harness.write_outputs()


if __name__ == "__main__":
    main()
