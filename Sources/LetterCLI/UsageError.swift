import LetterCore

/// A mistake in the command line: reported in one line, exit status 2.
public struct UsageError: Error, Equatable, CustomStringConvertible, Sendable {
    public let message: String
    /// The subcommand whose help to point at, if any.
    public var subcommand: String?

    public init(_ message: String, subcommand: String? = nil) {
        self.message = message
        self.subcommand = subcommand
    }

    public var description: String { message }
}

/// Runs one of the engine's endpoint parsers, its error worded as a usage error.
func parsingEndpoint<Result>(_ parse: () throws(EndpointError) -> Result) throws(UsageError) -> Result {
    do { return try parse() } catch { throw UsageError(error.message) }
}

extension EndpointError {
    /// The one line a user reads.
    var message: String {
        switch self {
        case .missing:
            return "missing HOST and PORT (or a socket PATH)"
        case .missingPort(let host):
            return "missing PORT after '\(host)'"
        case .invalidPort(let text, let lowest, let ipv6Host):
            // `::1:9000` is itself a valid address: offer `[::1]:9000` when a port was meant.
            let hint = ipv6Host.map { host in
                bracketedSuggestion(forIPv6: host).map { " (did you mean \($0)? an IPv6 address with a port is written [ADDRESS]:PORT)" }
                    ?? " (an IPv6 address with a port is written [\(host)]:PORT)"
            } ?? ""
            return "invalid port '\(text)': expected a number from \(lowest) to 65535" + hint
        case .invalidAddress(let text, .url):
            return "invalid address '\(text)': a URL; expected HOST PORT, HOST:PORT, [IPv6]:PORT, a socket PATH or @NAME"
        case .invalidAddress(let text, .missingBracket):
            return "invalid address '\(text)': missing ']'"
        case .invalidAddress(let text, .bracketWithoutPort):
            return "invalid address '\(text)': expected [IPv6]:PORT"
        case .invalidAddress(let text, .notHostPort):
            return "invalid address '\(text)': expected HOST PORT, HOST:PORT or [IPv6]:PORT"
        case .invalidSocketName(let text, tooLong: false):
            return "invalid socket name '\(text)': expected @NAME"
        case .invalidSocketName(let text, tooLong: true):
            return "invalid socket name '\(text)': longer than the 107 bytes a unix socket name can have"
        case .invalidBindAddress(let text):
            return "invalid bind address '\(text)': expected [HOST:]PORT, PATH or @NAME"
        }
    }
}
