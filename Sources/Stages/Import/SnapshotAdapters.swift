// What differs between registers, inspector registers and avoidance lists in a snapshot import:
// how a row is validated, keyed and hashed (`SnapshotRowRules`), how the scope's current versions are
// loaded as a `SnapshotKeyTable` for the one diff (`SnapshotDiff`, Pipeline/Snapshots), and the
// prepared statements that store what it decides.

internal import Foundation
internal import GRDB
internal import Pipeline

/// How one kind of snapshot validates, keys and hashes its rows.
protocol SnapshotRowRules {
    associatedtype Record
    associatedtype Key: Hashable
    /// Canonical field names, in row order.
    var fields: [String] { get }
    /// The field whose value is quoted in a diagnostic's context (`entity=…`).
    var contextField: String { get }
    /// Validates one row; what an accepted row leaves unset is added to `warnings`.
    mutating func validate(_ values: [String?], line: Int, warnings: inout [RowWarning]) -> Result<Record, RowRejection>
    /// The key of a valid record.
    func key(of record: Record) -> Key
    /// The key of a rejected row, if its key fields are themselves valid (so the current version is kept).
    func rawKey(_ values: [String?]) -> Key?
    /// The content hash of a record.
    func hash(of record: Record) -> Int64
    /// The rejection of a second row with the same key.
    func repeatRejection(_ record: Record, firstLine: Int, firstRejected: Bool) -> RowRejection
}

extension SnapshotRowRules {
    /// A row through the full validator; a row the reader could not split (or a cell it could not
    /// read in a required column) is rejected for that.
    mutating func outcome(of row: TabularRow, warnings: inout [RowWarning]) -> Result<Record, RowRejection> {
        if let problem = row.problem { return .failure(RowRejection(fieldName: row.problemField, problem)) }
        return validate(row.values, line: row.line, warnings: &warnings)
    }
}

/// Closes current versions: they stay in their table, valid until this import.
protocol VersionCloser {
    /// The import that writes and closes versions.
    var importID: Int64 { get }
    /// `UPDATE <table> SET valid_to_import = ?1 WHERE id = ?2`, once prepared.
    var closeRow: RawStatement? { get }
}

extension VersionCloser {
    /// Closes a current version: it stays in the table, valid until this import.
    func close(rowID: Int64) throws {
        guard let closeRow else { return }
        closeRow.bind(importID, at: 1)
        closeRow.bind(rowID, at: 2)
        try closeRow.run()
    }
}

/// How one kind of snapshot validates, keys, hashes and stores its rows through the stages' seam
/// (StageSQL.swift): the inspector registers and the avoidance list, on either store.
protocol SnapshotAdapter: SnapshotRowRules {
    /// The import that writes and closes versions.
    var importID: Int64 { get }
    /// The table of its rows.
    var table: String { get }
    /// The columns an insert names, in the order of ``values(of:hash:)``.
    var columns: [String] { get }
    /// The current rows of the scope.
    func loadCurrent(_ sql: any StageSQL) throws -> SnapshotKeyDictionary<Key>
    /// The values of a new current version, in the order of ``columns``.
    func values(of record: Record, hash: Int64) -> [any SQLBindable]
}

/// Registers: keyed by USCC within a department; a new key also enters `entities`.
struct RegisterAdapter: SnapshotRowRules, VersionCloser {
    let departmentID: Int64
    let importID: Int64
    var validator = RegisterRowValidator(tracksRepeats: false)
    var insertRow: RawStatement?
    /// `insertRow` for `rowsPerInsert` rows at once.
    var insertRows: RawStatement?
    var insertEntity: RawStatement?
    /// `insertEntity` for `entitiesPerInsert` keys at once.
    var insertEntities: RawStatement?
    var closeRow: RawStatement?

    /// Rows per multi-row insert (``parametersPerRow`` a row): one statement run instead of 32,
    /// which saves SQLite's fixed cost of a step and a reset per row.
    static let rowsPerInsert = 32
    /// The parameters of a row's insert: its register fields and its content hash.
    static let parametersPerRow = RegisterWriteBatch.width + 1
    /// Entities per multi-row insert (one parameter a key).
    static let entitiesPerInsert = 128

    var fields: [String] { RegisterField.allCases.map(\.rawValue) }
    var contextField: String { "uscc" }

    mutating func validate(_ values: [String?], line: Int, warnings: inout [RowWarning]) -> Result<EntityRecord, RowRejection> {
        validator.validate(values, line: line, warnings: &warnings)
    }

