// What we publish to GSXT for one round of one task (domain.md §8): a task block and one record per
// inspected entity, on the de-facto GSXT field names. No official schema is public, so the shape is
// ours and is described by `Sources/Stages/Resources/gsxt-payload.xsd`.
//
// Never in a payload: the credit-risk class (internal, 国市监信发〔2022〕6号), the inspectors, personal
// ID numbers, addresses, legal representatives. The types below have no field that could hold them.
//
// Identifiers: see PublicationIdentifier.swift.
//
// Encodings, both deterministic so that golden files compare byte for byte and hashes are stable
// across Foundation versions (Pipeline does not use Foundation at all):
// - JSON: `PayloadJSON`: keys sorted by code point, two-space indentation, `"key": value`,
//   non-ASCII written as UTF-8, a trailing newline.
// - XML: written by hand, elements in the XSD's order, text escaped (`&`, `<`, `>`, `"`, and tab,
//   CR, LF as character references so that no parser normalises them away); characters XML 1.0
//   cannot carry at all are an error.
// - Ledger: each record together with the task fields GSXT shows beside it (`LedgerRecord`), as
//   compact canonical JSON; its SHA-256 is the ledger's `content_sha256`.

/// 抽查机关: the initiating department and the cooperating departments of a joint task.
public struct InspectionAuthority: Sendable, Hashable, Codable {
    /// 发起部门.
    public var initiator: String
    /// 配合部门, in plan order.
    public var cooperators: [String]

    /// Creates an authority.
    public init(initiator: String, cooperators: [String]) {
        self.initiator = initiator
        self.cooperators = cooperators
    }

    /// As canonical JSON.
    var json: PayloadJSON {
        .object(["initiator": .string(initiator), "cooperators": .array(cooperators.map { .string($0) })])
    }
}

/// The task block of a payload: one round of one plan task.
public struct PublicationTask: Sendable, Hashable, Codable {
    /// 抽查计划编号 (`1409812024P`).
    public var raninsPlanId: String
    /// 抽查计划名称.
    public var raninsPlanName: String
    /// 抽查任务编号 of this round (`1409812024P017R01`).
    public var raninsTaskId: String
    /// 抽查任务名称.
    public var raninsTaskName: String
    /// 抽查类型: 定向 or 不定向.
    public var raninsTypeName: String
    /// 抽查机关.
    public var insAuth: InspectionAuthority
    /// First day of the round.
    public var startDate: CivilDate
    /// Last day of the round.
    public var endDate: CivilDate
    /// Entities in the population the round drew from.
    public var populationCount: Int
    /// Entities drawn.
    public var drawnCount: Int
    /// The draw ledger's head when the payload was made (64 hex digits; 64 zeros for an empty
    /// ledger): published, so that a ledger whose last entries were deleted is caught against it
    /// (`suiji draw verify-ledger --anchor`).
    public var drawLedgerHead: String

    /// Creates a task block.
    public init(
        raninsPlanId: String, raninsPlanName: String, raninsTaskId: String, raninsTaskName: String,
        raninsTypeName: String, insAuth: InspectionAuthority, startDate: CivilDate, endDate: CivilDate,
        populationCount: Int, drawnCount: Int, drawLedgerHead: String
    ) {
        self.raninsPlanId = raninsPlanId
        self.raninsPlanName = raninsPlanName
        self.raninsTaskId = raninsTaskId
        self.raninsTaskName = raninsTaskName
        self.raninsTypeName = raninsTypeName
        self.insAuth = insAuth
        self.startDate = startDate
        self.endDate = endDate
        self.populationCount = populationCount
        self.drawnCount = drawnCount
        self.drawLedgerHead = drawLedgerHead
    }

