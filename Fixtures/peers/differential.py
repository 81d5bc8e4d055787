#!/usr/bin/env python3
"""Differential test of letter against Python: the same datagrams, the same output.

Usage: differential.py --letter PATH [--count N] [--seed S] [--families 4,6,dual]

A seeded generator makes COUNT datagrams: random bytes, high bytes, valid text in each
encoding, control characters and escape sequences, quotes and backslashes, the empty
datagram, every single byte, and a few of 60,000 bytes. For each address family, one
`letter listen` per (format, encoding) hears them all:

  text   -e ENC   for each ENC: must equal print(data.decode(ENC, 'replace'), addr),
                  control characters escaped as the SPEC says (oracle.expected_line)
  json   -e ENC   for each ENC: each line must parse to the same fields
  tuple           once (it does not decode): must equal repr((data, addr))

Every datagram goes first to a Python socket made like letter's (oracle.receiver_socket),
so `addr` is what Python's own recvfrom returned for the same sender. Families: 4
(127.0.0.1), 6 (::1), dual (letter -6 on '::', heard from an IPv4 and an IPv6 sender in
turn, so IPv4 peers appear as ::ffff:127.0.0.1).

Lines are compared as multisets (the kernel may reorder datagrams between senders).
On a difference, prints the first datagram in sending order whose expected line letter
did not print: its hex, the expected line and letter's line at that place; exits 1.
Listeners are started and, if need be, killed by their own PIDs; every wait is bounded.
"""
import argparse
import collections
import json
import os
import random
import select
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402  (the sibling script: sockets and expected lines)

ENCODINGS = ["utf-8", "gbk", "gb18030", "big5", "shift_jis", "latin-1"]
FAMILIES = {"4": ("127.0.0.1", []), "6": ("::1", []), "dual": ("::", ["-6"])}
LARGE = 60_000

# Characters text is drawn from: every encoding above holds some of each range.
TEXT_RANGES = [(0x20, 0x7E), (0xA0, 0xFF), (0x391, 0x3C9), (0x410, 0x44F), (0x3041, 0x30FF),
               (0x4E00, 0x9FA5), (0xFF01, 0xFF9F), (0x2010, 0x2030), (0x1F600, 0x1F64F)]
CONTROLS = [chr(c) for c in list(range(0x20)) + list(range(0x7F, 0xA0))] + ["\x1b[31m", "\x1b]0;title\x07", "\x1b[2J"]


def random_text(rng, length):
    chars = []
    for _ in range(length):
        low, high = rng.choice(TEXT_RANGES)
        chars.append(chr(rng.randint(low, high)))
    return "".join(chars)


def generate(count, seed):
    """COUNT datagrams, the same for the same seed."""
    rng = random.Random(seed)
    datagrams = [b"", b"\x00", b"'", b'"', b"\\", b"\n"] + [bytes([byte]) for byte in range(256)]
    large_kinds = [
        lambda: rng.randbytes(LARGE),
        lambda: random_text(rng, LARGE).encode("utf-8", "ignore")[:LARGE],
        lambda: random_text(rng, LARGE).encode("gbk", "ignore")[:LARGE],
        lambda: random_text(rng, LARGE).encode("shift_jis", "ignore")[:LARGE],
    ]
    datagrams += [large_kinds[index % len(large_kinds)]() for index in range(8)]
    kinds = [
        (3, lambda: rng.randbytes(rng.randint(0, 300))),
        (2, lambda: bytes(rng.randrange(0x80, 0x100) for _ in range(rng.randint(1, 100)))),
        (6, lambda: random_text(rng, rng.randint(1, 80)).encode(rng.choice(ENCODINGS), "ignore")),
        (2, lambda: "".join(rng.choice(CONTROLS + ["a", "é", "中"]) for _ in range(rng.randint(1, 40)))
            .encode(rng.choice(["utf-8", "gbk", "latin-1"]), "ignore")),
        (1, lambda: "".join(rng.choice("'\"\\ab\\x41\\n") for _ in range(rng.randint(1, 40))).encode()),
    ]
    population = [make for weight, make in kinds for _ in range(weight)]
    while len(datagrams) < count:
        datagrams.append(rng.choice(population)())
    rng.shuffle(datagrams)
    return datagrams[:count]


