/// ping's figures and its closing lines, which close ping's output as each format
/// writes it: ping(8)'s two lines, or one json object.

/// ping(8)'s figures: requests sent, replies matched, round-trip times, and how long
/// the run took.
public struct PingStatistics: Sendable {
    var sent = 0
    var received = 0
    var lost = 0
    var duplicates = 0
    var late = 0
    /// From the first request to the end, in milliseconds: ping(8)'s "time".
    var elapsed = 0.0
    private(set) var minimum = Double.infinity
    private(set) var maximum = 0.0
    private var sum = 0.0
    private var sumOfSquares = 0.0

    mutating func note(rtt: Double) {
        minimum = min(minimum, rtt)
        maximum = max(maximum, rtt)
        sum += rtt
        sumOfSquares += rtt * rtt
    }

    var average: Double { received > 0 ? sum / Double(received) : 0 }

    /// ping(8)'s mdev: the standard deviation, sqrt(mean of squares - square of mean).
    var deviation: Double {
        guard received > 0 else { return 0 }
        let mean = average
        return max(0, sumOfSquares / Double(received) - mean * mean).squareRoot()
    }

    /// As ping(8) gives it: `(sent - received) * 100 / sent`.
    var lossPercent: Double { sent > 0 ? Double(sent - received) * 100 / Double(sent) : 0 }

    /// ping(8)'s closing lines: `3 sent, 3 received, 0% loss, time 2002 ms` and, when any
    /// reply came, `rtt min/avg/max/mdev = ...`.
    func appendLines(to out: inout [UInt8]) {
        out.append(contentsOf: "\(sent) sent, \(received) received".utf8)
        if duplicates > 0 { out.append(contentsOf: ", +\(duplicates) duplicates".utf8) }
        if late > 0 { out.append(contentsOf: ", +\(late) late".utf8) }
        out.append(contentsOf: ", \(shortDecimal(lossPercent))% loss, time \(Int(elapsed.rounded())) ms\n".utf8)
        guard received > 0 else { return }
        out.append(contentsOf: "rtt min/avg/max/mdev = ".utf8)
        for (index, value) in [minimum, average, maximum, deviation].enumerated() {
            if index > 0 { out.append(UInt8(ascii: "/")) }
            appendMilliseconds(value, to: &out)
        }
        out.append(contentsOf: " ms\n".utf8)
    }

    /// The same figures as one json object with `"summary": true` (rtt fields null when
    /// no reply came).
    func appendJSON(to out: inout [UInt8]) {
        out.append(contentsOf: "{\"summary\": true, \"sent\": \(sent), \"received\": \(received), ".utf8)
        out.append(contentsOf: "\"duplicates\": \(duplicates), \"late\": \(late), ".utf8)
        out.append(contentsOf: "\"loss_pct\": \(shortDecimal(lossPercent)), \"time_ms\": \(Int(elapsed.rounded()))".utf8)
        for (name, value) in [("min", minimum), ("avg", average), ("max", maximum), ("mdev", deviation)] {
            out.append(contentsOf: ", \"rtt_\(name)_ms\": ".utf8)
            if received > 0 { appendMilliseconds(value, to: &out) } else { out.append(contentsOf: "null".utf8) }
        }
        out.append(contentsOf: "}\n".utf8)
    }
}

/// Milliseconds to the microsecond: `0.215`.
func appendMilliseconds(_ milliseconds: Double, to out: inout [UInt8]) {
    let microseconds = Int((milliseconds * 1000).rounded())
    appendDecimal(UInt64(microseconds / 1000), to: &out)
    out.append(UInt8(ascii: "."))
    let fraction = microseconds % 1000
    if fraction < 100 { out.append(UInt8(ascii: "0")) }
    if fraction < 10 { out.append(UInt8(ascii: "0")) }
    appendDecimal(UInt64(fraction), to: &out)
}

/// A number as C's `%g` writes it (ping(8)'s loss): at most six significant digits,
/// no trailing zeros: `20`, `33.3333`, `0.1`.
func shortDecimal(_ value: Double) -> String {
    if value == value.rounded() { return String(Int(value)) }
    let digitsBeforePoint = value >= 1 ? String(Int(value)).count : 1
    let scale = pow10(max(0, 6 - digitsBeforePoint))
    var text = String(Int((value * Double(scale)).rounded()))
    let decimals = max(0, 6 - digitsBeforePoint)
    while text.count <= decimals { text = "0" + text }
    text.insert(".", at: text.index(text.endIndex, offsetBy: -decimals))
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
}

private func pow10(_ exponent: Int) -> Int {
    var value = 1
    for _ in 0..<exponent { value *= 10 }
    return value
}
