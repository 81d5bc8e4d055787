/// One option a subcommand accepts.
public struct OptionSpec: Sendable {
    /// Spellings, e.g. `["-e", "--encoding"]`; the last one, the key's, names the option.
    public let names: [String]
    /// The value's placeholder (`ENC`), or nil for a flag.
    public let valueName: String?
    public let help: String
    public var repeatable = false
    /// Every value the option accepts, when they are a fixed list: the completion scripts
    /// offer them. Derived from the enum or table that parses them, never typed twice,
    /// and only when asked: a one-off send builds its row and must not pay for them.
    public var values: [String] { valueList() }
    private let valueList: @Sendable () -> [String]

    public var key: String { names.last! }  // the key's name is always there

    public init(_ key: OptionKey, short: String? = nil, valueName: String?, help: String, repeatable: Bool = false,
                values: @escaping @autoclosure @Sendable () -> [String] = []) {
        names = (short.map { [$0] } ?? []) + [key.rawValue]
        self.valueName = valueName
        self.help = help
        self.repeatable = repeatable
        valueList = values
    }
}

/// One subcommand: the table row that drives parsing, help and dispatch.
public struct SubcommandSpec: Sendable {
    public let name: String
    public let abstract: String
    public let usage: String
    public let arguments: [(String, String)]
    public let options: [OptionSpec]
    public let examples: [String]
    public let discussion: String
    /// Turns the parsed arguments into this subcommand's command: dispatch is this
    /// row's own, so no table entry can run another's code.
    public let command: @Sendable (ParsedArguments) throws(UsageError) -> Command
}

/// What the parser found: flags, option values (in order), and positional arguments.
public struct ParsedArguments: Sendable {
    public var flags: Set<String> = []
    public var values: [String: [String]] = [:]
    public var positionals: [String] = []
    /// The subcommand and its arguments as typed, for a hint that shows them rearranged.
    public var command = ""
    public var arguments: [String] = []

    public func has(_ key: OptionKey) -> Bool { flags.contains(key.rawValue) }

    /// The last value given for `key`, if any.
    public func value(_ key: OptionKey) -> String? { values[key.rawValue]?.last }

    /// Every value given for a repeatable option, in order.
    public func values(_ key: OptionKey) -> [String] { values[key.rawValue] ?? [] }
}

/// Splits `arguments` against `spec`. Options may come anywhere before `--`; `--opt=value`,
/// `--opt value`, `-o value` and `-ovalue` are all accepted, and short flags combine (`-4w`).
public func parseArguments(_ arguments: ArraySlice<String>, spec: SubcommandSpec) throws(UsageError) -> ParsedArguments {
    var parsed = ParsedArguments()
    parsed.command = spec.name
    parsed.arguments = Array(arguments)
    var iterator = arguments.makeIterator()
    func fail(_ message: String) -> UsageError { UsageError(message, subcommand: spec.name) }
    func record(_ option: OptionSpec, value: String?) throws(UsageError) {
        if option.valueName == nil {
            parsed.flags.insert(option.key)
            return
        }
        guard let value = value ?? iterator.next() else {
            throw fail("missing value for '\(option.key)' (expected \(option.valueName!))")
        }
        // A repeated single-valued option takes its last value, as most tools do.
        parsed.values[option.key] = option.repeatable ? (parsed.values[option.key] ?? []) + [value] : [value]
    }
    func option(named name: String) throws(UsageError) -> OptionSpec {
        if let option = spec.options.first(where: { $0.names.contains(name) }) { return option }
        if name == "-h" || name == "--help" { return helpOption }
        let suggestion = closestMatch(to: name, among: spec.options.flatMap(\.names).filter { $0.hasPrefix("--") })
        let hint = suggestion.map { "; did you mean '\($0)'?" } ?? ""
        throw fail("unknown option '\(name)'\(hint)")
    }

    while let argument = iterator.next() {
        if argument == "--" {
            while let rest = iterator.next() { parsed.positionals.append(rest) }
            break
        }
        if argument.hasPrefix("--") {
            let (name, inlineValue) = splitInlineValue(argument)
            let option = try option(named: name)
            if inlineValue != nil && option.valueName == nil { throw fail("'\(name)' takes no value") }
            try record(option, value: inlineValue)
        } else if argument.hasPrefix("-") && argument.count > 1
                    && (spec.options.contains { $0.names.contains(argument) } || !isNegativeNumber(argument)) {
            var letters = Substring(argument.dropFirst())
            while let letter = letters.first {
                let option = try option(named: "-\(letter)")
                letters = letters.dropFirst()
                if option.valueName != nil {
                    try record(option, value: letters.isEmpty ? nil : String(letters))
                    break
                }
                try record(option, value: nil)
            }
        } else {
            parsed.positionals.append(argument)
        }
    }
    return parsed
}

let helpOption = OptionSpec(.help, short: "-h", valueName: nil, help: "Show help information.")

func splitInlineValue(_ argument: String) -> (String, String?) {
    guard let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
    return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
}

/// `-5` is a message word, not an option (a letter may well say "-5 degrees").
private func isNegativeNumber(_ argument: String) -> Bool {
    argument.dropFirst().allSatisfy { $0.isNumber || $0 == "." }
}

/// The candidate nearest to `word` by edit distance, if it is near enough to be a typo.
public func closestMatch(to word: String, among candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(word, $0)) }.min { $0.1 < $1.1 }
    guard let (best, distance) = scored, distance <= max(2, word.count / 3) else { return nil }
    return best
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for (i, left) in a.enumerated() {
        var current = [i + 1]
        for (j, right) in b.enumerated() {
            current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1)))
        }
        previous = current
    }
    return previous[b.count]
}
