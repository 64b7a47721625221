#!/usr/bin/env bash
# Self-test of the Swift-independent judging tools (scripts/corpus.py, scripts/compare-mailboxes.py)
# against real Dovecot servers; mailferry itself is not involved.
#
#   scripts/test-tools.sh            (needs root and Dovecot; servers on 127.0.0.1, storage on /dev/shm)
#
# Seeds the same `e2e` corpus into three accounts (two on a `/` namespace server, one on a Courier-style
# `INBOX.` server) and checks that compare-mailboxes.py
#   1. finds an account identical to itself, to its twin, and to its Courier-namespace twin;
#   2. finds identical a fourth account filled over IMAP only (CREATE, SUBSCRIBE, APPEND with flags and
#      INTERNALDATE, a reference copier in a few lines of imaplib), and that Dovecot's own subscriptions
#      file for it has the same lines as the one corpus.py wrote: the on-disk format is right;
#   3. reports exactly the differences made on the twin: one message file deleted (missing 1), one flag
#      changed (flag mismatches 1), one message appended a second time (duplicates 1), one folder
#      unsubscribed (subscriptions missing 1), one folder renamed (then found again with --map).
# Exit 0 when every check holds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DOVECOT_SERVER=${DOVECOT_SERVER:-$ROOT/scripts/dovecot-server}
CORPUS="python3 $ROOT/scripts/corpus.py"
COMPARE="python3 $ROOT/scripts/compare-mailboxes.py"
WORK=$(mktemp -d /dev/shm/mf-tools-XXXXXX)
chmod 0755 "$WORK"   # the servers' auth and mail processes must reach their directories
FAILURES=0
STARTED=()

cleanup() {
    local dir
    for dir in "${STARTED[@]+"${STARTED[@]}"}"; do "$DOVECOT_SERVER" stop "$dir" >/dev/null 2>&1 || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# start DIR ARGS... -> sets PORT (imaps); retries on a busy port (exit code 3).
start_server() {
    local dir=$1 attempt rc
    shift
    for attempt in 1 2 3 4 5; do
        PORT=$((20000 + RANDOM % 20000))
        rc=0
        "$DOVECOT_SERVER" start "$dir" --imaps "$PORT" --no-pop3 "$@" >/dev/null || rc=$?
        if [ $rc -eq 0 ]; then STARTED+=("$dir"); return; fi
        [ $rc -eq 3 ] || { echo "test-tools: dovecot-server start failed ($rc)"; exit 1; }
        rm -f "$dir/server.env"
    done
    echo "test-tools: no free port"; exit 1
}

check() {   # check DESCRIPTION EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then echo "ok   - $1"; else echo "FAIL - $1: expected $2, got $3"; FAILURES=$((FAILURES + 1)); fi
}

export PW_ONE=one-pw PW_TWO=two-pw PW_THREE=three-pw
export PW_FOUR=four-pw
start_server "$WORK/plain" --user one:$PW_ONE --user two:$PW_TWO --user four:$PW_FOUR
PLAIN_PORT=$PORT
start_server "$WORK/courier" --user three:$PW_THREE --namespace courier
COURIER_PORT=$PORT
CA=$(sed -n 's/^ca_file=//p' "$WORK/plain/server.env")

$CORPUS seed --maildir "$WORK/plain/mail/one/Maildir" --profile e2e --seed 7
$CORPUS seed --maildir "$WORK/plain/mail/two/Maildir" --profile e2e --seed 7 --quiet
$CORPUS seed --maildir "$WORK/courier/mail/three/Maildir" --profile e2e --seed 7 --quiet

ONE="--a 127.0.0.1:$PLAIN_PORT:one::tls:$CA --a-password-env PW_ONE"
TWO="--b 127.0.0.1:$PLAIN_PORT:two::tls:$CA --b-password-env PW_TWO"
THREE="--b 127.0.0.1:$COURIER_PORT:three::tls:$CA --b-password-env PW_THREE"

# figure JSON_FILE EXPRESSION  (EXPRESSION over `r`, the report)
figure() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1"; }

echo "== 1. the account against itself"
rc=0; $COMPARE $ONE --b "127.0.0.1:$PLAIN_PORT:one::tls:$CA" --b-password-env PW_ONE || rc=$?
check "itself: exit 0" 0 $rc

echo "== 2. the account against its twin (same seed)"
rc=0; $COMPARE $ONE $TWO --json >"$WORK/twin.json" || rc=$?
check "twin: exit 0" 0 $rc
check "twin: 149 messages identical" "149 149" "$(figure "$WORK/twin.json" 'r["totals"]["a"], r["totals"]["matched"]' | tr -d '(),')"
check "twin: 17 folders compared" 17 "$(figure "$WORK/twin.json" 'r["totals"]["folders_compared"]')"

echo "== 3. against the Courier-namespace twin (INBOX. prefix, '.' delimiter)"
rc=0; $COMPARE $ONE $THREE || rc=$?
check "courier twin: exit 0" 0 $rc

echo "== 4. an account filled over IMAP only (reference copy of one into four)"
python3 - "$PLAIN_PORT" "$CA" <<'PY'
import imaplib, os, re, ssl, sys
port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=ca)
src = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ctx); src.login("one", os.environ["PW_ONE"])
dst = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ctx); dst.login("four", os.environ["PW_FOUR"])
def quote(name): return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
def names(data):
    for line in data:
        m = re.match(rb'^\(([^)]*)\) "/" (.*)$', line)
        raw = m.group(2)
        if raw.startswith(b'"'): raw = re.sub(rb'\\(.)', rb'\1', raw[1:-1])
        yield m.group(1), raw.decode()
