// Snapshot imports: a department's register, a department's inspectors, the avoidance list.
//
// Each file is a full snapshot of what its sender holds. In one transaction the importer streams
// the rows, validates them, compares each with the current version in the store (a type-2 slowly
// changing dimension: valid_from_import / valid_to_import) and writes only the differences:
// new rows, new versions of changed rows, and closed versions of rows no longer sent. Nothing is
// deleted. Memory stays flat: the file is read in chunks, and the current snapshot is held as a
// compact key -> (row id, content hash) table. What to write is decided by the one snapshot diff,
// `SnapshotDiff` in Pipeline/Snapshots; this file loads its table and stores its decisions.
// Registers, the large ones, take the two-thread bulk path in RegisterSnapshotLoad.swift.

internal import Foundation
internal import GRDB
internal import Pipeline

/// Runs snapshot imports against a store.
public struct SnapshotImporter {
    /// The share of current rows a snapshot may remove without `--allow-mass-removal`: 20%.
    public static let massRemovalLimit = 0.20

    /// SQLite's page cache during an import, in KiB.
    static let importCacheKiB = 8 * 1024

    /// The store.
    public let store: Store
    /// The clock for timestamps.
    public let clock: Clock
    /// Called now and then with bytes read, for a progress line.
    public var progress: ((Int) -> Void)?

    /// Creates an importer.
    public init(store: Store, clock: Clock = .system, progress: ((Int) -> Void)? = nil) {
        self.store = store
        self.clock = clock
        self.progress = progress
    }

    /// Imports one file. File-level problems come back as a report with outcome `.fileRejected`;
    /// only store failures throw.
    public func run(_ request: SnapshotImportRequest) throws -> SnapshotImportReport {
        // Inspectors and avoidance go through the stages' seam, the same statements on either store.
        guard request.kind == .register else { return try store.importSnapshot(request, clock: clock, progress: progress) }
        return try Self.importFile(request, refusal: Self.inputRefusal(request.path, store: store, followLinks: request.followsLinks)) {
            request, report in try importChecked(request, report: &report)
        }
    }

    /// The part of an import every store shares: the file refused before it is opened (`refusal`),
    /// its format and department settled, then `body` (the store's part) run, and the file-level
    /// problems it throws turned into the report.
    static func importFile(
        _ request: SnapshotImportRequest, refusal: Message?,
        body: (SnapshotImportRequest, inout SnapshotImportReport) throws -> Void
    ) throws -> SnapshotImportReport {
        var request = request
        if let refusal {
            return Self.fileRejected(
                SnapshotImportReport(kind: request.kind, file: request.displayName, department: request.department, outcome: .fileRejected),
                Diagnostic(.error, refusal, at: SourceLocation(file: request.displayName)))
        }
        do {
            // By content: a workbook is read as one whatever its name; a legacy binary one is refused whole.
            request.format = try InputFormat.detect(path: request.path, displayName: request.displayName, requested: request.format)
        } catch let error as MalformedFileError {
            let report = SnapshotImportReport(
                kind: request.kind, file: request.displayName, department: request.department, outcome: .imported)
            return Self.fileRejected(report, error.diagnostic)
        }
        if request.department == nil, request.kind != .avoidance, request.format == .xml {
            // An XML register names its department on the root element.
            request.department = XMLTabularStream.declaredDepartment(path: request.path, shape: try Self.shape(of: request.kind))
        }
        let started = DispatchTime.now()
        var report = SnapshotImportReport(kind: request.kind, file: request.displayName, department: request.department, outcome: .imported)
        // Stored with the import: no control character may hide in them.
        if let refusal = ControlCharacters.refusal(of: request.displayName, as: .wordFileName)
            ?? request.department.flatMap({ ControlCharacters.refusal(of: $0, as: .wordDepartmentName) })
        {
            return Self.fileRejected(report, Diagnostic(.error, refusal, at: SourceLocation(file: request.displayName)))
        }
        if request.kind != .avoidance, (request.department ?? "").isEmpty {
            return Self.fileRejected(
                report,
                Diagnostic(
                    .error,
                    Message(
                        .inputNoDepartment, ["root": (try? Self.shape(of: request.kind))?.xmlRoot ?? "registry"],
                        parts: ["kind": Message(request.kind.nounKey)]),
                    at: SourceLocation(file: request.displayName)))
        }
        do {
            try body(request, &report)
        } catch let error as MassRemovalRefused {
            report.outcome = .refused
            report.rejectsFile = nil
            report.diagnostics.append(Diagnostic(.error, error.text, at: SourceLocation(file: request.displayName)))
        } catch {
            guard let failure = ReadFailure.diagnostic(error, file: request.displayName) else { throw error }
            report = Self.fileRejected(report, failure.diagnostic)
            if failure.changedWhileRead { report.outcome = .changedWhileRead }
        }
        report.elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return report
    }

