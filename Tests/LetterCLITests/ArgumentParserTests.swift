import Testing
@testable import LetterCLI
import LetterCore

@Suite struct ArgumentParserTests {
    /// The arguments split against `spec`'s options, as the command line splits them.
    func parse(_ arguments: [String], _ spec: SubcommandSpec) throws(UsageError) -> ParsedArguments {
        try parseArguments(arguments[...], options: spec.options, subcommand: spec.name)
    }

    @Test func optionFormsAllParse() throws {
        let parsed = try parse(["-egbk", "--input-encoding=big5", "-4w", "--rate", "5", "h", "1", "a"], sendSpec)
        #expect(parsed.texts(of: "--encoding") == ["gbk"])
        #expect(parsed.texts(of: "--input-encoding") == ["big5"])
        #expect(parsed.has(Option.ipv4) && parsed.has(Option.wait))
        #expect(parsed.texts(of: "--rate") == ["5"])
        #expect(parsed.positionals == ["h", "1", "a"])
    }

    @Test func optionsMayFollowPositionalsUntilDoubleDash() throws {
        let parsed = try parse(["h", "1", "-w", "--", "-w", "--x"], sendSpec)
        #expect(parsed.has(Option.wait))
        #expect(parsed.positionals == ["h", "1", "-w", "--x"])
    }

    @Test func negativeNumbersAreWordsButFamilyFlagsAreOptions() throws {
        let parsed = try parse(["-6", "h", "1", "-5", "degrees"], sendSpec)
        #expect(parsed.has(Option.ipv6))
        #expect(parsed.positionals == ["h", "1", "-5", "degrees"])
    }

    @Test func repeatableOptionsCollectAndOthersKeepTheLast() throws {
        let parsed = try parse(["--join", "239.1.1.1", "--join", "ff02::1", "-e", "a", "-e", "gbk", "0"], listenSpec)
        #expect(parsed.texts(of: "--join") == ["239.1.1.1", "ff02::1"])
        #expect(parsed.texts(of: "--encoding") == ["gbk"])
    }

    @Test func mistakesAreNamed() {
        #expect(throws: UsageError("unknown option '--encodng'; did you mean '--encoding'?", subcommand: "send")) {
            try parse(["--encodng", "x"], sendSpec)
        }
        #expect(throws: UsageError("unknown option '-z'", subcommand: "send")) { try parse(["-z"], sendSpec) }
        #expect(throws: UsageError("missing value for '--encoding' (expected ENC)", subcommand: "send")) {
            try parse(["-e"], sendSpec)
        }
        #expect(throws: UsageError("'--wait' takes no value", subcommand: "send")) { try parse(["--wait=yes"], sendSpec) }
    }

    @Test func suggestionsNeedACloseMatch() {
        #expect(closestMatch(to: "lisen", among: ["send", "listen", "chat"]) == "listen")
        #expect(closestMatch(to: "xyzzy", among: ["send", "listen", "chat"]) == nil)
        #expect(editDistance("kitten", "sitting") == 3)
    }
}
