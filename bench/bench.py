#!/usr/bin/env python3
"""mailferry against mbsync (and imapsync) on the same machine: IMAP to IMAP between two local Dovecots over TLS.

Run through bench/run.sh (see bench/README.md). Stdlib only. One run:
  - starts a source and a destination Dovecot (scripts/dovecot-server) on 127.0.0.1 with storage on
    tmpfs, seeds the source with scripts/corpus.py (small: 5 users, mixed: 4 users, large1: 1 user);
  - per corpus, repeat and tool: a fresh, empty destination; cold migration (users in parallel:
    one mbsync process per user, one mailferry process with concurrency = users); no-op re-run;
    re-run after new mail (scripts/corpus.py's new_mail APPENDed to the source, withdrawn after the
    next run); no-op re-run with the tool's state deleted; for `small` also a cold migration with
    users one at a time (mbsync -a, mailferry --concurrency 1); for large1 one cold migration of a
    50 MB message;
  - imapsync like mbsync (one process per user) when it is on PATH, else its rows say it is missing;
  - for small and mixed the servers' own limit (bench/server-limit.py): pre-built pipelined byte
    streams, fetched and appended concurrently, one APPEND per message and MULTIAPPEND batches,
    each into a fresh destination and verified like the tools;
  - measures wall time, client CPU and peak RSS (/usr/bin/time -v per client process) and server CPU
    (utime+stime of the Dovecot masters, their reaped children and their live descendants, before
    and after); verifies every cold run, the re-run after new mail and the stateless re-run with
    scripts/compare-mailboxes.py;
  - prints medians and ratios mailferry/mbsync as a Markdown table and writes bench/results/<date>.md.
"""

import argparse
import concurrent.futures
import datetime as dt
import imaplib
import json
import os
import platform
import random
import re
import shlex
import shutil
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import corpus  # noqa: E402  (scripts/corpus.py: the new mail of the re-run after new mail)
import mutf7  # noqa: E402  (scripts/mailtools, on the path through corpus)
DOVECOT_SERVER = os.environ.get("DOVECOT_SERVER", os.path.join(ROOT, "scripts", "dovecot-server"))
CORPUS = os.path.join(ROOT, "scripts", "corpus.py")
COMPARE = os.path.join(ROOT, "scripts", "compare-mailboxes.py")
SERVER_LIMIT = os.path.join(ROOT, "bench", "server-limit.py")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MIB = 1024 * 1024

PROFILES = ["small", "mixed", "large1", "huge", "fleet", "pop3"]
CORPUS_OF = {"pop3": "small"}   # profile -> scripts/corpus.py profile, when they differ
CONCURRENCY = {"fleet": 20}     # users migrated at once; otherwise all of the profile's users
IMAP_ONLY_TOOLS = ("mbsync", "imapsync")   # no POP3 source: no rows for `pop3`
PLAN_RUN = "plan, state after the cold run"
VERIFY_RUN = "verify --deep, after the re-runs"
CHANGED_RUN = "re-run after new mail"


def profile_users(profile, scale):
    """[(user, corpus seed)] of a profile; --scale sets fleet's number of users (300 at 1)."""
    if profile == "small":
        return [(f"small{i}", i) for i in range(1, 6)]
    if profile == "mixed":
        return [(f"mixed{i}", 10 + i) for i in range(1, 5)]
    if profile == "large1":
        return [("large1", 21)]
    if profile == "huge":
        return [("huge1", 31)]
    if profile == "fleet":
        return [(f"fleet{i:03d}", 100 + i) for i in range(1, max(1, round(300 * scale)) + 1)]
    if profile == "pop3":
        return [(f"pop{i}", i) for i in range(1, 6)]   # the small corpus's mailboxes, read over POP3S
    raise ValueError(profile)


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def password(user):
    return f"pw-{user}"


# --- servers ----------------------------------------------------------------------------------

class Server:
    """One scripts/dovecot-server instance with an IMAPS port on 127.0.0.1."""

    def __init__(self, directory, users, pop3s=False, metadata=False):
        self.directory = directory
        self.users = users
        self.pop3s_port = None
        for _ in range(8):
            self.port = random.randint(20000, 45000)
            args = [DOVECOT_SERVER, "start", directory, "--imaps", str(self.port)]
            if pop3s:
                self.pop3s_port = self.port + 1
                args += ["--pop3s", str(self.pop3s_port)]
            else:
                args += ["--no-pop3"]
            if metadata:
                args += ["--metadata"]
            for user in users:
                args += ["--user", f"{user}:{password(user)}"]
            result = subprocess.run(args, capture_output=True, text=True)
            if result.returncode == 0:
                break
            if result.returncode != 3:
                raise SystemExit(f"bench: dovecot-server start failed: {result.stderr.strip()}")
            # exit 3: a port was taken; try other ports
        else:
            raise SystemExit("bench: no free port for Dovecot")
        env = dict(line.split("=", 1) for line in open(os.path.join(directory, "server.env")).read().split())
        self.pid = int(env["pid"])
        self.ca_file = env["ca_file"]

    def maildir(self, user):
        return os.path.join(self.directory, "mail", user, "Maildir")

    def stop(self):
        subprocess.run([DOVECOT_SERVER, "stop", self.directory], capture_output=True)

    def cpu_seconds(self):
        """CPU of the master, of its reaped children (cutime/cstime) and of every live descendant."""
        children = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                stat = read_stat(int(entry))
                if stat:
                    children.setdefault(stat[0], []).append((int(entry), stat))
        total, stack = 0, [self.pid]
        master = read_stat(self.pid)
        if master is None:
            return 0.0
        total += sum(master[1:])
        while stack:
            for pid, stat in children.get(stack.pop(), []):
                total += sum(stat[1:])
                stack.append(pid)
        return total / CLOCK_TICKS


