import LetterCore

/// The man page (troff, man(7) macros), written from the command table that drives
/// parsing and `--help`, so every subcommand and option is documented as it is parsed.
public func manualPage() -> String {
    var page = [
        #".\" Made by 'letter --generate-manual' from the command table; edit the table, not this."#,
        #".TH LETTER 1 "\#(letterVersionDate)" "letter \#(letterVersion)" "User Commands""#,
        // No hyphenation: an option split across lines could not be copied or searched for.
        ".nh",
        ".SH NAME",
        "letter \\- " + troff(lowercasingFirst(String(overview.dropLast()))),
        ".SH SYNOPSIS",
    ]
    page += Array((subcommands.map { synopsis($0.usage) } + topLevelOptions.map(topLevelSynopsis))
        .map { [$0] }.joined(separator: [".br"]))
    page += [
        ".SH DESCRIPTION",
        troff(overview),
        troff("Each datagram is a letter: sent with sendto(2), received with recvfrom(2) and printed as "
              + "Python prints what recvfrom returns, with the sender's address tuple."),
    ]
    page += subcommands.flatMap { [".TP", bold("letter " + $0.name), troff($0.abstract)] }
    page += [".SH OPTIONS", troff("Before a subcommand:")]
    page += topLevelOptions.flatMap(optionItem)
    for spec in subcommands { page += commandSection(spec) }
    page += outputFormatsSection() + encodingsSection() + closingSections()
    return page.joined(separator: "\n") + "\n"
}