    /// The SQLite store's part of ``run(_:)`` for a register: the same-file check, then the rows in
    /// one transaction (or read only, in a dry run).
    private func importChecked(_ request: SnapshotImportRequest, report: inout SnapshotImportReport) throws {
        do {
            // The content hash decides whether the file is already the latest import. Only a
            // file of the same size can be, so it is hashed first only then. The hash recorded
            // is another: the one of exactly the bytes imported, computed as they are read.
            let byteCount = try request.digest?.byteCount ?? Self.fileSize(request.path, displayName: request.displayName)
            let sameSize =
                try request.digest != nil
                || store.read { db in try SnapshotRows.hasImport(scope: request.scopeKey, byteCount: byteCount, in: GRDBStageSQL(db)) }
            let known =
                sameSize
                ? try request.digest
                    ?? FileDigest.of(path: request.path, displayName: request.displayName, followLinks: request.followsLinks) : nil
            report.sha256 = known?.sha256
            if request.dryRun || store.access == .readOnly {
                try store.read { db in
                    // A sheet named by hand may be another sheet of the same file: no same-file shortcut then.
                    if let known, request.sheet == nil, try SnapshotRows.isLatest(known, scope: request.scopeKey, in: GRDBStageSQL(db)) {
                        report.outcome = .unchanged
                        return
                    }
                    report.outcome = .dryRun
                    try importRows(request, byteCount: byteCount, db: db, write: false, report: &report)
                }
            } else {
                // A register's rows and entities reference the department and import rows this
                // transaction writes first: the bulk path skips SQLite's per-row foreign-key checks.
                try store.writeBulk { db in
                    // A sheet named by hand may be another sheet of the same file: no same-file shortcut then.
                    if let known, request.sheet == nil, try SnapshotRows.isLatest(known, scope: request.scopeKey, in: GRDBStageSQL(db)) {
                        report.outcome = .unchanged
                        return
                    }
                    try importRows(request, byteCount: byteCount, db: db, write: true, report: &report)
                }
            }
        }
    }

    private static func fileRejected(_ report: SnapshotImportReport, _ diagnostic: Diagnostic) -> SnapshotImportReport {
        var rejected = SnapshotImportReport(kind: report.kind, file: report.file, department: report.department, outcome: .fileRejected)
        rejected.sha256 = report.sha256
        rejected.diagnostics = [diagnostic]
        return rejected
    }

    /// Why an input file is refused before it is opened, or nil: it is the store itself (see
    /// ``Store/isStoreFile(_:)``), not a regular file (a FIFO would make `open` wait for a writer
    /// for ever, a device never ends), or, with `followLinks` false, a symbolic link.
    static func inputRefusal(_ path: String, store: Store?, followLinks: Bool) -> Message? {
        if let refusal = store?.refusalOfStoreFile(path) { return refusal }
        var info = stat()
        let found = followLinks ? stat(path, &info) : lstat(path, &info)
        guard found == 0 else { return Message(.inputCannotOpen, ["reason": String(cString: strerror(errno))]) }
        switch FileType(mode: info.st_mode) {
        case .regular: return nil
        case .symbolicLink: return Message(.inputSymlink)
        case let type: return Message(.inputNotRegular, parts: ["noun": type.nounText])
        }
    }

