// Why this exists: tests that need a register row the importers would not write as such (a business
// current in two departments under two names, a row closed by hand) write it here, in one shape.

import GRDB

@testable import Stages

/// Rows written straight into a store's register tables, for the tests of the rules that read them.
enum RegisterRowsByHand {
    /// A register import of `department` (made if missing): its department id and import id.
    static func addImport(_ db: Database, department: String, at date: String) throws -> (department: Int64, importID: Int64) {
        try db.execute(sql: "INSERT OR IGNORE INTO departments (name) VALUES (?)", arguments: [department])
        let id = try Int64.fetchOne(db, sql: "SELECT id FROM departments WHERE name = ?", arguments: [department]) ?? 0
        try db.execute(
            sql: """
                INSERT INTO imports (kind, department_id, scope_key, file_name, content_sha256, byte_count, imported_at)
                VALUES ('register', ?, ?, 'by hand', 'x', 0, ?)
                """, arguments: [id, "register:by-hand:\(department)", date])
        return (id, db.lastInsertedRowID)
    }

    /// A register row of `department` from import `importID`, closed by `closedBy` (nil: current),
    /// with its id recorded as the import's range as the importer records one (so that a re-import
    /// would find it).
    static func addRow(
        _ db: Database, department: Int64, uscc: String, name: String, address: String? = nil, importID: Int64, closedBy: Int64?
    ) throws {
        let before = try RegisterAdapter.lastRowID(db)
        try db.execute(
            sql: """
                INSERT INTO register_rows (department_id, uscc, name, entity_type, category, region_code, address, status, row_hash,
                    valid_from_import, valid_to_import)
                VALUES (?, ?, ?, '企业', '游泳场馆', '140981', ?, '存续', 0, ?, ?)
                """,
            arguments: [department, uscc, name, address, importID, closedBy])
        try RegisterAdapter(departmentID: department, importID: importID).recordRowRange(db, after: before)
    }
}
