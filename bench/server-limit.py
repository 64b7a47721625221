#!/usr/bin/env python3
"""The servers' own limit: how fast can two Dovecots move a corpus when the client costs nothing?

    bench/server-limit.py --source HOST:PORT:CAFILE --destination HOST:PORT:CAFILE
                          --user NAME:PASSWORD... --variant per-message|multiappend
                          [--batch-count 100] [--batch-bytes 8388608] [--concurrency N] [--pop3]

Run by bench/bench.py (see bench/README.md); stdlib only (ssl, socket, selectors, threading).

1. Pre-build (not timed): per user, read every folder of the source (LIST, LSUB, then per folder
   EXAMINE and one UID FETCH 1:* (BODY.PEEK[] FLAGS INTERNALDATE)) into memory, and build two byte
   streams: the pipelined reads of the source (EXAMINE + UID FETCH per non-empty folder) and the
   writes to the destination (CREATE + SUBSCRIBE, then APPENDs with LITERAL+ `{n+}` carrying the
   fetched FLAGS without \\Recent and the fetched INTERNALDATE). Variant `per-message`: one APPEND
   command per message; `multiappend`: one APPEND per batch of at most --batch-count messages or
   --batch-bytes bytes of one folder (RFC 3502 MULTIAPPEND). Prints `ready ...` on stdout.
2. Waits for a line `go` on stdin, then (timed) per user in its own thread: opens an IMAPS
   connection to each server, LOGIN on each and waits for its OK (Dovecot drops a client that
   pipelines before LOGIN is answered), then writes both streams at once, the CREATE/SUBSCRIBE
   batch first and the APPENDs after its answers, while reading every response, until every
   command is answered. Prints one JSON line: wall seconds and client CPU seconds of that phase.

--concurrency N: at most N users at once (a pool of N threads), in both phases; default all.

--pop3: the source is a POP3S port and only INBOX moves, as mailferry reads a POP3 maildrop. The
pre-build reads every message with `TOP n 2147483647` (the whole message, left unread) and appends
each with no flags and the date of its first `Received:` header (else `Date:`), as mailferry does; the
timed source stream is USER/PASS answered, then every `TOP` pipelined (RFC 2449 PIPELINING) while
the destination gets the MULTIAPPEND (or per-message) batches into INBOX.

Every command must answer OK, else the run fails (exit 1, JSON with "error").
"""

import argparse
import concurrent.futures
import email.utils
import imaplib
import json
import poplib
import re
import resource
import selectors
import socket
import ssl
import sys
import threading
import time

QUOTED = rb'"(?:\\.|[^"\\])*"'
LITERAL_AT_END = re.compile(rb'\{(\d+)\+?\}$')
SEND_CHUNK = 256 * 1024
RECV_CHUNK = 256 * 1024
STALL_SECONDS = 60


class LimitError(Exception):
    pass


class Endpoint:
    def __init__(self, spec):
        host, port, ca_file = spec.rsplit(":", 2)
        self.host, self.port, self.ca_file = host, int(port), ca_file

    def context(self):
        return ssl.create_default_context(cafile=self.ca_file)


# --- pre-build (not timed) ---------------------------------------------------------------------

def quote(raw):
    return b'"' + raw.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


def parse_list(data):
    """LIST/LSUB data from imaplib -> [(attributes lowercased, raw name bytes)]."""
    result = []
    for item in data:
        if item is None or item == b")":
            continue
        if isinstance(item, tuple):   # name sent as a literal
            head, literal = item
            m = re.match(rb'^\(([^)]*)\) (' + QUOTED + rb'|NIL) \{\d+\}$', head)
            if not m:
                raise LimitError(f"cannot parse LIST response {head!r}")
            result.append((m.group(1).decode().lower().split(), literal))
            continue
        m = re.match(rb'^\(([^)]*)\) (' + QUOTED + rb'|NIL) (.*)$', item)
        if not m:
            raise LimitError(f"cannot parse LIST response {item!r}")
        name = m.group(3)
        if name.startswith(b'"'):
            name = re.sub(rb'\\(.)', rb'\1', name[1:-1])
        result.append((m.group(1).decode().lower().split(), name))
    return result


