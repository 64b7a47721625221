#!/bin/sh
# Builds the libFuzzer harnesses (release, with the fuzzer and address sanitizer) into fuzz/.build.
# Usage: fuzz/build.sh            (from anywhere; see fuzz/README.md)
set -eu
cd "$(dirname "$0")"
swift build -c release \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
    -Xswiftc -g "$@"
echo "harnesses in $(swift build -c release --show-bin-path)"
