import Glibc
import LetterCLI
import LetterCore
import Testing

/// The man page and the completion scripts as the built binary writes them, checked by
/// the programs that read them: man, mandoc, groff, bash, zsh and fish.
@Suite struct DocumentationTests {
    /// The generated files in a temporary directory, named as they are installed.
    struct Generated {
        let directory: TemporaryDirectory
        var manual: String { directory.path + "/letter.1" }
        var bash: String { directory.path + "/letter" }
        var zsh: String { directory.path + "/_letter" }
        var fish: String { directory.path + "/letter.fish" }
    }

    static func generate() throws -> Generated {
        let generated = Generated(directory: try TemporaryDirectory("docs"))
        for (arguments, path) in [(["--generate-manual"], generated.manual),
                                  (["--generate-completion-script", "bash"], generated.bash),
                                  (["--generate-completion-script", "zsh"], generated.zsh),
                                  (["--generate-completion-script", "fish"], generated.fish)] {
            let result = try run(Paths.letter, arguments)
            #expect(result.status == 0 && result.stderr.isEmpty, "letter \(arguments): \(result.stderrText)")
            #expect(!result.stdout.isEmpty, "letter \(arguments) printed nothing")
            try writeFile(path, result.stdoutText)
        }
        return generated
    }

    /// The page as man(1) renders it for a terminal, wide enough that no line is broken.
    static func rendered(_ manual: String, man: String) throws -> String {
        let result = try run(man, ["-l", manual], environment: ["MANWIDTH": "250", "LANG": "C.UTF-8", "MANPAGER": "cat"])
        #expect(result.status == 0, "man -l: \(result.stderrText)")
        #expect(!result.stdoutText.contains("\u{8}"), "overstrike formatting in man's output to a pipe")
        return result.stdoutText
    }

    /// The rendered page cut at its section headings (the unindented lines).
    static func sections(_ page: String) -> [(heading: String, body: String)] {
        var sections: [(heading: String, body: String)] = []
        for line in page.split(separator: "\n") {
            if line.first != " " {
                sections.append((String(line), ""))
            } else if !sections.isEmpty {
                sections[sections.count - 1].body += line + "\n"
            }
        }
        return sections
    }

