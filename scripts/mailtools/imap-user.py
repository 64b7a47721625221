#!/usr/bin/env python3
"""Acts on one mailbox as its user would in a mail client, over IMAPS (Python's imaplib, sharing no
code with mailferry), for the cutover tests: list every folder's messages, delete, move, change
flags, rename a folder.

    imap-user.py --host H --port P --user U --cafile F --password-env VAR COMMAND ...
    list                          JSON {folder: [{"uid", "sha", "flags"}]} (sha: SHA-256 of the message)
    delete FOLDER SHA...          mark \\Deleted and expunge those messages
    move FOLDER TO SHA...         copy to TO, then delete from FOLDER
    flags FOLDER SHA CHANGE...    CHANGE is +FLAG or -FLAG (e.g. +\\Flagged -\\Seen +$Work)
    rename OLD NEW                rename a folder (RFC 3501 RENAME)
Folder names are given and listed as the server names them (modified UTF-7, "/" separated).
"""
import argparse
import hashlib
import imaplib
import json
import os
import re
import ssl
import sys


def quoted(name):
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def folders(imap):
    status, lines = imap.list()
    if status != "OK":
        raise SystemExit("LIST failed")
    names = []
    for line in lines:
        text = line.decode() if isinstance(line, bytes) else line
        match = re.match(r'\((?P<attrs>[^)]*)\) (?P<sep>"[^"]*"|NIL) (?P<name>.*)$', text)
        if not match or "\\Noselect" in match.group("attrs") or "\\NonExistent" in match.group("attrs"):
            continue
        name = match.group("name")
        if name.startswith('"'):
            name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        names.append(name)
    return sorted(names)


def messages(imap, folder):
    status, _ = imap.select(quoted(folder), readonly=True)
    if status != "OK":
        raise SystemExit(f"cannot select {folder}")
    status, data = imap.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[])")
    result = []
    for item in data:
        if not isinstance(item, tuple):
            continue
        head, body = item
        head = head.decode()
        uid = int(re.search(r"UID (\d+)", head).group(1))
        flags = re.search(r"FLAGS \(([^)]*)\)", head).group(1).split()
        result.append({"uid": uid, "sha": hashlib.sha256(body).hexdigest(), "flags": sorted(f for f in flags if f != "\\Recent")})
    return sorted(result, key=lambda m: m["uid"])


def uids_of(imap, folder, shas):
    listed = messages(imap, folder)
    uids = []
    for sha in shas:
        match = [m["uid"] for m in listed if m["sha"] == sha and m["uid"] not in uids]
        if not match:
            raise SystemExit(f"no message {sha} in {folder}")
        uids.append(match[0])
    imap.select(quoted(folder))
    return ",".join(str(u) for u in uids)


def check(response, what):
    if response[0] != "OK":
        raise SystemExit(f"{what} failed: {response}")


def main():
    parser = argparse.ArgumentParser()
    for name in ("host", "port", "user", "cafile", "password-env"):
        parser.add_argument("--" + name, required=True)
    parser.add_argument("command")
    parser.add_argument("arguments", nargs="*")
    options = parser.parse_args()
    context = ssl.create_default_context(cafile=options.cafile)
    imap = imaplib.IMAP4_SSL(options.host, int(options.port), ssl_context=context)
    imap.login(options.user, os.environ[options.password_env])
    args = options.arguments
    if options.command == "list":
        json.dump({folder: messages(imap, folder) for folder in folders(imap)}, sys.stdout)
    elif options.command == "delete":
        uids = uids_of(imap, args[0], args[1:])
        check(imap.uid("STORE", uids, "+FLAGS.SILENT", "(\\Deleted)"), "STORE")
        check(imap.expunge(), "EXPUNGE")
    elif options.command == "move":
        uids = uids_of(imap, args[0], args[2:])
        check(imap.uid("COPY", uids, quoted(args[1])), "COPY")
        check(imap.uid("STORE", uids, "+FLAGS.SILENT", "(\\Deleted)"), "STORE")
        check(imap.expunge(), "EXPUNGE")
    elif options.command == "flags":
        uids = uids_of(imap, args[0], [args[1]])
        for change in args[2:]:
            operation = "+FLAGS.SILENT" if change.startswith("+") else "-FLAGS.SILENT"
            check(imap.uid("STORE", uids, operation, f"({change[1:]})"), "STORE")
    elif options.command == "rename":
        check(imap.rename(quoted(args[0]), quoted(args[1])), "RENAME")
    else:
        raise SystemExit(f"unknown command {options.command}")
    imap.logout()


if __name__ == "__main__":
    main()