    func key(of record: EntityRecord) -> USCCKey {
        // A validated USCC always packs; the fallback never collides with a real code.
        USCCKey(record.uscc) ?? USCCKey(fallback: record.uscc)
    }

    func rawKey(_ values: [String?]) -> USCCKey? {
        guard let raw = values.first ?? nil, case .success = USCC.validate(raw.trimmingWhitespace()) else { return nil }
        return USCCKey(raw.trimmingWhitespace())
    }

    func hash(of r: EntityRecord) -> Int64 {
        var hasher = RowHasher()
        for value in [
            r.name, r.entityType, r.category, r.registrationAuthority, r.regionCode, r.address, r.legalRep,
            r.riskClass?.rawValue, r.status, r.lastInspected, r.established, r.phone,
        ] {
            hasher.add(value)
        }
        return hasher.value
    }

    func repeatRejection(_ record: EntityRecord, firstLine: Int, firstRejected: Bool) -> RowRejection {
        RegisterRowValidator.repeatRejection(record.uscc, firstLine: firstLine, firstRejected: firstRejected)
    }

    /// Prepares the import's statements. The department and the import are the same in every row
    /// an import writes, so they are written into the statements as numbers, not bound for each
    /// row: two binds of eighteen a row, and one of two an entity, that SQLite no longer runs.
    mutating func prepare(_ db: Database) throws {
        let columns = """
            INSERT INTO register_rows (department_id, uscc, name, entity_type, category, registration_authority, region_code,
                address, legal_rep, risk_class, status, last_inspected, established, phone, row_hash, valid_from_import)
            VALUES
            """
        let row =
            "(\(departmentID), " + Array(repeating: "?", count: Self.parametersPerRow).joined(separator: ", ") + ", \(importID))"
        insertRow = try RawStatement(db, columns + " " + row)
        insertRows = try RawStatement(db, columns + " " + Array(repeating: row, count: Self.rowsPerInsert).joined(separator: ", "))
        insertEntity = try RawStatement(db, "INSERT OR IGNORE INTO entities (uscc, first_seen_import) VALUES (?, \(importID))")
        insertEntities = try RawStatement(
            db,
            "INSERT OR IGNORE INTO entities (uscc, first_seen_import) VALUES "
                + Array(repeating: "(?, \(importID))", count: Self.entitiesPerInsert).joined(separator: ", "))
        closeRow = try RawStatement(db, "UPDATE register_rows SET valid_to_import = ?1 WHERE id = ?2")
    }
}

/// Inspector registers: keyed by 执法证号 within a department.
struct InspectorAdapter: SnapshotAdapter {
    let departmentID: Int64
    let importID: Int64
    var validator = InspectorRowValidator()

    var fields: [String] { InspectorField.allCases.map(\.rawValue) }
    var contextField: String { "inspector_id" }
    var table: String { "inspector_rows" }
    var columns: [String] { ["department_id", "inspector_id", "name", "status", "active", "areas", "row_hash", "valid_from_import"] }

    mutating func validate(_ values: [String?], line: Int, warnings: inout [RowWarning]) -> Result<InspectorRecord, RowRejection> {
        validator.validate(values, line: line)
    }

    func key(of record: InspectorRecord) -> String { record.inspectorID }

    func rawKey(_ values: [String?]) -> String? {
        guard let raw = values.first ?? nil else { return nil }
        let id = raw.trimmingWhitespace()
        return id.isEmpty ? nil : id
    }

    func hash(of r: InspectorRecord) -> Int64 {
        var hasher = RowHasher()
        for value in [r.name, r.status, r.active ? "1" : "0", r.areas] { hasher.add(value) }
        return hasher.value
    }

    func repeatRejection(_ record: InspectorRecord, firstLine: Int, firstRejected: Bool) -> RowRejection {
        .repeated(
            Message(.subjectInspector, ["id": record.inspectorID]), field: "inspector_id", firstLine: firstLine,
            firstRejected: firstRejected)
    }

    func loadCurrent(_ sql: any StageSQL) throws -> SnapshotKeyDictionary<String> {
        var current = SnapshotKeyDictionary<String>()
        for row in try sql.rows(
            "SELECT id, inspector_id, row_hash FROM inspector_rows WHERE department_id = ? AND valid_to_import IS NULL", [departmentID])
        {
            current.load(try row.requiredText(1), rowID: try row.requiredInteger(0), hash: try row.requiredInteger(2))
        }
        return current
    }

