// Snapshot imports: a department's register, a department's inspectors, the avoidance list.
//
// Each file is a full snapshot of what its sender holds. In one transaction the importer streams
// the rows, validates them, compares each with the current version in the store (a type-2 slowly
// changing dimension: valid_from_import / valid_to_import) and writes only the differences:
// new rows, new versions of changed rows, and closed versions of rows no longer sent. Nothing is
// deleted. Memory stays flat: the file is read in chunks, and the current snapshot is held as a
// compact key -> (row id, content hash) table. Registers, the large ones, take the two-thread bulk
// path in RegisterSnapshotLoad.swift.

internal import Foundation
internal import GRDB
public import Pipeline

/// The three kinds of snapshot.
public enum SnapshotKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A department's entity register (`suiji import`).
    case register
    /// A department's inspector register (`suiji inspectors import`).
    case inspectors
    /// The avoidance list (`suiji avoidance import`).
    case avoidance

    /// The noun for counts in summaries.
    public var noun: String {
        switch self {
        case .register: "entities"
        case .inspectors: "inspectors"
        case .avoidance: "pairs"
        }
    }
}

/// One snapshot import as the command line asks for it.
public struct SnapshotImportRequest: Sendable, Hashable {
    /// What the file holds.
    public var kind: SnapshotKind
    /// The file's path.
    public var path: String
    /// The name used in diagnostics (default: the path).
    public var displayName: String
    /// The sending department (required for registers and inspectors; nil for avoidance).
    public var department: String?
    /// CSV, XML or XLSX (default: a workbook by its content, else CSV or XML by extension).
    public var format: InputFormat?
    /// The worksheet of a workbook: a name or a 1-based number (default: the first visible sheet).
    public var sheet: String?
    /// The text encoding of a CSV file.
    public var encoding: EncodingChoice
    /// Validate and report without writing anything.
    public var dryRun: Bool
    /// Where to write rejected rows (nil: no rejects file; never written in a dry run).
    public var rejectsPath: String?
    /// Accept a snapshot that removes more than 20% of the current rows.
    public var allowMassRemoval: Bool
    /// Validate XML against the bundled XSD.
    public var validateXML: Bool
    /// Bytes per read (tests use 1 to feed the readers one byte at a time).
    public var chunkSize: Int
    /// The file's digest when the caller has already computed it (the nightly run hashes every
    /// inbox file first): the import is refused unless the bytes it reads have this digest.
    public var digest: FileDigest?
    /// False for the nightly run's inbox: a symbolic link is refused, never followed.
    public var followsLinks: Bool

    /// Creates a request.
    public init(
        kind: SnapshotKind, path: String, displayName: String? = nil, department: String? = nil, format: InputFormat? = nil,
        encoding: EncodingChoice = .auto, dryRun: Bool = false, rejectsPath: String? = nil, allowMassRemoval: Bool = false,
        validateXML: Bool = false, chunkSize: Int = 256 * 1024, digest: FileDigest? = nil, followsLinks: Bool = true,
        sheet: String? = nil
    ) {
        self.sheet = sheet
        self.chunkSize = chunkSize
        self.digest = digest
        self.followsLinks = followsLinks
        self.kind = kind
        self.path = path
        self.displayName = displayName ?? path
        self.department = department
        self.format = format
        self.encoding = encoding
        self.dryRun = dryRun
        self.rejectsPath = rejectsPath
        self.allowMassRemoval = allowMassRemoval
        self.validateXML = validateXML
    }

    /// The scope whose snapshot the file replaces.
    public var scopeKey: String {
        switch kind {
        case .register: "register:\(department ?? "")"
        case .inspectors: "inspectors:\(department ?? "")"
        case .avoidance: "avoidance"
        }
    }
}