def cache_whole_executable(program):
    """Reads a client's executable into the page cache before each run. A peak RSS counts the file
    pages the kernel maps around each page fault (fault-around) when they are cached, so it depended
    on what earlier runs, builds or copies had left cached: the same binary peaked 1.7 MiB higher just
    after it was built than after a while (bench/RESULTS.md, S8). Cached whole, every run of every
    tool counts the same neighbours; the reading happens before the timing starts."""
    path = shutil.which(program) or program
    try:
        with open(path, "rb") as f:
            while f.read(1 << 20):
                pass
    except OSError:
        pass


def read_stat(pid):
    """(ppid, utime, stime, cutime, cstime) in clock ticks, or None when the process is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), int(fields[11]), int(fields[12]), int(fields[13]), int(fields[14])


# --- tools ------------------------------------------------------------------------------------

class Mbsync:
    name = "mbsync"
    missing = "n/a (mbsync not installed)"

    def available(self):
        return shutil.which("mbsync") is not None

    def version(self):
        return subprocess.run(["mbsync", "--version"], capture_output=True, text=True).stdout.strip()

    def prepare(self, work, users, source, destination, concurrency=None, pop3=False):
        self.concurrency = concurrency or len(users)
        self.state = os.path.join(work, "mbsync-state")
        self.config = os.path.join(work, "mbsyncrc")
        self.users = users
        lines = []
        for user in users:
            for side, server in (("far", source), ("near", destination)):
                # "localhost": mbsync checks the certificate's DNS names only, not its IP addresses.
                lines += [f"IMAPAccount {side}-{user}", "Host localhost", f"Port {server.port}", f"User {user}",
                          f"Pass {password(user)}", "SSLType IMAPS", f"CertificateFile {server.ca_file}", "",
                          f"IMAPStore {side}-{user}", f"Account {side}-{user}", ""]
            lines += [f"Channel {user}", f"Far :far-{user}:", f"Near :near-{user}:", "Patterns *",
                      "Create Near", "Sync Pull", "Expunge None", "CopyArrivalDate yes",
                      f"SyncState {self.state}/{user}/", ""]
        with open(self.config, "w") as f:
            f.write("\n".join(lines))
        os.chmod(self.config, 0o600)
        self.delete_state()

    def delete_state(self):
        shutil.rmtree(self.state, ignore_errors=True)
        for user in self.users:
            os.makedirs(os.path.join(self.state, user))

    def parallel(self):
        """One process per user, or with fewer processes than users, each runs its share one after another."""
        groups = [self.users[i::self.concurrency] for i in range(min(self.concurrency, len(self.users)))]
        return [["mbsync", "-q", "-c", self.config] + group for group in groups]

    def one_at_a_time(self):
        return [["mbsync", "-q", "-c", self.config, "-a"]]


class Mailferry:
    name = "mailferry"
    missing = "n/a"

    def __init__(self, binary):
        self.binary = binary

    def available(self):
        if not os.access(self.binary, os.X_OK):
            return False
        result = subprocess.run([self.binary, "apply", "--help"], capture_output=True)
        return result.returncode == 0

    def version(self):
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        return f"mailferry at {rev.stdout.strip()}"

    def prepare(self, work, users, source, destination, concurrency=None, pop3=False):
        self.concurrency = concurrency or len(users)
        self.state = os.path.join(work, "mailferry-state")
        self.job = os.path.join(work, "job.yaml")
        self.users = users
        if pop3:
            protocol, ports = "pop3s", f"{{ imap4: 0, imap4s: 0, pop3: 0, pop3s: {source.pop3s_port} }}"
        else:
            protocol, ports = "imap4s", f"{{ imap4: 0, imap4s: {source.port}, pop3: 0, pop3s: 0 }}"
        users_file = os.path.join(work, "users.csv")
        with open(users_file, "w") as f:
            for user in users:
                f.write(f"{user},{password(user)},{user},{password(user)}\n")
        os.chmod(users_file, 0o600)
        with open(self.job, "w") as f:
            f.write(f"""version: 1
name: bench
source:
  host: 127.0.0.1
  protocol: {protocol}
  ports: {ports}
  tls: {{ verify: true, ca_file: {source.ca_file} }}
destination:
  imap:
    host: 127.0.0.1
    port: {destination.port}
    security: tls
    tls: {{ verify: true, ca_file: {destination.ca_file} }}
users:
  file: users.csv
options:
  concurrency: {self.concurrency}
