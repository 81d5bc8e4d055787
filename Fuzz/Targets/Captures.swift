@testable import LetterCore

/// The capture readers (pcap, pcapng, JSON Lines, link layers, IP, reassembly) over any
/// bytes: no crash, no hang, memory bounded by the window and the reassembly limits (small
/// here, so that giving datagrams up is reached). Beyond survival: reading does not depend
/// on how the input arrives (a 64 KiB read or 1 to 256 bytes at a time); every datagram
/// and error lies within the input, each time is in range, each payload fits UDP; and
/// after an error or the end there is nothing more.

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzCaptures(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var input = FuzzInput(data, size)
    let readSize = 1 + Int(input.integer(byteCount: 1))
    let bytes = Array(input.rest)
    let whole = read(bytes, readSize: 1 << 16)
    let chunked = read(bytes, readSize: readSize)
    require(whole == chunked, "read \(readSize) bytes at a time: \(chunked) differs from \(whole) for \(hexDump(bytes.prefix(64)))")
    for datagram in whole.datagrams {
        require(datagram.payload.count <= FragmentReassembler.maximumLength, "a payload of \(datagram.payload.count) bytes")
        require((0..<max(bytes.count, 1)).contains(datagram.offset), "a datagram at byte \(datagram.offset) of \(bytes.count)")
        if let time = datagram.time {
            require((0..<latestCaptureSecond).contains(time.seconds) && (0..<1_000_000_000).contains(time.nanoseconds),
                    "a time out of range: \(time)")
        }
    }
    if let error = whole.error {
        require((0...bytes.count).contains(error.offset), "an error at byte \(error.offset) of \(bytes.count): \(error)")
        // One line, and nothing from the input reaches the terminal raw.
        require(isTerminalSafe(Array(error.description.utf8)[...]), "an error that is not one terminal-safe line: \(error)")
    }
    return 0
}

/// What a whole read gives, comparable.
private struct Reading: Equatable, CustomStringConvertible {
    struct Datagram: Equatable {
        var time: Timestamp?
        var source: Peer
        var destination: Peer?
        var payload: [UInt8]
        var payloadIsText: Bool
        var offset: Int
    }

    var datagrams: [Datagram] = []
    var skipped = CaptureSkips()
    var error: CaptureError?
    var format: CaptureReader.Format?

    var description: String { "\(datagrams.count) datagrams, \(skipped), \(String(describing: error))" }
}

private func read(_ bytes: [UInt8], readSize: Int) -> Reading {
    let reader = CaptureReader(bytes: bytes, readSize: readSize,
                               reassembler: FragmentReassembler(maximumInFlight: 4, maximumBytes: 2 * FragmentReassembler.maximumLength))
    var reading = Reading()
    var ended = false
    // Each record, block or line the reader passes is at least one byte of input.
    for _ in 0...bytes.count + 1 where !ended {
        do {
            guard let datagram = try reader.next() else {
                ended = true
                continue
            }
            reading.datagrams.append(.init(time: datagram.time, source: datagram.source, destination: datagram.destination,
                                           payload: Array(datagram.payload), payloadIsText: datagram.payloadIsText,
                                           offset: datagram.offset))
        } catch {
            reading.error = error
            ended = true
        }
    }
    require(ended, "more datagrams than bytes of input")
    require((try? reader.next()) == nil, "a datagram after the end or an error")
    reading.skipped = reader.skipped
    reading.format = reader.format
    return reading
}
