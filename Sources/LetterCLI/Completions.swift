import LetterCore

/// Shell completion scripts, written from the command table: a subcommand, option or
/// option value is offered as soon as it is in the table, and never typed here.
///
/// What an option's value completes is its row's completion kind: a list (encodings,
/// the command's formats, handlers, modes, shells), file names (a socket path), or
/// nothing (a number, free text). Arguments complete file names: an endpoint may be a
/// unix socket path, and the shells cannot tell a path from a host before it is typed.

/// The shells `--generate-completion-script` writes for (swift-argument-parser's names).
public enum Shell: String, CaseIterable, Sendable {
    case bash, zsh, fish
}

public func completionScript(for shell: Shell) -> String {
    switch shell {
    case .bash: return bashCompletion()
    case .zsh: return zshCompletion()
    case .fish: return fishCompletion()
    }
}

/// What a shell offers for an option's value.
private enum Offer {
    case words([String])
    case files
    /// A number or free text: nothing to offer.
    case nothing
}

/// The offer for `option`'s value in a command that shows `formats`.
private func offer(for option: OptionSpec, formats: [RecordFormat]) -> Offer {
    switch option.completion {
    case .number, .text: return .nothing
    case .files: return .files
    case .encodings: return .words(encodingTable.map(\.name))
    case .formats: return .words(formats.map(\.rawValue))
    case .choices(let values): return .words(values())
    }
}

/// The options a subcommand accepts, `-h, --help` included (as its help lists them),
/// and the formats its `-f` takes.
private func accepted(_ spec: SubcommandSpec) -> (options: [OptionSpec], formats: [RecordFormat]) {
    (spec.listedOptions, spec.page().formats ?? RecordFormat.allCases)
}

private func generatedBy(_ shell: Shell) -> String {
    "# \(shell.rawValue) completion for letter, made by 'letter --generate-completion-script \(shell.rawValue)'."
}

/// `text` in single quotes for sh, bash and zsh.
private func shellQuoted(_ text: String) -> String {
    "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: #"'\''"#) + "'"
}

// MARK: - bash

private func bashCompletion() -> String {
    var lines = [
        generatedBy(.bash),
        "",
        "# Offers the words in $1 that start with the word being completed.",
        "_letter_words() {",
        #"    COMPREPLY=($(compgen -W "$1" -- "$cur"))"#,
        "}",
        "",
        "# Offers file names (compopt fails when the function is called outside readline; harmless).",
        "_letter_files() {",
        "    compopt -o filenames 2>/dev/null",
        #"    mapfile -t COMPREPLY < <(compgen -f -- "$cur")"#,
        "}",
        "",
        "_letter() {",
        #"    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} subcommand= word"#,
        "    COMPREPLY=()",
        "    # readline splits '--format=js' into '--format', '=' and 'js'.",
        #"    if [[ $cur == = ]]; then"#,
        "        cur=",
        #"    elif [[ $prev == = ]]; then"#,
        #"        prev=${COMP_WORDS[COMP_CWORD-2]}"#,
        "    fi",
        #"    for word in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do"#,
        #"        case $word in"#,
        "        \(subcommands.map { shellQuoted($0.name) }.joined(separator: "|"))) subcommand=$word; break ;;",
        "        esac",
        "    done",
        #"    case $subcommand in"#,
    ]
    for spec in subcommands {
        let (options, formats) = accepted(spec)
        lines.append("    \(shellQuoted(spec.name)))")
        lines += bashValueCases(options, formats: formats)
        let arguments = spec.arguments.isEmpty ? "return" : "_letter_files"
        lines.append(#"        if [[ $cur == -* ]]; then _letter_words "# + bashWords(options.flatMap(\.names))
                     + "; else \(arguments); fi ;;")
    }
    lines.append("    '')")
    lines += bashValueCases(topLevelOptions, formats: [])
    lines.append(#"        if [[ $cur == -* ]]; then _letter_words "# + bashWords(topLevelOptions.flatMap(\.names))
                 + "; else _letter_words \(bashWords(subcommands.map(\.name))); fi ;;")
    lines += ["    esac", "}", "", "complete -F _letter letter", ""]
    return lines.joined(separator: "\n")
}

private func bashWords(_ words: [String]) -> String { shellQuoted(words.joined(separator: " ")) }

