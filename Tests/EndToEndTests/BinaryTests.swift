import Testing

/// What the shipped binary links: no Foundation, and (for the release build the
/// Makefile tests) nothing dynamic at all: a static executable starts fastest.
@Suite struct BinaryTests {
    @Test func doesNotLinkFoundationOrTheSharedSwiftRuntime() throws {
        let ldd = try run("/usr/bin/ldd", [Paths.letter])
        let report = ldd.stdoutText + ldd.stderrText
        #expect(!report.contains("Foundation"), "\(report)")
        if Paths.letter.contains("/release/") {
            #expect(report.contains("not a dynamic executable"), "the release build is a static executable: \(report)")
        } else {
            print("\n*** NOTE: \(Paths.letter) is not a release build; 'make test' checks the static release binary ***\n")
        }
    }
}
