#!/usr/bin/env python3
"""A datagram service for the ping tests, as the Python socket notes write one.

  udp_server.py MODE [--host HOST] [--count N] [--timeout SEC] [--text TEXT] [--quiet]

HOST is an IP address (port 0: a free port) or a unix socket PATH. MODE:
  echo         sends each datagram back (an echo server)
  fixed        answers every datagram with TEXT (the notes' server: sendto(b'hi', addr))
  silent       never answers
  every-other  answers the 1st, 3rd, 5th ... datagram, drops the others (echo)
  twice        echoes every datagram twice (a duplicating network)
  third-party  never answers; a second socket at 127.0.0.99 echoes each request to its sender
  forged       echoes, after first sending 'letter-ping ID seq=999999999' with the request's ID
  vanish       echoes N datagrams, then closes and removes its socket file (unix)
Prints "listening on ADDR" (Python's repr of getsockname()) to stderr, then serves
N datagrams or until SEC seconds pass with none, and prints each request's repr (not
with --quiet: a test that sends hundreds does not read them, and a full pipe would stall
the service).
"""
import argparse
import os
import socket
import sys

from oracle import bound_socket


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["echo", "fixed", "silent", "every-other", "twice", "third-party", "forged", "vanish"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--text", default="hi")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    sock = bound_socket(args.host)
    sock.settimeout(args.timeout)
    other = bound_socket("127.0.0.99") if args.mode == "third-party" else None
    print("listening on", repr(sock.getsockname()), file=sys.stderr, flush=True)
    for index in range(args.count):
        try:
            data, addr = sock.recvfrom(65535)
        except socket.timeout:
            break
        if not args.quiet:
            print(repr(data), flush=True)
        if args.mode == "forged":
            sock.sendto(b"letter-ping " + data.split()[1] + b" seq=999999999", addr)
        if args.mode in ("echo", "forged", "vanish") or (args.mode == "every-other" and index % 2 == 0):
            sock.sendto(data, addr)
        elif args.mode == "twice":
            sock.sendto(data, addr)
            sock.sendto(data, addr)
        elif args.mode == "fixed":
            sock.sendto(args.text.encode(), addr)
        elif args.mode == "third-party":
            other.sendto(data, addr)
    if args.mode == "vanish":
        sock.close()
        os.unlink(args.host)


if __name__ == "__main__":
    main()
