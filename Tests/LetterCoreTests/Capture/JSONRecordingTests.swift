import Glibc
import Testing
import TestSupport
@testable import LetterCore

/// letter's JSON Lines read back as records: a recording Python wrote (its expectations
/// from Python's json, datetime and os.fsencode), and what letter's own json printer
/// writes in every --time mode, for every kind of sender, relayed or not.
@Suite struct JSONRecordingTests {
    @Test func pythonsRecordingReadsAsPythonSays() throws {
        let fixtures = try CaptureFixtures()
        let expected = try readText(fixtures.path("json/expected.tsv")).split(separator: "\n").map(String.init)
        #expect(expected.count == 16)
        let reader = CaptureReader(bytes: try readBytes(fixtures.path("json/recording.jsonl")), readSize: 7)
        var rows: [String] = []
        while let datagram = try reader.next() { rows.append(row(datagram)) }
        #expect(reader.format == .jsonLines)
        #expect(rows == expected.filter { $0.hasPrefix("datagram\t") })
        var skips = CaptureSkips()
        skips.cutShort = expected.filter { $0 == "skip\tcutShort" }.count
        skips.replies = expected.filter { $0 == "skip\treply" }.count
        #expect(reader.skipped == skips)
    }

    @Test(arguments: TimeMode.allCases, [false, true])
    func whatListenWritesReadsBack(mode: TimeMode, showBytes: Bool) throws {
        let start = Timestamp(seconds: 1_764_426_734, nanoseconds: 999_999_999)
        let printer = JSONPrinter(PrinterContext(decoder: try makeDecoder("utf-8", .replace), showBytes: showBytes,
                                                 columns: Columns(time: TimeColumn(mode, start: start))))
        let twin = try makeDecoder("utf-8", .replace)
        let senders: [Peer] = [
            .v4(octets: (127, 0, 0, 1), port: 54321),
            .v6(bytes: IPv6Bytes([0xfe, 0x80] + Array(repeating: 0, count: 13) + [1]), port: 5353, flowInfo: 7, scopeID: 2),
            .unixPath(Array("/tmp/".utf8) + [0xff, 0xc3] + Array(".sock".utf8)),
            .abstract(Array("letter-name".utf8)),
            .unnamed,
        ]
        var out: [UInt8] = []
        var expected: [String] = []
        var previous: Timestamp?
        for (index, sender) in senders.enumerated() {
            for (number, payload) in ([Array(0...255), Array("你好 \u{1B}[31m \u{202E}".utf8), []] as [[UInt8]]).enumerated() {
                let time = Timestamp(seconds: start.seconds + 1 + index * 7 + number, nanoseconds: (index * 123_456_789 + number * 1000 + 999) % 1_000_000_000)
                let cut = index == 1 && number == 0
                let datagram = Datagram(payload: payload[...], fullLength: payload.count + (cut ? 100 : 0), peer: sender, receivedAt: time)
                #expect(printer.append(Record(datagram), to: &out) == nil)
                defer { previous = time }
                if cut { continue }
                var text: [UInt8] = []
                _ = twin.decode(payload[...], appendingTo: &text)
                expected.append("datagram\t\(recorded(time, mode: mode, start: start, previous: previous))\t\(describe(sender))\tnone\t"
                                + hex(showBytes ? payload : text) + "\t\(showBytes ? 0 : 1)")
            }
        }
        let reader = CaptureReader(bytes: out, readSize: 64)
        var rows: [String] = []
        while let datagram = try reader.next() { rows.append(row(datagram)) }
        #expect(rows == expected)
        #expect(reader.skipped.cutShort == 1 && reader.skipped.total == 1)
    }

