import Glibc
import Testing

/// letter against the tutorials' own programs (Fixtures/tutorial, shown in the README):
/// each side prints what the Python program on the other side would print.
@Suite struct TutorialTests {
    static let directory = Paths.repository + "/Fixtures/tutorial/"

    /// `letter send -w` in place of the tutorials' client prints what that client prints.
    @Test func sendWaitPrintsWhatTheTutorialClientPrints() throws {
        let port = try freePort()
        let server = try Child(Paths.python, [Self.directory + "server.py", port, "2"])
        try #require(server.stderrLine(containing: "listening on") != nil, "\(server.stderrText)")
        let client = try run(Paths.python, [Self.directory + "client.py", port, "你好"])
        let letter = try run(Paths.letter, ["send", "-w", "-t", "5", "127.0.0.1", port, "你好"])
        #expect(client.status == 0 && letter.status == 0, "\(client.stderrText) \(letter.stderrText)")
        #expect(letter.stdoutText == client.stdoutText)
        #expect(server.wait() == 0)
    }

    /// `letter listen --reply hi` in place of the tutorials' server prints what that
    /// server prints, and the client gets the same answer.
    @Test func listenReplyPrintsWhatTheTutorialServerPrints() throws {
        let port = try freePort()
        let server = try Child(Paths.python, [Self.directory + "server.py", port, "1"])
        try #require(server.stderrLine(containing: "listening on") != nil)
        let viaPython = try run(Paths.python, [Self.directory + "client.py", port, "你好"])
        #expect(server.wait() == 0)

        let listener = try Child(Paths.letter, ["listen", "--reply", "hi", "-c", "1", "-t", "10", "127.0.0.1", port])
        try #require(listener.stderrLine(containing: "listening on") != nil)
        let viaLetter = try run(Paths.python, [Self.directory + "client.py", port, "你好"])
        #expect(listener.wait() == 0, "\(listener.stderrText)")
        // The client's own port differs from run to run: compare with it masked.
        func masked(_ text: String) -> String { text.replacingPorts() }
        #expect(masked(listener.stdoutText) == masked(server.stdoutText))
        #expect(masked(viaLetter.stdoutText) == masked(viaPython.stdoutText))
    }
}

private extension String {
    /// `('127.0.0.1', 54321)` → `('127.0.0.1', PORT)`: digits right after `', ` go.
    func replacingPorts() -> String {
        var out = "", skippingDigits = false
        for character in self {
            if skippingDigits && character.isNumber { continue }
            if skippingDigits { out += "PORT" }
            skippingDigits = false
            out.append(character)
            if out.hasSuffix("', ") { skippingDigits = true }
        }
        return out
    }
}
