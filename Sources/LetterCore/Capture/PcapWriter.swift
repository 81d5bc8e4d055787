/// Writes received datagrams as a classic pcap capture (libpcap's file format) that
/// Wireshark, tshark and tcpdump read: a 24-byte file header, then per datagram a
/// 16-byte record header and the datagram as it was on the wire — an IPv4 or IPv6
/// header and a UDP header made for it (LINKTYPE_RAW), then the payload. Every header
/// is filled in one reused buffer and appended whole, so a record allocates nothing
/// once `out` has grown to hold it.
public struct PcapWriter {
    /// The nanosecond-resolution magic: readers take record times as nanoseconds.
    static let magic: UInt32 = 0xa1b2_3c4d
    /// The largest record a reader must accept; no UDP datagram comes near it.
    static let snapLength: UInt32 = 262_144
    /// LINKTYPE_RAW: each record starts with its IP header, version 4 or 6.
    static let linkTypeRaw: UInt32 = 101
    /// Record header, the larger IP header (IPv6) and the UDP header.
    private static let recordHeaderSize = 16, udpHeaderSize = 8
    /// The record header, IP header and UDP header of the record being made.
    private var headers = [UInt8](repeating: 0, count: recordHeaderSize + 40 + udpHeaderSize)

    public init() {}

    /// Appends the file header: the magic, version 2.4, time zone and accuracy 0, the
    /// snapshot length and the link type, in this host's byte order (readers tell the
    /// order by the magic).
    public static func appendFileHeader(to out: inout [UInt8]) {
        var header = [UInt8](repeating: 0, count: 24)
        header.storeHostOrder(magic, at: 0)
        header.storeHostOrder(UInt16(2), at: 4)
        header.storeHostOrder(UInt16(4), at: 6)
        // thiszone and sigfigs (offsets 8 and 12) stay 0: times are UTC.
        header.storeHostOrder(snapLength, at: 16)
        header.storeHostOrder(linkTypeRaw, at: 20)
        out.append(contentsOf: header)
    }

    /// Appends the record of one datagram received at `time` from `source`, sent to
    /// `destination` (the local address and port it arrived at). `payload` is what was
    /// received of it and `fullLength` its real length: a datagram the kernel cut is
    /// recorded as tcpdump records one its snapshot length cut — the real length in the
    /// record's original length and in the IP and UDP length fields, the bytes kept in
    /// its captured length, and UDP checksum 0, since the missing bytes count in it.
    /// IPv4-mapped IPv6 addresses (a dual-stack socket's IPv4 peers) are recorded as
    /// IPv4, as the datagram was on the wire.
    ///
    /// Returns false, appending nothing, for what no UDP datagram can be: two ends
    /// that are not of one IP family (a unix socket, IPv4 with a true IPv6 address), a
    /// length over what the IP header can say, or fewer bytes in all than received.
    public mutating func append(payload: ArraySlice<UInt8>, fullLength: Int, time: Timestamp,
                                source: Peer, destination: Peer, to out: inout [UInt8]) -> Bool {
        guard fullLength >= payload.count, let ends = IPEnds(source: source, destination: destination) else { return false }
        let udpLength = Self.udpHeaderSize + fullLength
        let ipHeaderSize: Int
        var checksum = InternetChecksum()
        switch ends {
        case .v4(let from, let to):
            ipHeaderSize = 20
            guard ipHeaderSize + udpLength <= 0xffff else { return false }
            fillIPv4Header(from: from, to: to, totalLength: ipHeaderSize + udpLength)
            // The pseudo-header: addresses, protocol and UDP length.
            checksum.add(from)
            checksum.add(to)
        case .v6(let from, let to):
            ipHeaderSize = 40
            guard udpLength <= 0xffff else { return false }
            fillIPv6Header(from: from, to: to, payloadLength: udpLength)
            checksum.add(from.high)
            checksum.add(from.low)
            checksum.add(to.high)
            checksum.add(to.low)
        }
        let udp = Self.recordHeaderSize + ipHeaderSize
        headers.storeBigEndian(source.port, at: udp)
        headers.storeBigEndian(destination.port, at: udp + 2)
        headers.storeBigEndian(UInt16(udpLength), at: udp + 4)
        var udpChecksum: UInt16 = 0
        if payload.count == fullLength {
            checksum.add(UInt16(17))
            checksum.add(UInt16(udpLength))
            checksum.add(source.port)
            checksum.add(destination.port)
            checksum.add(UInt16(udpLength))
            checksum.add(payload)
            // A sum of 0 is sent as 0xffff: 0 in the field means "no checksum" (IPv4).
            let value = checksum.value
            udpChecksum = value == 0 ? 0xffff : value
        }
        headers.storeBigEndian(udpChecksum, at: udp + 6)

        let headerBytes = ipHeaderSize + Self.udpHeaderSize
        headers.storeHostOrder(UInt32(truncatingIfNeeded: time.seconds), at: 0)
        headers.storeHostOrder(UInt32(truncatingIfNeeded: time.nanoseconds), at: 4)
        headers.storeHostOrder(UInt32(headerBytes + payload.count), at: 8)
        headers.storeHostOrder(UInt32(headerBytes + fullLength), at: 12)
        out.append(contentsOf: headers[0..<Self.recordHeaderSize + headerBytes])
        out.append(contentsOf: payload)
        return true
    }

