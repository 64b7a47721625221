#!/usr/bin/env python3
"""Deterministic test-mail corpora written straight into a Dovecot Maildir++ tree.

    scripts/corpus.py seed --maildir USER_MAILDIR_ROOT --profile {e2e,small,mixed,large1,folder20k,large21,
                           huge,fleet} --seed N [--maildir DIR --seed N]... [--scale F] [--jobs N] [--owner UID:GID] [--quiet] [--json]
    scripts/corpus.py describe --profile P --seed N [--scale F]   (figures only, writes nothing)

`huge` (one mailbox: 200,000 messages of 2-6 KB in INBOX and 20 folders of 2,000, all times --scale)
and `fleet` (one of many small mailboxes: 100 messages in three folders) are generated in chunks of
at most 5,000 messages, each from its own random generator, so that --jobs processes write them at
once and the same profile, seed and scale still always give the same files.

`new_mail(profile, seed, scale)` (imported by bench/bench.py) gives the mail that arrives after a
migration: 1% of INBOX's count (at least 5) plus one message in the first other folder, in the
profile's own shape, deterministic and distinct from the corpus.

Independent of mailferry's Swift code (stdlib only), so that it can judge mailferry's results.
The same profile and seed always give the same messages, flags, dates, folders and subscriptions;
seeding twice into one Maildir is idempotent (same file names).

On-disk facts, verified against Dovecot 2.3.19 (see bench/README.md, "Dovecot facts"):
- INBOX is the root's cur/; folder A/B is the directory `.A.B` with each level in modified UTF-7
  and an empty `maildirfolder` file; '.' cannot occur inside a level, '/', '"', ' ', '&' and '\\' can.
- Messages are files in cur/ named `<time>.<unique>,S=<file size>,W=<CRLF size>:2,<flags>`, system
  flags as D F R S T (ASCII order), then keyword letters a.. that index the folder's
  `dovecot-keywords` file (`<n> <keyword>` lines). The file's mtime is the INTERNALDATE.
- The canonical message is pure CRLF text. Files are stored with LF line ends, as Dovecot itself
  stores an APPENDed message (mail_save_crlf = no); BODY[] and RFC822.SIZE give the CRLF form back.
- `subscriptions` is `V\\t2\\n\\n` then one mailbox per line, levels separated by TAB, in modified
  UTF-7, without namespace prefix (identical for a `/` namespace and a Courier `INBOX.` one).
- Every INTERNALDATE lies before 2026: Dovecot replaces a future date given to APPEND by the current
  time, which would make any copy look inexact.
"""

import argparse
import base64
import datetime as dt
import hashlib
import json
import os
import random
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "mailtools"))
import mutf7  # noqa: E402

KIB = 1024
MIB = 1024 * 1024

FIRST_NAMES = ["Anna", "Ben", "Chloé", "David", "Eva", "Frank", "Greta", "Hiro", "Ines", "Jonas",
               "Kaori", "Lukas", "Mia", "Noah", "Olga", "Paul", "Rosa", "Sven", "Tanja", "Yuki"]
LAST_NAMES = ["Müller", "Schmidt", "Tanaka", "Garcia", "Smith", "Novak", "Rossi", "Dubois",
              "Kowalski", "Jensen", "Sato", "Weber", "Brown", "Lindqvist", "O'Brien"]
DOMAINS = ["example.org", "example.net", "example.com", "mail.example.de", "corp.example.jp"]
SUBJECT_WORDS = ["quarterly", "report", "meeting", "invoice", "project", "update", "draft", "review",
                 "budget", "travel", "release", "notes", "agenda", "contract", "schedule", "feedback"]
BODY_WORDS = ("the of and to in is that for it as with was on be at by this had not are but from or "
              "have an they which one you were all we when there can an your which their said if "
              "mail server migration folder message budget meeting please regards thanks tomorrow "
              "attached review deadline customer invoice account project release schedule").split()
