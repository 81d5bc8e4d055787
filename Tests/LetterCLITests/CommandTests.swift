import Testing
@testable import LetterCLI
import LetterCore

@Suite struct CommandTests {
    func send(_ arguments: [String]) throws -> SendOptions {
        guard case .run(let invocation) = try parseCommandLine(["send"] + arguments),
              let options = invocation.options as? SendOptions else { throw UsageError("not send") }
        return options
    }

    func listen(_ arguments: [String]) throws -> ListenOptions {
        guard case .run(let invocation) = try parseCommandLine(["listen"] + arguments),
              let options = invocation.options as? ListenOptions else { throw UsageError("not listen") }
        return options
    }

    @Test func sendJoinsMessageWordsWithSingleSpaces() throws {
        let options = try send(["-e", "gbk", "localhost", "9000", "你好", "", "world"])
        #expect(options.destination == Endpoint(host: "localhost", port: 9000))
        #expect(options.payload.message == "你好  world")
        #expect(options.payload.encoding.name == "gbk")
        #expect(try send(["[::1]:9", ""]).payload.message == "")
        #expect(try send(["::1", "9"]).payload.message == nil)
        #expect(try send(["[::1]", "9"]).destination == Endpoint(host: "::1", port: 9))
    }

    @Test func sendOptionsAreTyped() throws {
        let options = try send(["-w", "-t", "1.5", "--rate", "100", "-b", "127.0.0.1:5000", "--broadcast", "--ttl", "4",
                                "--no-loop", "--errors", "replace", "-6", "-f", "tuple", "--bufsize", "100", "h", "1"])
        #expect(options.wait && options.replies.timeout == 1.5 && options.pace == .rate(100))
        #expect(options.sending.bind == Endpoint(host: "127.0.0.1", port: 5000))
        #expect(options.sending.broadcast && options.sending.multicastHops == 4 && !options.sending.multicastLoop)
        #expect(options.payload.replaceErrors && options.family == .v6)
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
        #expect(options.receiving.receiveBuffer == 65536 && options.receiving.allow.count == 2 && options.groups == [.v4(octets: (239, 0, 0, 1), port: 0)])
    }

