#!/bin/sh
# make demo: a short debugging session on loopback, each step one comment line and its
# output: a server that answers like the Python tutorials' one, ping with its statistics,
# a relay that shows both directions while it records a capture, the capture read back
# and replayed, a binary request and a health check, and a unix socket.
set -eu
LETTER=${1:-.build/release/letter}
WORK=$(mktemp -d)
LETTER=$(cd "$(dirname "$LETTER")" && pwd)/$(basename "$LETTER")
cd "$WORK"
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT
N=0

# Starts `letter ARGS...` in the background with fresh output files, and waits (at most
# 5 s) for the stderr line starting with $READY; PORT is then the port in its last
# `('127.0.0.1', PORT)` banner line.
start() {
    READY=$1
    shift
    N=$((N + 1))
    OUT="$WORK/out.$N"
    ERR="$WORK/err.$N"
    : >"$OUT"
    : >"$ERR"
    "$LETTER" "$@" >"$OUT" 2>"$ERR" &
    PID=$!
    PIDS="$PIDS $PID"
    for _ in $(seq 50); do
        if grep -q "^$READY" "$ERR"; then
            PORT=$(sed -n "s/^listening on ('127\.0\.0\.1', \([0-9][0-9]*\))$/\1/p" "$ERR" | tail -n 1)
            return 0
        fi
        sleep 0.1
    done
    echo "demo: '$*' did not start: $(cat "$ERR")" >&2
    exit 1
}

# Waits for the background letter started last and shows what it printed, indented.
finish() {
    wait "$PID" || { echo "demo: '$LETTER' failed: $(cat "$ERR")" >&2; exit 1; }
    sed 's/^/    /' "$OUT"
}

say() { printf '\n# %s\n' "$*"; }
# Shows the command line (an empty argument as ''), then runs it, its output indented.
run() {
    line='$ letter'
    for argument in "$@"; do line="$line ${argument:-''}"; done
    echo "$line"
    "$LETTER" "$@" 2>&1 | sed 's/^/    /'
}

say "1. A server that answers every letter with 'hi', as the Python tutorials' server does"
start "listening on" listen --reply hi -c 2 -t 5 127.0.0.1 0
echo "$ letter listen --reply hi 127.0.0.1 $PORT"
run send -w -t 2 127.0.0.1 "$PORT" 你好
say "   an empty letter is a datagram too: the server prints an empty text, then the sender"
run send -w -t 2 127.0.0.1 "$PORT" ''
echo "  what the server printed (each letter, then who sent it):"
finish
say "   the same in gbk: both sides encode and decode with -e gbk"
start "listening on" listen -e gbk --reply 好 -c 1 -t 5 127.0.0.1 0
run send -e gbk -w -t 2 127.0.0.1 "$PORT" 你好，世界
finish

say "2. ping against an echo server: ping(8)'s lines, then the latency distribution"
start "listening on" listen --echo -c 5 -t 5 127.0.0.1 0
run ping -c 5 -i 0.05 --histogram 127.0.0.1 "$PORT"
finish >/dev/null

say "3. A relay between a client and the server: both directions, kernel receive times, and a capture"
start "listening on" listen --reply pong -c 2 -t 5 127.0.0.1 0
SERVER=$PORT
SERVER_PID=$PID
SERVER_OUT=$OUT
start "relaying to" relay --time utc --pcap session.pcap -c 4 -t 5 127.0.0.1 0 --to 127.0.0.1:"$SERVER"
RELAY=$PORT
run send -w -t 2 127.0.0.1 "$RELAY" ping 1
run send -w -t 2 127.0.0.1 "$RELAY" ping 2
echo "  what the relay printed (SRC -> DST, each with the time it arrived):"
finish
wait "$SERVER_PID"

say "4. The capture, as Wireshark's dissectors read it (four records per exchange: both legs)"
# TSHARK names another tshark (DemoTests names a missing one, to see the fallback).
TSHARK=${TSHARK:-tshark}
if command -v "$TSHARK" >/dev/null 2>&1; then
    # The ports are the kernel's pick: one that tshark knows (53, say) would be read as
    # that protocol and show no text, so every UDP port is decoded as plain data.
    echo "$ tshark -r session.pcap -d udp.port==1-65535,data -T fields -e ip.src -e udp.srcport -e ip.dst -e udp.dstport -e data.text"
    "$TSHARK" -r session.pcap -d udp.port==1-65535,data -o data.show_as_text:TRUE -T fields -e ip.src -e udp.srcport \
        -e ip.dst -e udp.dstport -e data.text 2>/dev/null | sed 's/^/    /'
else
    echo "  (tshark is not installed: 'make peers' installs it; here is letter's own reading of the file:"
    echo "   each record's payload replayed into a listener, and replay's count of them)"
    start "listening on" listen -c 8 -t 5 127.0.0.1 0
    run replay --fast --to 127.0.0.1:"$PORT" session.pcap
    finish
fi
say "   the client's two requests (those recorded to the relay's port) replayed into a listener with their gap"
start "listening on" listen -c 2 -t 5 127.0.0.1 0
run replay --port "$RELAY" --to 127.0.0.1:"$PORT" session.pcap
finish

say "5. A binary request written in hex, and a health check: exit 0 only for the right reply"
start "listening on" listen --echo -c 3 -t 5 127.0.0.1 0
run send --hex -w -t 2 -f hex 127.0.0.1 "$PORT" de ad be ef
run send -w -t 2 --expect pong 127.0.0.1 "$PORT" ping || true
"$LETTER" send -w -t 1 --expect pong 127.0.0.1 "$PORT" ping >/dev/null 2>&1 && STATUS=0 || STATUS=$?
echo "    exit status: $STATUS (the echo server answered 'ping', not 'pong')"
finish >/dev/null

say "6. A unix datagram socket (Python's AF_UNIX): a sender bound to no name prints as None, as Python shows it"
SOCKET="$WORK/letter.sock"
start "listening on" listen -c 1 -t 5 "$SOCKET"
"$LETTER" send "$SOCKET" 你好
finish
