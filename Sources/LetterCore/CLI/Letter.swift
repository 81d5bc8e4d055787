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
        case .encodings:
            try writeOut(encodingsListing())
        case .manual:
            try writeOut(manualPage())
        case .completionScript(let shell):
            try writeOut(completionScript(for: shell))
        case .send(let options):
            subcommand = "send"
            try runSend(options)
        case .listen(let options):
            subcommand = "listen"
            try runListen(options)
        case .chat(let options):
            subcommand = "chat"
            try runChat(options)
        case .ping(let options):
            subcommand = "ping"
            try runPing(options)
        case .relay(let options):
            subcommand = "relay"
            try runRelay(options)
        }
        return 0
    } catch let status as ExitStatus {
        return status.code
    } catch let error as UsageError {
        let name = error.subcommand ?? subcommand
        let help = name.map { "letter \($0) --help" } ?? "letter --help"
        writeDiagnostic("letter\(name.map { " " + $0 } ?? ""): \(error.message) (see '\(help)')")
        return 2
    } catch let error as RuntimeError {
        writeDiagnostic("letter\(subcommand.map { " " + $0 } ?? ""): \(error.message)")
        return 1
    } catch is OutputClosed {
        return 0
    } catch {
        writeDiagnostic("letter: \(error)")
        return 1
    }
}

private func writeOut(_ text: String) throws {
    do { try writeAll(standardOutput, ArraySlice(text.utf8)) } catch { throw outputFailure(error.error) }
}
