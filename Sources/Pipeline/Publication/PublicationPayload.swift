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
// - JSON: `CanonicalJSON`: keys sorted by code point, two-space indentation, `"key": value`,
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
    public var json: CanonicalJSON {
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