UNICODE_WORDS = ["Grüße", "Größe", "Übersicht", "naïve", "café", "smørrebrød", "żółw", "日本語",
                 "メール", "移行", "Ελληνικά", "русский", "עברית", "😀"]
TIMEZONES = [0, 60, 120, -300, -240, -420, 330, 540, 600, -180, 345, -570, 780]


class Folder:
    def __init__(self, name, count, subscribed=True):
        self.name = name            # Unicode, levels separated by "/"
        self.count = count
        self.subscribed = subscribed


class Spec:
    """One message to generate; the bytes come from build_message."""

    def __init__(self, folder, size, flags, keywords, internaldate, tz, msgid, eightbit, special,
                 attachment):
        self.folder = folder
        self.size = size
        self.flags = flags          # subset of "DFRST"
        self.keywords = keywords    # list of keyword names
        self.internaldate = internaldate
        self.tz = tz
        self.msgid = msgid
        self.eightbit = eightbit
        self.special = special
        self.attachment = attachment
        self.duplicate_of = None    # index of an earlier spec whose bytes are reused verbatim


def log_uniform(rng, low, high):
    import math
    return int(math.exp(rng.uniform(math.log(low), math.log(high))))


def random_flags(rng, seen_ratio=0.7):
    flags = ""
    if rng.random() < 0.05:
        flags += "D"
    if rng.random() < 0.1:
        flags += "F"
    if rng.random() < 0.2:
        flags += "R"
    if rng.random() < seen_ratio:
        flags += "S"
    return flags


def some_keywords(rng):
    """Keywords as mail clients set them: a few percent of the messages."""
    return [k for k, p in (("$Forwarded", 0.03), ("NonJunk", 0.02), ("$Label1", 0.01)) if rng.random() < p]


def epoch(year, rng):
    start = dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc).timestamp()
    return int(start + rng.uniform(0, 365 * 86400 - 1))


# --- profiles ---------------------------------------------------------------------------------

def profile_e2e(rng):
    """Issue 4's must-show list, about 150 messages."""
    folders = [
        Folder("INBOX", 40), Folder("Sent", 15), Folder("Drafts", 5), Folder("Trash", 5),
        Folder("Junk", 5), Folder("Work", 8), Folder("Work/Projects", 4),
        Folder("Work/Projects/2024", 10), Folder("Entwürfe", 8), Folder("日本語", 8),
        Folder('He said "hi"', 5), Folder("With Space & More", 5), Folder("Back\\slash", 3),
        Folder("Archive/1999", 8), Folder("Archive/Empty", 0), Folder("Not subscribed", 3, False),
        Folder("Lists/dev-announce", 12),
    ]
    specs = []
    for folder in folders:
        for _ in range(folder.count):
            year = 1999 if folder.name == "Archive/1999" else rng.choice(range(2001, 2026))
            keywords = [k for k in ("$Forwarded", "$Label1", "NonJunk") if rng.random() < 0.2]
            if folder.name == "Junk":
                keywords.append("$Junk")
            flags = random_flags(rng)
            if folder.name == "Drafts":
                flags = "D" + flags.replace("D", "")
            if folder.name == "Sent":
                flags = flags.replace("S", "") + "S"
            specs.append(Spec(folder.name, rng.randint(900, 12 * KIB), "".join(sorted(flags)),
                              sorted(set(keywords)), epoch(year, rng), rng.choice(TIMEZONES),
                              msgid=rng.random() > 0.08, eightbit=rng.random() < 0.4,
                              special=rng.random() < 0.25, attachment=False))
    # A few 1-3 MB messages.
    for folder_name, size in (("INBOX", 1 * MIB + 12345), ("Sent", 2 * MIB + 777), ("Work/Projects/2024", 3 * MIB - 999)):
        specs.append(Spec(folder_name, size, "S", [], epoch(rng.choice(range(2010, 2026)), rng),
                          rng.choice(TIMEZONES), msgid=True, eightbit=False, special=False, attachment=True))
    # Guarantee the edge cases rather than leaving them to chance.
    inbox = [i for i, s in enumerate(specs) if s.folder == "INBOX" and not s.attachment]
    specs[inbox[0]].msgid = False
    specs[inbox[1]].special = True
    specs[inbox[2]].eightbit = True
    specs[inbox[3]].keywords = ["$Forwarded", "$Label1", "NonJunk"]
    specs[inbox[3]].flags = "RS"
    trash = [i for i, s in enumerate(specs) if s.folder == "Trash"]
    specs[trash[0]].flags = "ST"   # \Deleted, not expunged
    # Genuine duplicates: the same bytes twice in one folder (one with, one without Message-ID).
    for original in (inbox[4], inbox[0]):
        copy = Spec(**{k: v for k, v in vars(specs[original]).items() if k != "duplicate_of"})
        copy.duplicate_of = original
        specs.append(copy)
    return folders, specs


