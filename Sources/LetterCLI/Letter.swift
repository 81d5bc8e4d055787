import LetterCore

/// Runs the letter command line and returns the exit status: 0 success, 1 runtime
/// failure, 2 usage error. Every failure becomes one line on stderr.
public func runLetter(_ arguments: [String]) -> Int32 {
    openClosedStandardDescriptors()
    prepareSignals()
    var subcommand: String?
    do {
        let command = try parseCommandLine(arguments)
        switch command {
        case .help(let text):
            try writeOut(text)
        case .version:
            try writeOut("letter \(letterVersion)\n")
        case .manual:
            try writeOut(manualPage())
        case .completionScript(let shell):
            try writeOut(completionScript(for: shell))
        case .run(let invocation):
            subcommand = invocation.subcommand
            try invocation.run()
        }
        return 0
    } catch let status as ExitStatus {
        return status.code
    } catch let error as UsageError {
        let name = error.subcommand ?? subcommand
        let help = name.map { "letter \($0) --help" } ?? "letter --help"
        writeDiagnostic("letter\(name.map { " " + $0 } ?? ""): \(error.message) (see '\(help)')")
        return 2
    } catch is OutputClosed {
        return 0
    } catch {
        if let message = describeFailure(error) {
            writeDiagnostic("letter\(subcommand.map { " " + $0 } ?? ""): \(message)")
        } else {
            writeDiagnostic("letter: \(error)")
        }
        return 1
    }
}

/// The engine's failures in words, one line each; nil for an error it does not raise.
private func describeFailure(_ error: Error) -> String? {
    switch error {
    case let error as RuntimeError:
        return error.message
    case let error as PortUnreachable:
        return "port unreachable: nothing listens at \(error.destination.pythonRepr) (ICMP port unreachable)"
    case let error as SendFailure:
        return describeSendFailure(error)
    case let error as WriteFailure:
        return "cannot write to \(error.file.map { "'\($0)'" } ?? "standard output"): \(error.errno)"
    case let error as EncodingUnavailable:
        return "encoding '\(error.encoding.name)' cannot be opened by iconv on this machine (is its gconv module installed?)"
    default:
        return nil
    }
}

/// A send the kernel refused (send, chat, replay's first), in words: a broadcast address
/// without --broadcast gets the hint.
func describeSendFailure(_ failure: SendFailure) -> String {
    let hint = failure.errno == .accessDenied ? " (to send to a broadcast address, add --broadcast)" : ""
    return "cannot send to \(failure.destination.pythonRepr): \(failure.errno)\(hint)"
}

func writeOut(_ text: String) throws {
    do { try writeAll(standardOutput, ArraySlice(text.utf8)) } catch { throw outputFailure(error.error) }
}
