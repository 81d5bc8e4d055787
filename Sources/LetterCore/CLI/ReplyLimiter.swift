/// A token bucket per sender, so `--reply`/`--echo` can never turn letter into a
/// reflector: a flood of spoofed datagrams gets at most `rate` replies per second per
/// address (with a burst of the same size), and the table of senders stays bounded.
struct ReplyLimiter {
    let rate: Double
    private var buckets: [SocketAddress: (tokens: Double, updated: UInt64)] = [:]
    private static let maximumSenders = 4096

    init(rate: Double) { self.rate = rate }

    /// Whether a reply to `sender` at monotonic time `now` (nanoseconds) is allowed; spends a token if so.
    mutating func allow(_ sender: SocketAddress, now: UInt64) -> Bool {
        let burst = max(rate, 1)
        var bucket = buckets[sender] ?? (tokens: burst, updated: now)
        let elapsed = Double(now &- bucket.updated) / 1e9
        bucket.tokens = min(burst, bucket.tokens + elapsed * rate)
        bucket.updated = now
        let allowed = bucket.tokens >= 1
        if allowed { bucket.tokens -= 1 }
        if buckets.count >= Self.maximumSenders && buckets[sender] == nil {
            // Forget everyone rather than grow without bound; each sender starts over.
            buckets.removeAll(keepingCapacity: true)
        }
        buckets[sender] = bucket
        return allowed
    }
}
