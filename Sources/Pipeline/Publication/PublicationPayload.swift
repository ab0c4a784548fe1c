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
// The record id is the publication ledger's `record_key`.
//
// Encodings, both deterministic so that golden files compare byte for byte and hashes are stable
// across Foundation versions (Pipeline does not use Foundation at all):
// - JSON: `CanonicalJSON`: keys sorted by code point, two-space indentation, `"key": value`,
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
    var json: CanonicalJSON {
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

    /// Creates a task block.
    public init(
        raninsPlanId: String, raninsPlanName: String, raninsTaskId: String, raninsTaskName: String,
        raninsTypeName: String, insAuth: InspectionAuthority, startDate: CivilDate, endDate: CivilDate,
        populationCount: Int, drawnCount: Int
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
    }

    /// The fields GSXT shows beside every record of this task.
    var shownWithRecords: [String: CanonicalJSON] {
        [
            "raninsPlanId": .string(raninsPlanId), "raninsPlanName": .string(raninsPlanName),
            "raninsTaskId": .string(raninsTaskId), "raninsTaskName": .string(raninsTaskName),
            "raninsTypeName": .string(raninsTypeName), "insAuth": insAuth.json,
        ]
    }

    /// As canonical JSON.
    var json: CanonicalJSON {
        var fields = shownWithRecords
        fields["startDate"] = .string(startDate.description)
        fields["endDate"] = .string(endDate.description)
        fields["populationCount"] = .integer(populationCount)
        fields["drawnCount"] = .integer(drawnCount)
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
    var json: CanonicalJSON {
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
    var fields: [String: CanonicalJSON] {
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
    public let content: CanonicalJSON
    /// The compact canonical JSON text (the ledger's `payload_json`).
    public let json: String
    /// Lowercase hex SHA-256 of `json`'s UTF-8 bytes (the ledger's `content_sha256`).
    public let sha256: String

    /// A ledger record of `content`.
    public init(id: String, uscc: String, content: CanonicalJSON) {
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
    public static let currentSchemaVersion = 1

    /// The shape version of this payload.
    public var schemaVersion: Int
    /// The task block.
    public var task: PublicationTask
    /// The records, sorted by id.
    public var records: [PublicationRecord]

    /// A payload; records are sorted by id so that the output does not depend on input order.
    public init(task: PublicationTask, records: [PublicationRecord]) {
        self.schemaVersion = Self.currentSchemaVersion
        self.task = task
        self.records = records.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
    }

    /// The file name stem: `payload-<raninsTaskId>`.
    public var fileStem: String { "payload-" + task.raninsTaskId }

    /// The payload as a JSON value.
    public var json: CanonicalJSON {
        .object([
            "schemaVersion": .integer(schemaVersion), "task": task.json,
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
        xml.line("<gsxtPayload schemaVersion=\"\(schemaVersion)\">")
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

    /// Creates a round.
    public init(round: Int, start: CivilDate, end: CivilDate, populationCount: Int, drawnCount: Int) {
        self.round = round
        self.start = start
        self.end = end
        self.populationCount = populationCount
        self.drawnCount = drawnCount
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
        let taskID = try PublicationIdentifier.task(region: plan.region, year: plan.year, taskSeq: planTask.seq, round: round.round)
        let rounds = planTask.frequency.perYear ?? 1
        let task = PublicationTask(
            raninsPlanId: try PublicationIdentifier.plan(region: plan.region, year: plan.year),
            raninsPlanName: planName,
            raninsTaskId: taskID,
            raninsTaskName: rounds > 1 ? "\(planTask.name)（第\(round.round)次）" : planTask.name,
            raninsTypeName: planTask.inspectionType ?? Self.defaultInspectionType,
            insAuth: InspectionAuthority(
                initiator: planTask.initiator, cooperators: planTask.cooperators.filter { $0 != planTask.initiator }),
            startDate: round.start, endDate: round.end,
            populationCount: round.populationCount, drawnCount: round.drawnCount)
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

extension PublicationPayloadError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .failure }
}
