import Testing
@testable import LetterCore

/// `--rate` against a fake clock: sleeps that wake late (as clock_nanosleep does) and
/// sends that take time, and the achieved rate must still be within 2 % of the asked one.
struct PacerTests {
    /// A sender's loop as DatagramSender runs it, over a clock that only moves when the
    /// sender sleeps (waking `oversleep` late) or sends (`sendCost` a datagram). Returns
    /// the achieved rate and the most datagrams that left within any one second.
    /// Every `stallEvery`-th wake comes `stall` later still (a busy machine's scheduler).
    func simulate(rate: Double, interval: Bool = false, datagrams: Int, oversleep: UInt64, sendCost: UInt64,
                  pauseAt: Int? = nil, pause: UInt64 = 0, stallEvery: Int? = nil,
                  stall: UInt64 = 0) -> (rate: Double, wakes: Int, departures: [UInt64]) {
        let pace = interval ? Pace.interval(1 / rate) : .rate(rate)
        var pacer = Pacer(pace, capacity: 64)
        var clock: UInt64 = 5_000_000_000
        let start = clock
        var departures: [UInt64] = []
        var wakes = 0
        var sent = 0
        while sent < datagrams {
            if sent == pauseAt { clock += pause }
            let count = min(pacer.batchSize, datagrams - sent)
            let deadline = pacer.deadline(forBatchOf: count, now: clock)
            if deadline > clock {
                wakes += 1
                clock = deadline + oversleep + (stallEvery.map { wakes % $0 == 0 } == true ? stall : 0)
            }
            departures += Array(repeating: clock, count: count)
            clock += UInt64(count) * sendCost
            pacer.sent(count, at: clock)
            sent += count
        }
        // The rate over the run: datagrams after the first, over the time since it left.
        let elapsed = Double(departures.last! - start) / 1e9
        return (Double(datagrams - 1) / elapsed, wakes, departures)
    }

    @Test(arguments: [10.0, 1000, 3000, 20_000, 50_000, 100_000, 400_000])
    func achievedRateIsWithinTwoPercent(rate: Double) {
        let datagrams = Int(rate * 3)  // three seconds' worth
        for oversleep: UInt64 in [0, 60_000, 250_000] {
            let run = simulate(rate: rate, datagrams: datagrams, oversleep: oversleep, sendCost: 1_000)
            #expect(abs(run.rate / rate - 1) < 0.02, "rate \(rate), oversleep \(oversleep) ns: \(run.rate)/s")
        }
    }

    /// A loaded machine: every tenth wake-up 3 ms late on top. The lateness is made up
    /// (the trial that lost 3–6 % of the rate this way), and never by a burst of more than
    /// the catch-up window's worth.
    @Test(arguments: [1000.0, 20_000, 100_000])
    func schedulerDelaysAreMadeUp(rate: Double) {
        let run = simulate(rate: rate, datagrams: Int(rate * 3), oversleep: 60_000, sendCost: 1_000, stallEvery: 10, stall: 3_000_000)
        #expect(abs(run.rate / rate - 1) < 0.02, "rate \(rate): \(run.rate)/s")
        // The most datagrams within any millisecond: its own share, one batch, and at
        // most the window's worth made up.
        var busiest = 0, first = 0
        for (last, time) in run.departures.enumerated() {
            while run.departures[first] + 1_000_000 <= time { first += 1 }
            busiest = max(busiest, last - first + 1)
        }
        let allowed = Int(rate / 1000) + 64 + Int(Double(Pacer.catchUpWindow) / 1e9 * rate)
        #expect(busiest <= allowed, "rate \(rate): \(busiest) datagrams within a millisecond")
    }

    /// `-i` promises a pause: a stalled wake-up is not made up by a shorter gap after it
    /// (beyond the millisecond a sleep's overshoot may take).
    @Test func anIntervalIsNotShortenedAfterAStall() {
        let run = simulate(rate: 100, interval: true, datagrams: 30, oversleep: 60_000, sendCost: 1_000, stallEvery: 3, stall: 3_000_000)
        let gaps = zip(run.departures.dropFirst(), run.departures).map { $0 - $1 }
        #expect(gaps.allSatisfy { $0 >= 10_000_000 - Pacer.granularity }, "gaps \(gaps)")
    }

    /// Gaps below what a sleep resolves go out in batches spanning a millisecond (at most
    /// a full batch): one wake for each, not one per datagram.
    @Test func shortGapsAreBatched() {
        #expect(Pacer(.interval(10_000 / 1e9), capacity: 64).batchSize == 64)
        #expect(Pacer(.interval(50_000 / 1e9), capacity: 64).batchSize == 20)
        #expect(Pacer(.interval(2_000_000 / 1e9), capacity: 64).batchSize == 1)
        for (rate, batch) in [(20_000.0, 20), (100_000.0, 64)] {
            let run = simulate(rate: rate, datagrams: Int(rate) * 3, oversleep: 60_000, sendCost: 500)
            #expect(run.wakes <= Int(rate) * 3 / batch, "rate \(rate): \(run.wakes) wakes for 3 s")
        }
    }

    /// Never ahead of the schedule: the n-th datagram leaves no sooner than n intervals
    /// after the first, whatever the clock does.
    @Test func neverAheadOfTheDeadlines() {
        for rate in [1000.0, 20_000, 100_000] {
            let interval = UInt64(1e9 / rate)
            let run = simulate(rate: rate, datagrams: 5_000, oversleep: 70_000, sendCost: 2_000)
            let first = run.departures[0]
            let batch = Pacer(.rate(rate), capacity: 64).batchSize
            // A batch leaves at its last datagram's deadline, so a datagram is early by at
            // most the batch's span (and never after a whole batch).
            let early = run.departures.enumerated().filter { index, time in
                time + UInt64(batch) * interval < first + UInt64(index) * interval
            }
            #expect(early.isEmpty, "rate \(rate): \(early.count) datagrams ahead of their deadline")
        }
    }

    /// -i 1 with a pause in the input: no burst to make up for it; the next datagram still
    /// waits its interval.
    @Test func aPauseIsNotMadeUpFor() {
        let run = simulate(rate: 1, interval: true, datagrams: 4, oversleep: 100_000, sendCost: 1_000, pauseAt: 2,
                           pause: 10_000_000_000)
        let gaps = zip(run.departures.dropFirst(), run.departures).map { Double($0 - $1) / 1e9 }
        #expect(gaps[2] > 0.99, "gaps \(gaps)")
    }
}
