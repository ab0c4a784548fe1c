internal import Foundation
internal import GRDB
public import Pipeline

/// How a command opens the store.
public enum StoreAccess: Sendable, Hashable {
    /// Create if missing, migrate, write in transactions.
    case readWrite
    /// Never write: dry runs and reports. The file is read in place by a read-only connection, in
    /// one snapshot for as long as the store is open; a store whose schema this suiji would still
    /// migrate is read from a migrated copy in memory, and a missing store reads as empty.
    case readOnly
}

/// A store problem: it cannot be opened, is locked, or a write failed.
public struct StoreError: DiagnosticReportableError, Sendable, Hashable, CustomStringConvertible {
    /// The store's path.
    public var path: String
    /// What happened and what to do.
    public var text: Message

    /// Creates an error.
    public init(path: String, _ text: Message) {
        self.path = path
        self.text = text
    }

    /// ``text`` in English.
    public var message: String { text.english }

    /// `path: error: text`, in the language in force where it is printed.
    public var diagnostic: Diagnostic { Diagnostic(.error, text, at: SourceLocation(file: path)) }

    /// `path: error: message`.
    public var description: String { diagnostic.description }
}

/// The store is being written by another process: a read waited its busy timeout, or met the
/// journal of an unfinished write that only a writer may roll back. Nothing was read or written.
public struct StoreBusy: DiagnosticReportableError, Sendable, Hashable, CustomStringConvertible {
    /// The store's path.
    public var path: String
    /// Seconds waited, or nil when the store holds the journal of a write that did not finish.
    public var waited: Double?
    /// The holder of the store's lock, as it wrote itself into the lock file (pid and command), if any.
    public var holder: RunLock.Holder?

    /// Creates the error.
    public init(path: String, waited: Double?, holder: RunLock.Holder?) {
        self.path = path
        self.waited = waited
        self.holder = holder
    }

    /// `path: error: the store is being written by another suiji command …; nothing was read. …`.
    public var description: String { diagnostic.description }

    /// The text, in the language in force where it is printed.
    public var diagnostic: Diagnostic {
        let who =
            holder.map {
                Message(
                    .storeBusyWho, ["command": $0.command ?? "run"],
                    parts: ["pid": $0.pid.map { Message(verbatim: "\($0)") } ?? Message(.storePidUnknown)])
            } ?? Message(verbatim: "")
        let text =
            waited.map { Message(holder == nil ? .storeBusyOther : .storeBusySuiji, ["seconds": "\(Int($0))"], parts: ["who": who]) }
            ?? Message(.storeBusyJournal, parts: ["who": who])
        return Diagnostic(.error, text, at: SourceLocation(file: path))
    }

    /// A busy store ends a command with 75, as a held lock does.
    public var exitStatus: ExitStatus { .locked }
}

/// The embedded SQLite store (rollback journal, foreign keys on, versioned migrations). One owner of the connection.
///
/// The journal is SQLite's rollback journal (`DELETE`, `synchronous = FULL`), not WAL. Both commit
/// atomically and survive a kill at any moment; the difference is what a large import costs. In WAL
/// mode every page of a million-row import is written twice, to the log and then by the
/// checkpoint into the database (about 1.2 s of a 7 s import, measured); a rollback journal writes
/// new pages once and journals only the few pages that existed before. WAL's gain, readers that
/// run while a writer commits, matters little here: writers take the store's lock one at a time,
/// and a read-only command started in the middle of a large import waits for its commit (the busy
/// timeout is 60 s, longer than a million-row import), as a writer's commit waits for the read-only
/// commands that hold their snapshot (see ``StoreAccess/readOnly``). A store made in WAL mode is
/// switched over when it is next opened for writing.
///
/// Only SQLite opens the store and its journal. POSIX drops every `fcntl` lock a process holds
/// on a file when the process closes *any* descriptor of that file, so a second descriptor
/// opened and closed beside the connection (a writeback hint once did it) leaves the writer
/// without its locks: the next reader takes the journal for a crashed writer's, rolls it back
/// under the live transaction, and the store is corrupt. Nothing in suiji opens the store's files
/// outside SQLite, and an input file that is the store (a hard link or a symbolic link to it, or
/// its journal) is refused unopened: see ``isStoreFile(_:)``. The run lock is another file,
/// `<store>.lock`, held with `flock`, whose locks belong to their own descriptor.
public final class Store {
    /// The path of the database file, or `:memory:`.
    public let path: String
    /// How it was opened.
    public let access: StoreAccess
    let database: any DatabaseWriter
    /// The night (`runs.id`) on whose behalf this connection writes, set by `suiji run`; every import,
    /// commitment, draw and publication it writes carries it. Nil for commands run by hand.
    public var runID: Int64?
    /// The store's lock, held as long as this value lives (commands that write take it first).
    private let lock: RunLock?

