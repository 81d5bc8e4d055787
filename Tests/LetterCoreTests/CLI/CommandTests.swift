import Testing
@testable import LetterCore

@Suite struct CommandTests {
    func send(_ arguments: [String]) throws -> SendOptions {
        guard case .send(let options) = try parseCommandLine(["send"] + arguments) else { throw UsageError("not send") }
        return options
    }

    func listen(_ arguments: [String]) throws -> ListenOptions {
        guard case .listen(let options) = try parseCommandLine(["listen"] + arguments) else { throw UsageError("not listen") }
        return options
    }

    @Test func sendJoinsMessageWordsWithSingleSpaces() throws {
        let options = try send(["-e", "gbk", "localhost", "9000", "你好", "", "world"])
        #expect(options.destination == Endpoint(host: "localhost", port: 9000))
        #expect(options.message == "你好  world")
        #expect(options.encoding == "gbk")
        #expect(try send(["[::1]:9", ""]).message == "")
        #expect(try send(["::1", "9"]).message == nil)
        #expect(try send(["[::1]", "9"]).destination == Endpoint(host: "::1", port: 9))
    }

    @Test func sendOptionsAreTyped() throws {
        let options = try send(["-w", "-t", "1.5", "--rate", "100", "-b", "127.0.0.1:5000", "--broadcast", "--ttl", "4",
                                "--no-loop", "--errors", "replace", "-6", "-f", "tuple", "--bufsize", "100", "h", "1"])
        #expect(options.wait && options.timeout == 1.5 && options.rate == 100)
        #expect(options.sending.bind == Endpoint(host: "127.0.0.1", port: 5000))
        #expect(options.sending.broadcast && options.sending.multicastHops == 4 && !options.sending.multicastLoop)
        #expect(options.replaceErrors && options.family == .v6)
        #expect(options.display.format == .tuple && options.display.bufferSize == 100)
    }

    @Test func listenPositionalForms() throws {
        #expect(try listen(["9000"]).bind == Endpoint(host: "", port: 9000))
        #expect(try listen(["127.0.0.1", "0"]).bind == Endpoint(host: "127.0.0.1", port: 0))
        #expect(try listen(["[::1]:7"]).bind == Endpoint(host: "::1", port: 7))
        #expect(try listen(["::", "7"]).bind == Endpoint(host: "::", port: 7))
        let options = try listen(["-f", "json", "-e", "gbk", "--errors", "strict", "-c", "3", "-t", "2", "--reply", "hi",
                                  "--stats", "--rcvbuf", "65536", "--allow", "10.0.0.0/8,::1", "--join", "239.0.0.1", "9"])
        #expect(options.display.format == .json && options.display.errors == .strict && options.count == 3)
        #expect(options.idleTimeout == 2 && options.replyText == "hi" && options.receiving.stats)
        #expect(options.receiving.receiveBuffer == 65536 && options.receiving.allow.count == 2 && options.groups == ["239.0.0.1"])
    }

    @Test(arguments: [
        (["send", "h", "70000", "x"], "invalid port '70000': expected a number from 1 to 65535"),
        (["send", "h", "abc"], "invalid port 'abc': expected a number from 1 to 65535"),
        (["send"], "missing HOST and PORT"),
        (["send", "h"], "missing PORT after 'h'"),
        (["send", "--whole", "h", "1", "x"], "--whole sends stdin; it cannot be used with MESSAGE"),
        (["send", "-t", "2", "h", "1"], "--timeout bounds --wait; add -w"),
        (["send", "-w", "-t", "0", "h", "1"], "invalid value '0' for '--timeout': expected seconds greater than 0, such as 2 or 0.5"),
        (["send", "--rate", "0", "h", "1"], "invalid value '0' for '--rate': expected datagrams per second greater than 0"),
        (["send", "--ttl", "300", "h", "1"], "invalid value '300' for '--ttl': expected a whole number from 0 to 255"),
        (["send", "--bytes", "--input-encoding", "gbk", "h", "1"], "--bytes sends input untouched; it cannot be used with --input-encoding"),
        (["send", "-4", "-6", "h", "1"], "-4 and -6 cannot be used together"),
        (["send", "-b", "nowhere", "h", "1"], "invalid bind address 'nowhere': expected [HOST:]PORT"),
        (["listen"], "missing PORT"),
        (["listen", "a", "1", "2"], "unexpected argument '2'"),
        (["listen", "-f", "yaml", "1"], "invalid value 'yaml' for '--format': expected one of text, tuple, json, lines, raw"),
        (["listen", "--errors", "x", "1"], "invalid value 'x' for '--errors': expected one of strict, replace, ignore, backslashreplace"),
        (["listen", "--reply", "a", "--echo", "1"], "--reply and --echo cannot be used together"),
        (["listen", "--interface", "lo", "1"], "--interface goes with --join"),
        (["listen", "--rcvbuf", "10", "1"], "invalid value '10' for '--rcvbuf': expected a whole number from 1024 to 1073741824"),
        (["chat", "h", "1", "extra"], "unexpected argument 'extra'"),
        (["encodings", "x"], "unexpected argument 'x'"),
        (["bogus"], "unknown subcommand 'bogus'"),
        (["--bogus"], "unknown option '--bogus'"),
        (["--generate-completion-script", "tcsh"],
         "invalid value 'tcsh' for '--generate-completion-script': expected one of bash, zsh, fish"),
        (["--generate-completion-script"], "missing value for '--generate-completion-script' (expected SHELL)"),
        (["--generate-completion-script", "bash", "zsh"], "unexpected argument 'zsh'"),
        (["--generate-manual", "extra"], "unexpected argument 'extra'"),
        (["send", "--errors", "ignore", "h", "1"], "invalid value 'ignore' for '--errors': expected one of strict, replace"),
    ])
    func usageErrorsSayWhatIsWrong(arguments: [String], message: String) {
        do {
            _ = try parseCommandLine(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func helpAndVersion() throws {
        #expect(try parseCommandLine([]) == .help(mainHelp()))
        #expect(try parseCommandLine(["--version"]) == .version)
        #expect(try parseCommandLine(["send", "--help"]) == .help(help(for: sendSpec)))
        #expect(try parseCommandLine(["help", "listen"]) == .help(help(for: listenSpec)))
        let text = help(for: sendSpec)
        for option in sendSpec.options { #expect(text.contains(option.key)) }
        #expect(text.contains("EXAMPLES:"))
    }

    @Test func generatorsTakeTheShellAsTheirOnlyArgument() throws {
        #expect(try parseCommandLine(["--generate-manual"]) == .manual)
        #expect(try parseCommandLine(["--generate-completion-script", "zsh"]) == .completionScript(.zsh))
        #expect(try parseCommandLine(["--generate-completion-script=fish"]) == .completionScript(.fish))
        #expect(try parseCommandLine(["--generate-completion-script", "BASH"]) == .completionScript(.bash))
    }
}
