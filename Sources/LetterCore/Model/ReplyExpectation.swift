/// What a reply must contain to count as the right answer (`send -w`, `ping`):
/// `--expect TEXT`, in the reply's decoded text, or `--expect-hex HEX`, in its bytes.
/// Containment is of code points, as Python's `in` on str and bytes: the decoded text is
/// UTF-8, in which a character's bytes never appear inside another's.
public struct ReplyExpectation: Equatable, Sendable {
    enum Subject: Equatable, Sendable {
        /// `--expect`: the decoded text.
        case text
        /// `--expect-hex`: the payload's bytes.
        case bytes
    }

    let subject: Subject
    /// What must appear, as UTF-8 (text) or as bytes.
    let pattern: [UInt8]
    /// Knuth-Morris-Pratt's table: for each prefix of the pattern, the length of its
    /// longest proper prefix that is also its suffix. The search is linear whatever the
    /// reply and the pattern hold.
    private let fallback: [Int]

    /// `--expect TEXT`.
    public init(text: String) {
        self.init(subject: .text, pattern: Array(text.utf8))
    }

    /// `--expect-hex HEX`, written as `--hex` writes bytes.
    public init(hex: String) throws(HexSyntaxError) {
        var bytes: [UInt8] = []
        try appendHexBytes(hex.utf8, to: &bytes)
        self.init(subject: .bytes, pattern: bytes)
    }

    private init(subject: Subject, pattern: [UInt8]) {
        self.subject = subject
        self.pattern = pattern
        var fallback = [Int](repeating: 0, count: pattern.count)
        var length = 0
        for index in pattern.indices.dropFirst() {
            while length > 0 && pattern[index] != pattern[length] { length = fallback[length - 1] }
            if pattern[index] == pattern[length] { length += 1 }
            fallback[index] = length
        }
        self.fallback = fallback
    }

    /// Whether the reply holds the pattern. `decodedText` (the reply decoded as it is shown,
    /// UTF-8) is only asked for by `--expect`.
    func matches(payload: ArraySlice<UInt8>, decodedText: @autoclosure () -> ArraySlice<UInt8>) -> Bool {
        contains(subject == .text ? decodedText() : payload)
    }

    private func contains(_ haystack: ArraySlice<UInt8>) -> Bool {
        guard !pattern.isEmpty else { return true }
        var matched = 0
        for byte in haystack {
            while matched > 0 && byte != pattern[matched] { matched = fallback[matched - 1] }
            if byte == pattern[matched] { matched += 1 }
            if matched == pattern.count { return true }
        }
        return false
    }
}
