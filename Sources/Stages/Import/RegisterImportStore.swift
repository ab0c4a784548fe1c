// Why this exists: the seam between the register import and the store it writes. The import
// (read, validate, diff: RegisterSnapshotLoad.swift) is one; what it asks of a store is small and
// listed here once, so that SQLite (below, the embedded default, its code as before) and
// PostgreSQL (Stages/PostgreSQL/PostgresRegisterImport.swift, with COPY) both sit behind it.

internal import Foundation
internal import GRDB
internal import GRDBSQLite
internal import Pipeline

/// What a register import needs of a store inside its one transaction: the previous import of the
/// file's scope, the department and the import's row, the previous snapshot as a key table, the
/// new rows in batches, the closes and new entities at the end, and the file recorded. The caller
/// opens the transaction (begin) and commits it, or rolls it back when anything here throws.
protocol RegisterImportTransaction: AnyObject {
    /// The transaction's statements through the stages' seam: the import's own row, its department and
    /// its record are written there (``SnapshotRows``), one text for both stores.
    var sql: any StageSQL { get }
    /// The night the import is recorded under (`imports.run_id`), or nil.
    var runID: Int64? { get }
    /// Runs the import's rows with the store's import settings.
    func withImportSettings(_ body: () throws -> Void) throws
    /// About how many current rows the department has (to size the key table).
    func currentRowsExpected(departmentID: Int64) throws -> Int
    /// Sends the department's current rows (key, row id, content hash) to `feed` in row order; the
    /// caller finishes the feed. Runs on the store's thread while the file is read.
    func loadCurrentRows(departmentID: Int64, into feed: CurrentRowsFeed) throws
    /// Gets ready to write the rows of an import.
    func prepareWrites(departmentID: Int64, importID: Int64) throws
    /// Writes a batch: new versions in their order, closes of changed rows.
    func write(_ batch: RegisterWriteBatch) throws
    /// After the last batch: closes the rows the file no longer sent and adds the new entities.
    func finishWrites(unsent: [Int64], newKeys: [USCCKey]) throws
    /// The writes stop here because of `error` (the transaction is rolled back after).
    func abandonWrites(_ error: any Error)
}

/// The SQLite side of the seam: the statements the register import has always run, on the
/// connection of the store's write transaction (`Store.writeBulk`), or of its read in a dry run.
///
/// While the file is read, the store file is synced every ``syncInterval`` bytes of it, on a thread
/// of its own (`startSync`), and once more after the rows while the new entities are added, so
/// that the commit finds little left to put on disk. This changes nothing of what a crash leaves:
/// SQLite writes a page into the store file during a transaction only once its journal is synced
/// (and it syncs through the same call, the VFS's `xSync`, at the commit). A failed sync stops
/// the import (a later sync could report success for pages the failed one lost). Measured on a
/// 1% re-import of a million rows: the commit's sync of the store file took 18 ms instead of
/// 74 ms (`strace -r`), and the import 0.84 s instead of 0.88 (medians of seven alternating runs).
/// On their own thread, a first import of 1,000,000 rows took 1.34–1.41 s instead of 1.40–1.47
/// (six alternating runs); the re-import and the XML import the same.
final class SQLiteRegisterImport: RegisterImportTransaction {
    /// The file bytes read between two syncs of the store file.
    static let syncInterval = 32 << 20

    private let db: Database
    let runID: Int64?
    private var adapter: RegisterAdapter?
    private let syncEvery: Int
    private var syncedAt = 0
    /// How many syncs of the store file ended well: while the file was read, and one after its
    /// rows if a quarter of the interval between syncs was read since the last.
    private(set) var syncs = 0

    /// The import's statements on `db`; `syncEvery` bytes of the file between syncs of the store file.
    init(_ db: Database, runID: Int64?, syncEvery: Int = SQLiteRegisterImport.syncInterval) {
        self.db = db
        self.runID = runID
        self.syncEvery = max(1, syncEvery)
    }

    var sql: any StageSQL { GRDBStageSQL(db) }

