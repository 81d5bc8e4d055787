#!/usr/bin/env python3
"""Python as the oracle and the peer for letter's end-to-end tests.

Every expected line comes from Python itself: the address tuple is what Python's
own recvfrom returned for the same datagram from the same socket, and the text is
what print()/repr() make of it. Only the standard library is used.

Commands:
  send-expect  send datagrams (hex, one per line, on stdin; with --encode ENC, UTF-8
               text to send in ENC) to letter, and print to stdout what letter
               should print for them in --format FORMAT
  unix-send-expect  the same over a unix socket, from an unnamed, path or abstract sender
  recv         receive datagrams (HOST, or a unix PATH / @NAME) and print repr(data)
               (and the sender) per line
  encode       print repr(TEXT.encode(ENC, errors))
  codec-samples  per codec name: a text it encodes, Python's bytes for it (see below)
  canon-json   read JSON lines on stdin (strict UTF-8), print them with sorted keys
  send         send one datagram (hex) and optionally wait for a reply
  serve        a server for relay tests (UDP on 127.0.0.1, or a unix PATH): prints
               repr((data, addr)) per datagram and answers PREFIX, a space and the data
               (after --delay)
  relay-clients  clients that talk through a relay to a target, each checking that its
               replies are its own and come from the relay's address; prints the lines
               the relay should print for them
"""
import argparse
import codecs
import encodings
import encodings.aliases
import io
import json
import os
import random
import socket
import subprocess
import sys
import time

CODEC_REPORT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "encodings", "codec_names.json")



# What the SPEC's text format escapes: C0, DEL, C1, the bidirectional controls (which
# reorder what a terminal shows) and the line and paragraph separators.
BIDI_CONTROLS = ["\u061c", "\u200e", "\u200f"] + [chr(c) for c in range(0x202A, 0x202F)] \
    + [chr(c) for c in range(0x2066, 0x206A)]
ESCAPED = frozenset([chr(c) for c in range(0x20)] + [chr(c) for c in range(0x7F, 0xA0)] + BIDI_CONTROLS
                    + ["\u2028", "\u2029"])


def escape_controls(text):
    """SPEC text format: the ESCAPED characters written the way repr() writes them."""
    return "".join(repr(ch)[1:-1] if ch in ESCAPED else ch for ch in text)


def receiver_socket(family):
    """The oracle receiver, made like letter's listening socket."""
    if family == "4":
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
    elif family == "6":
        sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        sock.bind(("::1", 0))
    else:  # dual: IPv6 '::' hearing an IPv4 sender
        sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(("::", 0))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.settimeout(5)
    return sock


def sender_socket(family):
    if family == "6":
        sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        sock.bind(("::1", 0))
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
    return sock


def expected_line(data, addr, fmt, encoding, errors, dst=None, direction=None):
    """What letter prints for data from addr; for a relayed datagram (dst given), the
    destination after the sender, as relay prints it."""
    if dst is not None:
        return relayed_line(data, addr, dst, direction, fmt, encoding, errors)
    if fmt == "tuple":
        return repr((data, addr)) + "\n"
    if fmt == "bytes":
        # listen --bytes: what print(data, addr) writes.
        line = io.StringIO()
        print(data, addr, file=line)
        return line.getvalue()
    if fmt == "hex":
        # A header with the sender as print() shows it and the size, then hexdump -Cv's
        # own lines for the payload, less its final offset line.
        size = "1 byte" if len(data) == 1 else "%d bytes" % len(data)
        dump = subprocess.run(["hexdump", "-Cv"], input=data, capture_output=True, check=True).stdout.decode()
        return escape_controls(str(addr)) + " " + size + "\n" + "".join(dump.splitlines(True)[:-1])
    text = data.decode(encoding, errors)
    if fmt == "text":
        # print(text, addr): an internet address prints as its tuple's repr, a unix
        # path bare, an abstract name as its bytes' repr, an unnamed sender as None.
        return escape_controls(text) + " " + escape_controls(str(addr)) + "\n"
    if fmt == "lines":
        return text + "\n"
    if fmt == "json":
        record = {"size": len(data), "text": text}
        if addr is None or isinstance(addr, str):
            record["path"] = addr
        elif isinstance(addr, bytes):
            record["path"] = "@" + addr[1:].decode("utf-8", "surrogateescape")
            record["abstract"] = True
        else:
            record["host"], record["port"] = addr[0], addr[1]
            if len(addr) == 4:
                record["flowinfo"], record["scope_id"] = addr[2], addr[3]
        return json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n"
    raise SystemExit("unknown format " + fmt)


