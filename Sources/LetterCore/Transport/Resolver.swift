import Glibc

/// A name that `getaddrinfo` could not turn into an address.
public struct ResolveError: Error, CustomStringConvertible, Sendable {
    public let host: String
    public let reason: String

    public var description: String { "cannot resolve '\(host)': \(reason)" }
}

/// Resolves a host name or numeric literal (`%scope` allowed on IPv6) to its UDP
/// addresses, in `getaddrinfo`'s order. `family` nil accepts both.
/// The corresponding C function is `getaddrinfo`.
public func resolve(host: String, port: UInt16, family: AddressFamily?) throws(ResolveError) -> [Peer] {
    var hints = addrinfo()
    hints.ai_family = family.map { $0.constant } ?? AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
    hints.ai_flags = AI_NUMERICSERV
    var list: UnsafeMutablePointer<addrinfo>?
    var status: Int32
    repeat {
        status = getaddrinfo(host, String(port), &hints, &list)
    } while status == EAI_SYSTEM && Errno.current == .interrupted
    guard status == 0 else {
        let reason = status == EAI_SYSTEM ? Errno.current.description : String(cString: gai_strerror(status))
        throw ResolveError(host: host, reason: reason)
    }
    defer { freeaddrinfo(list) }
    var addresses: [Peer] = []
    var entry = list
    while let current = entry {
        if let raw = current.pointee.ai_addr, let address = Peer(storage: UnsafeRawPointer(raw), length: Int(current.pointee.ai_addrlen)),
           !addresses.contains(address) {
            addresses.append(address)
        }
        entry = current.pointee.ai_next
    }
    guard !addresses.isEmpty else { throw ResolveError(host: host, reason: "no IPv4 or IPv6 address") }
    return addresses
}
