#!/bin/sh
# make demo: a listener on loopback, then real letters in utf-8 and gbk and a piped
# file, each printed by the listener as Python would print it.
set -eu
LETTER=${1:-.build/release/letter}
DIR=$(dirname "$0")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
N=0

# Starts `letter listen ARGS... 127.0.0.1 0` with fresh output files and sets PORT from
# its own banner (never from an earlier listener's). Fails when no banner comes in 5 s.
start_listener() {
    N=$((N + 1))
    OUT="$WORK/out.$N"
    ERR="$WORK/err.$N"
    : >"$OUT"
    : >"$ERR"
    "$LETTER" listen "$@" -t 5 127.0.0.1 0 >"$OUT" 2>"$ERR" &
    PID=$!
    PORT=""
    for _ in $(seq 50); do
        PORT=$(sed -n "s/^listening on ('127\.0\.0\.1', \([0-9][0-9]*\))$/\1/p" "$ERR")
        [ -n "$PORT" ] && return 0
        sleep 0.1
    done
    echo "demo: the listener did not start: $(cat "$ERR")" >&2
    exit 1
}

# The same for a unix datagram socket at $SOCKET: ready once its banner is there.
start_unix_listener() {
    N=$((N + 1))
    OUT="$WORK/out.$N"
    ERR="$WORK/err.$N"
    : >"$OUT"
    : >"$ERR"
    "$LETTER" listen "$@" -t 5 "$SOCKET" >"$OUT" 2>"$ERR" &
    PID=$!
    for _ in $(seq 50); do
        grep -q "^listening on " "$ERR" && return 0
        sleep 0.1
    done
    echo "demo: the listener did not start: $(cat "$ERR")" >&2
    exit 1
}

finish() {  # $1: how many letters the listener must have printed
    wait "$PID" || { echo "demo: the listener failed: $(cat "$ERR")" >&2; exit 1; }
    sed 's/^/    /' "$OUT"
    echo
    GOT=$(wc -l < "$OUT")
    [ "$GOT" -eq "$1" ] || { echo "demo: expected $1 letters, the listener printed $GOT" >&2; exit 1; }
}

echo "== utf-8: letter listen 127.0.0.1 PORT, then letter send 127.0.0.1 PORT 你好 / hello"
start_listener -e utf-8 -c 2
echo "   $(cat "$ERR")"
"$LETTER" send 127.0.0.1 "$PORT" 你好
"$LETTER" send 127.0.0.1:"$PORT" hello, letter
finish 2

echo "== gbk: letter listen -e gbk ..., then letter send -e gbk 127.0.0.1 PORT 你好，世界"
start_listener -e gbk -c 1
"$LETTER" send -e gbk 127.0.0.1 "$PORT" 你好，世界
finish 1

echo "== a piped file, one letter per line: letter send 127.0.0.1 PORT < Fixtures/text/utf-8.txt"
LINES=$(wc -l < "$DIR/text/utf-8.txt")
start_listener -c "$LINES"
"$LETTER" send 127.0.0.1 "$PORT" < "$DIR/text/utf-8.txt"
finish "$LINES"

echo "== the same letter as Python's recvfrom returned it: letter listen -f tuple"
start_listener -f tuple -c 1
"$LETTER" send -e gbk 127.0.0.1 "$PORT" 你好
finish 1

echo "== what a debugger sees: letter listen -f hex, then letter send --bytes"
start_listener -f hex -c 1
printf 'GET\r\n\0\377' | "$LETTER" send --bytes --whole 127.0.0.1 "$PORT"
finish 2

echo "== a unix datagram socket (the notes' AF_UNIX): letter listen PATH, then letter send PATH"
SOCKET="$WORK/letter.sock"
start_unix_listener -c 1
"$LETTER" send "$SOCKET" 你好
finish 1