def relayed_line(data, src, dst, direction, fmt, encoding, errors):
    """SPEC relay: text `TEXT SRC -> DST`, tuple repr((data, src, dst)), json with the
    destination as to_host/to_port (or to_path) and the direction, hex `SRC -> DST N bytes`."""
    if fmt == "tuple":
        return repr((data, src, dst)) + "\n"
    if fmt == "json":
        record = json.loads(expected_line(data, src, fmt, encoding, errors))
        destination = json.loads(expected_line(b"", dst, fmt, encoding, errors))
        record.update({"to_" + key: value for key, value in destination.items() if key not in ("size", "text")})
        record["direction"] = direction
        return json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n"
    if fmt == "hex":
        _, _, dump = expected_line(data, src, fmt, encoding, errors).partition("\n")
        size = "1 byte" if len(data) == 1 else "%d bytes" % len(data)
        return escape_controls(str(src)) + " -> " + escape_controls(str(dst)) + " " + size + "\n" + dump
    line = expected_line(data, src, fmt, encoding, errors)
    if fmt == "text":
        return line[:-1] + " -> " + escape_controls(str(dst)) + "\n"
    return line


def serve(args):
    if "/" in args.host:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(args.host)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((args.host, 0))
    sock.settimeout(args.timeout)
    print("listening on", repr(sock.getsockname()), file=sys.stderr, flush=True)
    for _ in range(args.count):
        try:
            data, addr = sock.recvfrom(65535)
        except socket.timeout:
            break
        print(repr((data, addr)), flush=True)
        if args.prefix is not None:
            time.sleep(args.delay)
            sock.sendto(args.prefix.encode() + b" " + data, addr)


def relay_clients(args):
    """--clients sockets on 127.0.0.1 take turns sending each message to the relay and
    waiting for the reply from each of --targets; each reply must be PREFIX, a space and the message, and
    come from the relay's address. Prints the relay's expected lines: a request once per
    target, then the replies (as the client got them, sorted when several targets answer)."""
    relay = ("127.0.0.1", args.relay_port)
    targets = [("127.0.0.1", int(t)) if t.isdigit() else t for t in args.target]
    clients = []
    for _ in range(args.clients):
        client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        client.bind(("127.0.0.1", 0))
        client.settimeout(5)
        clients.append(client)
    out = sys.stdout.buffer
    for message in args.message:
        for number, client in enumerate(clients):
            data = ("%s from client %d" % (message, number)).encode()
            client.sendto(data, relay)
            lines = [expected_line(data, client.getsockname(), args.format, "utf-8", "replace", dst, "request")
                     for dst in targets]
            replies = []
            for _ in targets:
                reply, addr = client.recvfrom(65535)
                assert addr == relay, "reply from %r, not the relay %r" % (addr, relay)
                assert reply.endswith(b" " + data), "client %d got %r, not a reply to %r" % (number, reply, data)
                replies.append(reply)
            # Each target's reply starts with its PREFIX: its source is the target whose prefix it has.
            for reply in replies:
                target = targets[args.prefix.index(reply.split(b" ")[0].decode())]
                lines.append(expected_line(reply, target, args.format, "utf-8", "replace", client.getsockname(), "reply"))
            out.write("".join(lines[:len(targets)] + sorted(lines[len(targets):])).encode("utf-8"))
    out.flush()


def unix_address(text):
    """A socket PATH, or @NAME in the abstract namespace, as Python's socket takes it."""
    return b"\0" + text[1:].encode() if text.startswith("@") else text


