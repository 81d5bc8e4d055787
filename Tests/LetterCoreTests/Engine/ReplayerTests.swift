import Glibc
import Testing
@testable import LetterCore

/// `Replayer` on a fake clock, sending to real loopback and unix sockets: captures are
/// made by the engine's own `PcapWriter` (or are JSON lines as listen writes them), and
/// what arrives is compared with what was recorded, byte for byte.
@Suite struct ReplayerTests {
    static let start: UInt64 = 7_000_000_000
    static let source = Peer.v4(octets: (127, 0, 0, 1), port: 40000)

    /// One datagram of a capture: what it held, where it went, when (milliseconds from a
    /// fixed instant); `fullLength` longer than the payload makes a record cut short.
    struct Sent {
        let payload: [UInt8]
        let to: Peer
        var at = 0
        var fullLength: Int?
    }

    static func capture(_ records: [Sent]) -> [UInt8] {
        var out: [UInt8] = []
        PcapWriter.appendFileHeader(to: &out)
        var writer = PcapWriter()
        for record in records {
            let time = Timestamp(seconds: 1_700_000_000 + record.at / 1000, nanoseconds: record.at % 1000 * 1_000_000)
            // The tests record only IPv4 datagrams of a valid length: never refused.
            _ = writer.append(payload: record.payload[...], fullLength: record.fullLength ?? record.payload.count,
                              time: time, source: source, destination: record.to, to: &out)
        }
        return out
    }

    static func settings(_ pace: ReplayPace, loops: Int = 1, to destination: Peer? = nil, port: UInt16? = nil) -> ReplaySettings {
        // utf-8 is the first row of the encoding table: never missing.
        var settings = ReplaySettings(textEncoding: lookupEncoding("utf-8")!)
        settings.pace = pace
        settings.loops = loops
        settings.destination = destination
        settings.port = port
        return settings
    }

    /// Plays `bytes` once (or `passes` times, the next pass started as `replay` starts
    /// it) on `clock`; the outcome and whether every pass ran to its end.
    static func play(_ bytes: [UInt8], _ settings: ReplaySettings, clock: FakeClock,
                     passes: Int = 1) throws -> (outcome: ReplayOutcome, finished: Bool) {
        let replayer = try Replayer(settings: settings, clock: clock, fileSize: bytes.count)
        for pass in 1...passes {
            guard try replayer.play(CaptureReader(bytes: bytes), pass: pass) else { return (replayer.finish(), false) }
            if pass < passes { replayer.schedule.startNextPass(now: clock.now()) }
        }
        return (replayer.finish(), true)
    }

