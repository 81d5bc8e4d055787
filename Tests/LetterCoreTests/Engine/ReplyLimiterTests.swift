import Testing
@testable import LetterCore

/// The limiter that keeps `--reply`/`--echo` from making letter a reflector.
struct ReplyLimiterTests {
    let second: UInt64 = 1_000_000_000
    let start: UInt64 = 5_000_000_000

    func address(_ index: Int, port: UInt16 = 4000) -> Peer {
        .v4(octets: (10, UInt8(index >> 16 & 255), UInt8(index >> 8 & 255), UInt8(index & 255)), port: port)
    }

    @Test func aSenderGetsABurstThenTheRate() {
        var limiter = ReplyLimiter(rate: 2, now: start)
        let sender = address(1)
        let answers = [limiter.allow(sender, now: start), limiter.allow(sender, now: start), limiter.allow(sender, now: start),
                       limiter.allow(sender, now: start + second / 2), limiter.allow(address(2), now: start)]
        #expect(answers == [.allowed, .allowed, .senderLimit, .allowed, .allowed])
    }

    /// A flood from thousands of source ports of one address is one sender.
    @Test func everyPortOfOneAddressSharesOneLimit() {
        var limiter = ReplyLimiter(rate: 10, now: start)
        let allowed = (0..<5000).filter { limiter.allow(address(7, port: UInt16(1000 + $0)), now: start) == .allowed }
        #expect(allowed.count == 10)
    }

    /// Many addresses together get at most the total rate.
    @Test func allSendersTogetherGetAtMostTheTotalRate() {
        var limiter = ReplyLimiter(rate: 10, now: start)
        let verdicts = (0..<1000).map { limiter.allow(address($0), now: start) }
        #expect(verdicts.filter { $0 == .allowed }.count == Int(limiter.totalRate))
        #expect(verdicts.filter { $0 == .totalLimit }.count == 1000 - Int(limiter.totalRate))
        // A second later the total has refilled by one second's worth.
        let later = (1000..<2000).filter { limiter.allow(address($0), now: start + second) == .allowed }
        #expect(later.count == Int(limiter.totalRate))
    }

    /// A full table refuses new senders and keeps the old ones, whose spent buckets
    /// must not come back fresh however many new senders knock.
    @Test func aFullTableRefusesNewSendersAndForgetsNoOne() {
        var limiter = ReplyLimiter(rate: 1, now: start)
        for index in 0..<ReplyLimiter.maximumSenders { _ = limiter.allow(address(index), now: start) }
        let old = address(0)
        #expect(limiter.allow(old, now: start) == .senderLimit, "its one token is spent")
        for index in 0..<100 { #expect(limiter.allow(address(1_000_000 + index), now: start + 1) == .tableFull) }
        #expect(limiter.allow(old, now: start + 2) == .senderLimit, "still known, still spent")
    }

    /// Once a sender's bucket has filled up again it is the same as a sender never seen:
    /// then, and only then, its place may go to a new sender.
    @Test func aFullTableMakesRoomOnlyFromSendersWhoseBucketsRefilled() {
        var limiter = ReplyLimiter(rate: 1, now: start)
        let half = ReplyLimiter.maximumSenders / 2
        for index in 0..<half { _ = limiter.allow(address(index), now: start) }
        for index in half..<2 * half { _ = limiter.allow(address(index), now: start + second / 2) }
        // 1.2 s on, the first half's buckets are full again; the second half's hold 0.7.
        let then = start + second * 6 / 5
        #expect(limiter.allow(address(999_999), now: then) == .allowed)
        #expect(limiter.allow(address(2 * half - 1), now: then) == .senderLimit)
    }
}

/// The size charge: a long `--reply` text cannot make the limit a byte amplifier.
struct ReplyLimiterSizeTests {
    let second: UInt64 = 1_000_000_000
    let start: UInt64 = 5_000_000_000

    @Test(arguments: [(0, 1.0), (1, 1.0), (1500, 1.0), (1501, 2.0), (60_000, 40.0), (65_507, 44.0)])
    func aReplyCostsOneTokenPerMTUBegun(size: Int, cost: Double) {
        #expect(ReplyLimiter.cost(ofReplySize: size) == cost)
    }

    /// The adversarial trial's flood: 10-byte requests from 3,000 addresses, a
    /// 60,000-byte reply, for 10 s. What goes out stays under the total rate's bytes
    /// (100 tokens of 1,500 bytes a second) plus one burst, whatever the text's length.
    @Test func aFloodFromManyAddressesGetsAtMostTheTotalBytes() {
        var limiter = ReplyLimiter(rate: 10, now: start)
        let replySize = 60_000
        var bytesOut = 0, requests = 0
        for step in 0..<6000 {
            let now = start + UInt64(step) * second / 600
            let sender = Peer.v4(octets: (10, 0, UInt8(step % 3000 >> 8), UInt8(step % 3000 & 255)), port: 4000)
            requests += 1
            if limiter.allow(sender, size: replySize, now: now) == .allowed { bytesOut += replySize }
        }
        let ceiling = Int(limiter.totalRate) * ReplyLimiter.bytesPerToken * 10 + Int(limiter.totalRate) * ReplyLimiter.bytesPerToken
        #expect(bytesOut > 0, "a long reply still goes out now and then")
        #expect(bytesOut <= ceiling, "\(bytesOut) bytes for \(requests * 10) bytes of requests")
    }

    /// One sender asking for a reply dearer than its bucket gets one when the bucket is
    /// full, then waits until it is full again.
    @Test func aDearReplyWaitsForAFullBucket() {
        var limiter = ReplyLimiter(rate: 10, now: start)
        let sender = Peer.v4(octets: (10, 0, 0, 1), port: 4000)
        #expect(limiter.allow(sender, size: 60_000, now: start) == .allowed)
        #expect(limiter.allow(sender, size: 60_000, now: start + second / 2) == .senderLimit)
        #expect(limiter.allow(sender, size: 60_000, now: start + second * 2) == .allowed)
    }
}
