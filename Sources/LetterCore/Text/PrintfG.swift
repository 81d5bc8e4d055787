/// A number as C's `printf("%g")` writes it (glibc): `precision` significant digits
/// (6 by default), rounded from the double's exact value half to even, fixed notation when
/// the exponent is from -4 to below the precision and `1e-07` otherwise, trailing zeros
/// and a trailing point dropped. ping(8) prints its packet loss so.
func printfG(_ value: Double, precision: Int = 6) -> String {
    let sign = value.sign == .minus ? "-" : ""
    if value.isNaN { return sign + "nan" }
    if value.isInfinite { return sign + "inf" }
    if value == 0 { return sign + "0" }
    let significant = max(precision, 1)
    var (digits, exponent) = exactDecimal(value.magnitude)
    roundToSignificantDigits(&digits, &exponent, significant)
    while digits.count > 1 && digits.last == 0 {
        digits.removeLast()
        exponent += 1
    }
    // The power of ten of the first digit, which picks the notation.
    let leading = digits.count - 1 + exponent
    let text = digits.map { Character(Unicode.Scalar($0 + UInt8(ascii: "0"))) }
    if leading < -4 || leading >= significant {
        let fraction = text.count > 1 ? "." + String(text.dropFirst()) : ""
        let power = String(leading.magnitude)
        return sign + String(text[0]) + fraction + (leading < 0 ? "e-" : "e+") + (power.count < 2 ? "0" : "") + power
    }
    if leading < 0 { return sign + "0." + String(repeating: "0", count: -leading - 1) + String(text) }
    let whole = String(text.prefix(leading + 1)) + String(repeating: "0", count: max(0, leading + 1 - text.count))
    return sign + whole + (text.count > leading + 1 ? "." + String(text.dropFirst(leading + 1)) : "")
}

/// The exact value of a finite positive double as decimal digits (most significant first,
/// no leading zero) times 10^exponent: m * 2^e is m * 2^e * 10^0 when e >= 0, and
/// m * 5^-e * 10^e when e < 0. The product is built in base-10^9 limbs.
private func exactDecimal(_ value: Double) -> (digits: [UInt8], exponent: Int) {
    var significand = value.significandBitPattern
    var binaryExponent = -1074
    if value.exponentBitPattern != 0 {
        significand |= 1 << 52
        binaryExponent = Int(value.exponentBitPattern) - 1075
    }
    let zeros = significand.trailingZeroBitCount
    significand >>= zeros
    binaryExponent += zeros
    let base: UInt64 = 1_000_000_000
    // Below 2^53: two limbs at most.
    var limbs = [significand % base]
    if significand >= base { limbs.append(significand / base) }
    func multiply(by factor: UInt64) {
        var carry: UInt64 = 0
        for index in limbs.indices {
            let product = limbs[index] * factor + carry  // < 10^9 * 2^32 + 2^32: fits
            limbs[index] = product % base
            carry = product / base
        }
        while carry > 0 {
            limbs.append(carry % base)
            carry /= base
        }
    }
    // Powers of 2 and 5 a step at a time, each step's factor at most 2^32.
    var remaining = binaryExponent.magnitude
    while remaining > 0 {
        let step = min(remaining, binaryExponent >= 0 ? 32 : 13)
        var factor: UInt64 = 1
        for _ in 0..<step { factor *= binaryExponent >= 0 ? 2 : 5 }
        multiply(by: factor)
        remaining -= step
    }
    var digits: [UInt8] = []
    for (position, limb) in limbs.enumerated().reversed() {
        var chunk: [UInt8] = []
        var rest = limb
        repeat {
            chunk.append(UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        // Limbs below the first are nine digits, leading zeros included.
        if position < limbs.count - 1 { chunk += [UInt8](repeating: 0, count: 9 - chunk.count) }
        digits += chunk.reversed()
    }
    return (digits, binaryExponent >= 0 ? 0 : binaryExponent)
}

/// Cuts `digits` to `count` significant digits, rounding half to even on the exact value.
private func roundToSignificantDigits(_ digits: inout [UInt8], _ exponent: inout Int, _ count: Int) {
    guard digits.count > count else { return }
    let first = digits[count]
    let beyond = digits[(count + 1)...].contains { $0 != 0 }
    let up = first > 5 || (first == 5 && (beyond || digits[count - 1] % 2 == 1))
    exponent += digits.count - count
    digits.removeLast(digits.count - count)
    guard up else { return }
    var index = count - 1
    while index >= 0 && digits[index] == 9 {
        digits[index] = 0
        index -= 1
    }
    if index >= 0 {
        digits[index] += 1
    } else {
        // 999.9 rounded up: 1000, one digit longer, kept at `count` digits.
        digits.insert(1, at: 0)
        digits.removeLast()
        exponent += 1
    }
}
