// Why this exists: issue 19 needs every stage on both stores, SQLite and PostgreSQL, with the
// same answers. This file is the seam a stage's SQL goes through: "run this statement with these
// values, read these rows, all in one transaction", once, for every stage. It is a generic seam
// rather than one protocol per stage (as the register import's RegisterImportTransaction) because
// the stages' statements are mostly dialect-neutral already: a stage written against it is ported
// by moving its SQL from GRDB's calls to these, not by writing it a second time. The register
// import keeps its own seam, for COPY.
//
// The rules a stage's SQL keeps, so that one text runs on both:
// - `?` for each value (translated to PostgreSQL's `$1`, `$2`… in one place: PostgresStageStore);
// - a new row's id with `INSERT … RETURNING id` (SQLite 3.35 and PostgreSQL), never `lastInsertedRowID`;
// - `ON CONFLICT DO NOTHING`, `CASE`, `coalesce`, `||`: what both dialects agree on;
// - never the county: on PostgreSQL every table's `region` column defaults to the county of the
//   session's role and row-level security filters every read and checks every write, so the
//   statement is the same as on SQLite's one-county file. A table whose SQLite form has a `region`
//   of its own (`plans`) names it as it always did, and the lane's policy checks it.

internal import Foundation
internal import GRDB
internal import Pipeline

/// A value bound to a statement or read from a row: the four kinds both stores share.
public enum SQLValue: Sendable, Hashable {
    /// NULL.
    case null
    /// A whole number (SQLite INTEGER, PostgreSQL bigint).
    case integer(Int64)
    /// A floating-point number (SQLite REAL, PostgreSQL double precision).
    case real(Double)
    /// Text.
    case text(String)
}

extension SQLValue: CustomStringConvertible {
    /// As SQL writes it: `NULL`, a number, or text in single quotes.
    public var description: String {
        switch self {
        case .null: "NULL"
        case let .integer(value): "\(value)"
        case let .real(value): "\(value)"
        case let .text(value): "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
        }
    }
}

/// A Swift value that binds as one ``SQLValue``.
public protocol SQLBindable {
    /// The value as it is bound.
    var sqlValue: SQLValue { get }
}

extension Int: SQLBindable {
    /// An integer.
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Int64: SQLBindable {
    /// An integer.
    public var sqlValue: SQLValue { .integer(self) }
}

extension Double: SQLBindable {
    /// A real.
    public var sqlValue: SQLValue { .real(self) }
}

extension String: SQLBindable {
    /// Text.
    public var sqlValue: SQLValue { .text(self) }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    /// The wrapped value, or NULL.
    public var sqlValue: SQLValue { map(\.sqlValue) ?? .null }
}

/// One row a statement returned, its columns in the statement's order.
public struct SQLRow: Sendable, Hashable {
    /// The columns' values.
    public var values: [SQLValue]

    /// Creates a row.
    public init(_ values: [SQLValue]) { self.values = values }

    /// Column `index` as a whole number, or nil when it is NULL; text or a real there is an error.
    public func integer(_ index: Int) throws -> Int64? {
        switch try value(index) {
        case .null: return nil
        case let .integer(value): return value
        case .real, .text: throw mismatch(index, "integer")
        }
    }

    /// Column `index` as text, or nil when it is NULL; a number there is an error.
    public func text(_ index: Int) throws -> String? {
        switch try value(index) {
        case .null: return nil
        case let .text(value): return value
        case .integer, .real: throw mismatch(index, "text")
        }
    }

    /// Column `index` as a whole number that may not be NULL.
    public func requiredInteger(_ index: Int) throws -> Int64 {
        guard let value = try integer(index) else { throw mismatch(index, "integer") }
        return value
    }

    /// Column `index` as text that may not be NULL.
    public func requiredText(_ index: Int) throws -> String {
        guard let value = try text(index) else { throw mismatch(index, "text") }
        return value
    }

    private func value(_ index: Int) throws -> SQLValue {
        guard values.indices.contains(index) else { throw mismatch(index, "a column") }
        return values[index]
    }

    private func mismatch(_ index: Int, _ expected: String) -> StoreError {
        let row = "(" + values.map(\.description).joined(separator: ", ") + ")"
        return StoreError(path: "sql", Message(.storeColumnType, ["column": "\(index + 1)", "expected": expected, "row": row]))
    }
}

/// A stage's statements inside one transaction of a store: the seam every stage's SQL goes
/// through (see the top of this file for the rules its SQL keeps).
public protocol StageSQL: AnyObject {
    /// Runs one statement, a `?` for each value, and returns the rows it returned (none for most writes).
    @discardableResult
    func rows(_ sql: String, _ values: [any SQLBindable]) throws -> [SQLRow]
}

extension StageSQL {
    /// Runs one statement without values and returns its rows.
    @discardableResult
    public func rows(_ sql: String) throws -> [SQLRow] { try rows(sql, []) }

