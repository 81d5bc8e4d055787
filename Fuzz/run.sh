#!/bin/sh
# Fuzzes one target for a bounded time: Fuzz/run.sh TARGET SECONDS [libFuzzer options ...]
#
# The corpus grows in .build/fuzz/corpus/TARGET, seeded from Fixtures/fuzz/TARGET
# (which is only read); Fixtures/fuzz/TARGET.dict, when present, gives libFuzzer the
# target's vocabulary. A crash is saved under .build/fuzz/crashes/TARGET/ and the run
# fails; replay it with `.build/fuzz/bin/TARGET FILE`.
set -eu

cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: Fuzz/run.sh TARGET SECONDS [libFuzzer options ...]" >&2; exit 2; }
target=$1
seconds=$2
shift 2
Fuzz/build.sh "$target"

corpus=.build/fuzz/corpus/$target
crashes=.build/fuzz/crashes/$target
mkdir -p "$corpus" "$crashes"
dictionary=Fixtures/fuzz/$target.dict
[ -f "$dictionary" ] && set -- -dict="$dictionary" "$@"
# -timeout: an input that takes more than 10 s is a hang, and a finding.
# SWIFT_BACKTRACE: leave crash reports to libFuzzer and ASan (the Swift backtracer trips ASan).
set -- ".build/fuzz/bin/$target" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$@" "$corpus" "Fixtures/fuzz/$target"
# A target that runs the letter binary gets a network namespace with only loopback
# (root: unshare), so that no host name the fuzzer invents is looked up on a network.
if [ "$target" = Invocations ]; then
    set -- unshare --net sh -c 'ip link set lo up && exec "$@"' sh "$@"
fi
SWIFT_BACKTRACE=enable=no exec "$@"
