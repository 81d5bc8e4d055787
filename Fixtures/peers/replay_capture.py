"""Writes the captures of letter replay's end-to-end tests with struct: a classic
microsecond pcap of raw IP (link type 101), one UDP datagram a record, recorded GAPS
milliseconds apart (comma-separated), each from 127.0.0.1 (or ::1) port 40000 to
DESTINATION:PORT (the destination ports cycle through PORTS), payload 'letter N'."""
import argparse
import ipaddress
import struct


def udp_packet(payload, source, destination, source_port, destination_port):
    udp = struct.pack("!HHHH", source_port, destination_port, 8 + len(payload), 0) + payload
    if source.version == 4:
        return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, source.packed, destination.packed) + udp
    return struct.pack("!IHBB16s16s", 6 << 28, len(udp), 17, 64, source.packed, destination.packed) + udp


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--gaps", required=True)
    p.add_argument("--destination", default="127.0.0.1")
    p.add_argument("--ports", required=True)
    args = p.parse_args()
    destination = ipaddress.ip_address(args.destination)
    source = ipaddress.ip_address("127.0.0.1" if destination.version == 4 else "::1")
    ports = [int(port) for port in args.ports.split(",")]
    gaps = [0] + [int(gap) for gap in args.gaps.split(",")]
    with open(args.out, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 101))
        milliseconds = 1_700_000_000_000
        for index, gap in enumerate(gaps):
            milliseconds += gap
            packet = udp_packet(b"letter %d" % index, source, destination, 40000, ports[index % len(ports)])
            out.write(struct.pack("<IIII", milliseconds // 1000, milliseconds % 1000 * 1000, len(packet), len(packet)))
            out.write(packet)


main()
