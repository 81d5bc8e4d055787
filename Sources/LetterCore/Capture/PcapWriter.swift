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
    private static let recordHeaderSize = 16, udpHeaderSize = 8
    /// Room for the record header, the larger IP header (IPv6) and the UDP header.
    private static let headersSize = recordHeaderSize + 40 + udpHeaderSize
    /// The record header, IP header and UDP header of the record being made.
    private var headers = [UInt8](repeating: 0, count: headersSize)

    public init() {}

    /// Appends the file header: the magic, version 2.4, time zone and accuracy 0, the
    /// snapshot length and the link type, in this host's byte order (readers tell the
    /// order by the magic).
    public static func appendFileHeader(to out: inout [UInt8]) {
        var header = [UInt8](repeating: 0, count: 24)
        var span = header.mutableSpan
        span.storeHostOrder(magic, at: 0)
        span.storeHostOrder(UInt16(2), at: 4)
        span.storeHostOrder(UInt16(4), at: 6)
        // thiszone and sigfigs (offsets 8 and 12) stay 0: times are UTC.
        span.storeHostOrder(snapLength, at: 16)
        span.storeHostOrder(linkTypeRaw, at: 20)
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
        let ipHeaderSize = ends.isIPv4 ? 20 : 40
        // The IPv4 header counts itself in its length; IPv6 counts only what follows it.
        guard udpLength + (ends.isIPv4 ? ipHeaderSize : 0) <= 0xffff else { return false }
        let headerBytes = ipHeaderSize + Self.udpHeaderSize
        // One uniqueness check of the buffer for all the stores below.
        var span = headers.mutableSpan
        // Never false (the buffer is made that size): it lets the compiler drop the
        // bounds check of every store below.
        guard span.count == Self.headersSize else { return false }
        span.storeHostOrder(UInt32(truncatingIfNeeded: time.seconds), at: 0)
        span.storeHostOrder(UInt32(truncatingIfNeeded: time.nanoseconds), at: 4)
        span.storeHostOrder(UInt32(headerBytes + payload.count), at: 8)
        span.storeHostOrder(UInt32(headerBytes + fullLength), at: 12)

        let ip = Self.recordHeaderSize
        // The UDP checksum covers a pseudo-header: the addresses, protocol and UDP length.
        var checksum = InternetChecksum()
        switch ends.addresses {
        case .v4(let from, let to):
            // Version 4, header length 5 words, TOS 0, identification 0, Don't Fragment
            // (a datagram received whole), TTL 64, protocol 17, then the header checksum.
            let totalLength = UInt16(20 + udpLength)
            span.storeBigEndian(UInt16(0x4500), at: ip)
            span.storeBigEndian(totalLength, at: ip + 2)
            span.storeBigEndian(UInt32(0x0000_4000), at: ip + 4)
            span.storeBigEndian(UInt16(64 << 8 | 17), at: ip + 8)
            span.storeBigEndian(from, at: ip + 12)
            span.storeBigEndian(to, at: ip + 16)
            var header = InternetChecksum()
            header.add(UInt16(0x4500))
            header.add(totalLength)
            header.add(UInt32(0x0000_4000))
            header.add(UInt16(64 << 8 | 17))
            header.add(from)
            header.add(to)
            span.storeBigEndian(header.value, at: ip + 10)
            checksum.add(from)
            checksum.add(to)
        case .v6(let from, let to):
            // Version 6, traffic class and flow label 0, the payload length, next header 17
            // (UDP), hop limit 64.
            span.storeBigEndian(UInt32(0x6000_0000), at: ip)
            span.storeBigEndian(UInt16(udpLength), at: ip + 4)
            span.storeBigEndian(UInt16(17 << 8 | 64), at: ip + 6)
            span.storeBigEndian(from.high, at: ip + 8)
            span.storeBigEndian(from.low, at: ip + 16)
            span.storeBigEndian(to.high, at: ip + 24)
            span.storeBigEndian(to.low, at: ip + 32)
            checksum.add(from.high)
            checksum.add(from.low)
            checksum.add(to.high)
            checksum.add(to.low)
        }
        let udp = ip + ipHeaderSize
        span.storeBigEndian(ends.sourcePort, at: udp)
        span.storeBigEndian(ends.destinationPort, at: udp + 2)
        span.storeBigEndian(UInt16(udpLength), at: udp + 4)
        var udpChecksum: UInt16 = 0
        if payload.count == fullLength {
            checksum.add(UInt16(17))
            checksum.add(UInt16(udpLength))
            checksum.add(ends.sourcePort)
            checksum.add(ends.destinationPort)
            checksum.add(UInt16(udpLength))
            checksum.add(payload)
            // A sum of 0 is sent as 0xffff: 0 in the field means "no checksum" (IPv4).
            let value = checksum.value
            udpChecksum = value == 0 ? 0xffff : value
        }
        span.storeBigEndian(udpChecksum, at: udp + 6)
        out.append(contentsOf: headers[0..<Self.recordHeaderSize + headerBytes])
        out.append(contentsOf: payload)
        return true
    }
}