def bound_socket(host, port=0):
    """A datagram socket bound to HOST and PORT, or to a unix PATH / @NAME."""
    if "/" in host or host.startswith("@"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(unix_address(host))
    else:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((host, port))
    return sock


def unix_send_expect(args):
    """As send-expect, to letter's unix socket --to, from a sender bound as --sender says:
    unnamed, a path in --dir, or an abstract name."""
    oracle_path = os.path.join(args.dir, "oracle.sock")
    oracle = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    oracle.bind(oracle_path)
    sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if args.sender == "path":
        sender.bind(os.path.join(args.dir, "sender.sock"))
    elif args.sender == "abstract":
        sender.bind(b"\0letter-oracle-%d" % os.getpid())
    out = sys.stdout.buffer
    payloads = [bytes.fromhex(line.strip()) for line in sys.stdin if line.strip() or line == "\n"]
    for data in payloads:
        sender.sendto(data, oracle_path)
        got, addr = oracle.recvfrom(65535)
        assert got == data, "oracle receiver got other bytes"
        out.write(expected_line(got, addr, args.format, args.encoding, args.errors).encode("utf-8", "surrogateescape"))
        sender.sendto(data, unix_address(args.to))
    out.flush()
    for path in (oracle_path, os.path.join(args.dir, "sender.sock")):
        if os.path.exists(path):
            os.unlink(path)


def send_expect(args):
    oracle = receiver_socket(args.family)
    oracle_port = oracle.getsockname()[1]
    sender = sender_socket(args.family)
    target = "::1" if args.family == "6" else "127.0.0.1"
    oracle_target = target
    out = sys.stdout.buffer
    payloads = [bytes.fromhex(line.strip()) for line in sys.stdin if line.strip() or line == "\n"]
    if args.encode:  # the payloads are UTF-8 text to send encoded as Python encodes it
        payloads = [data.decode("utf-8").encode(args.encode) for data in payloads]
    for data in payloads:
        sender.sendto(data, (oracle_target, oracle_port))
        got, addr = oracle.recvfrom(65535)
        assert got == data, "oracle receiver got other bytes"
        out.write(expected_line(got, addr, args.format, args.encoding, args.errors).encode("utf-8"))
        sender.sendto(data, (target, args.port))
    out.flush()


def recv(args):
    sock = bound_socket(args.host, args.port)
    sock.settimeout(args.timeout)
    print("listening on", sock.getsockname(), file=sys.stderr, flush=True)
    for _ in range(args.count):
        try:
            data, addr = sock.recvfrom(65535)
        except socket.timeout:
            print("timeout", file=sys.stderr)
            sys.exit(1)
        line = repr(data)
        if args.with_sender:
            line += " " + repr(addr)
        print(line, flush=True)
        if args.reply is not None:
            sock.sendto(args.reply.encode(args.encoding), addr)


def encode(args):
    for text in args.text:
        print(repr(text.encode(args.encoding, args.errors)))


# Characters of many scripts; each codec's sample text keeps those it can encode.
SAMPLE_CHARACTERS = ("héllo Grüße Dziękuję Çà ő ž € Ελλάδα Привет Українська שלום مرحبا สวัสดี 你好 漢字 "
                     "こんにちは カタカナ 안녕하세요 ①")


def codec_module(name):
    """Python's codec module for a codec name, as encodings.search_function finds it."""
    normalized = encodings.normalize_encoding(name.lower())
    return encodings.aliases.aliases.get(normalized) or encodings.aliases.aliases.get(normalized.replace(".", "_")) \
        or normalized


def codec_samples(args):
    """For the names given and a seeded sample of those on stdin (spelled with random case
    and separators): NAME, a text NAME can encode, text.encode(NAME) (hex), its
    repr, and further payloads (hex, comma-separated) whose decode(NAME) is the same text."""
    rng = random.Random(args.seed)
    listed = sorted(line.strip() for line in sys.stdin if line.strip())
    spelled = ["".join(rng.choice([c.upper(), c.lower()]) if c != "_" else rng.choice(["-", "_", " ", "--"]) for c in name)
               for name in rng.sample(listed, min(args.sample, len(listed)))]
    with open(CODEC_REPORT, encoding="utf-8") as file:
        differs = {module: entry["differs"] for module, entry in json.load(file).items()}
    for name in args.names + spelled:
        skip = differs.get(codec_module(name), "")
        kept = []
        for c in SAMPLE_CHARACTERS:
            try:
                if c not in skip and c.encode(name).decode(name) == c:
                    kept.append(c)
            except UnicodeError:
                pass
        text = "letter " + "".join(kept).strip()
        encoded = text.encode(name)
        # utf_16 and utf_32 read either byte order after a mark, and little-endian without one.
        others = [codecs.BOM_UTF16_BE + text.encode("utf_16_be"), text.encode("utf_16_le")] if codec_module(name) == "utf_16" \
            else [codecs.BOM_UTF32_BE + text.encode("utf_32_be"), text.encode("utf_32_le")] if codec_module(name) == "utf_32" \
            else []
        assert all(data.decode(name) == text for data in [encoded] + others)
        row = "\t".join([name, text, encoded.hex(), repr(encoded), ",".join(data.hex() for data in others)])
        sys.stdout.buffer.write((row + "\n").encode("utf-8"))


def canon_json(_args):
    # Bytes, decoded strictly: in UTF-8 mode (the C locale) text stdin would smuggle
    # invalid UTF-8 through as surrogates, and json.loads would take them.
    for line in sys.stdin.buffer:
        print(json.dumps(json.loads(line.decode("utf-8")), sort_keys=True, ensure_ascii=False))


def send(args):
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.sendto(bytes.fromhex(args.hex), (args.host, args.port))
    if args.wait:
        sock.settimeout(5)
        data, addr = sock.recvfrom(65535)
        print(repr((data, addr)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("send-expect")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--family", choices=["4", "6", "dual"], default="4")
    p.add_argument("--format", default="text")
    p.add_argument("--encoding", default="utf-8")
    p.add_argument("--errors", default="replace")
    p.add_argument("--encode", help="send the stdin payloads (UTF-8 text) encoded in ENCODE")
    p.set_defaults(run=send_expect)
    p = commands.add_parser("unix-send-expect")
    p.add_argument("--to", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--sender", choices=["unnamed", "path", "abstract"], default="unnamed")
    p.add_argument("--format", default="text")
    p.add_argument("--encoding", default="utf-8")
    p.add_argument("--errors", default="replace")
    p.set_defaults(run=unix_send_expect)
    p = commands.add_parser("recv")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--timeout", type=float, default=10)
    p.add_argument("--with-sender", action="store_true")
    p.add_argument("--reply")
    p.add_argument("--encoding", default="utf-8")
    p.set_defaults(run=recv)
    p = commands.add_parser("encode")
    p.add_argument("--encoding", default="utf-8")
    p.add_argument("--errors", default="strict")
    p.add_argument("text", nargs="+")
    p.set_defaults(run=encode)
    p = commands.add_parser("codec-samples")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--sample", type=int, required=True)
    p.add_argument("names", nargs="*")
    p.set_defaults(run=codec_samples)
    p = commands.add_parser("canon-json")
    p.set_defaults(run=canon_json)
    p = commands.add_parser("serve")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--count", type=int, default=100)
    p.add_argument("--timeout", type=float, default=10)
    p.add_argument("--prefix")
    p.add_argument("--delay", type=float, default=0)
    p.set_defaults(run=serve)
    p = commands.add_parser("relay-clients")
    p.add_argument("--relay-port", type=int, required=True)
    p.add_argument("--target", action="append", required=True, help="a target's port on 127.0.0.1, or its unix PATH")
    p.add_argument("--prefix", action="append", required=True, help="each target's reply prefix, in --target order")
    p.add_argument("--clients", type=int, default=1)
    p.add_argument("--format", default="text")
    p.add_argument("message", nargs="+")
    p.set_defaults(run=relay_clients)
    p = commands.add_parser("send")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("hex")
    p.add_argument("--wait", action="store_true")
    p.set_defaults(run=send)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
