/// How `listen` (and `send --wait`, and `chat`) shows each datagram.
public enum RecordFormat: String, CaseIterable, Sendable {
    /// `print(data.decode(ENC, errors), addr)` with control characters escaped.
    case text
    /// `repr((data, addr))`.
    case tuple
    /// One JSON object a line: host, port, size, text (and more; see the README).
    case json
    /// The decoded text and a newline: the inverse of `send`'s line mode.
    case lines
    /// The payload bytes untouched.
    case raw
}

/// Turns received datagrams into output records in one format. One writer serves a
/// whole stream: it owns the decoder (and so the iconv descriptor) and a scratch buffer.
public final class RecordWriter {
    public let format: RecordFormat
    /// `--bytes`: show payloads as Python bytes literals instead of decoded text.
    public let showBytes: Bool
    private let decoder: TextDecoder
    private var text: [UInt8] = []
    /// The last sender and its Python tuple: letters mostly come in runs from one sender.
    private var cachedSender: SocketAddress?
    private var cachedTuple: [UInt8] = []

    public init(format: RecordFormat, showBytes: Bool, decoder: TextDecoder) {
        self.format = format
        self.showBytes = showBytes
        self.decoder = decoder
        text.reserveCapacity(70_000 * 4)
    }

    /// Whether this format decodes at all (so `--errors strict` can reject a datagram).
    public var decodes: Bool { format == .json || (!showBytes && (format == .text || format == .lines)) }

    /// Appends the record for one datagram to `out`. `fullLength` is the datagram's size
    /// before any cut. Returns the decode failure under `--errors strict` (nothing
    /// appended then).
    public func append(payload: ArraySlice<UInt8>, fullLength: Int, sender: SocketAddress,
                       to out: inout [UInt8]) -> DecodeFailure? {
        if decodes {
            text.removeAll(keepingCapacity: true)
            if let failure = decoder.decode(payload, appendingTo: &text) { return failure }
        }
        switch format {
        case .text:
            if showBytes {
                appendPythonBytesRepr(payload, to: &out)
            } else {
                appendEscapingControls(text[...], to: &out)
            }
            out.append(UInt8(ascii: " "))
            appendTuple(of: sender, to: &out)
        case .tuple:
            out.append(UInt8(ascii: "("))
            appendPythonBytesRepr(payload, to: &out)
            out.append(contentsOf: ", ".utf8)
            appendTuple(of: sender, to: &out)
            out.append(UInt8(ascii: ")"))
        case .json:
            appendJSONRecord(payload: payload, fullLength: fullLength, sender: sender, to: &out)
        case .lines:
            if showBytes {
                appendPythonBytesRepr(payload, to: &out)
            } else {
                out.append(contentsOf: text)
            }
        case .raw:
            out.append(contentsOf: payload)
            return nil
        }
        out.append(UInt8(ascii: "\n"))
        return nil
    }

    private func appendTuple(of sender: SocketAddress, to out: inout [UInt8]) {
        if sender != cachedSender {
            cachedTuple.removeAll(keepingCapacity: true)
            sender.appendPythonTuple(to: &cachedTuple)
            cachedSender = sender
        }
        out.append(contentsOf: cachedTuple)
    }

    private func appendJSONRecord(payload: ArraySlice<UInt8>, fullLength: Int, sender: SocketAddress,
                                  to out: inout [UInt8]) {
        out.append(contentsOf: "{\"host\": \"".utf8)
        sender.appendHost(to: &out)
        out.append(contentsOf: "\", \"port\": ".utf8)
        appendDecimal(UInt64(sender.port), to: &out)
        if case .v6(_, _, let flowInfo, let scopeID) = sender {
            out.append(contentsOf: ", \"flowinfo\": ".utf8)
            appendDecimal(UInt64(flowInfo), to: &out)
            out.append(contentsOf: ", \"scope_id\": ".utf8)
            appendDecimal(UInt64(scopeID), to: &out)
        }
        out.append(contentsOf: ", \"size\": ".utf8)
        appendDecimal(UInt64(payload.count), to: &out)
        if fullLength > payload.count {
            out.append(contentsOf: ", \"truncated_from\": ".utf8)
            appendDecimal(UInt64(fullLength), to: &out)
        }
        out.append(contentsOf: ", \"text\": ".utf8)
        appendJSONString(text[...], to: &out)
        if showBytes {
            out.append(contentsOf: ", \"hex\": \"".utf8)
            for byte in payload { appendHexByte(byte, to: &out) }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
    }
}
