import Glibc

/// One iconv(3) conversion descriptor, opened once per stream and reused for every
/// datagram or line: opening one loads glibc's gconv module, which costs far more than
/// converting a letter.
final class IconvConverter {
    private let descriptor: iconv_t
    /// Converted bytes land here before they are appended to the caller's buffer.
    private var scratch: [UInt8]

    /// Why a conversion stopped before the end of its input.
    enum Stop {
        /// Every byte was converted.
        case finished
        /// The bytes at `offset` are not valid (or not representable) in the source.
        case invalid(offset: Int)
        /// The input ends in the middle of a character starting at `offset`.
        case incomplete(offset: Int)
    }

    init?(from source: String, to target: String) {
        guard let descriptor = iconv_open(target, source), descriptor != iconv_t(bitPattern: -1) else { return nil }
        self.descriptor = descriptor
        scratch = [UInt8](repeating: 0, count: 16_384)
    }

    deinit { iconv_close(descriptor) }

    /// Returns the converter to its initial shift state (for stateful encodings), so each
    /// datagram converts on its own.
    func reset() {
        iconv(descriptor, nil, nil, nil, nil)
    }

    /// Ends one datagram's conversion: writes what the converter still holds, the bytes
    /// that return a stateful target encoding to its initial state or a character a
    /// decoder kept back (nothing for most).
    func finish(appendingTo out: inout [UInt8]) {
        let produced = scratch.withUnsafeMutableBytes { target in
            var outputPointer = target.baseAddress?.assumingMemoryBound(to: CChar.self)
            var outputLeft = target.count
            _ = iconv(descriptor, nil, nil, &outputPointer, &outputLeft)
            return target.count - outputLeft
        }
        out.append(contentsOf: scratch[0..<produced])
    }

    /// How many bytes of `input[start...]` iconv takes, from the initial state, to write
    /// at most `limit` bytes. iconv writes whole characters only, so this finds the input
    /// behind the first `limit` bytes of a conversion's output. Offsets are relative to
    /// `input.startIndex`.
    func inputLength(_ input: ArraySlice<UInt8>, from start: Int, producing limit: Int) -> Int {
        reset()
        return input.withUnsafeBytes { source in
            var inputPointer = UnsafeMutablePointer(mutating: source.baseAddress?.assumingMemoryBound(to: CChar.self))
                .map { $0 + start }
            var inputLeft = source.count - start
            var budget = limit
            while budget > 0 && inputLeft > 0 {
                let inputBefore = inputLeft
                let written = scratch.withUnsafeMutableBytes { target in
                    var outputPointer = target.baseAddress?.assumingMemoryBound(to: CChar.self)
                    let room = min(target.count, budget)
                    var outputLeft = room
                    _ = iconv(descriptor, &inputPointer, &inputLeft, &outputPointer, &outputLeft)
                    return room - outputLeft
                }
                // Nothing taken and nothing written: the next character does not fit (or
                // cannot be converted); the input behind `limit` ends here.
                if written == 0 && inputLeft == inputBefore { break }
                budget -= written
            }
            return source.count - start - inputLeft
        }
    }

    /// U+FEFF in the target encoding of a converter from UTF-8: its byte-order mark.
    func byteOrderMark() -> [UInt8]? {
        var mark: [UInt8] = []
        reset()
        guard case .finished = convert([0xEF, 0xBB, 0xBF][...], from: 0, appendingTo: &mark) else { return nil }
        return mark
    }

    /// Converts `input[start...]`, appending the result to `out`, until the end or the first
    /// byte it cannot convert. Offsets are relative to `input.startIndex`.
    func convert(_ input: ArraySlice<UInt8>, from start: Int, appendingTo out: inout [UInt8]) -> Stop {
        input.withUnsafeBytes { source in
            var inputPointer = UnsafeMutablePointer(mutating: source.baseAddress?.assumingMemoryBound(to: CChar.self))
                .map { $0 + start }
            var inputLeft = source.count - start
            while true {
                let (result, failure, produced) = scratch.withUnsafeMutableBytes { target in
                    var outputPointer = target.baseAddress?.assumingMemoryBound(to: CChar.self)
                    var outputLeft = target.count
                    let result = iconv(descriptor, &inputPointer, &inputLeft, &outputPointer, &outputLeft)
                    return (result, result == -1 ? Errno.current.rawValue : 0, target.count - outputLeft)
                }
                out.append(contentsOf: scratch[0..<produced])
                let offset = source.count - inputLeft
                if result != -1 { return .finished }
                switch failure {
                case E2BIG: continue  // scratch full: it has been emptied into `out`, go on
                case EINVAL: return .incomplete(offset: offset)
                case EINTR: continue
                default: return .invalid(offset: offset)
                }
            }
        }
    }
}

/// Whether iconv on this machine converts between `name` and UTF-8 both ways (the
/// encoding table's probe). The corresponding C function is `iconv_open`.
public func iconvAvailable(_ name: String) -> Bool {
    for (to, from) in [("UTF-8", name), (name, "UTF-8")] {
        guard let descriptor = iconv_open(to, from), descriptor != iconv_t(bitPattern: -1) else { return false }
        iconv_close(descriptor)
    }
    return true
}
