import LetterCore

/// `letter encodings` takes no options.
struct EncodingsOptions: Equatable, Sendable {
    init(_ parsed: ParsedArguments) throws(UsageError) {
        guard parsed.positionals.isEmpty else { throw UsageError("unexpected argument '\(parsed.positionals[0])'") }
    }
}

let encodingsSpec = SubcommandSpec(
    name: "encodings",
    abstract: "List the encodings that work on this machine.",
    options: { [] },
    page: {
        SubcommandPage(usage: "letter encodings", arguments: [], examples: ["letter encodings"],
                       discussion: "Any other name iconv knows (see 'iconv -l') is accepted too.")
    },
    parse: { parsed throws(UsageError) in try EncodingsOptions(parsed) }, run: { _ in try writeOut(encodingsListing()) })

/// The exact table, then Python's other codecs that iconv has, each filtered to what
/// iconv can open here.
func encodingsListing() -> String {
    var lines = ["ENCODING      ICONV NAME    PYTHON ALIASES ACCEPTED"]
    lines += encodingTable.filter(\.works).map(listingLine)
    lines.append("")
    lines.append("Python's other codecs, converted by iconv (which may lack a few of Python's characters):")
    lines.append("CODEC         ICONV NAME    PYTHON ALIASES ACCEPTED")
    lines += generatedPythonCodecs.filter(\.works).map(listingLine)
    lines.append("")
    lines.append("Names are matched as Python matches codec names (case, '-', '_' and spaces do not matter).")
    lines.append("Any other encoding iconv knows works too, by its iconv name ('iconv -l' lists them).")
    return lines.joined(separator: "\n") + "\n"
}

private func listingLine(_ encoding: TextEncoding) -> String {
    encoding.name.padding(to: 14) + encoding.iconvName.padding(to: 14) + encoding.aliases.joined(separator: ", ")
}

extension String {
    /// The string padded with spaces to at least `width` characters, plus one space.
    func padding(to width: Int) -> String {
        self + String(repeating: " ", count: max(1, width - count))
    }
}
