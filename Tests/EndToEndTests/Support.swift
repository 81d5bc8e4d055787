import Glibc
// Child processes, peers and temporary folders, shared with LetterCoreTests' capture tests:
// every file of this target sees them.
@_exported import TestSupport
import Testing

/// What only these tests need beside TestSupport's places: the built `letter`
/// (LETTER_BIN, else the one beside the test bundle) and the Python oracle.
extension Paths {
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

    /// Whether the letter under test is built with AddressSanitizer (`make test-asan`),
    /// told from the binary itself (ASan's runtime is linked in): its timing and memory
    /// are not the product's, so tests that measure them give it room or measure less.
    static let letterIsSanitized: Bool = (try? run("/bin/grep", ["-qa", "__asan_init", letter]).status == 0) ?? false

    static let python = executablePath("python3") ?? "/usr/bin/python3"
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

/// The first `count` bytes of the file at `path` (fewer if it is shorter).
func readPrefix(_ path: String, count: Int) throws -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw SpawnError(message: "cannot open \(path): \(String(cString: strerror(errno)))") }
    defer { close(descriptor) }
    var bytes = [UInt8](repeating: 0, count: count)
    let got = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    return Array(bytes.prefix(max(got, 0)))
}

/// The regular files under `directory`, relative to it, sorted.
func filesBelow(_ directory: String) throws -> [String] {
    let find = try run("/usr/bin/find", [directory, "-type", "f", "-printf", "%P\\n"])
    return find.stdoutText.split(separator: "\n").map(String.init).sorted()
}

/// Whether `word` occurs in `text` on its own: not inside a longer option or name
/// (`-e` inside `--encoding`, `--reply` inside `--reply-rate`).
func containsWord(_ text: String, _ word: String) -> Bool {
    func isNamePart(_ character: Character?) -> Bool {
        guard let character else { return false }
        return character.isLetter || character.isNumber || character == "-" || character == "_"
    }
    var rest = text[...]
    while let range = rest.firstRange(of: word) {
        let before: Character? = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
        let after: Character? = range.upperBound == text.endIndex ? nil : text[range.upperBound]
        if !isNamePart(before) && !isNamePart(after) { return true }
        rest = text[text.index(after: range.lowerBound)...]
    }
    return false
}

/// What an ELF executable's headers say: whether it asks for a dynamic loader, and
/// whether it was stripped (the release build `make` ships is, with --strip-all; a debug
/// or sanitized build keeps its symbols and debug information).
struct ExecutableFile {
    let isStatic: Bool
    let isStripped: Bool

    init(_ path: String) throws {
        let bytes = try readFile(path)
        func integer(_ offset: Int, _ size: Int) throws -> Int {
            guard offset >= 0, offset + size <= bytes.count else { throw SpawnError(message: "\(path): truncated ELF") }
            return (0..<size).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }  // little-endian
        }
        guard bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46, 2, 1]) else {
            throw SpawnError(message: "\(path) is not a 64-bit little-endian ELF file")
        }
        // Program headers: PT_INTERP (3) names the dynamic loader.
        let (programs, programSize, programCount) = (try integer(0x20, 8), try integer(0x36, 2), try integer(0x38, 2))
        isStatic = try (0..<programCount).allSatisfy { try integer(programs + $0 * programSize, 4) != 3 }
        // Section headers, named from the section-name table: .symtab and .debug_info go with --strip-all.
        let (sections, sectionSize, sectionCount) = (try integer(0x28, 8), try integer(0x3A, 2), try integer(0x3C, 2))
        let names = try integer(sections + (try integer(0x3E, 2)) * sectionSize + 0x18, 8)
        var found: Set<String> = []
        for index in 0..<sectionCount {
            var start = names + (try integer(sections + index * sectionSize, 4))
            var name: [UInt8] = []
            while start < bytes.count && bytes[start] != 0 {
                name.append(bytes[start])
                start += 1
            }
            found.insert(String(decoding: name, as: UTF8.self))
        }
        isStripped = !found.contains(".symtab") && !found.contains(".debug_info")
    }
}

/// A free UDP port on 127.0.0.1, as Python's bind to port 0 reports it (free once Python
/// has exited: nothing listens there).
func freePort() throws -> String {
    let probe = try run(Paths.python, ["-c", "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
                                       + "s.bind(('127.0.0.1', 0)); print(s.getsockname()[1], end='')"])
    return probe.stdoutText
}