/// One `case $prev` arm per option that takes a value: its list, file names, or nothing.
private func bashValueCases(_ options: [OptionSpec], formats: [RecordFormat]) -> [String] {
    let taking = options.filter { $0.valueName != nil }
    guard !taking.isEmpty else { return [] }
    var lines = [#"        case $prev in"#]
    for option in taking {
        let action = switch offer(for: option, formats: formats) {
        case .words(let words): "_letter_words \(bashWords(words)); "
        case .files: "_letter_files; "
        case .nothing: ""
        }
        lines.append("        \(option.names.map(shellQuoted).joined(separator: "|"))) \(action)return ;;")
    }
    lines.append("        esac")
    return lines
}

// MARK: - zsh

private func zshCompletion() -> String {
    var lines = [
        "#compdef letter",
        generatedBy(.zsh),
        "",
        "_letter() {",
        "    local curcontext=$curcontext state line",
        "    local -a subcommands=(",
    ]
    lines += subcommands.map { "        " + shellQuoted(backslashEscaped($0.name, ":") + ":" + $0.abstract) }
    lines += ["    )"]
    lines += zshArguments("-C", topLevelOptions.map { zshSpec($0, formats: []) } + ["'1: :->subcommand'", "'*:: :->argument'"])
    lines += [
        "    case $state in",
        "    subcommand) _describe -t subcommands 'letter subcommand' subcommands ;;",
        "    argument)",
        "        case $words[1] in",
    ]
    lines += subcommands.map { "        \(shellQuoted($0.name))) \(zshFunction($0)) ;;" }
    lines += ["        esac ;;", "    esac", "}", ""]
    for spec in subcommands {
        // -s: single-letter options combine (-4w); -S: '--' ends the options.
        let (options, formats) = accepted(spec)
        let arguments = spec.arguments.isEmpty ? [] : ["'*:argument:_files'"]
        lines.append("\(zshFunction(spec))() {")
        lines += zshArguments("-s -S", options.map { zshSpec($0, formats: formats) } + arguments)
        lines += ["}", ""]
    }
    lines += [#"_letter "$@""#, ""]
    return lines.joined(separator: "\n")
}

/// `_arguments FLAGS spec...`, one spec a line.
private func zshArguments(_ flags: String, _ specs: [String]) -> [String] {
    ["    _arguments \(flags) \\"] + specs.enumerated().map { index, spec in
        "        " + spec + (index == specs.count - 1 ? "" : " \\")
    }
}

private func zshFunction(_ spec: SubcommandSpec) -> String { "_letter_" + spec.name }

/// One `_arguments` spec: `'(-e --encoding)'{-e,--encoding}'[help]:ENC:(utf-8 gbk)'`.
/// Spellings of one option exclude each other, unless it may be repeated.
private func zshSpec(_ option: OptionSpec, formats: [RecordFormat]) -> String {
    var tail = "[" + backslashEscaped(option.help, "[]") + "]"
    if let valueName = option.valueName {
        // A single space: the value is required and nothing completes it.
        let action = switch offer(for: option, formats: formats) {
        case .words(let words): "(" + words.map { backslashEscaped($0, " ()") }.joined(separator: " ") + ")"
        case .files: "_files"
        case .nothing: " "
        }
        tail += ":" + backslashEscaped(valueName, ":") + ":" + action
    }
    let repeatMark = option.repeatable ? "*" : ""
    guard option.names.count > 1 else { return shellQuoted(repeatMark + option.names[0] + tail) }
    let exclusion = option.repeatable ? "" : shellQuoted("(" + option.names.joined(separator: " ") + ")")
    return repeatMark + exclusion + "{" + option.names.joined(separator: ",") + "}" + shellQuoted(tail)
}

/// `text` with a backslash before each character in `special` (and before backslashes).
private func backslashEscaped(_ text: String, _ special: String) -> String {
    var escaped = ""
    for character in text {
        if character == "\\" || special.contains(character) { escaped.append("\\") }
        escaped.append(character)
    }
    return escaped
}

// MARK: - fish

private func fishCompletion() -> String {
    var lines = [generatedBy(.fish), ""]
    // Before a subcommand: the subcommands and letter's own options, no file names.
    for spec in subcommands {
        lines.append("complete -c letter -n __fish_use_subcommand -f -a \(fishQuoted(spec.name)) -d \(fishQuoted(spec.abstract))")
    }
    lines += topLevelOptions.map { fishLine($0, formats: [], condition: "__fish_use_subcommand") }
    for spec in subcommands {
        let (options, formats) = accepted(spec)
        let condition = "__fish_seen_subcommand_from \(spec.name)"
        lines += options.map { fishLine($0, formats: formats, condition: condition) }
        // Files are fish's default for arguments; a subcommand without arguments takes none.
        if spec.arguments.isEmpty { lines.append("complete -c letter -n \(fishQuoted(condition)) -f") }
    }
    lines.append("")
    return lines.joined(separator: "\n")
}

/// `complete` for one option: `-x -a 'values'` for a list, `-r` (a value, files offered)
/// for a path, `-x` (a value, nothing offered) for a number or free text.
private func fishLine(_ option: OptionSpec, formats: [RecordFormat], condition: String) -> String {
    var line = "complete -c letter -n \(fishQuoted(condition))"
    for name in option.names {
        if name.hasPrefix("--") {
            line += " -l " + fishQuoted(String(name.dropFirst(2)))
        } else {
            line += (name.count == 2 ? " -s " : " -o ") + fishQuoted(String(name.dropFirst()))
        }
    }
    if option.valueName != nil {
        let value = switch offer(for: option, formats: formats) {
        case .words(let words): " -x -a " + fishQuoted(words.joined(separator: " "))
        case .files: " -r"
        case .nothing: " -x"
        }
        line += value
    }
    return line + " -d " + fishQuoted(option.help)
}

/// `text` in fish's single quotes, where only `\` and `'` are special.
private func fishQuoted(_ text: String) -> String {
    "'" + backslashEscaped(text, "'") + "'"
}
