// What we publish to GSXT for one round of one task (domain.md §8): a task block and one record per
// inspected entity, on the de-facto GSXT field names. No official schema is public, so the shape is
// ours and is described by `Sources/Stages/Resources/gsxt-payload.xsd`.
//
// Never in a payload: the credit-risk class (internal, 国市监信发〔2022〕6号), the inspectors, personal
// ID numbers, addresses, legal representatives. The types below have no field that could hold them.
//
// Identifiers (stable: derived only from the plan's region and year, the task's 序号, the round and
// the USCC, never from a database row id or a timestamp):
//
//     raninsPlanId   <region:6><year:4>P                      1409812024P
//     raninsTaskId   <raninsPlanId><task 序号:3>R<round:2>      1409812024P017R01
//     record id      <raninsTaskId>-<USCC>                    1409812024P017R01-91140981MA0KXXXXXX
//
// Like the ids observed on GSXT (`340000201709041000`) they begin with the region code and the year.
// When the plan or its overrides give the provincial platform's 抽查计划编号/名称 and 抽查任务编号
// (PlanTask.platform), those stand instead: the task code gets `R<round:2>` when the task has
// several rounds.
// The record id is the publication ledger's `record_key`.
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

// MARK: - Identifiers

/// The stable GSXT identifiers of plans, task rounds and records (scheme above).
public enum PublicationIdentifier {
    /// `<region><year>P`, e.g. `1409812024P`.
    public static func plan(region: String, year: Int) throws(PublicationPayloadError) -> String {
        guard region.utf8.count == 6, region.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw .invalidIdentifierPart("region code '\(region)' must be 6 digits")
        }
        guard (1000...9999).contains(year) else {
            throw .invalidIdentifierPart("year \(year) must have 4 digits")
        }
        return region + String(year) + "P"
    }

    /// `<plan id><task 序号 as 3 digits>R<round as 2 digits>`, e.g. `1409812024P017R01`.
    public static func task(region: String, year: Int, taskSeq: Int, round: Int) throws(PublicationPayloadError) -> String {
        guard (1...999).contains(taskSeq) else {
            throw .invalidIdentifierPart("task 序号 \(taskSeq) must be 1…999")
        }
        guard (1...99).contains(round) else {
            throw .invalidIdentifierPart("round \(round) must be 1…99")
        }
        return try plan(region: region, year: year) + zeroPadded(taskSeq, width: 3) + "R" + zeroPadded(round, width: 2)
    }

    /// A code given by the provincial platform (1…40 characters of `0-9A-Za-z`), with `R<round:2>`
    /// when a task of several rounds needs one id per round.
    public static func platform(_ code: String, round: Int?) throws(PublicationPayloadError) -> String {
        guard PlatformIdentity.isValidCode(code) else {
            throw .invalidIdentifierPart("platform code '\(code)' must be 1 to 40 characters of 0-9, A-Z and a-z")
        }
        guard let round else { return code }
        guard (1...99).contains(round) else { throw .invalidIdentifierPart("round \(round) must be 1…99") }
        return code + "R" + zeroPadded(round, width: 2)
    }

    /// `<task id>-<USCC>`: the ledger's record key.
    public static func record(taskID: String, uscc: String) -> String {
        taskID + "-" + uscc
    }

}

// MARK: - Payload model

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

// MARK: - Building a payload from the plan and the results

/// One round of a task as drawn: its dates and counts.
public struct PublicationRound: Sendable, Hashable, Codable {
    /// The round number within the year (1 for a once-a-year task).
    public var round: Int
    /// First day of the round.
    public var start: CivilDate
    /// Last day of the round (the publication deadline counts from it).
    public var end: CivilDate
    /// Entities in the population drawn from.
    public var populationCount: Int
    /// Entities drawn.
    public var drawnCount: Int
    /// The draw ledger's head when the payload is made (64 zeros for an empty ledger).
    public var drawLedgerHead: String

    /// Creates a round.
    public init(
        round: Int, start: CivilDate, end: CivilDate, populationCount: Int, drawnCount: Int,
        drawLedgerHead: String = String(repeating: "0", count: 64)
    ) {
        self.round = round
        self.start = start
        self.end = end
        self.populationCount = populationCount
        self.drawnCount = drawnCount
        self.drawLedgerHead = drawLedgerHead
    }
}

