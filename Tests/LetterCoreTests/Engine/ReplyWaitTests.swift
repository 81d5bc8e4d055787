import Glibc
import Testing
@testable import LetterCore

/// `send -w`: the replies waited for on a real socket, queued before the wait begins (the
/// wait only reads), printed raw into a pipe so what was shown is the payloads themselves.
@Suite struct ReplyWaitTests {
    static func options(all: Bool = false, timeout: Double? = 2, expect: String? = nil) -> ReplyWaitOptions {
        var options = ReplyWaitOptions()
        options.all = all
        options.timeout = timeout
        options.expectation = expect.map(ReplyExpectation.init(text:))
        return options
    }

    /// The outcome of a wait on `socket` for `destination`'s replies, what it printed,
    /// and how long it took in nanoseconds.
    static func wait(on socket: borrowing DatagramSocket, from destination: Peer,
                     _ options: ReplyWaitOptions) throws -> (outcome: ReplyOutcome, printed: [UInt8], took: UInt64) {
        let (readEnd, writeEnd) = try pipeDescriptors()
        defer { close(readEnd) }
        // utf-8 is the first row of the encoding table: never missing.
        var display = DisplayOptions(encoding: lookupEncoding("utf-8")!)
        display.format = .raw
        let began = monotonicNanoseconds()
        let outcome = try awaitReplies(on: socket, from: destination, options: options,
                                       printSink: try printSink(.raw, to: writeEnd), display: display)
        let took = monotonicNanoseconds() - began
        close(writeEnd)
        return (outcome, readAll(readEnd), took)
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func theFirstReplyEndsTheWaitAndWhatFollowsStaysUnread() throws {
        let client = try boundSocket("wait-first"), server = try boundSocket("wait-first-server")
        let stranger = try boundSocket("wait-first-stranger")
        let address = try client.localAddress()
        try stranger.send(Self.bytes("not the server")[...], to: address)
        for text in ["one", "two"] { try server.send(Self.bytes(text)[...], to: address) }
        let (outcome, printed, _) = try Self.wait(on: client, from: try server.localAddress(), Self.options())
        #expect(outcome.replies == 1 && outcome.matched == 1 && outcome.ignored == 1 && outcome.failure == nil)
        #expect(outcome.ignoredDatagrams == "1 datagram")
        #expect(printed == Self.bytes("one"))
        #expect(try receiveAll(client).map(\.payload) == [Self.bytes("two")])
    }

    @Test func allTakesEveryReplyUntilTheTimeoutPassesWithNone() throws {
        let client = try boundSocket("wait-all"), server = try boundSocket("wait-all-server")
        for text in ["a", "bc", "d"] { try server.send(Self.bytes(text)[...], to: try client.localAddress()) }
        let (outcome, printed, took) = try Self.wait(on: client, from: try server.localAddress(), Self.options(all: true, timeout: 0.1))
        #expect(outcome.replies == 3 && outcome.matched == 3 && outcome.failure == nil)
        #expect(printed == Self.bytes("abcd"))
        #expect(took >= 100_000_000 && took < 2_000_000_000)
    }

    /// --expect looks for its text in each reply; a reply without it still ends the wait.
    @Test(arguments: [("no", 1), ("yes", 0)])
    func expectDecidesWhichRepliesMatch(expected: String, matched: Int) throws {
        // The cases run at once: each binds names of its own.
        let client = try boundSocket("wait-expect-\(expected)"), server = try boundSocket("wait-expect-\(expected)-server")
        try server.send(Self.bytes("nope")[...], to: try client.localAddress())
        let (outcome, _, _) = try Self.wait(on: client, from: try server.localAddress(), Self.options(expect: expected))
        #expect(outcome.replies == 1 && outcome.matched == matched)
        #expect(outcome.failure == (matched > 0 ? nil : .mismatch))
    }

    @Test func silenceEndsTheWaitAfterTheTimeoutAsGiven() throws {
        let client = try boundSocket("wait-silent"), server = try boundSocket("wait-silent-server")
        let (outcome, printed, took) = try Self.wait(on: client, from: try server.localAddress(), Self.options(timeout: 0.1))
        #expect(outcome.replies == 0 && printed.isEmpty && outcome.failure == .noReply(seconds: "0.1"))
        #expect(took >= 100_000_000 && took < 2_000_000_000)
    }

    /// A datagram sent on loopback to a port nobody holds: ICMP port unreachable, which a
    /// socket asking for its errors hears before any reply.
    @Test func anUnreachablePortEndsTheWaitAtOnce() throws {
        let client = try loopbackSocket()
        try client.setReceiveErrors()
        let closed = try { () throws -> Peer in
            let gone = try loopbackSocket()
            return try gone.localAddress()
        }()
        try client.send(Self.bytes("anyone?")[...], to: closed)
        let error = #expect(throws: PortUnreachable.self) { try Self.wait(on: client, from: closed, Self.options()) }
        #expect(error?.destination == closed)
    }

    static func check(_ destination: Peer, broadcast: Bool = false) throws -> ReplyCheck {
        var options = ReplyWaitOptions()
        options.broadcast = broadcast
        return ReplyCheck(destination: destination, options: options, printSink: try printSink(.raw, to: -1),
                          decoder: try makeDecoder("utf-8", .replace))
    }

    /// A server may answer from another port (TFTP does); only its address counts, and
    /// anyone's for a broadcast or a group.
    @Test func repliesCountFromTheDestinationsHostOnAnyPort() throws {
        let v4 = Peer.v4(octets: (127, 0, 0, 1), port: 69)
        let v6 = Peer.v6(bytes: IPv6Bytes(high: 0, low: 1), port: 69, flowInfo: 0, scopeID: 0)
        let other = Peer.v4(octets: (127, 0, 0, 2), port: 69)
        #expect(try Self.check(v4).isReply(from: .v4(octets: (127, 0, 0, 1), port: 40000)))
        #expect(try !Self.check(v4).isReply(from: other))
        #expect(try Self.check(v6).isReply(from: .v6(bytes: IPv6Bytes(high: 0, low: 1), port: 40000, flowInfo: 0, scopeID: 0)))
        #expect(try !Self.check(v6).isReply(from: v4))
        #expect(try Self.check(v4, broadcast: true).isReply(from: other))
        #expect(try Self.check(.v4(octets: (224, 0, 0, 1), port: 69)).isReply(from: other))
        // A unix destination is one socket: another name is someone else.
        #expect(try !Self.check(.abstract(Self.bytes("a"))).isReply(from: .abstract(Self.bytes("b"))))
    }
}
