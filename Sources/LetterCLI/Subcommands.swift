import LetterCore

/// The one table of subcommands: parsing, help, completions, the man page, suggestions
/// and running all read it. A new command is a file with its options, its run and its
/// row, and one line here.
public let subcommands: [SubcommandSpec] = [sendSpec, listenSpec, chatSpec, pingSpec, relaySpec, replaySpec, encodingsSpec]

public let letterVersion = "0.1.0"
/// The date of this version, for the man page; change it with the version.
public let letterVersionDate = "2026-11-30"

/// One subcommand: its name and abstract (all the main help needs), its options and its
/// page (each built only when that subcommand is parsed or documented: a one-off send
/// builds no other command's options, and not its own page), and its parse and run.
public struct SubcommandSpec: Sendable {
    public let name: String
    public let abstract: String
    /// Its options, `-h, --help` aside.
    let ownOptions: @Sendable () -> [OptionSpec]
    let page: @Sendable () -> SubcommandPage
    /// Turns the parsed arguments into this subcommand's typed options, ready to run:
    /// the row's own, so no table entry can run another's code.
    let invoke: @Sendable (ParsedArguments) throws(UsageError) -> Invocation

    /// A row whose `parse` makes typed `Options` and whose `run` runs them.
    init<Options: Equatable & Sendable>(name: String, abstract: String, options: @escaping @Sendable () -> [OptionSpec],
                                        page: @escaping @Sendable () -> SubcommandPage,
                                        parse: @escaping @Sendable (ParsedArguments) throws(UsageError) -> Options,
                                        run: @escaping @Sendable (Options) throws -> Void) {
        self.name = name
        self.abstract = abstract
        ownOptions = options
        self.page = page
        invoke = { parsed throws(UsageError) in
            let options = try parse(parsed)
            return Invocation(subcommand: name, options: options) { try run(options) }
        }
    }

    var usage: String { page().usage }
    var arguments: [(String, String)] { page().arguments }
    /// Every option it takes, `-h, --help` last, as the parser splits them: `-f`'s help is
    /// not worded with this command's formats here (`listedOptions` is), which a one-off
    /// send would pay for at every start.
    public var options: [OptionSpec] { ownOptions() + [Option.help.spec()] }

    /// Its options as its help, man page and completions list them, `-h, --help` last:
    /// `-f` with the formats this command takes, not every format there is.
    var listedOptions: [OptionSpec] {
        let formats = page().formats ?? RecordFormat.allCases
        return ownOptions().map { option in
            guard case .formats = option.completion else { return option }
            return OptionSpec(key: option.key, short: option.short, valueName: option.valueName,
                              help: listing(of: formats) + ".", repeatable: option.repeatable, completion: option.completion)
        } + [Option.help.spec()]
    }
}

/// What a subcommand's help and man page section say besides its options.
struct SubcommandPage {
    let usage: String
    let arguments: [(String, String)]
    /// The formats `-f` takes (and completes) here; nil: every one.
    var formats: [RecordFormat]?
    let examples: [String]
    let discussion: String
}

/// A subcommand with its typed options, ready to run.
public struct Invocation: Equatable, Sendable {
    public let subcommand: String
    /// The typed options (`SendOptions`, `ListenOptions`...).
    public let options: any Equatable & Sendable
    let run: @Sendable () throws -> Void

    public static func == (lhs: Invocation, rhs: Invocation) -> Bool {
        lhs.subcommand == rhs.subcommand && lhs.options.isEqual(to: rhs.options)
    }
}

extension Equatable {
    fileprivate func isEqual(to other: any Equatable) -> Bool { (other as? Self) == self }
}