    /// What bash offers for each command line: `_letter` driven with COMP_WORDS and
    /// COMP_CWORD as readline would set them (the last word is the one being completed).
    static func bashCompletions(_ script: String, _ commandLines: [[String]]) throws -> [[String]] {
        var program = "source \(shellWord(script))\n"
        for words in commandLines {
            program += "COMP_WORDS=(\(words.map(shellWord).joined(separator: " "))); COMP_CWORD=\(words.count - 1)\n"
            program += "_letter; printf '%s\\n' \"${COMPREPLY[*]}\"\n"
        }
        let result = try run("/bin/bash", ["--norc", "--noprofile", "-c", program])
        #expect(result.status == 0 && result.stderr.isEmpty, "bash: \(result.stderrText)")
        let lines = result.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == commandLines.count, "bash printed: \(result.stdoutText)")
        return lines.map { $0.split(separator: " ").map(String.init) }
    }

    /// What zsh's completion system offers for `commandLine`, on a pseudo-terminal.
    static func zshCompletions(_ zsh: String, functions: String, _ commandLine: String) throws -> [String] {
        let driver = Paths.repository + "/Fixtures/peers/zsh-complete.zsh"
        let result = try run(zsh, ["-f", driver, functions, commandLine])
        #expect(result.status == 0, "zsh: \(result.stderrText)")
        return result.stdoutText.split(separator: "\n").map(String.init)
    }

    /// What fish offers for `commandLine` (`complete -C`), without the descriptions.
    static func fishCompletions(_ fish: String, script: String, _ commandLine: String) throws -> [String] {
        let result = try run(fish, ["--no-config", "-c", "source $argv[1]; complete -C $argv[2]", script, commandLine])
        #expect(result.status == 0 && result.stderr.isEmpty, "fish: \(result.stderrText)")
        return result.stdoutText.split(separator: "\n").map { String($0.split(separator: "\t", maxSplits: 1)[0]) }
    }

    /// A new subcommand or option must show up in its help, its man page section and the
    /// options every shell offers after it, or this fails.
    @Test func everySubcommandAndOptionIsInHelpManualAndCompletions() throws {
        guard let man = requirePeer("man", package: "man-db"), let zsh = requirePeer("zsh"),
              let fish = requirePeer("fish") else { return }
        let generated = try Self.generate()
        let manual = Self.sections(try Self.rendered(generated.manual, man: man))

        // Each context: the words before the options, its help, its man page section and
        // its options (letter's own options come first, before any subcommand).
        struct Context { let words: [String]; let help: [String]; let section: String; let options: [String] }
        var contexts = [Context(words: ["letter"], help: ["--help"], section: "OPTIONS",
                                options: (mainOptions + generatorOptions).flatMap(\.names))]
        contexts += subcommands.map {
            Context(words: ["letter", $0.name], help: [$0.name, "--help"], section: "LETTER \($0.name.uppercased())",
                    options: $0.options.flatMap(\.names))
        }
        #expect(subcommands.map(\.name) == ["send", "listen", "chat", "ping", "relay", "replay", "encodings"])

        let bash = try Self.bashCompletions(generated.bash, contexts.map { $0.words + ["-"] } + [["letter", ""]])
        var checked = 0
        for (index, context) in contexts.enumerated() {
            let help = try run(Paths.letter, context.help).stdoutText
            let section = manual.first { $0.heading == context.section }?.body ?? ""
            #expect(!section.isEmpty, "no '\(context.section)' section in the man page")
            let zshOffers = try Self.zshCompletions(zsh, functions: generated.directory.path, context.words.joined(separator: " ") + " -")
            let fishOffers = try Self.fishCompletions(fish, script: generated.fish, context.words.joined(separator: " ") + " -")
            for name in context.options {
                let hidden = generatorOptions.contains { $0.names.contains(name) }
                #expect(containsWord(help, name) != hidden, "\(name) \(hidden ? "shown" : "missing") in \(context.help.joined(separator: " "))")
                #expect(containsWord(section, name), "\(name) missing in the man page's \(context.section)")
                #expect(bash[index].contains(name), "bash does not offer \(name) after \(context.words)")
                #expect(zshOffers.contains(name), "zsh does not offer \(name) after \(context.words)")
                #expect(fishOffers.contains(name), "fish does not offer \(name) after \(context.words)")
                checked += 1
            }
        }
        let mainHelp = try run(Paths.letter, ["--help"]).stdoutText
        let synopsis = manual.first { $0.heading == "SYNOPSIS" }?.body ?? ""
        let zshSubcommands = try Self.zshCompletions(zsh, functions: generated.directory.path, "letter ")
        let fishSubcommands = try Self.fishCompletions(fish, script: generated.fish, "letter ")
        for spec in subcommands {
            #expect(containsWord(mainHelp, spec.name))
            #expect(synopsis.contains("letter \(spec.name)"), "\(spec.name) missing in the SYNOPSIS")
            #expect(bash.last!.contains(spec.name))  // one line per command line asked
            #expect(zshSubcommands.contains(spec.name))
            #expect(fishSubcommands.contains(spec.name))
            checked += 1
        }
        #expect(checked == contexts.map(\.options.count).reduce(0, +) + subcommands.count && checked > 50,
                "checked \(checked) names")
    }

    @Test func manualLintsCleanAndRenders() throws {
        guard let mandoc = requirePeer("mandoc"), let groff = requirePeer("groff"),
              let man = requirePeer("man", package: "man-db") else { return }
        let generated = try Self.generate()
        let lint = try run(mandoc, ["-T", "lint", "-W", "warning", generated.manual])
        #expect(lint.status == 0 && lint.stdout.isEmpty && lint.stderr.isEmpty, "mandoc: \(lint.stdoutText)\(lint.stderrText)")
        let strict = try run(groff, ["-man", "-ww", "-z", "-Tutf8", generated.manual])
        #expect(strict.status == 0 && strict.stderr.isEmpty, "groff: \(strict.stderrText)")

        let page = try Self.rendered(generated.manual, man: man)
        let sections = Self.sections(page)
        let headings = sections.map(\.heading).filter { !$0.hasPrefix("LETTER(1)") && !$0.hasPrefix("letter ") }
        #expect(headings == ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS"] + subcommands.map { "LETTER \($0.name.uppercased())" }
                + ["OUTPUT FORMATS", "ENCODINGS", "EXIT STATUS", "ENVIRONMENT", "EXAMPLES", "SEE ALSO"])
        func body(_ heading: String) -> String { sections.first { $0.heading == heading }?.body ?? "" }
        #expect(body("NAME").contains("letter - send and receive letters: single datagrams over UDP or unix sockets"))
        // Escaping: `\-` renders as an ASCII '-', a backslash and CJK text come through as typed.
        #expect(body("EXAMPLES").contains("letter listen --reply hi 9000"))
        #expect(body("EXAMPLES").contains("letter send -w 127.0.0.1 9000 hello"))
        #expect(body("LETTER SEND").contains(#"printf 'one\ntwo\n' | letter send [::1]:9000"#))
        #expect(body("LETTER SEND").contains("letter send 127.0.0.1 9000 你好"))
        for format in RecordFormat.allCases { #expect(containsWord(body("OUTPUT FORMATS"), format.rawValue)) }
        for encoding in encodingTable { #expect(containsWord(body("ENCODINGS"), encoding.name)) }
        for status in ["0", "1", "2"] { #expect(containsWord(body("EXIT STATUS"), status)) }
        // Every command that runs until stopped or checks a reply says what its status means.
        for command in subcommands.map(\.name) where command != "encodings" {
            #expect(containsWord(body("EXIT STATUS"), command), "EXIT STATUS does not cover \(command)")
        }
        for case_ in ["SIGHUP", "nohup", "--expect", "write error"] {
            #expect(body("EXIT STATUS").contains(case_), "EXIT STATUS does not cover \(case_)")
        }
        #expect(containsWord(body("ENVIRONMENT"), "TZ"))
        for page in ["nc(1)", "socat(1)", "ping(8)", "python3(1)"] { #expect(body("SEE ALSO").contains(page)) }
    }

    @Test func bashCompletesSubcommandsOptionsValuesAndPaths() throws {
        let generated = try Self.generate()
        let fixtures = Paths.repository + "/Fixtures/pe"
        let offers = try Self.bashCompletions(generated.bash, [
            ["letter", "se"],
            ["letter", "listen", "--fo"],
            ["letter", "listen", "-f", ""],
            ["letter", "send", "-e", "gb"],
            ["letter", "listen", "--format", "=", "j"],
            ["letter", "send", "--errors", ""],
            ["letter", "--generate-completion-script", ""],
            ["letter", "send", fixtures],
        ])
        #expect(offers[0] == ["send"])
        #expect(offers[1] == ["--format"])
        #expect(offers[2] == RecordFormat.allCases.map(\.rawValue))
        #expect(offers[3] == ["gbk", "gb2312", "gb18030"])
        #expect(offers[4] == ["json"])
        #expect(offers[5] == ["strict", "replace"])
        #expect(offers[6] == ["bash", "zsh", "fish"])
        #expect(offers[7] == [Paths.repository + "/Fixtures/peers"])
    }

    /// Each value completes as its option's row says: ping's -f only the formats with room
    /// for its columns (what ping accepts), a number nothing, a source address file names.
    @Test func valuesCompleteByTheirKind() throws {
        let generated = try Self.generate()
        let fixtures = Paths.repository + "/Fixtures/pe"
        let offers = try Self.bashCompletions(generated.bash, [
            ["letter", "ping", "-f", ""],
            ["letter", "send", "-c", ""],
            ["letter", "listen", "--rcvbuf", ""],
            ["letter", "send", "-b", fixtures],
            ["letter", "relay", "--to", fixtures],
        ])
        // What ping accepts: the formats whose ping to the discard port is no usage error (2).
        let accepted = RecordFormat.allCases.filter { format in
            (try? run(Paths.letter, ["ping", "-c", "1", "-t", "0.01", "-f", format.rawValue, "127.0.0.1", "9"]).status) != 2
        }
        // All but raw and pcap, which have no room for seq and time.
        #expect(accepted.count == RecordFormat.allCases.count - 2, "ping accepts \(accepted)")
        #expect(offers[0] == accepted.map(\.rawValue))
        #expect(offers[1] == [] && offers[2] == [])
        #expect(offers[3] == [Paths.repository + "/Fixtures/peers"] && offers[4] == offers[3])
    }

    @Test func zshAndFishScriptsParseAndComplete() throws {
        guard let zsh = requirePeer("zsh"), let fish = requirePeer("fish") else { return }
        let generated = try Self.generate()
        let zshCheck = try run(zsh, ["-n", generated.zsh])
        #expect(zshCheck.status == 0 && zshCheck.stderr.isEmpty, "zsh -n: \(zshCheck.stderrText)")
        let fishCheck = try run(fish, ["--no-config", "-n", generated.fish])
        #expect(fishCheck.status == 0 && fishCheck.stderr.isEmpty, "fish -n: \(fishCheck.stderrText)")

        let expectations: [(String, Set<String>)] = [
            ("letter se", ["send"]),
            ("letter listen --fo", ["--format"]),
            ("letter listen -f ", Set(RecordFormat.allCases.map(\.rawValue))),
            ("letter send -e gb", ["gbk", "gb2312", "gb18030"]),
            ("letter --generate-completion-script ", ["bash", "zsh", "fish"]),
        ]
        for (commandLine, expected) in expectations {
            let zshOffers = Set(try Self.zshCompletions(zsh, functions: generated.directory.path, commandLine))
            #expect(zshOffers == expected, "zsh, '\(commandLine)'")
            let fishOffers = Set(try Self.fishCompletions(fish, script: generated.fish, commandLine))
            #expect(fishOffers == expected, "fish, '\(commandLine)'")
        }
        // An endpoint may be a socket path: arguments complete file names.
        let path = Paths.repository + "/Fixtures/pe"
        #expect(try Self.zshCompletions(zsh, functions: generated.directory.path, "letter send " + path).contains("peers"))
        #expect(try Self.fishCompletions(fish, script: generated.fish, "letter send " + path) == [Paths.repository + "/Fixtures/peers/"])
    }
}

/// `text` as one word for sh and bash.
func shellWord(_ text: String) -> String {
    "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: #"'\''"#) + "'"
}
