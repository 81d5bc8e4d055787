/// `-f json`: one JSON object a line, valid for any bytes: the sender (`host`, `port`,
/// and for IPv6 `flowinfo`, `scope_id`; or a unix `path`, `null` when unnamed, `@NAME`
/// with `"abstract": true`), a relayed datagram's target (the same fields, prefixed
/// `to_`) and `direction`, `size`, `truncated_from` when cut, `time` with `--time` (a
/// string for iso and utc, a number otherwise), the decoded `text`, with `--bytes` the
/// payload as `hex`, and ping's `seq`, `rtt_ms` and marks. ping's summary is one more
/// object at the end.
final class JSONPrinter: Printer {
    static let summary = "One JSON object a line: the sender, size and text, and more where they apply."
    private let text: DecodedText
    private let columns: Columns

    init(_ context: PrinterContext) {
        text = DecodedText(context)
        columns = context.columns
    }

    func append(_ record: Record, to out: inout [UInt8]) -> DecodeFailure? {
        let datagram = record.datagram
        if let failure = text.decode(datagram.payload) { return failure }
        out.append(UInt8(ascii: "{"))
        appendJSONPeerFields(datagram.peer, to: &out)
        if let passage = record.passage {
            out.append(contentsOf: ", ".utf8)
            appendJSONPeerFields(passage.to, prefix: "to_", to: &out)
            out.append(contentsOf: ", \"direction\": \"".utf8)
            out.append(contentsOf: passage.direction.rawValue.utf8)
            out.append(UInt8(ascii: "\""))
        }
        out.append(contentsOf: ", \"size\": ".utf8)
        appendDecimal(UInt64(datagram.payload.count), to: &out)
        if datagram.isTruncated {
            out.append(contentsOf: ", \"truncated_from\": ".utf8)
            appendDecimal(UInt64(datagram.fullLength), to: &out)
        }
        columns.appendTimeField(record, to: &out)
        out.append(contentsOf: ", \"text\": ".utf8)
        appendJSONString(text.bytes[...], to: &out)
        if text.showBytes {
            out.append(contentsOf: ", \"hex\": \"".utf8)
            for byte in datagram.payload { appendHexByte(byte, to: &out) }
            out.append(UInt8(ascii: "\""))
        }
        columns.appendPingFields(record, to: &out)
        out.append(contentsOf: "}\n".utf8)
        return nil
    }

    /// ping's summary as one more json object.
    func finish(_ statistics: ReceiveStatistics, to out: inout [UInt8]) {
        statistics.ping?.appendJSON(to: &out)
    }
}

/// The fields that name a peer, without braces: `"host": "::1", "port": 9, "flowinfo": 0,
/// "scope_id": 0`, or `"path": "/tmp/x.sock"`, `"path": "@name", "abstract": true`,
/// `"path": null`. `prefix` names a second peer (`to_`).
func appendJSONPeerFields(_ peer: Peer, prefix: String = "", to out: inout [UInt8]) {
    func key(_ name: String) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: prefix.utf8)
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: "\": ".utf8)
    }
    switch peer {
    case .v4, .v6:
        key("host")
        out.append(UInt8(ascii: "\""))
        peer.appendHost(to: &out)
        out.append(contentsOf: "\", ".utf8)
        key("port")
        appendDecimal(UInt64(peer.port), to: &out)
        if case .v6(_, _, let flowInfo, let scopeID) = peer {
            out.append(contentsOf: ", ".utf8)
            key("flowinfo")
            appendDecimal(UInt64(flowInfo), to: &out)
            out.append(contentsOf: ", ".utf8)
            key("scope_id")
            appendDecimal(UInt64(scopeID), to: &out)
        }
    case .unixPath(let path):
        key("path")
        appendJSONName(path[...], to: &out)
    case .abstract(let name):
        key("path")
        appendJSONName([UInt8(ascii: "@")] + name[...], to: &out)
        out.append(contentsOf: ", ".utf8)
        key("abstract")
        out.append(contentsOf: "true".utf8)
    case .unnamed:
        key("path")
        out.append(contentsOf: "null".utf8)
    }
}

/// A socket name as a JSON string: UTF-8 as it is, and each byte that is not part of a
/// valid sequence as `\udcXX`, the surrogate Python's file system decoding gives it.
private func appendJSONName(_ name: ArraySlice<UInt8>, to out: inout [UInt8]) {
    var part: [UInt8] = []
    /// The valid text in `range`, escaped as JSON escapes it, without appendJSONString's quotes.
    func appendText(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        part.removeAll(keepingCapacity: true)
        appendJSONString(name[range], to: &part)
        out.append(contentsOf: part.dropFirst().dropLast())
    }
    out.append(UInt8(ascii: "\""))
    var runStart = name.startIndex
    var index = name.startIndex
    while index < name.endIndex {
        if let length = validUTF8SequenceLength(name, at: index) {
            index += length
            continue
        }
        appendText(runStart..<index)
        out.append(contentsOf: "\\udc".utf8)
        appendHexByte(name[index], to: &out)
        index += 1
        runStart = index
    }
    appendText(runStart..<index)
    out.append(UInt8(ascii: "\""))
}
