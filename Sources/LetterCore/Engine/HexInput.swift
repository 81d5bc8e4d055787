/// The `--hex` input mode: each record (a MESSAGE, a stdin line, or all of stdin with
/// `--whole`) is bytes written in hex as people paste them (HexBytes.swift has the
/// grammar), sent untouched: no input or wire encoding applies.
enum HexInput {
    /// Appends the bytes `input` writes in hex to `out`. A mistake names `place` ("line 3",
    /// "message", "stdin"), the line within it when it spans several, and the column;
    /// `out` is then left as it was, so nothing of that record is sent.
    static func append(_ input: ArraySlice<UInt8>, place: @autoclosure () -> String,
                       to out: inout [UInt8]) throws(RuntimeError) {
        do throws(HexSyntaxError) {
            try appendHexBytes(input, to: &out)
        } catch {
            let line = input.contains(UInt8(ascii: "\n")) ? ", line \(error.line)" : ""
            throw RuntimeError("\(place())\(line), column \(error.column): \(error.explanation); nothing sent for it")
        }
    }
}
