import Testing

/// letter against Python over 10,000 seeded datagrams (random bytes, text in each
/// encoding, controls, quotes, empty, 1-byte, 60,000-byte) in utf-8, gbk, gb18030, big5,
/// shift_jis and latin-1, over IPv4, IPv6 and a dual-stack listener: every `text` and
/// `tuple` line byte for byte as Python prints it, every `json` line the same fields.
/// Fixtures/peers/differential.py drives it all and names the first datagram that differs.
@Suite struct DifferentialTests {
    static let script = Paths.repository + "/Fixtures/peers/differential.py"

    /// 60 s for the stripped release binary `make test` checks; a debug or sanitized letter
    /// (`make test-asan`), which keeps its symbols, takes several times longer over the
    /// same 390,000 lines.
    static let budget: Double = (try? ExecutableFile(Paths.letter).isStripped) == true ? 60 : 180

    @Test func textTupleAndJSONMatchPythonDatagramForDatagram() throws {
        let started = now()
        // The script stops itself 5 s before the budget, to report rather than be killed.
        let result = try run(Paths.python, [Self.script, "--letter", Paths.letter, "--count", "10000",
                                            "--seconds", String(Self.budget - 5)], seconds: Self.budget)
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stdoutText.contains("identical to Python's"), "\(result.stdoutText)")
        print(result.stdoutText, terminator: "")
        #expect(now() - started < Self.budget)
    }
}
