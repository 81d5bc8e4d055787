@testable import LetterCore

/// The JSON letter writes read back by LetterCore's own strict reader (`JSONScanner`, the
/// one replay reads recordings with) into a dictionary, so the targets can check that what
/// `json` prints parses back to what went in: only strings and non-negative integers,
/// distinct keys, and escaped surrogates in pairs.
enum JSONReader {
    enum Value: Equatable {
        case string([UInt8])
        case integer(UInt64)
    }

    struct Invalid: Error {
        let offset: Int
    }

    /// Reads one object that must fill the whole input; keys must be distinct.
    static func object(_ bytes: some Sequence<UInt8>) throws(Invalid) -> [String: Value] {
        let line = Array(bytes)[...]
        var fields: [JSONField] = []
        do {
            try JSONScanner.object(line, into: &fields)
        } catch {
            throw Invalid(offset: error.index)
        }
        var object: [String: Value] = [:]
        for field in fields {
            let key = String(decoding: try text(field.key, line), as: UTF8.self)
            let value: Value
            switch field.value.kind {
            case .string:
                value = .string(try text(field.value, line))
            case .number:
                let digits = line[field.value.range]
                guard digits.allSatisfy(isDigit), let number = UInt64(String(decoding: digits, as: UTF8.self)) else {
                    throw Invalid(offset: field.value.range.lowerBound)
                }
                value = .integer(number)
            case .trueLiteral, .falseLiteral, .null:
                throw Invalid(offset: field.value.range.lowerBound)
            }
            guard object.updateValue(value, forKey: key) == nil else { throw Invalid(offset: field.key.range.lowerBound) }
        }
        return object
    }

    /// Reads one string literal that must fill the whole input; returns its UTF-8.
    static func string(_ bytes: some Sequence<UInt8>) throws(Invalid) -> [UInt8] {
        let text = Array(bytes)[...]
        let token: JSONToken
        do {
            token = try JSONScanner.string(text)
        } catch {
            throw Invalid(offset: error.index)
        }
        return try Self.text(token, text)
    }

    private static func text(_ token: JSONToken, _ line: ArraySlice<UInt8>) throws(Invalid) -> [UInt8] {
        var out: [UInt8] = []
        do {
            try JSONScanner.appendString(token, of: line, to: &out)
        } catch {
            throw Invalid(offset: error.index)
        }
        return out
    }
}