/// The results of inspecting one drawn entity, as the results import provides them.
public struct EntityInspection: Sendable, Hashable, Codable {
    /// The entity's USCC.
    public var uscc: String
    /// The entity's registered name.
    public var name: String
    /// 检查日期.
    public var inspectedOn: CivilDate
    /// The results, applied to every matter of the task unless `codesByMatter` names the matter.
    public var codes: [ResultCode]
    /// Results for single matters (keyed by the matter's text), overriding `codes` for them.
    public var codesByMatter: [String: [ResultCode]]

    /// Creates an inspection result.
    public init(uscc: String, name: String, inspectedOn: CivilDate, codes: [ResultCode], codesByMatter: [String: [ResultCode]] = [:]) {
        self.uscc = uscc
        self.name = name
        self.inspectedOn = inspectedOn
        self.codes = codes
        self.codesByMatter = codesByMatter
    }
}

extension PublicationPayload {
    /// The type written when the plan has no 抽查类型 column: every plan task names an object scope
    /// (抽查对象范围), and drawing within a named scope is what 定向 means.
    public static let defaultInspectionType = "定向"

    /// The payload of one round of a plan task.
    ///
    /// Details follow the task's matters in plan order (the task name stands in if the plan lists
    /// none). A task inspected more than once a year gets `（第N次）` after its name. Throws for an
    /// empty plan name or initiator, a code that is neither 18 characters of `0-9A-Z` nor 15 digits,
    /// an empty entity name, a duplicate USCC, an inspection without results, or a `codesByMatter`
    /// key that is not a matter: everything the XSD would reject later.
    public init(
        plan: AnnualPlan, task planTask: PlanTask, round: PublicationRound, planName: String, inspections: [EntityInspection]
    ) throws(PublicationPayloadError) {
        for (field, text) in [("raninsPlanName", planName), ("insAuth.initiator", planTask.initiator), ("raninsTaskName", planTask.name)]
        where text.trimmingWhitespace().isEmpty {
            throw .missingText(field: field)
        }
        let rounds = planTask.frequency.perYear ?? 1
        // The provincial platform's codes, when the plan or its overrides give them, stand instead of ours.
        let platform = planTask.platform ?? PlatformIdentity()
        let taskID: String
        if let code = platform.taskCode {
            taskID = try PublicationIdentifier.platform(code, round: rounds > 1 ? round.round : nil)
        } else {
            taskID = try PublicationIdentifier.task(region: plan.region, year: plan.year, taskSeq: planTask.seq, round: round.round)
        }
        let planID: String
        if let code = platform.planCode {
            planID = try PublicationIdentifier.platform(code, round: nil)
        } else {
            planID = try PublicationIdentifier.plan(region: plan.region, year: plan.year)
        }
        let task = PublicationTask(
            raninsPlanId: planID,
            raninsPlanName: platform.planName ?? planName,
            raninsTaskId: taskID,
            raninsTaskName: rounds > 1 ? "\(planTask.name)（第\(round.round)次）" : planTask.name,
            raninsTypeName: planTask.inspectionType ?? Self.defaultInspectionType,
            insAuth: InspectionAuthority(
                initiator: planTask.initiator, cooperators: planTask.cooperators.filter { $0 != planTask.initiator }),
            startDate: round.start, endDate: round.end,
            populationCount: round.populationCount, drawnCount: round.drawnCount, drawLedgerHead: round.drawLedgerHead)
        let matters = planTask.matters.isEmpty ? [planTask.name] : planTask.matters
        var seen: Set<String> = []
        var records: [PublicationRecord] = []
        for inspection in inspections {
            guard Self.isPublishableCode(inspection.uscc) else {
                throw .invalidEntity(uscc: inspection.uscc, reason: "the code must be 18 characters of 0-9 and A-Z, or a 15-digit 注册号")
            }
            guard !inspection.name.trimmingWhitespace().isEmpty else {
                throw .invalidEntity(uscc: inspection.uscc, reason: "the name is empty")
            }
            guard seen.insert(inspection.uscc).inserted else { throw .duplicateEntity(inspection.uscc) }
            if let stray = inspection.codesByMatter.keys.sorted().first(where: { !matters.contains($0) }) {
                throw .unknownMatter(uscc: inspection.uscc, matter: stray)
            }
            var details: [PublicationDetail] = []
            for (index, matter) in matters.enumerated() {
                let codes = inspection.codesByMatter[matter] ?? inspection.codes
                guard !codes.isEmpty else { throw .noResult(uscc: inspection.uscc, matter: matter) }
                details.append(
                    PublicationDetail(seqno: index + 1, raninsItemName: matter, raninsCheckResName: ResultCode.joinedText(codes)))
            }
            records.append(
                PublicationRecord(
                    id: PublicationIdentifier.record(taskID: taskID, uscc: inspection.uscc), uscc: inspection.uscc,
                    name: inspection.name, insDate: inspection.inspectedOn, details: details))
        }
        self.init(task: task, records: records)
    }

