#!/usr/bin/env python3
"""What a server answers about message numbering, as JSON, so that a test can compare a source with the
destination mailferry wrote: over IMAP each folder's UIDVALIDITY and its UIDs (`UID FETCH 1:*`), each with
the sha256 of the message's BODY[]; over POP3 the `UIDL` listing, each with its LIST size and the sha256
of its header (`TOP n 0`).

    scripts/mailbox-uids.py imap HOST:PORT:USER [--password-env NAME]
    scripts/mailbox-uids.py pop3 HOST:PORT:USER [--password-env NAME]

Plain TCP on loopback test servers; the password comes from the environment variable NAME (default
MF_UIDS_PASSWORD), never from the command line. Read-only: EXAMINE and BODY.PEEK[] over IMAP, TOP
over POP3 and no QUIT, so that nothing is marked seen or deleted. Stdlib only and independent of
mailferry's Swift code: it judges mailferry.

Output, IMAP: {"folders": {"INBOX": {"uidvalidity": 1700000000, "uids": {"3": "<sha256>", ...}}}}
Output, POP3: {"messages": [[1, "<uidl>", <size>, "<sha256 of header>"], ...]}
Exit codes: 0 done; 2 usage, connection or protocol error.
"""

import argparse
import hashlib
import imaplib
import json
import os
import poplib
import re
import sys

sys.dont_write_bytecode = True

QUOTED = rb'"(?:\\.|[^"\\])*"'


class Failure(Exception):
    pass


def unquote(token):
    if token.startswith(b'"'):
        return re.sub(rb'\\(.)', rb'\1', token[1:-1])
    return token


def folders(conn):
    typ, data = conn.list('""', '"*"')
    if typ != "OK":
        raise Failure(f"LIST failed: {data}")
    names = []
    for item in data:
        if item is None or item == b")":
            continue
        literal = None
        if isinstance(item, tuple):
            item, literal = item
        m = re.match(rb'^\(([^)]*)\) (' + QUOTED + rb'|NIL) (.*)$', item)
        if not m:
            raise Failure(f"cannot parse LIST response {item!r}")
        attributes = m.group(1).decode().lower().split()
        if "\\noselect" in attributes or "\\nonexistent" in attributes:
            continue
        names.append(literal if literal is not None else unquote(m.group(3)))
    return sorted(names)


def read_imap(host, port, user, password):
    conn = imaplib.IMAP4(host, port)
    try:
        conn.login(user, password)
        result = {}
        for raw in folders(conn):
            quoted = '"' + raw.decode("ascii", "surrogateescape").replace("\\", "\\\\").replace('"', '\\"') + '"'
            typ, data = conn.select(quoted, readonly=True)
            if typ != "OK":
                raise Failure(f"EXAMINE {raw!r} failed: {data}")
            validity = conn.response("UIDVALIDITY")[1]
            uids = {}
            if int(data[0] or 0) > 0:
                typ, data = conn.uid("FETCH", "1:*", "(UID BODY.PEEK[])")
                if typ != "OK":
                    raise Failure(f"UID FETCH in {raw!r} failed: {data}")
                for item in data:
                    if not isinstance(item, tuple):
                        continue
                    m = re.search(rb'UID (\d+)', item[0])
                    if not m:
                        raise Failure(f"FETCH response without UID: {item[0][:80]!r}")
                    uids[m.group(1).decode()] = hashlib.sha256(item[1]).hexdigest()
            result[raw.decode("utf-8", "surrogateescape")] = {
                "uidvalidity": int(validity[0]) if validity and validity[0] else None,
                "uids": uids,
            }
        return {"folders": result}
    finally:
        try:
            conn.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


def read_pop3(host, port, user, password):
    conn = poplib.POP3(host, port, timeout=30)
    try:
        conn.user(user)
        conn.pass_(password)
        sizes = {}
        for line in conn.list()[1]:
            number, size = line.split()
            sizes[int(number)] = int(size)
        messages = []
        for line in conn.uidl()[1]:
            number, uidl = line.split(maxsplit=1)
            number = int(number)
            header = b"\r\n".join(conn.top(number, 0)[1])
            messages.append([number, uidl.decode("ascii", "replace"), sizes.get(number),
                             hashlib.sha256(header).hexdigest()])
        return {"messages": messages}
    finally:
        # No QUIT: the session ends without committing anything.
        conn.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("protocol", choices=["imap", "pop3"])
    parser.add_argument("account", help="HOST:PORT:USER")
    parser.add_argument("--password-env", default="MF_UIDS_PASSWORD")
    args = parser.parse_args()
    try:
        host, port, user = args.account.split(":", 2)
        password = os.environ.get(args.password_env)
        if password is None:
            raise Failure(f"environment variable {args.password_env} is not set")
        read = read_imap if args.protocol == "imap" else read_pop3
        print(json.dumps(read(host, int(port), user, password), sort_keys=True))
    except (Failure, ValueError, OSError, imaplib.IMAP4.error, poplib.error_proto) as error:
        print(f"mailbox-uids.py: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
