import Testing

/// Python's codec names beyond the exact table (issue 8, item 12): the names the issue
/// lists, and a seeded sample of what `letter encodings` lists, spelled with random case
/// and separators. For each, Python chooses a text the codec can encode; `letter send -e
/// NAME` must put Python's `text.encode(NAME)` on the wire, and `letter listen -e NAME`
/// must print Python's decoding of it.
@Suite struct CodecNameTests {
    static let issueNames = ["euc_kr", "utf_16", "utf_16_le", "utf-16-le", "iso8859_2", "windows_1250", "mac_roman"]
    static let sampled = 20

    /// One row of `oracle.py codec-samples`.
    struct Sample {
        let name: String
        let text: String
        let encoded: String
        let encodedRepr: String
        let otherPayloads: [String]
    }

    /// The codec names `letter encodings` lists beyond the exact table.
    static func listedPythonCodecs() throws -> [String] {
        let listing = try run(Paths.letter, ["encodings"])
        let lines = listing.stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
        guard let header = lines.firstIndex(where: { $0.hasPrefix("CODEC ") }) else { return [] }
        return lines[(header + 1)...].prefix { !$0.isEmpty }.compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    static func samples() throws -> [Sample] {
        let listed = try listedPythonCodecs()
        #expect(listed.count > Self.sampled)
        let oracle = try run(Paths.python, [Paths.oracle, "codec-samples", "--seed", "20261130", "--sample", String(Self.sampled)]
                                 + Self.issueNames, input: Array(listed.map { $0 + "\n" }.joined().utf8))
        #expect(oracle.status == 0, "\(oracle.stderrText)")
        return oracle.stdoutText.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Sample(name: fields[0], text: fields[1], encoded: fields[2],
                          encodedRepr: fields[3], otherPayloads: fields[4].split(separator: ",").map(String.init))
        }
    }

    @Test func sendPutsPythonsBytesOnTheWire() throws {
        let samples = try Self.samples()
        #expect(samples.count == Self.issueNames.count + Self.sampled)
        let receiver = try Child(Paths.python, [Paths.oracle, "recv", "--count", String(samples.count), "--timeout", "20"])
        guard let banner = receiver.stderrLine(containing: "listening on") else {
            Issue.record("no banner from the Python receiver: \(receiver.stderrText)")
            return
        }
        let port = try portFromTuple(banner)
        for sample in samples {
            let sent = try run(Paths.letter, ["send", "-e", sample.name, "127.0.0.1", String(port), "--", sample.text])
            #expect(sent.status == 0, "letter send -e '\(sample.name)': \(sent.stderrText)")
        }
        #expect(receiver.wait(seconds: 20) == 0, "\(receiver.stderrText)")
        let received = receiver.stdoutText.split(separator: "\n").map(String.init)
        #expect(received.count == samples.count)
        for (sample, line) in zip(samples, received) {
            #expect(line == sample.encodedRepr, "letter send -e '\(sample.name)' \(sample.text)")
        }
    }

    @Test func listenPrintsPythonsDecoding() throws {
        let samples = try Self.samples()
        #expect(samples.count == Self.issueNames.count + Self.sampled)
        for sample in samples {
            let payloads = [sample.encoded] + sample.otherPayloads
            let listener = try startListener(["-e", sample.name, "-f", "lines", "-c", String(payloads.count), "-t", "10",
                                              "127.0.0.1", "0"])
            for payload in payloads {
                let sender = try run(Paths.python, [Paths.oracle, "send", "127.0.0.1", String(listener.port), payload])
                #expect(sender.status == 0)
            }
            #expect(listener.child.wait() == 0, "\(listener.child.stderrText)")
            #expect(listener.child.stdoutText == String(repeating: sample.text + "\n", count: payloads.count),
                    "letter listen -e '\(sample.name)'")
        }
    }
}
