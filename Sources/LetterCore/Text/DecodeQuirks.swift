/// Where glibc's converter and Python's codec disagree on decoding, Python wins. These
/// tables list the byte sequences Python decodes that glibc rejects.
struct DecodeQuirks: Sendable {
    /// Sequences Python decodes that glibc rejects, with Python's text as UTF-8.
    let pythonOnly: [[UInt8]: [UInt8]]
    let longest: Int

    init(pythonOnly: [[UInt8]: String]) {
        self.pythonOnly = pythonOnly.mapValues { Array($0.utf8) }
        longest = pythonOnly.keys.map(\.count).max() ?? 0
    }

    /// Python's decoding of the sequence at `offset`, if glibc rejected one Python accepts.
    func pythonOnly(_ input: ArraySlice<UInt8>, at offset: Int) -> (Int, [UInt8])? {
        let start = input.startIndex + offset
        for length in stride(from: min(longest, input.count - offset), through: 1, by: -1) {
            if let text = pythonOnly[Array(input[start..<start + length])] { return (length, text) }
        }
        return nil
    }
}

/// Quirks by Python codec name.
let decodeQuirks: [String: DecodeQuirks] = [:]
