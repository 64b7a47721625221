#!/usr/bin/env python3
"""Compare two IMAP accounts exactly: per folder the multiset of (sha256 of BODY[], flags, INTERNALDATE),
plus the folder set and the subscriptions.

    scripts/compare-mailboxes.py --a HOST:PORT:USER:PASSWORD[:tls|starttls|plain[:CAFILE]]
                                 --b HOST:PORT:USER:PASSWORD[:tls|starttls|plain[:CAFILE]]
                                 [--a-password-env NAME] [--b-password-env NAME]
                                 [--map SRC=DST]... [--skip-deleted] [--no-subscriptions]
                                 [--folder NAME]... [--content-only] [--details N] [--json]

Stdlib only (imaplib, ssl, hashlib) and independent of mailferry's Swift code: it judges mailferry.
Read-only on both sides (EXAMINE, BODY.PEEK[], LSUB).

Folder names are normalized before comparing: the personal namespace prefix is removed (Courier's
`INBOX.`), levels are split at the server's delimiter and joined with "/", modified UTF-7 is decoded;
INBOX is case-insensitive. `--map SRC=DST` renames A's folder SRC (and its subfolders) to DST before
comparing, as a job's `translate` would. Folders that are \\Noselect or \\NonExistent are not folders.

A message is (sha256 of BODY[], sorted flags without \\Recent, INTERNALDATE as an instant). Unmatched
messages are paired by content to tell apart: flag mismatches, date mismatches, altered bytes (same
message with an `X-TUID:` header added, as mbsync does), missing in B, and extra in B (duplicates:
extra copies of a message A has).

With PASSWORD empty, --a-password-env / --b-password-env name the environment variable holding it,
so that tests keep passwords off the command line (and a password may then contain ':').

`--folder NAME` compares only that folder (after --map) on both sides, and neither the folder set nor
the subscriptions; `--content-only` compares bytes only (a message is its sha256), for a source that
has no flags or INTERNALDATE to carry, such as a POP3 maildrop read into IMAP.

Exit codes: 0 identical; 1 differences; 2 usage, connection or login error.
"""

import argparse
import collections
import datetime as dt
import email.errors
import email.header
import hashlib
import imaplib
import json
import os
import re
import socket
import ssl
import sys
import threading

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "mailtools"))
import mutf7  # noqa: E402

SYSTEM_FLAGS = {f.lower(): f for f in ("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft")}
MONTHS = {m: i + 1 for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}
BATCH_BYTES = 32 * 1024 * 1024
BATCH_COUNT = 500


class CompareError(Exception):
    pass


class Account:
    def __init__(self, spec, password_env, label):
        self.label = label
        host, rest = split_host(spec)
        fields = rest.split(":")
        if len(fields) < 3:
            raise CompareError(f"--{label} needs HOST:PORT:USER:PASSWORD[:MODE[:CAFILE]]")
        self.host = host
        try:
            self.port = int(fields[0])
        except ValueError:
            raise CompareError(f"--{label}: port {fields[0]!r} is not a number")
        self.user = fields[1]
        self.password = fields[2]
        self.mode = fields[3] if len(fields) > 3 and fields[3] else "tls"
        self.cafile = ":".join(fields[4:]) or None
        if password_env:
            if password_env not in os.environ:
                raise CompareError(f"--{label}-password-env: environment variable {password_env} is not set")
            self.password = os.environ[password_env]
        if self.mode not in ("tls", "starttls", "plain"):
            raise CompareError(f"--{label}: mode must be tls, starttls or plain, not {self.mode!r}")

    def describe(self):
        return f"{self.user}@{self.host}:{self.port} ({self.mode})"

    def connect(self):
        try:
            if self.mode == "tls":
                conn = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=self.tls_context(), timeout=300)
            else:
                conn = imaplib.IMAP4(self.host, self.port, timeout=300)
                if self.mode == "starttls":
                    conn.starttls(ssl_context=self.tls_context())
            conn.login(self.user, self.password)
        except (OSError, ssl.SSLError, imaplib.IMAP4.error) as error:
            raise CompareError(f"{self.label}: {self.describe()}: {error}")
        return conn

    def tls_context(self):
        context = ssl.create_default_context(cafile=self.cafile)
        return context


