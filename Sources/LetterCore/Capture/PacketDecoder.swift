/// Why a record yields no datagram.
enum SkipKind {
    /// Not UDP (TCP, ICMP, ARP, ...), or not well-formed enough to be.
    case notUDP
    /// A fragment of a datagram that never came whole.
    case incompleteFragment
    /// UDP, but the record holds less of it than was sent.
    case cutShort
    /// A relay reply in relay's json: replay sends requests only.
    case reply
}

/// What one link-layer record comes to.
enum DecodedRecord {
    /// A UDP datagram: its payload is a slice of the record, or of the reassembly buffer.
    case datagram(source: Peer, destination: Peer, payload: ArraySlice<UInt8>)
    /// Nothing to send: `records` records (more than one when fragments came whole as
    /// something that is not UDP) skipped for `kind`.
    case skipped(SkipKind, records: Int)
    /// A fragment kept until its datagram is whole.
    case held
}

/// Decodes link-layer records down to UDP: the link-layer header, IPv4 (header length,
/// options) or IPv6 (extension headers walked over), fragments reassembled, then the UDP
/// header. It trusts no length: every field is checked against the bytes there are.
final class PacketDecoder {
    let reassembler: FragmentReassembler

    init(reassembler: FragmentReassembler = FragmentReassembler()) {
        self.reassembler = reassembler
    }

    /// `frame` is a record as captured; `isCut` says the capture kept less than the
    /// frame's length (pcap's `incl_len` < `orig_len`). A cut record that is UDP, or
    /// whose protocol cannot be told, is cut short; one that is anything else is not UDP.
    func decode(_ frame: ArraySlice<UInt8>, link: LinkType, isCut: Bool) -> DecodedRecord {
        guard let (network, start) = networkPacket(in: frame, link: link) else { return unreadable(isCut) }
        switch network {
        case .ipv4: return decodeIPv4(frame[start...], isCut: isCut)
        case .ipv6: return decodeIPv6(frame[start...], isCut: isCut)
        case .other: return .skipped(.notUDP, records: 1)
        }
    }

    /// A header that ends before it should: cut short when the capture cut the record,
    /// else a malformed packet, which is not UDP.
    private func unreadable(_ isCut: Bool) -> DecodedRecord {
        .skipped(isCut ? .cutShort : .notUDP, records: 1)
    }

    private func decodeIPv4(_ packet: ArraySlice<UInt8>, isCut: Bool) -> DecodedRecord {
        let base = packet.startIndex
        guard packet.count >= 20 else { return unreadable(isCut) }
        let headerLength = Int(packet[base] & 0x0F) * 4
        guard packet[base] >> 4 == 4, headerLength >= 20 else { return .skipped(.notUDP, records: 1) }
        guard packet.count >= headerLength else { return unreadable(isCut) }
        let protocolNumber = packet[base + 9]
        guard protocolNumber == udpProtocol else { return .skipped(.notUDP, records: 1) }
        let totalLength = Int(readUInt16(packet, base + 2))
        guard totalLength >= headerLength else { return .skipped(.notUDP, records: 1) }
        // The rest of the record past the total length is the link layer's padding.
        guard totalLength <= packet.count, !isCut else { return .skipped(.cutShort, records: 1) }
        let source = addressV4(packet, base + 12), destination = addressV4(packet, base + 16)
        let payload = packet[base + headerLength..<base + totalLength]
        let fragmentField = readUInt16(packet, base + 6)
        let more = fragmentField & 0x2000 != 0, offset = Int(fragmentField & 0x1FFF) * 8
        let addresses = Addresses.v4(source, destination)
        guard more || offset > 0 else { return udp(payload, records: 1, between: addresses) }
        let key = FragmentReassembler.Key(isIPv6: false, source: ipv6Holding(source), destination: ipv6Holding(destination),
                                          identification: UInt32(readUInt16(packet, base + 4)), protocolNumber: protocolNumber)
        guard let whole = reassembler.add(key, offset: offset, more: more, data: payload, nextHeader: protocolNumber) else { return .held }
        return udp(whole.bytes, records: whole.records, between: addresses)
    }

    private func decodeIPv6(_ packet: ArraySlice<UInt8>, isCut: Bool) -> DecodedRecord {
        let base = packet.startIndex
        guard packet.count >= 40 else { return unreadable(isCut) }
        guard packet[base] >> 4 == 6 else { return .skipped(.notUDP, records: 1) }
        let source = IPv6Bytes(high: readUInt64(packet, base + 8), low: readUInt64(packet, base + 16))
        let destination = IPv6Bytes(high: readUInt64(packet, base + 24), low: readUInt64(packet, base + 32))
        let declaredEnd = base + 40 + Int(readUInt16(packet, base + 4))
        // A payload length past the record: the capture cut it (or the header lies).
        let lengthPast = declaredEnd > packet.endIndex
        let cut = isCut || lengthPast
        let body = packet[base + 40..<min(declaredEnd, packet.endIndex)]
        let addresses = Addresses.v6(source, destination)

        switch walkIPv6Headers(body, first: packet[base + 6]) {
        case .udp(let segment):
            guard !cut else { return .skipped(.cutShort, records: 1) }
            return udp(segment, records: 1, between: addresses)
        case .notUDP:
            return .skipped(.notUDP, records: 1)
        case .headersCut:
            return unreadable(cut)
        case .fragment(let header):
            // What follows the fragment header is the fragment's data.
            guard !cut else { return .skipped(.cutShort, records: 1) }
            let field = readUInt16(body, header + 2)
            let key = FragmentReassembler.Key(isIPv6: true, source: source, destination: destination,
                                              identification: readUInt32(body, header + 4), protocolNumber: 0)
            guard let whole = reassembler.add(key, offset: Int(field >> 3) * 8, more: field & 1 == 1,
                                              data: body[(header + 8)...], nextHeader: body[header]) else { return .held }
            // The reassembled part starts with the first fragment's next header; it may
            // hold more extension headers, but not another fragment header.
            switch walkIPv6Headers(whole.bytes, first: whole.nextHeader) {
            case .udp(let segment):
                return udp(segment, records: whole.records, between: addresses)
            case .notUDP, .fragment:
                return .skipped(.notUDP, records: whole.records)
            case .headersCut:
                return .skipped(.cutShort, records: whole.records)
            }
        }
    }

