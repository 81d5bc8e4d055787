/// What the command line asks for, decided by a pure function of the arguments.
public enum Command: Equatable, Sendable {
    case help(String)
    case version
    case manual
    case completionScript(Shell)
    /// A subcommand with its typed options.
    case run(Invocation)
}

/// Parses the whole command line (without the program name).
public func parseCommandLine(_ arguments: [String]) throws(UsageError) -> Command {
    guard let first = arguments.first else { return .help(mainHelp()) }
    if first == "-h" || first == "--help" || first == "help" {
        if arguments.count > 1, let spec = subcommands.first(where: { $0.name == arguments[1] }) {
            return .help(help(for: spec))
        }
        return .help(mainHelp())
    }
    if first == "--version" || first == "-V" || first == "version" { return .version }
    // Most command lines name a subcommand: they skip the generators' look-up.
    if first.hasPrefix("--generate-") { return try parseGenerator(arguments) }
    guard let spec = subcommands.first(where: { $0.name == first }) else { throw unknownSubcommand(first) }
    let parsed = try parseArguments(arguments.dropFirst(), options: spec.options, subcommand: spec.name)
    if parsed.has(Option.help) { return .help(help(for: spec)) }
    do throws(UsageError) {
        return .run(try spec.invoke(parsed))
    } catch {
        throw UsageError(error.message, subcommand: spec.name)
    }
}

/// `first` names neither a subcommand nor one of letter's own options.
private func unknownSubcommand(_ first: String) -> UsageError {
    let suggestion = closestMatch(to: first, among: subcommands.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
    let what = first.hasPrefix("-") ? "unknown option '\(first)'" : "unknown subcommand '\(first)'"
    return UsageError(what + suggestion)
}

/// `--generate-manual` and `--generate-completion-script SHELL` (or `=SHELL`), alone on
/// the command line.
private func parseGenerator(_ arguments: [String]) throws(UsageError) -> Command {
    let (name, inlineValue) = splitInlineValue(arguments[0])
    var rest = arguments.dropFirst()
    let command: Command
    if name == Option.generateManual.long && inlineValue == nil {
        command = .manual
    } else if name == Option.generateCompletionScript.long {
        let option = Option.generateCompletionScript
        guard let value = inlineValue ?? rest.popFirst() else {
            throw UsageError("missing value for '\(name)' (expected \(option.valueName))")
        }
        command = .completionScript(try option.parse(value, name))
    } else {
        throw unknownSubcommand(arguments[0])
    }
    guard rest.isEmpty else { throw UsageError("unexpected argument '\(rest.first!)'") }  // not empty, just checked
    return command
}