""")
        self.delete_state()

    def delete_state(self):
        shutil.rmtree(self.state, ignore_errors=True)

    def parallel(self):
        return [[self.binary, "apply", self.job, "--state-dir", self.state, "--concurrency", str(self.concurrency)]]

    def plan(self):
        return [[self.binary, "plan", self.job, "--state-dir", self.state, "--format", "json"]]

    def verify(self):
        """The completeness proof with both bodies hashed, its manifest written to a file."""
        manifest = os.path.join(os.path.dirname(self.job), "manifest.json")
        return [[self.binary, "verify", self.job, "--state-dir", self.state, "--deep", "--out", manifest]]

    def one_at_a_time(self):
        return [[self.binary, "apply", self.job, "--state-dir", self.state, "--concurrency", "1"]]


class Imapsync:
    """imapsync as an admin runs it: one process per user, IMAPS with the test CA verified on both sides."""

    name = "imapsync"
    missing = "n/a (imapsync not installed)"

    def available(self):
        return shutil.which("imapsync") is not None

    def version(self):
        result = subprocess.run(["imapsync", "--version"], capture_output=True, text=True)
        return f"imapsync {result.stdout.strip()}"

    def prepare(self, work, users, source, destination, concurrency=None, pop3=False):
        self.work = work
        self.users = users
        self.source, self.destination = source, destination
        for user in users:   # passwords in files, not on the command line
            path = os.path.join(work, f"imapsync-{user}.pass")
            with open(path, "w") as f:
                f.write(password(user) + "\n")
            os.chmod(path, 0o600)
        os.makedirs(os.path.join(work, "imapsync-tmp"), exist_ok=True)

    def delete_state(self):
        pass   # imapsync keeps no state: it matches messages by their headers on every run

    def command(self, user):
        passfile = os.path.join(self.work, f"imapsync-{user}.pass")
        args = ["imapsync", "--nofoldersizes", "--nofoldersizesatend", "--nolog", "--noreleasecheck",
                "--tmpdir", os.path.join(self.work, "imapsync-tmp"),
                "--pidfile", os.path.join(self.work, f"imapsync-{user}.pid")]
        for side, server in (("1", self.source), ("2", self.destination)):
            args += [f"--host{side}", "127.0.0.1", f"--port{side}", str(server.port), f"--user{side}", user,
                     f"--passfile{side}", passfile, f"--ssl{side}",
                     f"--sslargs{side}", "SSL_verify_mode=1", f"--sslargs{side}", f"SSL_ca_file={server.ca_file}"]
        return args

    def parallel(self):
        return [self.command(user) for user in self.users]

    def one_at_a_time(self):
        script = "rc=0; " + " ".join(f"{shlex.join(self.command(user))} || rc=1;" for user in self.users) + " exit $rc"
        return [["sh", "-c", script]]


class ServerLimit:
    """The servers' own limit (bench/server-limit.py): one variant, measured like a tool's cold run."""

    missing = "n/a"

    def __init__(self, variant, label):
        self.variant = variant
        self.name = label


PER_MESSAGE = ServerLimit("per-message", "server limit, APPEND per message")
MULTIAPPEND = ServerLimit("multiappend", "server limit, MULTIAPPEND")
POP3_MULTIAPPEND = ServerLimit("pop3-multiappend", "server limit, POP3 + MULTIAPPEND")
LIMITS = [PER_MESSAGE, MULTIAPPEND, POP3_MULTIAPPEND]
# Per profile the limit variants measured; one APPEND per message is left out where it takes minutes.
PROFILE_LIMITS = {"small": [PER_MESSAGE, MULTIAPPEND], "mixed": [PER_MESSAGE, MULTIAPPEND], "huge": [MULTIAPPEND],
                  "fleet": [MULTIAPPEND], "pop3": [POP3_MULTIAPPEND]}


# --- new mail ---------------------------------------------------------------------------------

SYSTEM_FLAGS = {"D": "\\Draft", "F": "\\Flagged", "R": "\\Answered", "S": "\\Seen", "T": "\\Deleted"}


class NewMail:
    """The mail of the re-run after new mail: scripts/corpus.py's new_mail per user, delivered into the
    source with IMAP APPEND (the generated flags, keywords and INTERNALDATE) and withdrawn again with
    UID STORE \\Deleted + UID EXPUNGE of the UIDs that APPENDUID answered, so that every tool sees the
    same new messages and the next tool (and the limit rows) the source as seeded. APPEND, as a
    delivery agent would, leaves the source's index up to date before the run is measured."""

    def __init__(self, profile, scale):
        self.messages = {user: corpus.new_mail(CORPUS_OF.get(profile, profile), seed, scale)
                         for user, seed in profile_users(profile, scale)}

    def figures(self):
        """(messages, of them in INBOX, bytes) over all users."""
        every = [m for messages in self.messages.values() for m in messages]
        return len(every), sum(1 for spec, _ in every if spec.folder == "INBOX"), sum(len(d) for _, d in every)

    def deliver(self, server):
        """{user: {folder: [uid]}}: every user's new messages appended to the source."""
        def one(user):
            uids = {}
            conn = imap_session(server, user)
            try:
                for spec, data in self.messages[user]:
                    flags = " ".join([SYSTEM_FLAGS[f] for f in spec.flags] + spec.keywords)
                    typ, answer = conn.append(mailbox_name(spec.folder), f"({flags})", spec.internaldate, data)
                    code = re.search(rb"\[APPENDUID \d+ (\d+)\]", answer[0] or b"")
                    if typ != "OK" or code is None:
                        raise SystemExit(f"bench: APPEND for {user} answered {typ} {answer!r}")
                    uids.setdefault(spec.folder, []).append(int(code.group(1)))
            finally:
                conn.logout()
            return user, uids

        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            return dict(pool.map(one, self.messages))

    def withdraw(self, server, delivered):
        def one(user):
            conn = imap_session(server, user)
            try:
                for folder, uids in delivered[user].items():
                    uid_set = uid_ranges(uids)
                    answers = [conn.select(mailbox_name(folder))[0],
                               conn.uid("STORE", uid_set, "+FLAGS.SILENT", "(\\Deleted)")[0],
                               conn.uid("EXPUNGE", uid_set)[0]]
                    if answers != ["OK"] * 3:
                        raise SystemExit(f"bench: withdrawing new mail of {user} from {folder} failed: {answers}")
                    conn.close()
            finally:
                conn.logout()

        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(one, delivered))


