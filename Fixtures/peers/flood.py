#!/usr/bin/env python3
"""A reflector attempt against `letter listen --reply/--echo`, for ReflectorTests.

Opens SOCKETS UDP sockets — each on its own port of SOURCE (`--spread ports`), or
each on its own address NET.X.Y (`--spread addresses`; the host must route NET.0.0/16
locally, as ReflectorTests sets up in a network namespace) — sends PER datagrams of
SIZE bytes from each to TARGET:PORT as fast as the kernel takes them, then listens on every socket for WAIT seconds after the last
send and counts what came back. Prints one JSON object: datagrams and bytes sent,
replies and bytes received, distinct source ports/addresses used, seconds from
the first send to the end of the wait.
"""
import argparse
import json
import resource
import selectors
import socket
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--sockets", type=int, required=True)
    parser.add_argument("--per", type=int, required=True)
    parser.add_argument("--size", type=int, default=1)
    parser.add_argument("--spread", choices=["ports", "addresses"], required=True)
    parser.add_argument("--wait", type=float, default=1.0)
    parser.add_argument("--target", default="127.0.0.1")
    parser.add_argument("--source", default="127.0.0.1", help="the address of --spread ports")
    parser.add_argument("--net", default="127.77", help="the first two octets of --spread addresses")
    args = parser.parse_args()

    # Thousands of sockets need more descriptors than the usual soft limit of 1024.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = args.sockets + 64
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))

    sockets = []
    for index in range(args.sockets):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        if args.spread == "addresses":
            s.bind((f"{args.net}.{index // 250}.{index % 250 + 1}", 0))
        else:
            s.bind((args.source, 0))
        s.setblocking(False)
        sockets.append(s)

    payload = b"x" * args.size
    destination = (args.target, args.port)
    selector = selectors.DefaultSelector()
    for s in sockets:
        selector.register(s, selectors.EVENT_READ)
    replies = 0
    reply_bytes = 0

    def drain(timeout):
        nonlocal replies, reply_bytes
        for key, _ in selector.select(timeout):
            while True:
                try:
                    data = key.fileobj.recv(65535)
                except BlockingIOError:
                    break
                replies += 1
                reply_bytes += len(data)

    started = time.monotonic()
    sent = 0
    for _ in range(args.per):
        for s in sockets:
            while True:
                try:
                    s.sendto(payload, destination)
                    break
                except BlockingIOError:
                    drain(0.001)
            sent += 1
        drain(0)
    deadline = time.monotonic() + args.wait
    while time.monotonic() < deadline:
        drain(max(0.0, deadline - time.monotonic()))
    print(json.dumps({
        "sent": sent,
        "sent_bytes": sent * args.size,
        "replies": replies,
        "reply_bytes": reply_bytes,
        "sources": len({s.getsockname() for s in sockets}),
        "seconds": time.monotonic() - started,
    }))


if __name__ == "__main__":
    main()
