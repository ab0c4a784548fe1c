// Why this exists: the PostgreSQL side of the register import's seam (RegisterImportTransaction,
// Stages/Import/RegisterImportStore.swift). The rows are the same and decided the same way; here
// they are streamed with COPY FROM straight into the county's partition of `register_rows` (its
// lane: PostgresSchema.swift), in one transaction per file, while the county's advisory lock is held.

internal import Foundation
internal import NIOCore
internal import Pipeline
internal import PostgresNIO

/// Imports registers into a PostgreSQL store, one county's lane.
public struct PostgresRegisterImporter {
    /// The connection (its county's lock held by the caller, see ``importFile(_:into:region:clock:)``).
    public let session: PostgresSession
    /// The county whose lane the rows go into.
    public let region: String
    /// The clock for timestamps.
    public let clock: Clock
    /// Called at each point the kill tests name (``KillPoint``); the testing build's fault injection
    /// sends the process SIGKILL there. Does nothing by default.
    public let checkpoint: (String) -> Void
    /// The night (`runs.id`) the import is recorded under, or nil for an import run by hand.
    public var runID: Int64?
    /// Called now and then with bytes read, for a progress line.
    public var progress: ((Int) -> Void)?

    /// The points at which ``checkpoint`` is called, in order.
    public enum KillPoint {
        /// The county's lock is held; nothing written yet.
        public static let locked = "pg-locked"
        /// A batch of rows was handed to the COPY (once per batch: `pg-copying#N` is the N-th).
        public static let copying = "pg-copying"
        /// Every row written and the file recorded; the transaction not yet committed.
        public static let beforeCommit = "pg-before-commit"
        /// The transaction committed; the lock not yet given back.
        public static let committed = "pg-committed"
    }

    /// Creates an importer.
    public init(session: PostgresSession, region: String, clock: Clock = .system, checkpoint: @escaping (String) -> Void = { _ in }) {
        self.session = session
        self.region = region
        self.clock = clock
        self.checkpoint = checkpoint
    }

    /// Opens the county's lane as any writer does (``PostgresStageStore/open(_:region:command:writing:)``:
    /// the county's lock, exit 75 when another writer holds it; the schema and lane made if missing and
    /// the role may), imports the file, and lets go. A dry run takes no lock and makes nothing: it reads
    /// one snapshot of the county's lane.
    public static func importFile(
        _ request: SnapshotImportRequest, into address: PostgresAddress, region: String, clock: Clock = .system,
        checkpoint: @escaping (String) -> Void = { _ in }
    ) throws -> SnapshotImportReport {
        try refuseUnavailable(request, store: address.description)
        let lane = try PostgresStageStore.open(address, region: region, command: "import", writing: !request.dryRun)
        defer { lane.close() }
        checkpoint(KillPoint.locked)
        return try lane.importSnapshot(request, clock: clock, checkpoint: checkpoint)
    }

    /// Only a register is imported by COPY (the lists go through the stages' seam, StageSnapshotImport.swift).
    static func refuseUnavailable(_ request: SnapshotImportRequest, store: String) throws {
        guard request.kind == .register else { throw NotYetOnPostgreSQL(command: "\(request.kind.rawValue) import", store: store) }
    }

