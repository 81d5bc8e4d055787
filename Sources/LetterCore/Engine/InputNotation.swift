/// A way of writing bytes as text (`--hex`): each record of the input (a MESSAGE, a
/// stdin line, or all of stdin with `--whole`) is read as bytes written so and sent
/// untouched, with no input or wire encoding. Each notation is a value in a file of its
/// own (HexInput.swift); the command line lists them, with their flags, in one table.
public struct InputNotation: Equatable, Sendable {
    /// What the bytes are written in, as messages say it: `hex`.
    public let name: String
    /// Appends the bytes `input` writes to `out`. A mistake names `place` ("line 3",
    /// "message", "stdin"), asked for only then; `out` is left as it was, so nothing of
    /// that record is sent.
    let append: @Sendable (_ input: ArraySlice<UInt8>, _ place: () -> String, _ out: inout [UInt8]) throws(RuntimeError) -> Void

    public static func == (lhs: InputNotation, rhs: InputNotation) -> Bool { lhs.name == rhs.name }
}