/// `LETTER SEND`: what it does, its usage, arguments, every option, and examples.
private func commandSection(_ spec: SubcommandSpec) -> [String] {
    let page = spec.page()
    var lines = [#".SH "LETTER \#(spec.name.uppercased())""#, troff(spec.abstract), ".PP", synopsis(page.usage)]
    lines += page.arguments.flatMap { [".TP", italic($0.0), troff($0.1)] }
    lines += [".PP", troff("Options:")]
    lines += spec.listedOptions.flatMap(optionItem)
    lines += [".PP", troff(page.discussion), ".PP", troff("Examples:")]
    return lines + example(page.examples)
}

/// `.TP` with `-e, --encoding ENC`, then the help line.
private func optionItem(_ option: OptionSpec) -> [String] {
    let value = option.valueName.map { " " + italic($0) } ?? ""
    return [".TP", option.names.map(bold).joined(separator: ", ") + value, troff(option.help)]
}

/// `letter send [OPTIONS] HOST PORT`: the command in bold, placeholders in italics.
private func synopsis(_ usage: String) -> String {
    let words = usage.split(separator: " ", maxSplits: 2).map(String.init)
    return bold(words.prefix(2).joined(separator: " ")) + words.dropFirst(2).map { " " + italicPlaceholders($0) }.joined()
}

private func topLevelSynopsis(_ option: OptionSpec) -> String {
    bold("letter") + " " + option.names.map(bold).joined(separator: " | ") + (option.valueName.map { " " + italic($0) } ?? "")
}

/// Upper-case words (`HOST`, `MESSAGE`) in italics, brackets and dots as they are.
private func italicPlaceholders(_ text: String) -> String {
    var result = "", word = ""
    for character in text + " " {
        if character.isASCII && character.isUppercase {
            word.append(character)
            continue
        }
        if !word.isEmpty { result += italic(word) }
        word = ""
        result += escaped(String(character))
    }
    return String(result.dropLast())  // the space added above
}

private func outputFormatsSection() -> [String] {
    var lines = [".SH OUTPUT FORMATS",
                 troff("-f, --format chooses how listen, chat, relay, ping and send --wait show each datagram:")]
    for format in RecordFormat.allCases {
        lines += [".TP", bold(format.rawValue), troff(format.summary)]
    }
    lines += [".PP", troff("Addresses print as Python prints them: ('127.0.0.1', 54321), ('::1', 54321, 0, 0).")]
    return lines
}

private func encodingsSection() -> [String] {
    var lines = [".SH ENCODINGS",
                 troff("-e, --encoding takes Python's codec names and aliases, matched as Python matches them "
                       + "(case, '-' and '_' do not matter); 'letter encodings' lists those that work here:")]
    for encoding in encodingTable {
        let aliases = encoding.aliases.isEmpty ? "" : "; also " + encoding.aliases.joined(separator: ", ")
        lines += [".TP", bold(encoding.name), troff("iconv name \(encoding.iconvName)\(aliases).")]
    }
    lines += [".PP", troff("Any other name iconv knows (iconv -l) works too, converted as iconv converts it.")]
    return lines
}

/// EXIT STATUS, ENVIRONMENT, EXAMPLES and SEE ALSO.
private func closingSections() -> [String] {
    [
        ".SH EXIT STATUS",
        ".TP", bold("0"), troff("Success. Also: listen, chat, relay, ping and replay ended by SIGINT, SIGTERM or SIGHUP "
                               + "(after their summary; a signal ignored at start, as under nohup, stays ignored); "
                               + "a closed pipe on standard output (letter listen 9000 | head -1 ends quietly); "
                               + "ping when at least one (matching) reply came; send -w --all when at least one reply came."),
        ".TP", bold("1"), troff("A runtime failure: cannot resolve the host, port in use, permission denied, "
                               + "an encoding iconv cannot open, invalid input or text that cannot be encoded, a datagram "
                               + "longer than the transport carries; send -w: no reply within --timeout, port unreachable, "
                               + "or a reply that does not match --expect; ping: no reply came at all; replay: a damaged "
                               + "capture or a failed send; any write error on standard output or on a --pcap FILE other "
                               + "than a closed pipe (disk full, I/O error), after which the summary counts what was "
                               + "received but not written."),
        ".TP", bold("2"), troff("A usage error: unknown option, bad port or value, unknown encoding, "
                               + "missing or conflicting arguments, arguments in the wrong places (the message says what "
                               + "each was taken for)."),
        ".TP", bold("128+N"), troff("Ended by signal N other than SIGINT, SIGTERM and SIGHUP (SIGQUIT, SIGUSR1, SIGALRM...), "
                                   + "after removing the socket files letter made."),
        ".SH ENVIRONMENT",
        ".TP", bold("TZ"), troff("The time zone of local times letter prints, read as tzset(3) reads it."),
        ".SH EXAMPLES",
        troff("The UDP server of Python's socket tutorials, which answers every letter with hi:"),
    ] + example(["letter listen --reply hi 9000"]) + [
        ".PP",
        troff("and its client, which sends hello and prints the reply with the server's address:"),
    ] + example(["letter send -w 127.0.0.1 9000 hello"]) + [
        ".SH SEE ALSO",
        [("nc", 1), ("socat", 1), ("ping", 8), ("python3", 1), ("iconv", 1)]
            .map { bold($0.0) + "(\($0.1))" }.joined(separator: ", "),
    ]
}

/// Command lines, indented, one a line, as typed.
private func example(_ lines: [String]) -> [String] {
    [".RS", ".EX"] + lines.map(troff) + [".EE", ".RE"]
}

private func bold(_ text: String) -> String { #"\fB"# + escaped(text) + #"\fR"# }

private func italic(_ text: String) -> String { #"\fI"# + escaped(text) + #"\fR"# }

private func lowercasingFirst(_ text: String) -> String { text.prefix(1).lowercased() + text.dropFirst() }

/// A whole text line: escaped, and a leading `.` or `'` (which would start a request)
/// put behind `\&`.
private func troff(_ text: String) -> String {
    (text.hasPrefix(".") || text.hasPrefix("'") ? #"\&"# : "") + escaped(text)
}

/// Text made safe for troff: backslashes as `\e`, every `-` as `\-` (so options and
/// names copy as ASCII hyphen-minus), and characters beyond ASCII as `\[uXXXX]`.
private func escaped(_ text: String) -> String {
    var escaped = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": escaped += #"\e"#
        case "-": escaped += #"\-"#
        case _ where scalar.isASCII: escaped.unicodeScalars.append(scalar)
        default:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            escaped += #"\[u"# + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "]"
        }
    }
    return escaped
}
