// A prepared statement driven through SQLite's C API, for the bulk paths of imports.
//
// GRDB's record and argument APIs cost about 4× the time of binding on the raw statement handle;
// a million-row register is bound here, everything small goes through GRDB as usual.

internal import GRDB
internal import GRDBSQLite

/// SQLite's "copy the bytes now" destructor.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One prepared statement, bound and stepped without allocating per value.
final class RawStatement {
    private let statement: GRDB.Statement
    private var handle: OpaquePointer { statement.sqliteStatement }
    private let connection: OpaquePointer?

    /// Prepares `sql` on the connection of `db`.
    init(_ db: Database, _ sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        connection = db.sqliteConnection
    }

    /// Binds text (1-based index); nil binds NULL.
    func bind(_ value: String?, at index: Int32) {
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUTF8 { bytes in
            if let base = bytes.baseAddress {
                _ = sqlite3_bind_text(
                    handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), transient)
            } else {
                // An empty string is bound as empty text, never as NULL.
                _ = "".withCString { sqlite3_bind_text(handle, index, $0, 0, transient) }
            }
        }
    }

    /// Binds UTF-8 bytes as text without copying them; nil binds NULL. The bytes must stay where
    /// they are until the statement has run; `clearBindings()` drops the pointers afterwards.
    func bind(utf8 bytes: UnsafeBufferPointer<UInt8>?, at index: Int32) {
        guard let bytes else {
            sqlite3_bind_null(handle, index)
            return
        }
        if let base = bytes.baseAddress, bytes.count > 0 {
            _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
        } else {
            // An empty value is bound as empty text, never as NULL.
            _ = "".withCString { sqlite3_bind_text(handle, index, $0, 0, transient) }
        }
    }

    /// Forgets every binding (after binding bytes that are about to go away).
    func clearBindings() {
        sqlite3_clear_bindings(handle)
    }

    /// Binds an integer (1-based index).
    func bind(_ value: Int64, at index: Int32) {
        sqlite3_bind_int64(handle, index, value)
    }

    /// Runs a statement that returns no rows, then resets it for the next use.
    func run() throws {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw error(code) }
    }

    /// Steps once: true while a row is available.
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw error(code) }
        return false
    }

    /// The integer in column `index` (0-based) of the current row.
    func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }

    /// The UTF-8 bytes of column `index` (0-based) of the current row, valid until the next step.
    func withText<T>(_ index: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        let count = Int(sqlite3_column_bytes(handle, index))
        guard let pointer = sqlite3_column_text(handle, index) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return body(UnsafeBufferPointer(start: pointer, count: count))
    }

    private func error(_ code: Int32) -> DatabaseError {
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "SQLite error \(code)"
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
    }
}