    @Test(arguments: [
        (["send", "h", "70000", "x"], "invalid port '70000': expected a number from 1 to 65535"),
        (["send", "h", "abc"], "invalid port 'abc': expected a number from 1 to 65535"),
        (["send"], "missing HOST and PORT (or a socket PATH)"),
        (["send", "127.0.0.1:19340:1", "x"], "invalid address '127.0.0.1:19340:1': expected HOST PORT, HOST:PORT or [IPv6]:PORT"),
        (["send", "::1:19340", "hello"], "invalid address '::1:19340': expected HOST PORT, HOST:PORT or [IPv6]:PORT"),
        (["send", "http://127.0.0.1:19340", "x"], "invalid address 'http://127.0.0.1:19340': a URL; expected HOST PORT, HOST:PORT, [IPv6]:PORT, a socket PATH or @NAME"),
        (["send", "::1:1934", "hello"], "invalid port 'hello': expected a number from 1 to 65535 (did you mean [::1]:1934? an IPv6 address with a port is written [ADDRESS]:PORT)"),
        (["send", "h"], "missing PORT after 'h'"),
        (["send", "--whole", "h", "1", "x"], "--whole sends stdin; it cannot be used with MESSAGE"),
        (["send", "-t", "2", "h", "1"], "--timeout bounds --wait; add -w"),
        (["send", "-w", "-t", "0", "h", "1"], "invalid value '0' for '--timeout': expected seconds greater than 0, such as 2 or 0.5"),
        (["send", "--rate", "0", "h", "1"], "invalid value '0' for '--rate': expected datagrams per second from 0.001 to 10000000"),
        (["send", "--rate", "1e-11", "h", "1"], "invalid value '1e-11' for '--rate': expected datagrams per second from 0.001 to 10000000"),
        (["send", "--rate", "1e-300", "h", "1"], "invalid value '1e-300' for '--rate': expected datagrams per second from 0.001 to 10000000"),
        (["send", "--rate", "5e-324", "h", "1"], "invalid value '5e-324' for '--rate': expected datagrams per second from 0.001 to 10000000"),
        (["send", "--rate", "nan", "h", "1"], "invalid value 'nan' for '--rate': expected datagrams per second from 0.001 to 10000000"),
        (["send", "-f", "json", "h", "1"], "--format shows the reply; it goes with -w"),
        (["send", "--bufsize", "10", "h", "1"], "--bufsize shows the reply; it goes with -w"),
        (["send", "--bytes", "-e", "gbk", "h", "1"], "--bytes sends input bytes untouched; it cannot be used with --encoding"),
        (["send", "--bytes", "--errors", "replace", "h", "1"], "--bytes sends input bytes untouched; it cannot be used with --errors"),
        (["send", "--chunk", "9", "-e", "gbk", "h", "1"], "--chunk sends input bytes untouched; it cannot be used with --encoding"),
        (["send", "--chunk", "9", "h", "1", "x"], "--chunk cuts stdin; it cannot be used with MESSAGE"),
        (["send", "--chunk", "9", "--whole", "h", "1"], "--chunk and --whole cannot be used together"),
        (["send", "--chunk", "0", "h", "1"], "invalid value '0' for '--chunk': expected a whole number from 1 to 65527"),
        (["listen", "--allow", "", "1"], "an empty network in '' for '--allow': expected addresses or CIDRs such as 10.0.0.0/8,::1"),
        (["listen", "--allow", ",", "1"], "an empty network in ',' for '--allow': expected addresses or CIDRs such as 10.0.0.0/8,::1"),
        (["listen", "--allow", "::1,,10.0.0.0/8", "1"], "an empty network in '::1,,10.0.0.0/8' for '--allow': expected addresses or CIDRs such as 10.0.0.0/8,::1"),
        (["listen", "--reply-rate", "5", "1"], "--reply-rate limits replies; it goes with --reply or --echo"),
        (["listen", "-e", "gbk", "-f", "raw", "1"], "-f raw writes the bytes as received; --encoding does not apply"),
        (["listen", "-c", "0", "1"], "invalid value '0' for '--count': expected a whole number from 1 to 9223372036854775807"),
        (["send", "--ttl", "300", "h", "1"], "invalid value '300' for '--ttl': expected a whole number from 0 to 255"),
        (["send", "--bytes", "--input-encoding", "gbk", "h", "1"], "--bytes sends input bytes untouched; it cannot be used with --input-encoding"),
        (["send", "-4", "-6", "h", "1"], "-4 and -6 cannot be used together"),
        (["send", "-b", "nowhere", "h", "1"], "invalid bind address 'nowhere': expected [HOST:]PORT, PATH or @NAME"),
        (["listen"], "missing PORT (or a socket PATH)"),
        (["listen", "a", "1", "2"], "unexpected argument '2'"),
        (["listen", "-f", "yaml", "1"], "invalid value 'yaml' for '--format': expected one of text, tuple, json, lines, raw, hex, pcap"),
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
        // A notation (Option.notations) refuses what would encode or pass its text as it is.
        (["send", "--hex", "-e", "gbk", "h", "1", "00"], "--hex sends the bytes written in hex, with no encoding; it cannot be used with --encoding"),
        (["ping", "--hex", "--errors", "replace", "h", "1"], "--hex sends the bytes written in hex, with no encoding; it cannot be used with --errors"),
        (["send", "--hex", "--bytes", "h", "1"], "--hex reads bytes written in hex; it cannot be used with --bytes"),
        (["send", "--hex", "--chunk", "9", "h", "1"], "--hex reads bytes written in hex; it cannot be used with --chunk"),
    ])
    func usageErrorsSayWhatIsWrong(arguments: [String], message: String) {
        do {
            _ = try parseCommandLine(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            #expect(error.message == message)
        }
    }

    /// Each way of asking for help finds the right page: the subcommand's usage line and
    /// every one of its options, or every subcommand for the main page.
    @Test func helpAndVersion() throws {
        #expect(try parseCommandLine(["--version"]) == .version)
        guard case .help(let main) = try parseCommandLine([]) else { Issue.record("no main help"); return }
        #expect(subcommands.count == 7)
        for spec in subcommands { #expect(main.contains("  \(spec.name) ")) }
        for (arguments, spec) in [(["send", "--help"], sendSpec), (["help", "listen"], listenSpec), (["chat", "-h"], chatSpec),
                                  (["relay", "--help"], relaySpec), (["replay", "--help"], replaySpec)] {
            guard case .help(let text) = try parseCommandLine(arguments) else { Issue.record("no help for \(arguments)"); continue }
            #expect(text.contains("USAGE: letter \(spec.name) "))
            #expect(spec.options.count >= 8)
            for option in spec.options { #expect(text.contains(option.names.joined(separator: ", "))) }
        }
    }

    /// A notation's line says what it reads in that command: lines in send, and in ping
    /// (which reads its input whole) no lines.
    @Test func notationHelpIsWordedForEachCommand() throws {
        for (spec, input) in [(sendSpec, "MESSAGE or each line is "), (pingSpec, "MESSAGE (or the input) is ")] {
            for (flag, _, text) in Option.notations {
                let listed = try #require(spec.listedOptions.first { $0.key == flag.long })
                #expect(listed.help == input + text + ".")
            }
        }
    }

    @Test func generatorsTakeTheShellAsTheirOnlyArgument() throws {
        #expect(try parseCommandLine(["--generate-manual"]) == .manual)
        #expect(try parseCommandLine(["--generate-completion-script", "zsh"]) == .completionScript(.zsh))
        #expect(try parseCommandLine(["--generate-completion-script=fish"]) == .completionScript(.fish))
        #expect(try parseCommandLine(["--generate-completion-script", "BASH"]) == .completionScript(.bash))
    }
}