subscribed = {n for _, n in names(src.lsub('""', '"*"')[1])}
copied = 0
for attributes, name in names(src.list('""', '"*"')[1]):
    if b"\\Noselect" in attributes: continue
    if name != "INBOX": dst.create(quote(name))
    typ, count = src.select(quote(name), readonly=True)
    if int(count[0]) == 0: continue
    typ, data = src.fetch("1:*", "(FLAGS INTERNALDATE BODY.PEEK[])")
    for item in data:
        if not isinstance(item, tuple): continue
        head, body = item
        flags = re.search(rb"FLAGS \(([^)]*)\)", head).group(1).decode().replace("\\Recent", "").split()
        date = '"' + re.search(rb'INTERNALDATE "([^"]+)"', head).group(1).decode() + '"'
        assert dst.append(quote(name), "(" + " ".join(flags) + ")", date, body)[0] == "OK"
        copied += 1
for name in sorted(subscribed):
    assert dst.subscribe(quote(name))[0] == "OK", name
print(f"reference copy: {copied} messages, {len(subscribed)} subscriptions")
PY
rc=0; $COMPARE $ONE --b "127.0.0.1:$PLAIN_PORT:four::tls:$CA" --b-password-env PW_FOUR || rc=$?
check "reference copy over IMAP: exit 0 (identical)" 0 $rc
corpus_subs=$(sort "$WORK/plain/mail/one/Maildir/subscriptions" | tr '\n' '|')
dovecot_subs=$(sort "$WORK/plain/mail/four/Maildir/subscriptions" | tr '\n' '|')
check "subscriptions file from corpus.py has the lines Dovecot writes" "$dovecot_subs" "$corpus_subs"
check "subscriptions file starts with V<TAB>2 and an empty line" "V	2||" "$(head -n 2 "$WORK/plain/mail/four/Maildir/subscriptions" | tr '\n' '|')"