class Listener:
    """One `letter listen` writing to a temporary file, its port read from the banner."""

    def __init__(self, letter, fmt, encoding, family, count, deadline):
        host, extra = FAMILIES[family]
        self.format, self.encoding = fmt, encoding
        self.output = tempfile.TemporaryFile()
        arguments = [letter, "listen", "-f", fmt, "-e", encoding, "-c", str(count), "-t", "15", "--stats"]
        self.process = subprocess.Popen(arguments + extra + [host, "0"], stdout=self.output, stderr=subprocess.PIPE)
        self.stderr = b""
        while b"\n" not in self.stderr:
            if time.monotonic() > deadline or not self._read_stderr(deadline):
                self.kill()
                raise SystemExit("differential: no banner from %s: %r" % (arguments, self.stderr))
        banner = self.stderr.split(b"\n")[0].decode()
        self.port = int(banner.rsplit("(", 1)[1].split(",")[1].strip(" )"))

    def _read_stderr(self, deadline):
        ready, _, _ = select.select([self.process.stderr], [], [], max(0, deadline - time.monotonic()))
        chunk = os.read(self.process.stderr.fileno(), 65536) if ready else b""
        self.stderr += chunk
        return bool(chunk)

    def finish(self, deadline):
        """Waits for letter to exit; returns its lines (split on b"\\n", the last kept)."""
        while self._read_stderr(deadline):
            pass
        try:
            self.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.kill()
            raise SystemExit("differential: letter %s -e %s did not finish: %s" % (self.format, self.encoding, self.summary))
        self.output.seek(0)
        return self.output.read().split(b"\n")

    @property
    def summary(self):
        return self.stderr.decode("utf-8", "replace").strip().split("\n")[-1]

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def canonical_json(line):
    try:
        return json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False).encode("utf-8")
    except ValueError as error:
        return b"invalid JSON (%s): %s" % (str(error).encode(), line)


def compare(listener, family, datagrams, addresses, lines):
    """Returns None, or a report of the first datagram whose line letter did not print."""
    if not lines or lines[-1] != b"":
        return "letter's %s output does not end with a newline" % listener.format
    lines = lines[:-1]
    if listener.format == "json":
        lines = [canonical_json(line) for line in lines]
    expected = [oracle.expected_line(data, addr, listener.format, listener.encoding, "replace").encode("utf-8")[:-1]
                for data, addr in zip(datagrams, addresses)]
    missing = collections.Counter(expected) - collections.Counter(lines)
    extra = collections.Counter(lines) - collections.Counter(expected)
    if not missing and not extra:
        return None
    where = "family %s, -f %s -e %s: %d lines for %d datagrams" % (family, listener.format, listener.encoding,
                                                                  len(lines), len(expected))
    for index, line in enumerate(expected):
        if missing[line]:
            data = datagrams[index]
            shown = data.hex() if len(data) <= 512 else data[:512].hex() + "... (%d bytes)" % len(data)
            return ("%s; first difference at datagram %d:\n  datagram (hex): %s\n  python: %r\n  letter: %r\n"
                    "  letter's summary: %s" % (where, index, shown, line[:600],
                                                lines[index][:600] if index < len(lines) else None, listener.summary))
    return "%s; letter printed a line Python did not: %r" % (where, next(iter(extra))[:600])


def run_family(letter, family, datagrams, deadline):
    listeners = [Listener(letter, fmt, encoding, family, len(datagrams), deadline)
                 for fmt in ("text", "json") for encoding in ENCODINGS]
    listeners.append(Listener(letter, "tuple", "utf-8", family, len(datagrams), deadline))
    try:
        receiver = oracle.receiver_socket(family)
        oracle_port = receiver.getsockname()[1]
        # Who sends to whom: dual-stack hears an IPv4 and an IPv6 sender in turn.
        senders = [("4", "127.0.0.1"), ("6", "::1")] if family == "dual" else [(family, FAMILIES[family][0])]
        senders = [(oracle.sender_socket(kind), target) for kind, target in senders]
        addresses = []
        for index, data in enumerate(datagrams):
            sender, target = senders[index % len(senders)]
            sender.sendto(data, (target, oracle_port))
            got, addr = receiver.recvfrom(65535)
            assert got == data, "the oracle's own socket got other bytes"
            addresses.append(addr)
            for listener in listeners:
                sender.sendto(data, (target, listener.port))
        reports = [compare(listener, family, datagrams, addresses, listener.finish(deadline)) for listener in listeners]
        return [report for report in reports if report]
    finally:
        for listener in listeners:
            listener.kill()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--letter", required=True)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--families", default="4,6,dual")
    parser.add_argument("--seconds", type=float, default=55, help="give up after this long")
    args = parser.parse_args()
    deadline = time.monotonic() + args.seconds
    datagrams = generate(args.count, args.seed)
    families = args.families.split(",")
    started = time.monotonic()
    for family in families:
        reports = run_family(args.letter, family, datagrams, deadline)
        if reports:
            print("\n".join(reports), file=sys.stderr)
            sys.exit(1)
    listeners = len(ENCODINGS) * 2 + 1
    print("differential: %d datagrams x %d families x %d listeners (text and json in %s; tuple) = %d lines "
          "identical to Python's in %.1f s"
          % (len(datagrams), len(families), listeners, ", ".join(ENCODINGS),
             len(datagrams) * len(families) * listeners, time.monotonic() - started))


if __name__ == "__main__":
    main()