    /// The fields GSXT shows beside every record of this task.
    var shownWithRecords: [String: PayloadJSON] {
        [
            "raninsPlanId": .string(raninsPlanId), "raninsPlanName": .string(raninsPlanName),
            "raninsTaskId": .string(raninsTaskId), "raninsTaskName": .string(raninsTaskName),
            "raninsTypeName": .string(raninsTypeName), "insAuth": insAuth.json,
        ]
    }

    /// As canonical JSON.
    var json: PayloadJSON {
        var fields = shownWithRecords
        fields["startDate"] = .string(startDate.description)
        fields["endDate"] = .string(endDate.description)
        fields["populationCount"] = .integer(populationCount)
        fields["drawnCount"] = .integer(drawnCount)
        fields["drawLedgerHead"] = .string(drawLedgerHead)
        return .object(fields)
    }
}

/// One inspected matter of a record and its result.
public struct PublicationDetail: Sendable, Hashable, Codable {
    /// 1-based position in the record.
    public var seqno: Int
    /// 检查事项: the plan's matter.
    public var raninsItemName: String
    /// 检查结果: the canonical result texts, several joined with `；`.
    public var raninsCheckResName: String

    /// Creates a detail.
    public init(seqno: Int, raninsItemName: String, raninsCheckResName: String) {
        self.seqno = seqno
        self.raninsItemName = raninsItemName
        self.raninsCheckResName = raninsCheckResName
    }

    /// As canonical JSON.
    var json: PayloadJSON {
        .object([
            "seqno": .integer(seqno), "raninsItemName": .string(raninsItemName),
            "raninsCheckResName": .string(raninsCheckResName),
        ])
    }
}

/// The published result of one inspected entity.
public struct PublicationRecord: Sendable, Hashable, Codable {
    /// The stable record id (`<task id>-<USCC>`), the ledger's record key.
    public var id: String
    /// 统一社会信用代码 (or a legacy 注册号).
    public var uscc: String
    /// The entity's registered name.
    public var name: String
    /// 抽查完成日期: the day of the inspection.
    public var insDate: CivilDate
    /// One entry per matter of the task.
    public var details: [PublicationDetail]

    /// Creates a record.
    public init(id: String, uscc: String, name: String, insDate: CivilDate, details: [PublicationDetail]) {
        self.id = id
        self.uscc = uscc
        self.name = name
        self.insDate = insDate
        self.details = details
    }

    /// The record's own fields.
    var fields: [String: PayloadJSON] {
        [
            "id": .string(id), "uscc": .string(uscc), "name": .string(name), "insDate": .string(insDate.description),
            "details": .array(details.map(\.json)),
        ]
    }
}

/// What the publication ledger stores for one record: the record with the task fields GSXT shows
/// beside it, as compact canonical JSON, and that text's SHA-256.
public struct LedgerRecord: Sendable, Hashable {
    /// The record key.
    public let id: String
    /// The entity's USCC.
    public let uscc: String
    /// The content as a JSON value.
    public let content: PayloadJSON
    /// The compact canonical JSON text (the ledger's `payload_json`).
    public let json: String
    /// Lowercase hex SHA-256 of `json`'s UTF-8 bytes (the ledger's `content_sha256`).
    public let sha256: String

    /// A ledger record of `content`.
    public init(id: String, uscc: String, content: PayloadJSON) {
        self.id = id
        self.uscc = uscc
        self.content = content
        self.json = content.compactText
        self.sha256 = SHA256.hex(json)
    }
}

/// The payload of one round of one task: the task block and one record per inspected entity.
public struct PublicationPayload: Sendable, Hashable, Codable {
    /// The version of the payload shape (the XSD's `schemaVersion`).
    public static let currentSchemaVersion = 2

    /// The shape version of this payload.
    public var schemaVersion: Int
    /// The program that wrote it, with its version (``SuijiVersion/generator``, e.g. `suiji 0.1.0`);
    /// not part of the ledger's record hashes, so a new version republishes nothing.
    public var generator: String
    /// The task block.
    public var task: PublicationTask
    /// The records, sorted by id.
    public var records: [PublicationRecord]