    /// Version 4, header length 5 words, TOS 0, identification 0, Don't Fragment (a
    /// datagram received whole), TTL 64, protocol 17 (UDP), and the header checksum.
    private mutating func fillIPv4Header(from: UInt32, to: UInt32, totalLength: Int) {
        let ip = Self.recordHeaderSize
        headers.storeBigEndian(UInt16(0x4500), at: ip)
        headers.storeBigEndian(UInt16(totalLength), at: ip + 2)
        headers.storeBigEndian(UInt32(0x0000_4000), at: ip + 4)
        headers.storeBigEndian(UInt16(64 << 8 | 17), at: ip + 8)
        headers.storeBigEndian(from, at: ip + 12)
        headers.storeBigEndian(to, at: ip + 16)
        var checksum = InternetChecksum()
        checksum.add(UInt16(0x4500))
        checksum.add(UInt16(totalLength))
        checksum.add(UInt32(0x0000_4000))
        checksum.add(UInt16(64 << 8 | 17))
        checksum.add(from)
        checksum.add(to)
        headers.storeBigEndian(checksum.value, at: ip + 10)
    }

    /// Version 6, traffic class and flow label 0, the payload length (UDP header and
    /// data), next header 17 (UDP), hop limit 64.
    private mutating func fillIPv6Header(from: IPv6Bytes, to: IPv6Bytes, payloadLength: Int) {
        let ip = Self.recordHeaderSize
        headers.storeBigEndian(UInt32(0x6000_0000), at: ip)
        headers.storeBigEndian(UInt16(payloadLength), at: ip + 4)
        headers.storeBigEndian(UInt16(17 << 8 | 64), at: ip + 6)
        headers.storeBigEndian(from.high, at: ip + 8)
        headers.storeBigEndian(from.low, at: ip + 16)
        headers.storeBigEndian(to.high, at: ip + 24)
        headers.storeBigEndian(to.low, at: ip + 32)
    }
}

/// A record's two addresses in one IP family.
private enum IPEnds {
    case v4(UInt32, UInt32)
    case v6(IPv6Bytes, IPv6Bytes)

    /// IPv4 when both ends are IPv4 or IPv4-mapped IPv6, IPv6 when both are true IPv6;
    /// nil for anything else.
    init?(source: Peer, destination: Peer) {
        switch (source.ipv4Address, destination.ipv4Address) {
        case (let from?, let to?):
            self = .v4(from, to)
        case (nil, nil):
            guard case .v6(let from, _, _, _) = source, case .v6(let to, _, _, _) = destination else { return nil }
            self = .v6(from, to)
        default:
            return nil
        }
    }
}

private extension Peer {
    /// The IPv4 address as a number (the first octet highest) of an IPv4 peer or of an
    /// IPv4-mapped IPv6 one (`::ffff:a.b.c.d`); nil otherwise.
    var ipv4Address: UInt32? {
        switch self {
        case .v4(let octets, _):
            return UInt32(octets.0) << 24 | UInt32(octets.1) << 16 | UInt32(octets.2) << 8 | UInt32(octets.3)
        case .v6(let bytes, _, _, _) where bytes.isIPv4Mapped:
            return UInt32(truncatingIfNeeded: bytes.low)
        default:
            return nil
        }
    }
}

private extension [UInt8] {
    /// Stores `value` at `offset` in network byte order (the most significant byte first).
    mutating func storeBigEndian<Value: FixedWidthInteger & UnsignedInteger>(_ value: Value, at offset: Int) {
        for index in 0..<Value.bitWidth / 8 {
            self[offset + index] = UInt8(truncatingIfNeeded: value >> (Value.bitWidth - 8 * (index + 1)))
        }
    }

    /// Stores `value` at `offset` in this host's byte order, as libpcap writes its headers.
    mutating func storeHostOrder<Value: FixedWidthInteger & UnsignedInteger>(_ value: Value, at offset: Int) {
        // The big-endian bytes of the byte-swapped value are the value's little-endian bytes.
        storeBigEndian(hostIsLittleEndian ? value.byteSwapped : value, at: offset)
    }
}

/// `littleEndian` is the identity only on a little-endian host.
private let hostIsLittleEndian = UInt16(1).littleEndian == 1
