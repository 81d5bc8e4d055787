/// `letter encodings`: the table, filtered to what iconv can open here.
func encodingsListing() -> String {
    var lines = ["ENCODING      ICONV NAME    PYTHON ALIASES ACCEPTED"]
    for encoding in encodingTable {
        let works: Bool
        if case .iconv(let name) = encoding.method { works = iconvAvailable(name) } else { works = true }
        guard works else { continue }
        let name = encoding.name.padding(to: 14)
        let iconv = encoding.iconvName.padding(to: 14)
        lines.append(name + iconv + encoding.aliases.joined(separator: ", "))
    }
    lines.append("")
    lines.append("Names are matched as Python matches codec names (case, '-' and '_' do not matter).")
    lines.append("Any other encoding iconv knows works too, by its iconv name ('iconv -l' lists them).")
    return lines.joined(separator: "\n") + "\n"
}

extension String {
    /// The string padded with spaces to at least `width` characters, plus one space.
    func padding(to width: Int) -> String {
        self + String(repeating: " ", count: max(1, width - count))
    }
}