def fetch_folder(conn, raw):
    """[(flags bytes without \\Recent, INTERNALDATE bytes, body bytes)] of one folder."""
    typ, data = conn.select(quote(raw).decode("ascii", "surrogateescape"), readonly=True)
    if typ != "OK":
        raise LimitError(f"EXAMINE {raw!r}: {data}")
    if int(data[0] or 0) == 0:
        return []
    typ, data = conn.uid("FETCH", "1:*", "(BODY.PEEK[] FLAGS INTERNALDATE)")
    if typ != "OK":
        raise LimitError(f"UID FETCH in {raw!r}: {data}")
    messages, current = [], None
    for item in data:
        if item is None:
            continue
        head = item[0] if isinstance(item, tuple) else item
        if re.match(rb'^\d+ \(', head):
            current = {"text": b"", "body": None}
            messages.append(current)
        if current is None:
            raise LimitError(f"unexpected FETCH data {head[:80]!r}")
        current["text"] += head
        if isinstance(item, tuple) and re.search(rb'BODY\[\] \{\d+\}$', head):
            current["body"] = item[1]
    result = []
    for message in messages:
        flags = re.search(rb'FLAGS \(([^)]*)\)', message["text"])
        date = re.search(rb'INTERNALDATE ("[^"]+")', message["text"])
        if flags is None or date is None or message["body"] is None:
            continue   # an unsolicited FETCH without the items asked for
        kept = b" ".join(f for f in flags.group(1).split() if f.lower() != b"\\recent")
        result.append((kept, date.group(1), message["body"]))
    return result


class Plan:
    """One user's pre-built streams."""

    def __init__(self, user, password):
        self.user, self.password = user, password
        self.folders = []          # [(raw name, [(flags, date, body)])] in LIST order
        self.subscriptions = []    # raw names
        self.fetch_stream = b""
        self.fetch_commands = 0
        self.setup_stream = b""
        self.setup_commands = 0
        self.append_stream = b""
        self.append_commands = 0

    def read_source(self, source):
        conn = imaplib.IMAP4_SSL(source.host, source.port, ssl_context=source.context(), timeout=300)
        try:
            conn.login(self.user, self.password)
            typ, data = conn.list('""', '"*"')
            if typ != "OK":
                raise LimitError(f"{self.user}: LIST: {data}")
            for attributes, raw in parse_list(data):
                if "\\noselect" in attributes or "\\nonexistent" in attributes:
                    continue
                self.folders.append((raw, fetch_folder(conn, raw)))
            typ, data = conn.lsub('""', '"*"')
            if typ != "OK":
                raise LimitError(f"{self.user}: LSUB: {data}")
            self.subscriptions = [raw for _, raw in parse_list(data)]
        finally:
            try:
                conn.logout()
            except (OSError, imaplib.IMAP4.error):
                pass

    def read_pop3_source(self, source):
        """INBOX over POP3S: every message by TOP (left unread), no flags, the arrival date from the headers."""
        conn = poplib.POP3_SSL(source.host, source.port, context=source.context(), timeout=300)
        try:
            conn.user(self.user)
            conn.pass_(self.password)
            _, listing, _ = conn.list()
            messages = []
            for line in listing:
                number = int(line.split()[0])
                _, lines, _ = conn.top(number, TOP_ALL_LINES)
                body = b"".join(line + b"\r\n" for line in lines)
                messages.append((b"", arrival_date(body), body))
            self.folders = [(b"INBOX", messages)]
            self.pop3_messages = len(messages)
        finally:
            try:
                conn.quit()
            except (OSError, poplib.error_proto):
                pass

    def build_pop3_reads(self):
        self.fetch_stream = b"".join(b"TOP %d %d\r\n" % (n, TOP_ALL_LINES) for n in range(1, self.pop3_messages + 1))
        self.fetch_commands = self.pop3_messages

    def build(self, variant, batch_count, batch_bytes, pop3=False):
        if pop3:
            # INBOX exists and stays unsubscribed on both sides: no CREATE, no SUBSCRIBE.
            self.subscriptions = []
        fetch = []
        for raw, messages in self.folders:
            if messages:
                n = self.fetch_commands
                fetch.append(b"f%d EXAMINE %s\r\nf%d UID FETCH 1:* (BODY.PEEK[] FLAGS INTERNALDATE)\r\n"
                             % (n, quote(raw), n + 1))
                self.fetch_commands += 2
        self.fetch_stream = b"".join(fetch)
        if pop3:
            self.build_pop3_reads()

        setup = []
        # Parents before children; INBOX exists already.
        for raw in sorted(raw for raw, _ in self.folders if raw.upper() != b"INBOX"):
            setup.append(b"c%d CREATE %s\r\n" % (len(setup), quote(raw)))
        for raw in self.subscriptions:
            setup.append(b"c%d SUBSCRIBE %s\r\n" % (len(setup), quote(raw)))
        self.setup_stream = b"".join(setup)
        self.setup_commands = len(setup)

        parts = []
        for raw, messages in self.folders:
            if variant == "per-message":
                for flags, date, body in messages:
                    parts.append(b"a%d APPEND %s (%s) %s {%d+}\r\n" % (self.append_commands, quote(raw), flags,
                                                                       date, len(body)))
                    parts.append(body)
                    parts.append(b"\r\n")
                    self.append_commands += 1
                continue
            index = 0
            while index < len(messages):
                parts.append(b"a%d APPEND %s" % (self.append_commands, quote(raw)))
                count = size = 0
                while index < len(messages) and count < batch_count and (count == 0 or
                                                                         size + len(messages[index][2]) <= batch_bytes):
                    flags, date, body = messages[index]
                    parts.append(b" (%s) %s {%d+}\r\n" % (flags, date, len(body)))
                    parts.append(body)
                    count += 1
                    size += len(body)
                    index += 1
                parts.append(b"\r\n")
                self.append_commands += 1
        self.append_stream = b"".join(parts)
        self.folders = [(raw, len(messages), sum(len(b) for _, _, b in messages)) for raw, messages in self.folders]