    /// The payloads that reached `socket`, until `count` came or none came for two seconds.
    static func payloads(on socket: borrowing DatagramSocket, count: Int) throws -> [[UInt8]] {
        var payloads: [[UInt8]] = []
        while payloads.count < count {
            let more = try receiveAll(socket)
            if more.isEmpty { break }
            payloads += more.map(\.payload)
        }
        return payloads
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func eachDatagramGoesToItsRecordedDestination() throws {
        let first = try loopbackSocket(), second = try loopbackSocket()
        let a = try first.localAddress(), b = try second.localAddress()
        let records = [Sent(payload: Self.bytes("one"), to: a), Sent(payload: [0, 0xff, 0x0a], to: b),
                       Sent(payload: [], to: a), Sent(payload: Self.bytes("four"), to: a)]
        let (outcome, finished) = try Self.play(Self.capture(records), Self.settings(.fast), clock: FakeClock(at: Self.start))
        #expect(finished && outcome.datagrams == 4 && outcome.bytes == records.map(\.payload.count).reduce(0, +))
        #expect(try Self.payloads(on: first, count: 3) == [records[0], records[2], records[3]].map(\.payload))
        #expect(try Self.payloads(on: second, count: 1) == [records[1].payload])
        // --fast keeps no deadlines: nothing to be late for.
        #expect(outcome.lateness == nil && outcome.sendFailures == 0)
    }

    @Test func toSendsEveryDatagramToOneDestination() throws {
        let target = try loopbackSocket(), elsewhere = try loopbackSocket()
        let recorded = try elsewhere.localAddress()
        let records = (0..<5).map { Sent(payload: Self.bytes("datagram \($0)"), to: $0 % 2 == 0 ? recorded : Self.source) }
        let settings = Self.settings(.fast, to: try target.localAddress())
        let (outcome, _) = try Self.play(Self.capture(records), settings, clock: FakeClock(at: Self.start))
        #expect(outcome.datagrams == 5)
        #expect(try Self.payloads(on: target, count: 5) == records.map(\.payload))
        #expect(try receiveAll(elsewhere).isEmpty)
    }

    @Test func portKeepsOnlyTheDatagramsRecordedToItAndCountsTheOthers() throws {
        let kept = try loopbackSocket(), other = try loopbackSocket()
        let port = try kept.localAddress(), otherPort = try other.localAddress()
        let records = [Sent(payload: Self.bytes("a"), to: port), Sent(payload: Self.bytes("b"), to: otherPort),
                       Sent(payload: Self.bytes("c"), to: otherPort), Sent(payload: Self.bytes("d"), to: port)]
        let (outcome, _) = try Self.play(Self.capture(records), Self.settings(.fast, port: port.port), clock: FakeClock(at: Self.start))
        #expect(outcome.datagrams == 2 && outcome.notToPort == 2)
        #expect(try Self.payloads(on: kept, count: 2) == [Self.bytes("a"), Self.bytes("d")])
        #expect(try receiveAll(other).isEmpty)
    }

    /// A sleep wakes `overshoot` late and the wait ends `spinMargin` early: a datagram that
    /// was waited for is late by the difference, the first one (due at once) by nothing.
    @Test(arguments: [(ReplayPace.recorded(speed: 1), [0, 100, 400]), (.recorded(speed: 2), [0, 50, 200]), (.rate(10), [0, 100, 200])])
    func deadlinesAreKeptOnTheClockAndLatenessIsMeasured(pace: ReplayPace, milliseconds: [Int]) throws {
        let target = try loopbackSocket()
        let address = try target.localAddress()
        let records = [0, 100, 400].map { Sent(payload: Self.bytes("at \($0)"), to: address, at: $0) }
        let clock = FakeClock(at: Self.start, overshoot: spinMargin + 300_000)
        let (outcome, _) = try Self.play(Self.capture(records), Self.settings(pace), clock: clock)
        // The replay starts at the clock's first read: one nanosecond on.
        let deadlines = milliseconds.dropFirst().map { Self.start + 1 + UInt64($0) * 1_000_000 }
        #expect(clock.sleeps == deadlines.map { $0 - spinMargin })
        #expect(try Self.payloads(on: target, count: 3) == records.map(\.payload))
        let late = (clock.overshoot - spinMargin) / 1000
        let lateness = try #require(outcome.lateness)
        #expect(lateness.p50 == late && lateness.p99 == late && lateness.maximum == late)
    }

    /// More datagrams than a batch holds, all due at once: every one arrives, in order.
    @Test func fastSendsFullBatchesWithoutWaiting() throws {
        let target = try loopbackSocket()
        let address = try target.localAddress()
        let records = (0..<150).map { Sent(payload: Self.bytes("fast \($0)"), to: address) }
        let clock = FakeClock(at: Self.start)
        let (outcome, _) = try Self.play(Self.capture(records), Self.settings(.fast), clock: clock)
        #expect(clock.sleeps.isEmpty && outcome.datagrams == 150)
        #expect(try Self.payloads(on: target, count: 150) == records.map(\.payload))
    }

    /// A stop signal is looked for after each batch: the first full batch is all that goes.
    @Test func aSignalStopsTheReplayAfterTheBatchInFlight() throws {
        let target = try loopbackSocket()
        let address = try target.localAddress()
        let records = (0..<100).map { Sent(payload: Self.bytes("signal \($0)"), to: address) }
        let clock = FakeClock(at: Self.start)
        clock.signalled = true
        let (outcome, finished) = try Self.play(Self.capture(records), Self.settings(.fast), clock: clock)
        #expect(!finished && outcome.interrupted && outcome.datagrams == 64)
        #expect(try Self.payloads(on: target, count: 64) == records.prefix(64).map(\.payload))
    }

    @Test func aSignalDuringAWaitEndsThePass() throws {
        let target = try loopbackSocket()
        let address = try target.localAddress()
        let records = [0, 100].map { Sent(payload: Self.bytes("at \($0)"), to: address, at: $0) }
        let clock = FakeClock(at: Self.start)
        clock.stopAfterSleeps = 0
        let (outcome, finished) = try Self.play(Self.capture(records), Self.settings(.recorded(speed: 1)), clock: clock)
        // The first datagram was sent before the wait for the second.
        #expect(!finished && outcome.datagrams == 1)
        #expect(try Self.payloads(on: target, count: 1) == [records[0].payload])
    }

    /// The second pass starts one median recorded gap after the first pass's last
    /// deadline, and the skips of both passes add up.
    @Test func loopsReplayTheFileAgainAfterTheMedianGap() throws {
        let target = try loopbackSocket()
        let address = try target.localAddress()
        var records = [0, 100, 400].map { Sent(payload: Self.bytes("loop \($0)"), to: address, at: $0) }
        records.append(Sent(payload: Self.bytes("cut"), to: address, at: 450, fullLength: 10))
        let clock = FakeClock(at: Self.start)
        let (outcome, _) = try Self.play(Self.capture(records), Self.settings(.recorded(speed: 1), loops: 2), clock: clock, passes: 2)
        // Gaps 100 and 300 ms: the median (nearest rank) is 100 ms, after the last at 400 ms.
        let first = [100, 400], second = [500, 600, 900]
        #expect(clock.sleeps == (first + second).map { Self.start + 1 + UInt64($0) * 1_000_000 - spinMargin })
        #expect(outcome.datagrams == 6 && outcome.skipped.cutShort == 2)
        #expect(try Self.payloads(on: target, count: 6) == Array(repeating: records.prefix(3).map(\.payload), count: 2).flatMap { $0 })
    }

    /// A record longer than any capture holds: what came before it is sent, the damage kept.
    @Test func aDamagedFileSendsWhatCameBeforeTheDamage() throws {
        let target = try loopbackSocket()
        let address = try target.localAddress()
        let records = [Sent(payload: Self.bytes("before"), to: address), Sent(payload: Self.bytes("also before"), to: address)]
        var bytes = Self.capture(records)
        let goodLength = bytes.count
        // A record header whose captured length is 2 GiB.
        bytes += [0, 0, 0, 0, 0, 0, 0, 0] + [0xff, 0xff, 0xff, 0x7f] + [0xff, 0xff, 0xff, 0x7f]
        let (outcome, finished) = try Self.play(bytes, Self.settings(.fast), clock: FakeClock(at: Self.start))
        #expect(finished && outcome.datagrams == 2)
        let damage = try #require(outcome.damage)
        #expect(damage.offset == goodLength)
        #expect(try Self.payloads(on: target, count: 2) == records.map(\.payload))
    }

    /// A JSON line as `relay` records a request to the abstract unix socket `name`.
    static func request(to name: [UInt8], hex: String, time: String = "") -> String {
        "{\"direction\": \"request\", \"to_path\": \"@\(String(decoding: name, as: UTF8.self))\", "
            + "\"to_abstract\": true, \"path\": null, \"hex\": \"\(hex)\"\(time)}\n"
    }

    /// A request to a unix socket nobody holds: that send is counted as failed with the
    /// kernel's reason, and the others still go.
    @Test func aRefusedSendIsCountedAndTheReplayGoesOn() throws {
        let target = try boundSocket("replay-target")
        let held = abstractName("replay-target"), missing = abstractName("replay-nobody")
        let text = Self.request(to: held, hex: "6869") + Self.request(to: missing, hex: "00") + Self.request(to: held, hex: "0aff")
        let (outcome, _) = try Self.play(Self.bytes(text), Self.settings(.rate(1000)), clock: FakeClock(at: Self.start))
        #expect(outcome.datagrams == 2 && outcome.sendFailures == 1)
        // What the kernel says to the same send, asked directly.
        let probe = try DatagramSocket(family: .unix)
        let refusal = #expect(throws: SystemCallError.self) { try probe.send([0][...], to: .abstract(missing)) }
        let failure = try #require(outcome.firstFailure)
        #expect(failure.destination == .abstract(missing) && failure.errno == refusal?.errno)
        #expect(try Self.payloads(on: target, count: 2) == [[0x68, 0x69], [0x0a, 0xff]])
    }

    @Test func aRecordingWithoutDestinationsNeedsTo() throws {
        let text = Self.bytes("{\"path\": null, \"hex\": \"00\"}\n")
        #expect(throws: RuntimeError.self) { try Self.play(text, Self.settings(.fast), clock: FakeClock(at: Self.start)) }
    }

    /// listen's json without --time, or with --time delta (a first time of 0, or a time
    /// going back), holds no instants to keep. Nothing is sent before the error.
    @Test(arguments: [[""], [", \"time\": 0"], [", \"time\": 5.5", ", \"time\": 1"]])
    func recordedPaceNeedsInstants(times: [String]) throws {
        let nobody = abstractName("replay-pace")
        let text = times.map { Self.request(to: nobody, hex: "00", time: $0) }.joined()
        #expect(throws: ReplayNeedsPace.self) {
            try Self.play(Self.bytes(text), Self.settings(.recorded(speed: 1)), clock: FakeClock(at: Self.start))
        }
    }

    /// README's example line, from the figures it names.
    @Test func theSummaryLineReadsAsTheReadmeShowsIt() {
        var outcome = ReplayOutcome()
        outcome.datagrams = 1000
        outcome.bytes = 52000
        outcome.nanoseconds = 10_001_000_000
        outcome.skipped.notUDP = 10
        outcome.skipped.incompleteFragments = 1
        outcome.skipped.cutShort = 1
        outcome.lateness = (4, 31, 120)
        let readme = "letter: replayed 1000 datagrams (52000 bytes) in 10.001 s (100/s); skipped 12 records (10 not UDP, "
            + "1 incomplete fragment, 1 cut short); 0 send failures; late by p50 4 µs, p99 31 µs, max 120 µs"
        #expect(outcome.summary(port: nil) == readme)
    }
}
