// Reading JSON into `CanonicalJSON`: strict RFC 8259 over UTF-8 bytes (integer numbers only, no
// duplicate keys, nesting at most 64 deep), with the byte offset of the first fault. Used for the
// publication ledger's stored payloads, the holiday calendar and the bundled resources.

extension CanonicalJSON {
    /// Parses strict RFC 8259 JSON (UTF-8, integer numbers only, no duplicate keys, depth ≤ 64).
    public static func parse(_ bytes: some Sequence<UInt8>) throws(CanonicalJSONError) -> CanonicalJSON {
        var parser = JSONParser(bytes: Array(bytes))
        return try parser.document()
    }
}

/// JSON that could not be read, with the byte offset where reading stopped.
public struct CanonicalJSONError: ReportableError, Sendable, Hashable, CustomStringConvertible {
    /// 0-based byte offset in the input.
    public var offset: Int
    /// What was expected or found.
    public var message: String

    /// Creates an error.
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    /// `invalid JSON at byte 17: …`.
    public var description: String { "invalid JSON at byte \(offset): \(message)" }
}

/// A recursive-descent parser over UTF-8 bytes.
private struct JSONParser {
    let bytes: [UInt8]
    var position = 0
    var depth = 0
    static let maximumDepth = 64

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func document() throws(CanonicalJSONError) -> CanonicalJSON {
        // A UTF-8 byte-order mark is tolerated: editors on Windows add one.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        let value = try self.value()
        skipSpace()
        guard position == bytes.count else { throw fail("unexpected text after the value") }
        return value
    }

    func fail(_ message: String) -> CanonicalJSONError { CanonicalJSONError(offset: position, message: message) }

    mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    mutating func expect(_ literal: String, _ value: CanonicalJSON) throws(CanonicalJSONError) -> CanonicalJSON {
        let expected = Array(literal.utf8)
        guard bytes[position...].starts(with: expected) else { throw fail("expected '\(literal)'") }
        position += expected.count
        return value
    }

    mutating func value() throws(CanonicalJSONError) -> CanonicalJSON {
        skipSpace()
        guard position < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw fail("unexpected character")
        }
    }

    mutating func nested() throws(CanonicalJSONError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw fail("nested more than \(Self.maximumDepth) levels") }
    }

    mutating func object() throws(CanonicalJSONError) -> CanonicalJSON {
        try nested()
        position += 1
        var fields: [String: CanonicalJSON] = [:]
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(fields)
        }
        while true {
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a key string") }
            let keyOffset = position
            let key = try string()
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            position += 1
            let member = try value()
            guard fields.updateValue(member, forKey: key) == nil else {
                throw CanonicalJSONError(offset: keyOffset, message: "duplicate key \"\(key)\"")
            }
            skipSpace()
            guard position < bytes.count else { throw fail("unexpected end of input in an object") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; break }
            throw fail("expected ',' or '}'")
        }
        depth -= 1
        return .object(fields)
    }

    mutating func array() throws(CanonicalJSONError) -> CanonicalJSON {
        try nested()
        position += 1
        var items: [CanonicalJSON] = []
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(items)
        }
        while true {
            items.append(try value())
            skipSpace()
            guard position < bytes.count else { throw fail("unexpected end of input in an array") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; break }
            throw fail("expected ',' or ']'")
        }
        depth -= 1
        return .array(items)
    }

    mutating func number() throws(CanonicalJSONError) -> CanonicalJSON {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let digitsStart = position
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
        let digits = position - digitsStart
        guard digits > 0 else { throw fail("expected a digit") }
        if digits > 1, bytes[digitsStart] == UInt8(ascii: "0") {
            throw CanonicalJSONError(offset: digitsStart, message: "leading zeros are not allowed")
        }
        if position < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[position]) {
            throw fail("only integers are supported")
        }
        guard let value = Int(String(decoding: bytes[start..<position], as: UTF8.self)) else {
            throw CanonicalJSONError(offset: start, message: "integer out of range")
        }
        return .integer(value)
    }

    mutating func string() throws(CanonicalJSONError) -> String {
        let start = position
        position += 1
        var buffer: [UInt8] = []
        while true {
            guard position < bytes.count else {
                throw CanonicalJSONError(offset: start, message: "unterminated string")
            }
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: buffer, as: UTF8.self) else {
                    throw CanonicalJSONError(offset: start, message: "string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { throw fail("unterminated escape") }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): buffer.append(0x22)
                case UInt8(ascii: "\\"): buffer.append(0x5C)
                case UInt8(ascii: "/"): buffer.append(0x2F)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    var scalarValue = try hex4()
                    if (0xD800...0xDBFF).contains(scalarValue) {
                        guard bytes[position...].starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "u")]) else {
                            throw fail("a high surrogate must be followed by a low surrogate")
                        }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("invalid low surrogate") }
                        scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(scalarValue) else { throw fail("lone surrogate") }
                    buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    throw fail("invalid escape")
                }
            case 0x00...0x1F:
                throw fail("control character in a string")
            default:
                buffer.append(byte)
                position += 1
            }
        }
    }

    mutating func hex4() throws(CanonicalJSONError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw fail("expected four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw fail("expected a hex digit")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}

extension CanonicalJSONError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .failure }
}
