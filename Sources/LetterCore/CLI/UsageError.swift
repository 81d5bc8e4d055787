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

/// A failure while running (cannot resolve, port in use, no reply...): one line, exit 1.
public struct RuntimeError: Error, CustomStringConvertible, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
