/// What the parser found: options (in order, each with its value as text, "" for a
/// flag) and positional arguments. Values are read through their option's row, which
/// parses them.
///
/// Arrays of strings only, as argv already is: a `Set` or a `[String: [String]]` here
/// costs a one-off send about 40k instructions of generic metadata set-up at start. A
/// class, so that handing it to a command's parser is one retain: copying its arrays
/// field by field went through value witnesses that set up `Array<String>`'s metadata.
/// Unchecked Sendable: `parseArguments` fills it in, and it is only read after that.
public final class ParsedArguments: @unchecked Sendable {
    /// The long names of the options given, in order; a single-valued option given
    /// again keeps its first place and takes the new value, as most tools do.
    private var names: [String] = []
    /// `names`' values, index for index.
    private var texts: [String] = []
    public internal(set) var positionals: [String] = []
    /// The subcommand and its arguments as typed, for a hint that shows them rearranged.
    var command = ""
    var arguments: [String] = []

    func has(_ flag: FlagRow) -> Bool { names.contains(flag.long) }

    /// Whether the option was given at all (a flag, or a value of any kind).
    func isGiven(_ option: some OptionName) -> Bool { names.contains(option.long) }

    /// The first of these options (long names) that was given, in the order listed.
    func firstGiven(_ longs: [String]) -> String? { longs.first(where: names.contains) }

    /// The texts given for the option named `long`, in order (the last one only, for a
    /// single-valued option).
    func texts(of long: String) -> [String] {
        var found: [String] = []
        for (index, name) in names.enumerated() where name == long { found.append(texts[index]) }
        return found
    }

    /// The last value given for `option`, parsed; nil when it was not given.
    func value<Value>(_ option: OptionRow<Value>) throws(UsageError) -> Value? {
        guard let index = names.lastIndex(of: option.long) else { return nil }
        return try option.parse(texts[index], option.long)
    }

    /// Every value given for a repeatable option, in order, parsed.
    func values<Value>(_ option: OptionRow<Value>) throws(UsageError) -> [Value] {
        var parsed: [Value] = []
        for text in texts(of: option.long) { parsed.append(try option.parse(text, option.long)) }
        return parsed
    }

    /// Notes `option` as given, with `text` ("" for a flag).
    func record(_ option: OptionSpec, text: String) {
        if !option.repeatable, let index = names.firstIndex(of: option.key) {
            texts[index] = text
        } else {
            names.append(option.key)
            texts.append(text)
        }
    }
}

/// Splits `arguments` against `options`. Options may come anywhere before `--`; `--opt=value`,
/// `--opt value`, `-o value` and `-ovalue` are all accepted, and short flags combine (`-4w`).
func parseArguments(_ arguments: ArraySlice<String>, options: [OptionSpec], subcommand: String)
    throws(UsageError) -> ParsedArguments {
    let parsed = ParsedArguments()
    parsed.command = subcommand
    parsed.arguments = Array(arguments)
    var iterator = arguments.makeIterator()
    func fail(_ message: String) -> UsageError { UsageError(message, subcommand: subcommand) }
    func record(_ option: OptionSpec, value: String?) throws(UsageError) {
        if option.valueName == nil { return parsed.record(option, text: "") }
        guard let value = value ?? iterator.next() else {
            throw fail("missing value for '\(option.key)' (expected \(option.valueName!))")
        }
        parsed.record(option, text: value)
    }
    func option(named name: String) throws(UsageError) -> OptionSpec {
        if let option = options.first(where: { $0.isNamed(name) }) { return option }
        let suggestion = closestMatch(to: name, among: options.flatMap(\.names).filter { $0.hasPrefix("--") })
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
                    && (options.contains { $0.isNamed(argument) } || !isNegativeNumber(argument)) {
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