    /// A payload; records are sorted by id so that the output does not depend on input order.
    public init(task: PublicationTask, records: [PublicationRecord], generator: String = SuijiVersion.generator) {
        self.schemaVersion = Self.currentSchemaVersion
        self.generator = generator
        self.task = task
        self.records = records.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
    }

    /// The file name stem: `payload-<raninsTaskId>`.
    public var fileStem: String { "payload-" + task.raninsTaskId }

    /// The payload as a JSON value.
    public var json: PayloadJSON {
        .object([
            "schemaVersion": .integer(schemaVersion), "generator": .string(generator), "task": task.json,
            "records": .array(records.map { .object($0.fields) }),
        ])
    }

    /// The JSON file: sorted keys, two-space indentation, trailing newline.
    public var jsonText: String { json.prettyText }

    /// One ledger record per record, in id order.
    public var ledgerRecords: [LedgerRecord] {
        records.map { record in
            LedgerRecord(id: record.id, uscc: record.uscc, content: .object(task.shownWithRecords.merging(record.fields) { _, own in own }))
        }
    }

    /// The XML file (UTF-8, no namespace, the element order of `gsxt-payload.xsd`, trailing newline).
    /// Throws if a text holds a character XML 1.0 cannot represent (a control character other than
    /// tab, line feed and carriage return, or U+FFFE/U+FFFF).
    public func xmlText() throws(PublicationPayloadError) -> String {
        var xml = XMLWriter()
        xml.line("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        xml.line("<gsxtPayload schemaVersion=\"\(schemaVersion)\" generator=\"\(try XMLWriter.escape(generator, field: "generator"))\">")
        xml.open("task", depth: 1)
        try xml.element("raninsPlanId", task.raninsPlanId, depth: 2)
        try xml.element("raninsPlanName", task.raninsPlanName, depth: 2)
        try xml.element("raninsTaskId", task.raninsTaskId, depth: 2)
        try xml.element("raninsTaskName", task.raninsTaskName, depth: 2)
        try xml.element("raninsTypeName", task.raninsTypeName, depth: 2)
        xml.open("insAuth", depth: 2)
        try xml.element("initiator", task.insAuth.initiator, depth: 3)
        for cooperator in task.insAuth.cooperators { try xml.element("cooperator", cooperator, depth: 3) }
        xml.close("insAuth", depth: 2)
        try xml.element("startDate", task.startDate.description, depth: 2)
        try xml.element("endDate", task.endDate.description, depth: 2)
        try xml.element("populationCount", String(task.populationCount), depth: 2)
        try xml.element("drawnCount", String(task.drawnCount), depth: 2)
        try xml.element("drawLedgerHead", task.drawLedgerHead, depth: 2)
        xml.close("task", depth: 1)
        if records.isEmpty {
            xml.line("  <records/>")
        } else {
            xml.open("records", depth: 1)
            for record in records {
                xml.line("    <record id=\"\(try XMLWriter.escape(record.id, field: "record id"))\">")
                try xml.element("uscc", record.uscc, depth: 3)
                try xml.element("name", record.name, depth: 3)
                try xml.element("insDate", record.insDate.description, depth: 3)
                xml.open("details", depth: 3)
                for detail in record.details {
                    xml.open("detail", depth: 4)
                    try xml.element("seqno", String(detail.seqno), depth: 5)
                    try xml.element("raninsItemName", detail.raninsItemName, depth: 5)
                    try xml.element("raninsCheckResName", detail.raninsCheckResName, depth: 5)
                    xml.close("detail", depth: 4)
                }
                xml.close("details", depth: 3)
                xml.close("record", depth: 2)
            }
            xml.close("records", depth: 1)
        }
        xml.line("</gsxtPayload>")
        return xml.text
    }
}

