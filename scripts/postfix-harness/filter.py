#!/usr/bin/env python3
"""A tiny after-queue content filter for the harness (stdlib only).

Postfix hands a message to it over SMTP (content_filter=scan:[127.0.0.1]:10026);
it re-injects the message unchanged into Postfix's second smtpd on
127.0.0.1:10025 and answers with that smtpd's reply, so Postfix logs
`status=sent (250 2.0.0 Ok: queued as NEWQID)` exactly like amavisd-new does.
That is the "message continues under another queue id" case of the log notes.

Usage: filter.py LISTEN_HOST:PORT REINJECT_HOST:PORT
"""
import smtplib
import socketserver
import sys


def parse_hostport(text):
    host, _, port = text.rpartition(":")
    return host, int(port)


def address_of(argument):
    """`FROM:<a@b> SIZE=12` -> `a@b`."""
    _, _, rest = argument.partition(":")
    rest = rest.strip()
    if rest.startswith("<"):
        return rest[1:rest.index(">")]
    return rest.split(" ")[0]


class Handler(socketserver.StreamRequestHandler):
    timeout = 60

    def reply(self, line):
        self.wfile.write((line + "\r\n").encode("utf-8"))
        self.wfile.flush()

    def handle(self):
        sender, recipients = None, []
        self.reply("220 filter.harness.example ESMTP harness-filter")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-filter.harness.example\r\n250 8BITMIME" if verb == "EHLO"
                           else "250 filter.harness.example")
            elif verb == "MAIL":
                sender, recipients = address_of(line[4:]), []
                self.reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                recipients.append(address_of(line[4:]))
                self.reply("250 2.1.5 Ok")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    raw = self.rfile.readline()
                    if not raw or raw in (b".\r\n", b".\n"):
                        break
                    if raw.startswith(b".."):
                        raw = raw[1:]
                    lines.append(raw)
                self.reply(self.reinject(sender, recipients, b"".join(lines)))
                sender, recipients = None, []
            elif verb == "RSET":
                sender, recipients = None, []
                self.reply("250 2.0.0 Ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 Ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Error: command not recognized")

    def reinject(self, sender, recipients, body):
        """Passes the message on; returns the downstream reply (or a 451 on trouble)."""
        try:
            with smtplib.SMTP(*self.server.reinject, local_hostname="filter.harness.example",
                              timeout=30) as client:
                client.ehlo()
                code, text = client.mail(sender or "")
                if code != 250:
                    return f"451 4.3.0 re-injection refused sender: {code}"
                accepted = 0
                for rcpt in recipients:
                    code, _ = client.rcpt(rcpt)
                    accepted += code in (250, 251)
                if accepted == 0:
                    return "451 4.3.0 re-injection refused all recipients"
                code, text = client.data(body)
                return f"{code} {text.decode('utf-8', 'replace')}"
        except (OSError, smtplib.SMTPException) as error:
            return f"451 4.3.0 re-injection failed: {error}"


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def handle_error(self, request, client_address):
        """Quiet about a peer that resets the connection (Postfix may drop a session without QUIT): that is no
        fault of the filter, and socketserver's traceback in the CI log read like one."""
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


def main():
    listen, reinject = parse_hostport(sys.argv[1]), parse_hostport(sys.argv[2])
    with Server(listen, Handler) as server:
        server.reinject = reinject
        server.serve_forever()


if __name__ == "__main__":
    main()
