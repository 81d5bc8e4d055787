@testable import LetterCore

/// The encoder, for every encoding letter names, strict and replacing, over arbitrary
/// text: it never crashes; under `replace` it never fails; a failure names the column and
/// the character that is really there; what it writes decodes again under `strict`; and
/// the answer does not depend on where the text's slice starts.

// Every table encoding is one glibc ships, so each encoder and decoder opens.
private let encoders = encodingTable.flatMap { encoding in
    [false, true].map { TextEncoder(encoding: encoding, replaceUnencodable: $0)! }
}
private let strictDecoders = Dictionary(uniqueKeysWithValues: encodingTable.map {
    ($0.name, TextDecoder(encoding: $0, errors: .strict)!)
})

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzEncode(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var input = FuzzInput(data, size)
    let encoder = input.pick(encoders)
    // The encoder takes well-formed UTF-8 (the input decoder's output): repair the bytes.
    let scalars = Array(String(decoding: input.rest, as: UTF8.self).unicodeScalars)
    let text = Array(String(String.UnicodeScalarView(scalars)).utf8)
    let what = "\(encoder.encoding.name) (replace: \(encoder.replaceUnencodable)) of \(hexDump(text))"

    var encoded: [UInt8] = []
    let failure: EncodeFailure?
    do {
        try encoder.encode(([0x3E] + text)[1...], appendingTo: &encoded)
        failure = nil
    } catch {
        failure = error
    }
    if let failure {
        require(!encoder.replaceUnencodable, "a failure under replace: \(failure): \(what)")
        require((1...scalars.count).contains(failure.column) && scalars[failure.column - 1].value == failure.scalar,
                "failure \(failure) does not name the character at its column: \(what)")
    } else {
        var decoded: [UInt8] = []
        // Decoders of the table's encodings all exist (see above).
        let decodeFailure = strictDecoders[encoder.encoding.name]!.decode(encoded[...], appendingTo: &decoded)
        require(decodeFailure == nil, "the encoding \(hexDump(encoded)) does not decode (\(String(describing: decodeFailure))): \(what)")
    }

    var again: [UInt8] = []
    var failureAgain: EncodeFailure?
    do { try encoder.encode(text[...], appendingTo: &again) } catch { failureAgain = error }
    require(failureAgain == failure && (failure != nil || again == encoded), "another slice of the same text encodes otherwise: \(what)")
    return 0
}
