import Testing
@testable import LetterCLI
import LetterCore

@Suite struct ArgumentParserTests {
    @Test func optionFormsAllParse() throws {
        let parsed = try parseArguments(["-egbk", "--input-encoding=big5", "-4w", "--rate", "5", "h", "1", "a"][...], spec: sendSpec)
        #expect(parsed.value(.encoding) == "gbk")
        #expect(parsed.value(.inputEncoding) == "big5")
        #expect(parsed.has(.ipv4) && parsed.has(.wait))
        #expect(parsed.value(.rate) == "5")
        #expect(parsed.positionals == ["h", "1", "a"])
    }

    @Test func optionsMayFollowPositionalsUntilDoubleDash() throws {
        let parsed = try parseArguments(["h", "1", "-w", "--", "-w", "--x"][...], spec: sendSpec)
        #expect(parsed.has(.wait))
        #expect(parsed.positionals == ["h", "1", "-w", "--x"])
    }

    @Test func negativeNumbersAreWordsButFamilyFlagsAreOptions() throws {
        let parsed = try parseArguments(["-6", "h", "1", "-5", "degrees"][...], spec: sendSpec)
        #expect(parsed.has(.ipv6))
        #expect(parsed.positionals == ["h", "1", "-5", "degrees"])
    }

    @Test func repeatableOptionsCollectAndOthersKeepTheLast() throws {
        let parsed = try parseArguments(["--join", "239.1.1.1", "--join", "ff02::1", "-e", "a", "-e", "gbk", "0"][...], spec: listenSpec)
        #expect(parsed.values["--join"] == ["239.1.1.1", "ff02::1"])
        #expect(parsed.values["--encoding"] == ["gbk"])
    }

    @Test func mistakesAreNamed() {
        #expect(throws: UsageError("unknown option '--encodng'; did you mean '--encoding'?", subcommand: "send")) {
            try parseArguments(["--encodng", "x"][...], spec: sendSpec)
        }
        #expect(throws: UsageError("unknown option '-z'", subcommand: "send")) { try parseArguments(["-z"][...], spec: sendSpec) }
        #expect(throws: UsageError("missing value for '--encoding' (expected ENC)", subcommand: "send")) {
            try parseArguments(["-e"][...], spec: sendSpec)
        }
        #expect(throws: UsageError("'--wait' takes no value", subcommand: "send")) { try parseArguments(["--wait=yes"][...], spec: sendSpec) }
    }

    @Test func suggestionsNeedACloseMatch() {
        #expect(closestMatch(to: "lisen", among: ["send", "listen", "chat"]) == "listen")
        #expect(closestMatch(to: "xyzzy", among: ["send", "listen", "chat"]) == nil)
        #expect(editDistance("kitten", "sitting") == 3)
    }
}
