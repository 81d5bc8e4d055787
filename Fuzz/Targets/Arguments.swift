@testable import LetterCLI

/// The command-line parser over arbitrary argument lists (the fuzzer's bytes split at
/// NUL, as argv is): it returns a command or a usage error and never crashes, gives the
/// same answer every time, and an error stays one line unless an argument broke it.

private let heads: [String?] = subcommands.map(\.name) + ["help", "--version", nil]

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzArguments(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var input = FuzzInput(data, size)
    let head = input.pick(heads)
    let words = input.rest.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    let arguments = (head.map { [$0] } ?? []) + (input.rest.isEmpty ? [] : words)
    let what = "arguments \(arguments)"

    let first = Result { () throws(UsageError) in try parseCommandLine(arguments) }
    let second = Result { () throws(UsageError) in try parseCommandLine(arguments) }
    require(first == second, "two parses differ: \(what)")
    switch first {
    case .success(.help(let text)):
        require(!text.isEmpty, "empty help: \(what)")
    case .success:
        break
    case .failure(let error):
        require(!error.message.isEmpty, "an empty usage error: \(what)")
        // Bytes, not Characters: "\r\n" is one Character, which contains("\n") would miss.
        let breaksLine = { (text: String) in text.utf8.contains(0x0A) || text.utf8.contains(0x0D) }
        require(arguments.contains(where: breaksLine) || !breaksLine(error.message),
                "a usage error of several lines: \(error.message): \(what)")
    }
    return 0
}
