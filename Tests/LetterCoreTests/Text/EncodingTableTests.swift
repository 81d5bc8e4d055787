import Testing
@testable import LetterCore

@Suite struct EncodingTableTests {
    @Test(arguments: [("UTF8", "utf-8"), ("utf_8", "utf-8"), ("GBK", "gbk"), ("cp936", "gbk"), ("CP936", "gbk"),
                      ("gb2312", "gb2312"), ("EUC-CN", "gb2312"), ("Latin1", "latin-1"), ("latin-1", "latin-1"),
                      ("ISO-8859-1", "latin-1"), ("iso8859_1", "latin-1"), ("Big5", "big5"), ("Shift-JIS", "shift_jis"),
                      ("sjis", "shift_jis"), ("GB18030", "gb18030"), ("us-ascii", "ascii")])
    func pythonNamesAndAliasesResolve(name: String, canonical: String) throws {
        #expect(try #require(lookupEncoding(name)).name == canonical)
    }

    /// The fast path for a row's own spelling finds what Python's rules find.
    @Test func rowSpellingsFindTheirRowsEitherWay() {
        for encoding in encodingTable {
            #expect(lookupEncoding(encoding.name) == encoding, "\(encoding.name)")
            #expect(lookupEncodingAsPython(encoding.name) == encoding, "\(encoding.name)")
        }
    }

    @Test func otherIconvNamesPassThroughAndNonsenseIsRejected() throws {
        let other = try #require(lookupEncoding("EUC-TW"))
        #expect(other.iconvName == "EUC-TW")
        #expect(lookupEncoding("klingon") == nil)
        #expect(lookupEncoding("") == nil)
        #expect(lookupEncoding("UTF-8//TRANSLIT") == nil)
    }

    @Test func everyTableEntryOpensInIconv() {
        for encoding in encodingTable + generatedPythonCodecs {
            #expect(encoding.works, "\(encoding.name) \(encoding.iconvName)")
        }
    }

    /// Names normalised as Python's codec lookup normalises them (rows from Python).
    @Test func namesAreNormalisedAsPythonDoes() {
        let rows = OracleFixtures.rows("codec_name.tsv")
        #expect(rows.count == 300)
        for row in rows {
            #expect(normalizedEncodingName(row[0]) == row[1], "'\(row[0])'")
        }
    }

    /// Every Python codec iconv has, by its name and each alias, in any case and with any
    /// separators, is found; and the names the issue listed are among them.
    @Test func pythonCodecNamesAndAliasesResolve() throws {
        #expect(generatedPythonCodecs.count > 50)
        for codec in generatedPythonCodecs {
            for name in [codec.name] + codec.aliases {
                for spelling in [name, name.uppercased(), String(name.map { $0 == "_" ? "-" : $0 }),
                                 String(name.map { $0 == "_" ? " " : $0 })] {
                    #expect(lookupEncoding(spelling)?.name == codec.name, "'\(spelling)'")
                }
            }
        }
        for (name, codec) in [("euc_kr", "euc_kr"), ("utf_16", "utf_16"), ("utf_16_le", "utf_16_le"), ("utf-16-le", "utf_16_le"),
                              ("iso8859_2", "iso8859_2"), ("windows_1250", "cp1250"), ("mac_roman", "mac_roman")] {
            #expect(try #require(lookupEncoding(name)).name == codec)
        }
    }

    /// Python's other names for the exact table's codecs reach the exact rows (so their
    /// behaviour stays Python-exact), and the generated codecs never shadow them.
    @Test func exactCodecsKeepTheirRows() throws {
        #expect(!generatedExactCodecAliases.isEmpty)
        let exactNames = Set(encodingTable.flatMap { [normalizedEncodingName($0.name)] + $0.aliases })
        for (alias, module) in generatedExactCodecAliases {
            let encoding = try #require(lookupEncoding(alias), "'\(alias)'")
            #expect(normalizedEncodingName(encoding.name) == module, "'\(alias)'")
            #expect(encodingTable.contains(encoding), "'\(alias)'")
        }
        for codec in generatedPythonCodecs {
            #expect(exactNames.isDisjoint(with: [codec.name] + codec.aliases), "\(codec.name)")
        }
    }
}