TOP_ALL_LINES = 2147483647


def arrival_date(body):
    """IMAP date-time of the first Received: header's date, else of Date:, as mailferry derives it."""
    head = body[:body.find(b"\r\n\r\n") + 2].decode("utf-8", "replace")
    unfolded = head.replace("\r\n\t", " ").replace("\r\n ", " ")
    candidates = []
    for line in unfolded.split("\r\n"):
        name, _, value = line.partition(":")
        if name.lower() == "received" and ";" in value:
            candidates.append(value.rsplit(";", 1)[1])
        elif name.lower() == "date":
            candidates.append(value)
    for text in candidates:
        try:
            when = email.utils.parsedate_to_datetime(text.strip())
        except (TypeError, ValueError):
            continue
        if when is not None and when.tzinfo is not None:
            return b'"' + when.strftime("%d-%b-%Y %H:%M:%S %z").encode() + b'"'
    return b'"01-Jan-2000 00:00:00 +0000"'


# --- the timed phase ---------------------------------------------------------------------------

class Responses:
    """Counts tagged answers in an IMAP response stream, skipping literals."""

    def __init__(self, label):
        self.label = label
        self.buffer = bytearray()
        self.literal_left = 0
        self.continuation = False   # the next line fragment continues a response after a literal
        self.answered = 0
        self.literal_bytes = 0
        self.failures = []

    def feed(self, data):
        if self.literal_left and not self.buffer:
            take = min(self.literal_left, len(data))
            self.literal_left -= take
            self.literal_bytes += take
            data = data[take:]
        self.buffer += data
        pos = 0
        while True:
            if self.literal_left:
                take = min(self.literal_left, len(self.buffer) - pos)
                pos += take
                self.literal_left -= take
                self.literal_bytes += take
                if self.literal_left:
                    break
            end = self.buffer.find(b"\r\n", pos)
            if end < 0:
                break
            line = bytes(self.buffer[pos:end])
            pos = end + 2
            continuing, self.continuation = self.continuation, False
            literal = LITERAL_AT_END.search(line)
            if literal:
                self.literal_left = int(literal.group(1))
                self.continuation = True
            if continuing or line[:1] in (b"*", b"+") or literal:
                continue
            self.answered += 1
            status = line.split(b" ", 2)[1:2]
            if status != [b"OK"]:
                self.failures.append(line.decode("utf-8", "replace")[:200])
        del self.buffer[:pos]