def profile_small(rng):
    names = ["INBOX", "Sent", "Drafts", "Trash", "Archive", "Archive/2023", "Archive/2024", "Work",
             "Work/Projects", "Lists/dev", "Lists/announce"]
    weights = [30, 15, 2, 5, 8, 8, 8, 8, 6, 5, 5]
    counts = apportion(2000, weights)
    folders = [Folder(n, c) for n, c in zip(names, counts)]
    specs = []
    for folder in folders:
        for _ in range(folder.count):
            specs.append(Spec(folder.name, rng.randint(2 * KIB, 8 * KIB), random_flags(rng, 0.8),
                              some_keywords(rng),
                              epoch(rng.choice(range(2015, 2026)), rng), rng.choice(TIMEZONES),
                              msgid=True, eightbit=rng.random() < 0.2, special=rng.random() < 0.05,
                              attachment=False))
    return folders, specs


def profile_mixed(rng):
    names = ["INBOX", "Sent", "Archive", "Work", "Work/Projects"]
    counts = apportion(400, [40, 20, 20, 10, 10])
    folders = [Folder(n, c) for n, c in zip(names, counts)]
    specs = []
    for folder in folders:
        for _ in range(folder.count):
            r = rng.random()
            if r < 0.80:
                size, attachment = log_uniform(rng, 3 * KIB, 30 * KIB), False
            elif r < 0.95:
                size, attachment = log_uniform(rng, 50 * KIB, 500 * KIB), True
            else:
                size, attachment = log_uniform(rng, 1 * MIB, 4 * MIB), True
            specs.append(Spec(folder.name, size, random_flags(rng, 0.8), some_keywords(rng),
                              epoch(rng.choice(range(2015, 2026)), rng), rng.choice(TIMEZONES),
                              msgid=True, eightbit=rng.random() < 0.2, special=False,
                              attachment=attachment))
    return folders, specs


def profile_large1(rng):
    folders = [Folder("INBOX", 1)]
    return folders, [Spec("INBOX", 50 * MIB, "S", [], epoch(2024, rng), 60, msgid=True,
                          eightbit=False, special=False, attachment=True)]


def profile_folder20k(rng):
    """One folder of 20,000 small messages (many UID batches), beside a small one."""
    folders = [Folder("INBOX", 20000), Folder("Archive", 50)]
    specs = []
    for folder in folders:
        for _ in range(folder.count):
            specs.append(Spec(folder.name, rng.randint(600, 1600), random_flags(rng, 0.8), [],
                              epoch(rng.choice(range(2015, 2026)), rng), rng.choice(TIMEZONES),
                              msgid=rng.random() < 0.9, eightbit=False, special=False, attachment=False))
    return folders, specs


