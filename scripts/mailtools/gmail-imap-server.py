#!/usr/bin/env python3
"""A scripted IMAP server in Gmail's shape for mailferry's tests (never for production): it speaks
Gmail's X-GM-EXT-1 (X-GM-MSGID, X-GM-LABELS) over plain TCP on 127.0.0.1, read-only.

    gmail-imap-server.py --mailbox FILE --log FILE

FILE is JSON: {"user": U, "password": P, "messages": [{"id": 64-bit X-GM-MSGID, "subject": S,
"labels": [...], "flags": [...]}]}. Labels are Gmail's: system labels "\\\\Inbox", "\\\\Sent",
"\\\\Draft", "\\\\Starred", "\\\\Important", "\\\\Trash", "\\\\Spam", and user labels ("Work",
"Work/Projects", any Unicode). The folders are Gmail's: INBOX, one folder per user label (parents
of nested labels listed \\Noselect when they are no label), and under "[Gmail]/" All Mail (\\All:
every message not in Trash or Spam), Drafts, Important, Sent Mail, Spam, Starred (\\Flagged),
Trash, with their SPECIAL-USE attributes. A message's body is made from its subject
(Message-ID <subject@gmail.example>). As Gmail does, X-GM-LABELS leaves out the label of the
folder being listed. Listens on a free port, printed as "PORT <n>"; every command but LOGIN is
appended to the log file. Stops on SIGTERM.
"""
import argparse
import json
import os
import re
import socketserver
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mutf7  # noqa: E402

CAPABILITIES = "IMAP4rev1 UNSELECT CHILDREN X-GM-EXT-1 UIDPLUS SPECIAL-USE"
SYSTEM_FOLDERS = [
    ("[Gmail]/All Mail", "\\All", None),
    ("[Gmail]/Drafts", "\\Drafts", "\\Draft"),
    ("[Gmail]/Important", "\\Important", "\\Important"),
    ("[Gmail]/Sent Mail", "\\Sent", "\\Sent"),
    ("[Gmail]/Spam", "\\Junk", "\\Spam"),
    ("[Gmail]/Starred", "\\Flagged", "\\Starred"),
    ("[Gmail]/Trash", "\\Trash", "\\Trash"),
]


class Mailbox:
    def __init__(self, spec):
        self.user = spec["user"]
        self.password = spec["password"]
        self.messages = []
        for index, message in enumerate(spec["messages"]):
            subject = message["subject"]
            raw = (
                f"From: sender@gmail.example\r\nTo: {self.user}@gmail.example\r\nSubject: {subject}\r\n"
                f"Date: Mon, 2 Nov 2026 10:{index % 60:02d}:00 +0000\r\nMessage-ID: <{subject}@gmail.example>\r\n"
                f"\r\nThis is {subject}.\r\n"
            ).encode()
            flags = list(message.get("flags", []))
            if "\\Starred" in message["labels"] and "\\Flagged" not in flags:
                flags.append("\\Flagged")
            self.messages.append({"id": message["id"], "labels": message["labels"], "flags": flags, "raw": raw})
        # folder name -> (attributes, label it stands for, members)
        self.folders = {}
        user_labels = sorted({label for m in self.messages for label in m["labels"] if not label.startswith("\\")})
        self.folders["INBOX"] = ([], "\\Inbox", [m for m in self.messages if "\\Inbox" in m["labels"]])
        for label in user_labels:
            self.folders[label] = ([], label, [m for m in self.messages if label in m["labels"]])
        for label in user_labels:
            parts = label.split("/")
            for depth in range(1, len(parts)):
                parent = "/".join(parts[:depth])
                if parent not in self.folders:
                    self.folders[parent] = (["\\Noselect"], None, [])
        self.folders["[Gmail]"] = (["\\Noselect"], None, [])
        for name, use, label in SYSTEM_FOLDERS:
            if label is None:
                members = [m for m in self.messages if "\\Trash" not in m["labels"] and "\\Spam" not in m["labels"]]
            else:
                members = [m for m in self.messages if label in m["labels"]]
            self.folders[name] = ([use], label, members)
        self.validity = {name: 100 + index for index, name in enumerate(sorted(self.folders))}


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def label_wire(label):
    if label.startswith("\\"):
        return quote(label)
    encoded = mutf7.encode(label)
    if re.fullmatch(r"[A-Za-z0-9/&+,._-]+", encoded):
        return encoded
    return quote(encoded)