class POP3Responses:
    """Counts complete POP3 multi-line answers (+OK ... CRLF.CRLF) in a response stream."""

    def __init__(self, label):
        self.label = label
        self.buffer = bytearray()
        self.in_body = False
        self.answered = 0
        self.literal_bytes = 0   # body bytes without dot-stuffing, with CRLF line ends
        self.failures = []

    def feed(self, data):
        self.buffer += data
        pos = 0
        while True:
            end = self.buffer.find(b"\r\n", pos)
            if end < 0:
                break
            line = self.buffer[pos:end]
            pos = end + 2
            if self.in_body:
                if line == b".":
                    self.in_body = False
                    self.answered += 1
                else:
                    self.literal_bytes += len(line) + 2 - (1 if line[:2] == b".." else 0)
            elif line.startswith(b"+OK"):
                self.in_body = True
            else:
                self.failures.append(bytes(line).decode("utf-8", "replace")[:200])
        del self.buffer[:pos]


class Session:
    """One logged-in IMAPS connection that writes queued stages and reads answers without blocking."""

    def __init__(self, endpoint, user, password, label, pop3=False):
        self.label = f"{label} {user}"
        raw = socket.create_connection((endpoint.host, endpoint.port), timeout=60)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = endpoint.context().wrap_socket(raw, server_hostname=endpoint.host)
        self.responses = POP3Responses(self.label) if pop3 else Responses(self.label)
        pending = bytearray()
        self.read_line(pending)   # greeting
        if pop3:
            for command in (b"USER %s\r\n" % user.encode(), b"PASS %s\r\n" % password.encode()):
                self.sock.sendall(command)
                line = self.read_line(pending)
                if not line.startswith(b"+OK"):
                    raise LimitError(f"{self.label}: {command.split()[0].decode()}: {line[:200]!r}")
        else:
            self.sock.sendall(b"l LOGIN %s %s\r\n" % (quote(user.encode()), quote(password.encode())))
        while not pop3:
            line = self.read_line(pending)
            if line.startswith(b"l "):
                if not line.startswith(b"l OK"):
                    raise LimitError(f"{self.label}: LOGIN: {line[:200]!r}")
                break
        if pending:
            self.responses.feed(bytes(pending))
        self.sock.setblocking(False)
        self.stages = []      # [(bytes, number of commands)]
        self.out = memoryview(b"")
        self.expected = 0

    def read_line(self, pending):
        while b"\r\n" not in pending:
            data = self.sock.recv(RECV_CHUNK)
            if not data:
                raise LimitError(f"{self.label}: connection closed before LOGIN was answered")
            pending += data
        end = pending.index(b"\r\n")
        line = bytes(pending[:end])
        del pending[:end + 2]
        return line

    def queue(self, stream, commands):
        if commands:
            self.stages.append((stream, commands))

    def advance(self):
        """Starts the next stage once every command of the current one has been answered."""
        if len(self.out) == 0 and self.responses.answered >= self.expected and self.stages:
            stream, commands = self.stages.pop(0)
            self.out = memoryview(stream)
            self.expected += commands

    def done(self):
        return not self.stages and len(self.out) == 0 and self.responses.answered >= self.expected

    def wants_write(self):
        return len(self.out) > 0

    def on_writable(self):
        try:
            sent = self.sock.send(self.out[:SEND_CHUNK])
            self.out = self.out[sent:]
        except (ssl.SSLWantWriteError, ssl.SSLWantReadError):
            pass

    def on_readable(self):
        while True:
            try:
                data = self.sock.recv(RECV_CHUNK)
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                return
            if not data:
                raise LimitError(f"{self.label}: connection closed by the server")
            self.responses.feed(data)
            if self.responses.failures:
                raise LimitError(f"{self.label}: {self.responses.failures[0]}")

    def close(self):
        try:
            self.sock.setblocking(True)
            self.sock.settimeout(5)
            self.sock.sendall(b"QUIT\r\n" if isinstance(self.responses, POP3Responses) else b"z LOGOUT\r\n")
            self.sock.close()
        except OSError:
            pass


