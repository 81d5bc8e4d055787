#!/bin/sh
# make demo: a listener on loopback, then real letters in utf-8 and gbk and a piped
# file, each printed by the listener as Python would print it.
set -eu
LETTER=${1:-.build/release/letter}
DIR=$(dirname "$0")
OUT=$(mktemp)
ERR=$(mktemp)
trap 'rm -f "$OUT" "$ERR"' EXIT

run_listener() {  # $1: encoding, $2: letters expected
    "$LETTER" listen -e "$1" -c "$2" -t 5 127.0.0.1 0 >"$OUT" 2>"$ERR" &
    PID=$!
    for _ in $(seq 50); do grep -q "listening on" "$ERR" && break; sleep 0.1; done
    PORT=$(sed -n "s/.*, \([0-9]*\))$/\1/p" "$ERR" | head -1)
}

finish() {
    wait "$PID" || true
    sed 's/^/    /' "$OUT"
    echo
}

echo "== utf-8: letter listen 127.0.0.1 PORT, then letter send 127.0.0.1 PORT 你好 / hello"
run_listener utf-8 2
echo "   $(cat "$ERR")"
"$LETTER" send 127.0.0.1 "$PORT" 你好
"$LETTER" send 127.0.0.1:"$PORT" hello, letter
finish

echo "== gbk: letter listen -e gbk ..., then letter send -e gbk 127.0.0.1 PORT 你好，世界"
run_listener gbk 1
"$LETTER" send -e gbk 127.0.0.1 "$PORT" 你好，世界
finish

echo "== a piped file, one letter per line: letter send 127.0.0.1 PORT < Fixtures/text/utf-8.txt"
LINES=$(wc -l < "$DIR/text/utf-8.txt")
run_listener utf-8 "$LINES"
"$LETTER" send 127.0.0.1 "$PORT" < "$DIR/text/utf-8.txt"
finish

echo "== the same letter as Python's recvfrom returned it: letter listen -f tuple"
"$LETTER" listen -f tuple -c 1 -t 5 127.0.0.1 0 >"$OUT" 2>"$ERR" &
PID=$!
for _ in $(seq 50); do grep -q "listening on" "$ERR" && break; sleep 0.1; done
PORT=$(sed -n "s/.*, \([0-9]*\))$/\1/p" "$ERR" | head -1)
"$LETTER" send -e gbk 127.0.0.1 "$PORT" 你好
finish
