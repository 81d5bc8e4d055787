#!/usr/bin/env python3
"""Services that answer `letter send -w` in the ways its reply checks must handle.

  reply_server.py MODE [--text TEXT] [--times N] [--gap SEC] [--timeout SEC]

Prints "listening on ADDR" (repr of getsockname()) to stderr, waits for one datagram,
answers it as MODE says, and prints to stdout, for each reply letter must print, the line
`letter send -w` prints for it in the text format (the reply's text, a space, and the
address it came from as Python's recvfrom would return it: repr of the answering
socket's getsockname()). MODE:
  answer        TEXT from the service's own socket, --times times, --gap seconds apart
  new-port      TEXT from a new socket on the same address (a TFTP server's answer)
  third-party   first a datagram from another address (127.0.0.2), then TEXT from the
                service: only TEXT is a reply (the third party's line is not printed)
  silent        never answers
  broadcast     --times responders share the port on every address (SO_REUSEADDR); each
                answers the broadcast from its own address, 127.0.0.(N+2), with TEXT N
"""
import argparse
import socket
import sys
import time


def udp(host, port=0, reuse=False):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if reuse:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def expected(text, sock):
    print(text + " " + repr(sock.getsockname()), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["answer", "new-port", "third-party", "silent", "broadcast"])
    parser.add_argument("--text", default="pong")
    parser.add_argument("--times", type=int, default=1)
    parser.add_argument("--gap", type=float, default=0)
    parser.add_argument("--timeout", type=float, default=10)
    args = parser.parse_args()
    if args.mode == "broadcast":
        first = udp("0.0.0.0", reuse=True)
        port = first.getsockname()[1]
        listeners = [first] + [udp("0.0.0.0", port, reuse=True) for _ in range(args.times - 1)]
    else:
        listeners = [udp("127.0.0.1")]
    for sock in listeners:
        sock.settimeout(args.timeout)
    print("listening on", repr(listeners[0].getsockname()), file=sys.stderr, flush=True)
    for index, sock in enumerate(listeners):
        data, addr = sock.recvfrom(65535)
        print("request", repr(data), file=sys.stderr, flush=True)
        if args.mode == "answer":
            for time_index in range(args.times):
                if time_index:
                    time.sleep(args.gap)
                sock.sendto(args.text.encode(), addr)
                expected(args.text, sock)
        elif args.mode == "new-port":
            answer = udp("127.0.0.1")
            answer.sendto(args.text.encode(), addr)
            expected(args.text, answer)
        elif args.mode == "third-party":
            udp("127.0.0.2").sendto(b"not the service", addr)
            time.sleep(0.2)
            sock.sendto(args.text.encode(), addr)
            expected(args.text, sock)
        elif args.mode == "broadcast":
            device = udp("127.0.0.%d" % (index + 2))
            text = "%s %d" % (args.text, index + 1)
            device.sendto(text.encode(), addr)
            expected(text, device)


if __name__ == "__main__":
    main()
