import LetterCore

/// Captures (listen, chat, relay): `--pcap FILE` beside the text view, `-f pcap` on stdout.
/// A capture records IP addresses, keeps the bytes and the receive times itself, and is
/// binary: what makes no sense with it is a usage error.

/// `-f pcap`'s exclusions, checked before the display options so that they are named as
/// such: `--time`, `--errors`, `--bytes`, and `-e` unless it still encodes something
/// (`encodingApplies`: listen's `--reply`, chat's lines).
func refuseWhatPcapKeepsItself(_ parsed: ParsedArguments, encodingApplies: Bool) throws(UsageError) {
    guard try parsed.value(Option.format) == .pcap else { return }
    var kept = [Option.time.long, Option.decodeErrors.long, Option.bytes.long]
    if !encodingApplies { kept.append(Option.encoding.long) }
    if let option = parsed.firstGiven(kept) {
        throw UsageError("-f pcap keeps the bytes and the receive times as they are; \(option) does not apply")
    }
}

/// The files a receiving command (listen, chat, relay) keeps beside what `-f` shows:
/// today `--pcap FILE`. Each command holds one of these, lists `OptionGroups.keeping` in
/// its help and adds `sinks()` to its receiver, so a further kept file is its option
/// row, its line in that group and its field and sink here, not a change to each command.
public struct KeptFiles: Equatable, Sendable {
    /// `--pcap FILE`.
    public var capture: String?

    /// A capture of a unix socket (`--pcap`, or `-f pcap` as `format`, with any of
    /// `endpoints` a unix one) is refused: it has no IP addresses to record.
    init(_ parsed: ParsedArguments, format: RecordFormat, endpoints: [Endpoint]) throws(UsageError) {
        capture = try parsed.value(Option.pcap)
        if capture != nil || format == .pcap, endpoints.contains(where: { $0.isUnix }) {
            throw UsageError("\(capture != nil ? "--pcap" : "-f pcap") records IP addresses and ports, which a unix socket has "
                + "none of; use -f json --bytes to keep every datagram")
        }
    }

    /// Whether a capture is on (this file, or `-f pcap` in `display`): the receiver then
    /// asks the kernel for what it records.
    func capturing(_ display: DisplayOptions) -> Bool {
        display.format == .pcap || capture != nil
    }

    /// The files' sinks, opened once the socket is bound (a port in use leaves them as
    /// they were); none when no file was asked for.
    func sinks() throws -> [PrintSink] {
        try capture.map { file throws(RuntimeError) in [try PrintSink.capture(toFile: file)] } ?? []
    }
}

/// The print sink of `-f` (none when `quiet`). `-f pcap` on a terminal is refused here,
/// where stdout is known, before any socket is bound.
func displaySinks(_ display: DisplayOptions, quiet: Bool = false) throws -> [PrintSink] {
    if display.format == .pcap && isTerminal(standardOutput) {
        throw UsageError("-f pcap writes a binary capture, and standard output is a terminal; "
            + "pipe it (| tshark -i -, | wireshark -k -i -) or use --pcap FILE")
    }
    return quiet ? [] : [try PrintSink(display)]
}
