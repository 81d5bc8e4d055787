/// Why a capture cannot be read (further): a value that names the byte offset where
/// reading stopped, so the command can say where a file is damaged after sending what
/// came before it.
public struct CaptureError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: Equatable, Sendable {
        /// The first bytes are no capture letter reads (or a first record does not parse).
        case notACapture
        /// The input ends inside a header, record or block.
        case endsInsideRecord
        /// A link type letter does not decode: its number.
        case unknownLinkType(UInt32)
        /// A length, version or reference that cannot be right, or a JSON line that is not
        /// letter's json.
        case damaged
        /// Reading failed.
        case readFailed(SystemCallError)
    }

    public let kind: Kind
    /// Where in the input the problem is (the start of the record, block or line).
    public let offset: Int
    /// What is wrong, in words, without the offset.
    public let detail: String

    init(_ kind: Kind, at offset: Int, _ detail: String) {
        self.kind = kind
        self.offset = offset
        self.detail = detail
    }

    public var description: String {
        switch kind {
        case .notACapture: return "not a capture: \(detail)"
        case .endsInsideRecord: return "the file ends inside a record: \(detail), at byte \(offset)"
        case .unknownLinkType(let type): return "unknown link type \(type) (\(linkTypeName(type))) \(detail), at byte \(offset)"
        case .damaged: return "damaged capture: \(detail), at byte \(offset)"
        case .readFailed(let error): return "cannot read the capture at byte \(offset): \(error.errno)"
        }
    }
}
