/// A way of writing bytes as text (`--hex`): each record of the input (a MESSAGE, a
/// stdin line, or all of stdin with `--whole`) is read as bytes written so and sent
/// untouched, with no input or wire encoding. Each notation is a value in a file of its
/// own (HexInput.swift); the command line lists them, with their flags, in one table.
public final class InputNotation: Equatable, Sendable {
    /// What the bytes are written in, as messages say it: `hex`.
    public let name: String
    /// Appends the bytes `input` writes to `out`. A mistake names `place` ("line 3",
    /// "message", "stdin"), asked for only then; `out` is left as it was, so nothing of
    /// that record is sent.
    let append: @Sendable (_ input: ArraySlice<UInt8>, _ place: () -> String, _ out: inout [UInt8]) throws(RuntimeError) -> Void

    init(name: String, append: @escaping @Sendable (ArraySlice<UInt8>, () -> String, inout [UInt8]) throws(RuntimeError) -> Void) {
        self.name = name
        self.append = append
    }

    public static func == (lhs: InputNotation, rhs: InputNotation) -> Bool { lhs.name == rhs.name }
}

/// How input text becomes bytes: as text in an encoding, or written in a notation. Not
/// an `InputNotation?`: a copy of that goes through `Optional`'s generic metadata, whose
/// set-up cost a one-off send 27k instructions at start; this enum's is static.
public enum InputForm: Equatable, Sendable {
    case text
    case written(InputNotation)
}