def tokens(text):
    """Arguments of a command: atoms, quoted strings, parenthesised groups kept as text."""
    result = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == " ":
            index += 1
        elif char == '"':
            value = ""
            index += 1
            while text[index] != '"':
                if text[index] == "\\":
                    index += 1
                value += text[index]
                index += 1
            result.append(value)
            index += 1
        elif char == "(":
            depth = 0
            start = index
            while True:
                if text[index] == "(":
                    depth += 1
                elif text[index] == ")":
                    depth -= 1
                index += 1
                if depth == 0:
                    break
            result.append(text[start:index])
        else:
            start = index
            while index < len(text) and text[index] != " ":
                index += 1
            result.append(text[start:index])
    return result


def uid_set(text, largest):
    uids = set()
    for part in text.split(","):
        low, _, high = part.partition(":")
        low = largest if low == "*" else int(low)
        high = low if not high else (largest if high == "*" else int(high))
        low, high = min(low, high), max(low, high)
        uids.update(range(low, min(high, largest) + 1))
    return uids


def header_fields(raw, names):
    head = raw.split(b"\r\n\r\n", 1)[0].decode()
    kept = [line for line in head.split("\r\n") if line.split(":", 1)[0].upper() in names]
    return ("\r\n".join(kept) + "\r\n\r\n").encode()


