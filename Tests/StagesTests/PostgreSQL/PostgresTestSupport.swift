// Why this exists: what the PostgreSQL suites share beside the server: the current register of a
// county read back as text rows (to compare with SQLite's), and a session as a county's role.

import Foundation
import Pipeline
import PostgresNIO
import Testing

@testable import Stages

/// The two counties the PostgreSQL tests use: 原平市 and 忻府区.
let countyA = "140981"
let countyB = "140902"

/// A session on `address`'s database as `user` (the superuser when nil).
func session(_ address: PostgresAddress, as user: String? = nil) throws -> PostgresSession {
    var address = address
    if let user { address.user = user }
    return try PostgresSession.connect(address, applicationName: "suiji tests")
}

/// The current register of a department in a county's lane, as sorted text rows (as `currentRegister` for SQLite).
func currentRegister(_ session: PostgresSession, region: String, department: String = "原平市市场监督管理局") throws -> [[String]] {
    let columns = RegisterField.allCases.map { "coalesce(r.\($0.rawValue), '∅')" }.joined(separator: " || E'\\x1f' || ")
    let rows = try session.texts(
        PostgresQuery(
            unsafeSQL: """
                SELECT \(columns) FROM register_rows r JOIN departments d ON d.region = r.region AND d.id = r.department_id
                WHERE r.region = $1 AND d.name = $2 AND r.valid_to_import IS NULL ORDER BY r.uscc
                """,
            binds: try bindings(region, department)))
    return rows.map { ($0 ?? "").components(separatedBy: "\u{1f}") }
}

/// Text parameters for a query.
func bindings(_ values: String...) throws -> PostgresBindings {
    var bindings = PostgresBindings()
    for value in values { bindings.append(value, context: .default) }
    return bindings
}

/// A number a query returns (the first column of the first row).
func number(_ session: PostgresSession, _ sql: String) throws -> Int64 {
    try session.int64(PostgresQuery(unsafeSQL: sql)) ?? -1
}

/// Each rejects file of `folder` (`*.rejects.csv`), by name: its name, a line break and its text.
func rejectsFiles(in folder: TemporaryFolder) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.hasSuffix(".rejects.csv") }.sorted().map {
        $0 + "\n" + String(decoding: try fileBytes(folder.path($0)), as: UTF8.self)
    }
}