echo "== 5. differences made on the twin"
# Delete one message file of Work/Projects/2024 (the first in name order) behind Dovecot's back.
victim=$(ls "$WORK/plain/mail/two/Maildir/.Work.Projects.2024/cur" | sort | head -n 1)
rm "$WORK/plain/mail/two/Maildir/.Work.Projects.2024/cur/$victim"
python3 - "$PLAIN_PORT" "$CA" <<'EOF'
import imaplib, os, ssl, sys
port, ca = int(sys.argv[1]), sys.argv[2]
c = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ssl.create_default_context(cafile=ca))
c.login("two", os.environ["PW_TWO"])
c.select("Sent")
# One flag changed: \Flagged toggled on message 1 of Sent.
typ, data = c.fetch("1", "(UID FLAGS)")
flagged = b"\\Flagged" in data[0]
c.store("1", "-FLAGS.SILENT" if flagged else "+FLAGS.SILENT", "(\\Flagged)")
# One duplicate: INBOX message 1 appended again with its own flags and date.
c.select("INBOX", readonly=True)
typ, data = c.fetch("1", "(FLAGS INTERNALDATE BODY.PEEK[])")
head, body = data[0]
import re
flags = re.search(rb"FLAGS \(([^)]*)\)", head).group(1).decode().replace("\\Recent", "").split()
date = '"' + re.search(rb'INTERNALDATE "([^"]+)"', head).group(1).decode() + '"'
print("append:", c.append("INBOX", "(" + " ".join(flags) + ")", date, body)[0])
# One folder unsubscribed, one folder renamed.
print("unsubscribe:", c.unsubscribe("Junk")[0])
print("rename:", c.rename('"With Space &- More"', '"Renamed"')[0])
c.logout()
EOF
rc=0; $COMPARE $ONE $TWO --details 10 || rc=$?
rc=0; $COMPARE $ONE $TWO --json >"$WORK/diff.json" || rc=$?
check "changed twin: exit 1" 1 $rc
check "missing 1 in Work/Projects/2024 (the deleted file), 5 in the renamed folder" "6 1 5" \
    "$(figure "$WORK/diff.json" 'r["totals"]["missing"], r["folders"]["Work/Projects/2024"]["missing"], r["folders"]["With Space & More"]["missing"]' | tr -d '(),')"
check "flag mismatches 1, in Sent" "1 1" \
    "$(figure "$WORK/diff.json" 'r["totals"]["flag_mismatches"], r["folders"]["Sent"]["flag_mismatches"]' | tr -d '(),')"
check "duplicates 1 in INBOX, extra 5 in Renamed" "6 1 1 5" \
    "$(figure "$WORK/diff.json" 'r["totals"]["extra"], r["totals"]["duplicates"], r["folders"]["INBOX"]["duplicates"], r["folders"]["Renamed"]["extra"]' | tr -d '(),')"
check "no date mismatch, no altered bytes" "0 0" \
    "$(figure "$WORK/diff.json" 'r["totals"]["date_mismatches"], r["totals"]["altered"]' | tr -d '(),')"
check "folder renamed: missing With Space & More, extra Renamed" "['With Space & More'] ['Renamed']" \
    "$(figure "$WORK/diff.json" 'r["folders_missing"], r["folders_extra"]')"
# Dovecot keeps the old name's subscription on RENAME and does not subscribe the new name.
check "subscriptions: Junk missing" "['Junk'] []" \
    "$(figure "$WORK/diff.json" 'r["subscriptions"]["missing"], r["subscriptions"]["extra"]')"

echo "== 6. --map finds the renamed folder again"
rc=0; $COMPARE $ONE $TWO --map "With Space & More=Renamed" --details 10 || rc=$?
rc=0; $COMPARE $ONE $TWO --map "With Space & More=Renamed" --json >"$WORK/map.json" || rc=$?
check "--map: no folder differences" "[] []" "$(figure "$WORK/map.json" 'r["folders_missing"], r["folders_extra"]')"
check "--map: exactly the 3 differences made (missing, flag, duplicate)" "1 1 1 1 149" \
    "$(figure "$WORK/map.json" 'r["totals"]["missing"], r["totals"]["flag_mismatches"], r["totals"]["extra"], r["totals"]["duplicates"], r["totals"]["b"]' | tr -d '(),')"

echo "== 7. a wrong password is an error (exit 2), not a difference"
rc=0; PW_BAD=nope $COMPARE $ONE --b "127.0.0.1:$PLAIN_PORT:two::tls:$CA" --b-password-env PW_BAD 2>"$WORK/err.txt" || rc=$?
check "wrong password: exit 2" 2 $rc
check "the error does not show the password" 0 "$(grep -c nope "$WORK/err.txt" || true)"

if [ $FAILURES -eq 0 ]; then echo "test-tools: all checks passed"; else echo "test-tools: $FAILURES check(s) failed"; exit 1; fi