    func withImportSettings(_ body: () throws -> Void) throws { try SnapshotImporter.withImportCache(db, body) }

    func currentRowsExpected(departmentID: Int64) throws -> Int {
        try RegisterAdapter(departmentID: departmentID, importID: 0).currentRowsExpected(db)
    }

    func loadCurrentRows(departmentID: Int64, into feed: CurrentRowsFeed) throws {
        try RegisterAdapter(departmentID: departmentID, importID: 0).loadCurrentRows(db, into: feed)
    }

    func prepareWrites(departmentID: Int64, importID: Int64) throws {
        var adapter = RegisterAdapter(departmentID: departmentID, importID: importID)
        try adapter.prepare(db)
        self.adapter = adapter
        lastRowBefore = try RegisterAdapter.lastRowID(db)
    }

    /// The largest row id before this import's rows: they are the ones after it.
    private var lastRowBefore: Int64 = 0

    func write(_ batch: RegisterWriteBatch) throws {
        try adapter?.write(batch)
        writtenUpTo = batch.bytesRead
        if batch.bytesRead - syncedAt >= syncEvery {
            syncedAt = batch.bytesRead
            try startSync()
        }
    }

    /// The file bytes read when the last batch written was handed over.
    private var writtenUpTo = 0
    /// The sync of the store file running on a thread of its own, if any: SQLite's result code.
    private var syncing: BlockingFuture<Int32>?

    /// SQLite's own file of the store and its sync call (`SQLITE_FCNTL_FILE_POINTER`), to call on
    /// the sync's thread.
    private struct FileSync: @unchecked Sendable {
        let file: UnsafeMutablePointer<sqlite3_file>
        let sync: @convention(c) (UnsafeMutablePointer<sqlite3_file>?, Int32) -> Int32
    }

    /// Starts putting what SQLite has written into the store file so far on disk, on a thread of
    /// its own, once the sync before it has ended (it throws if that one failed); an in-memory
    /// store has nothing to sync.
    ///
    /// The store's thread goes on writing meanwhile: waiting for each sync held it 16–23 ms, six
    /// times in a first import of 1,000,000 rows (`strace -T`), while the reading thread filled the
    /// pipe and then waited too. The sync only uses SQLite's file descriptor, and every sync has
    /// ended before the transaction does (`finishWrites`, `abandonWrites`, `deinit`).
    private func startSync() throws {
        try finishSync()
        guard let connection = db.sqliteConnection else { return }
        var file: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite3_file_control(connection, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK, let file,
            let sync = file.pointee.pMethods?.pointee.xSync
        else { return }
        let call = FileSync(file: file, sync: sync)
        syncing = BlockingFuture.detached(name: "suiji store sync") { call.sync(call.file, SQLITE_SYNC_NORMAL) }
    }

    /// Waits for the sync in flight, if any; a failed one stops the import.
    private func finishSync() throws {
        guard let running = syncing else { return }
        syncing = nil
        let code = (try? running.value()) ?? SQLITE_ERROR
        guard code == SQLITE_OK else {
            let path = db.sqliteConnection.flatMap { sqlite3_db_filename($0, "main") }.map { String(cString: $0) } ?? ""
            throw StoreError(path: path, Message(.storeSyncFailed, ["reason": String(cString: sqlite3_errstr(code))]))
        }
        syncs += 1
    }

    func finishWrites(unsent: [Int64], newKeys: [USCCKey]) throws {
        guard let adapter else { return }
        // The rows are in: what is left of them goes to disk while the new entities are added,
        // and the commit finds less to wait for.
        if writtenUpTo - syncedAt >= max(1, syncEvery / 4) {
            syncedAt = writtenUpTo
            try startSync()
        }
        // In row order, so that the updates walk the table once.
        for rowID in unsent { try adapter.close(rowID: rowID) }
        try adapter.insertEntities(newKeys)
        try adapter.recordRowRange(db, after: lastRowBefore)
        try finishSync()
    }

    func abandonWrites(_ error: any Error) { try? finishSync() }

    deinit { try? finishSync() }
}
