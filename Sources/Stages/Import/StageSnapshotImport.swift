// Why this exists: the inspector registers and the avoidance list are snapshots as the registers
// are (SnapshotImport.swift: the same request, report, diff and rejects discipline), but small ones
// (a county's staff, its avoidance pairs): their statements go through the stages' seam
// (StageSQL.swift), written once for SQLite and a county's lane of PostgreSQL. The registers keep
// their measured paths (SQLite's raw statements, PostgreSQL's COPY) behind their own seam.

internal import Foundation
internal import Pipeline

extension StageStore {
    /// Imports an inspector register or the avoidance list in one transaction (read only in a dry
    /// run, or on a SQLite store opened read-only). File-level problems come back as a report with
    /// outcome `.fileRejected`; only store failures throw. A register takes its store's own path:
    /// ``SnapshotImporter`` on SQLite, ``PostgresRegisterImporter`` (COPY, one transaction, `checkpoint`
    /// at its kill points) in a county's lane (a dry run, or a lane opened for reading: one read-only snapshot).
    public func importSnapshot(
        _ request: SnapshotImportRequest, clock: Clock = .system, progress: ((Int) -> Void)? = nil,
        checkpoint: @escaping (String) -> Void = { _ in }
    ) throws -> SnapshotImportReport {
        let sqlite = self as? Store
        if request.kind == .register {
            // A register takes each store's measured path: SQLite's raw statements, PostgreSQL's COPY.
            if let sqlite { return try SnapshotImporter(store: sqlite, clock: clock, progress: progress).run(request) }
            // The seam's two stores: SQLite above, a county's lane of PostgreSQL here.
            guard let lane = self as? PostgresStageStore else { throw NotYetOnPostgreSQL(command: "import", store: "") }
            var importer = PostgresRegisterImporter(session: lane.session, region: lane.region, clock: clock, checkpoint: checkpoint)
            importer.runID = runID
            importer.progress = progress
            var request = request
            request.dryRun = request.dryRun || lane.isReadOnly // as on a SQLite store opened read-only
            return try importer.run(request)
        }
        let readOnly = request.dryRun || sqlite?.access == .readOnly
        let refusal = SnapshotImporter.inputRefusal(request.path, store: sqlite, followLinks: request.followsLinks)
        let runID = runID
        return try SnapshotImporter.importFile(request, refusal: refusal) { request, report in
            // The content hash decides whether the file is already the latest import. Only a file of
            // the size of an import of its scope can be, so it is hashed first only then; the hash
            // recorded is the one of exactly the bytes imported, computed as they are read.
            let byteCount = try request.digest?.byteCount ?? SnapshotImporter.fileSize(request.path, displayName: request.displayName)
            let sameSize =
                try request.digest != nil
                || reading { sql in try SnapshotRows.hasImport(scope: request.scopeKey, byteCount: byteCount, in: sql) }
            let known =
                sameSize
                ? try request.digest
                    ?? FileDigest.of(path: request.path, displayName: request.displayName, followLinks: request.followsLinks) : nil
            report.sha256 = known?.sha256
            let body = { (sql: any StageSQL) throws in
                // A sheet named by hand may be another sheet of the same file: no same-file shortcut then.
                if let known, request.sheet == nil, try SnapshotRows.isLatest(known, scope: request.scopeKey, in: sql) {
                    report.outcome = .unchanged
                    return
                }
                if readOnly { report.outcome = .dryRun }
                try SnapshotRows.importRows(
                    request, byteCount: byteCount, in: sql, write: !readOnly, runID: runID, clock: clock, progress: progress,
                    report: &report)
            }
            if readOnly { try reading(body) } else { try writing(body) }
        }
    }
}

/// A snapshot's rows through the stages' seam: one text of each statement for both stores. The
/// import's own row (its department, its start, its record) is written here for the registers too,
/// whose rows take each store's measured path (``RegisterImportTransaction``).
enum SnapshotRows {
    /// True when an import of the scope has this size: only such a file can be its latest import, so
    /// only then is a file hashed before it is read.
    static func hasImport(scope: String, byteCount: Int, in sql: any StageSQL) throws -> Bool {
        try sql.row("SELECT 1 FROM imports WHERE scope_key = ? AND byte_count = ? LIMIT 1", [scope, byteCount]) != nil
    }

    /// Adds an import's row (its hash and counts come with ``recordFile(importID:digest:report:in:)``); its id.
    static func beginImport(
        _ request: SnapshotImportRequest, departmentID: Int64?, byteCount: Int, importedAt: String, runID: Int64?, in sql: any StageSQL
    ) throws -> Int64 {
        try PlanRows.newID(
            """
            INSERT INTO imports (kind, department_id, scope_key, file_name, content_sha256, byte_count, imported_at, run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """,
            [request.kind.rawValue, departmentID, request.scopeKey, request.displayName, "", byteCount, importedAt, runID], in: sql)
    }

    /// Records the bytes read and the counts on an import's row.
    static func recordFile(importID: Int64, digest: FileDigest, report: SnapshotImportReport, in sql: any StageSQL) throws {
        try sql.execute(
            """
            UPDATE imports SET content_sha256 = ?, byte_count = ?, rows_read = ?, rows_imported = ?, rows_rejected = ?, added = ?,
                changed = ?, removed = ?, unchanged = ?, summary_json = ? WHERE id = ?
            """,
            [
                digest.sha256, digest.byteCount, report.rowsRead, report.rowsImported, report.rowsRejected, report.added,
                report.changed, report.removed, report.unchanged, try SnapshotImporter.summaryJSON(report), importID,
            ])
    }