def uid_ranges(uids):
    """"3:5,9" for [3, 4, 5, 9]: a short UID set for thousands of consecutive UIDs."""
    ranges = []
    for uid in sorted(uids):
        if ranges and uid == ranges[-1][1] + 1:
            ranges[-1][1] = uid
        else:
            ranges.append([uid, uid])
    return ",".join(str(a) if a == b else f"{a}:{b}" for a, b in ranges)


def imap_session(server, user):
    conn = imaplib.IMAP4_SSL("127.0.0.1", server.port, ssl_context=ssl.create_default_context(cafile=server.ca_file),
                             timeout=300)
    conn.login(user, password(user))
    return conn


def mailbox_name(folder):
    """A corpus folder name ("/" between levels) as a quoted IMAP mailbox name in modified UTF-7."""
    encoded = "/".join(mutf7.encode(level) for level in folder.split("/"))
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- measuring --------------------------------------------------------------------------------

def measure(commands, servers, work):
    """Runs the client processes at once under /usr/bin/time -v; wall, client CPU, RSS, server CPU."""
    time.sleep(0.3)   # let the previous sessions' processes exit and be reaped
    for program in sorted({command[0] for command in commands}):
        cache_whole_executable(program)
    server_before = sum(s.cpu_seconds() for s in servers)
    processes = []
    start = time.monotonic()
    for index, command in enumerate(commands):
        out = os.path.join(work, f"time-{index}.txt")
        log_file = open(os.path.join(work, f"client-{index}.log"), "w")
        processes.append((subprocess.Popen(["/usr/bin/time", "-v", "-o", out] + command, stdout=log_file,
                                           stderr=subprocess.STDOUT), out, log_file))
    codes = []
    for process, _, log_file in processes:
        codes.append(process.wait())
        log_file.close()
    wall = time.monotonic() - start
    time.sleep(0.3)
    server_after = sum(s.cpu_seconds() for s in servers)
    client_cpu, rss = 0.0, []
    for _, out, _ in processes:
        text = open(out).read()
        client_cpu += float(re.search(r"User time \(seconds\): ([\d.]+)", text).group(1))
        client_cpu += float(re.search(r"System time \(seconds\): ([\d.]+)", text).group(1))
        rss.append(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024)
    failed = [c for c in codes if c != 0]
    if failed:
        tail = open(os.path.join(work, "client-0.log")).read()[-600:]
        log(f"client exit codes {codes}; first log ends: {tail.strip()}")
    return {"wall": wall, "client_cpu": client_cpu, "server_cpu": server_after - server_before,
            "rss_max": max(rss), "rss_sum": sum(rss), "exit_codes": codes}


def measure_limit(limit, users, source, destination, work, concurrency):
    """bench/server-limit.py: pre-build (not timed), then on `go` the timed concurrent fetch + append.

    Wall and client CPU are the script's own figures for the timed phase; server CPU is taken around
    it as in measure(). Client RSS is not reported: the script holds the whole corpus in memory."""
    pop3 = limit.variant.startswith("pop3-")
    args = [sys.executable, SERVER_LIMIT, "--variant", limit.variant.removeprefix("pop3-"),
            "--source", f"127.0.0.1:{source.pop3s_port if pop3 else source.port}:{source.ca_file}",
            "--destination", f"127.0.0.1:{destination.port}:{destination.ca_file}",
            "--concurrency", str(concurrency)]
    if pop3:
        args.append("--pop3")
    for user in users:
        args += ["--user", f"{user}:{password(user)}"]
    stderr = open(os.path.join(work, f"server-limit-{limit.variant}.log"), "w")
    process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, text=True)
    try:
        ready = process.stdout.readline()
        if not ready.startswith("ready"):
            raise SystemExit(f"bench: server-limit pre-build failed: {ready.strip() or 'no output'}")
        time.sleep(0.3)   # let the pre-build session end and be reaped
        server_before = sum(s.cpu_seconds() for s in (source, destination))
        process.stdin.write("go\n")
        process.stdin.flush()
        outcome = json.loads(process.stdout.readline() or '{"error": "no result"}')
        code = process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        stderr.close()
    time.sleep(0.3)
    server_after = sum(s.cpu_seconds() for s in (source, destination))
    if "error" in outcome:
        log(f"{limit.name}: {outcome['error'][:300]}")
        return {"wall": None, "client_cpu": None, "server_cpu": None, "rss_max": None, "rss_sum": None,
                "exit_codes": [code or 1]}
    return {"wall": outcome["wall"], "client_cpu": outcome["client_cpu"], "server_cpu": server_after - server_before,
            "rss_max": None, "rss_sum": None, "exit_codes": [code]}


