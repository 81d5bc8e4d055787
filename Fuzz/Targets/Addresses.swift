import Glibc
@testable import LetterCore

/// The address parsers over arbitrary text: `HOST:PORT` splitting, `-b [HOST:]PORT`,
/// `--allow` networks and IP literals. None crashes; an IPv6 literal letter accepts is
/// one glibc's `inet_pton` accepts too, as the same address, and letter writes every
/// address exactly as glibc's `inet_ntop` does (Python prints hosts with it).

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzAddresses(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = FuzzInput(data, size)
    let text = String(decoding: input.rest, as: UTF8.self)
    let what = "'\(text)' (\(hexDump(input.rest)))"

    for allowZero in [false, true] {
        if case .inet(_, let port)? = try? splitHostPort(text, allowZeroPort: allowZero) {
            require(allowZero || port != 0, "port 0 accepted: \(what)")
        }
    }
    // A unix path or @name binds no port.
    if case .inet(_, let port)? = try? parseBindAddress(text) {
        require(text.hasSuffix(String(port)), "bind port \(port) is not the text's: \(what)")
    }

    let ours = parseIPv6(text[...])
    let theirs = inetPton6(text)
    require(ours == theirs,
            "parseIPv6 says \(String(describing: ours)), inet_pton \(String(describing: theirs)): \(what)")
    if let ours {
        var written: [UInt8] = []
        appendIPv6(ours, to: &written)
        require(String(decoding: written, as: UTF8.self) == inetNtop6(ours),
                "writes \(String(decoding: written, as: UTF8.self)) where inet_ntop writes \(inetNtop6(ours)): \(what)")
        require(parseIPv6(String(decoding: written, as: UTF8.self)[...]) == ours, "its own form does not parse back: \(what)")
    }

    if let network = Network(text) {
        // A network holds its own address.
        switch network.prefix {
        case .v4(let value, _):
            let octets = (UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
            require(network.contains(.v4(octets: octets, port: 1)), "\(network) does not hold its address: \(what)")
        case .v6(let bytes, _):
            require(network.contains(.v6(bytes: bytes, port: 1, flowInfo: 0, scopeID: 0)),
                    "\(network) does not hold its address: \(what)")
        }
    }
    return 0
}

/// glibc's parse of an IPv6 literal; nil when it rejects it (or it holds a NUL, which
/// would cut the C string short).
private func inetPton6(_ text: String) -> IPv6Bytes? {
    guard !text.utf8.contains(0) else { return nil }
    var address = in6_addr()
    guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
    return withUnsafeBytes(of: &address) { IPv6Bytes(Array($0)) }
}

/// glibc's text for an IPv6 address.
private func inetNtop6(_ bytes: IPv6Bytes) -> String {
    var address = in6_addr()
    withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes.bytes) }
    var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
    // Cannot fail: the buffer holds any IPv6 address's text.
    _ = inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
    return String(cString: buffer)
}
