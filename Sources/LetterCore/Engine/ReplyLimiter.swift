/// Limits `--reply`/`--echo` so that letter can never serve as a reflector or an
/// amplifier, however many senders or source ports a flood (spoofed or not) uses:
/// - per source address, whatever the port: a token bucket of `rate` replies a second,
///   with a burst of the same size (a flood from 5,000 ports of one IP is one sender);
/// - in total, over every sender: `totalRate` replies a second;
/// - the table of addresses is bounded: when it is full a new address gets no reply.
///   An address is let go only once its bucket has filled up again, when it is in the
///   same state as an address never seen: letting it go gives nobody a fresh burst;
/// - by size as well as by count: a reply costs one token for every 1,500 bytes (an
///   Ethernet MTU) begun, so a long `--reply` text cannot turn the limit into a byte
///   amplifier: all replies together stay under `totalRate` × 1,500 bytes a second,
///   whatever the text's length. A reply dearer than a full bucket waits for a full one.
struct ReplyLimiter {
    /// Why a reply was held back.
    enum Verdict: Equatable {
        case allowed
        case senderLimit
        case totalLimit
        case tableFull
    }

    private struct Bucket {
        var tokens: Double
        var updated: UInt64

        /// Refills for the time since the last look; spends `cost` tokens when there are
        /// as many (a full bucket pays for any cost, else a dear reply could never go).
        mutating func take(_ cost: Double, rate: Double, burst: Double, now: UInt64) -> Bool {
            tokens = min(burst, tokens + Double(now &- updated) / 1e9 * rate)
            updated = now
            guard tokens >= min(cost, burst) else { return false }
            tokens -= min(cost, burst)
            return true
        }

        func isFull(rate: Double, burst: Double, now: UInt64) -> Bool {
            tokens + Double(now &- updated) / 1e9 * rate >= burst
        }
    }

    let rate: Double
    let totalRate: Double
    private var buckets: [Peer: Bucket] = [:]
    private var total: Bucket
    private var lastSweep: UInt64 = 0
    static let maximumSenders = 4096
    /// All senders together get at most this many times one sender's rate.
    static let totalMultiple = 10.0
    /// The bytes one token pays for.
    static let bytesPerToken = 1500

    /// The tokens a reply of `size` bytes costs: one per 1,500 bytes begun, at least one.
    static func cost(ofReplySize size: Int) -> Double {
        Double(max(1, (size + bytesPerToken - 1) / bytesPerToken))
    }

    init(rate: Double, now: UInt64 = 0) {
        self.rate = rate
        totalRate = rate * Self.totalMultiple
        total = Bucket(tokens: totalRate, updated: now)
    }

    /// Whether a reply of `size` bytes to `sender` at monotonic time `now` (nanoseconds)
    /// may go; spends the sender's and the total's tokens if so.
    mutating func allow(_ sender: Peer, size: Int = 1, now: UInt64) -> Verdict {
        let cost = Self.cost(ofReplySize: size)
        let key = sender.withoutPort
        let burst = max(rate, 1)
        if buckets[key] == nil {
            if buckets.count >= Self.maximumSenders && !sweep(now: now, burst: burst) { return .tableFull }
            buckets[key] = Bucket(tokens: burst, updated: now)
        }
        // The sender's own limit first: a sender over its limit spends nothing of the total.
        guard buckets[key]!.take(cost, rate: rate, burst: burst, now: now) else { return .senderLimit }  // set just above
        guard total.take(cost, rate: totalRate, burst: max(totalRate, 1), now: now) else { return .totalLimit }
        return .allowed
    }

    /// Lets go of the addresses whose buckets are full again, at most once a second (a
    /// full table under a flood is not swept on every datagram). Returns whether room was made.
    private mutating func sweep(now: UInt64, burst: Double) -> Bool {
        guard now &- lastSweep >= 1_000_000_000 || lastSweep == 0 else { return false }
        lastSweep = now
        buckets = buckets.filter { !$0.value.isFull(rate: rate, burst: burst, now: now) }
        return buckets.count < Self.maximumSenders
    }
}

extension Peer {
    /// The address with port (and IPv6 flow label) zero: one sender, whatever port it uses.
    var withoutPort: Peer {
        switch self {
        case .v4(let octets, _): return .v4(octets: octets, port: 0)
        case .v6(let bytes, _, _, let scope): return .v6(bytes: bytes, port: 0, flowInfo: 0, scopeID: scope)
        case .unixPath, .abstract, .unnamed: return self
        }
    }
}
