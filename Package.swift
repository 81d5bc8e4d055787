// swift-tools-version:6.0
import PackageDescription

// No dependencies by design: the Swift toolchain (stdlib, Glibc, iconv) is all letter uses.
let package = Package(
    name: "letter",
    products: [
        .executable(name: "letter", targets: ["letter"]),
    ],
    targets: [
        // recvmmsg, sendmmsg and signalfd, which Swift's Glibc module does not expose.
        .target(name: "CLetterSystem"),
        // The engine: model, system calls, transport, engine, output and text. It does not
        // know the command line, so nothing in it can reach back to options or usage errors.
        .target(
            name: "LetterCore", dependencies: ["CLetterSystem"],
            // The hot paths append to buffers held by classes; dynamic exclusivity checks
            // on those accesses cost more than the work itself (debug builds keep them).
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        // The command line: the option table, parsing, help, man page, completions, and the
        // words for the engine's errors. It drives LetterCore; LetterCore never sees it.
        .target(name: "LetterCLI", dependencies: ["LetterCore"]),
        // argv for CommandLine without the runtime's /proc/self/maps scan at start-up.
        .target(name: "CLetterArguments"),
        .executableTarget(name: "letter", dependencies: ["LetterCLI", "LetterCore", "CLetterArguments"]),
        // Child processes (peers, tshark, tcpdump), tool look-up with the loud skip, and
        // temporary folders, for the test targets; never part of a build of letter.
        .testTarget(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "LetterCoreTests", dependencies: ["LetterCore", "TestSupport"]),
        .testTarget(name: "LetterCLITests", dependencies: ["LetterCLI", "LetterCore", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["LetterCLI", "LetterCore", "TestSupport"]),
    ]
)