/// What a snapshot import did (or, in a dry run, would do).
public struct SnapshotImportReport: Sendable, Hashable, Codable {
    /// How the import ended.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// The snapshot was stored.
        case imported
        /// The same file was the latest import of this scope: nothing to do.
        case unchanged
        /// A dry run: nothing was written.
        case dryRun
        /// The file could not be read as a whole; nothing was written.
        case fileRejected
        /// The snapshot would have removed too much; nothing was written.
        case refused
        /// The file changed while it was read (see ``SnapshotImportRequest/digest``); nothing was written.
        case changedWhileRead
    }

    /// The kind of snapshot.
    public var kind: SnapshotKind
    /// The file as named in diagnostics.
    public var file: String
    /// The department, if any.
    public var department: String?
    /// How it ended.
    public var outcome: Outcome
    /// Data rows read (blank lines and a total row excluded).
    public var rowsRead = 0
    /// Rows accepted.
    public var rowsImported = 0
    /// Rows rejected.
    public var rowsRejected = 0
    /// Keys new to the scope.
    public var added = 0
    /// Keys whose values changed.
    public var changed = 0
    /// Keys no longer sent (their current version is closed).
    public var removed = 0
    /// Keys sent again unchanged.
    public var unchanged = 0
    /// Keys whose new row was rejected: their current version stays as it was.
    public var retained = 0
    /// The current size of the scope before the import.
    public var previousCount = 0
    /// Seconds spent.
    public var elapsed: Double = 0
    /// Where rejected rows were written.
    public var rejectsFile: String?
    /// Errors (rejected rows, a rejected file) and warnings, in file order.
    public var diagnostics: [Diagnostic] = []
    /// The SHA-256 of the file.
    public var sha256: String?

    /// Rows per second, for the summary.
    public var rowsPerSecond: Int { elapsed > 0 ? Int((Double(rowsRead) / elapsed).rounded()) : rowsRead }

    /// The exit status: 0 when all was accepted, 65 when any row or the file was rejected.
    public var status: ExitStatus {
        switch outcome {
        case .fileRejected, .refused, .changedWhileRead: .dataRejected
        case .imported, .unchanged, .dryRun: rowsRejected > 0 ? .dataRejected : .success
        }
    }

    /// The one-paragraph summary printed at the end.
    public var summary: String {
        let who = department.map { " of \(ControlCharacters.escaped($0))" } ?? ""
        let file = ControlCharacters.escaped(file)
        let head: String
        switch outcome {
        case .imported: head = "imported the \(kind.rawValue)\(who) from \(file)"
        case .unchanged:
            return
                "\(file): the same file (sha256 \(sha256?.prefix(12) ?? "")…) is already the latest \(kind.rawValue)\(who); nothing to do"
        case .dryRun: head = "dry run, nothing written: importing \(file) as the \(kind.rawValue)\(who) would give"
        case .fileRejected: return "\(file): the file was rejected; the store is unchanged"
        case .changedWhileRead: return "\(file): the file changed while it was read; the store is unchanged"
        case .refused: head = "refused \(file) as the \(kind.rawValue)\(who); the store is unchanged. It would give"
        }
        var text =
            "\(head): \(Self.grouped(rowsRead)) rows read, \(Self.grouped(rowsImported)) imported, \(Self.grouped(rowsRejected)) rejected; "
        text +=
            "\(kind.noun): \(Self.grouped(added)) added, \(Self.grouped(changed)) changed, \(Self.grouped(removed)) removed, \(Self.grouped(unchanged)) unchanged"
        if retained > 0 { text += ", \(Self.grouped(retained)) kept as they were (new row rejected)" }
        text += String(format: "; %.2f s, %@ rows/s", elapsed, Self.grouped(rowsPerSecond))
        if let rejectsFile { text += "\nrejected rows written to \(rejectsFile)" }
        return text
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }
}

/// The file's bytes differ from the digest the caller took before the import (the nightly run
/// hashes every inbox file first): it changed while it was read, most likely still being written.
struct FileChangedWhileRead: Error {
    /// The digest taken before.
    var expected: FileDigest
    /// The digest of the bytes read.
    var read: FileDigest

    var message: String {
        "the file changed while it was read (\(expected.byteCount) bytes before, \(read.byteCount) read; it is still being written?); "
            + "nothing was stored, and it stays where it is for the next run"
    }
}

/// The refusal of a snapshot that would remove more than `SnapshotImporter.massRemovalLimit`.
struct MassRemovalRefused: Error {
    var message: String
}