    /// Runs one statement that returns no rows worth reading.
    public func execute(_ sql: String, _ values: [any SQLBindable] = []) throws { try rows(sql, values) }

    /// The first row the statement returns, or nil.
    public func row(_ sql: String, _ values: [any SQLBindable] = []) throws -> SQLRow? { try rows(sql, values).first }

    /// The first column of the first row as a whole number, or nil (no row, or NULL).
    public func integer(_ sql: String, _ values: [any SQLBindable] = []) throws -> Int64? { try row(sql, values)?.integer(0) }

    /// The first column of each row, as text (NULLs left out).
    public func texts(_ sql: String, _ values: [any SQLBindable] = []) throws -> [String] {
        try rows(sql, values).compactMap { try $0.text(0) }
    }
}

/// A store the stages' SQL runs on: SQLite (``Store``) or a county's lane of PostgreSQL
/// (``PostgresStageStore``). Each call is one transaction.
public protocol StageStore: AnyObject {
    /// Reads in one consistent snapshot.
    func reading<T>(_ body: (any StageSQL) throws -> T) throws -> T
    /// Writes in one transaction: all of it lands, or none of it.
    func writing<T>(_ body: (any StageSQL) throws -> T) throws -> T
    /// The night (`runs.id`) on whose behalf this store writes, set by `suiji run`; nil for commands run by hand.
    var runID: Int64? { get set }
    /// The county whose lane this is (PostgreSQL), or nil for a store of its own (SQLite).
    var lane: String? { get }
    /// True when the store was opened for reading only (a dry run, a report): ``writing(_:)`` would fail.
    var isReadOnly: Bool { get }
}

/// The SQLite side of the seam: statements on a GRDB connection, as the stages have always run them.
final class GRDBStageSQL: StageSQL {
    let db: Database

    init(_ db: Database) { self.db = db }

    func rows(_ sql: String, _ values: [any SQLBindable]) throws -> [SQLRow] {
        let arguments = StatementArguments(values.map(\.sqlValue.databaseValue))
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            SQLRow(
                try row.databaseValues.enumerated().map { column, value in
                    switch value.storage {
                    case .null: .null
                    case let .int64(number): .integer(number)
                    case let .double(number): .real(number)
                    case let .string(text): .text(text)
                    case .blob:
                        // No stage stores bytes; text read from them would be a guess.
                        throw StoreError(
                            path: "sql", Message(.storeColumnType, ["column": "\(column + 1)", "expected": "text", "row": "(bytes)"]))
                    }
                })
        }
    }
}

extension SQLValue {
    /// The value as GRDB binds it.
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case let .integer(value): value.databaseValue
        case let .real(value): value.databaseValue
        case let .text(value): value.databaseValue
        }
    }
}

extension Store: StageStore {
    /// A SQLite store is one county's own: no lane.
    public var lane: String? { nil }

    /// Opened with `.readOnly` access.
    public var isReadOnly: Bool { access == .readOnly }

    /// ``read(_:)`` through the seam.
    public func reading<T>(_ body: (any StageSQL) throws -> T) throws -> T { try read { db in try body(GRDBStageSQL(db)) } }

    /// ``write(_:)`` through the seam.
    public func writing<T>(_ body: (any StageSQL) throws -> T) throws -> T { try write { db in try body(GRDBStageSQL(db)) } }
}

extension StageSQL {
    /// The most values one statement of ``insert(into:columns:rows:)`` binds: below SQLite's limit
    /// (32,766 since 3.32) and PostgreSQL's (65,535).
    static var valuesPerStatement: Int { 30_000 }

    /// Inserts `rows` into `table` with as few statements as the values allow (one round trip each
    /// on PostgreSQL, instead of one per row): `INSERT INTO table (columns) VALUES (?, …), (?, …)…`.
    /// Each row has a value per column, in order; the rows land in their order.
    public func insert(into table: String, columns: [String], rows: [[any SQLBindable]]) throws {
        guard !columns.isEmpty else { return }
        let perStatement = max(1, Self.valuesPerStatement / columns.count)
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + perStatement)]
            var values: [any SQLBindable] = []
            values.reserveCapacity(chunk.count * columns.count)
            for row in chunk {
                precondition(row.count == columns.count, "a row of \(row.count) values for \(columns.count) columns")
                values += row
            }
            try execute(
                "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                    + Array(repeating: tuple, count: chunk.count).joined(separator: ", "),
                values)
            start += chunk.count
        }
    }
}