    /// The UDP datagram in `segment` (the IP payload, or a whole reassembled one) sent
    /// between `addresses`.
    private func udp(_ segment: ArraySlice<UInt8>, records: Int, between addresses: Addresses) -> DecodedRecord {
        let base = segment.startIndex
        guard segment.count >= 8 else { return .skipped(.notUDP, records: records) }
        let length = Int(readUInt16(segment, base + 4))
        guard length >= 8 else { return .skipped(.notUDP, records: records) }
        guard length <= segment.count else { return .skipped(.cutShort, records: records) }
        let (source, destination) = addresses.peers(readUInt16(segment, base), readUInt16(segment, base + 2))
        return .datagram(source: source, destination: destination, payload: segment[base + 8..<base + length])
    }
}

private let udpProtocol: UInt8 = 17

/// The source and destination addresses of an IP header.
private enum Addresses {
    case v4((UInt8, UInt8, UInt8, UInt8), (UInt8, UInt8, UInt8, UInt8))
    case v6(IPv6Bytes, IPv6Bytes)

    func peers(_ sourcePort: UInt16, _ destinationPort: UInt16) -> (Peer, Peer) {
        switch self {
        case .v4(let source, let destination):
            return (.v4(octets: source, port: sourcePort), .v4(octets: destination, port: destinationPort))
        case .v6(let source, let destination):
            return (.v6(bytes: source, port: sourcePort, flowInfo: 0, scopeID: 0),
                    .v6(bytes: destination, port: destinationPort, flowInfo: 0, scopeID: 0))
        }
    }
}

/// Where IPv6's chain of next headers leads.
private enum IPv6Chain {
    case udp(ArraySlice<UInt8>)
    /// A fragment header at this index: the data after its 8 bytes is a fragment.
    case fragment(header: Int)
    /// TCP, ICMPv6, ESP (encrypted: nothing past it can be read), no next header...
    case notUDP
    /// A header that reaches past the bytes there are.
    case headersCut
}

/// Walks RFC 8200's extension headers from `first` over `body` (the bytes after the
/// fixed header): hop-by-hop options, routing, destination options and AH are stepped
/// over by their lengths; an atomic fragment (offset 0, no more fragments) too.
/// Every step moves on by at least 8 bytes, so the walk ends.
private func walkIPv6Headers(_ body: ArraySlice<UInt8>, first: UInt8) -> IPv6Chain {
    var next = first
    var at = body.startIndex
    while true {
        switch next {
        case udpProtocol:
            return .udp(body[at...])
        case 0, 43, 60:
            // Hop-by-hop, routing, destination options: length in 8-byte units, less one.
            guard body.endIndex - at >= 2 else { return .headersCut }
            let length = (Int(body[at + 1]) + 1) * 8
            guard body.endIndex - at >= length else { return .headersCut }
            next = body[at]
            at += length
        case 51:
            // AH: length in 4-byte units, less two.
            guard body.endIndex - at >= 2 else { return .headersCut }
            let length = (Int(body[at + 1]) + 2) * 4
            guard body.endIndex - at >= length else { return .headersCut }
            next = body[at]
            at += length
        case 44:
            guard body.endIndex - at >= 8 else { return .headersCut }
            let field = readUInt16(body, at + 2)
            guard field >> 3 == 0 && field & 1 == 0 else { return .fragment(header: at) }
            next = body[at]
            at += 8
        default:
            return .notUDP
        }
    }
}

private func addressV4(_ bytes: ArraySlice<UInt8>, _ index: Int) -> (UInt8, UInt8, UInt8, UInt8) {
    (bytes[index], bytes[index + 1], bytes[index + 2], bytes[index + 3])
}

/// An IPv4 address in the low half of 16 bytes, to key fragments of both families alike.
private func ipv6Holding(_ address: (UInt8, UInt8, UInt8, UInt8)) -> IPv6Bytes {
    IPv6Bytes(high: 0, low: UInt64(address.0) << 24 | UInt64(address.1) << 16 | UInt64(address.2) << 8 | UInt64(address.3))
}

private func readUInt64(_ bytes: ArraySlice<UInt8>, _ index: Int) -> UInt64 {
    UInt64(readUInt32(bytes, index)) << 32 | UInt64(readUInt32(bytes, index + 4))
}
