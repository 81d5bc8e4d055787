"""The far end of letter replay's end-to-end tests: binds a UDP (or unix datagram)
socket, prints its port (or 'ready') on one line, then receives until COUNT datagrams
came, or the datagram whose payload is END (hex; not printed) came, or TIMEOUT seconds
passed with none, and prints one line per datagram: the kernel's receive time in
nanoseconds (SO_TIMESTAMPNS) and the payload in hex, then with --sender the sender as
HOST,PORT (or the unix name's repr), and with --ttl the TTL (IPv6: hop limit) it
arrived with (IP_RECVTTL / IPV6_RECVHOPLIMIT). --unix @NAME binds an abstract name;
--join GROUP joins an IPv4 multicast group on the loopback interface."""
import argparse
import socket
import struct
import sys

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
IP_RECVTTL = getattr(socket, "IP_RECVTTL", 12)  # 12 on Linux, absent from some builds
IP_TTL = getattr(socket, "IP_TTL", 2)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--unix")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--timeout", type=float, default=5)
    p.add_argument("--end")
    p.add_argument("--sender", action="store_true")
    p.add_argument("--ttl", action="store_true")
    p.add_argument("--join")
    args = p.parse_args()
    if args.unix:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind("\0" + args.unix[1:] if args.unix.startswith("@") else args.unix)
        print("ready", flush=True)
    else:
        family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.bind((args.host, args.port))
        if args.join:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                         socket.inet_aton(args.join) + struct.pack("@i", 0) + struct.pack("@i", socket.if_nametoindex("lo")))
        if args.ttl:
            if family == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVHOPLIMIT, 1)
            else:
                s.setsockopt(socket.IPPROTO_IP, IP_RECVTTL, 1)
        print(s.getsockname()[1], flush=True)
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.settimeout(args.timeout)
    end = bytes.fromhex(args.end) if args.end else None
    lines = []
    try:
        while len(lines) < args.count:
            data, ancillary, _, sender = s.recvmsg(65535, 256)
            if data == end:
                break
            stamp = next(d for level, kind, d in ancillary if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS)
            seconds, nanoseconds = struct.unpack("qq", stamp[:16])
            line = f"{seconds * 1_000_000_000 + nanoseconds} {data.hex()}"
            if args.sender:
                line += " " + (f"{sender[0]},{sender[1]}" if isinstance(sender, tuple) else repr(sender).replace(" ", ""))
            if args.ttl:
                hops = next(d for level, kind, d in ancillary
                            if (level, kind) in ((socket.IPPROTO_IP, IP_TTL), (socket.IPPROTO_IPV6, socket.IPV6_HOPLIMIT)))
                line += " " + str(struct.unpack("@i", hops[:4])[0])
            lines.append(line)
    except socket.timeout:
        pass
    sys.stdout.write("".join(line + "\n" for line in lines))


main()
