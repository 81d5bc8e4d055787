@testable import LetterCore

/// The decoder, for every encoding letter names and every error handler, over arbitrary
/// bytes: it never crashes, always writes UTF-8, keeps Python's `strict` contract, and
/// gives the same answer wherever the datagram's slice starts and however often the
/// decoder (and its iconv descriptor) has been used before.

// Every table encoding is one glibc ships, so each decoder opens.
private let decoders = encodingTable.flatMap { encoding in
    DecodeErrorHandler.allCases.map { TextDecoder(encoding: encoding, errors: $0)! }
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzDecode(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var input = FuzzInput(data, size)
    let decoder = input.pick(decoders)
    let payload = input.rest
    let what = "\(decoder.encoding.name)/\(decoder.errors) of \(hexDump(payload))"

    // Decoding appends: what the buffer held before stays.
    var text: [UInt8] = [0x3E]
    let failure = decoder.decode(payload, appendingTo: &text)
    require(text.first == 0x3E, "decode overwrote the buffer: \(what)")
    text.removeFirst()
    require(isValidUTF8(text), "decode wrote invalid UTF-8 \(hexDump(text)): \(what)")

    if let failure {
        require(decoder.errors == .strict, "a failure under \(decoder.errors): \(what)")
        require(failure.offset >= 0 && failure.length >= 1 && failure.offset + failure.length <= payload.count,
                "failure \(failure) out of bounds: \(what)")
        // Python's strict contract: the bytes before the failure decode, to the text given.
        var prefix: [UInt8] = []
        let prefixFailure = decoder.decode(payload.prefix(failure.offset), appendingTo: &prefix)
        require(prefixFailure == nil && prefix == text,
                "the \(failure.offset) bytes before the failure decode to \(hexDump(prefix)) (\(String(describing: prefixFailure))), not \(hexDump(text)): \(what)")
    }

    var again: [UInt8] = []
    let failureAgain = decoder.decode(Array(payload)[...], appendingTo: &again)
    require(again == text && failureAgain == failure, "another slice of the same bytes decodes otherwise: \(what)")
    return 0
}
