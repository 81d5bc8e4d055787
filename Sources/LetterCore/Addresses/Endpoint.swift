/// Host and port as the user wrote them, before any name is resolved.
public struct Endpoint: Equatable, Sendable {
    /// A name, an IPv4 literal or an IPv6 literal (brackets removed, `%scope` kept);
    /// empty means every interface.
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }
}

/// Whether `text` is one or more decimal digits and nothing else.
private func isDecimalNumber(_ text: String) -> Bool {
    !text.isEmpty && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
}

/// Parses a port number: decimal digits only, 0 to 65535 (1 to 65535 unless `allowZero`).
public func parsePort(_ text: String, allowZero: Bool) throws(UsageError) -> UInt16 {
    let lowest = allowZero ? 0 : 1
    guard isDecimalNumber(text), let value = Int(text.count > 6 ? "999999" : text), value >= lowest, value <= 65535
    else {
        throw UsageError("invalid port '\(text)': expected a number from \(lowest) to 65535")
    }
    return UInt16(value)
}

/// Splits `HOST:PORT` or `[IPv6]:PORT` written as one argument. Returns nil when the
/// argument is a plain host (a name, an IPv4 literal, or a bare IPv6 literal such as
/// `::1`, whose colons belong to the address).
public func splitHostPort(_ text: String, allowZeroPort: Bool) throws(UsageError) -> Endpoint? {
    if text.hasPrefix("[") {
        guard let close = text.firstIndex(of: "]") else {
            throw UsageError("invalid address '\(text)': missing ']'")
        }
        let host = String(text[text.index(after: text.startIndex)..<close])
        let rest = text[text.index(after: close)...]
        guard rest.hasPrefix(":") else {
            throw UsageError("invalid address '\(text)': expected [IPv6]:PORT")
        }
        return Endpoint(host: host, port: try parsePort(String(rest.dropFirst()), allowZero: allowZeroPort))
    }
    let colons = text.filter { $0 == ":" }.count
    guard colons == 1, let colon = text.firstIndex(of: ":") else { return nil }
    let host = String(text[..<colon])
    return Endpoint(host: host, port: try parsePort(String(text[text.index(after: colon)...]), allowZero: allowZeroPort))
}

/// Parses `-b/--bind`'s `[HOST:]PORT`: a lone number is a port on every interface.
public func parseBindAddress(_ text: String) throws(UsageError) -> Endpoint {
    if let endpoint = try splitHostPort(text, allowZeroPort: true) { return endpoint }
    if isDecimalNumber(text) { return Endpoint(host: "", port: try parsePort(text, allowZero: true)) }
    throw UsageError("invalid bind address '\(text)': expected [HOST:]PORT")
}

/// `HOST PORT`, or `HOST:PORT` / `[IPv6]:PORT` as one argument, at the head of
/// `arguments` (a bracketed host may also stand alone before PORT). Returns the
/// endpoint and how many arguments it took.
public func parseHostAndPort(_ arguments: [String], allowZeroPort: Bool) throws(UsageError) -> (Endpoint, Int) {
    guard let first = arguments.first else { throw UsageError("missing HOST and PORT") }
    let bracketed = first.hasPrefix("[") && first.hasSuffix("]")
    if !bracketed, let endpoint = try splitHostPort(first, allowZeroPort: allowZeroPort) { return (endpoint, 1) }
    let host = bracketed ? String(first.dropFirst().dropLast()) : first
    // A host with colons that is not an IPv6 address (`a:1:2`, `::1:99999`, a URL) is
    // a mistyped HOST:PORT: say so, rather than blame the next argument as a port.
    let looksLikeAddress = !host.contains(":") || parseIPAddress(host.split(separator: "%").first.map(String.init) ?? "") != nil
    guard looksLikeAddress, !host.contains("/") else {
        throw UsageError("invalid address '\(first)': expected HOST PORT, HOST:PORT or [IPv6]:PORT")
    }
    guard arguments.count >= 2 else { throw UsageError("missing PORT after '\(first)'") }
    do {
        return (Endpoint(host: host, port: try parsePort(arguments[1], allowZero: allowZeroPort)), 2)
    } catch where host.contains(":") && !bracketed {
        // `::1:9000 hello`: an IPv6 address takes its port in brackets.
        throw UsageError("\(error.message) (an IPv6 address with a port is written [\(host)]:PORT)")
    }
}