    /// How long a command waits for another connection's write to end before it gives up (exit 75).
    public static let defaultBusyTimeout: Double = 60

    /// Opens (and for read-write, creates and migrates) the store at `path`; `lock`, if given, is
    /// held until the store goes. A store busy with another process's write for longer than
    /// `busyTimeout` seconds throws ``StoreBusy``; a store made by a newer suiji throws
    /// ``StoreError`` before anything is written.
    public init(
        path: String, access: StoreAccess = .readWrite, holding lock: RunLock? = nil, busyTimeout: Double = Store.defaultBusyTimeout
    ) throws {
        self.path = path
        self.access = access
        self.lock = lock
        var configuration = GRDB.Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        do {
            switch access {
            case .readWrite:
                let queue = try DatabaseQueue(path: path, configuration: configuration)
                // Refused before the first write (the journal mode below is one).
                try Self.refuseNewerStore(queue, path: path)
                try queue.writeWithoutTransaction { db in
                    // Pages of 8 KiB, which SQLite sets on an empty file only (a new store): a
                    // first import of 1,000,000 rows writes 34,113 pages instead of 69,057, and
                    // the kernel's part of it (system CPU) fell from 0.44–0.55 s to 0.31–0.37.
                    // Not 16 KiB: a re-import's journal keeps each page it changes whole, and the
                    // 1% re-import, whose changes lie scattered, took 1.13–1.18 s instead of 1.01–1.24.
                    try db.execute(sql: "PRAGMA page_size = 8192")
                    try db.execute(sql: "PRAGMA journal_mode = DELETE")
                    try db.execute(sql: "PRAGMA synchronous = FULL")
                }
                try StoreSchema.migrator().migrate(queue)
                database = queue
            case .readOnly:
                database = try Self.openReadOnly(path: path, configuration: configuration)
            }
        } catch let error as DatabaseError {
            throw Self.translate(error, path: path, busyTimeout: busyTimeout)
        }
    }

    /// The store for `.readOnly` access: the file through a read-only connection (SQLite refuses
    /// every write on it), in one read transaction that the connection keeps until it closes, so
    /// that a command sees one state of the store from its first read to its last, as a copy would.
    ///
    /// A copy in memory is made only when the file needs one: a store of an older suiji is read
    /// migrated, and a missing store reads as an empty one. Reading in place instead of always
    /// copying: over a store of 1,000,000 register rows (336 MB), `suiji plan show` took 0.45–0.48 s
    /// and 387 MB of memory, all of it the copy, and every read-only command paid it.
    private static func openReadOnly(path: String, configuration: GRDB.Configuration) throws -> DatabaseQueue {
        let memory: DatabaseQueue
        if FileManager.default.fileExists(atPath: path) {
            var readOnly = configuration
            readOnly.readonly = true
            // The snapshot is a transaction left open across accesses, which GRDB forbids unless told.
            readOnly.allowsUnsafeTransactions = true
            let file = try DatabaseQueue(path: path, configuration: readOnly)
            // The snapshot starts at the first read after BEGIN: the checks below read in it.
            try file.inDatabase { db in try db.beginTransaction(.deferred) }
            try Self.refuseNewerStore(file, path: path)
            if try file.read({ db in try StoreSchema.migrator().hasCompletedMigrations(db) }) {
                return file
            }
            // Migrated in memory, never in the file: copied through SQLite's backup API.
            try file.inDatabase { db in try db.rollback() }
            memory = try DatabaseQueue(configuration: configuration)
            try file.backup(to: memory)
            try file.close()
        } else {
            memory = try DatabaseQueue(configuration: configuration)
        }
        // The file's migrations were checked above; an empty store has none.
        try StoreSchema.migrator().migrate(memory)
        return memory
    }

    /// A store whose migrations this suiji does not all know was made by a newer one: refused.
    private static func refuseNewerStore(_ queue: DatabaseQueue, path: String) throws {
        let migrator = StoreSchema.migrator()
        let unknown = try queue.read { db -> [String] in
            guard try db.tableExists("grdb_migrations") else { return [] }
            let known = Set(migrator.migrations)
            return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier").filter { !known.contains($0) }
        }
        guard !unknown.isEmpty else { return }
        throw StoreError(
            path: path,
            Message(unknown.count == 1 ? .storeNewerOne : .storeNewer, ["list": unknown.map { "'\($0)'" }.joined(separator: ", ")]))
    }

