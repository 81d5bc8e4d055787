#!/usr/bin/env python3
"""Builds the captures the capture-reader tests read, byte by byte with struct.

Run: python3 Fixtures/captures/make_captures.py DIRECTORY   (the same files every time)

The tests read every file with tshark first, so that a test knows its own file is right,
and then with letter's reader, which must yield exactly the UDP datagrams tshark shows.

Files written into DIRECTORY:
  *.pcap, *.pcapng   the captures: every link type letter reads (Ethernet with 802.1Q and
                     QinQ tags, Linux cooked v1 and v2, raw IP, raw IPv4, raw IPv6, BSD
                     NULL and LOOP), microsecond and nanosecond pcap in both byte orders,
                     pcapng with two sections (one of each byte order), interfaces at µs,
                     ns, ms and 2^-20 s, a Simple Packet Block, a custom block and others to
                     skip; IPv4 and IPv6 fragments, one datagram with a fragment missing, a
                     record cut short, TCP, ICMP, ICMPv6 and ARP mixed in
  damaged/*          files that are not captures, or that end inside a record, or name a
                     link type letter does not read
  manifest.tsv       one line a file: NAME, then `good`, or `error KIND OFFSET` with the
                     byte offset the reader must name (KIND: notACapture, endsInsideRecord,
                     unknownLinkType, damaged)
  json/recording.jsonl  JSON Lines as letter's listen and relay write them (every --time
                     mode, with and without --bytes, internet and unix senders, escapes of
                     every kind, summary, blank, cut and reply lines)
  json/expected.tsv  what each line must read as, worked out by Python's json, datetime and
                     os.fsencode: `datagram TIME SOURCE DESTINATION PAYLOAD-HEX IS-TEXT` or
                     `skip KIND` (TIME `none` or seconds.nanoseconds; a peer as `v4 HOST PORT`,
                     `v6 HOST PORT FLOWINFO SCOPE`, `path HEX`, `abstract HEX`, `unnamed`, `none`)
"""
import datetime
import decimal
import ipaddress
import json
import os
import struct
import sys

# --- Internet checksums and headers -------------------------------------------------


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def v4(text):
    return bytes(int(part) for part in text.split("."))


def v6(text):
    return ipaddress.IPv6Address(text).packed


def udp_segment(src, dst, sport, dport, payload):
    """A UDP header and payload with its checksum over the pseudo-header of src/dst."""
    length = 8 + len(payload)
    header = struct.pack("!HHHH", sport, dport, length, 0)
    if len(src) == 4:
        pseudo = src + dst + struct.pack("!BBH", 0, 17, length)
    else:
        pseudo = src + dst + struct.pack("!IxxxB", length, 17)
    value = checksum(pseudo + header + payload) or 0xFFFF
    return struct.pack("!HHHH", sport, dport, length, value) + payload


