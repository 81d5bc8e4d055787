// swift-tools-version:6.0
import PackageDescription

// No dependencies by design: the Swift toolchain (stdlib, Glibc, iconv) is all letter uses.
let package = Package(
    name: "letter",
    products: [
        .executable(name: "letter", targets: ["letter"]),
    ],
    targets: [
        // recvmmsg/sendmmsg, which Swift's Glibc module does not expose.
        .target(name: "CLetterSystem"),
        .target(
            name: "LetterCore", dependencies: ["CLetterSystem"],
            // The hot paths append to buffers held by classes; dynamic exclusivity checks
            // on those accesses cost more than the work itself (debug builds keep them).
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        // argv for CommandLine without the runtime's /proc/self/maps scan at start-up.
        .target(name: "CLetterArguments"),
        .executableTarget(name: "letter", dependencies: ["LetterCore", "CLetterArguments"]),
        // What both test targets use to run other programs (python3, tshark, tcpdump, letter)
        // and to skip loudly. A test target, so that release builds, which have no Testing
        // module, leave it out.
        .testTarget(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "LetterCoreTests", dependencies: ["LetterCore", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["LetterCore", "TestSupport"]),
    ]
)