class Handler(socketserver.StreamRequestHandler):
    def send(self, data):
        self.wfile.write(data if isinstance(data, bytes) else data.encode())

    def handle(self):
        mailbox = self.server.mailbox
        selected = None
        self.send(f"* OK [CAPABILITY {CAPABILITIES}] Gimap ready for requests\r\n")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            text = line.decode().rstrip("\r\n")
            tag, _, rest = text.partition(" ")
            command, _, arguments = rest.partition(" ")
            command = command.upper()
            if command == "UID":
                sub, _, arguments = arguments.partition(" ")
                command = "UID " + sub.upper()
            if command != "LOGIN":
                with self.server.lock:
                    with open(self.server.log, "a") as log:
                        log.write(text + "\n")
            if command == "CAPABILITY":
                self.send(f"* CAPABILITY {CAPABILITIES}\r\n{tag} OK Success\r\n")
            elif command == "LOGIN":
                user, password = tokens(arguments)[:2]
                if user == mailbox.user and password == mailbox.password:
                    self.send(f"{tag} OK [CAPABILITY {CAPABILITIES}] {user} authenticated (Success)\r\n")
                else:
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n")
            elif command in ("LIST", "LSUB"):
                out = []
                for name in sorted(mailbox.folders, key=lambda n: (n != "INBOX", n)):
                    attributes, _, _ = mailbox.folders[name]
                    children = any(other.startswith(name + "/") for other in mailbox.folders)
                    flags = attributes + (["\\HasChildren"] if children else ["\\HasNoChildren"])
                    if command == "LSUB" and "\\Noselect" in attributes:
                        continue
                    out.append(f'* {command} ({" ".join(flags)}) "/" {quote(mutf7.encode(name))}\r\n')
                self.send("".join(out) + f"{tag} OK Success\r\n")
            elif command == "STATUS":
                name = mutf7.decode(tokens(arguments)[0])
                if name not in mailbox.folders or "\\Noselect" in mailbox.folders[name][0]:
                    self.send(f"{tag} NO [NONEXISTENT] Unknown Mailbox: {name} (Failure)\r\n")
                    continue
                members = mailbox.folders[name][2]
                self.send(
                    f"* STATUS {quote(mutf7.encode(name))} (MESSAGES {len(members)} UIDNEXT {len(members) + 1} "
                    f"UIDVALIDITY {mailbox.validity[name]})\r\n{tag} OK Success\r\n"
                )
            elif command in ("EXAMINE", "SELECT"):
                name = mutf7.decode(tokens(arguments)[0])
                if name.upper() == "INBOX":
                    name = "INBOX"
                if name not in mailbox.folders or "\\Noselect" in mailbox.folders[name][0]:
                    selected = None
                    self.send(f"{tag} NO [NONEXISTENT] Unknown Mailbox: {name} (Failure)\r\n")
                    continue
                selected = name
                members = mailbox.folders[name][2]
                self.send(
                    "* FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen $NotPhishing $Phishing)\r\n"
                    f"* OK [PERMANENTFLAGS ()] Flags permitted.\r\n* OK [UIDVALIDITY {mailbox.validity[name]}] UIDs valid.\r\n"
                    f"* {len(members)} EXISTS\r\n* 0 RECENT\r\n* OK [UIDNEXT {len(members) + 1}] Predicted next UID.\r\n"
                    f"{tag} OK [READ-ONLY] {name} selected. (Success)\r\n"
                )
            elif command == "UID FETCH" and selected is not None:
                self.fetch(tag, arguments, mailbox, selected)
            elif command in ("NOOP", "CLOSE", "UNSELECT"):
                if command != "NOOP":
                    selected = None
                self.send(f"{tag} OK Success\r\n")
            elif command == "LOGOUT":
                self.send(f"* BYE LOGOUT Requested\r\n{tag} OK 73 good day (Success)\r\n")
                return
            else:
                self.send(f"{tag} BAD Unknown command or not permitted here (read-only test server)\r\n")

    def fetch(self, tag, arguments, mailbox, selected):
        set_text, _, items = arguments.partition(" ")
        items = items.strip()[1:-1] if items.strip().startswith("(") else items
        _, own_label, members = mailbox.folders[selected]
        uids = uid_set(set_text, len(members))
        match = re.search(r"BODY\.PEEK\[HEADER\.FIELDS \(([^)]*)\)\]", items)
        names = set(match.group(1).upper().split()) if match else None
        whole = "BODY.PEEK[]" in items.upper()
        upper = items.upper()
        out = []
        for number, message in enumerate(members, start=1):
            if number not in uids:
                continue
            parts = [f"UID {number}"]
            if "FLAGS" in upper.split():
                parts.append(f"FLAGS ({' '.join(message['flags'])})")
            if "INTERNALDATE" in upper:
                parts.append(f'INTERNALDATE "02-Nov-2026 10:{number % 60:02d}:00 +0000"')
            if "RFC822.SIZE" in upper:
                parts.append(f"RFC822.SIZE {len(message['raw'])}")
            if "X-GM-MSGID" in upper:
                parts.append(f"X-GM-MSGID {message['id']}")
            if "X-GM-LABELS" in upper:
                shown = [label for label in message["labels"] if label != own_label]
                parts.append(f"X-GM-LABELS ({' '.join(label_wire(label) for label in shown)})")
            head = f"* {number} FETCH (" + " ".join(parts)
            if names is not None:
                fields = header_fields(message["raw"], names)
                section = "BODY[HEADER.FIELDS (" + match.group(1).upper() + ")]"
                out.append(f"{head} {section} {{{len(fields)}}}\r\n".encode() + fields + b")\r\n")
            elif whole:
                out.append(f"{head} BODY[] {{{len(message['raw'])}}}\r\n".encode() + message["raw"] + b")\r\n")
            else:
                out.append((head + ")\r\n").encode())
        self.send(b"".join(out) + f"{tag} OK Success\r\n".encode())


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mailbox", required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    with open(args.mailbox) as file:
        spec = json.load(file)
    server = Server(("127.0.0.1", 0), Handler)
    server.mailbox = Mailbox(spec)
    server.log = args.log
    server.lock = threading.Lock()
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
