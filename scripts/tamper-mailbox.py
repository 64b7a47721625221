#!/usr/bin/env python3
"""Change a Dovecot account behind mailferry's back, as `verify`'s tests need (stdlib only).

    scripts/tamper-mailbox.py --host H --port P --user U --ca-file CA --password-env NAME
                              --maildir USER_MAILDIR_ROOT

Over IMAPS (imaplib, not mailferry's client), in INBOX, among messages whose Message-ID occurs once:
deletes the first (STORE \\Deleted, EXPUNGE), toggles \\Flagged on the second, and APPENDs one
message the source never had. Then, on disk, changes one byte in the body of the third message's
file (same Message-ID, same size, mtime kept), which only a comparison of the bytes can see.
Prints JSON: {"deleted": MID, "flagged": MID, "altered_bytes": MID, "appended": MID}.
"""

import argparse
import json
import os
import re
import ssl
import sys
import imaplib

sys.dont_write_bytecode = True

MID = re.compile(rb"^message-id:\s*(<[^>\r\n]*>)", re.IGNORECASE | re.MULTILINE)


def main():
    parser = argparse.ArgumentParser()
    for name in ("--host", "--port", "--user", "--ca-file", "--password-env", "--maildir"):
        parser.add_argument(name, required=True)
    args = parser.parse_args()
    context = ssl.create_default_context(cafile=args.ca_file)
    imap = imaplib.IMAP4_SSL(args.host, int(args.port), ssl_context=context)
    imap.login(args.user, os.environ[args.password_env])
    imap.select("INBOX")
    status, data = imap.uid("FETCH", "1:*", "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    assert status == "OK", data
    ids = {}
    for item in data:
        if not isinstance(item, tuple):
            continue
        uid = int(re.search(rb"UID (\d+)", item[0]).group(1))
        found = MID.search(item[1])
        if found:
            ids.setdefault(found.group(1).decode(), []).append(uid)
    unique = sorted((uids[0], mid) for mid, uids in ids.items() if len(uids) == 1)
    (deleted_uid, deleted), (flagged_uid, flagged), (_, altered) = unique[0], unique[1], unique[2]

    imap.uid("STORE", str(deleted_uid), "+FLAGS.SILENT", "(\\Deleted)")
    imap.expunge()
    status, data = imap.uid("FETCH", str(flagged_uid), "(FLAGS)")
    change = "-FLAGS.SILENT" if b"\\Flagged" in data[0] else "+FLAGS.SILENT"
    imap.uid("STORE", str(flagged_uid), change, "(\\Flagged)")
    appended = "<tampered-extra@verify.test>"
    message = (
        "From: someone@verify.test\r\nTo: %s\r\nSubject: not from the source\r\nMessage-ID: %s\r\n"
        "Date: Mon, 2 Nov 2026 10:00:00 +0000\r\n\r\nOnly on the destination.\r\n" % (args.user, appended))
    imap.append("INBOX", "(\\Seen)", None, message.encode())
    imap.logout()

    alter_one_byte(args.maildir, altered)
    print(json.dumps({"deleted": deleted, "flagged": flagged, "altered_bytes": altered, "appended": appended}))


def alter_one_byte(maildir, message_id):
    """Changes the first lowercase letter of the body; the size and the file's mtime stay."""
    for sub in ("cur", "new"):
        folder = os.path.join(maildir, sub)
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                content = bytearray(handle.read())
            end = content.find(b"\n\n")
            header = content[:end if end >= 0 else len(content)]
            found = MID.search(bytes(header).replace(b"\r\n", b"\n"))
            if end < 0 or not found or found.group(1).decode() != message_id:
                continue
            for index in range(end + 2, len(content)):
                if 0x61 <= content[index] <= 0x79:
                    content[index] += 1
                    break
            else:
                raise SystemExit("no lowercase letter in the body of " + path)
            stat = os.stat(path)
            with open(path, "r+b") as handle:
                handle.write(content)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            return
    raise SystemExit("no file holds " + message_id)


if __name__ == "__main__":
    main()
