import LetterCore

/// Options shared by several subcommands, declared once.
enum OptionGroups {
    static let family = [
        OptionSpec(.ipv4, valueName: nil, help: "Use IPv4 only."),
        OptionSpec(.ipv6, valueName: nil, help: "Use IPv6 only (listen: '::', dual-stack)."),
    ]

    static let encoding = OptionSpec(.encoding, short: "-e", valueName: "ENC",
                                     help: "Text encoding on the wire (default: utf-8). See 'letter encodings'.",
                                     values: encodingTable.map(\.name))

    /// Encoding text to send (send, chat).
    static let writing = [
        encoding,
        OptionSpec(.inputEncoding, valueName: "ENC", help: "Encoding of stdin (default: utf-8).",
                   values: encoding.values),
    ]

    static let sendErrors = OptionSpec(
        .errors, valueName: "strict|replace",
        help: "Unencodable or invalid input: an error naming the line (strict, default) or '?' (replace).",
        values: EncodeErrorHandler.allCases.map(\.rawValue))

    /// Showing received datagrams (listen, chat, send --wait).
    static let display = [
        OptionSpec(.format, short: "-f", valueName: "FORMAT",
                   help: formatListing + ".", values: RecordFormat.allCases.map(\.rawValue)),
        OptionSpec(.bufsize, valueName: "N",
                   help: "recvfrom buffer size (default: 65535); longer datagrams are cut and reported."),
        OptionSpec(.time, valueName: "MODE",
                   help: "Stamp each datagram with the kernel's receive time: iso, utc, epoch, elapsed or delta.",
                   values: TimeMode.allCases.map(\.rawValue)),
    ]

    static let displayErrors = OptionSpec(
        .errors, valueName: "HANDLER",
        help: "Undecodable bytes: replace (default), strict, backslashreplace or ignore.",
        values: DecodeErrorHandler.allCases.map(\.rawValue))

    static let showBytes = OptionSpec(.bytes, valueName: nil,
                                      help: "Show payloads as Python bytes literals.")

    /// Reaching more than one host (send, chat).
    static let sending = [
        OptionSpec(.bind, short: "-b", valueName: "[HOST:]PORT|PATH",
                   help: "Source address to send from (a unix socket PATH or @NAME for a unix peer)."),
        OptionSpec(.broadcast, valueName: nil, help: "Allow sending to a broadcast address (SO_BROADCAST)."),
        OptionSpec(.ttl, valueName: "N", help: "Multicast TTL / hop limit (default: 1)."),
        OptionSpec(.noLoop, valueName: nil, help: "Do not loop multicast letters back to this host."),
        OptionSpec(.interface, valueName: "NAME|ADDR", help: "Interface for multicast letters."),
    ]

    /// Hearing from more than one host (listen, chat).
    static let receiving = [
        OptionSpec(.stats, valueName: nil, help: "Print what was received and lost to stderr on exit."),
        OptionSpec(.reuse, valueName: nil,
                   help: "Share the port with other sockets on purpose (SO_REUSEADDR; --join implies it)."),
        OptionSpec(.rcvbuf, valueName: "BYTES", help: "Receive buffer size (default: as large as allowed, up to 16 MiB)."),
        OptionSpec(.allow, valueName: "CIDR[,CIDR...]", help: "Hear only these networks; count the rest.",
                   repeatable: true),
    ]
}

/// `text (default), tuple, json, lines, raw or hex`, joined by hand: it is part of the
/// table a one-off send builds, and `joined(separator:)` costs that a generic metadata
/// look-up of a third of its start-up.
private var formatListing: String {
    var text = ""
    let formats = RecordFormat.allCases
    for (index, format) in formats.enumerated() {
        if index > 0 { text += index == formats.count - 1 ? " or " : ", " }
        text += format.rawValue
        if format == .text { text += " (default)" }
    }
    return text
}
