/// Help text in the shape swift-argument-parser gives Swift CLIs, built from the table.

let overview = "Send and receive letters: single datagrams over UDP or unix sockets, in any text encoding."

/// The options `letter` itself takes, before any subcommand.
public let mainOptions = [Option.version.spec(), Option.help.spec()]

/// Options that print the shell completions and the man page. They are for packagers,
/// so the main help leaves them out; the man page and the completions list them.
public let generatorOptions = [Option.generateCompletionScript.spec(), Option.generateManual.spec()]

/// Everything before a subcommand, as the man page and the completions list it.
let topLevelOptions = mainOptions + generatorOptions

public func mainHelp() -> String {
    var lines = [
        "OVERVIEW: \(overview)",
        "",
        "USAGE: letter <subcommand> [OPTIONS] ...",
        "",
        "OPTIONS:",
    ]
    lines += mainOptions.map(optionRow)
    lines += ["", "SUBCOMMANDS:"]
    lines += subcommands.map { row($0.name, $0.abstract) }
    lines += [
        "",
        "EXAMPLES:",
        "  letter listen 9000                         # in one terminal",
        "  letter send 127.0.0.1 9000 你好             # in another: 你好 ('127.0.0.1', 54321)",
        "",
        "See 'letter <subcommand> --help' for more information.",
    ]
    return lines.joined(separator: "\n") + "\n"
}

public func help(for spec: SubcommandSpec) -> String {
    let page = spec.page()
    var lines = ["OVERVIEW: \(spec.abstract)", "", "USAGE: \(page.usage)", ""]
    if !page.arguments.isEmpty {
        lines.append("ARGUMENTS:")
        lines += page.arguments.map { row($0.0, $0.1) }
        lines.append("")
    }
    lines.append("OPTIONS:")
    lines += spec.listedOptions.map(optionRow)
    lines += ["", page.discussion, "", "EXAMPLES:"] + page.examples.map { "  " + $0 }
    return lines.joined(separator: "\n") + "\n"
}

private func optionRow(_ option: OptionSpec) -> String {
    row(option.names.joined(separator: ", ") + (option.valueName.map { " \($0)" } ?? ""), option.help)
}

/// `  name    description`, the description starting in column 27 (or on the next line).
private func row(_ name: String, _ description: String) -> String {
    let indent = String(repeating: " ", count: 26)
    let head = "  " + name
    if head.count < 25 { return head + String(repeating: " ", count: 26 - head.count) + description }
    return head + "\n" + indent + description
}
