import Glibc
import Testing

/// Where things are: the repository (from this file's path), the built `letter`
/// (LETTER_BIN, else the one beside the test bundle), and the peers on PATH.
enum Paths {
    static let repository: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/EndToEndTests/Support.swift
        return parts.joined(separator: "/")
    }()

    static let letter: String = {
        if let path = getenv("LETTER_BIN").map({ String(cString: $0) }), !path.isEmpty {
            return path.hasPrefix("/") ? path : repository + "/" + path
        }
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let executable = String(decoding: buffer[0..<max(count, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let directory = executable.split(separator: "/").dropLast().joined(separator: "/")
        return "/" + directory + "/letter"
    }()

    static let oracle = repository + "/Fixtures/peers/oracle.py"

    static func executable(_ name: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    static let python = executable("python3") ?? "/usr/bin/python3"
}

/// A peer program the interop tests need. Missing: a loud SKIPPED line, or a failure
/// under CI (which must not skip).
func requirePeer(_ name: String) -> String? {
    if let path = Paths.executable(name) { return path }
    let message = "SKIPPED: '\(name)' is not installed, so this interop test cannot run (apt-get install \(name == "nc" ? "netcat-openbsd" : name))"
    if getenv("CI") != nil {
        Issue.record("\(message); CI must not skip")
    } else {
        print("\n*** \(message) ***\n")
    }
    return nil
}

/// A running `letter listen` with the port it reported.
struct Listener {
    let child: Child
    let port: UInt16
    let banner: String
}

/// Starts `letter listen ARGS` (which must bind port 0) and reads the real port from the banner.
func startListener(_ arguments: [String]) throws -> Listener {
    let child = try Child(Paths.letter, ["listen"] + arguments)
    guard let banner = child.stderrLine(containing: "listening on") else {
        throw SpawnError(message: "no banner from letter listen \(arguments); stderr: \(child.stderrText)")
    }
    return Listener(child: child, port: try portFromTuple(banner), banner: banner)
}

/// The port in a line ending with a Python address tuple.
func portFromTuple(_ line: String) throws -> UInt16 {
    guard let open = line.lastIndex(of: "(") else { throw SpawnError(message: "no tuple in '\(line)'") }
    let fields = line[line.index(after: open)...].split(separator: ",")
    guard fields.count >= 2, let port = UInt16(fields[1].trimmingCharacters(in: " )")) else {
        throw SpawnError(message: "no port in '\(line)'")
    }
    return port
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}

/// Runs the Python oracle: sends `payloads` to `port` and returns what letter should print.
/// With `encodeIn`, `payloads` are UTF-8 text that Python encodes in that codec before sending.
func pythonExpectation(port: UInt16, payloads: [[UInt8]], format: String, encoding: String = "utf-8",
                       errors: String = "replace", family: String = "4", encodeIn: String? = nil) throws -> Child {
    let input = payloads.map { hex($0) + "\n" }.joined()
    let encode = encodeIn.map { ["--encode", $0] } ?? []
    let oracle = try run(Paths.python, [Paths.oracle, "send-expect", "--port", String(port), "--family", family,
                                        "--format", format, "--encoding", encoding, "--errors", errors] + encode,
                         input: Array(input.utf8))
    #expect(oracle.status == 0, "oracle failed: \(oracle.stderrText)")
    return oracle
}

func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Payloads every format test sends: text, controls, quotes, backslashes, bad bytes, empty.
let samplePayloads: [[UInt8]] = [
    bytes("hello"),
    bytes("你好"),
    [0xC4, 0xE3, 0xBA, 0xC3],  // 你好 in GBK
    bytes("tab\there\nnew line\r\u{1B}[31mred\u{7F}"),
    bytes("it's"),
    bytes("both ' and \""),
    bytes("back\\slash"),
    [0xFF, 0xFE, 0x80, 0x00, 0x01],
    [0xC2, 0x85, 0xC2, 0x9F, 0x41],  // C1 controls NEL and APC, then A
    [],
    [0x41],
]
