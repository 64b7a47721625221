#!/usr/bin/env python3
"""Peak memory of the commands that list every user, against the number of users.

    bench/users.py [--mailferry PATH] [--users 1000,10000]

Writes a job and a users file of N users (each with a password) into a temporary folder and runs,
for each N: `plan --offline` in each format (and text with `--out`); `apply` (text and JSON), whose
servers are 127.0.0.1 port 1, where nothing listens, so that every user fails at once and the state
holds N results and N logs; then `status` and `report` in each format over that state. Prints a
Markdown table: peak RSS (ru_maxrss of the child), wall and user CPU seconds, the output's size.
Contacts no server. Python 3 stdlib only.
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
name: users
source:
  host: 127.0.0.1
  protocol: imap4s
  ports:
    imap4s: 1
  admin:
    user: migrator
    password: env:SOURCE_ADMIN_PASSWORD
    style: separator
    separator: "*"
destination:
  imap:
    host: 127.0.0.1
    port: 1
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
options:
  concurrency: 50
"""

# (command, arguments); the job file goes after the command.
RUNS = [("plan", ["--offline", "--format", "text"]), ("plan", ["--offline", "--format", "markdown"]),
        ("plan", ["--offline", "--format", "json"]), ("plan", ["--offline", "--out", "plan.json"]),
        ("apply", []), ("apply", ["--format", "json"]),
        ("status", []), ("status", ["--format", "json"]),
        ("report", ["--format", "html"]), ("report", ["--format", "markdown"]), ("report", ["--format", "json"])]
APPLY_FAILED = 3  # every user failed: expected here


def run(binary, folder, command, arguments):
    """Peak RSS (MiB), wall and user CPU seconds, output bytes of one run."""
    out = folder / "out"
    environment = dict(os.environ, SOURCE_ADMIN_PASSWORD="bench", DEST_ADMIN_PASSWORD="bench", NO_COLOR="1")
    with open(out, "wb") as stdout:
        start = time.monotonic()
        process = subprocess.Popen([binary, command, "job.yaml", *arguments], cwd=folder, env=environment,
                                   stdout=stdout, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0 and not (command == "apply" and code == APPLY_FAILED):
        sys.exit(f"{command} {' '.join(arguments)} failed (exit {code})")
    return usage.ru_maxrss / 1024, wall, usage.ru_utime, out.stat().st_size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = pathlib.Path(__file__).resolve().parent.parent
    parser.add_argument("--mailferry", default=str(root / ".build/release/mailferry"))
    parser.add_argument("--users", default="1000,10000")
    args = parser.parse_args()
    binary = os.path.abspath(args.mailferry)
    print("| users | command | peak RSS | wall | user CPU | output |")
    print("|---:|---|---:|---:|---:|---:|")
    for count in [int(n) for n in args.users.split(",")]:
        with tempfile.TemporaryDirectory(prefix="mailferry-users-") as name:
            folder = pathlib.Path(name)
            (folder / "job.yaml").write_text(JOB)
            users = folder / "users.csv"
            users.write_text("".join(f"user{i:06d}@old.example,Bench-{i:06d}-pw,\n" for i in range(count)))
            users.chmod(0o600)
            for command, arguments in RUNS:
                rss, wall, cpu, size = run(binary, folder, command, arguments)
                print(f"| {count} | `{command} {' '.join(arguments)}` | {rss:.1f} MiB | {wall:.2f} s | {cpu:.2f} s "
                      f"| {size / 1048576:.1f} MiB |", flush=True)


if __name__ == "__main__":
    main()