def split_host(spec):
    if spec.startswith("["):
        end = spec.find("]:")
        if end < 0:
            raise CompareError(f"bad IPv6 host in {spec.split(':')[0]!r}")
        return spec[1:end], spec[end + 2:]
    host, _, rest = spec.partition(":")
    return host, rest


# --- IMAP response parsing --------------------------------------------------------------------

QUOTED = rb'"(?:\\.|[^"\\])*"'


def unquote(token):
    if token.startswith(b'"'):
        return re.sub(rb'\\(.)', rb'\1', token[1:-1])
    return token


def parse_list(data):
    """LIST/LSUB data from imaplib -> [(attributes lowercased, delimiter or None, raw name bytes)]."""
    result = []
    for item in data:
        if item is None:
            continue
        if isinstance(item, tuple):   # name sent as a literal
            head, literal = item
            m = re.match(rb'^\(([^)]*)\) (' + QUOTED + rb'|NIL) \{\d+\}$', head)
            if not m:
                raise CompareError(f"cannot parse LIST response {head!r}")
            result.append((m.group(1).decode().lower().split(), delimiter(m.group(2)), literal))
            continue
        if item == b")":
            continue
        m = re.match(rb'^\(([^)]*)\) (' + QUOTED + rb'|NIL) (.*)$', item)
        if not m:
            raise CompareError(f"cannot parse LIST response {item!r}")
        result.append((m.group(1).decode().lower().split(), delimiter(m.group(2)), unquote(m.group(3))))
    return result


def delimiter(token):
    return None if token == b"NIL" else unquote(token).decode()


def parse_namespace(data):
    """Personal namespace prefix and delimiter from a NAMESPACE response ('' and None if none)."""
    text = data[0] if data else b""
    m = re.match(rb'^\(\((' + QUOTED + rb') (' + QUOTED + rb'|NIL)', text or b"")
    if not m:
        return "", None
    return unquote(m.group(1)).decode(), delimiter(m.group(2))


def parse_fetch(data):
    """FETCH data from imaplib -> [{'text': non-literal bytes, 'literals': [(head, bytes)]}]."""
    messages = []
    current = None
    for item in data:
        if item is None:
            continue
        head = item[0] if isinstance(item, tuple) else item
        if re.match(rb'^\d+ \(', head):
            current = {"text": b"", "literals": []}
            messages.append(current)
        if current is None:
            raise CompareError(f"unexpected FETCH data {head[:80]!r}")
        current["text"] += head
        if isinstance(item, tuple):
            current["literals"].append(item)
    return messages


def parse_internaldate(text):
    m = re.match(r'^\s*(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$', text)
    if not m:
        raise CompareError(f"cannot parse INTERNALDATE {text!r}")
    day, month, year, hh, mm, ss, sign, tzh, tzm = m.groups()
    offset = dt.timedelta(hours=int(tzh), minutes=int(tzm)) * (1 if sign == "+" else -1)
    when = dt.datetime(int(year), MONTHS[month.capitalize()], int(day), int(hh), int(mm), int(ss),
                       tzinfo=dt.timezone(offset))
    return int(when.timestamp())


def normalize_flags(text):
    flags = []
    for flag in text.split():
        lower = flag.lower()
        if lower == "\\recent":
            continue
        flags.append(SYSTEM_FLAGS.get(lower, flag))
    return tuple(sorted(flags))