/// The compact identity of a current row.
struct CurrentSlot {
    /// Row id of the current version (0: not in the store, first seen in this file).
    var rowID: Int64
    /// Content hash of the current version.
    var hash: Int64
    /// Line of the first row of this file with this key (0: not seen; negative: seen, rejected).
    var line: Int32
}

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
        var request = request
        if let refusal = Self.inputRefusal(request.path, store: store, followLinks: request.followsLinks) {
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
            return Self.fileRejected(report, Diagnostic(.error, error.message, at: error.location))
        }
        if request.department == nil, request.kind != .avoidance, request.format == .xml {
            // An XML register names its department on the root element.
            request.department = XMLTabularStream.declaredDepartment(path: request.path, shape: try Self.shape(of: request.kind))
        }
        let started = DispatchTime.now()
        var report = SnapshotImportReport(kind: request.kind, file: request.displayName, department: request.department, outcome: .imported)
        // Stored with the import: no control character may hide in them.
        if let refusal = ControlCharacters.refusal(of: request.displayName, as: "the file name")
            ?? request.department.flatMap({ ControlCharacters.refusal(of: $0, as: "the department name") })
        {
            return Self.fileRejected(report, Diagnostic(.error, refusal, at: SourceLocation(file: request.displayName)))
        }
        if request.kind != .avoidance, (request.department ?? "").isEmpty {
            return Self.fileRejected(
                report,
                Diagnostic(
                    .error,
                    "the \(request.kind.rawValue) names no department: give --department (an XML file may name it in <\((try? Self.shape(of: request.kind))?.xmlRoot ?? "registry") department=\"…\">)",
                    at: SourceLocation(file: request.displayName)))
        }
        do {
            // The content hash decides whether the file is already the latest import. Only a
            // file of the same size can be, so it is hashed first only then. The hash recorded
            // is another: the one of exactly the bytes imported, computed as they are read.
            let byteCount = try request.digest?.byteCount ?? Self.fileSize(request.path, displayName: request.displayName)
            let sameSize =
                try request.digest != nil
                || store.read { db in
                    try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM imports WHERE scope_key = ? AND byte_count = ?)",
                        arguments: [request.scopeKey, byteCount])
                } ?? false
            let known =
                sameSize
                ? try request.digest
                    ?? FileDigest.of(path: request.path, displayName: request.displayName, followLinks: request.followsLinks) : nil
            report.sha256 = known?.sha256
            if request.dryRun || store.access == .readOnly {
                try store.read { db in
                    // A sheet named by hand may be another sheet of the same file: no same-file shortcut then.
                    if let known, request.sheet == nil, try Self.isLatest(known, scope: request.scopeKey, db: db) {
                        report.outcome = .unchanged
                        return
                    }
                    report.outcome = .dryRun
                    try importRows(request, byteCount: byteCount, db: db, write: false, report: &report)
                }
            } else {
                // A register's rows and entities reference the department and import rows this
                // transaction writes first: the bulk path skips SQLite's per-row foreign-key checks.
                let body = { (db: Database) throws in
                    // A sheet named by hand may be another sheet of the same file: no same-file shortcut then.
                    if let known, request.sheet == nil, try Self.isLatest(known, scope: request.scopeKey, db: db) {
                        report.outcome = .unchanged
                        return
                    }
                    try importRows(request, byteCount: byteCount, db: db, write: true, report: &report)
                }
                if request.kind == .register { try store.writeBulk(body) } else { try store.write(body) }
            }
        } catch let error as FileChangedWhileRead {
            report = Self.fileRejected(report, Diagnostic(.error, error.message, at: SourceLocation(file: request.displayName)))
            report.outcome = .changedWhileRead
        } catch let error as MalformedFileError {
            report = Self.fileRejected(report, Diagnostic(.error, error.message, at: error.location))
        } catch let error as DecodingError {
            report = Self.fileRejected(report, Diagnostic(.error, error.message, at: error.location))
        } catch let error as MassRemovalRefused {
            report.outcome = .refused
            report.rejectsFile = nil
            report.diagnostics.append(Diagnostic(.error, error.message, at: SourceLocation(file: request.displayName)))
        }
        report.elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
        return report
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
    static func inputRefusal(_ path: String, store: Store, followLinks: Bool) -> String? {
        if let refusal = store.refusalOfStoreFile(path) { return refusal }
        var info = stat()
        let found = followLinks ? stat(path, &info) : lstat(path, &info)
        guard found == 0 else { return "cannot open the file: \(String(cString: strerror(errno)))" }
        switch FileType(mode: info.st_mode) {
        case .regular: return nil
        case .symbolicLink: return "a symbolic link: not followed, nothing was read"
        case let type: return "\(type.noun), not a regular file: suiji reads only regular files; nothing was read"
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

    /// True if the latest import of the scope has this content.
    static func isLatest(_ digest: FileDigest, scope: String, db: Database) throws -> Bool {
        let latest = try String.fetchOne(
            db, sql: "SELECT content_sha256 FROM imports WHERE scope_key = ? ORDER BY id DESC LIMIT 1", arguments: [scope])
        return latest == digest.sha256
    }

    // MARK: The import proper

    private func importRows(
        _ request: SnapshotImportRequest, byteCount: Int, db: Database, write: Bool, report: inout SnapshotImportReport
    ) throws {
        // One pass: the readers read through `file`, which hashes every byte they read.
        let file = try FileChunks(
            path: request.path, displayName: request.displayName, chunkSize: request.chunkSize, followLinks: request.followsLinks,
            hashing: true)
        defer { file.close() }
        let stream = try Self.openStream(request, file: file)
        var departmentID: Int64?
        if let department = request.department {
            departmentID = try Int64.fetchOne(db, sql: "SELECT id FROM departments WHERE name = ?", arguments: [department])
            if departmentID == nil, write {
                try db.execute(sql: "INSERT INTO departments (name) VALUES (?)", arguments: [department])
                departmentID = db.lastInsertedRowID
            }
        }
        var importID: Int64 = 0
        if write {
            try db.execute(
                sql: """
                    INSERT INTO imports (kind, department_id, scope_key, file_name, content_sha256, byte_count, imported_at, run_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    request.kind.rawValue, departmentID, request.scopeKey, request.displayName, "", byteCount, clock.now().storeTimestamp,
                    store.runID,
                ])
            importID = db.lastInsertedRowID
        }
        switch request.kind {
        case .register:
            var adapter = RegisterAdapter(departmentID: departmentID ?? 0, importID: importID)
            try runRegister(&adapter, stream: stream, request: request, byteCount: byteCount, db: db, write: write, report: &report)
        case .inspectors:
            var adapter = InspectorAdapter(departmentID: departmentID ?? 0, importID: importID)
            try run(&adapter, stream: stream, request: request, db: db, write: write, report: &report)
        case .avoidance:
            var adapter = AvoidanceAdapter(importID: importID)
            try run(&adapter, stream: stream, request: request, db: db, write: write, report: &report)
        }
        // The reader is done with the file (a register's reader thread has ended): the digest of
        // every byte read, with the rest of the file read first should the reader have stopped early.
        let digest = try file.digest()
        if let expected = request.digest, expected != digest {
            throw FileChangedWhileRead(expected: expected, read: digest)
        }
        report.sha256 = digest.sha256
        if write {
            let summary = String(decoding: try canonicalJSON(ImportCounts(report)), as: UTF8.self)
            try db.execute(
                sql: """
                    UPDATE imports SET content_sha256 = ?, byte_count = ?, rows_read = ?, rows_imported = ?, rows_rejected = ?, added = ?,
                        changed = ?, removed = ?, unchanged = ?, summary_json = ? WHERE id = ?
                    """,
                arguments: [
                    digest.sha256, digest.byteCount, report.rowsRead, report.rowsImported, report.rowsRejected, report.added,
                    report.changed, report.removed, report.unchanged, summary, importID,
                ])
        }
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

    private func run<Adapter: SnapshotAdapter>(
        _ adapter: inout Adapter, stream: any TabularStream, request: SnapshotImportRequest, db: Database, write: Bool,
        report: inout SnapshotImportReport
    ) throws {
        try Self.withImportCache(db) { try runRows(&adapter, stream: stream, request: request, db: db, write: write, report: &report) }
    }

    /// Runs `body` with SQLite's larger import page cache, restoring the connection's own afterwards.
    private static func withImportCache(_ db: Database, _ body: () throws -> Void) throws {
        let previousCacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
        try db.execute(sql: "PRAGMA cache_size = \(-importCacheKiB)")
        defer { try? db.execute(sql: "PRAGMA cache_size = \(previousCacheSize)") }
        try body()
    }

    private func runRows<Adapter: SnapshotAdapter>(
        _ adapter: inout Adapter, stream: any TabularStream, request: SnapshotImportRequest, db: Database, write: Bool,
        report: inout SnapshotImportReport
    ) throws {
        var current = try adapter.loadCurrent(db)
        report.previousCount = current.count
        if write { try adapter.prepare(db) }
        var rejects: RejectsWriter?
        // A dry run writes nothing anywhere, not even the rejects file it was given.
        if let path = request.rejectsPath, write {
            rejects = try RejectsWriter(path: path, header: stream.rejectsHeader + ["line", "reason"], sheet: stream.sheet)
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
                Self.reject(row, rejection, adapter: adapter, request: request, sheet: stream.sheet, rejects: &rejects, report: &report)
                // A rejected row with a usable key still counts as sent: an entity already in the
                // store keeps its current version (not removed), and a later row with the same
                // key is a repeat.
                if let key = adapter.rawKey(row.values) {
                    if var slot = current[key] {
                        if slot.line == 0 {
                            slot.line = -Int32(clamping: row.line)
                            current[key] = slot
                            if slot.rowID != 0 { report.retained += 1 }
                        }
                    } else {
                        current[key] = CurrentSlot(rowID: 0, hash: 0, line: -Int32(clamping: row.line))
                    }
                }
            case .success(let record):
                let key = adapter.key(of: record)
                let hash = adapter.hash(of: record)
                if var slot = current[key] {
                    if slot.line != 0 {
                        let first = Int(slot.line.magnitude)
                        let rejection = adapter.repeatRejection(record, firstLine: first, firstRejected: slot.line < 0)
                        Self.reject(
                            row, rejection, adapter: adapter, request: request, sheet: stream.sheet, rejects: &rejects, report: &report)
                        continue
                    }
                    Self.warn(row, warnings, adapter: adapter, request: request, sheet: stream.sheet, report: &report)
                    slot.line = Int32(clamping: row.line)
                    current[key] = slot
                    report.rowsImported += 1
                    if slot.hash == hash {
                        report.unchanged += 1
                    } else {
                        report.changed += 1
                        if write {
                            try adapter.close(rowID: slot.rowID)
                            try adapter.insert(record, hash: hash)
                        }
                    }
                } else {
                    Self.warn(row, warnings, adapter: adapter, request: request, sheet: stream.sheet, report: &report)
                    current[key] = CurrentSlot(rowID: 0, hash: hash, line: Int32(clamping: row.line))
                    report.rowsImported += 1
                    report.added += 1
                    if write { try adapter.insert(record, hash: hash) }
                }
            }
        }
        try stream.finish()
        report.diagnostics.append(contentsOf: stream.warnings)
        report.diagnostics.sort { ($0.location?.line ?? 0) < ($1.location?.line ?? 0) }
        var closing: [Int64] = []
        for slot in current.values where slot.rowID != 0 && slot.line == 0 {
            report.removed += 1
            closing.append(slot.rowID)
        }
        if write {
            // In row order, so that the updates walk the table once.
            for rowID in closing.sorted() { try adapter.close(rowID: rowID) }
        }
        try Self.conclude(request: request, rejects: &rejects, report: &report)
    }

    /// The end of every snapshot import: the removal limit, then the rejects file put in place.
    private static func conclude(request: SnapshotImportRequest, rejects: inout RejectsWriter?, report: inout SnapshotImportReport) throws {
        if report.previousCount > 0, !request.allowMassRemoval,
            Double(report.removed) > Self.massRemovalLimit * Double(report.previousCount)
        {
            let share = Int((Double(report.removed) * 100 / Double(report.previousCount)).rounded())
            let whose = request.department.map { "\($0)'s \(request.kind.rawValue)" } ?? "the \(request.kind.rawValue)"
            throw MassRemovalRefused(
                message: """
                    the file would remove \(SnapshotImportReport.grouped(report.removed)) of the \(SnapshotImportReport.grouped(report.previousCount)) \
                    \(request.kind.noun) in \(whose) (\(share)%, more than 20%); a truncated export must not empty a register. \
                    Nothing was changed. If the removal is real, import again with --allow-mass-removal
                    """)
        }
        if report.rowsRejected > 0, rejects != nil {
            try rejects?.commit()
            report.rejectsFile = request.rejectsPath
        }
    }

    /// A register: read and decided on a thread of its own while this thread writes (see `RegisterRowProducer`).
    private func runRegister(
        _ adapter: inout RegisterAdapter, stream: any TabularStream, request: SnapshotImportRequest, byteCount: Int, db: Database,
        write: Bool,
        report: inout SnapshotImportReport
    ) throws {
        try Self.withImportCache(db) {
            try runRegisterRows(&adapter, stream: stream, request: request, byteCount: byteCount, db: db, write: write, report: &report)
        }
    }

    private func runRegisterRows(
        _ adapter: inout RegisterAdapter, stream: any TabularStream, request: SnapshotImportRequest, byteCount: Int, db: Database,
        write: Bool,
        report: inout SnapshotImportReport
    ) throws {
        // About 230 bytes a CSV row, 600 an XML record and 90 a workbook row (compressed, its texts
        // in the shared strings): the table is sized once, without a doubled peak.
        let format = request.format ?? InputFormat.guess(path: request.path)
        let bytesPerRow = format == .xml ? 600 : format == .xlsx ? 80 : 200
        let table = try adapter.loadTable(db, expectedRows: byteCount / bytesPerRow)
        report.previousCount = table.loadedCount
        if write { try adapter.prepare(db) }
        var rejects: RejectsWriter?
        // A dry run writes nothing anywhere, not even the rejects file it was given.
        if let path = request.rejectsPath, write {
            rejects = try RejectsWriter(path: path, header: stream.rejectsHeader + ["line", "reason"], sheet: stream.sheet)
        }
        let pipe = write ? RegisterWritePipe() : nil
        let producer = RegisterRowProducer(
            stream: stream, request: request, adapter: adapter, table: table, report: report, rejects: rejects, pipe: pipe)
        rejects = nil // the producer owns it now
        if let pipe {
            let thread = Thread { producer.run() }
            thread.name = "suiji register reader"
            thread.start()
            var lastProgress = 0
            do {
                while let batch = try pipe.take() {
                    try adapter.write(batch)
                    if let progress, batch.bytesRead - lastProgress >= 1 << 22 {
                        lastProgress = batch.bytesRead
                        progress(lastProgress)
                    }
                    pipe.recycle(batch)
                }
            } catch {
                pipe.cancelAndWait()
                // The producer may have ended cleanly before the store failed: its temporary rejects file goes too.
                if producer.rejects?.isOpen == true { producer.rejects?.discard() }
                throw error
            }
        } else {
            try producer.runHere()
        }
        report = producer.report
        rejects = producer.rejects
        defer { if rejects?.isOpen == true { rejects?.discard() } }
        report.removed = producer.unsent.count
        if write {
            // In row order, so that the updates walk the table once.
            for rowID in producer.unsent { try adapter.close(rowID: rowID) }
            try adapter.insertEntities(producer.newKeys)
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
                .error, rejection.reason, at: SourceLocation(file: request.displayName, line: row.line, column: column ?? 1, sheet: sheet),
                context: context))
        rejects?.append(row.original + [String(row.line), rejection.reason])
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
                    .warning, warning.message,
                    at: SourceLocation(file: request.displayName, line: row.line, column: column ?? 1, sheet: sheet), context: context))
        }
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

// MARK: - Adapters: what differs between registers, inspectors and avoidance pairs

/// How one kind of snapshot validates, keys and hashes its rows.
protocol SnapshotRowRules {
    associatedtype Record
    associatedtype Key: Hashable
    /// Canonical field names, in row order.
    var fields: [String] { get }
    /// The field whose value is quoted in a diagnostic's context (`entity=…`).
    var contextField: String { get }
    /// Validates one row; what an accepted row leaves unset is added to `warnings`.
    mutating func validate(_ values: [String?], line: Int, warnings: inout [RowWarning]) -> Result<Record, RowRejection>
    /// The key of a valid record.
    func key(of record: Record) -> Key
    /// The key of a rejected row, if its key fields are themselves valid (so the current version is kept).
    func rawKey(_ values: [String?]) -> Key?
    /// The content hash of a record.
    func hash(of record: Record) -> Int64
    /// The rejection of a second row with the same key.
    func repeatRejection(_ record: Record, firstLine: Int, firstRejected: Bool) -> RowRejection
}

extension SnapshotRowRules {
    /// A row through the full validator; a row the reader could not split (or a cell it could not
    /// read in a required column) is rejected for that.
    mutating func outcome(of row: TabularRow, warnings: inout [RowWarning]) -> Result<Record, RowRejection> {
        if let problem = row.problem { return .failure(RowRejection(fieldName: row.problemField, reason: problem)) }
        return validate(row.values, line: row.line, warnings: &warnings)
    }
}

/// Closes current versions: they stay in their table, valid until this import.
protocol VersionCloser {
    /// The import that writes and closes versions.
    var importID: Int64 { get }
    /// `UPDATE <table> SET valid_to_import = ?1 WHERE id = ?2`, once prepared.
    var closeRow: RawStatement? { get }
}

extension VersionCloser {
    /// Closes a current version: it stays in the table, valid until this import.
    func close(rowID: Int64) throws {
        guard let closeRow else { return }
        closeRow.bind(importID, at: 1)
        closeRow.bind(rowID, at: 2)
        try closeRow.run()
    }
}

/// How one kind of snapshot validates, keys, hashes and stores its rows.
protocol SnapshotAdapter: SnapshotRowRules, VersionCloser {
    /// The current rows of the scope.
    func loadCurrent(_ db: Database) throws -> [Key: CurrentSlot]
    /// Prepares the write statements.
    mutating func prepare(_ db: Database) throws
    /// Inserts a new current version.
    func insert(_ record: Record, hash: Int64) throws
}

/// FNV-1a 64 over values, each followed by a unit separator; nil is a record separator. Change detection only.
struct RowHasher {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ value: String?) {
        guard var value else {
            byte(0x1E)
            return
        }
        value.withUTF8 { for b in $0 { byte(b) } }
        byte(0x1F)
    }

    /// The same as `add(_:)` for a value given as UTF-8 bytes.
    mutating func add(utf8 value: UnsafeBufferPointer<UInt8>?) {
        guard let value else {
            byte(0x1E)
            return
        }
        for b in value { byte(b) }
        byte(0x1F)
    }

    private mutating func byte(_ b: UInt8) {
        state = (state ^ UInt64(b)) &* 0x0000_0100_0000_01B3
    }

    var value: Int64 { Int64(bitPattern: state) }
}

/// A USCC packed exactly into 108 bits (6 bits per character): a small, allocation-free key.
struct USCCKey: Hashable {
    var high: UInt64
    var low: UInt64

    /// Packs an 18-character code of digits and capital letters; nil for anything else.
    init?(_ text: String) {
        var text = text
        guard let key = text.withUTF8({ USCCKey(utf8: $0) }) else { return nil }
        self = key
    }

    /// Packs an 18-byte code of digits and capital letters; nil for anything else.
    init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        var high: UInt64 = 0, low: UInt64 = 0, count = 0
        for byte in bytes {
            let code: UInt64
            switch byte {
            case 0x30...0x39: code = UInt64(byte - 0x30)
            case 0x41...0x5A: code = UInt64(byte - 0x41 + 10)
            default: return nil
            }
            if count < 9 { high = high << 6 | code } else { low = low << 6 | code }
            count += 1
            if count > 18 { return nil }
        }
        guard count == 18 else { return nil }
        self.high = high
        self.low = low
    }

    /// Writes the code's 18 bytes to the start of `buffer` (which holds at least 18).
    func write(to buffer: UnsafeMutableBufferPointer<UInt8>) {
        var index = 0
        for part in [high, low] {
            for shift in stride(from: 48, through: 0, by: -6) where index < buffer.count {
                let code = UInt8((part >> UInt64(shift)) & 63)
                buffer[index] = code < 10 ? 0x30 + code : 0x41 + code - 10
                index += 1
            }
        }
    }
}

/// Registers: keyed by USCC within a department; a new key also enters `entities`.
struct RegisterAdapter: SnapshotRowRules, VersionCloser {
    let departmentID: Int64
    let importID: Int64
    var validator = RegisterRowValidator(tracksRepeats: false)
    var insertRow: RawStatement?
    /// `insertRow` for `rowsPerInsert` rows at once.
    var insertRows: RawStatement?
    var insertEntity: RawStatement?
    /// `insertEntity` for `entitiesPerInsert` keys at once.
    var insertEntities: RawStatement?
    var closeRow: RawStatement?

    /// Rows per multi-row insert (16 parameters a row): one statement run instead of 32, which
    /// saves SQLite's fixed cost of a step and a reset per row.
    static let rowsPerInsert = 32
    /// Entities per multi-row insert (2 parameters a key).
    static let entitiesPerInsert = 128

    var fields: [String] { RegisterField.allCases.map(\.rawValue) }
    var contextField: String { "uscc" }

    mutating func validate(_ values: [String?], line: Int, warnings: inout [RowWarning]) -> Result<EntityRecord, RowRejection> {
        validator.validate(values, line: line, warnings: &warnings)
    }

    func key(of record: EntityRecord) -> USCCKey {
        // A validated USCC always packs; the fallback never collides with a real code.
        USCCKey(record.uscc) ?? USCCKey(fallback: record.uscc)
    }

    func rawKey(_ values: [String?]) -> USCCKey? {
        guard let raw = values.first ?? nil, case .success = USCC.validate(raw.trimmingWhitespace()) else { return nil }
        return USCCKey(raw.trimmingWhitespace())
    }

    func hash(of r: EntityRecord) -> Int64 {
        var hasher = RowHasher()
        for value in [
            r.name, r.entityType, r.category, r.registrationAuthority, r.regionCode, r.address, r.legalRep,
            r.riskClass?.rawValue, r.status, r.lastInspected, r.established, r.phone,
        ] {
            hasher.add(value)
        }
        return hasher.value
    }

    func repeatRejection(_ record: EntityRecord, firstLine: Int, firstRejected: Bool) -> RowRejection {
        RegisterRowValidator.repeatRejection(record.uscc, firstLine: firstLine, firstRejected: firstRejected)
    }

    mutating func prepare(_ db: Database) throws {
        let columns = """
            INSERT INTO register_rows (department_id, uscc, name, entity_type, category, registration_authority, region_code,
                address, legal_rep, risk_class, status, last_inspected, established, phone, row_hash, valid_from_import)
            VALUES
            """
        let row = "(" + Array(repeating: "?", count: RegisterWriteBatch.width + 3).joined(separator: ", ") + ")"
        insertRow = try RawStatement(db, columns + " " + row)
        insertRows = try RawStatement(db, columns + " " + Array(repeating: row, count: Self.rowsPerInsert).joined(separator: ", "))
        insertEntity = try RawStatement(db, "INSERT OR IGNORE INTO entities (uscc, first_seen_import) VALUES (?, ?)")
        insertEntities = try RawStatement(
            db,
            "INSERT OR IGNORE INTO entities (uscc, first_seen_import) VALUES "
                + Array(repeating: "(?, ?)", count: Self.entitiesPerInsert).joined(separator: ", "))
        closeRow = try RawStatement(db, "UPDATE register_rows SET valid_to_import = ?1 WHERE id = ?2")
    }
}

extension USCCKey {
    /// A key for text that does not pack (never a valid USCC): its FNV hash with the top bit set.
    init(fallback text: String) {
        var hasher = RowHasher()
        hasher.add(text)
        high = UInt64.max
        low = UInt64(bitPattern: hasher.value)
    }
}

/// Inspector registers: keyed by 执法证号 within a department.
struct InspectorAdapter: SnapshotAdapter {
    let departmentID: Int64
    let importID: Int64
    var validator = InspectorRowValidator()
    var insertRow: RawStatement?
    var closeRow: RawStatement?

    var fields: [String] { InspectorField.allCases.map(\.rawValue) }
    var contextField: String { "inspector_id" }

    mutating func validate(_ values: [String?], line: Int, warnings: inout [RowWarning]) -> Result<InspectorRecord, RowRejection> {
        validator.validate(values, line: line)
    }

    func key(of record: InspectorRecord) -> String { record.inspectorID }

    func rawKey(_ values: [String?]) -> String? {
        guard let raw = values.first ?? nil else { return nil }
        let id = raw.trimmingWhitespace()
        return id.isEmpty ? nil : id
    }

    func hash(of r: InspectorRecord) -> Int64 {
        var hasher = RowHasher()
        for value in [r.name, r.status, r.active ? "1" : "0", r.areas] { hasher.add(value) }
        return hasher.value
    }

    func repeatRejection(_ record: InspectorRecord, firstLine: Int, firstRejected: Bool) -> RowRejection {
        .repeated("inspector_id \(record.inspectorID)", field: "inspector_id", firstLine: firstLine, firstRejected: firstRejected)
    }

    func loadCurrent(_ db: Database) throws -> [String: CurrentSlot] {
        var current: [String: CurrentSlot] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT id, inspector_id, row_hash FROM inspector_rows WHERE department_id = ? AND valid_to_import IS NULL",
            arguments: [departmentID])
        {
            current[row["inspector_id"]] = CurrentSlot(rowID: row["id"], hash: row["row_hash"], line: 0)
        }
        return current
    }

    mutating func prepare(_ db: Database) throws {
        insertRow = try RawStatement(
            db,
            """
            INSERT INTO inspector_rows (department_id, inspector_id, name, status, active, areas, row_hash, valid_from_import)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """)
        closeRow = try RawStatement(db, "UPDATE inspector_rows SET valid_to_import = ?1 WHERE id = ?2")
    }

    func insert(_ r: InspectorRecord, hash: Int64) throws {
        guard let insertRow else { return }
        insertRow.bind(departmentID, at: 1)
        insertRow.bind(r.inspectorID, at: 2)
        insertRow.bind(r.name, at: 3)
        insertRow.bind(r.status, at: 4)
        insertRow.bind(r.active ? 1 : 0, at: 5)
        insertRow.bind(r.areas, at: 6)
        insertRow.bind(hash, at: 7)
        insertRow.bind(importID, at: 8)
        try insertRow.run()
    }
}

/// The avoidance list: keyed by (执法证号, USCC), one list for the county.
struct AvoidanceAdapter: SnapshotAdapter {
    let importID: Int64
    var validator = AvoidanceRowValidator()
    var insertRow: RawStatement?
    var closeRow: RawStatement?

    var fields: [String] { AvoidanceField.allCases.map(\.rawValue) }
    var contextField: String { "uscc" }

    mutating func validate(_ values: [String?], line: Int, warnings: inout [RowWarning]) -> Result<AvoidanceRecord, RowRejection> {
        validator.validate(values, line: line)
    }

    func key(of record: AvoidanceRecord) -> String { record.inspectorID + "|" + record.uscc }

    func rawKey(_ values: [String?]) -> String? {
        guard values.count >= 2, let id = values[0]?.trimmingWhitespace(), let uscc = values[1]?.trimmingWhitespace(),
            !id.isEmpty, case .success = USCC.validate(uscc)
        else { return nil }
        return id + "|" + uscc
    }

    func hash(of r: AvoidanceRecord) -> Int64 {
        var hasher = RowHasher()
        hasher.add(r.reason)
        return hasher.value
    }

    func repeatRejection(_ record: AvoidanceRecord, firstLine: Int, firstRejected: Bool) -> RowRejection {
        .repeated("the pair \(record.inspectorID) / \(record.uscc)", field: "uscc", firstLine: firstLine, firstRejected: firstRejected)
    }

    func loadCurrent(_ db: Database) throws -> [String: CurrentSlot] {
        var current: [String: CurrentSlot] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, inspector_id, uscc, row_hash FROM avoidance_pairs WHERE valid_to_import IS NULL") {
            current[(row["inspector_id"] as String) + "|" + (row["uscc"] as String)] = CurrentSlot(
                rowID: row["id"], hash: row["row_hash"], line: 0)
        }
        return current
    }

    mutating func prepare(_ db: Database) throws {
        insertRow = try RawStatement(
            db, "INSERT INTO avoidance_pairs (inspector_id, uscc, reason, row_hash, valid_from_import) VALUES (?1, ?2, ?3, ?4, ?5)")
        closeRow = try RawStatement(db, "UPDATE avoidance_pairs SET valid_to_import = ?1 WHERE id = ?2")
    }

    func insert(_ r: AvoidanceRecord, hash: Int64) throws {
        guard let insertRow else { return }
        insertRow.bind(r.inspectorID, at: 1)
        insertRow.bind(r.uscc, at: 2)
        insertRow.bind(r.reason, at: 3)
        insertRow.bind(hash, at: 4)
        insertRow.bind(importID, at: 5)
        try insertRow.run()
    }
}

// MARK: - The rejects file

/// The default name of a rejects file.
public enum RejectsFileName {
    /// `<name>.rejects.xlsx` for a workbook (by content), `<name>.rejects.csv` otherwise.
    public static func of(_ inputPath: String) -> String {
        URL(fileURLWithPath: inputPath).lastPathComponent + (InputSniffer.isWorkbook(path: inputPath) ? ".rejects.xlsx" : ".rejects.csv")
    }
}

/// Writes rejected rows to a temporary file beside the target, renamed into place before the
/// import's transaction commits (a kill leaves either no file or the whole file): as CSV, or, for
/// a path ending in `.xlsx` (the default when the input was a workbook), as a workbook whose sheet
/// has the department's own header row.
struct RejectsWriter {
    let path: String
    let temporary: String
    private let handle: FileHandle?
    private let workbook: XLSXWorkbookWriter?
    private var buffer: [UInt8] = []

    init(path: String, header: [String], sheet: String? = nil) throws {
        self.path = path
        if path.lowercased().hasSuffix(".xlsx") {
            let writer = try XLSXWorkbookWriter(path: path)
            try writer.addSheet(sheet ?? "rejects", header: header)
            workbook = writer
            handle = nil
            temporary = ""
            return
        }
        workbook = nil
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        temporary = TemporaryFile.path(for: path)
        guard FileManager.default.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary) else {
            throw MalformedFileError(location: SourceLocation(file: path), message: "cannot create the rejects file")
        }
        self.handle = handle
        buffer.append(contentsOf: [0xEF, 0xBB, 0xBF]) // a BOM, so that spreadsheet programs read the Chinese text
        append(header)
    }

    mutating func append(_ fields: [String]) {
        if let workbook {
            // A full disk shows at commit, where the writer's error is thrown.
            try? workbook.appendRow(fields)
            return
        }
        CSVRecord.append(fields, to: &buffer, newline: [0x0D, 0x0A])
        if buffer.count > 1 << 20 { flush() }
    }

    private mutating func flush() {
        handle?.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    /// False once committed or discarded.
    private(set) var isOpen = true

    mutating func commit() throws {
        isOpen = false
        if let workbook {
            try workbook.commit()
            return
        }
        guard let handle else { return }
        flush()
        try handle.synchronize()
        try handle.close()
        if rename(temporary, path) != 0 {
            throw MalformedFileError(
                location: SourceLocation(file: path), message: "cannot write the rejects file: \(String(cString: strerror(errno)))")
        }
    }

    mutating func discard() {
        isOpen = false
        if let workbook {
            workbook.discard()
            return
        }
        try? handle?.close()
        unlink(temporary)
    }
}