def ipv4(src, dst, proto, body, ident=1, more=False, offset=0, options=b"", total=None):
    header_length = 20 + len(options)
    flags = (0x2000 if more else 0) | (offset // 8)
    total = header_length + len(body) if total is None else total
    header = struct.pack("!BBHHHBBH4s4s", 0x40 | header_length // 4, 0, total, ident, flags, 64, proto, 0, src, dst) + options
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + body


def ipv6(src, dst, next_header, body):
    return struct.pack("!IHBB16s16s", 6 << 28, len(body), next_header, 64, src, dst) + body


def tcp_segment(sport, dport, flags=0x02):
    return struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, 5 << 4, flags, 65535, 0, 0)


def icmp_echo(ident, seq, data=b"ping"):
    header = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data
    return header[:2] + struct.pack("!H", checksum(header)) + header[4:]


def udp4(src, dst, sport, dport, payload, **ip):
    s, d = v4(src), v4(dst)
    return ipv4(s, d, 17, udp_segment(s, d, sport, dport, payload), **ip)


def udp6(src, dst, sport, dport, payload, extensions=()):
    """IPv6 with extension headers (each a (type, bytes-after-next-header) pair) before UDP."""
    s, d = v6(src), v6(dst)
    body = udp_segment(s, d, sport, dport, payload)
    next_header = 17
    for kind, rest in reversed(extensions):
        body = bytes([next_header]) + rest + body
        next_header = kind
    return ipv6(s, d, next_header, body)


def options_header(length_units=0):
    """The bytes after next header of a hop-by-hop or destination options header: its
    length in 8-byte units less one, then PadN filling it."""
    size = (length_units + 1) * 8 - 2
    return bytes([length_units, 1, size - 2]) + b"\0" * (size - 2)


ROUTING = bytes([0, 0, 0]) + b"\0" * 4  # length 0, type 0, segments left 0, reserved
AH = bytes([4, 0, 0]) + struct.pack("!II", 0x1234, 1) + b"\xaa" * 12  # payload length 4: (4+2)*4 = 24 bytes


def fragments4(src, dst, sport, dport, payload, ident, size, order=None, drop=()):
    """The IPv4 fragments of one UDP datagram, `size` bytes of IP payload each."""
    s, d = v4(src), v4(dst)
    body = udp_segment(s, d, sport, dport, payload)
    pieces = [(offset, body[offset:offset + size]) for offset in range(0, len(body), size)]
    packets = [ipv4(s, d, 17, piece, ident=ident, more=offset + size < len(body), offset=offset) for offset, piece in pieces]
    order = order or range(len(packets))
    return [packets[index] for index in order if index not in drop]


def fragments6(src, dst, sport, dport, payload, ident, size, order=None):
    """The IPv6 fragments of one UDP datagram, behind a hop-by-hop header (unfragmentable)."""
    s, d = v6(src), v6(dst)
    body = udp_segment(s, d, sport, dport, payload)
    packets = []
    for offset in range(0, len(body), size):
        more = offset + size < len(body)
        fragment = bytes([17, 0]) + struct.pack("!HI", offset | more, ident) + body[offset:offset + size]
        packets.append(ipv6(s, d, 0, bytes([44]) + options_header() + fragment))
    order = order or range(len(packets))
    return [packets[index] for index in order]


# --- Link layers ----------------------------------------------------------------------

MAC_A, MAC_B = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")


def ethernet(packet, ethertype=None, tags=()):
    """Ethernet II; `tags` are (TPID, VLAN id) pairs, outermost first."""
    ethertype = ethertype or (0x0800 if packet[0] >> 4 == 4 else 0x86DD)
    frame = MAC_A + MAC_B
    for tpid, vid in tags:
        frame += struct.pack("!HH", tpid, vid)
    return frame + struct.pack("!H", ethertype) + packet


def arp():
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, MAC_B, v4("192.0.2.2"), b"\0" * 6, v4("192.0.2.1"))
    return ethernet(body, ethertype=0x0806)


def sll(packet, protocol=None):
    protocol = protocol or (0x0800 if packet[0] >> 4 == 4 else 0x86DD)
    return struct.pack("!HHH8sH", 0, 1, 6, MAC_A + b"\0\0", protocol) + packet


def sll2(packet, protocol=None):
    protocol = protocol or (0x0800 if packet[0] >> 4 == 4 else 0x86DD)
    return struct.pack("!HHIHBB8s", protocol, 0, 1, 1, 0, 6, MAC_A + b"\0\0") + packet


def null(packet, family, order="<"):
    return struct.pack(order + "I", family) + packet


def loop(packet, family):
    return struct.pack("!I", family) + packet


# --- pcap and pcapng ------------------------------------------------------------------


