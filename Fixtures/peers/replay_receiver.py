"""The far end of letter replay's end-to-end tests: binds a UDP (or unix datagram)
socket, prints its port (or 'ready') on one line, then receives until COUNT datagrams
came or TIMEOUT seconds passed with none, and prints one line per datagram: the kernel's
receive time in nanoseconds (SO_TIMESTAMPNS) and the payload in hex."""
import argparse
import socket
import struct
import sys

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--unix")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--timeout", type=float, default=5)
    args = p.parse_args()
    if args.unix:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(args.unix)
        print("ready", flush=True)
    else:
        family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.bind((args.host, args.port))
        print(s.getsockname()[1], flush=True)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.settimeout(args.timeout)
    lines = []
    try:
        while len(lines) < args.count:
            data, ancillary, _, _ = s.recvmsg(65535, 64)
            stamp = next(d for level, kind, d in ancillary if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS)
            seconds, nanoseconds = struct.unpack("qq", stamp[:16])
            lines.append(f"{seconds * 1_000_000_000 + nanoseconds} {data.hex()}")
    except socket.timeout:
        pass
    sys.stdout.write("".join(line + "\n" for line in lines))


main()