/// A record's two ends in one IP family, with their ports.
private struct IPEnds {
    enum Addresses {
        case v4(UInt32, UInt32)
        case v6(IPv6Bytes, IPv6Bytes)
    }

    let addresses: Addresses
    let sourcePort: UInt16
    let destinationPort: UInt16

    var isIPv4: Bool {
        if case .v4 = addresses { return true }
        return false
    }

    /// IPv4 when both ends are IPv4 or IPv4-mapped IPv6, IPv6 when both are true IPv6;
    /// nil for anything else.
    init?(source: Peer, destination: Peer) {
        guard let from = source.ipEnd, let to = destination.ipEnd else { return nil }
        switch (from.address, to.address) {
        case (.v4(let a), .v4(let b)): addresses = .v4(a, b)
        case (.v6(let a), .v6(let b)): addresses = .v6(a, b)
        default: return nil
        }
        sourcePort = from.port
        destinationPort = to.port
    }
}

/// One end's address: IPv4 as a number (the first octet highest), or IPv6.
private enum IPAddress {
    case v4(UInt32)
    case v6(IPv6Bytes)
}

private extension Peer {
    /// The address and port of an internet peer, an IPv4-mapped IPv6 address
    /// (`::ffff:a.b.c.d`) as the IPv4 one; nil for a unix peer.
    var ipEnd: (address: IPAddress, port: UInt16)? {
        switch self {
        case .v4(let octets, let port):
            return (.v4(UInt32(octets.0) << 24 | UInt32(octets.1) << 16 | UInt32(octets.2) << 8 | UInt32(octets.3)), port)
        case .v6(let bytes, let port, _, _):
            return (bytes.isIPv4Mapped ? .v4(UInt32(truncatingIfNeeded: bytes.low)) : .v6(bytes), port)
        case .unixPath, .abstract, .unnamed:
            return nil
        }
    }
}

private extension MutableSpan<UInt8> {
    /// Stores `value` at `offset` in network byte order (the most significant byte first).
    /// Inlined, so that the loop unrolls into plain stores (a call each cost ten times more).
    @inline(__always)
    mutating func storeBigEndian<Value: FixedWidthInteger & UnsignedInteger>(_ value: Value, at offset: Int) {
        for index in 0..<Value.bitWidth / 8 {
            self[offset + index] = UInt8(truncatingIfNeeded: value >> (Value.bitWidth - 8 * (index + 1)))
        }
    }

    /// Stores `value` at `offset` in this host's byte order, as libpcap writes its headers.
    @inline(__always)
    mutating func storeHostOrder<Value: FixedWidthInteger & UnsignedInteger>(_ value: Value, at offset: Int) {
        // The big-endian bytes of the byte-swapped value are the value's little-endian bytes.
        storeBigEndian(hostIsLittleEndian ? value.byteSwapped : value, at: offset)
    }
}

/// `littleEndian` is the identity only on a little-endian host.
private let hostIsLittleEndian = UInt16(1).littleEndian == 1