    /// Imports one register file in one transaction, or, in a dry run, reads it against one read-only
    /// snapshot of the lane and writes nothing (not even the rejects file), as on SQLite. File-level
    /// problems come back as a report, as on SQLite.
    public func run(_ request: SnapshotImportRequest) throws -> SnapshotImportReport {
        try Self.refuseUnavailable(request, store: session.address.description)
        let refusal = SnapshotImporter.inputRefusal(request.path, store: nil, followLinks: request.followsLinks)
        return try SnapshotImporter.importFile(request, refusal: refusal) { request, report in
            let byteCount = try request.digest?.byteCount ?? SnapshotImporter.fileSize(request.path, displayName: request.displayName)
            let store = PostgresRegisterImport(session: session, region: region, runID: runID, checkpoint: checkpoint)
            let write = !request.dryRun
            try session.execute(write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            do {
                // As on SQLite: only a file of the size of an import of its scope is hashed before it is read.
                let sameSize =
                    try request.digest != nil || SnapshotRows.hasImport(scope: request.scopeKey, byteCount: byteCount, in: store.sql)
                let known =
                    sameSize
                    ? try request.digest
                        ?? FileDigest.of(path: request.path, displayName: request.displayName, followLinks: request.followsLinks) : nil
                report.sha256 = known?.sha256
                // A sheet named by hand may be another sheet of the same file: no same-file shortcut then.
                if let known, request.sheet == nil, try SnapshotRows.isLatest(known, scope: request.scopeKey, in: store.sql) {
                    report.outcome = .unchanged
                } else {
                    if !write { report.outcome = .dryRun }
                    try SnapshotImporter.importRegister(
                        request, byteCount: byteCount, into: store, write: write, clock: clock, progress: progress, report: &report)
                }
                if write { checkpoint(KillPoint.beforeCommit) }
                try session.execute("COMMIT")
                if write { checkpoint(KillPoint.committed) }
            } catch {
                try? session.execute("ROLLBACK")
                throw error
            }
        }
    }
}

/// One register import's writes on PostgreSQL, inside the transaction ``PostgresRegisterImporter`` opens.
final class PostgresRegisterImport: RegisterImportTransaction {
    let session: PostgresSession
    let region: String
    private var departmentID: Int64 = 0
    /// The id of the next row written.
    private var nextRowID: Int64 = 1
    private var importID: Int64 = 0
    /// The night the import is recorded under (`imports.run_id`), or nil.
    let runID: Int64?
    /// Rows closed by the file's changed rows: updated after the COPY (one statement on the connection at a time).
    private var closes: [Int64] = []
    private var copy: (feed: CopyFeed, done: BlockingFuture<Void>)?
    /// The kill tests' hook (``PostgresRegisterImporter/checkpoint``).
    private let checkpoint: (String) -> Void

    /// The columns the COPY fills, in the order of a line.
    static let columns = [
        "region", "department_id", "uscc", "name", "entity_type", "category", "registration_authority", "region_code", "address",
        "legal_rep", "risk_class", "status", "last_inspected", "established", "phone", "row_hash", "valid_from_import", "id",
    ]

    init(session: PostgresSession, region: String, runID: Int64? = nil, checkpoint: @escaping (String) -> Void = { _ in }) {
        self.session = session
        self.region = region
        self.runID = runID
        self.checkpoint = checkpoint
    }

    /// The county's partition of `register_rows` (its name: six digits after a fixed prefix, nothing to quote).
    var rows: String { PostgresSchema.partition(PostgresSchema.partitioned, region: region) }

    /// Parameters for a query written with `$1`, `$2`….
    static func bindings(_ values: any PostgresEncodable...) throws -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values { try bindings.append(value, context: .default) }
        return bindings
    }

    /// The transaction's statements through the seam, in the county's lane (the session acts as its role).
    var sql: any StageSQL { PostgresStageSQL(session) }

    func withImportSettings(_ body: () throws -> Void) throws { try body() }

    func currentRowsExpected(departmentID: Int64) throws -> Int {
        let count =
            try session.int64(
                PostgresQuery(
                    unsafeSQL: "SELECT count(*) FROM \(rows) WHERE department_id = $1 AND valid_to_import IS NULL",
                    binds: Self.bindings(departmentID))
            ) ?? 0
        return Int(count)
    }

    func loadCurrentRows(departmentID: Int64, into feed: CurrentRowsFeed) throws {
        let rows = rows
        try session.run { connection in
            try await PostgresRegisterImport.loadRows(connection, table: rows, departmentID: departmentID, into: feed)
        }
    }

    /// The current rows of a department, sent to `feed` in row order.
    private static func loadRows(
        _ connection: PostgresConnection, table name: String, departmentID: Int64, into feed: CurrentRowsFeed
    ) async throws {
        var batch = KeyTableBatch()
        let rows = try await connection.query(
            PostgresQuery(
                unsafeSQL: "SELECT id, uscc, row_hash FROM \(name) WHERE department_id = $1 AND valid_to_import IS NULL ORDER BY id",
                binds: bindings(departmentID)), logger: PostgresSession.logger)
        for try await row in rows {
            let (id, uscc, hash) = try row.decode((Int64, String, Int64).self)
            guard let key = USCCKey(uscc) else { continue }
            batch.add(key, rowID: id, hash: hash, to: feed)
        }
        batch.flush(to: feed)
    }

