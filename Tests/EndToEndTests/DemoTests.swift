import Testing

/// `make demo` is a new user's first command: it must pass every time, not most times.
@Suite struct DemoTests {
    @Test func theDemoPassesTwentyRunsInARow() throws {
        var outputs: Set<String> = []
        for run in 1...20 {
            let demo = try Child("/bin/sh", [Paths.repository + "/Fixtures/demo.sh", Paths.letter])
            let status = demo.wait(seconds: 30)
            try #require(status == 0, "run \(run) failed: \(demo.stderrText)\n\(demo.stdoutText)")
            // The ports differ from run to run; everything else must not.
            outputs.insert(demo.stdoutText.replacing(/, \d+\)/, with: ", PORT)"))
        }
        #expect(outputs.count == 1, "the demo printed different things: \(outputs)")
        #expect(outputs.first?.contains("你好 ('127.0.0.1', PORT)") == true, "\(outputs)")
    }
}
