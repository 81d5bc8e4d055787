import Testing

/// What the shipped binary links: no Foundation, and (for the stripped release build the
/// Makefile tests, as its ELF headers tell) nothing dynamic at all: a static executable
/// starts fastest.
@Suite struct BinaryTests {
    @Test func doesNotLinkFoundationOrTheSharedSwiftRuntime() throws {
        let ldd = try run("/usr/bin/ldd", [Paths.letter])
        let report = ldd.stdoutText + ldd.stderrText
        #expect(!report.contains("Foundation"), "\(report)")
        let executable = try ExecutableFile(Paths.letter)
        if executable.isStripped {
            #expect(executable.isStatic, "the release build asks for a dynamic loader")
            #expect(report.contains("not a dynamic executable"), "the release build is a static executable: \(report)")
        } else {
            print("\n*** NOTE: \(Paths.letter) keeps its symbols, so it is not the release build; 'make test' checks that one ***\n")
        }
    }
}
