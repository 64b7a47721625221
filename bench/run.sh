#!/usr/bin/env bash
# Benchmark mailferry against mbsync, imapsync and the servers' own limit between two local
# Dovecots (see bench/README.md).
#
#   bench/run.sh [--build] [--repeats N] [--profiles small,mixed,large1]
#                [--tools mbsync,mailferry,imapsync] [--mailferry PATH] [--no-sequential]
#                [--no-limit] [--no-changed] [--no-metadata] [--scale F] [--skip-state-deleted TOOLS]
#                [--out FILE] [--keep]
#
# --build first runs `swift build -c release --product mailferry --static-swift-stdlib`: the Swift
# runtime and Foundation linked into the binary, which then runs without a Swift installation and
# keeps 5-6 MiB less resident than with the shared libraries. Without a mailferry binary that has
# `apply`, its column shows n/a; without imapsync on PATH, `n/a (imapsync not installed)`.
# Needs root (Dovecot's mail user), dovecot, mbsync (isync) and GNU time (/usr/bin/time). Every
# server listens on 127.0.0.1 only and is stopped by pid at the end, also on Ctrl-C or SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."

args=()
build=0
for arg in "$@"; do
    if [ "$arg" = --build ]; then build=1; else args+=("$arg"); fi
done

missing=()
command -v dovecot >/dev/null || missing+=(dovecot-imapd)
command -v mbsync >/dev/null || missing+=(isync)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
    echo "bench: missing ${missing[*]}: apt-get install -y ${missing[*]}" >&2
    exit 1
fi
[ "$(id -u)" -eq 0 ] || { echo "bench: run as root (scripts/dovecot-server needs it)" >&2; exit 1; }

if [ $build -eq 1 ]; then
    swift build -c release --product mailferry --static-swift-stdlib
fi
exec python3 bench/bench.py "${args[@]+"${args[@]}"}"
