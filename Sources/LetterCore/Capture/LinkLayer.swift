/// The link layers letter decodes, by the LINKTYPE_ numbers that pcap and pcapng files
/// carry (tcpdump.org's link-layer header types, Wireshark's list).
enum LinkType: Sendable {
    /// 0: BSD loopback, a 4-byte address family in the byte order of the capturing host.
    case null
    /// 1: Ethernet II, with 802.1Q and 802.1ad tags.
    case ethernet
    /// 101: raw IP, the version in the first nibble.
    case rawIP
    /// 108: OpenBSD loopback, the address family in network byte order.
    case loop
    /// 113: Linux cooked capture (`tcpdump -i any` before libpcap 1.10).
    case linuxSLL
    /// 228 and 229: raw IPv4, raw IPv6.
    case rawIPv4
    case rawIPv6
    /// 276: Linux cooked capture v2 (`tcpdump -i any` since libpcap 1.10).
    case linuxSLL2

    init?(number: UInt32) {
        switch number {
        case 0: self = .null
        case 1: self = .ethernet
        case 101: self = .rawIP
        case 108: self = .loop
        case 113: self = .linuxSLL
        case 228: self = .rawIPv4
        case 229: self = .rawIPv6
        case 276: self = .linuxSLL2
        default: return nil
        }
    }
}

/// What a frame carries after its link-layer header.
enum NetworkProtocol {
    case ipv4
    case ipv6
    /// ARP, LLC, IPX, an unknown address family...: not UDP.
    case other
}

/// Where the network-layer packet inside `frame` starts (it runs to the frame's end), or
/// nil when the frame is too short to hold its link-layer header. An index, not a slice:
/// an optional holding a slice is destroyed through value witnesses, about 130
/// instructions a record (callgrind, replay --fast).
func networkPacket(in frame: ArraySlice<UInt8>, link: LinkType) -> (NetworkProtocol, start: Int)? {
    let base = frame.startIndex
    switch link {
    case .ethernet:
        // Destination and source addresses, then the EtherType.
        guard frame.count >= 14 else { return nil }
        return afterEtherType(readUInt16(frame, base + 12), in: frame, at: base + 14)
    case .linuxSLL:
        // Packet type, ARPHRD type, address length, 8 address bytes, then the EtherType.
        guard frame.count >= 16 else { return nil }
        return afterEtherType(readUInt16(frame, base + 14), in: frame, at: base + 16)
    case .linuxSLL2:
        // The EtherType first, then reserved, interface index, ARPHRD type, packet type,
        // address length and 8 address bytes.
        guard frame.count >= 20 else { return nil }
        return afterEtherType(readUInt16(frame, base), in: frame, at: base + 20)
    case .null, .loop:
        guard frame.count >= 4 else { return nil }
        var family = readUInt32(frame, base, bigEndian: link == .loop)
        // NULL's family is in the capturing host's byte order, which the file does not
        // record: families are small numbers, so one with its low half zero was swapped.
        if link == .null && family & 0xFFFF == 0 { family = family.byteSwapped }
        return (bsdAddressFamily(family), base + 4)
    case .rawIP:
        guard let first = frame.first else { return nil }
        return (first >> 4 == 4 ? .ipv4 : first >> 4 == 6 ? .ipv6 : .other, base)
    case .rawIPv4:
        return (.ipv4, base)
    case .rawIPv6:
        return (.ipv6, base)
    }
}

/// A BSD loopback address family: AF_INET is 2 on every BSD, AF_INET6 is 24 (NetBSD,
/// OpenBSD), 28 (FreeBSD, DragonFly) or 30 (macOS), as Wireshark reads them.
private func bsdAddressFamily(_ family: UInt32) -> NetworkProtocol {
    switch family {
    case 2: return .ipv4
    case 24, 28, 30: return .ipv6
    default: return .other
    }
}

/// Where the packet after an EtherType starts in `frame` (its payload starting at
/// `start`), past any 802.1Q (0x8100) and 802.1ad (0x88a8) tags: each tag is 2 bytes of
/// priority and VLAN id, then the next EtherType.
private func afterEtherType(_ etherType: UInt16, in frame: ArraySlice<UInt8>, at start: Int) -> (NetworkProtocol, start: Int)? {
    var etherType = etherType, start = start
    while etherType == 0x8100 || etherType == 0x88A8 {
        guard frame.endIndex - start >= 4 else { return nil }
        etherType = readUInt16(frame, start + 2)
        start += 4
    }
    switch etherType {
    case 0x0800: return (.ipv4, start)
    case 0x86DD: return (.ipv6, start)
    default: return (.other, start)
    }
}

/// The LINKTYPE_ name of a link type letter does not decode, for its error message: the
/// common ones, by tcpdump.org's list.
func linkTypeName(_ number: UInt32) -> String {
    switch number {
    case 6: return "IEEE802_5, Token Ring"
    case 8: return "SLIP"
    case 9: return "PPP"
    case 10: return "FDDI"
    case 50: return "PPP_HDLC"
    case 51: return "PPP_ETHER, PPPoE"
    case 104: return "C_HDLC, Cisco HDLC"
    case 105: return "IEEE802_11, Wi-Fi"
    case 119: return "IEEE802_11_PRISM"
    case 127: return "IEEE802_11_RADIOTAP"
    case 147...162: return "USER\(number - 147)"
    case 187: return "BLUETOOTH_HCI_H4"
    case 189: return "USB_LINUX"
    case 195: return "IEEE802_15_4_WITHFCS"
    case 220: return "USB_LINUX_MMAPPED"
    case 227: return "CAN_SOCKETCAN"
    case 239: return "NFLOG"
    case 249: return "USBPCAP"
    case 253: return "NETLINK"
    default: return "not in letter's list"
    }
}
