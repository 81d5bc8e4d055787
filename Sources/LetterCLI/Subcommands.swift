import LetterCore

/// The one table of subcommands: parsing, help, completions, the man page, suggestions
/// and running all read it. A new command is a file with its options, its run and its
/// row, and one line here.
public let subcommands: [SubcommandSpec] = [sendSpec, listenSpec, chatSpec, pingSpec, relaySpec, replaySpec, encodingsSpec]

public let letterVersion = "0.1.0"
/// The date of this version, for the man page; change it with the version.
public let letterVersionDate = "2026-11-30"

/// One subcommand: its name and abstract (all the main help needs), its page (built only
/// when that subcommand is parsed or documented: a one-off send builds no other
/// command's options), and its parse and run.
public struct SubcommandSpec: Sendable {
    public let name: String
    public let abstract: String
    let page: @Sendable () -> SubcommandPage
    /// Turns the parsed arguments into this subcommand's typed options, ready to run:
    /// the row's own, so no table entry can run another's code.
    let invoke: @Sendable (ParsedArguments) throws(UsageError) -> Invocation

    /// A row whose `parse` makes typed `Options` and whose `run` runs them.
    init<Options: Equatable & Sendable>(name: String, abstract: String, page: @escaping @Sendable () -> SubcommandPage,
                                        parse: @escaping @Sendable (ParsedArguments) throws(UsageError) -> Options,
                                        run: @escaping @Sendable (Options) throws -> Void) {
        self.name = name
        self.abstract = abstract
        self.page = page
        invoke = { parsed throws(UsageError) in
            let options = try parse(parsed)
            return Invocation(subcommand: name, options: options) { try run(options) }
        }
    }

    var usage: String { page().usage }
    var arguments: [(String, String)] { page().arguments }
    /// Every option it takes, `-h, --help` last, as the parser splits them: `-f`'s help is
    /// not worded for this command's formats here (`listedOptions` is, for the pages), which
    /// a one-off send would pay for at every start.
    public var options: [OptionSpec] { page().options + [Option.help.spec()] }
}

/// What a subcommand's help and man page section say, and the options its parser splits.
struct SubcommandPage {
    let usage: String
    let arguments: [(String, String)]
    /// Its options, `-h, --help` aside.
    let options: [OptionSpec]
    /// The formats `-f` takes (and completes) here; nil: every one.
    var formats: [RecordFormat]?
    let examples: [String]
    let discussion: String

    /// Its options as its help and man page list them: `-f` with the formats this
    /// command takes, not every format there is.
    var listedOptions: [OptionSpec] {
        options.map { option in
            guard case .formats = option.completion, let formats else { return option }
            return OptionSpec(key: option.key, short: option.short, valueName: option.valueName,
                              help: listing(of: formats) + ".", repeatable: option.repeatable, completion: option.completion)
        }
    }
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
