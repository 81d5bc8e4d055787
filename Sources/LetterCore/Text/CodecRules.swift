/// How Python's codec for one encoding parts from glibc's, in the compact form the
/// generated table (`CodecTables.swift`) writes.
struct CodecRules: Sendable {
    /// How Python's decoder splits bytes into tokens (one character or one error each).
    enum Tokenizer: Sendable {
        /// `twoByteLeads` start 2-byte tokens; every other byte is a token of its own.
        case leadBytes
        /// GB18030: a lead followed by 0x30-0x39 starts a 4-byte token, else 2 bytes.
        case gb18030
        /// EUC-JP: 0x8F starts a 3-byte token (JIS X 0212), other high bytes 2.
        case eucJP
    }

    let iconvName: String
    let tokenizer: Tokenizer
    let twoByteLeads: String
    let deadLeads: String
    let decodeFixups: String
    let encodeFixups: String
    let suspiciousScalars: String
}

/// `CodecRules` parsed into lookup tables, once per decoder or encoder.
struct CodecQuirks {
    let tokenizer: CodecRules.Tokenizer
    /// Lead bytes of 2-byte (or longer) tokens.
    private(set) var twoByteLead = [Bool](repeating: false, count: 256)
    /// Lead bytes whose tokens Python never decodes.
    private(set) var deadLead = [Bool](repeating: false, count: 256)
    /// Python's decoding of a token glibc decodes otherwise: a scalar, or nil for invalid.
    /// Keyed by `tokenKey`.
    private(set) var decodeFixups: [UInt64: UInt32?] = [:]
    /// Python's encoding of a character glibc encodes otherwise: bytes, or nil for unencodable.
    private(set) var encodeFixups: [UInt32: [UInt8]?] = [:]
    /// Scalars glibc produces only for tokens Python decodes otherwise.
    private(set) var suspicious: Set<UInt32> = []

    init(_ rules: CodecRules) {
        tokenizer = rules.tokenizer
        for (first, last, _) in parseRuns(rules.twoByteLeads, separator: ",") {
            for byte in first...last { twoByteLead[Int(byte)] = true }
        }
        for (first, last, _) in parseRuns(rules.deadLeads, separator: ",") {
            for byte in first...last { deadLead[Int(byte)] = true }
        }
        for (first, last, value) in parseRuns(rules.decodeFixups, separator: ";") {
            for token in first...last {
                // updateValue keeps a nil (invalid) entry, where subscript assignment would remove it.
                decodeFixups.updateValue(value.number.map { UInt32($0 + (token - first)) },
                                         forKey: Self.tokenKey(token, length: value.keyLength))
            }
        }
        for (first, last, value) in parseRuns(rules.encodeFixups, separator: ";") {
            for scalar in first...last {
                encodeFixups.updateValue(value.number.map { bigEndianBytes($0 + (scalar - first), count: value.length / 2) },
                                         forKey: UInt32(scalar))
            }
        }
        for (first, last, _) in parseRuns(rules.suspiciousScalars, separator: ";") {
            for scalar in first...last { suspicious.insert(UInt32(scalar)) }
        }
    }

    /// The dictionary key of a token: its bytes as a number, tagged with its length.
    static func tokenKey(_ value: UInt64, length: Int) -> UInt64 { UInt64(length) << 56 | value }

    /// How many bytes Python's decoder takes for the token at `offset`.
    func tokenLength(_ input: ArraySlice<UInt8>, at offset: Int) -> Int {
        let index = input.startIndex + offset
        let lead = input[index]
        guard twoByteLead[Int(lead)] else { return 1 }
        switch tokenizer {
        case .leadBytes:
            return 2
        case .gb18030:
            let next = index + 1 < input.endIndex ? input[index + 1] : 0
            return (0x30...0x39).contains(next) ? 4 : 2
        case .eucJP:
            return lead == 0x8F ? 3 : 2
        }
    }

    /// Whether UTF-8 `text` holds a scalar glibc makes only where Python would not.
    func containsSuspicious(_ text: ArraySlice<UInt8>) -> Bool {
        guard !suspicious.isEmpty else { return false }
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] < 0x80 {
                index += 1
                continue
            }
            let (scalar, length) = scalarAt(text, index)
            if suspicious.contains(scalar) { return true }
            index += length
        }
        return false
    }
}

/// One `KEY[-KEY]=[VALUE][+]` item's value: its number (nil: empty) and digit count.
private struct RunValue {
    let number: UInt64?
    let length: Int
    let keyLength: Int
}

/// Parses `A[-B][=V[+]]` items (hex) into (first, last, value).
private func parseRuns(_ text: String, separator: Character) -> [(UInt64, UInt64, RunValue)] {
    text.split(separator: separator).map { item in
        let parts = item.split(separator: "=", omittingEmptySubsequences: false)
        let keys = parts[0].split(separator: "-")
        // The generated table holds only hex digits here.
        let first = UInt64(keys[0], radix: 16)!
        let last = keys.count > 1 ? UInt64(keys[1], radix: 16)! : first
        let valueText = parts.count > 1 ? parts[1].filter { $0 != "+" } : ""
        let value = RunValue(number: valueText.isEmpty ? nil : UInt64(valueText, radix: 16)!,
                             length: valueText.count, keyLength: keys[0].count / 2)
        return (first, last, value)
    }
}

private func bigEndianBytes(_ value: UInt64, count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64(count - 1 - $0))) }
}
