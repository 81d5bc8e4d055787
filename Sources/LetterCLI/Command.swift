/// What the command line asks for, decided by a pure function of the arguments.
public enum Command: Equatable, Sendable {
    case help(String)
    case version
    case send(SendOptions)
    case listen(ListenOptions)
    case chat(ChatOptions)
    case ping(PingOptions)
    case relay(RelayOptions)
    case encodings
    case manual
    case completionScript(Shell)
}

/// Parses the whole command line (without the program name).
public func parseCommandLine(_ arguments: [String]) throws(UsageError) -> Command {
    guard let first = arguments.first else { return .help(mainHelp()) }
    switch first {
    case "-h", "--help", "help":
        if arguments.count > 1, let spec = subcommands.first(where: { $0.name == arguments[1] }) {
            return .help(help(for: spec))
        }
        return .help(mainHelp())
    case "--version", "-V", "version":
        return .version
    default:
        break
    }
    if let generator = try parseGenerator(arguments) { return generator }
    // Only the named row is built: a one-off send never builds the other commands' rows
    // or the table (an Optional<SubcommandSpec> here would instantiate its metadata too).
    let spec: SubcommandSpec
    switch first {
    case "send": spec = sendSpec
    case "listen": spec = listenSpec
    case "chat": spec = chatSpec
    case "ping": spec = pingSpec
    case "relay": spec = relaySpec
    case "encodings": spec = encodingsSpec
    default:
        let suggestion = closestMatch(to: first, among: subcommands.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
        let what = first.hasPrefix("-") ? "unknown option '\(first)'" : "unknown subcommand '\(first)'"
        throw UsageError(what + suggestion)
    }
    let parsed = try parseArguments(arguments.dropFirst(), spec: spec)
    if parsed.has(.help) { return .help(help(for: spec)) }
    do throws(UsageError) {
        return try spec.command(parsed)
    } catch {
        throw UsageError(error.message, subcommand: spec.name)
    }
}

/// `--generate-manual` and `--generate-completion-script SHELL` (or `=SHELL`), alone on
/// the command line; nil for any other command line.
private func parseGenerator(_ arguments: [String]) throws(UsageError) -> Command? {
    // Most command lines name a subcommand: they skip the option look-up below.
    guard arguments[0].hasPrefix("--generate-") else { return nil }
    let (name, inlineValue) = splitInlineValue(arguments[0])
    var rest = arguments.dropFirst()
    let command: Command
    switch OptionKey(rawValue: name) {
    case .generateManual where inlineValue == nil:
        command = .manual
    case .generateCompletionScript:
        guard let value = inlineValue ?? rest.popFirst() else {
            throw UsageError("missing value for '\(name)' (expected SHELL)")
        }
        command = .completionScript(try parseChoice(value, option: .generateCompletionScript, as: Shell.self))
    default:
        return nil
    }
    guard rest.isEmpty else { throw UsageError("unexpected argument '\(rest.first!)'") }  // not empty, just checked
    return command
}