/// A JSON value with one canonical text, written and read without Foundation so that golden files
/// and ledger hashes never change with a Foundation release. Numbers are integers only.
public enum PayloadJSON: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer (fractions and exponents are not part of our formats).
    case integer(Int)
    /// A string.
    case string(String)
    /// An array.
    case array([PayloadJSON])
    /// An object; keys are written sorted by Unicode code point.
    case object([String: PayloadJSON])

    /// Parses strict RFC 8259 JSON (UTF-8, integer numbers only, no duplicate keys, depth ≤ 64).
    public static func parse(_ bytes: some Sequence<UInt8>) throws(CanonicalJSONError) -> PayloadJSON {
        var parser = JSONParser(bytes: Array(bytes))
        return try parser.document()
    }

    /// The text without any white space (the form that is hashed).
    public var compactText: String {
        var out = ""
        write(to: &out, indent: nil)
        return out
    }

    /// The text with two-space indentation, `"key": value` and a trailing newline.
    public var prettyText: String {
        var out = ""
        write(to: &out, indent: 0)
        out += "\n"
        return out
    }

    /// Keys in code-point order (UTF-8 byte order is code-point order).
    static func sortedKeys(_ object: [String: PayloadJSON]) -> [String] {
        object.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Appends the text; `indent` nil means compact.
    private func write(to out: inout String, indent: Int?) {
        switch self {
        case .null: out += "null"
        case let .bool(value): out += value ? "true" : "false"
        case let .integer(value): out += String(value)
        case let .string(value): Self.writeString(value, to: &out)
        case let .array(items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                Self.newline(&out, indent.map { $0 + 1 })
                item.write(to: &out, indent: indent.map { $0 + 1 })
            }
            Self.newline(&out, indent)
            out += "]"
        case let .object(fields):
            guard !fields.isEmpty else { out += "{}"; return }
            out += "{"
            for (index, key) in Self.sortedKeys(fields).enumerated() {
                if index > 0 { out += "," }
                Self.newline(&out, indent.map { $0 + 1 })
                Self.writeString(key, to: &out)
                out += indent == nil ? ":" : ": "
                fields[key]?.write(to: &out, indent: indent.map { $0 + 1 })
            }
            Self.newline(&out, indent)
            out += "}"
        }
    }

    /// A line break and indentation in pretty mode; nothing in compact mode.
    private static func newline(_ out: inout String, _ indent: Int?) {
        guard let indent else { return }
        out += "\n"
        out += String(repeating: "  ", count: indent)
    }

    /// A quoted string: `"` and `\` escaped, control characters as `\n`-style or `\u00XX` escapes,
    /// everything else (including non-ASCII and `/`) written as is.
    private static func writeString(_ value: String, to out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x00...0x1F:
                out += "\\u" + zeroPadded(scalar.value, width: 4, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// The string, if this is one.
    public var stringValue: String? {
        if case let .string(value) = self { return value }
        return nil
    }

    /// The member of an object, if this is an object that has it.
    public subscript(key: String) -> PayloadJSON? {
        if case let .object(fields) = self { return fields[key] }
        return nil
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

    mutating func document() throws(CanonicalJSONError) -> PayloadJSON {
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

    mutating func expect(_ literal: String, _ value: PayloadJSON) throws(CanonicalJSONError) -> PayloadJSON {
        let expected = Array(literal.utf8)
        guard bytes[position...].starts(with: expected) else { throw fail("expected '\(literal)'") }
        position += expected.count
        return value
    }

    mutating func value() throws(CanonicalJSONError) -> PayloadJSON {
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

    mutating func object() throws(CanonicalJSONError) -> PayloadJSON {
        try nested()
        position += 1
        var fields: [String: PayloadJSON] = [:]
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

    mutating func array() throws(CanonicalJSONError) -> PayloadJSON {
        try nested()
        position += 1
        var items: [PayloadJSON] = []
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

    mutating func number() throws(CanonicalJSONError) -> PayloadJSON {
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
