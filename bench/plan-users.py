#!/usr/bin/env python3
"""Peak memory of `plan --offline` against the number of users: does a plan grow with its users?

    bench/plan-users.py [--mailferry PATH] [--users 1000,10000] [--formats text,markdown,json]

Writes a job (a Dovecot master-user login, so the users file needs no passwords) and a users file
of N users into a temporary folder, runs `plan --offline --format F` for each N and format (and
text with `--out`), and prints a Markdown table: peak RSS (ru_maxrss of the child), wall and user
CPU seconds, and the output's size. No server is contacted. Python 3 stdlib only.
"""

import argparse
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

JOB = """version: 1
name: plan-users
source:
  host: mail.old.example
  protocol: imap4s
  ports:
    imap4s: 993
  admin:
    user: migrator
    password: env:SOURCE_ADMIN_PASSWORD
    style: separator
    separator: "*"
destination:
  imap:
    host: mail.new.example
    port: 993
    security: tls
    admin:
      user: migrator
      password: env:DEST_ADMIN_PASSWORD
      style: authzid
folders:
  skip: [Trash, "Junk*", "Archive/Old/*"]
  translate:
    "Sent Items": Sent
    "Deleted Items": Trash-Old
users:
  file: users.csv
  destination_domain: new.example
"""


def run(binary, folder, arguments):
    """Peak RSS (MiB), wall and user CPU seconds, output bytes of one run."""
    out = folder / "out"
    with open(out, "wb") as stdout:
        start = time.monotonic()
        process = subprocess.Popen([binary, "plan", "job.yaml", "--offline", *arguments], cwd=folder,
                                   stdout=stdout, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"plan {' '.join(arguments)} failed (exit {os.waitstatus_to_exitcode(status)})")
    return usage.ru_maxrss / 1024, wall, usage.ru_utime, out.stat().st_size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = pathlib.Path(__file__).resolve().parent.parent
    parser.add_argument("--mailferry", default=str(root / ".build/release/mailferry"))
    parser.add_argument("--users", default="1000,10000")
    parser.add_argument("--formats", default="text,markdown,json")
    args = parser.parse_args()
    binary = os.path.abspath(args.mailferry)
    runs = [["--format", f] for f in args.formats.split(",")] + [["--format", "text", "--out", "plan.json"]]
    print("| users | arguments | peak RSS | wall | user CPU | output |")
    print("|---:|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="plan-users-") as name:
        folder = pathlib.Path(name)
        (folder / "job.yaml").write_text(JOB)
        for count in [int(n) for n in args.users.split(",")]:
            users = folder / "users.csv"
            users.write_text("".join(f"user{i:06d}@old.example,,\n" for i in range(count)))
            users.chmod(0o600)
            for arguments in runs:
                rss, wall, cpu, size = run(binary, folder, arguments)
                print(f"| {count} | `{' '.join(arguments)}` | {rss:.1f} MiB | {wall:.2f} s | {cpu:.2f} s "
                      f"| {size / 1048576:.1f} MiB |", flush=True)


if __name__ == "__main__":
    main()