    func prepareWrites(departmentID: Int64, importID: Int64) throws {
        self.departmentID = departmentID
        self.importID = importID
        // The county's rows are numbered by the import (PostgresSchema.v2), after its highest; the
        // county's lock, held by every writer, keeps them unique.
        nextRowID = try session.int64(PostgresQuery(unsafeSQL: "SELECT coalesce(max(id), 0) + 1 FROM \(rows)")) ?? 1
        // Straight into the county's partition, which only the county's role (or an administrator)
        // may write and whose constraint takes rows of its region only (PostgresSchema.swift).
        let feed = CopyFeed()
        let connection = session.connection
        let table = rows
        let done = PostgresSession.start {
            do {
                try await connection.copyFrom(
                    table: table, columns: PostgresRegisterImport.columns, logger: PostgresSession.logger
                ) { writer in
                    for try await buffer in feed.stream {
                        try await writer.write(buffer)
                        feed.consumed()
                    }
                }
            } catch {
                feed.stop()
                throw error
            }
        }
        copy = (feed, done)
    }

    func write(_ batch: RegisterWriteBatch) throws {
        guard let copy else { return }
        let prefix = Array("\(region)\t\(departmentID)\t".utf8)
        let suffix = Array("\t\(importID)\t".utf8)
        let width = RegisterWriteBatch.width
        // At most: every field's bytes escaped (two each) or `\N`, a tab after each, the fixed columns.
        let capacity = 2 * batch.bytes.count + batch.operations.count * (prefix.count + suffix.count + 3 * width + 48)
        var buffer = ByteBufferAllocator().buffer(capacity: capacity)
        var rowID = nextRowID
        // Written through one pointer, not a ByteBuffer call per value: this is the import's hot loop.
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: capacity) { out in
            var line = CopyLine(out: out)
            batch.bytes.withUnsafeBufferPointer { bytes in
                var next = 0
                for operation in batch.operations {
                    switch operation {
                    case .close(let rowID):
                        closes.append(rowID)
                    case .insert(let hash):
                        guard (next + 1) * width <= batch.values.count else { continue }
                        line.put(prefix)
                        for field in 0..<width {
                            let (start, length) = batch.values[next * width + field]
                            if length < 0 || Int(start) + Int(length) > bytes.count {
                                line.putNull()
                            } else {
                                line.putEscaped(UnsafeBufferPointer(rebasing: bytes[Int(start)..<(Int(start) + Int(length))]))
                            }
                            line.put(UInt8(ascii: "\t"))
                        }
                        line.put(decimal: hash)
                        line.put(suffix)
                        line.put(decimal: rowID)
                        line.put(UInt8(ascii: "\n"))
                        rowID += 1
                        next += 1
                    }
                }
            }
            return line.count
        }
        nextRowID = rowID
        guard buffer.readableBytes > 0 else { return }
        do {
            try copy.feed.send(buffer)
            checkpoint(PostgresRegisterImporter.KillPoint.copying)
        } catch is CopyFeed.Stopped {
            // The server ended the COPY: its reason is the error.
            try PostgresSession.value(of: copy.done, address: session.address)
            throw PostgresStoreError(
                address: session.address.description, sqlState: nil, Message(.pgNothingStored, parts: ["text": Message(.pgCopyEnded)]))
        }
    }

    func finishWrites(unsent: [Int64], newKeys: [USCCKey]) throws {
        if let copy {
            self.copy = nil
            copy.feed.finish(nil)
            try PostgresSession.value(of: copy.done, address: session.address)
        }
        let closing = closes + unsent
        if !closing.isEmpty {
            try session.count(
                PostgresQuery(
                    unsafeSQL: "UPDATE \(rows) SET valid_to_import = $1 WHERE id = ANY($2)", binds: Self.bindings(importID, closing)))
        }
        // The new keys need no write: `entities` is derived from the rows (PostgresSchema.v2).
    }

    func abandonWrites(_ error: any Error) {
        guard let copy else { return }
        self.copy = nil
        copy.feed.finish(error)
        _ = try? copy.done.value()
    }
}