    /// A database error at opening, as the command should report it.
    private static func translate(_ error: DatabaseError, path: String, busyTimeout: Double) -> any Error {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreBusy(path: path, waited: busyTimeout, holder: RunLock.holder(ofStore: path))
        case .SQLITE_READONLY:
            // A read-only connection meets the journal of a write that never finished (a killed
            // writer): only a connection that may write can roll it back.
            return StoreBusy(path: path, waited: nil, holder: RunLock.holder(ofStore: path))
        default:
            return StoreError(path: path, Message(.storeCannotOpen, ["reason": error.message ?? error.description]))
        }
    }

    /// True when `path` names the store's database file or one of SQLite's files beside it
    /// (journal, WAL, shared memory), through any link: reading it as input would open and close a
    /// descriptor of a file whose locks SQLite holds, which drops them. Compared by device and
    /// inode with `stat`, which opens nothing.
    public func isStoreFile(_ path: String) -> Bool {
        guard self.path != ":memory:", !self.path.isEmpty else { return false }
        var input = stat()
        guard stat(path, &input) == 0 else { return false }
        for suffix in ["", "-journal", "-wal", "-shm"] {
            var info = stat()
            if stat(self.path + suffix, &info) == 0, info.st_dev == input.st_dev, info.st_ino == input.st_ino { return true }
        }
        return false
    }

    /// The refusal of an input file that is the store itself (see ``isStoreFile(_:)``), or nil.
    public func refusalOfStoreFile(_ path: String) -> Message? {
        guard isStoreFile(path) else { return nil }
        return Message(.inputIsStore, ["path": self.path])
    }

    /// An empty in-memory store, for tests.
    public static func inMemory() throws -> Store { try Store(path: ":memory:", access: .readWrite) }

    /// Reads in a consistent snapshot.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try database.read(body)
    }

    /// Writes in one transaction: all of it lands, or none of it.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        guard access == .readWrite else {
            throw StoreError(path: path, Message(.storeReadOnly))
        }
        return try database.write(body)
    }

    /// Writes in one transaction, like `write`, with SQLite's foreign-key and CHECK enforcement off
    /// for its length: for bulk inserts of rows that hold by construction.
    ///
    /// Both are per-row costs of SQLite's, measured on a million register rows: each foreign key
    /// is an index look-up (department and import, rows the same transaction has just written),
    /// and `CHECK (risk_class IN ('A', 'B', 'C', 'D'))` builds a temporary B-tree of the four
    /// letters for every single-row insert. The bulk path binds risk classes only from the
    /// `RiskClass` enum. Statements prepared inside `body` are compiled without the checks; the
    /// settings are the connection's and are restored before this returns, whatever happens.
    func writeBulk<T>(_ body: (Database) throws -> T) throws -> T {
        guard access == .readWrite else {
            throw StoreError(path: path, Message(.storeReadOnly))
        }
        return try database.writeWithoutTransaction { db in
            // The pragma is a no-op inside a transaction, so it is set before the transaction opens.
            try db.execute(sql: "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON; PRAGMA ignore_check_constraints = OFF") }
            var result: T?
            try db.inTransaction {
                result = try body(db)
                return .commit
            }
            guard let result else { throw StoreError(path: path, Message(.storeBulkNoResult)) }
            return result
        }
    }

    /// The names of the migrations applied, in order.
    public func appliedMigrations() throws -> [String] {
        try read { db in try StoreSchema.migrator().appliedMigrations(db) }
    }

    /// Table names of the schema (for `suiji store info` and tests).
    public func tableNames() throws -> [String] {
        try read { db in
            try String.fetchAll(
                db,
                sql:
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name"
            )
        }
    }

    /// Closes the connection; later calls fail.
    public func close() throws {
        if let queue = database as? DatabaseQueue { try queue.close() }
    }

    /// A row count per table, for summaries and tests.
    public func rowCount(_ table: String) throws -> Int {
        try read { db in
            guard try db.tableExists(table) else { return 0 }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.quotedDatabaseIdentifier)") ?? 0
        }
    }
}

extension Date {
    /// ISO 8601 in UTC with seconds, as stored.
    var storeTimestamp: String { formatted(.iso8601) }
}

extension StoreError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .failure }
}