def profile_large21(rng):
    """One message of about 21 MiB (21.7 MB) beside two small ones."""
    folders = [Folder("INBOX", 3)]
    specs = [Spec("INBOX", 21 * MIB, "S", [], epoch(2025, rng), 60, msgid=True,
                  eightbit=False, special=False, attachment=True)]
    specs += [Spec("INBOX", 4 * KIB, "", [], epoch(2025, rng), 0, msgid=True,
                   eightbit=False, special=False, attachment=False) for _ in range(2)]
    return folders, specs


CHUNK = 5000
HUGE_FOLDERS = [f"Archive-{year}" for year in range(2006, 2026)]


def chunked_folders(profile, scale):
    """[Folder] of a chunked profile; `scale` multiplies every folder's message count (at least 1)."""
    if profile == "huge":
        return [Folder("INBOX", max(1, round(200000 * scale)))] + [
            Folder(name, max(1, round(2000 * scale)), subscribed=index % 4 != 3)
            for index, name in enumerate(HUGE_FOLDERS)]
    return [Folder("INBOX", 60), Folder("Sent", 25), Folder("Archive", 15)]   # fleet: 100 per mailbox


def chunk_plan(profile, scale):
    """[(folder, first index in the folder, count)]: the chunks, each generated on its own."""
    plan = []
    for folder in chunked_folders(profile, scale):
        for first in range(0, folder.count, CHUNK):
            plan.append((folder, first, min(CHUNK, folder.count - first)))
    return plan


LINE_POOL = []


def pooled_text_lines(rng, target_bytes, special):
    """Like text_lines, but consecutive lines of one shared pool from a random start: about 20 times
    faster, which matters at 200,000 messages; headers and start make each message unique."""
    if not LINE_POOL:
        pool_rng = random.Random("mailferry-corpus:line-pool")
        LINE_POOL.extend(text_lines(pool_rng, 256 * KIB, eightbit=False, special=False))
    lines, size, at = [], 0, rng.randrange(len(LINE_POOL))
    while size < target_bytes:
        line = LINE_POOL[at % len(LINE_POOL)]
        lines.append(line)
        size += len(line.encode()) + 2
        at += 1
    if special:
        lines[1:1] = [".", "..two dots", "From the desk of the CEO", ""]
    return lines


def generate_chunk(profile, seed, folder, first, count):
    """[(spec, canonical bytes)] of one chunk; deterministic from profile, seed, folder and position."""
    rng = random.Random(f"mailferry-corpus:{profile}:{seed}:{folder.name}:{first}")
    messages = []
    for offset in range(count):
        spec = Spec(folder.name, rng.randint(2 * KIB, 6 * KIB), random_flags(rng, 0.8), some_keywords(rng),
                    epoch(rng.choice(range(2006, 2026)), rng), rng.choice(TIMEZONES),
                    msgid=rng.random() < 0.97, eightbit=rng.random() < 0.1, special=rng.random() < 0.02,
                    attachment=False)
        messages.append((spec, build_message(rng, spec, first + offset, pooled_text_lines)))
    return messages


CHUNKED_PROFILES = ("huge", "fleet")

PROFILES = {"e2e": profile_e2e, "small": profile_small, "mixed": profile_mixed, "large1": profile_large1,
            "folder20k": profile_folder20k, "large21": profile_large21, "huge": None, "fleet": None}


