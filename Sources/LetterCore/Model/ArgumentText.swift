/// Command-line arguments are bytes, and a socket path or file name may be any bytes:
/// `listen $'/tmp/s/\xff\xfe.sock'` names exactly that file, not one with U+FFFD in its
/// name. Swift's `String` repairs what is not UTF-8, so each byte that is not part of a
/// valid UTF-8 sequence is kept as a code point of its own, as Python keeps it as the
/// surrogate `\udcXX` (`surrogateescape`): Swift strings cannot hold surrogates, so the
/// byte B becomes U+10FF00 + B, at the far end of the last private-use plane, which no
/// keyboard or program writes. `argumentBytes` gives the bytes back, and diagnostics
/// write such a code point as Python writes the surrogate (`\udcff`).
enum ArgumentText {
    /// The code point standing for the undecodable byte `byte` (0x80...0xFF).
    static func codePoint(standingFor byte: UInt8) -> Unicode.Scalar {
        Unicode.Scalar(0x10FF00 + UInt32(byte))!  // 0x10FF80...0x10FFFF: valid scalars
    }

    /// The well-formed UTF-8 sequence at `index` (no overlong forms, no surrogates, at
    /// most U+10FFFF) and its length; nil where none starts.
    static func scalar(in bytes: [UInt8], at index: Int) -> (Unicode.Scalar, Int)? {
        let lead = bytes[index]
        let length: Int, minimum: UInt32
        var value: UInt32
        switch lead {
        case 0x00...0x7F: return (Unicode.Scalar(lead), 1)
        case 0xC2...0xDF: (length, minimum, value) = (2, 0x80, UInt32(lead & 0x1F))
        case 0xE0...0xEF: (length, minimum, value) = (3, 0x800, UInt32(lead & 0x0F))
        case 0xF0...0xF4: (length, minimum, value) = (4, 0x10000, UInt32(lead & 0x07))
        default: return nil
        }
        guard index + length <= bytes.count else { return nil }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        guard value >= minimum, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }

    /// The undecodable byte that `scalar` stands for, if it stands for one.
    static func byte(standingFor scalar: Unicode.Scalar) -> UInt8? {
        (0x10FF80...0x10FFFF).contains(scalar.value) ? UInt8(scalar.value - 0x10FF00) : nil
    }
}

extension String {
    /// An argument's bytes as a string that keeps every byte: valid UTF-8 as its
    /// characters, any other byte as the code point that stands for it.
    public init(argumentBytes bytes: [UInt8]) {
        var scalars = String.UnicodeScalarView()
        var index = 0
        while index < bytes.count {
            if let (scalar, length) = ArgumentText.scalar(in: bytes, at: index) {
                scalars.append(scalar)
                index += length
            } else {
                scalars.append(ArgumentText.codePoint(standingFor: bytes[index]))
                index += 1
            }
        }
        self = String(scalars)
    }

    /// The bytes this argument was given as (the inverse of `init(argumentBytes:)`).
    public var argumentBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            if let byte = ArgumentText.byte(standingFor: scalar) {
                bytes.append(byte)
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return bytes
    }
}

extension String {
    /// The text with each code point that stands for an undecodable byte written as
    /// Python's `repr` writes the surrogate it decodes that byte to: `\udcff`.
    var escapingArgumentBytes: String {
        guard unicodeScalars.contains(where: { ArgumentText.byte(standingFor: $0) != nil }) else { return self }
        var text = ""
        for scalar in unicodeScalars {
            if let byte = ArgumentText.byte(standingFor: scalar) {
                text += "\\udc" + String(byte, radix: 16)
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }
}