/// Lines of COPY's text format written into memory the caller sized for them (``PostgresRegisterImport/write(_:)``).
struct CopyLine {
    /// Where the bytes go.
    let out: UnsafeMutableRawBufferPointer
    /// How many are written.
    private(set) var count = 0

    init(out: UnsafeMutableRawBufferPointer) { self.out = out }

    /// One byte.
    mutating func put(_ byte: UInt8) {
        out[count] = byte
        count += 1
    }

    /// Bytes as they are.
    mutating func put(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { put(raw: $0) }
    }

    private mutating func put(raw bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, let target = out.baseAddress, bytes.count > 0 else { return }
        (target + count).copyMemory(from: base, byteCount: bytes.count)
        count += bytes.count
    }

    /// A NULL: `\N`.
    mutating func putNull() {
        put(UInt8(ascii: "\\"))
        put(UInt8(ascii: "N"))
    }

    /// A value with backslash, tab, newline and carriage return escaped; copied whole when it has none.
    mutating func putEscaped(_ value: UnsafeBufferPointer<UInt8>) {
        if !Self.mayNeedEscaping(UnsafeRawBufferPointer(value)) {
            put(raw: UnsafeRawBufferPointer(value))
            return
        }
        for byte in value {
            switch byte {
            case UInt8(ascii: "\\"): put(UInt8(ascii: "\\")); put(UInt8(ascii: "\\"))
            case UInt8(ascii: "\t"): put(UInt8(ascii: "\\")); put(UInt8(ascii: "t"))
            case UInt8(ascii: "\n"): put(UInt8(ascii: "\\")); put(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): put(UInt8(ascii: "\\")); put(UInt8(ascii: "r"))
            default: put(byte)
            }
        }
    }

    /// False when `bytes` has no backslash and no byte below 0x0E (tab, newline, carriage return are
    /// among them): looked at eight bytes at a time, the usual case being a value with none.
    static func mayNeedEscaping(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var index = 0
        while index + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let backslash = word ^ (ones &* 0x5C)
            // A zero byte in `backslash`, or a byte of `word` below 0x0E (exact for bytes below 0x80).
            if (backslash &- ones) & ~backslash & highs != 0 || (word &- ones &* 0x0E) & ~word & highs != 0 { return true }
            index += 8
        }
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") || bytes[index] < 0x0E { return true }
            index += 1
        }
        return false
    }

    /// A number in decimal digits.
    mutating func put(decimal value: Int64) {
        if value < 0 { put(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes: room for the 20 digits of a UInt64
        withUnsafeMutableBytes(of: &digits) { room in
            var end = room.count
            repeat {
                end -= 1
                room[end] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            put(raw: UnsafeRawBufferPointer(rebasing: room[end...]))
        }
    }
}

/// The hand-over of COPY data from the store's thread to the COPY running on the PostgreSQL
/// executor: at most `capacity` buffers on the way, so that the reader never runs far ahead.
final class CopyFeed: @unchecked Sendable {
    let stream: AsyncThrowingStream<ByteBuffer, any Error>
    private let continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation
    private let credits: DispatchSemaphore
    private let lock = NSLock()
    // Guarded by `lock`.
    private var stopped = false

    /// Raised in the sender when the COPY has ended early (the server refused it).
    struct Stopped: Error {}

    init(capacity: Int = 4) {
        (stream, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self, throwing: (any Error).self)
        credits = DispatchSemaphore(value: capacity)
    }

    /// Hands a buffer over, waiting while `capacity` are on the way.
    func send(_ buffer: ByteBuffer) throws {
        credits.wait()
        if lock.withLock({ stopped }) {
            credits.signal()
            throw Stopped()
        }
        continuation.yield(buffer)
    }

    /// The COPY has written a buffer.
    func consumed() { credits.signal() }

    /// The COPY has ended early: a waiting sender wakes and stops.
    func stop() {
        lock.withLock { stopped = true }
        credits.signal()
    }

    /// No more buffers: the COPY ends, or fails with `error`.
    func finish(_ error: (any Error)?) { continuation.finish(throwing: error) }
}
