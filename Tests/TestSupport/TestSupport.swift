import Glibc

/// What both test targets share: the seeded generator and the file reader. (Only the
/// end-to-end tests skip; their one skip report is in their Support.swift.)

/// A small seeded generator (SplitMix64), so that random cases are the same every run
/// and a failing one can be run again.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// A file that could not be opened.
public struct UnreadableFile: Error, CustomStringConvertible {
    public let path: String

    public var description: String { "cannot open \(path): \(String(cString: strerror(errno)))" }
}

/// All the bytes of the file at `path`.
public func readFile(_ path: String) throws -> [UInt8] {
    guard let file = fopen(path, "rb") else { throw UnreadableFile(path: path) }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        bytes.append(contentsOf: chunk[0..<count])
        if count < chunk.count { return bytes }
    }
}