def apportion(total, weights):
    counts = [total * w // sum(weights) for w in weights]
    counts[0] += total - sum(counts)
    return counts


# --- message bytes ----------------------------------------------------------------------------

def address(rng):
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    local = (first + "." + last).lower().encode("ascii", "ignore").decode().replace("'", "")
    display = f"{first} {last}"
    if not display.isascii() or "'" in display:
        display = "=?UTF-8?B?" + base64.b64encode(display.encode()).decode() + "?="
    return f"{display} <{local or 'user'}@{rng.choice(DOMAINS)}>"


def text_lines(rng, target_bytes, eightbit, special):
    """Paragraph text wrapped at 72 columns, about target_bytes long (CRLF counted)."""
    lines, size, line = [], 0, []
    words = rng.choices(BODY_WORDS, k=max(16, target_bytes // 5))
    if eightbit:
        for i in range(0, len(words), 7):
            words[i] = rng.choice(UNICODE_WORDS)
    width = 0
    for word in words:
        if width + len(word) > 72:
            text = " ".join(line)
            lines.append(text)
            size += len(text.encode()) + 2
            line, width = [], 0
            if size >= target_bytes:
                break
            if rng.random() < 0.12:
                lines.append("")
                size += 2
        line.append(word)
        width += len(word) + 1
    if special:
        # Lines a POP3/SMTP dot-stuffer or an mbox "From " quoter would have to get right.
        at = rng.randint(0, len(lines))
        lines[at:at] = [".", ".hidden line starting with a dot", "..two dots", "From the desk of the CEO",
                        ">From quoted already", "From: not a header", ""]
    return lines


def build_message(rng, spec, index, body_lines=text_lines):
    date = dt.datetime.fromtimestamp(spec.internaldate - rng.randint(2, 3600),
                                     dt.timezone(dt.timedelta(minutes=spec.tz)))
    subject = " ".join(rng.choices(SUBJECT_WORDS, k=rng.randint(2, 6))).capitalize()
    if spec.eightbit and rng.random() < 0.5:
        subject = "=?UTF-8?B?" + base64.b64encode(f"{subject} {rng.choice(UNICODE_WORDS)}".encode()).decode() + "?="
    headers = [
        f"Received: from mx{rng.randint(1, 9)}.example.net (mx.example.net [192.0.2.{rng.randint(1, 254)}])",
        f"\tby mail.example.org with ESMTPS id {rng.getrandbits(48):012X}; "
        + date.strftime("%a, %d %b %Y %H:%M:%S %z"),
        f"From: {address(rng)}",
        f"To: {address(rng)}",
    ]
    if rng.random() < 0.3:
        headers.append(f"Cc: {address(rng)}, {address(rng)}")
    headers += [f"Subject: {subject}", "Date: " + date.strftime("%a, %d %b %Y %H:%M:%S %z")]
    if spec.msgid:
        headers.append(f"Message-ID: <{rng.getrandbits(64):016x}.{index}@{rng.choice(DOMAINS)}>")
    headers.append("MIME-Version: 1.0")
    head_size = sum(len(h.encode()) + 2 for h in headers) + 200
    if not spec.attachment:
        headers += ["Content-Type: text/plain; charset=utf-8",
                    "Content-Transfer-Encoding: " + ("8bit" if spec.eightbit else "7bit")]
        body = (text_lines(rng, max(64, spec.size - head_size), spec.eightbit, spec.special)
                if body_lines is text_lines else body_lines(rng, max(64, spec.size - head_size), spec.special))
        lines = headers + [""] + body
    else:
        boundary = f"=_mf_{rng.getrandbits(64):016x}"
        headers.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
        text = text_lines(rng, 600, spec.eightbit, spec.special)
        payload_size = max(0, (spec.size - head_size - 900) * 3 // 4 * 76 // 78)
        blob = base64.encodebytes(rng.randbytes(payload_size)).decode("ascii").splitlines()
        lines = headers + ["", "This is a multi-part message in MIME format.", f"--{boundary}",
                           "Content-Type: text/plain; charset=utf-8",
                           "Content-Transfer-Encoding: " + ("8bit" if spec.eightbit else "7bit"), ""]
        lines += text
        lines += [f"--{boundary}", "Content-Type: application/octet-stream",
                  f'Content-Disposition: attachment; filename="data-{index}.bin"',
                  "Content-Transfer-Encoding: base64", ""]
        lines += blob
        lines += [f"--{boundary}--", ""]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def generate(profile, seed):
    """(folders, [(spec, canonical CRLF bytes)]) for a profile and seed; pure and deterministic."""
    rng = random.Random(f"mailferry-corpus:{profile}:{seed}")
    folders, specs = PROFILES[profile](rng)
    messages = []
    for index, spec in enumerate(specs):
        if spec.duplicate_of is not None:
            data = messages[spec.duplicate_of][1]
        else:
            data = build_message(rng, spec, index)
        messages.append((spec, data))
    return folders, messages


# --- new mail (bench's re-run after new mail) -------------------------------------------------

NEW_MAIL_SHARE = 0.01     # of the profile's INBOX count
NEW_MAIL_MINIMUM = 5
NEW_MAIL_FIRST = 10_000_000   # message index of the first new message: never one of the corpus's


def new_mail(profile, seed, scale=1.0):
    """[(spec, canonical bytes)]: mail that arrives after the corpus was migrated; pure and deterministic.

    1% of INBOX's count (at least 5) into INBOX and one message into the profile's first other
    folder (none when INBOX is its only folder), built by the profile's own generator (sizes, flags,
    keywords, dates, headers) from a random generator of their own, so they differ from every corpus
    message and are the same on every call."""
    if profile in CHUNKED_PROFILES:
        folders = chunked_folders(profile, scale)
        inbox_count = new_mail_count(folders[0].count)
        messages = generate_chunk(profile, seed, folders[0], NEW_MAIL_FIRST, inbox_count)
        if len(folders) > 1:
            messages += generate_chunk(profile, seed, folders[1], NEW_MAIL_FIRST, 1)
        return messages
    rng = random.Random(f"mailferry-corpus:{profile}:{seed}:new-mail")
    folders, specs = PROFILES[profile](rng)
    inbox_count = new_mail_count(folders[0].count)
    chosen = [spec for spec in specs if spec.folder == "INBOX"][:inbox_count]
    chosen += [spec for spec in specs if len(folders) > 1 and spec.folder == folders[1].name][:1]
    return [(spec, build_message(rng, spec, NEW_MAIL_FIRST + index)) for index, spec in enumerate(chosen)]


def new_mail_count(inbox_count):
    return max(NEW_MAIL_MINIMUM, round(inbox_count * NEW_MAIL_SHARE))


# --- Maildir++ writing ------------------------------------------------------------------------

class Writer:
    def __init__(self, root, owner):
        self.root = root
        self.owner = owner
        self.keywords = {}   # folder path -> {keyword: number}, as in its dovecot-keywords file

    def own(self, path):
        if self.owner is not None:
            os.chown(path, *self.owner)

    def mkdir(self, path):
        if not os.path.isdir(path):
            os.makedirs(path, exist_ok=True)
            self.own(path)

    def folder_dir(self, name):
        if name == "INBOX":
            return self.root
        levels = name.split("/")
        for level in levels:
            if "." in level or level == "":
                raise SystemExit(f"corpus: folder level {level!r} cannot be stored in Maildir++")
        return os.path.join(self.root, "." + ".".join(mutf7.encode(level) for level in levels))

    def ensure_folder(self, name):
        path = self.folder_dir(name)
        self.mkdir(self.root)
        self.mkdir(path)
        for sub in ("cur", "new", "tmp"):
            self.mkdir(os.path.join(path, sub))
        if name != "INBOX":
            marker = os.path.join(path, "maildirfolder")
            if not os.path.exists(marker):
                open(marker, "wb").close()
                self.own(marker)
        return path

    def keyword_letters(self, path, keywords):
        """Letters for keywords, extending the folder's dovecot-keywords file as needed."""
        if not keywords:
            return ""
        file = os.path.join(path, "dovecot-keywords")
        known = self.keywords.get(path)
        if known is not None and all(word in known for word in keywords):
            return "".join(sorted(chr(ord("a") + known[w]) for w in keywords))
        known = {}
        if os.path.exists(file):
            with open(file, encoding="utf-8") as f:
                for line in f:
                    number, _, word = line.rstrip("\n").partition(" ")
                    if number.isdigit() and word:
                        known[word] = int(number)
        changed = False
        for word in keywords:
            if word not in known:
                known[word] = max(known.values(), default=-1) + 1
                changed = True
        if max(known.values()) >= 26:
            raise SystemExit("corpus: more than 26 keywords in one folder")
        if changed:
            tmp = file + ".corpus-tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                for word, number in sorted(known.items(), key=lambda kv: kv[1]):
                    f.write(f"{number} {word}\n")
            self.own(tmp)
            os.replace(tmp, file)
        self.keywords[path] = known
        return "".join(sorted(chr(ord("a") + known[w]) for w in keywords))

    def add_message(self, path, unique, spec, data):
        stored = data.replace(b"\r\n", b"\n")
        letters = self.keyword_letters(path, spec.keywords)
        name = f"{spec.internaldate}.{unique},S={len(stored)},W={len(data)}:2,{spec.flags}{letters}"
        final = os.path.join(path, "cur", name)
        tmp = os.path.join(path, "tmp", name.split(":")[0])
        with open(tmp, "wb") as f:
            f.write(stored)
        self.own(tmp)
        os.utime(tmp, (spec.internaldate, spec.internaldate))
        os.rename(tmp, final)   # atomic: a running Dovecot never sees half a message

    def subscribe(self, names):
        file = os.path.join(self.root, "subscriptions")
        existing = []
        if os.path.exists(file):
            with open(file, encoding="utf-8") as f:
                lines = f.read().split("\n")
            if lines and lines[0].startswith("V\t"):
                lines = lines[2:]   # header line and the empty line after it
            existing = [line for line in lines if line]
        wanted = list(existing)
        for name in names:
            line = "\t".join(mutf7.encode(level) for level in name.split("/"))
            if line not in wanted:
                wanted.append(line)
        tmp = file + ".corpus-tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("V\t2\n\n" + "".join(line + "\n" for line in wanted))
        self.own(tmp)
        os.replace(tmp, file)


def seed_chunk(job):
    """Writes one chunk (in a worker process); returns (messages, bytes)."""
    root, owner, profile, seed, folder, first, count = job
    writer = Writer(root, owner)
    path = writer.folder_dir(folder.name)
    total = 0
    for offset, (spec, data) in enumerate(generate_chunk(profile, seed, folder, first, count)):
        writer.add_message(path, f"M{first + offset:06d}P{seed}.mailferry-corpus", spec, data)
        total += len(data)
    return count, total


def seed_chunked(args, root, owner):
    import multiprocessing
    folders = chunked_folders(args.profile, args.scale)
    writer = Writer(root, owner)
    for folder in folders:
        path = writer.ensure_folder(folder.name)
        writer.keyword_letters(path, ["$Forwarded", "NonJunk", "$Label1"])   # the file, before the workers
    jobs = [(root, owner, args.profile, args.seed, folder, first, count)
            for folder, first, count in chunk_plan(args.profile, args.scale)]
    if args.jobs > 1 and len(jobs) > 1:
        with multiprocessing.Pool(args.jobs) as pool:
            results = pool.map(seed_chunk, jobs, chunksize=1)
    else:
        results = [seed_chunk(job) for job in jobs]
    writer.subscribe(["INBOX"] + [f.name for f in folders if f.subscribed and f.name != "INBOX"])
    inbox = [result for job, result in zip(jobs, results) if job[4].name == "INBOX"]
    return (len(folders), sum(n for n, _ in results), sum(b for _, b in results),
            sum(n for n, _ in inbox), sum(b for _, b in inbox))


def seed(args):
    if len(args.maildir) != len(args.seed):
        raise SystemExit("corpus: give one --seed per --maildir")
    for maildir, number in zip(args.maildir, args.seed):
        seed_one(args, maildir, number)


def seed_one(args, maildir, number):
    args = argparse.Namespace(**dict(vars(args), maildir=maildir, seed=number))
    root = os.path.abspath(args.maildir)
    owner = None
    if args.owner:
        uid, _, gid = args.owner.partition(":")
        owner = (int(uid), int(gid or uid))
    elif os.geteuid() == 0 and os.path.isdir(root):
        st = os.stat(root)
        owner = (st.st_uid, st.st_gid)
    if args.profile in CHUNKED_PROFILES:
        report_seeded(args, root, *seed_chunked(args, root, owner))
        return
    folders, messages = generate(args.profile, args.seed)
    writer = Writer(root, owner)
    paths = {f.name: writer.ensure_folder(f.name) for f in folders}
    for index, (spec, data) in enumerate(messages):
        writer.add_message(paths[spec.folder], f"M{index:06d}P{args.seed}.mailferry-corpus", spec, data)
    writer.subscribe(["INBOX"] + [f.name for f in folders if f.subscribed and f.name != "INBOX"])
    inbox = [d for spec, d in messages if spec.folder == "INBOX"]
    report_seeded(args, root, len(folders), len(messages), sum(len(d) for _, d in messages), len(inbox),
                  sum(len(d) for d in inbox))


def report_seeded(args, root, folder_count, count, total, inbox_count, inbox_total):
    if args.json:
        print(json.dumps({"profile": args.profile, "seed": args.seed, "messages": count, "bytes": total,
                          "folders": folder_count, "inbox_messages": inbox_count, "inbox_bytes": inbox_total}),
              flush=True)
    elif not args.quiet:
        print(f"corpus: {args.profile} seed {args.seed}: {count} messages, "
              f"{total / MIB:.1f} MiB, {folder_count} folders -> {root}")


def describe(args):
    if args.profile in CHUNKED_PROFILES:
        folders = chunked_folders(args.profile, args.scale)
        messages = [m for folder, first, count in chunk_plan(args.profile, args.scale)
                    for m in generate_chunk(args.profile, args.seed, folder, first, count)]
    else:
        folders, messages = generate(args.profile, args.seed)
    per_folder = {}
    for spec, data in messages:
        entry = per_folder.setdefault(spec.folder, {"messages": 0, "bytes": 0})
        entry["messages"] += 1
        entry["bytes"] += len(data)
    print(json.dumps({
        "profile": args.profile, "seed": args.seed, "messages": len(messages),
        "bytes": sum(len(d) for _, d in messages),
        "sha256": hashlib.sha256(b"".join(hashlib.sha256(d).digest() for _, d in messages)).hexdigest(),
        "folders": {f.name: dict(per_folder.get(f.name, {"messages": 0, "bytes": 0}), subscribed=f.subscribed)
                    for f in folders},
    }, ensure_ascii=False, indent=2))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("seed", help="write a corpus into a Maildir++ root")
    s.add_argument("--maildir", required=True, action="append",
                   help="the user's Maildir root (INBOX's cur/ is in it); repeat with one --seed each")
    s.add_argument("--profile", required=True, choices=sorted(PROFILES))
    s.add_argument("--seed", required=True, type=int, action="append")
    s.add_argument("--owner", help="UID:GID for every file written (default: owner of the Maildir root when root)")
    s.add_argument("--quiet", action="store_true")
    s.add_argument("--json", action="store_true", help="print the figures written as one JSON line")
    s.add_argument("--scale", type=float, default=1.0, help="huge: multiplies every folder's size (default 1)")
    s.add_argument("--jobs", type=int, default=1, help="huge, fleet: processes writing chunks at once")
    d = sub.add_parser("describe", help="print the corpus figures as JSON, write nothing")
    d.add_argument("--profile", required=True, choices=sorted(PROFILES))
    d.add_argument("--seed", required=True, type=int)
    d.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    seed(args) if args.command == "seed" else describe(args)


if __name__ == "__main__":
    main()