def verify(users, source, destination, work, inbox_content_only=False):
    """compare-mailboxes per user; one summary string ('exact' or what differs) and the totals.

    With inbox_content_only (a POP3 source): INBOX only, bytes only (POP3 carries no flags or dates)."""
    def one(user):
        env = dict(os.environ, BENCH_PW=password(user))
        only = ["--folder", "INBOX", "--content-only"] if inbox_content_only else []
        result = subprocess.run(
            [sys.executable, COMPARE, "--json"] + only +
            ["--a", f"127.0.0.1:{source.port}:{user}::tls:{source.ca_file}", "--a-password-env", "BENCH_PW",
             "--b", f"127.0.0.1:{destination.port}:{user}::tls:{destination.ca_file}", "--b-password-env", "BENCH_PW"],
            capture_output=True, text=True, env=env)
        if result.returncode == 2:
            return {"error": result.stderr.strip()}
        return json.loads(result.stdout)

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(one, users))
    errors = [r["error"] for r in reports if "error" in r]
    if errors:
        return f"compare failed: {errors[0][:120]}", {}
    totals = {}
    for report in reports:
        for key, value in report["totals"].items():
            totals[key] = totals.get(key, 0) + value
        totals["folders_missing"] = totals.get("folders_missing", 0) + len(report["folders_missing"])
        totals["folders_extra"] = totals.get("folders_extra", 0) + len(report["folders_extra"])
        subs = report.get("subscriptions", {"a": 0, "b": 0, "missing": [], "extra": []})
        totals["subs_a"] = totals.get("subs_a", 0) + subs["a"]
        totals["subs_missing"] = totals.get("subs_missing", 0) + len(subs["missing"])
        totals["subs_extra"] = totals.get("subs_extra", 0) + len(subs["extra"])
    if all(r["identical"] for r in reports):
        what = "exact bytes in INBOX" if inbox_content_only else "exact"
        return f"{what} ({totals['a']} messages)", totals
    parts = []
    for key, label in (("missing", "missing"), ("duplicates", "duplicates"), ("altered", "bytes altered (X-TUID)"),
                       ("flag_mismatches", "flags differ"), ("date_mismatches", "dates differ"),
                       ("folders_missing", "folders missing"), ("folders_extra", "folders extra"),
                       ("subs_missing", "subscriptions missing"),
                       ("subs_extra", "subscriptions extra")):
        if totals.get(key):
            parts.append(f"{totals[key]} {label}")
    extra_other = totals.get("extra", 0) - totals.get("duplicates", 0) - totals.get("altered", 0)
    if extra_other > 0 and not totals.get("altered"):
        parts.append(f"{extra_other} extra")
    return f"NOT exact, of {totals['a']}: " + ", ".join(parts), totals


# --- the run ----------------------------------------------------------------------------------

