/// Where to send or bind, as the user wrote it, before any name is resolved.
public enum Endpoint: Equatable, Sendable {
    /// A name, an IPv4 literal or an IPv6 literal (brackets removed, `%scope` kept;
    /// empty means every interface) and a port.
    case inet(host: String, port: UInt16)
    /// A unix datagram socket's path: an argument that contains `/`.
    case unix(path: String)
    /// A name in Linux's abstract namespace: `@NAME`, without the `@`.
    case abstract(name: String)

    public init(host: String, port: UInt16) {
        self = .inet(host: host, port: port)
    }

    public var isUnix: Bool {
        if case .inet = self { return false }
        return true
    }

    /// The endpoint as the user wrote it, for messages.
    public var text: String {
        switch self {
        case .inet(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): return path
        case .abstract(let name): return "@" + name
        }
    }
}

/// What is wrong with an endpoint as written. The command line words it for users.
public enum EndpointError: Error, Equatable, Sendable {
    /// No argument at all where the endpoint should be.
    case missing
    /// HOST without the PORT argument that should follow it.
    case missingPort(after: String)
    /// A port that is not a number from `lowest` to 65535; `ipv6Host` is the bare IPv6
    /// address before it, which takes its port in brackets.
    case invalidPort(String, lowest: Int, ipv6Host: String?)
    /// An address that cannot be taken apart: see `AddressProblem`.
    case invalidAddress(String, AddressProblem)
    /// `@` alone, or a name longer than a unix socket name can be.
    case invalidSocketName(String, tooLong: Bool)
    /// `-b` text that is none of `[HOST:]PORT`, `PATH` or `@NAME`.
    case invalidBindAddress(String)

    public enum AddressProblem: Equatable, Sendable {
        /// `http://...`: a URL, not a socket path.
        case url
        /// `[::1` without its `]`.
        case missingBracket
        /// `[::1]` with no `:PORT` after it.
        case bracketWithoutPort
        /// Colons that make neither HOST:PORT nor an IPv6 address (`a:1:2`).
        case notHostPort
    }
}

/// `PATH` (any argument with a `/`) or `@NAME`, or nil for anything else (a host).
/// A URL is refused rather than taken for a path.
public func parseUnixEndpoint(_ text: String) throws(EndpointError) -> Endpoint? {
    let endpoint: Endpoint
    if text.hasPrefix("@") {
        endpoint = .abstract(name: String(text.dropFirst()))
        if text.count == 1 { throw .invalidSocketName(text, tooLong: false) }
    } else if text.contains("/") {
        if text.contains("://") { throw .invalidAddress(text, .url) }
        endpoint = .unix(path: text)
    } else {
        return nil
    }
    // sun_path holds 108 bytes: a path's final NUL, or an abstract name's leading one.
    if text.utf8.count > 107 { throw .invalidSocketName(text, tooLong: true) }
    return endpoint
}

/// Whether `text` is one or more decimal digits and nothing else.
private func isDecimalNumber(_ text: String) -> Bool {
    !text.isEmpty && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
}

/// Parses a port number: decimal digits only, 0 to 65535 (1 to 65535 unless `allowZero`).
public func parsePort(_ text: String, allowZero: Bool) throws(EndpointError) -> UInt16 {
    let lowest = allowZero ? 0 : 1
    guard isDecimalNumber(text), let value = Int(text.count > 6 ? "999999" : text), value >= lowest, value <= 65535
    else {
        throw .invalidPort(text, lowest: lowest, ipv6Host: nil)
    }
    return UInt16(value)
}

/// Splits `HOST:PORT` or `[IPv6]:PORT` written as one argument. Returns nil when the
/// argument is a plain host (a name, an IPv4 literal, or a bare IPv6 literal such as
/// `::1`, whose colons belong to the address).
public func splitHostPort(_ text: String, allowZeroPort: Bool) throws(EndpointError) -> Endpoint? {
    if text.hasPrefix("[") {
        guard let close = text.firstIndex(of: "]") else { throw .invalidAddress(text, .missingBracket) }
        let host = String(text[text.index(after: text.startIndex)..<close])
        let rest = text[text.index(after: close)...]
        guard rest.hasPrefix(":") else { throw .invalidAddress(text, .bracketWithoutPort) }
        return Endpoint(host: host, port: try parsePort(String(rest.dropFirst()), allowZero: allowZeroPort))
    }
    let colons = text.filter { $0 == ":" }.count
    guard colons == 1, let colon = text.firstIndex(of: ":") else { return nil }
    let host = String(text[..<colon])
    return Endpoint(host: host, port: try parsePort(String(text[text.index(after: colon)...]), allowZero: allowZeroPort))
}

/// Parses `-b/--bind`'s `[HOST:]PORT|PATH|@NAME`: a lone number is a port on every interface.
public func parseBindAddress(_ text: String) throws(EndpointError) -> Endpoint {
    if let endpoint = try parseUnixEndpoint(text) { return endpoint }
    if let endpoint = try splitHostPort(text, allowZeroPort: true) { return endpoint }
    if isDecimalNumber(text) { return Endpoint(host: "", port: try parsePort(text, allowZero: true)) }
    throw .invalidBindAddress(text)
}

/// `HOST PORT`, or `HOST:PORT` / `[IPv6]:PORT` / `PATH` / `@NAME` as one argument, at
/// the head of `arguments` (a bracketed host may also stand alone before PORT).
/// Returns the endpoint and how many arguments it took.
public func parseEndpoint(_ arguments: [String], allowZeroPort: Bool) throws(EndpointError) -> (Endpoint, Int) {
    guard let first = arguments.first else { throw .missing }
    if let endpoint = try parseUnixEndpoint(first) { return (endpoint, 1) }
    let bracketed = first.hasPrefix("[") && first.hasSuffix("]")
    if !bracketed, let endpoint = try splitHostPort(first, allowZeroPort: allowZeroPort) { return (endpoint, 1) }
    let host = bracketed ? String(first.dropFirst().dropLast()) : first
    // A host with colons that is not an IPv6 address (`a:1:2`, `::1:99999`, a URL) is
    // a mistyped HOST:PORT: say so, rather than blame the next argument as a port.
    let looksLikeAddress = !host.contains(":") || parseIPAddress(host.split(separator: "%").first.map(String.init) ?? "") != nil
    guard looksLikeAddress else { throw .invalidAddress(first, .notHostPort) }
    guard arguments.count >= 2 else { throw .missingPort(after: first) }
    do {
        return (Endpoint(host: host, port: try parsePort(arguments[1], allowZero: allowZeroPort)), 2)
    } catch where host.contains(":") && !bracketed {
        // `::1:9000 hello`: an IPv6 address takes its port in brackets.
        throw .invalidPort(arguments[1], lowest: allowZeroPort ? 0 : 1, ipv6Host: host)
    }
}