def pcap(records, link, order="<", nanosecond=False, snaplen=262144):
    """records: (seconds, fraction, frame[, original length]). Returns the file and the
    offset of each record."""
    magic = 0xA1B23C4D if nanosecond else 0xA1B2C3D4
    out = bytearray(struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, snaplen, link))
    offsets = []
    for record in records:
        seconds, fraction, frame = record[:3]
        original = record[3] if len(record) > 3 else len(frame)
        offsets.append(len(out))
        out += struct.pack(order + "IIII", seconds, fraction, len(frame), original) + frame
    return bytes(out), offsets


def pad4(data):
    return data + b"\0" * (-len(data) % 4)


def option(order, code, value):
    return struct.pack(order + "HH", code, len(value)) + pad4(value)


END_OF_OPTIONS = b"\0\0\0\0"


def block(order, kind, body):
    body = pad4(body)
    length = 12 + len(body)
    return struct.pack(order + "II", kind, length) + body + struct.pack(order + "I", length)


def section_header(order, options=b""):
    return block(order, 0x0A0D0D0A, struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1) + options)


def interface(order, link, resolution=None, snaplen=0, offset_seconds=None):
    options = b""
    if resolution is not None:
        options += option(order, 9, bytes([resolution]))
    if offset_seconds is not None:
        options += option(order, 14, struct.pack(order + "q", offset_seconds))
    options += option(order, 2, b"if%d" % link)  # if_name: an option to step over
    return block(order, 1, struct.pack(order + "HHI", link, 0, snaplen) + options + END_OF_OPTIONS)


def enhanced(order, interface_id, units, frame, original=None, comment=None):
    original = len(frame) if original is None else original
    options = option(order, 1, comment) + END_OF_OPTIONS if comment else b""
    body = struct.pack(order + "IIIII", interface_id, units >> 32, units & 0xFFFFFFFF, len(frame), original) + pad4(frame) + options
    return block(order, 6, body)


def simple(order, frame):
    return block(order, 3, struct.pack(order + "I", len(frame)) + pad4(frame))


# --- The captures -----------------------------------------------------------------------

T0 = 1764426735  # 2025-11-29T14:32:15Z


def payload(index, size):
    """Bytes that differ from datagram to datagram and cover every byte value."""
    return bytes((index * 37 + position * 11) & 0xFF for position in range(size))


def mixed_ethernet():
    """Frames for Ethernet captures: UDP of both families, tags, options, fragments, and
    everything that is not UDP. Each item is (frame, original length or None)."""
    frames = [
        ethernet(udp4("192.0.2.1", "198.51.100.7", 40000, 9000, b"hello")),
        ethernet(udp6("2001:db8::1", "2001:db8::7", 40001, 9001, "你好".encode())),
        ethernet(udp4("192.0.2.1", "198.51.100.7", 40002, 9002, payload(1, 64), options=b"\x01\x01\x01\x00")),  # IHL 6
        ethernet(udp4("192.0.2.3", "198.51.100.8", 40003, 9003, payload(2, 33)), tags=[(0x8100, 10)]),
        ethernet(udp6("2001:db8::3", "2001:db8::8", 40004, 9004, payload(3, 48)), tags=[(0x88A8, 100), (0x8100, 20)]),
        ethernet(ipv4(v4("192.0.2.1"), v4("198.51.100.7"), 6, tcp_segment(40005, 80))),
        ethernet(udp4("192.0.2.1", "198.51.100.7", 40006, 9006, b"")),
        ethernet(ipv4(v4("192.0.2.1"), v4("198.51.100.7"), 1, icmp_echo(7, 1))),
        arp(),
        ethernet(udp6("2001:db8::1", "2001:db8::7", 40007, 9007, payload(4, 21),
                      extensions=[(0, options_header()), (43, ROUTING), (60, options_header(1)), (51, AH)])),
        ethernet(ipv6(v6("2001:db8::1"), v6("2001:db8::7"), 58, struct.pack("!BBHHH", 128, 0, 0, 1, 1))),
    ]
    items = [(frame, None) for frame in frames]
    # A datagram of 3,000 bytes in three IPv4 fragments, in order.
    items += [(ethernet(packet), None) for packet in fragments4("192.0.2.5", "198.51.100.9", 40010, 9010, payload(5, 3000), 0x4242, 1480)]
    # A record cut short: 60 bytes kept of a 1,042-byte frame.
    long_frame = ethernet(udp4("192.0.2.1", "198.51.100.7", 40011, 9011, payload(6, 1000)))
    items.append((long_frame[:60], len(long_frame)))
    # Records cut by 4 bytes past the datagram (a frame check sequence not kept): still
    # records the capture cut short.
    for frame in (ethernet(udp4("192.0.2.1", "198.51.100.7", 40015, 9015, b"whole, but cut")),
                  ethernet(udp6("2001:db8::1", "2001:db8::7", 40016, 9016, b"whole, but cut"))):
        items.append((frame, len(frame) + 4))
    # A datagram of 4,000 bytes in IPv6 fragments of 1,232 bytes, the last first.
    items += [(ethernet(packet), None) for packet in fragments6("2001:db8::5", "2001:db8::9", 40012, 9012, payload(7, 4000), 0x77, 1232, order=[3, 0, 1, 2])]
    # A datagram whose middle fragment is missing: never complete.
    items += [(ethernet(packet), None) for packet in fragments4("192.0.2.6", "198.51.100.9", 40013, 9013, payload(8, 3000), 0x4343, 1480, drop=(1,))]
    items.append((ethernet(udp4("192.0.2.1", "198.51.100.7", 40014, 9014, b"last")), None))
    return items