def transfer(plan, source, destination, errors, sessions_out, start, timings, pop3=False):
    """One user's timed work: both connections at once, until every command is answered."""
    try:
        reader = Session(source, plan.user, plan.password, "source", pop3)
        writer = Session(destination, plan.user, plan.password, "destination")
        finished = {"logged in": time.monotonic() - start}
        sessions_out += [reader, writer]
        reader.queue(plan.fetch_stream, plan.fetch_commands)
        writer.queue(plan.setup_stream, plan.setup_commands)
        writer.queue(plan.append_stream, plan.append_commands)
        sessions = [reader, writer]
        selector = selectors.DefaultSelector()
        for session in sessions:
            session.advance()
            selector.register(session.sock, selectors.EVENT_READ, session)
        while not all(s.done() for s in sessions):
            for session in sessions:
                session.advance()
                events = selectors.EVENT_READ | (selectors.EVENT_WRITE if session.wants_write() else 0)
                selector.modify(session.sock, events, session)
            events = selector.select(timeout=STALL_SECONDS)
            if not events and not any(s.sock.pending() for s in sessions):
                raise LimitError(f"no progress for {STALL_SECONDS} s")
            for key, mask in events:
                if mask & selectors.EVENT_READ:
                    key.data.on_readable()
                if mask & selectors.EVENT_WRITE:
                    key.data.on_writable()
            # TLS may hold decrypted bytes the socket no longer signals: drain them too.
            for session in sessions:
                if session.sock.pending():
                    session.on_readable()
                if session.done() and session.label not in finished:
                    finished[session.label] = time.monotonic() - start
        timings.append((plan.user, finished))
        selector.close()
        for session in sessions:   # LOGOUT now: with --concurrency, later users need the server's processes
            session.close()
        expected = sum(size for _, _, size in plan.folders)
        if reader.responses.literal_bytes != expected:   # the timed fetch must read every body again
            raise LimitError(f"fetched {reader.responses.literal_bytes} literal bytes, expected {expected}")
    except (OSError, LimitError) as error:
        errors.append(f"{plan.user}: {error}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", required=True, metavar="HOST:PORT:CAFILE")
    parser.add_argument("--destination", required=True, metavar="HOST:PORT:CAFILE")
    parser.add_argument("--user", action="append", required=True, metavar="NAME:PASSWORD")
    parser.add_argument("--variant", required=True, choices=["per-message", "multiappend"])
    parser.add_argument("--batch-count", type=int, default=100)
    parser.add_argument("--batch-bytes", type=int, default=8 * 1024 * 1024)
    parser.add_argument("--concurrency", type=int, default=0, help="users at once (default: all)")
    parser.add_argument("--pop3", action="store_true", help="the source is POP3S; INBOX only")
    args = parser.parse_args()
    workers = args.concurrency if args.concurrency > 0 else len(args.user)
    source, destination = Endpoint(args.source), Endpoint(args.destination)
    plans = [Plan(*pair.split(":", 1)) for pair in args.user]

    def fail(message):
        print(json.dumps({"error": message}), flush=True)
        sys.exit(1)

    errors = []

    def prebuild(plan):
        try:
            if args.pop3:
                plan.read_pop3_source(source)
            else:
                plan.read_source(source)
            plan.build(args.variant, args.batch_count, args.batch_bytes, args.pop3)
        except (OSError, LimitError, imaplib.IMAP4.error, poplib.error_proto) as error:
            errors.append(f"{plan.user}: {error}")

    with concurrent.futures.ThreadPoolExecutor(max_workers=min(workers, 8)) as pool:
        list(pool.map(prebuild, plans))
    if errors:
        fail("pre-build: " + "; ".join(errors))
    messages = sum(n for plan in plans for _, n, _ in plan.folders)
    size = sum(b for plan in plans for _, _, b in plan.folders)
    commands = sum(plan.append_commands for plan in plans)
    print(f"ready {messages} messages {size} bytes {commands} APPEND commands", flush=True)

    if sys.stdin.readline().strip() != "go":
        fail("expected `go` on stdin")
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.monotonic()
    sessions, timings = [], []
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda plan: transfer(plan, source, destination, errors, sessions, start, timings, args.pop3),
                      plans))
    wall = time.monotonic() - start
    usage_after = resource.getrusage(resource.RUSAGE_SELF)
    for session in sessions:
        session.close()   # those of a failed transfer; closing twice is harmless
    for user, finished in sorted(timings):   # stderr: bench.py keeps it in the work directory's log
        print(f"{user}: " + ", ".join(f"{what} {seconds:.2f}s" for what, seconds in finished.items()), file=sys.stderr)
    if errors:
        fail("; ".join(errors))
    client_cpu = (usage_after.ru_utime - usage_before.ru_utime) + (usage_after.ru_stime - usage_before.ru_stime)
    print(json.dumps({"wall": wall, "client_cpu": client_cpu, "messages": messages, "bytes": size,
                      "append_commands": commands}), flush=True)


if __name__ == "__main__":
    main()
