@testable import LetterCore

/// The printers, above all json's: for any datagram, sender, encoding, error handler and
/// format, every `text`, `tuple` and `json` record is one terminal-safe line, and a `json`
/// record is a strict JSON object whose fields say what came from whom. (`hex` has a
/// target of its own, Views; `pcap` writes binary records, not lines: tshark checks them
/// in CaptureTests and PcapWriterTests.)

/// A printer of one format, with `--bytes` or not, and a decoder of its own kind, which
/// says what its text must be.
private struct Writer {
    let format: RecordFormat
    let showBytes: Bool
    let printer: any Printer
    let twin: TextDecoder
}

private let formats: [(RecordFormat, showBytes: Bool)] = RecordFormat.allCases.filter { $0 != .hex && $0 != .pcap }.flatMap { [($0, false), ($0, true)] }
// Every table encoding is one glibc ships, so each decoder opens.
private let writers = encodingTable.flatMap { encoding in
    DecodeErrorHandler.allCases.flatMap { errors in
        formats.map { format in
            Writer(format: format.0, showBytes: format.showBytes,
                   printer: format.0.printer.init(PrinterContext(decoder: TextDecoder(encoding: encoding, errors: errors)!,
                                                                 showBytes: format.showBytes)),
                   twin: TextDecoder(encoding: encoding, errors: errors)!)
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzRecords(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var input = FuzzInput(data, size)
    let writer = input.pick(writers)
    let sender = readInternetSender(&input)
    let cut = Int(input.integer(byteCount: 1) % 3)  // how many bytes the "kernel" cut
    let payload = input.rest
    let what = "\(writer.format)\(writer.showBytes ? " --bytes" : "") from \(sender.pythonRepr) of \(hexDump(payload))"

    var out: [UInt8] = []
    let failure = writer.printer.append(Record(Datagram(payload: payload, fullLength: payload.count + cut, peer: sender)), to: &out)
    if failure != nil {
        require(out.isEmpty, "a strict failure that still wrote: \(what)")
        return 0
    }
    guard writer.format != .raw else {
        require(out[...] == payload, "raw is not the payload: \(what)")
        return 0
    }
    require(out.last == 0x0A, "a record that does not end its line: \(what)")
    guard writer.format != .lines else { return 0 }
    require(!out.dropLast().contains(0x0A), "a record of more than one line: \(what)")
    require(isTerminalSafe(out[...]), "a record with a control character \(hexDump(out)): \(what)")
    require(isValidUTF8(out), "a record that is not UTF-8: \(what)")
    if writer.format == .json { checkJSON(out.dropLast(), writer: writer, payload: payload, cut: cut, sender: sender, what) }
    return 0
}

private func checkJSON(_ record: ArraySlice<UInt8>, writer: Writer, payload: ArraySlice<UInt8>, cut: Int,
                       sender: Peer, _ what: String) {
    let fields: [String: JSONReader.Value]
    do {
        fields = try JSONReader.object(record)
    } catch {
        fatalError("invalid JSON at byte \(error.offset) of \(hexDump(record)): \(what)")
    }
    var text: [UInt8] = []
    _ = writer.twin.decode(payload, appendingTo: &text)
    var expected: [String: JSONReader.Value] = [
        "host": .string(Array(sender.host.utf8)),
        "port": .integer(UInt64(sender.port)),
        "size": .integer(UInt64(payload.count)),
        "text": .string(text),
    ]
    if case .v6(_, _, let flowInfo, let scopeID) = sender {
        expected["flowinfo"] = .integer(UInt64(flowInfo))
        expected["scope_id"] = .integer(UInt64(scopeID))
    }
    if cut > 0 { expected["truncated_from"] = .integer(UInt64(payload.count + cut)) }
    if writer.showBytes { expected["hex"] = .string(Array(hexDump(payload).filter { $0 != " " }.utf8)) }
    require(fields == expected, "JSON fields \(fields) are not \(expected): \(what)")
}