def content_hashes(body):
    """(sha256 of the bytes, sha256 with X-TUID header lines removed): the second matches an mbsync copy."""
    sha = hashlib.sha256(body).hexdigest()
    end = body.find(b"\r\n\r\n")
    header = body[: end + 2] if end >= 0 else body
    if b"x-tuid:" not in header.lower():
        return sha, sha
    lines = header.split(b"\r\n")
    kept, skipping = [], False
    for line in lines:
        if line[:7].lower() == b"x-tuid:":
            skipping = True
            continue
        if skipping and line[:1] in (b" ", b"\t"):
            continue
        skipping = False
        kept.append(line)
    stripped = b"\r\n".join(kept) + (body[end + 2:] if end >= 0 else b"")
    return sha, hashlib.sha256(stripped).hexdigest()


# --- reading one account ----------------------------------------------------------------------

def quote_mailbox(raw):
    return '"' + raw.decode("ascii", "surrogateescape").replace("\\", "\\\\").replace('"', '\\"') + '"'


def normalize_name(raw, prefix, delim):
    name = raw.decode("utf-8", "surrogateescape")
    if name.upper() == "INBOX":
        return "INBOX"
    if prefix and name.startswith(prefix):
        name = name[len(prefix):]
    levels = name.split(delim) if delim else [name]
    try:
        levels = [mutf7.decode(level) for level in levels]
    except (ValueError, UnicodeDecodeError):
        pass   # not valid modified UTF-7: compare the raw name
    if levels and levels[0].upper() == "INBOX" and len(levels) == 1:
        return "INBOX"
    return "/".join(levels)


def read_account(account, skip_deleted, with_subscriptions):
    conn = account.connect()
    try:
        prefix, delim = "", None
        try:   # imaplib keeps the pre-login capabilities, which need not list NAMESPACE: just ask
            typ, data = conn.namespace()
            if typ == "OK":
                prefix, delim = parse_namespace(data)
        except imaplib.IMAP4.error:
            pass
        typ, data = conn.list('""', '"*"')
        if typ != "OK":
            raise CompareError(f"{account.label}: LIST failed: {data}")
        folders = {}
        for attributes, folder_delim, raw in parse_list(data):
            if "\\noselect" in attributes or "\\nonexistent" in attributes:
                continue
            name = normalize_name(raw, prefix, folder_delim or delim)
            folders[name] = read_folder(conn, account, raw, skip_deleted)
        subscriptions = None
        if with_subscriptions:
            typ, data = conn.lsub('""', '"*"')
            if typ != "OK":
                raise CompareError(f"{account.label}: LSUB failed: {data}")
            subscriptions = {normalize_name(raw, prefix, d or delim) for _, d, raw in parse_list(data)}
        return folders, subscriptions
    finally:
        try:
            conn.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


def read_folder(conn, account, raw, skip_deleted):
    typ, data = conn.select(quote_mailbox(raw), readonly=True)
    if typ != "OK":
        raise CompareError(f"{account.label}: EXAMINE {raw!r} failed: {data}")
    if int(data[0] or 0) == 0:
        return []
    typ, data = conn.uid("FETCH", "1:*", "(UID RFC822.SIZE)")
    if typ != "OK":
        raise CompareError(f"{account.label}: UID FETCH sizes in {raw!r} failed: {data}")
    sizes = []
    for message in parse_fetch(data):
        uid = re.search(rb'UID (\d+)', message["text"])
        size = re.search(rb'RFC822\.SIZE (\d+)', message["text"])
        if uid and size:
            sizes.append((int(uid.group(1)), int(size.group(1))))
    messages = []
    batch, batch_bytes = [], 0
    for uid, size in sizes + [(None, 0)]:
        if batch and (uid is None or batch_bytes + size > BATCH_BYTES or len(batch) >= BATCH_COUNT):
            messages += fetch_batch(conn, account, raw, batch, skip_deleted)
            batch, batch_bytes = [], 0
        if uid is not None:
            batch.append(uid)
            batch_bytes += size
    return messages