    /// True if the latest import of the scope has this content.
    static func isLatest(_ digest: FileDigest, scope: String, in sql: any StageSQL) throws -> Bool {
        let latest = try sql.row("SELECT content_sha256 FROM imports WHERE scope_key = ? ORDER BY id DESC LIMIT 1", [scope])
        return try latest?.text(0) == digest.sha256
    }

    /// The department's id, made when `creating` and it is new; nil when it is not stored.
    static func department(named name: String, creating: Bool, in sql: any StageSQL) throws -> Int64? {
        if let id = try sql.integer("SELECT id FROM departments WHERE name = ?", [name]) { return id }
        guard creating else { return nil }
        return try PlanRows.newID("INSERT INTO departments (name) VALUES (?) RETURNING id", [name], in: sql)
    }

    static func importRows(
        _ request: SnapshotImportRequest, byteCount: Int, in sql: any StageSQL, write: Bool, runID: Int64?, clock: Clock,
        progress: ((Int) -> Void)?, report: inout SnapshotImportReport
    ) throws {
        let (file, stream) = try SnapshotImporter.openReading(request)
        defer { file.close() }
        var departmentID: Int64?
        if let department = request.department { departmentID = try Self.department(named: department, creating: write, in: sql) }
        var importID: Int64 = 0
        if write {
            importID = try beginImport(
                request, departmentID: departmentID, byteCount: byteCount, importedAt: clock.now().storeTimestamp, runID: runID, in: sql)
        }
        switch request.kind {
        case .register:
            return // SQLite's own path (SnapshotImporter)
        case .inspectors:
            var adapter = InspectorAdapter(departmentID: departmentID ?? 0, importID: importID)
            try runRows(&adapter, stream: stream, request: request, sql: sql, write: write, progress: progress, report: &report)
        case .avoidance:
            var adapter = AvoidanceAdapter(importID: importID)
            try runRows(&adapter, stream: stream, request: request, sql: sql, write: write, progress: progress, report: &report)
        }
        // The reader is done with the file: the digest of every byte read, with the rest of the file
        // read first should the reader have stopped early.
        let digest = try file.digest()
        if let expected = request.digest, expected != digest {
            throw FileChangedWhileRead(expected: expected, read: digest)
        }
        report.sha256 = digest.sha256
        if write { try recordFile(importID: importID, digest: digest, report: report, in: sql) }
    }

    private static func runRows<Adapter: SnapshotAdapter>(
        _ adapter: inout Adapter, stream: any TabularStream, request: SnapshotImportRequest, sql: any StageSQL, write: Bool,
        progress: ((Int) -> Void)?, report: inout SnapshotImportReport
    ) throws {
        var diff = SnapshotDiff(current: try adapter.loadCurrent(sql))
        report.previousCount = diff.counts.previous
        var writes = SnapshotWrites(sql, table: adapter.table, columns: adapter.columns, importID: adapter.importID)
        var rejects: RejectsWriter?
        // A dry run writes nothing anywhere, not even the rejects file it was given.
        if let path = request.rejectsPath, write {
            rejects = try RejectsWriter(
                path: path, header: stream.rejectsHeader + RejectsWriter.columns(request.language), sheet: stream.sheet)
        }
        defer { if rejects?.isOpen == true { rejects?.discard() } }
        var lastProgress = 0
        while let row = try stream.next() {
            report.rowsRead += 1
            if let progress, stream.bytesRead - lastProgress >= 1 << 22 {
                lastProgress = stream.bytesRead
                progress(lastProgress)
            }
            var warnings: [RowWarning] = []
            switch adapter.outcome(of: row, warnings: &warnings) {
            case .failure(let rejection):
                SnapshotImporter.reject(
                    row, rejection, adapter: adapter, request: request, sheet: stream.sheet, rejects: &rejects, report: &report)
                if let key = adapter.rawKey(row.values) { diff.reject(key, line: row.line) }
            case .success(let record):
                let hash = adapter.hash(of: record)
                let decision = diff.accept(adapter.key(of: record), hash: hash, line: row.line)
                if case .repeated(let first, let firstRejected) = decision {
                    let rejection = adapter.repeatRejection(record, firstLine: first, firstRejected: firstRejected)
                    SnapshotImporter.reject(
                        row, rejection, adapter: adapter, request: request, sheet: stream.sheet, rejects: &rejects, report: &report)
                    continue
                }
                SnapshotImporter.warn(row, warnings, adapter: adapter, request: request, sheet: stream.sheet, report: &report)
                guard write else { continue }
                switch decision {
                case .add: try writes.insert(adapter.values(of: record, hash: hash))
                case .change(let closing):
                    try writes.close(rowID: closing)
                    try writes.insert(adapter.values(of: record, hash: hash))
                case .unchanged, .repeated: break
                }
            }
        }
        try stream.finish()
        report.diagnostics.append(contentsOf: stream.warnings)
        report.diagnostics.sort { ($0.location?.line ?? 0) < ($1.location?.line ?? 0) }
        // In row order, so that the updates walk the table once.
        let closing = diff.unsent()
        report.count(diff.counts)
        if write {
            for rowID in closing { try writes.close(rowID: rowID) }
            try writes.flush()
        }
        try SnapshotImporter.conclude(request: request, rejects: &rejects, report: &report)
    }
}