    func values(of r: InspectorRecord, hash: Int64) -> [any SQLBindable] {
        [departmentID, r.inspectorID, r.name, r.status, r.active ? 1 : 0, r.areas, hash, importID]
    }
}

/// The avoidance list: keyed by (执法证号, USCC), one list for the county.
struct AvoidanceAdapter: SnapshotAdapter {
    let importID: Int64
    var validator = AvoidanceRowValidator()

    var fields: [String] { AvoidanceField.allCases.map(\.rawValue) }
    var contextField: String { "uscc" }
    var table: String { "avoidance_pairs" }
    var columns: [String] { ["inspector_id", "uscc", "reason", "row_hash", "valid_from_import"] }

    mutating func validate(_ values: [String?], line: Int, warnings: inout [RowWarning]) -> Result<AvoidanceRecord, RowRejection> {
        validator.validate(values, line: line)
    }

    func key(of record: AvoidanceRecord) -> String { record.inspectorID + "|" + record.uscc }

    func rawKey(_ values: [String?]) -> String? {
        guard values.count >= 2, let id = values[0]?.trimmingWhitespace(), let uscc = values[1]?.trimmingWhitespace(),
            !id.isEmpty, case .success = USCC.validate(uscc)
        else { return nil }
        return id + "|" + uscc
    }

    func hash(of r: AvoidanceRecord) -> Int64 {
        var hasher = RowHasher()
        hasher.add(r.reason)
        return hasher.value
    }

    func repeatRejection(_ record: AvoidanceRecord, firstLine: Int, firstRejected: Bool) -> RowRejection {
        .repeated(
            Message(.subjectPair, ["id": record.inspectorID, "uscc": record.uscc]), field: "uscc", firstLine: firstLine,
            firstRejected: firstRejected)
    }

    func loadCurrent(_ sql: any StageSQL) throws -> SnapshotKeyDictionary<String> {
        var current = SnapshotKeyDictionary<String>()
        for row in try sql.rows("SELECT id, inspector_id, uscc, row_hash FROM avoidance_pairs WHERE valid_to_import IS NULL") {
            current.load(
                try row.requiredText(1) + "|" + row.requiredText(2), rowID: try row.requiredInteger(0), hash: try row.requiredInteger(3))
        }
        return current
    }

    func values(of r: AvoidanceRecord, hash: Int64) -> [any SQLBindable] { [r.inspectorID, r.uscc, r.reason, hash, importID] }
}

/// A snapshot's writes through the seam, a few hundred values a statement (one round trip each on
/// PostgreSQL instead of one a row; the inserts through ``StageSQL/insert(into:columns:rows:)``), held
/// back no further so that a large list streams. The closes pending are written before any insert, so a changed
/// key's current version is closed before its new one is added; inserts keep the file's order.
struct SnapshotWrites {
    /// Values a statement: far below SQLite's and PostgreSQL's limits on parameters.
    static let valuesPerStatement = 800

    let sql: any StageSQL
    let table: String
    let columns: [String]
    let importID: Int64
    private var closing: [Int64] = []
    private var inserting: [[any SQLBindable]] = []

    init(_ sql: any StageSQL, table: String, columns: [String], importID: Int64) {
        self.sql = sql
        self.table = table
        self.columns = columns
        self.importID = importID
    }

    /// Closes a current version: it stays in its table, valid until this import.
    mutating func close(rowID: Int64) throws {
        closing.append(rowID)
        if closing.count >= Self.valuesPerStatement { try flushCloses() }
    }

    /// Adds a new current version.
    mutating func insert(_ values: [any SQLBindable]) throws {
        inserting.append(values)
        if inserting.count * columns.count >= Self.valuesPerStatement { try flush() }
    }

    /// Writes what is pending: the closes, then the inserts.
    mutating func flush() throws {
        try flushCloses()
        try sql.insert(into: table, columns: columns, rows: inserting)
        inserting.removeAll(keepingCapacity: true)
    }

    private mutating func flushCloses() throws {
        guard !closing.isEmpty else { return }
        try sql.execute(
            "UPDATE \(table) SET valid_to_import = ? WHERE id IN (" + Array(repeating: "?", count: closing.count).joined(separator: ", ")
                + ")",
            [importID] + closing.map { $0 as any SQLBindable })
        closing.removeAll(keepingCapacity: true)
    }
}