def fetch_batch(conn, account, raw, uids, skip_deleted):
    typ, data = conn.uid("FETCH", ",".join(map(str, uids)), "(UID FLAGS INTERNALDATE BODY.PEEK[])")
    if typ != "OK":
        raise CompareError(f"{account.label}: UID FETCH in {raw!r} failed: {data}")
    result = []
    answered = set()
    for message in parse_fetch(data):
        text = message["text"]
        flags = re.search(rb'FLAGS \(([^)]*)\)', text)
        date = re.search(rb'INTERNALDATE "([^"]+)"', text)
        body = next((lit for head, lit in message["literals"] if re.search(rb'BODY\[\](<0>)? \{\d+\+?\}$', head)), None)
        if flags is None or date is None or body is None:
            continue   # an unsolicited FETCH (flag update) without the items we asked for
        uid = re.search(rb'UID (\d+)', text)
        if uid:
            answered.add(int(uid.group(1)))
        flag_tuple = normalize_flags(flags.group(1).decode("utf-8", "surrogateescape"))
        if skip_deleted and "\\Deleted" in flag_tuple:
            continue
        sha, normalized = content_hashes(body)
        result.append({"sha": sha, "norm": normalized, "flags": flag_tuple,
                       "date": parse_internaldate(date.group(1).decode()),
                       "subject_raw": raw_subject(body)})
    # A message whose body did not come back is an error, never "equal": both sides failing alike
    # must not look like both sides holding the same message.
    unanswered = sorted(set(uids) - answered)
    if unanswered:
        raise CompareError(f"{account.label}: UID FETCH in {raw!r} returned no BODY[] for UIDs {unanswered[:10]}")
    return result


def raw_subject(body):
    """The Subject line's bytes; decoded only for a difference that is reported (subject_of)."""
    found = re.search(rb'(?im)^Subject: ?(.*)$', body[: body.find(b"\r\n\r\n") + 2])
    return found.group(1) if found else b""


def subject_of(message):
    """The decoded Subject, for the report only."""
    raw = message["subject_raw"].decode("utf-8", "replace").strip()
    if not raw:
        return ""
    try:
        return str(email.header.make_header(email.header.decode_header(raw)))[:60]
    except (ValueError, LookupError, email.errors.HeaderParseError):
        return raw[:60]


# --- comparing --------------------------------------------------------------------------------

CONTENT_ONLY = False   # --content-only: flags and INTERNALDATE are not part of a message


def key(m):
    return (m["sha"],) if CONTENT_ONLY else (m["sha"], m["flags"], m["date"])


def compare_folder(a_messages, b_messages):
    a_count = collections.Counter(key(m) for m in a_messages)
    b_count = collections.Counter(key(m) for m in b_messages)
    a_left_keys = a_count - b_count
    b_left_keys = b_count - a_count
    by_key_a = {key(m): m for m in a_messages}
    by_key_b = {key(m): m for m in b_messages}
    a_left = [by_key_a[k] for k, n in a_left_keys.items() for _ in range(n)]
    b_left = [by_key_b[k] for k, n in b_left_keys.items() for _ in range(n)]
    result = {"a": len(a_messages), "b": len(b_messages), "matched": sum((a_count & b_count).values()),
              "missing": 0, "extra": 0, "duplicates": 0, "altered": 0, "flag_mismatches": 0,
              "date_mismatches": 0, "details": []}
    groups = collections.defaultdict(lambda: ([], []))
    for m in a_left:
        groups[m["norm"]][0].append(m)
    for m in b_left:
        groups[m["norm"]][1].append(m)
    a_norms = {m["norm"] for m in a_messages}
    for norm, (a_list, b_list) in sorted(groups.items()):
        # Pair the most similar first: same bytes, then same date, then same flags.
        pairs = sorted(((4 * (x["sha"] == y["sha"]) + 2 * (x["date"] == y["date"]) + (x["flags"] == y["flags"]), i, j)
                        for i, x in enumerate(a_list) for j, y in enumerate(b_list)), reverse=True)
        used_a, used_b = set(), set()
        for _, i, j in pairs:
            if i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            x, y = a_list[i], b_list[j]
            what = []
            if x["sha"] != y["sha"]:
                result["altered"] += 1
                what.append("bytes differ (X-TUID header)")
            if x["flags"] != y["flags"] and not CONTENT_ONLY:
                result["flag_mismatches"] += 1
                what.append(f"flags {' '.join(x['flags']) or '-'} -> {' '.join(y['flags']) or '-'}")
            if x["date"] != y["date"] and not CONTENT_ONLY:
                result["date_mismatches"] += 1
                what.append(f"INTERNALDATE {iso(x['date'])} -> {iso(y['date'])}")
            result["details"].append({"kind": "changed", "sha256": x["sha"], "subject": subject_of(x), "what": what})
        for i, x in enumerate(a_list):
            if i not in used_a:
                result["missing"] += 1
                result["details"].append({"kind": "missing", "sha256": x["sha"], "subject": subject_of(x),
                                          "what": [f"flags {' '.join(x['flags']) or '-'}, {iso(x['date'])}"]})
        for j, y in enumerate(b_list):
            if j not in used_b:
                result["extra"] += 1
                duplicate = norm in a_norms
                result["duplicates"] += duplicate
                result["details"].append({"kind": "duplicate" if duplicate else "extra", "sha256": y["sha"],
                                          "subject": subject_of(y),
                                          "what": [f"flags {' '.join(y['flags']) or '-'}, {iso(y['date'])}"]})
    return result


