// Why this exists: the PostgreSQL side of the stages' seam (StageSQL.swift). A stage's statements,
// written once with `?`, run here in a county's lane: the session acts as the county's role (the
// URL's role, or `SET ROLE` to it for an administrator's URL), so row-level security filters every
// read and checks every write and the `region` columns default to the county; `?` becomes `$n` here
// and nowhere else; a write holds the county's advisory lock, as the register import does.

internal import Foundation
internal import Pipeline
internal import PostgresNIO

/// A county's lane of a PostgreSQL store, as the stages see a store: one transaction per call.
public final class PostgresStageStore: StageStore {
    /// The connection.
    public let session: PostgresSession
    /// The county whose lane this is.
    public let region: String
    private let lock: PostgresCountyLock?
    private var closed = false

    /// The night (`runs.id` in the county's lane) on whose behalf this store writes, set by `suiji run`.
    public var runID: Int64?

    /// The county.
    public var lane: String? { region }

    /// Opened by a reader: without the county's lock, so it does not write.
    public var isReadOnly: Bool { lock == nil }

    private init(session: PostgresSession, region: String, lock: PostgresCountyLock?) {
        self.session = session
        self.region = region
        self.lock = lock
    }

    /// Connects to `address` for `command` in county `region`'s lane. A writer takes the county's
    /// lock (a second writer: ``RunLockHeld``, exit 75) and makes or upgrades the schema and the lane
    /// when its role may (as the register import does); a reader only finds them, or is told what to
    /// ask an administrator for.
    public static func open(_ address: PostgresAddress, region: String, command: String, writing: Bool) throws -> PostgresStageStore {
        guard let role = PostgresSchema.countyRole(region) else {
            throw PostgresStoreError(address: address.description, sqlState: nil, Message(.regionNotCode, ["region": region]))
        }
        let session = try PostgresSession.connect(address, applicationName: PostgresCountyLock.applicationName(command: command))
        do {
            let lock = writing ? try PostgresCountyLock.acquire(session, region: region, command: command) : nil
            try PostgresSchema.prepareLane(session, region: region, writing: writing)
            // The lane: every statement as the county's role (a six-digit name: nothing to quote).
            if address.user != role { try session.execute("SET ROLE \(role)") }
            return PostgresStageStore(session: session, region: region, lock: lock)
        } catch {
            session.close()
            throw error
        }
    }

    /// Reads in one snapshot of the county's lane.
    public func reading<T>(_ body: (any StageSQL) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// Writes in one transaction in the county's lane.
    public func writing<T>(_ body: (any StageSQL) throws -> T) throws -> T { try transaction("BEGIN", body) }

    private func transaction<T>(_ begin: String, _ body: (any StageSQL) throws -> T) throws -> T {
        try session.execute(begin)
        do {
            let value = try body(PostgresStageSQL(session))
            try session.execute("COMMIT")
            return value
        } catch {
            try? session.execute("ROLLBACK")
            throw error
        }
    }

    /// Lets the county's lock go and closes the connection (the server drops the lock anyway when it ends).
    public func close() {
        guard !closed else { return }
        closed = true
        try? lock?.release()
        session.close()
    }

    deinit { close() }
}

/// The statements of one transaction on PostgreSQL.
final class PostgresStageSQL: StageSQL {
    let session: PostgresSession

    init(_ session: PostgresSession) { self.session = session }

    func rows(_ sql: String, _ values: [any SQLBindable]) throws -> [SQLRow] {
        var bindings = PostgresBindings()
        for value in values {
            switch value.sqlValue {
            case .null: bindings.appendNull()
            case let .integer(number): bindings.append(number)
            case let .real(number): bindings.append(number)
            case let .text(text): bindings.append(text)
            }
        }
        let query = PostgresQuery(unsafeSQL: Self.numbered(sql), binds: bindings)
        return try session.run { connection in
            var rows: [SQLRow] = []
            for try await row in try await connection.query(query, logger: PostgresSession.logger) {
                var values: [SQLValue] = []
                for cell in row { values.append(try PostgresStageSQL.value(cell)) }
                rows.append(SQLRow(values))
            }
            return rows
        }
    }

    /// A cell as one of the seam's values: integers, reals, and text for everything else.
    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        default: return .text(try cell.decode(String.self))
        }
    }

    /// The statement with each `?` outside quoted text and quoted identifiers numbered `$1`, `$2`…:
    /// the one translation between the stages' SQL and PostgreSQL's.
    static func numbered(_ sql: String) -> String {
        var out = ""
        var number = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                out.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                out.append(character)
            } else if character == "?" {
                number += 1
                out += "$\(number)"
            } else {
                out.append(character)
            }
        }
        return out
    }
}
