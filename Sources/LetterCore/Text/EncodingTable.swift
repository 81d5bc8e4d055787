/// A text encoding as letter knows it: Python's codec name, the aliases Python accepts,
/// and how to convert it.
public struct TextEncoding: Equatable, Sendable {
    /// How bytes become text.
    enum Method: Equatable, Sendable {
        /// Decoded in Swift, with Python's error spans (no iconv needed).
        case utf8, latin1, ascii
        /// Converted by iconv(3) under this glibc name.
        case iconv(String)
        /// Python's utf_16 and utf_32: encoding writes a byte-order mark, then
        /// little-endian units (Python's native order on x86_64); decoding follows a
        /// leading mark and reads little-endian without one, each datagram on its own.
        /// glibc's UTF-16 decoder keeps one datagram's mark for the next, so the two
        /// fixed orders are converted instead.
        case byteOrderMarked(littleEndian: String, bigEndian: String)
    }

    /// Python's canonical codec name (`gbk`, `utf-8`, `latin-1`...), or the iconv name
    /// the user gave for encodings outside the table.
    public let name: String
    public let aliases: [String]
    let method: Method

    /// Where Python's codec parts from glibc's; nil for encodings outside the table,
    /// which iconv converts as it sees fit.
    var rules: CodecRules? { generatedCodecRules[normalizedEncodingName(name)] }

    /// The iconv name used for this encoding, for messages and `letter encodings`.
    public var iconvName: String {
        switch method {
        case .utf8: return "UTF-8"
        case .latin1: return "ISO-8859-1"
        case .ascii: return "ASCII"
        case .iconv(let name): return name
        case .byteOrderMarked(let littleEndian, let bigEndian): return littleEndian + "/" + bigEndian
        }
    }

    /// Whether iconv on this machine converts this encoding both ways.
    public var works: Bool {
        switch method {
        case .utf8, .latin1, .ascii: return true
        case .iconv(let name): return iconvAvailable(name)
        case .byteOrderMarked(let littleEndian, let bigEndian): return iconvAvailable(littleEndian) && iconvAvailable(bigEndian)
        }
    }
}

extension TextEncoding {
    /// UTF-8, the default everywhere: the table's first row, also reachable without the
    /// table, whose sixty rows a one-off send would otherwise build at start-up.
    public static let utf8 = TextEncoding(name: "utf-8", aliases: ["utf8", "u8", "utf", "cp65001", "utf8_ucs2", "utf8_ucs4"],
                                          method: .utf8)
}

/// The encodings letter decodes and encodes exactly as Python does, Python's spelling
/// first (Python's other codecs that iconv has are in PythonCodecNames.swift).
public let encodingTable: [TextEncoding] = [
    .utf8,
    TextEncoding(name: "gbk", aliases: ["cp936", "936", "ms936"], method: .iconv("GBK")),
    TextEncoding(name: "gb2312", aliases: ["chinese", "csiso58gb231280", "euc_cn", "euccn", "eucgb2312_cn",
                                           "gb2312_1980", "gb2312_80", "iso_ir_58"], method: .iconv("EUC-CN")),
    TextEncoding(name: "gb18030", aliases: ["gb18030_2000"], method: .iconv("GB18030")),
    TextEncoding(name: "big5", aliases: ["big5_tw", "csbig5"], method: .iconv("BIG5")),
    TextEncoding(name: "big5hkscs", aliases: ["big5_hkscs", "hkscs"], method: .iconv("BIG5-HKSCS")),
    TextEncoding(name: "shift_jis", aliases: ["csshiftjis", "shiftjis", "sjis", "s_jis"], method: .iconv("SHIFT_JIS")),
    TextEncoding(name: "cp932", aliases: ["932", "ms932", "mskanji", "ms_kanji"], method: .iconv("CP932")),
    TextEncoding(name: "euc_jp", aliases: ["eucjp", "ujis", "u_jis"], method: .iconv("EUC-JP")),
    TextEncoding(name: "cp949", aliases: ["949", "ms949", "uhc"], method: .iconv("CP949")),
    TextEncoding(name: "latin-1", aliases: ["latin_1", "latin1", "latin", "l1", "iso_8859_1", "iso8859_1", "8859",
                                            "cp819", "iso_ir_100", "csisolatin1"], method: .latin1),
    TextEncoding(name: "ascii", aliases: ["us_ascii", "646", "us"], method: .ascii),
    TextEncoding(name: "iso8859-15", aliases: ["iso_8859_15", "iso8859_15", "latin9", "latin_9", "l9"],
                 method: .iconv("ISO-8859-15")),
    TextEncoding(name: "cp1252", aliases: ["windows_1252", "1252"], method: .iconv("CP1252")),
    TextEncoding(name: "cp1251", aliases: ["windows_1251", "1251"], method: .iconv("CP1251")),
    TextEncoding(name: "koi8-r", aliases: ["koi8_r", "cskoi8r"], method: .iconv("KOI8-R")),
]

/// Python's codec-name normalisation (`codecs.lookup`, then `encodings.normalize_encoding`):
/// lower case; each run of characters other than letters, digits and `.` becomes one
/// `_`, none at either end; letters and digits outside ASCII are dropped.
func normalizedEncodingName(_ name: String) -> String {
    var normalized = ""
    var separated = false
    for character in name.lowercased() {
        guard character.isLetter || character.isNumber || character == "." else {
            separated = true
            continue
        }
        if separated && !normalized.isEmpty { normalized.append("_") }
        if character.isASCII { normalized.append(character) }
        separated = false
    }
    return normalized
}

/// Finds an encoding as Python finds a codec: by name or alias after Python's
/// normalisation (Python also tries the name with `.` as `_`). The exact table comes
/// first, then Python's other codecs that iconv has; failing both, any name iconv itself
/// accepts (`EUC-TW`...). Nil when none knows it.
public func lookupEncoding(_ name: String) -> TextEncoding? {
    // A row's own spelling (the default utf-8 among them) is found without Python's
    // normalisation or the generated alias dictionary: building that dictionary was a
    // third of a one-off send's instructions (tests check both ways agree).
    if let row = encodingTable.first(where: { $0.name == name }) { return row }
    return lookupEncodingAsPython(name)
}

/// `lookupEncoding` without the fast path for the table's own spellings.
func lookupEncodingAsPython(_ name: String) -> TextEncoding? {
    let normalized = normalizedEncodingName(name)
    for wanted in [normalized, String(normalized.map { $0 == "." ? "_" : $0 })] {
        let exactName = generatedExactCodecAliases[wanted] ?? wanted
        if let known = encodingTable.first(where: { normalizedEncodingName($0.name) == exactName || $0.aliases.contains(wanted) }) {
            return known
        }
        if let codec = generatedPythonCodecs.first(where: { $0.name == wanted || $0.aliases.contains(wanted) }) {
            return codec
        }
    }
    let iconvName = name.uppercased()
    guard !iconvName.isEmpty, iconvName.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_:.".contains($0)) }),
          iconvAvailable(iconvName) else { return nil }
    return TextEncoding(name: iconvName, aliases: [], method: .iconv(iconvName))
}
