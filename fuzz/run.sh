#!/bin/sh
# Runs one libFuzzer harness built by build.sh. See README.md.
# Usage: fuzz/run.sh <target> [seconds] [libFuzzer options...]
#   target: imap-response | pop3-response | utf7 | job-file | users-file
set -eu
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh <target> [seconds] [libFuzzer options...]}
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
binary="$(swift build -c release --show-bin-path)/fuzz-$target"
[ -x "$binary" ] || { echo "no $binary: run fuzz/build.sh first" >&2; exit 2; }
work=".work/$target"
mkdir -p "$work/corpus" "$work/artifacts"
# The first directory collects new interesting inputs; corpus/<target> is the checked-in seed set.
# -timeout: an input running longer is reported as a hang (timeout-<sha1> artifact).
exec "$binary" "$work/corpus" "corpus/$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$@"
