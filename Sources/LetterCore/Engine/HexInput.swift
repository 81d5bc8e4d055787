extension InputNotation {
    /// `--hex`: bytes written in hex as people paste them (HexBytes.swift has the
    /// grammar). A mistake names the line within the record when it spans several, and
    /// the column.
    public static let hex = InputNotation(name: "hex") { input, place, out throws(RuntimeError) in
        do throws(HexSyntaxError) {
            try appendHexBytes(input, to: &out)
        } catch {
            let line = input.contains(UInt8(ascii: "\n")) ? ", line \(error.line)" : ""
            throw RuntimeError("\(place())\(line), column \(error.column): \(error.explanation); nothing sent for it")
        }
    }
}
