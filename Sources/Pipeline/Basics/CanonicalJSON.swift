// The one JSON writer of the project. Every JSON text suiji writes goes through it: the draw
// commitments and the draw ledger (whose SHA-256 is published), publication payloads and their
// content hashes, result contents, plan task contents (hashed for change detection), the import
// summaries and the machine-readable reports. Written and read without Foundation, so that golden
// files and published hashes never change with a Foundation release.
//
// The compact form (the bytes that are hashed) is exactly what Python 3 writes with
//     json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
// namely:
// - UTF-8, no BOM, no whitespace outside strings, no trailing newline;
// - object keys sorted by Unicode code point (equivalently by UTF-8 bytes), each key once;
// - strings: `"` → `\"`, `\` → `\\`, U+0008 `\b`, U+0009 `\t`, U+000A `\n`, U+000C `\f`, U+000D
//   `\r`, every other code point below U+0020 as `\u00xx` (4 lowercase hex digits); everything
//   else, non-ASCII and `/` included, is written as itself;
// - integers in decimal, `-` for negatives, no leading zeros, no exponent, no fraction; the hashed
//   formats of the draw and the publication hold integers only (ratios are not hashed; the quotas
//   they produce are);
// - other numbers (only plan ratios, for the plan's change detection) as Swift's shortest
//   round-trip text with a trailing `.0` dropped: `0.05`, `1`, `1e-07` (what Foundation's
//   JSONEncoder wrote when it wrote these hashes, so that stored hashes stay valid);
// - `true`, `false`, `null`; arrays keep their order.
//
// The pretty form sorts keys the same way, indents by two spaces, writes `"key": value` and ends
// with a newline; empty arrays and objects stay `[]` and `{}`.

/// A JSON value with one canonical text (see the top of CanonicalJSON.swift).
public indirect enum CanonicalJSON: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer.
    case integer(Int)
    /// A number that is not an integer (finite; written as the shortest text that reads back).
    case number(Double)
    /// A string.
    case string(String)
    /// An array, in order.
    case array([CanonicalJSON])
    /// An object; keys are written in code point order.
    case object([String: CanonicalJSON])

    /// The compact canonical bytes: the form that is hashed.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        write(to: &out, pretty: false, level: 0)
        return out
    }

    /// The compact canonical text (the UTF-8 of `canonicalBytes`).
    public var canonicalText: String { String(decoding: canonicalBytes, as: UTF8.self) }

    /// The compact canonical text; the name the Import and Store rooms use (same as `canonicalText`).
    public var compactText: String { canonicalText }

    /// Keys sorted, two-space indentation, `"key": value`, a final newline: for people to read.
    public var prettyText: String {
        var out: [UInt8] = []
        write(to: &out, pretty: true, level: 0)
        out.append(0x0A)
        return String(decoding: out, as: UTF8.self)
    }

    /// The string, if this is one.
    public var stringValue: String? {
        if case let .string(value) = self { return value }
        return nil
    }

    /// The string, or nil (the same as ``stringValue``, the name the draw's readers use).
    public var string: String? { stringValue }

    /// The integer, or nil.
    public var integer: Int? {
        if case .integer(let n) = self { return n }
        return nil
    }

    /// The elements of an array, or nil.
    public var array: [CanonicalJSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The member of an object, if this is an object that has it.
    public subscript(key: String) -> CanonicalJSON? {
        if case let .object(fields) = self { return fields[key] }
        return nil
    }

    /// Keys in code point order (UTF-8 byte order is code point order).
    static func sortedKeys(_ object: [String: CanonicalJSON]) -> [String] {
        object.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Appends the text, compact or pretty; `level` is the depth in the pretty form.
    func write(to out: inout [UInt8], pretty: Bool, level: Int) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .integer(let value): out.append(contentsOf: String(value).utf8)
        case .number(let value): out.append(contentsOf: Self.numberText(value).utf8)
        case .string(let value): Self.writeString(value, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { Self.newline(&out, level + 1) }
                item.write(to: &out, pretty: pretty, level: level + 1)
            }
            if pretty && !items.isEmpty { Self.newline(&out, level) }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (index, key) in Self.sortedKeys(fields).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                if pretty { Self.newline(&out, level + 1) }
                Self.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(0x20) }
                fields[key]?.write(to: &out, pretty: pretty, level: level + 1)
            }
            if pretty && !fields.isEmpty { Self.newline(&out, level) }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A line break and two spaces per level (the pretty form).
    private static func newline(_ out: inout [UInt8], _ level: Int) {
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: 2 * level))
    }

    /// Swift's shortest round-trip text without a trailing `.0`; `null` for NaN and infinities,
    /// which JSON cannot hold (the encoder refuses them before they get here).
    static func numberText(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    /// ASCII codes of `0123456789abcdef`.
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The one string escaper: a quoted string, `"` and `\` escaped, control characters as
    /// `\n`-style or `\u00xx` escapes, everything else (non-ASCII and `/` included) as itself.
    static func writeString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0C: out.append(contentsOf: #"\f"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x00..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// The name the Import and Store rooms still use for `CanonicalJSON` (they are renamed when those
/// rooms are next reworked).
public typealias PayloadJSON = CanonicalJSON

extension CanonicalJSON: Codable {
    /// Decodes any JSON value except non-integer numbers (the decoded formats hold integers only).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Int.self) {
            self = .integer(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([CanonicalJSON].self) {
            self = .array(a)
        } else if let o = try? c.decode([String: CanonicalJSON].self) {
            self = .object(o)
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not canonical JSON (only integers are allowed as numbers)")
        }
    }

    /// Encodes the value as itself.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .integer(let n): try c.encode(n)
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}