class Bench:
    def __init__(self, args):
        self.args = args
        self.work = tempfile.mkdtemp(prefix="mf-bench-", dir=args.work_root)
        os.chmod(self.work, 0o755)
        self.servers = []
        self.results = {}   # (profile, run, tool) -> [measurement]
        self.exactness = {}  # (profile, run, tool) -> [summary]
        self.destination_count = 0
        self.new_mail = {}   # profile -> NewMail, once delivered

    def start(self, name, users, pop3s=False, metadata=False):
        server = Server(os.path.join(self.work, name), users, pop3s, metadata)
        self.servers.append(server)
        return server

    def stop(self, server):
        server.stop()
        self.servers.remove(server)
        shutil.rmtree(server.directory, ignore_errors=True)

    def stop_all(self):
        for server in list(self.servers):
            server.stop()
        self.servers.clear()

    def fresh_destination(self, users):
        for server in [s for s in self.servers if s is not self.source]:
            self.stop(server)
        self.destination_count += 1
        return self.start(f"dst{self.destination_count}", users, metadata=not self.args.no_metadata)

    def users(self, profile):
        return [u for u, _ in profile_users(profile, self.args.scale)]

    def seed(self):
        users = [(u, s, p) for p in self.args.profiles for u, s in profile_users(p, self.args.scale)]
        self.source = self.start("src", [u for u, _, _ in users], pop3s="pop3" in self.args.profiles)
        log(f"source Dovecot pid {self.source.pid} on 127.0.0.1:{self.source.port}; seeding {len(users)} users")
        started = time.monotonic()

        def seed_group(group):
            """One corpus.py process for a group of users of one profile (fleet has hundreds)."""
            profile = group[0][2]
            corpus = CORPUS_OF.get(profile, profile)
            args = [sys.executable, CORPUS, "seed", "--profile", corpus, "--json"]
            for user, seed, _ in group:
                args += ["--maildir", self.source.maildir(user), "--seed", str(seed)]
            if corpus == "huge":
                args += ["--scale", str(self.args.scale), "--jobs", "2"]
            result = subprocess.run(args, check=True, capture_output=True, text=True)
            return [(profile, json.loads(line)) for line in result.stdout.splitlines()]

        groups = []
        for profile in self.args.profiles:
            members = [item for item in users if item[2] == profile]
            size = max(1, (len(members) + 1) // 2) if len(members) > 10 else 1   # fleet: two processes
            groups += [members[i:i + size] for i in range(0, len(members), size)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            seeded = [item for result in pool.map(seed_group, groups) for item in result]
        log(f"seeded in {time.monotonic() - started:.1f} s")
        self.corpus = {}
        for profile, figures in seeded:
            entry = self.corpus.setdefault(profile, {"users": 0, "messages": 0, "bytes": 0})
            entry["users"] += 1
            inbox_only = profile == "pop3"   # only INBOX is read over POP3
            entry["messages"] += figures["inbox_messages" if inbox_only else "messages"]
            entry["bytes"] += figures["inbox_bytes" if inbox_only else "bytes"]
        # Warm the source (index files, page cache) so that the first tool measured pays no extra.
        log("warming the source (reading every message once)")
        warm_users = [u for u, _, _ in users]
        verify(warm_users, self.source, self.source, self.work)

    def record(self, profile, run, tool, measurement, exact=None):
        self.results.setdefault((profile, run, tool.name), []).append(measurement)
        if exact is not None:
            self.exactness.setdefault((profile, run, tool.name), []).append(exact)
        log(f"{profile:6} {run:32} {tool.name:9} wall {fmt(measurement['wall'])}s "
            f"client {fmt(measurement['client_cpu'])}s server {fmt(measurement['server_cpu'])}s "
            f"rss {fmt(measurement['rss_max'], 1)}MiB" + (f"  {exact}" if exact else ""))

    def run_profile(self, profile, tools, repeat):
        users = self.users(profile)
        concurrency = CONCURRENCY.get(profile, len(users))
        pop3 = profile == "pop3"
        for tool in tools:
            if pop3 and tool.name in IMAP_ONLY_TOOLS:
                continue
            tool_work = os.path.join(self.work, f"{tool.name}-{profile}")
            os.makedirs(tool_work, exist_ok=True)
            destination = self.fresh_destination(users)
            tool.prepare(tool_work, users, self.source, destination, concurrency, pop3)
            servers = [self.source, destination]
            cold_name = "cold" if profile == "large1" else "cold, users in parallel"
            m = measure(tool.parallel(), servers, tool_work)
            self.record(profile, cold_name, tool, m, verify(users, self.source, destination, tool_work, pop3)[0])
            if profile == "large1":
                continue
            m = measure(tool.parallel(), servers, tool_work)
            self.record(profile, "no-op re-run", tool, m)
            if hasattr(tool, "plan"):
                m = measure(tool.plan(), servers, tool_work)
                self.record(profile, PLAN_RUN, tool, m)
            # The new mail stays in the source through the re-run with state deleted (so that the
            # destination, which has it, still equals the source) and is withdrawn before anything
            # else reads the source.
            delivered = None if self.args.no_changed else self.deliver_new_mail(profile)
            try:
                if delivered is not None:
                    m = measure(tool.parallel(), servers, tool_work)
                    self.record(profile, CHANGED_RUN, tool, m,
                                verify(users, self.source, destination, tool_work, pop3)[0])
                if tool.name not in self.args.skip_state_deleted:
                    tool.delete_state()
                    m = measure(tool.parallel(), servers, tool_work)
                    self.record(profile, "no-op re-run, state deleted", tool, m,
                                verify(users, self.source, destination, tool_work, pop3)[0])
                # Last, and with the new mail still in the source: `verify` reads every message's
                # header fields on both sides, which the servers then have cached for any run after it.
                if hasattr(tool, "verify"):
                    m = measure(tool.verify(), servers, tool_work)
                    self.record(profile, VERIFY_RUN, tool, m)
            finally:
                if delivered is not None:
                    self.new_mail[profile].withdraw(self.source, delivered)
            if tool.name in self.args.skip_state_deleted:
                continue
            if profile == "small" and not self.args.no_sequential:
                destination = self.fresh_destination(users)
                tool.prepare(tool_work, users, self.source, destination)
                m = measure(tool.one_at_a_time(), [self.source, destination], tool_work)
                self.record(profile, "cold, users one at a time", tool, m,
                            verify(users, self.source, destination, tool_work)[0])
        if profile in PROFILE_LIMITS and not self.args.no_limit:
            limit_work = os.path.join(self.work, f"limit-{profile}")
            os.makedirs(limit_work, exist_ok=True)
            for limit in PROFILE_LIMITS[profile]:
                destination = self.fresh_destination(users)
                m = measure_limit(limit, users, self.source, destination, limit_work, concurrency)
                self.record(profile, "cold, users in parallel", limit, m,
                            verify(users, self.source, destination, limit_work, pop3)[0])

    def deliver_new_mail(self, profile):
        if profile not in self.new_mail:
            self.new_mail[profile] = NewMail(profile, self.args.scale)
        started = time.monotonic()
        delivered = self.new_mail[profile].deliver(self.source)
        log(f"{profile}: {self.new_mail[profile].figures()[0]} new messages delivered into the source "
            f"in {time.monotonic() - started:.1f} s")
        return delivered

    def run(self, tools):
        self.seed()
        for repeat in range(self.args.repeats):
            log(f"repeat {repeat + 1} of {self.args.repeats}")
            ordered = tools if repeat % 2 == 0 else list(reversed(tools))   # alternate who goes first
            for profile in self.args.profiles:
                self.run_profile(profile, ordered, repeat)


# --- the report -------------------------------------------------------------------------------

RUN_ORDER = ["cold, users in parallel", "no-op re-run", PLAN_RUN, CHANGED_RUN, "no-op re-run, state deleted", VERIFY_RUN,
             "cold, users one at a time", "cold"]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, digits=2):
    return "n/a" if value is None else f"{value:.{digits}f}"


def ratio(a, b):
    return "n/a" if a is None or b in (None, 0) else f"{a / b:.2f}x"


def target_figure(bench, profile, run, tool, key="wall"):
    return median([r[key] for r in bench.results.get((profile, run, tool), [])])


def targets(bench):
    """Issue 23's targets as ratios of this run's medians (n/a where a figure is missing)."""
    cold, noop, deleted = "cold, users in parallel", "no-op re-run", "no-op re-run, state deleted"
    checks = []

    def check(profile, text, value, limit, unit="x"):
        if profile not in bench.corpus:
            return
        shown = "n/a" if value is None else (f"{value:.2f}{unit}" if unit == "x" else f"{value:.1f} {unit}")
        verdict = "" if value is None else (" (met)" if value <= limit else " (MISSED)")
        checks.append(f"- `{profile}`: {text}: {shown}, target at most {limit}{unit if unit == 'x' else ' ' + unit}"
                      f"{verdict}")

    def quotient(a, b):
        return None if a is None or b in (None, 0) else a / b

    f = lambda profile, run, tool, key="wall": target_figure(bench, profile, run, tool, key)   # noqa: E731
    check("huge", "cold / servers' MULTIAPPEND limit",
          quotient(f("huge", cold, "mailferry"), f("huge", cold, MULTIAPPEND.name)), 1.3)
    check("huge", "no-op / mbsync's no-op", quotient(f("huge", noop, "mailferry"), f("huge", noop, "mbsync")), 0.5)
    check("huge", "state deleted / mbsync's no-op",
          quotient(f("huge", deleted, "mailferry"), f("huge", noop, "mbsync")), 2)
    check("huge", "plan / no-op", quotient(f("huge", PLAN_RUN, "mailferry"), f("huge", noop, "mailferry")), 2)
    check("huge", "peak RSS (largest of cold, no-op, plan, state deleted)",
          max([v for v in (f("huge", run, "mailferry", "rss_max") for run in (cold, noop, PLAN_RUN, deleted))
               if v is not None], default=None), 64, "MiB")
    check("fleet", "cold / mbsync", quotient(f("fleet", cold, "mailferry"), f("fleet", cold, "mbsync")), 0.5)
    check("fleet", "peak RSS, cold", f("fleet", cold, "mailferry", "rss_max"), 64, "MiB")
    check("pop3", "cold / servers' POP3 + MULTIAPPEND limit",
          quotient(f("pop3", cold, "mailferry"), f("pop3", cold, POP3_MULTIAPPEND.name)), 1.3)
    for profile in ("small", "mixed"):
        check(profile, "cold / servers' MULTIAPPEND limit",
              quotient(f(profile, cold, "mailferry"), f(profile, cold, MULTIAPPEND.name)), 1.15)
    check("small", "peak RSS, cold", f("small", cold, "mailferry", "rss_max"), 40, "MiB")
    for profile in bench.corpus:   # informative: the issue sets no target for it
        value = quotient(f(profile, CHANGED_RUN, "mailferry"), f(profile, CHANGED_RUN, "mbsync"))
        if value is not None:
            checks.append(f"- `{profile}`: {CHANGED_RUN}, mailferry/mbsync: {value:.2f}x (informative, no target)")
    if not checks:
        return []
    return ["Issue 23's targets, from the medians above (ratios within this run):", ""] + checks + [""]


def new_mail_text(new_mail):
    if new_mail is None:
        return ""
    count, inbox, size = new_mail.figures()
    return f"; {CHANGED_RUN}: {count} new messages ({inbox} in INBOX), {size / MIB:.2f} MiB"


def report(bench, tools, versions, available):
    lines = []
    now = dt.datetime.now(dt.timezone.utc)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    dovecot = subprocess.run(["dovecot", "--version"], capture_output=True, text=True).stdout.strip()
    lines.append(f"# mailferry vs mbsync, imapsync and the servers' own limit, {now:%Y-%m-%d %H:%M} UTC")
    lines.append("")
    lines.append(f"Machine: {os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}; load average "
                 f"at the end {os.getloadavg()[0]:.2f}. Dovecot {dovecot} to Dovecot, IMAPS on 127.0.0.1, storage on "
                 f"{bench.args.work_root}; destinations "
                 + ("without IMAP METADATA" if bench.args.no_metadata else "with IMAP METADATA (sync records)")
                 + f". {', '.join(versions)}. Medians of {bench.args.repeats}.")
    lines.append("")
    for profile, figures in bench.corpus.items():
        at_once = CONCURRENCY.get(profile)
        lines.append(f"- `{profile}`: {figures['users']} users, {figures['messages']} messages, "
                     f"{figures['bytes'] / MIB:.1f} MiB" + (f"; {at_once} users at a time" if at_once else "")
                     + ("; read over POP3S" if profile == "pop3" else "")
                     + new_mail_text(bench.new_mail.get(profile)))
    if bench.args.scale != 1:
        lines.append(f"- scaled by {bench.args.scale:g} (`huge`'s folders, `fleet`'s users)")
    lines.append("")
    lines.append("| corpus | run | tool | wall s | client CPU s | server CPU s | peak RSS MiB (sum) | exact |")
    lines.append("|---|---|---|---:|---:|---:|---:|---|")
    for profile in bench.args.profiles:
        for run in RUN_ORDER:
            if not any(key[0] == profile and key[1] == run for key in bench.results):
                continue
            medians = {}
            for tool_object in tools + LIMITS:
                tool = tool_object.name
                runs = bench.results.get((profile, run, tool))
                if runs is None and not available.get(tool, True):
                    runs = []
                elif runs is None:
                    continue
                medians[tool] = {k: median([r[k] for r in runs]) for k in ("wall", "client_cpu", "server_cpu",
                                                                           "rss_max", "rss_sum")}
                exact = bench.exactness.get((profile, run, tool))
                if not runs:
                    exact_text = tool_object.missing
                elif exact is None:
                    exact_text = "(not checked)"
                else:
                    distinct = sorted(set(exact))
                    exact_text = "; ".join(distinct) if len(distinct) > 1 else distinct[0]
                    if any(code != 0 for r in runs for code in r["exit_codes"]):
                        exact_text += "; client exited non-zero"
                m = medians[tool]
                rss = "n/a" if m["rss_max"] is None else f"{m['rss_max']:.1f}" + (
                    f" ({m['rss_sum']:.1f})" if m["rss_sum"] - m["rss_max"] > 0.05 else "")
                lines.append(f"| {profile} | {run} | {tool} | {fmt(m['wall'])} | {fmt(m['client_cpu'])} | "
                             f"{fmt(m['server_cpu'])} | {rss} | {exact_text} |")
            for tool, a in medians.items():
                if tool == "mbsync" or "mbsync" not in medians or a["wall"] is None:
                    continue   # a tool without figures has its n/a row already
                b = medians["mbsync"]
                lines.append(f"| {profile} | {run} | {tool} / mbsync | {ratio(a['wall'], b['wall'])} | "
                             f"{ratio(a['client_cpu'], b['client_cpu'])} | {ratio(a['server_cpu'], b['server_cpu'])} | "
                             f"{ratio(a['rss_max'], b['rss_max'])} | |")
            mailferry = medians.get("mailferry")
            for limit in LIMITS:   # how far mailferry is from what the servers allow
                b = medians.get(limit.name)
                if mailferry is None or mailferry["wall"] is None or b is None or b["wall"] is None:
                    continue
                lines.append(f"| {profile} | {run} | mailferry / {limit.name} | {ratio(mailferry['wall'], b['wall'])} | "
                             f"{ratio(mailferry['client_cpu'], b['client_cpu'])} | "
                             f"{ratio(mailferry['server_cpu'], b['server_cpu'])} | | |")
    lines.append("")
    lines += targets(bench)
    if "mixed" in bench.corpus:
        figures = bench.corpus["mixed"]
        budget = 0.1e-3 * figures["messages"] + 4e-3 * figures["bytes"] / MIB
        lines.append(f"Issue 7's client-CPU budget for `mixed` (0.1 ms per message + 4 ms per MiB): {budget:.2f} s.")
    lines.append("Client CPU: user+sys of every client process (/usr/bin/time -v). Server CPU: utime+stime of both "
                 "Dovecot masters, their reaped children and live descendants, source and destination together. "
                 "Peak RSS: the largest client process; in parentheses the sum over parallel processes. "
                 "`exact`: scripts/compare-mailboxes.py per user (bytes sha256, flags, INTERNALDATE per folder, "
                 "folder set, subscriptions).")
    if not bench.args.no_limit:
        lines.append("")
        lines.append("Server limit rows (bench/server-limit.py): every folder read into memory first (not timed); "
                     "timed: per user one thread with a source and a destination IMAPS connection, LOGIN answered, "
                     "then one pipelined EXAMINE + UID FETCH 1:* (BODY.PEEK[] FLAGS INTERNALDATE) per folder on the "
                     "source while CREATE/SUBSCRIBE and then pre-built APPENDs with LITERAL+ (fetched FLAGS without "
                     "\\Recent, fetched INTERNALDATE) go to a fresh destination: one APPEND per message, or "
                     "MULTIAPPEND batches of at most 100 messages or 8 MiB. Wall and client CPU (Python) cover the "
                     "timed phase only; peak RSS is not given (the corpus is held in memory on purpose).")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description="Benchmark mailferry against mbsync (see bench/README.md).")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profiles", default="small,mixed,large1",
                        help="comma-separated: " + ",".join(PROFILES))
    parser.add_argument("--scale", type=float, default=1.0,
                        help="huge: folder sizes, fleet: number of users, times this (default 1)")
    parser.add_argument("--tools", default="mbsync,mailferry,imapsync",
                        help="comma-separated: mbsync,mailferry,imapsync")
    parser.add_argument("--mailferry", default=os.path.join(ROOT, ".build", "release", "mailferry"))
    parser.add_argument("--work-root", default="/dev/shm" if os.path.isdir("/dev/shm") else "/tmp")
    parser.add_argument("--no-sequential", action="store_true", help="skip the users-one-at-a-time runs")
    parser.add_argument("--no-limit", action="store_true", help="skip the servers' own limit runs")
    parser.add_argument("--no-changed", action="store_true",
                        help="skip the re-run after new mail (no mail delivered into the source)")
    parser.add_argument("--no-metadata", action="store_true",
                        help="destinations without IMAP METADATA, where mailferry keeps each folder's sync record")
    parser.add_argument("--skip-state-deleted", default="", metavar="TOOLS",
                        help="comma-separated tools without the re-run with state deleted (mbsync copies "
                             "everything again there, which at `huge`'s size takes many minutes)")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "results",
                                                      dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d-%H%M") + ".md"))
    parser.add_argument("--keep", action="store_true", help="keep the work directory (servers are stopped anyway)")
    args = parser.parse_args()
    args.profiles = [p for p in args.profiles.split(",") if p]
    args.skip_state_deleted = [t for t in args.skip_state_deleted.split(",") if t]
    for p in args.profiles:
        if p not in PROFILES:
            parser.error(f"unknown profile {p}")
    catalogue = {"mbsync": Mbsync(), "mailferry": Mailferry(args.mailferry), "imapsync": Imapsync()}
    tool_names = [t for t in args.tools.split(",") if t]
    for name in tool_names:
        if name not in catalogue:
            parser.error(f"unknown tool {name} (known: {', '.join(catalogue)})")
    available = {name: catalogue[name].available() for name in tool_names}
    for name, ok in available.items():
        if not ok:
            where = f" ({args.mailferry} without `apply`)" if name == "mailferry" else " (not on PATH)"
            log(f"{name} is not available{where}: its rows show n/a")
    tools = [catalogue[name] for name in tool_names if available[name]]
    versions = [catalogue[name].version() for name in tool_names if available[name]]

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    bench = Bench(args)
    try:
        bench.run(tools)
    finally:
        bench.stop_all()
        if not args.keep:
            shutil.rmtree(bench.work, ignore_errors=True)
    text = report(bench, [catalogue[name] for name in tool_names], versions, available)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(text)
    log(f"written {args.out}")


if __name__ == "__main__":
    main()
