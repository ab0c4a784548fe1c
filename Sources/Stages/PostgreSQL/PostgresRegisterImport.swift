// Why this exists: the PostgreSQL side of the register import's seam (RegisterImportTransaction,
// Stages/Import/RegisterImportStore.swift). The rows are the same and decided the same way; here
// they are streamed into the server with COPY FROM (into a temporary table: PostgreSQL allows no
// COPY into a table under row-level security) and moved into the county's lane (its region in every
// row) in one transaction per file, while the county's advisory lock is held.

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

    /// Creates an importer.
    public init(session: PostgresSession, region: String, clock: Clock = .system) {
        self.session = session
        self.region = region
        self.clock = clock
    }

    /// Connects, takes the county's lock (a second writer of the county: ``RunLockHeld``, exit 75),
    /// makes the schema if it is missing, imports the file, and lets go.
    public static func importFile(
        _ request: SnapshotImportRequest, into address: PostgresAddress, region: String, clock: Clock = .system
    ) throws -> SnapshotImportReport {
        try refuseUnavailable(request, store: address.description)
        let session = try PostgresSession.connect(address, applicationName: PostgresCountyLock.applicationName(command: "import"))
        defer { session.close() }
        let lock = try PostgresCountyLock.acquire(session, region: region, command: "import")
        if try !PostgresSchema.isInstalled(session) { try PostgresSchema.install(session) }
        let report = try PostgresRegisterImporter(session: session, region: region, clock: clock).run(request)
        try lock.release()
        return report
    }

    /// Only a register, and not a dry run, is imported into PostgreSQL yet.
    static func refuseUnavailable(_ request: SnapshotImportRequest, store: String) throws {
        guard request.kind == .register, !request.dryRun else {
            throw NotYetOnPostgreSQL(
                command: request.kind == .register ? "import --dry-run" : "\(request.kind.rawValue) import", store: store)
        }
    }

    /// Imports one register file in one transaction. File-level problems come back as a report, as on SQLite.
    public func run(_ request: SnapshotImportRequest) throws -> SnapshotImportReport {
        try Self.refuseUnavailable(request, store: session.address.description)
        let refusal = SnapshotImporter.inputRefusal(request.path, store: nil, followLinks: request.followsLinks)
        return try SnapshotImporter.importFile(request, refusal: refusal) { request, report in
            let byteCount = try request.digest?.byteCount ?? SnapshotImporter.fileSize(request.path, displayName: request.displayName)
            let store = PostgresRegisterImport(session: session, region: region)
            try session.execute("BEGIN")
            do {
                // As on SQLite: only a file of the size of an import of its scope is hashed before it is read.
                let sameSize =
                    try request.digest != nil
                    || session.texts(
                        """
                        SELECT 'yes' FROM imports WHERE region = \(region) AND scope_key = \(request.scopeKey)
                            AND byte_count = \(Int64(byteCount)) LIMIT 1
                        """
                    ).count == 1
                let latest = sameSize ? try store.latestImport(scope: request.scopeKey) : nil
                // A sheet named by hand may be another sheet of the same file: no same-file shortcut then.
                if let latest, request.sheet == nil,
                    try
                        (request.digest
                        ?? FileDigest.of(path: request.path, displayName: request.displayName, followLinks: request.followsLinks)).sha256
                        == latest
                {
                    report.sha256 = latest
                    report.outcome = .unchanged
                } else {
                    try SnapshotImporter.importRegister(
                        request, byteCount: byteCount, into: store, write: true, clock: clock, progress: nil, report: &report)
                }
                try session.execute("COMMIT")
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
    private var importID: Int64 = 0
    /// Rows closed by the file's changed rows: updated after the COPY (one statement on the connection at a time).
    private var closes: [Int64] = []
    private var copy: (feed: CopyFeed, done: BlockingFuture<Void>)?

    /// The columns the COPY fills, in the order of a line.
    static let columns = [
        "region", "department_id", "uscc", "name", "entity_type", "category", "registration_authority", "region_code", "address",
        "legal_rep", "risk_class", "status", "last_inspected", "established", "phone", "row_hash", "valid_from_import",
    ]

    init(session: PostgresSession, region: String) {
        self.session = session
        self.region = region
    }

    func latestImport(scope: String) throws -> String? {
        try session.texts(
            "SELECT content_sha256 FROM imports WHERE region = \(region) AND scope_key = \(scope) ORDER BY id DESC LIMIT 1"
        ).first ?? nil
    }

    func department(named name: String, creating: Bool) throws -> Int64? {
        if let id = try session.int64("SELECT id FROM departments WHERE region = \(region) AND name = \(name)") { return id }
        guard creating else { return nil }
        return try session.int64("INSERT INTO departments (region, name) VALUES (\(region), \(name)) RETURNING id")
    }

    func beginImport(_ request: SnapshotImportRequest, departmentID: Int64?, byteCount: Int, importedAt: String) throws -> Int64 {
        let id = try session.int64(
            """
            INSERT INTO imports (region, kind, department_id, scope_key, file_name, content_sha256, byte_count, imported_at)
            VALUES (\(region), \(request.kind.rawValue), \(departmentID), \(request.scopeKey), \(request.displayName), '', \(Int64(byteCount)),
                \(importedAt))
            RETURNING id
            """)
        guard let id else {
            throw PostgresStoreError(address: session.address.description, sqlState: nil, message: "the import's row was not added")
        }
        return id
    }

    func withImportSettings(_ body: () throws -> Void) throws { try body() }

    func loadTable(departmentID: Int64, expectedRows: Int) throws -> USCCKeyTable {
        let region = region
        let count =
            try session.int64(
                "SELECT COUNT(*) FROM register_rows WHERE region = \(region) AND department_id = \(departmentID) AND valid_to_import IS NULL"
            ) ?? 0
        let expected = max(Int(count), expectedRows)
        return try session.run { connection in
            try await PostgresRegisterImport.loadRows(connection, region: region, departmentID: departmentID, expected: expected)
        }
    }

    /// The current rows of a department, read into a key table.
    private static func loadRows(
        _ connection: PostgresConnection, region: String, departmentID: Int64, expected: Int
    ) async throws -> USCCKeyTable {
        var table = USCCKeyTable(expected: expected)
        let rows = try await connection.query(
            """
            SELECT id, uscc, row_hash FROM register_rows
            WHERE region = \(region) AND department_id = \(departmentID) AND valid_to_import IS NULL ORDER BY id
            """, logger: PostgresSession.logger)
        for try await row in rows {
            let (id, uscc, hash) = try row.decode((Int64, String, Int64).self)
            guard let key = USCCKey(uscc) else { continue }
            table.load(key, rowID: id, hash: hash)
        }
        return table
    }

    func prepareWrites(departmentID: Int64, importID: Int64) throws {
        self.departmentID = departmentID
        self.importID = importID
        // PostgreSQL refuses COPY FROM into a table under row-level security for a role held to it
        // (a county's): the rows are copied into a temporary table of this transaction, which has
        // none, and moved into the county's lane by one INSERT … SELECT, which the policy checks.
        try session.execute(
            """
            CREATE TEMPORARY TABLE register_rows_incoming ON COMMIT DROP AS
            SELECT \(Self.columns.joined(separator: ", ")) FROM register_rows WITH NO DATA
            """)
        let feed = CopyFeed()
        let connection = session.connection
        let done = PostgresSession.start {
            do {
                try await connection.copyFrom(
                    table: "register_rows_incoming", columns: PostgresRegisterImport.columns, logger: PostgresSession.logger
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
        var buffer = ByteBufferAllocator().buffer(capacity: batch.bytes.count + batch.operations.count * 64)
        let prefix = Array("\(region)\t\(departmentID)\t".utf8)
        let suffix = Array("\t\(importID)\n".utf8)
        let width = RegisterWriteBatch.width
        batch.bytes.withUnsafeBufferPointer { bytes in
            var next = 0
            for operation in batch.operations {
                switch operation {
                case .close(let rowID):
                    closes.append(rowID)
                case .insert(let hash):
                    guard (next + 1) * width <= batch.values.count else { continue }
                    buffer.writeBytes(prefix)
                    for field in 0..<width {
                        let (start, length) = batch.values[next * width + field]
                        if length < 0 || Int(start) + Int(length) > bytes.count {
                            buffer.writeStaticString("\\N")
                        } else {
                            Self.writeEscaped(UnsafeBufferPointer(rebasing: bytes[Int(start)..<(Int(start) + Int(length))]), to: &buffer)
                        }
                        buffer.writeInteger(UInt8(ascii: "\t"))
                    }
                    buffer.writeString(String(hash))
                    buffer.writeBytes(suffix)
                    next += 1
                }
            }
        }
        guard buffer.readableBytes > 0 else { return }
        do {
            try copy.feed.send(buffer)
        } catch is CopyFeed.Stopped {
            // The server ended the COPY: its reason is the error.
            try PostgresSession.value(of: copy.done, address: session.address)
            throw PostgresStoreError(address: session.address.description, sqlState: nil, message: "the COPY ended early")
        }
    }

    /// A value in COPY's text format: backslash, tab, newline and carriage return escaped.
    static func writeEscaped(_ value: UnsafeBufferPointer<UInt8>, to buffer: inout ByteBuffer) {
        var start = 0
        for (index, byte) in value.enumerated() {
            let escape: UInt8
            switch byte {
            case UInt8(ascii: "\\"): escape = UInt8(ascii: "\\")
            case UInt8(ascii: "\t"): escape = UInt8(ascii: "t")
            case UInt8(ascii: "\n"): escape = UInt8(ascii: "n")
            case UInt8(ascii: "\r"): escape = UInt8(ascii: "r")
            default: continue
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(value)[start..<index]))
            buffer.writeInteger(UInt8(ascii: "\\"))
            buffer.writeInteger(escape)
            start = index + 1
        }
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(value)[start..<value.count]))
    }

    func finishWrites(unsent: [Int64], newKeys: [USCCKey]) throws {
        if let copy {
            self.copy = nil
            copy.feed.finish(nil)
            try PostgresSession.value(of: copy.done, address: session.address)
            let columns = Self.columns.joined(separator: ", ")
            try session.execute("INSERT INTO register_rows (\(columns)) SELECT \(columns) FROM register_rows_incoming")
        }
        let closing = closes + unsent
        if !closing.isEmpty {
            try session.count(
                "UPDATE register_rows SET valid_to_import = \(importID) WHERE region = \(region) AND id = ANY(\(closing))")
        }
        if !newKeys.isEmpty {
            var text = [UInt8](repeating: 0, count: 18)
            let keys = newKeys.map { key in
                text.withUnsafeMutableBufferPointer { key.write(to: $0) }
                return String(decoding: text, as: UTF8.self)
            }
            try session.count(
                """
                INSERT INTO entities (region, uscc, first_seen_import)
                SELECT \(region), key, \(importID) FROM unnest(\(keys)::text[]) AS key ON CONFLICT DO NOTHING
                """)
        }
    }

    func abandonWrites(_ error: any Error) {
        guard let copy else { return }
        self.copy = nil
        copy.feed.finish(error)
        _ = try? copy.done.value()
    }

    func recordFile(importID: Int64, digest: FileDigest, report: SnapshotImportReport, summary: String) throws {
        try session.count(
            """
            UPDATE imports SET content_sha256 = \(digest.sha256), byte_count = \(Int64(digest.byteCount)),
                rows_read = \(Int64(report.rowsRead)), rows_imported = \(Int64(report.rowsImported)),
                rows_rejected = \(Int64(report.rowsRejected)), added = \(Int64(report.added)), changed = \(Int64(report.changed)),
                removed = \(Int64(report.removed)), unchanged = \(Int64(report.unchanged)), summary_json = \(summary)
            WHERE region = \(region) AND id = \(importID)
            """)
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
