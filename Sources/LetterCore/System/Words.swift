extension Span where Element == UInt8 {
    /// The eight bytes at `offset` as one word in memory order, for scans that go eight
    /// bytes at a time (ASCII runs, text with nothing to escape); `offset + 8 <= count`,
    /// which the load checks. Its "unsafe" is about types with invalid bit patterns, of
    /// which `UInt64` has none.
    @inline(__always)
    func word(at offset: Int) -> UInt64 {
        bytes.unsafeLoadUnaligned(fromByteOffset: offset, as: UInt64.self)
    }
}
