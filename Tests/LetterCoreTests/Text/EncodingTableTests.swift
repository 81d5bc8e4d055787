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

    @Test func otherIconvNamesPassThroughAndNonsenseIsRejected() throws {
        let other = try #require(lookupEncoding("EUC-TW"))
        #expect(other.iconvName == "EUC-TW")
        #expect(lookupEncoding("klingon") == nil)
        #expect(lookupEncoding("") == nil)
        #expect(lookupEncoding("UTF-8//TRANSLIT") == nil)
    }

    @Test func everyTableEntryOpensInIconv() {
        for encoding in encodingTable {
            if case .iconv(let name) = encoding.method { #expect(iconvAvailable(name), "\(name)") }
        }
    }
}