def timed(items, step_us=100_000, nanosecond=False):
    """pcap records: one every `step_us`, with a sub-microsecond part when nanosecond."""
    records = []
    for index, (frame, original) in enumerate(items):
        micro = index * step_us + 123
        fraction = (micro % 1_000_000) * 1000 + 456 if nanosecond else micro % 1_000_000
        record = (T0 + micro // 1_000_000, fraction, frame)
        records.append(record + ((original,) if original else ()))
    return records


def packets_v4_v6():
    """Network-layer packets for the other link types: UDP of both families and not UDP."""
    return [
        udp4("10.0.0.1", "10.0.0.2", 5000, 6000, b"over v4"),
        udp6("fe80::1", "ff02::1", 5001, 6001, b"over v6"),
        ipv4(v4("10.0.0.1"), v4("10.0.0.2"), 6, tcp_segment(5002, 22)),
        udp4("10.0.0.3", "10.0.0.4", 5003, 6003, payload(9, 200)),
        udp4("10.0.0.5", "10.0.0.6", 5005, 6005, payload(10, 65507)),  # the largest: past a 64 KiB read
    ]


def captures():
    """Every file by name (the json recording aside), and the manifest's lines."""
    files = {}
    manifest = []
    mixed = mixed_ethernet()
    files["ethernet-usec-le.pcap"], _ = pcap(timed(mixed), 1, "<")
    files["ethernet-usec-be.pcap"], _ = pcap(timed(mixed), 1, ">")
    files["ethernet-nsec-le.pcap"], _ = pcap(timed(mixed, nanosecond=True), 1, "<", nanosecond=True)
    files["ethernet-nsec-be.pcap"], offsets = pcap(timed(mixed, nanosecond=True), 1, ">", nanosecond=True)

    packets = packets_v4_v6()
    v4_only = [p for p in packets if p[0] >> 4 == 4]
    v6_only = [p for p in packets if p[0] >> 4 == 6] + [ipv6(v6("::1"), v6("::1"), 6, tcp_segment(5004, 22))]
    files["sll.pcap"], _ = pcap(timed([(sll(p), None) for p in packets] + [(sll(arp()[14:], 0x0806), None)]), 113)
    files["sll2.pcap"], _ = pcap(timed([(sll2(p), None) for p in packets] + [(sll2(arp()[14:], 0x0806), None)]), 276, ">")
    files["raw.pcap"], _ = pcap(timed([(p, None) for p in packets]), 101)
    files["raw-ipv4.pcap"], _ = pcap(timed([(p, None) for p in v4_only]), 228, nanosecond=True)
    files["raw-ipv6.pcap"], _ = pcap(timed([(p, None) for p in v6_only]), 229, ">")
    # NULL: the family in the capturing host's byte order, here little-endian, except for
    # one record written by a big-endian host (a reader must swap it back); 24, 28 and 30
    # are IPv6 on NetBSD, FreeBSD and macOS; 7 is no family a reader knows.
    null_records = [null(packets[0], 2), null(packets[1], 24), null(packets[1], 28), null(packets[1], 30),
                    null(packets[2], 2), null(packets[3], 2, ">"), null(packets[0], 7), null(packets[4], 2)]
    files["null.pcap"], _ = pcap(timed([(frame, None) for frame in null_records]), 0)
    files["loop.pcap"], _ = pcap(timed([(loop(packets[0], 2), None), (loop(packets[1], 24), None), (loop(packets[2], 2), None)]), 108, ">")

    # pcapng: a little-endian section with interfaces at µs (the default), ns and ms, then
    # a big-endian one at 2^-20 s with a time offset.
    le, be = "<", ">"
    shb_options = option(le, 4, b"letter's make_captures.py") + END_OF_OPTIONS
    first = [section_header(le, shb_options), interface(le, 1), interface(le, 228, resolution=9), interface(le, 276, resolution=3)]
    second_time = T0 + 3
    first += [
        enhanced(le, 0, T0 * 10**6 + 250_001, ethernet(udp4("192.0.2.1", "198.51.100.7", 41000, 9100, b"usec"))),
        enhanced(le, 1, T0 * 10**9 + 500_000_123, udp4("192.0.2.2", "198.51.100.7", 41001, 9101, b"nsec"), comment=b"a comment to step over"),
        enhanced(le, 2, (T0 + 1) * 10**3 + 7, sll2(udp6("2001:db8::2", "2001:db8::7", 41002, 9102, b"msec"))),
        simple(le, ethernet(udp4("192.0.2.9", "198.51.100.7", 41003, 9103, b"simple, no time"))),
        block(le, 0x00000BAD, struct.pack(le + "I", 32473) + b"custom block data"),  # a custom block (PEN 32473)
        block(le, 5, struct.pack(le + "III", 0, T0 >> 32, T0 & 0xFFFFFFFF) + END_OF_OPTIONS),  # interface statistics
        enhanced(le, 2, (T0 + 2) * 10**3, sll2(ipv4(v4("192.0.2.2"), v4("198.51.100.7"), 6, tcp_segment(41004, 80)))),
    ]
    second = [section_header(be), interface(be, 101, resolution=0x80 | 20, offset_seconds=second_time),
              enhanced(be, 0, (1 << 20) * 2 + (1 << 19), udp4("192.0.2.3", "198.51.100.7", 41005, 9105, b"second section")),
              enhanced(be, 0, (1 << 20) * 3 + 1, udp6("2001:db8::3", "2001:db8::7", 41006, 9106, b"binary fraction"))]
    files["sections.pcapng"] = b"".join(first + second)

    for name in files:
        manifest.append((name, "good"))

    # Damaged files: what the reader must say, and where.
    damaged = {}
    whole = files["ethernet-nsec-be.pcap"]
    cut_record = 3
    damaged["damaged/cut-inside-record.pcap"] = (whole[:offsets[cut_record] + 30], "endsInsideRecord", offsets[cut_record])
    damaged["damaged/cut-inside-header.pcap"] = (whole[:offsets[cut_record] + 9], "endsInsideRecord", offsets[cut_record])
    damaged["damaged/cut-file-header.pcap"] = (whole[:20], "endsInsideRecord", 0)
    damaged["damaged/text.txt"] = (b"this is a text file, not a capture\n", "notACapture", 0)
    damaged["damaged/empty"] = (b"", "notACapture", 0)
    wifi, _ = pcap(timed([(b"\0" * 24, None)]), 105)
    damaged["damaged/wifi.pcap"] = (wifi, "unknownLinkType", 20)
    sections = files["sections.pcapng"]
    end_of_first = len(b"".join(first))
    # Cut 12 bytes into the second section's Interface Description Block.
    second_interface = end_of_first + len(second[0])
    damaged["damaged/cut-inside-block.pcapng"] = (sections[:second_interface + 12], "endsInsideRecord", second_interface)
    # A block whose trailing length disagrees with its leading one: the first Enhanced
    # Packet Block.
    broken = bytearray(sections)
    start = sum(len(b) for b in first[:4])
    length = struct.unpack("<I", broken[start + 4:start + 8])[0]
    broken[start + length - 4:start + length] = struct.pack("<I", length + 4)
    damaged["damaged/bad-trailer.pcapng"] = (bytes(broken), "damaged", start)
    for name, (data, kind, offset) in damaged.items():
        files[name] = data
        manifest.append((name, "error %s %d" % (kind, offset)))
    return files, manifest


def build(directory):
    files, manifest = captures()
    os.makedirs(os.path.join(directory, "damaged"), exist_ok=True)
    for name, data in files.items():
        with open(os.path.join(directory, name), "wb") as out:
            out.write(data)
    with open(os.path.join(directory, "manifest.tsv"), "w") as out:
        for name, expectation in manifest:
            out.write("%s\t%s\n" % (name, expectation))

    os.makedirs(os.path.join(directory, "json"), exist_ok=True)
    lines, expected = recording()
    with open(os.path.join(directory, "json", "recording.jsonl"), "wb") as out:
        out.write(lines)
    with open(os.path.join(directory, "json", "expected.tsv"), "w") as out:
        out.write(expected)


# --- JSON Lines -------------------------------------------------------------------------


class Raw(str):
    """A value written as it stands: letter's numbers (six decimals), not a Python float."""


def json_line(fields, ascii_only=False):
    """One object as letter writes it: `{"key": value, ...}` in the given order."""
    parts = []
    for key, value in fields:
        text = value if isinstance(value, Raw) else json.dumps(value, ensure_ascii=ascii_only)
        parts.append("%s: %s" % (json.dumps(key), text))
    return "{" + ", ".join(parts) + "}"


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def epoch_time(written):
    """The instant of a `time` value, exactly: seconds and nanoseconds."""
    if isinstance(written, Raw):
        value = decimal.Decimal(written)
        seconds = int(value)
        return "%d.%09d" % (seconds, int((value - seconds) * 10**9))
    micro = (datetime.datetime.fromisoformat(written) - EPOCH) // datetime.timedelta(microseconds=1)
    return "%d.%09d" % (micro // 10**6, micro % 10**6 * 1000)


def inet_fields(prefix, host, port, flowinfo=None, scope_id=None):
    fields = [(prefix + "host", host), (prefix + "port", port)]
    if flowinfo is not None:
        fields += [(prefix + "flowinfo", flowinfo), (prefix + "scope_id", scope_id)]
    return fields


def peer_text(fields, prefix=""):
    values = dict(fields)
    if prefix + "host" in values:
        address = ipaddress.ip_address(values[prefix + "host"])
        if address.version == 4:
            return "v4 %s %d" % (address, values[prefix + "port"])
        return "v6 %s %d %d %d" % (address, values[prefix + "port"], values.get(prefix + "flowinfo", 0), values.get(prefix + "scope_id", 0))
    path = values[prefix + "path"]
    if path is None:
        return "unnamed"
    if values.get(prefix + "abstract"):
        return "abstract " + os.fsencode(path[1:]).hex()
    return "path " + os.fsencode(path).hex()


def recording():
    """The lines and what each must read as."""
    lines, expected = [], []

    def datagram(sender, payload, time=None, text=None, to=None, ascii_only=False, hexed=True):
        text = payload.decode("utf-8", "replace") if text is None else text
        fields = list(sender)
        if to is not None:
            fields += to + [("direction", "request")]
        fields.append(("size", len(payload)))
        if time is not None:
            fields.append(("time", time))
        fields.append(("text", text))
        if hexed:
            fields.append(("hex", payload.hex()))
        lines.append(json_line(fields, ascii_only))
        destination = peer_text(to, "to_") if to is not None else "none"
        body, is_text = (payload, 0) if hexed else (text.encode("utf-8", "surrogatepass"), 1)
        expected.append("datagram\t%s\t%s\t%s\t%s\t%d" % (
            epoch_time(time) if time is not None else "none", peer_text(sender), destination, body.hex(), is_text))

    v4_sender = inet_fields("", "127.0.0.1", 54321)
    v6_sender = inet_fields("", "fe80::1", 5353, 7, 2)
    # --time epoch, elapsed, iso (offsets east, west, with minutes, with seconds), utc.
    datagram(v4_sender, b"hello", Raw("1764426735.123456"))
    datagram(v4_sender, bytes(range(256)), Raw("12.000345"))
    datagram(v6_sender, "你好".encode(), "2026-11-29T22:32:15.123456+08:00")
    datagram(v6_sender, b"", "2026-11-29T10:02:15.000001-03:30")
    datagram(v4_sender, b"\xff\xfe", "2026-02-28T23:59:59.999999+05:45")
    datagram(v4_sender, b"x", "1971-01-01T00:44:30.000000+00:44:30")
    datagram(v4_sender, b"utc", "2024-02-29T14:32:15.500000Z")
    # No time; text only (to be encoded with -e): escapes, and astral characters as
    # surrogate pairs when written as ASCII.
    datagram(v4_sender, b"", text="tab\there \x1b[31m \u202e 😀 \"q\" \\", hexed=False, ascii_only=True)
    datagram(v4_sender, b"", text="raw 😀 é", hexed=False)
    lines.append("")
    # Unix senders: a path that is not UTF-8 (Python writes \udcff), an abstract name, none.
    datagram([("path", "/tmp/\udcffx.sock")], b"from a path", Raw("1.500000"), ascii_only=True)
    datagram([("path", "@letter-name"), ("abstract", True)], b"abstract", Raw("2.000000"))
    datagram([("path", None)], b"unnamed", Raw("3.000000"))
    # A datagram the kernel cut, a ping summary, and relay's requests and replies.
    lines.append(json_line(v4_sender + [("size", 4), ("truncated_from", 2000), ("time", Raw("4.000000")), ("text", "abcd"), ("hex", "61626364")]))
    expected.append("skip\tcutShort")
    lines.append(json_line([("summary", True), ("sent", 3), ("received", 3), ("loss_pct", Raw("0")), ("rtt_min_ms", None)]))
    datagram(v4_sender, b"request", Raw("5.000000"), to=inet_fields("to_", "::1", 9000, 0, 0))
    lines.append(json_line(inet_fields("", "::1", 9000, 0, 0) + inet_fields("to_", "127.0.0.1", 54321) + [
        ("direction", "reply"), ("size", 5), ("time", Raw("5.100000")), ("text", "reply"), ("hex", "7265706c79")]))
    expected.append("skip\treply")
    datagram(v4_sender, b"to a socket", Raw("6.000000"), to=[("to_path", "/run/app.sock")])
    return "".join(line + "\n" for line in lines).encode("utf-8", "surrogatepass"), "".join(row + "\n" for row in expected)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_captures.py DIRECTORY")
    build(sys.argv[1])
