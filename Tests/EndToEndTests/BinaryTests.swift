import Testing

/// What the shipped binary links: no Foundation, and (for the release build the
/// Makefile tests) the Swift runtime linked in statically.
@Suite struct BinaryTests {
    @Test func doesNotLinkFoundationOrTheSharedSwiftRuntime() throws {
        let ldd = try run("/usr/bin/ldd", [Paths.letter])
        #expect(ldd.status == 0 || ldd.stdoutText.contains("not a dynamic executable"))
        #expect(!ldd.stdoutText.contains("Foundation"), "\(ldd.stdoutText)")
        if Paths.letter.contains("/release/") {
            #expect(!ldd.stdoutText.contains("libswiftCore"), "release build must link the Swift stdlib statically: \(ldd.stdoutText)")
        } else {
            print("\n*** NOTE: \(Paths.letter) is not a release build; 'make test' checks the static release binary ***\n")
        }
    }
}
