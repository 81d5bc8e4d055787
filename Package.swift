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
        .target(name: "LetterCore", dependencies: ["CLetterSystem"]),
        .executableTarget(name: "letter", dependencies: ["LetterCore"]),
        .testTarget(name: "LetterCoreTests", dependencies: ["LetterCore"]),
        .testTarget(name: "EndToEndTests", dependencies: ["LetterCore"]),
    ]
)