def iso(epoch_seconds):
    return dt.datetime.fromtimestamp(epoch_seconds, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def apply_map(name, mapping):
    for source, destination in mapping:
        if name == source or name.startswith(source + "/"):
            return destination + name[len(source):]
    return name


def compare(a_data, b_data, mapping, only=None):
    a_folders, a_subs = a_data
    b_folders, b_subs = b_data
    mapped = {}
    for name, messages in a_folders.items():
        mapped.setdefault(apply_map(name, mapping), []).extend(messages)
    if only:
        mapped = {name: mapped.get(name, []) for name in only}
        b_folders = {name: b_folders.get(name, []) for name in only}
        a_subs = b_subs = None
    report = {"folders": {}, "folders_missing": sorted(set(mapped) - set(b_folders)),
              "folders_extra": sorted(set(b_folders) - set(mapped))}
    totals = collections.Counter()
    for name in sorted(set(mapped) | set(b_folders)):
        result = compare_folder(mapped.get(name, []), b_folders.get(name, []))
        report["folders"][name] = result
        for field in ("a", "b", "matched", "missing", "extra", "duplicates", "altered", "flag_mismatches",
                      "date_mismatches"):
            totals[field] += result[field]
    report["totals"] = dict(totals, folders_a=len(mapped), folders_b=len(b_folders),
                            folders_compared=len(set(mapped) & set(b_folders)))
    if a_subs is not None and b_subs is not None:
        a_subs_mapped = {apply_map(n, mapping) for n in a_subs}
        report["subscriptions"] = {"a": len(a_subs_mapped), "b": len(b_subs),
                                   "missing": sorted(a_subs_mapped - b_subs), "extra": sorted(b_subs - a_subs_mapped)}
    t = report["totals"]
    report["identical"] = (not report["folders_missing"] and not report["folders_extra"]
                           and all(t[f] == 0 for f in ("missing", "extra", "altered", "flag_mismatches", "date_mismatches"))
                           and (not report.get("subscriptions") or
                                (not report["subscriptions"]["missing"] and not report["subscriptions"]["extra"])))
    return report


def print_report(report, a, b, details_limit):
    t = report["totals"]
    print(f"A: {a.describe()}")
    print(f"B: {b.describe()}")
    print(f"folders: {t['folders_a']} in A, {t['folders_b']} in B, {t['folders_compared']} compared, "
          f"{len(report['folders_missing'])} missing in B, {len(report['folders_extra'])} extra in B")
    for name in report["folders_missing"]:
        print(f"  missing folder: {name}")
    for name in report["folders_extra"]:
        print(f"  extra folder:   {name}")
    print(f"messages: {t['a']} in A, {t['b']} in B, {t['matched']} identical")
    print(f"missing {t['missing']}, extra {t['extra']} (duplicates {t['duplicates']}), "
          f"bytes altered {t['altered']}, flag mismatches {t['flag_mismatches']}, "
          f"date mismatches {t['date_mismatches']}")
    subs = report.get("subscriptions")
    if subs:
        print(f"subscriptions: {subs['a']} in A, {subs['b']} in B, {len(subs['missing'])} missing, "
              f"{len(subs['extra'])} extra")
        for name in subs["missing"][:details_limit]:
            print(f"  not subscribed in B: {name}")
        for name in subs["extra"][:details_limit]:
            print(f"  subscribed only in B: {name}")
    shown = 0
    for name, result in report["folders"].items():
        differences = result["details"]
        if not differences:
            continue
        print(f"  {name}: A {result['a']}, B {result['b']}: missing {result['missing']}, extra {result['extra']} "
              f"(duplicates {result['duplicates']}), altered {result['altered']}, flags {result['flag_mismatches']}, "
              f"dates {result['date_mismatches']}")
        for item in differences:
            if shown >= details_limit:
                break
            shown += 1
            print(f"    {item['kind']}: {item['sha256'][:12]} \"{item['subject']}\": {'; '.join(item['what'])}")
    if shown >= details_limit:
        print(f"  (details limited to {details_limit}; --details N shows more)")
    print("IDENTICAL" if report["identical"] else "DIFFERENT")


def main():
    parser = argparse.ArgumentParser(description="Compare two IMAP accounts exactly (read-only).",
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--a", required=True, metavar="HOST:PORT:USER:PASSWORD[:MODE[:CAFILE]]")
    parser.add_argument("--b", required=True, metavar="HOST:PORT:USER:PASSWORD[:MODE[:CAFILE]]")
    parser.add_argument("--a-password-env", metavar="NAME")
    parser.add_argument("--b-password-env", metavar="NAME")
    parser.add_argument("--map", action="append", default=[], metavar="SRC=DST",
                        help="rename A's folder SRC (and its subfolders) to DST before comparing")
    parser.add_argument("--skip-deleted", action="store_true", help="ignore messages flagged \\Deleted on both sides")
    parser.add_argument("--no-subscriptions", action="store_true", help="do not compare subscriptions")
    parser.add_argument("--folder", action="append", default=[], metavar="NAME",
                        help="compare only this folder (after --map); no folder set, no subscriptions")
    parser.add_argument("--content-only", action="store_true",
                        help="compare bytes only, not flags or INTERNALDATE (a POP3 source has neither)")
    parser.add_argument("--details", type=int, default=20, metavar="N", help="differences listed (default 20)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    global CONTENT_ONLY
    CONTENT_ONLY = args.content_only
    try:
        a = Account(args.a, args.a_password_env, "a")
        b = Account(args.b, args.b_password_env, "b")
        mapping = []
        for item in args.map:
            source, sep, destination = item.partition("=")
            if not sep or not source or not destination:
                raise CompareError(f"--map needs SRC=DST, got {item!r}")
            mapping.append((source.strip("/"), destination.strip("/")))
        results, errors = {}, []

        def run(label, account):
            try:
                results[label] = read_account(account, args.skip_deleted, not args.no_subscriptions)
            except CompareError as error:
                errors.append(str(error))
            except (OSError, imaplib.IMAP4.error, socket.timeout) as error:
                errors.append(f"{label}: {account.describe()}: {error}")

        threads = [threading.Thread(target=run, args=(label, acc)) for label, acc in (("a", a), ("b", b))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise CompareError("; ".join(sorted(errors)))
        only = ["INBOX" if name.upper() == "INBOX" else name.strip("/") for name in args.folder]
        report = compare(results["a"], results["b"], mapping, only)
    except CompareError as error:
        print(f"compare-mailboxes: error: {error}", file=sys.stderr)
        sys.exit(2)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_report(report, a, b, args.details)
    sys.exit(0 if report["identical"] else 1)


if __name__ == "__main__":
    main()