    /// The size of a file, or a file error naming it.
    static func fileSize(_ path: String, displayName: String) throws -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw MalformedFileError(
                location: SourceLocation(file: displayName), message: "cannot open the file: \(String(cString: strerror(errno)))")
        }
        return Int(info.st_size)
    }

    // MARK: The import proper

    private func importRows(
        _ request: SnapshotImportRequest, byteCount: Int, db: Database, write: Bool, report: inout SnapshotImportReport
    ) throws {
        let store = SQLiteRegisterImport(db, runID: store.runID)
        try Self.importRegister(request, byteCount: byteCount, into: store, write: write, clock: clock, progress: progress, report: &report)
    }

    /// The counts stored with an import, as canonical JSON.
    static func summaryJSON(_ report: SnapshotImportReport) throws -> String {
        String(decoding: try canonicalJSON(ImportCounts(report)), as: UTF8.self)
    }

    /// A register, through the seam (``RegisterImportTransaction``): the department and the import's
    /// row, the rows read on a thread of their own while this thread writes, the file recorded.
    static func importRegister(
        _ request: SnapshotImportRequest, byteCount: Int, into store: some RegisterImportTransaction, write: Bool, clock: Clock,
        progress: ((Int) -> Void)?, report: inout SnapshotImportReport
    ) throws {
        let (file, stream) = try Self.openReading(request)
        defer { file.close() }
        var departmentID: Int64?
        if let department = request.department {
            departmentID = try SnapshotRows.department(named: department, creating: write, in: store.sql)
        }
        var importID: Int64 = 0
        if write {
            importID = try SnapshotRows.beginImport(
                request, departmentID: departmentID, byteCount: byteCount, importedAt: clock.now().storeTimestamp, runID: store.runID,
                in: store.sql)
        }
        let adapter = RegisterAdapter(departmentID: departmentID ?? 0, importID: importID)
        try store.withImportSettings {
            try runRegisterRows(
                adapter, store: store, stream: stream, request: request, byteCount: byteCount, write: write, progress: progress,
                report: &report)
        }
        // The reader is done with the file (its thread has ended): the digest of every byte read,
        // with the rest of the file read first should the reader have stopped early.
        let digest = try file.digest()
        if let expected = request.digest, expected != digest {
            throw FileChangedWhileRead(expected: expected, read: digest)
        }
        report.sha256 = digest.sha256
        if write { try SnapshotRows.recordFile(importID: importID, digest: digest, report: report, in: store.sql) }
    }

    /// The shape of a kind of snapshot.
    static func shape(of kind: SnapshotKind) throws -> TabularShape {
        switch kind {
        case .register: try .register()
        case .inspectors: try .inspectors()
        case .avoidance: try .avoidance()
        }
    }

    /// Opens the right reader for the file, reading through `file`.
    /// The file and its stream, read in one pass: the readers read through the file, which hashes every byte they read.
    static func openReading(_ request: SnapshotImportRequest) throws -> (FileChunks, any TabularStream) {
        let file = try FileChunks(
            path: request.path, displayName: request.displayName, chunkSize: request.chunkSize, followLinks: request.followsLinks,
            hashing: true)
        do {
            return (file, try openStream(request, file: file))
        } catch {
            file.close()
            throw error
        }
    }

    static func openStream(_ request: SnapshotImportRequest, file: FileChunks) throws -> any TabularStream {
        let shape = try shape(of: request.kind)
        switch request.format ?? InputFormat.guess(path: request.path) {
        case .csv:
            let reader = DelimitedFileReader(file: file, path: request.path, displayName: request.displayName, encoding: request.encoding)
            return try DelimitedTabularStream(reader: reader, shape: shape, displayName: request.displayName)
        case .xml:
            return try XMLTabularStream(
                file: file, displayName: request.displayName, shape: shape, department: request.department,
                validate: request.validateXML && request.kind == .register)
        case .xlsx:
            // A chunk size below the inflater's own (tests) re-cuts the decompressed parts for the XML parser.
            // A workbook is read by its ZIP directory: the digest reads the file's bytes through `file` after the rows.
            return try XLSXTabularStream(
                path: request.path, displayName: request.displayName, shape: shape, sheet: request.sheet,
                pieceSize: request.chunkSize < XLSXInflater.chunkSize ? request.chunkSize : nil)
        }
    }

    /// Runs `body` with SQLite's larger import page cache, restoring the connection's own afterwards.
    static func withImportCache(_ db: Database, _ body: () throws -> Void) throws {
        let previousCacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
        try db.execute(sql: "PRAGMA cache_size = \(-importCacheKiB)")
        defer { try? db.execute(sql: "PRAGMA cache_size = \(previousCacheSize)") }
        try body()
    }

    /// The end of every snapshot import: the removal limit, then the rejects file put in place.
    static func conclude(request: SnapshotImportRequest, rejects: inout RejectsWriter?, report: inout SnapshotImportReport) throws {
        if report.previousCount > 0, !request.allowMassRemoval,
            Double(report.removed) > Self.massRemovalLimit * Double(report.previousCount)
        {
            let share = Int((Double(report.removed) * 100 / Double(report.previousCount)).rounded())
            let kind = Message(request.kind.nameKey)
            let whose =
                request.department.map { Message(.importWhoseDepartment, ["department": $0], parts: ["kind": kind]) }
                ?? Message(.importWhoseKind, parts: ["kind": kind])
            throw MassRemovalRefused(
                text: Message(
                    .importMassRemoval,
                    ["removed": Count.number(report.removed), "previous": Count.number(report.previousCount), "share": "\(share)"],
                    parts: ["noun": Message(request.kind.nounKey), "whose": whose]))
        }
        if report.rowsRejected > 0, rejects != nil {
            try rejects?.commit()
            report.rejectsFile = request.rejectsPath
        }
    }

    /// A register's rows: read and decided on a thread of their own while this thread writes
    /// them to `store` (see `RegisterRowProducer`).
    private static func runRegisterRows(
        _ adapter: RegisterAdapter, store: some RegisterImportTransaction, stream: any TabularStream, request: SnapshotImportRequest,
        byteCount: Int, write: Bool, progress: ((Int) -> Void)?, report: inout SnapshotImportReport
    ) throws {
        // About 230 bytes a CSV row, 600 an XML record and 90 a workbook row (compressed, its texts
        // in the shared strings): the table is sized once, without a doubled peak.
        let format = request.format ?? InputFormat.guess(path: request.path)
        let bytesPerRow = format == .xml ? 600 : format == .xlsx ? 80 : 200
        let expected = try store.currentRowsExpected(departmentID: adapter.departmentID)
        let table = USCCKeyTable(expected: max(expected, byteCount / bytesPerRow))
        // The store's current rows reach the table while the file is read (`CurrentRowsFeed`).
        let feed = CurrentRowsFeed()
        /// Loads the current rows into the feed and finishes it, with the load's error if any.
        func loadCurrentRows() throws {
            do {
                try store.loadCurrentRows(departmentID: adapter.departmentID, into: feed)
                feed.finish()
            } catch {
                feed.finish(throwing: error)
                throw error
            }
        }
        var rejects: RejectsWriter?
        // A dry run writes nothing anywhere, not even the rejects file it was given.
        if let path = request.rejectsPath, write {
            rejects = try RejectsWriter(
                path: path, header: stream.rejectsHeader + RejectsWriter.columns(request.language), sheet: stream.sheet)
        }
        let pipe = write ? RegisterWritePipe() : nil
        let producer = RegisterRowProducer(
            stream: stream, request: request, adapter: adapter, table: table, feed: feed, report: report, rejects: rejects, pipe: pipe)
        rejects = nil // the producer owns it now
        if let pipe {
            let thread = Thread { producer.run() }
            thread.name = "suiji register reader"
            thread.start()
            var lastProgress = 0
            do {
                try loadCurrentRows()
                // After the load: PostgreSQL's writes hold the connection in a COPY.
                try store.prepareWrites(departmentID: adapter.departmentID, importID: adapter.importID)
                while let batch = try pipe.take() {
                    batch.hashPending()
                    try store.write(batch)
                    if let progress, batch.bytesRead - lastProgress >= 1 << 22 {
                        lastProgress = batch.bytesRead
                        progress(lastProgress)
                    }
                    pipe.recycle(batch)
                }
            } catch {
                store.abandonWrites(error)
                pipe.cancelAndWait()
                // The producer may have ended cleanly before the store failed: its temporary rejects file goes too.
                if producer.rejects?.isOpen == true { producer.rejects?.discard() }
                throw error
            }
        } else {
            // A dry run reads on this thread: the whole table first.
            // (A dry run has no rejects file to discard.)
            try loadCurrentRows()
            try producer.runHere()
        }
        report = producer.report
        rejects = producer.rejects
        defer { if rejects?.isOpen == true { rejects?.discard() } }
        if write {
            do {
                try store.finishWrites(unsent: producer.unsent, newKeys: producer.newKeys)
            } catch {
                store.abandonWrites(error)
                throw error
            }
        }
        try Self.conclude(request: request, rejects: &rejects, report: &report)
    }

    static func reject<Adapter: SnapshotRowRules>(
        _ row: TabularRow, _ rejection: RowRejection, adapter: Adapter, request: SnapshotImportRequest, sheet: String?,
        rejects: inout RejectsWriter?, report: inout SnapshotImportReport
    ) {
        report.rowsRejected += 1
        let shape = adapter.fields
        let column = rejection.field.flatMap { shape.firstIndex(of: $0) }.flatMap { index in
            index < row.columns.count ? row.columns[index] : nil
        }
        var context: [String: String] = [:]
        if let index = shape.firstIndex(of: adapter.contextField), index < row.values.count,
            let value = row.values[index]?.trimmingWhitespace(), !value.isEmpty
        {
            context[adapter.contextField] = value
        }
        report.diagnostics.append(
            Diagnostic(
                .error, rejection.text, at: SourceLocation(file: request.displayName, line: row.line, column: column ?? 1, sheet: sheet),
                context: context))
        rejects?.append(row.original + [String(row.line), MessageCatalogue(request.language)(rejection.text)])
    }

    /// Reports what an accepted row left unset (an optional date that is not one), at its cell.
    static func warn<Adapter: SnapshotRowRules>(
        _ row: TabularRow, _ warnings: [RowWarning], adapter: Adapter, request: SnapshotImportRequest, sheet: String?,
        report: inout SnapshotImportReport
    ) {
        for warning in warnings {
            let index = warning.field.flatMap { adapter.fields.firstIndex(of: $0) }
            let column = index.flatMap { $0 < row.columns.count ? row.columns[$0] : nil }
            var context: [String: String] = [:]
            if let key = adapter.fields.firstIndex(of: adapter.contextField), key < row.values.count,
                let value = row.values[key]?.trimmingWhitespace(), !value.isEmpty
            {
                context[adapter.contextField] = value
            }
            report.diagnostics.append(
                Diagnostic(
                    .warning, warning.text,
                    at: SourceLocation(file: request.displayName, line: row.line, column: column ?? 1, sheet: sheet), context: context))
        }
    }
}

extension SnapshotImportReport {
    /// Takes the diff's counts (the store's size before, and what the file added, changed, kept and removed).
    mutating func count(_ counts: SnapshotDiffCounts) {
        previousCount = counts.previous
        rowsImported = counts.imported
        added = counts.added
        changed = counts.changed
        unchanged = counts.unchanged
        retained = counts.retained
        removed = counts.removed
    }
}

/// Counts stored with each import, as JSON.
private struct ImportCounts: Encodable {
    var rowsRead, rowsImported, rowsRejected, added, changed, removed, unchanged, retained: Int
    init(_ report: SnapshotImportReport) {
        rowsRead = report.rowsRead
        rowsImported = report.rowsImported
        rowsRejected = report.rowsRejected
        added = report.added
        changed = report.changed
        removed = report.removed
        unchanged = report.unchanged
        retained = report.retained
    }
}