    /// 18 characters of `0-9A-Z` (a USCC, conforming or operator-overridden) or 15 digits (a 注册号).
    static func isPublishableCode(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        let isUpper = { (byte: UInt8) in byte >= 0x41 && byte <= 0x5A }
        if bytes.count == 15 { return bytes.allSatisfy(isDigit) }
        return bytes.count == 18 && bytes.allSatisfy { isDigit($0) || isUpper($0) }
    }
}

/// Why a payload could not be built or written.
public enum PublicationPayloadError: ReportableError, Sendable, Hashable, CustomStringConvertible {
    /// A part of an identifier is malformed.
    case invalidIdentifierPart(String)
    /// The same entity appears twice among a round's inspections.
    case duplicateEntity(String)
    /// An inspection has no result for a matter.
    case noResult(uscc: String, matter: String)
    /// An inspection names a matter the task does not have.
    case unknownMatter(uscc: String, matter: String)
    /// A required text of the task block is empty.
    case missingText(field: String)
    /// An inspected entity cannot be published as given.
    case invalidEntity(uscc: String, reason: String)
    /// A text holds a character that XML 1.0 cannot represent.
    case notRepresentableInXML(field: String, scalar: UInt32)

    /// What went wrong and what to do.
    public var description: String {
        switch self {
        case let .invalidIdentifierPart(message):
            "cannot form a publication id: \(message)"
        case let .missingText(field):
            "\(field) is empty; the payload requires it"
        case let .invalidEntity(uscc, reason):
            "entity '\(uscc)' cannot be published: \(reason)"
        case let .duplicateEntity(uscc):
            "entity \(uscc) has two results in the same round; keep one (a correction supersedes, it does not add)"
        case let .noResult(uscc, matter):
            "entity \(uscc) has no result for matter '\(matter)'; enter at least one result code"
        case let .unknownMatter(uscc, matter):
            "entity \(uscc) has a result for '\(matter)', which is not a matter of the task"
        case let .notRepresentableInXML(field, scalar):
            "\(field) contains U+\(String(scalar, radix: 16, uppercase: true)), which XML 1.0 cannot carry; correct the source data"
        }
    }
}

// MARK: - XML writing

/// A minimal indenting XML writer for the payload's fixed shape.
struct XMLWriter {
    /// The text so far.
    private(set) var text = ""

    /// Appends one line.
    mutating func line(_ content: String) {
        text += content
        text += "\n"
    }

    /// `<name>` on its own line.
    mutating func open(_ name: String, depth: Int) { line(indent(depth) + "<\(name)>") }

    /// `</name>` on its own line.
    mutating func close(_ name: String, depth: Int) { line(indent(depth) + "</\(name)>") }

    /// `<name>escaped value</name>` on one line.
    mutating func element(_ name: String, _ value: String, depth: Int) throws(PublicationPayloadError) {
        line(indent(depth) + "<\(name)>" + (try Self.escape(value, field: name)) + "</\(name)>")
    }

    /// Two spaces per level.
    private func indent(_ depth: Int) -> String { String(repeating: "  ", count: depth) }

    /// Text escaped for element content and double-quoted attributes.
    static func escape(_ value: String, field: String) throws(PublicationPayloadError) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x26: out += "&amp;"
            case 0x3C: out += "&lt;"
            case 0x3E: out += "&gt;"
            case 0x22: out += "&quot;"
            case 0x09: out += "&#9;"
            case 0x0A: out += "&#10;"
            case 0x0D: out += "&#13;"
            case 0x00...0x1F, 0xFFFE, 0xFFFF:
                throw .notRepresentableInXML(field: field, scalar: scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

// MARK: - Canonical JSON

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

extension PublicationPayloadError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .failure }
}

extension CanonicalJSONError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .failure }
}