    @Test func relayRequestsGoToTheirTargetsAndRepliesAreSkipped() throws {
        let printer = JSONPrinter(PrinterContext(decoder: try makeDecoder("utf-8", .replace), showBytes: true,
                                                 columns: Columns(time: TimeColumn(.epoch, start: Timestamp(seconds: 0, nanoseconds: 0)))))
        let client = Peer.v4(octets: (127, 0, 0, 1), port: 40000)
        let targets: [Peer] = [.v6(bytes: .loopback, port: 9000, flowInfo: 0, scopeID: 0), .unixPath(Array("/run/app.sock".utf8)),
                               .abstract(Array("app".utf8))]
        var out: [UInt8] = []
        for (index, target) in targets.enumerated() {
            let time = Timestamp(seconds: 100 + index, nanoseconds: 5000)
            var request = Record(Datagram(payload: [UInt8(index)][...], fullLength: 1, peer: client, receivedAt: time))
            request.passage = Passage(to: target, direction: .request)
            _ = printer.append(request, to: &out)
            var reply = Record(Datagram(payload: [0xAA][...], fullLength: 1, peer: target, receivedAt: time))
            reply.passage = Passage(to: client, direction: .reply)
            _ = printer.append(reply, to: &out)
        }
        let reader = CaptureReader(bytes: out)
        var rows: [String] = []
        while let datagram = try reader.next() { rows.append(row(datagram)) }
        #expect(rows == targets.enumerated().map { index, target in
            "datagram\t\(100 + index).000005000\t\(describe(client))\t\(describe(target))\t0\(index)\t0"
        })
        #expect(reader.skipped.replies == 3 && reader.skipped.total == 3)
    }

    @Test func linesThatAreNotRecordsAreErrorsNamingTheirLine() throws {
        let good = #"{"host": "127.0.0.1", "port": 1, "size": 1, "time": 1.000000, "text": "a", "hex": "61"}"# + "\n"
        let cases: [(line: String, kind: String, detail: String)] = [
            (#"{"host": "127.0.0.1", "port": 1, "text": "a", "hex": "6"}"#, "damaged", "odd number"),
            (#"{"host": "127.0.0.1", "port": 1, "text": "a", "hex": "6x"}"#, "damaged", "not a hex digit"),
            (#"{"host": "127.0.0.1", "port": 70000, "text": "a"}"#, "damaged", "port from 0 to 65535"),
            (#"{"host": "localhost", "port": 1, "text": "a"}"#, "damaged", "not an IP address"),
            (#"{"port": 1, "text": "a"}"#, "damaged", "no sender"),
            (#"{"host": "127.0.0.1", "port": 1}"#, "damaged", "neither hex nor text"),
            (#"{"host": "127.0.0.1", "port": 1, "text": "a", "time": -1}"#, "damaged", "not seconds"),
            (#"{"host": "127.0.0.1", "port": 1, "text": "a", "time": 1e9}"#, "damaged", "not seconds"),
            (#"{"host": "127.0.0.1", "port": 1, "text": "a", "time": "2026-02-30T00:00:00Z"}"#, "damaged", "not an iso"),
            // Found by the fuzzer: a value quoted in the message keeps its controls escaped.
            (#"{"host": "127.0.0.1", "port": 1, "text": "a", "time": "\n\u001b[2J"}"#, "damaged", #"time '\n\x1b[2J' is not"#),
            (#"{"host": "\u202e1", "port": 1, "text": "a"}"#, "damaged", #"host '\u202e1' is not"#),
            (#"{"host": "127.0.0.1", "port": 1, "text": "a", "text": "b"}"#, "damaged", "text given twice"),
            (#"{"host": "127.0.0.1", "port": 1, "direction": "request", "text": "a"}"#, "damaged", "without to_host"),
            (#"{"path": "/x", "abstract": true, "text": "a"}"#, "damaged", "without its '@'"),
            (#"{"path": "\ud800", "text": "a"}"#, "damaged", "lone surrogate"),
            (#"{"host": "127.0.0.1", "port": 01, "text": "a"}"#, "damaged", "not JSON"),
            (#"{"host": "127.0.0.1", "port": 1, "text": "a", "extra": [1]}"#, "damaged", "array or object"),
            (#"{"host": "127.0.0.1", "port": 1, "text": "a"} x"#, "damaged", "bytes after the object"),
        ]
        for (line, kind, detail) in cases {
            let reader = CaptureReader(bytes: Array((good + "\n" + line + "\n" + good).utf8), readSize: 5)
            #expect(try reader.next() != nil, "\(line)")
            do {
                _ = try reader.next()
                Issue.record("no error for \(line)")
            } catch {
                #expect(kindName(error) == kind, "\(line): \(error)")
                // The line's start, or (for JSON syntax) the byte where it goes wrong.
                #expect(error.offset >= good.utf8.count + 1 && error.offset < good.utf8.count + 1 + line.utf8.count, "\(line): \(error)")
                #expect(error.description.contains("line 3") && error.description.contains(detail), "\(line): \(error)")
                #expect(!error.description.contains("\n") && !error.description.unicodeScalars.contains("\u{1B}")
                        && !error.description.unicodeScalars.contains("\u{202E}"), "\(line): \(error)")
            }
        }
        // A first line that is not JSON, or not letter's: the file is not a recording.
        for (text, offset) in [("{not json}\n", 1), ("{\"a\": 1}\n" + good, 0)] {
            do {
                _ = try CaptureReader(bytes: Array(text.utf8)).next()
                Issue.record("no error for \(text)")
            } catch {
                #expect(kindName(error) == "notACapture" && error.offset == offset, "\(error)")
            }
        }
    }
}

/// A record as the fixture's expected.tsv writes it.
private func row(_ datagram: CapturedDatagram) -> String {
    let time = datagram.time.map { "\($0.seconds)." + String(repeating: "0", count: 9 - String($0.nanoseconds).count) + String($0.nanoseconds) }
    return "datagram\t\(time ?? "none")\t\(describe(datagram.source))\t\(datagram.destination.map(describe) ?? "none")\t"
        + hex(Array(datagram.payload)) + "\t\(datagram.payloadIsText ? 1 : 0)"
}

private func describe(_ peer: Peer) -> String {
    switch peer {
    case .v4(_, let port): return "v4 \(peer.host) \(port)"
    case .v6(_, let port, let flowInfo, let scopeID): return "v6 \(peer.host) \(port) \(flowInfo) \(scopeID)"
    case .unixPath(let path): return "path " + hex(path)
    case .abstract(let name): return "abstract " + hex(name)
    case .unnamed: return "unnamed"
    }
}

/// The time a json record carries, to the microsecond, as the reader must give it back.
private func recorded(_ time: Timestamp, mode: TimeMode, start: Timestamp, previous: Timestamp?) -> String {
    let microseconds: Int
    switch mode {
    case .iso, .utc, .epoch: microseconds = time.seconds * 1_000_000 + time.nanoseconds / 1000
    case .elapsed: microseconds = time.nanoseconds(since: start) / 1000
    case .delta: microseconds = time.nanoseconds(since: previous ?? time) / 1000
    }
    let fraction = String(microseconds % 1_000_000 * 1000)
    return "\(microseconds / 1_000_000)." + String(repeating: "0", count: 9 - fraction.count) + fraction
}
