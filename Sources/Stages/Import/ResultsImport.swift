// `suiji results import`: inspection results into the store.
//
// The same reader and rejects discipline as the snapshot imports: rows are streamed, each bad row is
// a diagnostic `file:line:column: error: reason` and a line of the rejects file, good rows land,
// and the whole file is one transaction. Unlike a register, a results file is not a snapshot: a
// row adds or corrects the result of one drawn object and says nothing about the others.
//
// History (type-2): a corrected result closes the current version (valid_to_import = this import)
// and adds the new one; a withdrawal adds a version with `withdrawn = 1`. Nothing is deleted.
//
// The statements go through the stages' seam (StageSQL.swift): one text for SQLite and a county's
// lane of PostgreSQL.

internal import Foundation
public import Pipeline

extension TabularShape {
    /// A results file (`Resources/result-columns.json`).
    public static func results() throws -> TabularShape {
        TabularShape(
            fields: ResultField.allCases.map(\.rawValue), required: ResultField.required.map(\.rawValue),
            aliases: try ColumnAliases.bundled("result-columns"), xmlRoot: "results", xmlRecord: "result")
    }
}

/// One results import as the command line asks for it.
public struct ResultsImportRequest: Sendable, Hashable {
    /// The file's path.
    public var path: String
    /// The name used in diagnostics (default: the path).
    public var displayName: String
    /// The plan year the results belong to.
    public var year: Int
    /// The plan's region code.
    public var region: String
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
    /// Bytes per read (tests use 1).
    public var chunkSize: Int
    /// The file's digest when the caller has already computed it (the nightly run): the import is
    /// refused unless the bytes it reads have this digest. Nil to compute it.
    public var digest: FileDigest?
    /// False for the nightly run's inbox: a symbolic link is refused, never followed.
    public var followsLinks: Bool
    /// The language of the rejects file's reasons and column names (the command's, or the night's pages').
    public var language: UILanguage = .en

    /// Creates a request.
    public init(
        path: String, displayName: String? = nil, year: Int, region: String, format: InputFormat? = nil,
        encoding: EncodingChoice = .auto, dryRun: Bool = false, rejectsPath: String? = nil, chunkSize: Int = 256 * 1024,
        digest: FileDigest? = nil, followsLinks: Bool = true, sheet: String? = nil
    ) {
        self.sheet = sheet
        self.digest = digest
        self.followsLinks = followsLinks
        self.path = path
        self.displayName = displayName ?? path
        self.year = year
        self.region = region
        self.format = format
        self.encoding = encoding
        self.dryRun = dryRun
        self.rejectsPath = rejectsPath
        self.chunkSize = chunkSize
    }

    /// The scope of the imports table: `results:<year>:<region>`.
    public var scopeKey: String { "results:\(year):\(region)" }
}

/// What a results import did (or, in a dry run, would do).
public struct ResultsImportReport: Sendable, Hashable, Codable {
    /// How the import ended.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// The results were stored.
        case imported
        /// The same file was the latest results import of this plan: nothing to do.
        case unchanged
        /// A dry run: nothing was written.
        case dryRun
        /// The file could not be read as a whole; nothing was written.
        case fileRejected
        /// The file changed while it was read (see ``ResultsImportRequest/digest``); nothing was written.
        case changedWhileRead
    }

    /// The file as named in diagnostics.
    public var file: String
    /// How it ended.
    public var outcome: Outcome
    /// Data rows read.
    public var rowsRead = 0
    /// Rows accepted.
    public var rowsImported = 0
    /// Rows rejected.
    public var rowsRejected = 0
    /// Results new to the store.
    public var added = 0
    /// Results that replaced an earlier version (kept in history).
    public var corrected = 0
    /// Results withdrawn.
    public var withdrawn = 0
    /// Results sent again unchanged.
    public var unchanged = 0
    /// Where rejected rows were written.
    public var rejectsFile: String?
    /// Errors and warnings, in file order.
    public var diagnostics: [Diagnostic] = []
    /// The SHA-256 of the file.
    public var sha256: String?

    /// Creates a report.
    public init(file: String, outcome: Outcome) {
        self.file = file
        self.outcome = outcome
    }

    /// 0 when every row was accepted, 65 when any row or the file was rejected.
    public var status: ExitStatus {
        outcome == .fileRejected || outcome == .changedWhileRead || rowsRejected > 0 ? .dataRejected : .success
    }

    /// The summary line printed at the end, in English.
    public var summary: String { summary(in: MessageCatalogue(.en)) }

    /// The summary line in the catalogue's language.
    public func summary(in words: MessageCatalogue) -> String {
        let file = ControlCharacters.escaped(file)
        let counts = words(
            .resultsCounts,
            [
                "rows": "\(rowsRead)", "accepted": "\(rowsImported)", "rejected": "\(rowsRejected)", "added": "\(added)",
                "corrected": "\(corrected)", "withdrawn": "\(withdrawn)", "unchanged": "\(unchanged)",
            ])
        var text: String
        switch outcome {
        case .imported: text = words(.resultsImported, ["file": file, "counts": counts])
        case .dryRun: text = words(.resultsDryRun, ["file": file, "counts": counts])
        case .unchanged: return words(.resultsUnchanged, ["file": file, "sha": String(sha256?.prefix(12) ?? "")])
        case .fileRejected: return words(.importFileRejected, ["file": file])
        case .changedWhileRead: return words(.importChangedWhileRead, ["file": file])
        }
        if let rejectsFile { text += "\n" + words(.importRejectsWritten, ["path": rejectsFile]) }
        return text
    }
}

/// A results import that cannot start: no plan to attach the results to.
public struct ResultsImportError: LocalizedReportableError, Sendable, Hashable, CustomStringConvertible {
    /// What is missing and what to do.
    public var text: Message

    /// Creates an error.
    public init(_ text: Message) { self.text = text }

    /// ``text`` in English.
    public var message: String { text.english }

    /// The text, rendered where it is printed.
    public func message(in language: UILanguage) -> Message { text }

    /// `error: message`.
    public var description: String { "error: \(message)" }
}

/// Runs results imports against a store.
public struct ResultsImporter {
    /// The store: SQLite, or a county's lane of PostgreSQL.
    public let store: any StageStore
    /// The clock for timestamps.
    public let clock: Clock

    /// Creates an importer.
    public init(store: any StageStore, clock: Clock = .system) {
        self.store = store
        self.clock = clock
    }

    /// Imports one file. Problems with the file come back in the report; a missing plan or a store
    /// failure throws.
    public func run(_ request: ResultsImportRequest) throws -> ResultsImportReport {
        var report = ResultsImportReport(file: request.displayName, outcome: request.dryRun ? .dryRun : .imported)
        if let refusal = ControlCharacters.refusal(of: request.displayName, as: .wordFileName)
            ?? SnapshotImporter.inputRefusal(request.path, store: store as? Store, followLinks: request.followsLinks)
        {
            return Self.fileRejected(report, Diagnostic(.error, refusal, at: SourceLocation(file: request.displayName)))
        }
        var request = request
        do {
            request.format = try InputFormat.detect(path: request.path, displayName: request.displayName, requested: request.format)
            // For the "already the latest" check; the hash recorded is the one of the bytes imported.
            let digest =
                try request.digest ?? FileDigest.of(path: request.path, displayName: request.displayName, followLinks: request.followsLinks)
            report.sha256 = digest.sha256
            let body = { (sql: any StageSQL, write: Bool) throws in
                guard let stored = try PlanRows.plan(year: request.year, region: request.region, in: sql) else {
                    throw ResultsImportError(Message(.resultsNoPlan, ["year": "\(request.year)", "region": request.region]))
                }
                // A sheet named by hand may be another sheet of the same file: no same-file shortcut then.
                if request.sheet == nil, try SnapshotRows.isLatest(digest, scope: request.scopeKey, in: sql) {
                    report.outcome = .unchanged
                    return
                }
                try importRows(request, plan: stored, sql: sql, write: write, report: &report)
            }
            if request.dryRun || (store as? Store)?.access == .readOnly {
                try store.reading { sql in try body(sql, false) }
            } else {
                try store.writing { sql in try body(sql, true) }
            }
        } catch {
            guard let failure = ReadFailure.diagnostic(error, file: request.displayName) else { throw error }
            report = Self.fileRejected(report, failure.diagnostic)
            if failure.changedWhileRead { report.outcome = .changedWhileRead }
        }
        return report
    }

    private static func fileRejected(_ report: ResultsImportReport, _ diagnostic: Diagnostic) -> ResultsImportReport {
        var rejected = ResultsImportReport(file: report.file, outcome: .fileRejected)
        rejected.sha256 = report.sha256
        rejected.diagnostics = [diagnostic]
        return rejected
    }

    /// Opens the reader for the file, reading through `file`.
    static func openStream(_ request: ResultsImportRequest, file: FileChunks) throws -> any TabularStream {
        let shape = try TabularShape.results()
        switch request.format ?? InputFormat.guess(path: request.path) {
        case .csv:
            let reader = DelimitedFileReader(file: file, path: request.path, displayName: request.displayName, encoding: request.encoding)
            return try DelimitedTabularStream(reader: reader, shape: shape, displayName: request.displayName)
        case .xml:
            return try XMLTabularStream(file: file, displayName: request.displayName, shape: shape, department: nil, validate: false)
        case .xlsx:
            // A workbook is read by its ZIP directory, not front to back: the digest (`file.digest()`)
            // then reads the file's bytes through `file` once the rows are in.
            return try XLSXTabularStream(
                path: request.path, displayName: request.displayName, shape: shape, sheet: request.sheet,
                pieceSize: request.chunkSize < XLSXInflater.chunkSize ? request.chunkSize : nil)
        }
    }

    private func importRows(
        _ request: ResultsImportRequest, plan stored: StoredPlan, sql: any StageSQL, write: Bool, report: inout ResultsImportReport
    ) throws {
        // One pass: the reader reads through `file`, which hashes every byte it reads.
        let file = try FileChunks(
            path: request.path, displayName: request.displayName, chunkSize: request.chunkSize, followLinks: request.followsLinks,
            hashing: true)
        defer { file.close() }
        let stream = try Self.openStream(request, file: file)
        var validator = ResultRowValidator(plan: stored.plan, drawn: try ResultsStore.drawnObjects(planID: stored.id, in: sql))
        var current: [String: StoredResult] = [:]
        for result in try ResultsStore.currentResults(planID: stored.id, in: sql) {
            current["\(result.taskSeq)|\(result.round)|\(result.uscc)"] = result
        }
        var importID: Int64 = 0
        if write {
            importID = try PlanRows.newID(
                """
                INSERT INTO imports (kind, scope_key, file_name, content_sha256, byte_count, imported_at, run_id)
                VALUES ('results', ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [request.scopeKey, request.displayName, "", 0, clock.now().storeTimestamp, store.runID], in: sql)
        }
        var rejects: RejectsWriter?
        if let path = request.rejectsPath, write {
            rejects = try RejectsWriter(
                path: path, header: stream.rejectsHeader + RejectsWriter.columns(request.language), sheet: stream.sheet)
        }
        defer { if rejects?.isOpen == true { rejects?.discard() } }
        let fields = ResultField.allCases.map(\.rawValue)

        func location(_ row: TabularRow, _ field: String?) -> SourceLocation {
            let column = field.flatMap { fields.firstIndex(of: $0) }.flatMap { $0 < row.columns.count ? row.columns[$0] : nil }
            return SourceLocation(file: request.displayName, line: row.line, column: column ?? 1, sheet: stream.sheet)
        }
        func context(_ row: TabularRow) -> [String: String] {
            let index = ResultField.uscc.index
            guard index < row.values.count, let value = row.values[index]?.trimmingWhitespace(), !value.isEmpty else { return [:] }
            return ["uscc": value]
        }
        func reject(_ row: TabularRow, _ rejection: RowRejection) {
            report.rowsRejected += 1
            report.diagnostics.append(Diagnostic(.error, rejection.text, at: location(row, rejection.field), context: context(row)))
            rejects?.append(row.original + [String(row.line), MessageCatalogue(request.language)(rejection.text)])
        }

        while let row = try stream.next() {
            report.rowsRead += 1
            if let problem = row.problem {
                reject(row, RowRejection(fieldName: row.problemField, problem))
                continue
            }
            let record: InspectionResult
            var warnings: [RowWarning] = []
            switch validator.validate(row.values, line: row.line, warnings: &warnings) {
            case .failure(let rejection):
                reject(row, rejection)
                continue
            case .success(let value):
                record = value
            }
            for warning in warnings {
                report.diagnostics.append(Diagnostic(.warning, warning.text, at: location(row, warning.field), context: context(row)))
            }
            let previous = current[record.key]
            if record.withdraws {
                guard let previous else {
                    reject(
                        row,
                        RowRejection(
                            fieldName: ResultField.action.rawValue,
                            Message(
                                .resultNothingToWithdraw,
                                ["uscc": record.uscc, "seq": "\(record.taskSeq)", "round": "\(record.round)"])))
                    continue
                }
                report.rowsImported += 1
                if previous.withdrawn {
                    report.unchanged += 1
                    continue
                }
                report.withdrawn += 1
                if write {
                    try close(previous.id, importID: importID, sql: sql)
                    let hash = Self.rowHash(
                        inspectedOn: previous.inspectedOn, codesJSON: previous.codesJSON, method: previous.method,
                        followUp: previous.followUp, remarks: previous.remarks, withdrawn: true)
                    try insert(
                        planID: stored.id, record: record, inspectedOn: previous.inspectedOn, codesJSON: previous.codesJSON,
                        method: previous.method, followUp: previous.followUp, remarks: previous.remarks, withdrawn: true, hash: hash,
                        importID: importID, sql: sql)
                }
                current[record.key]?.withdrawn = true
                continue
            }
            for note in validator.notes(record) {
                report.diagnostics.append(Diagnostic(.warning, note.message, at: location(row, note.field.rawValue), context: context(row)))
            }
            let inspectedOn = record.inspectedOn?.description ?? ""
            let codesJSON = PayloadJSON.array(record.codes.map { .string($0.code) }).compactText
            let hash = Self.rowHash(
                inspectedOn: inspectedOn, codesJSON: codesJSON, method: record.method, followUp: record.followUp,
                remarks: record.remarks, withdrawn: false)
            report.rowsImported += 1
            if let previous, previous.rowHash == hash {
                report.unchanged += 1
                continue
            }
            if previous == nil { report.added += 1 } else { report.corrected += 1 }
            if write {
                if let previous { try close(previous.id, importID: importID, sql: sql) }
                try insert(
                    planID: stored.id, record: record, inspectedOn: inspectedOn, codesJSON: codesJSON, method: record.method,
                    followUp: record.followUp, remarks: record.remarks, withdrawn: false, hash: hash, importID: importID, sql: sql)
            }
            current[record.key] = StoredResult(
                id: 0, taskSeq: record.taskSeq, round: record.round, uscc: record.uscc, inspectedOn: inspectedOn, codesJSON: codesJSON,
                method: record.method, followUp: record.followUp, remarks: record.remarks, withdrawn: false, rowHash: hash)
        }
        try stream.finish()
        report.diagnostics.append(contentsOf: stream.warnings)
        report.diagnostics.sort { ($0.location?.line ?? 0) < ($1.location?.line ?? 0) }
        let digest = try file.digest()
        if let expected = request.digest, expected != digest { throw FileChangedWhileRead(expected: expected, read: digest) }
        report.sha256 = digest.sha256
        if write {
            try sql.execute(
                """
                UPDATE imports SET content_sha256 = ?, byte_count = ?, rows_read = ?, rows_imported = ?, rows_rejected = ?, added = ?,
                    changed = ?, removed = ?, unchanged = ? WHERE id = ?
                """,
                [
                    digest.sha256, digest.byteCount, report.rowsRead, report.rowsImported, report.rowsRejected, report.added,
                    report.corrected, report.withdrawn, report.unchanged, importID,
                ])
        }
        if report.rowsRejected > 0, rejects != nil {
            try rejects?.commit()
            report.rejectsFile = request.rejectsPath
        }
    }

    /// SHA-256 of the stored content of a result version (change detection and history).
    static func rowHash(
        inspectedOn: String, codesJSON: String, method: String?, followUp: String?, remarks: String?, withdrawn: Bool
    ) -> String {
        let content = PayloadJSON.object([
            "inspectedOn": .string(inspectedOn), "codes": .string(codesJSON), "method": method.map(PayloadJSON.string) ?? .null,
            "followUp": followUp.map(PayloadJSON.string) ?? .null, "remarks": remarks.map(PayloadJSON.string) ?? .null,
            "withdrawn": .bool(withdrawn),
        ])
        return SHA256.hex(content.compactText)
    }

    private func close(_ id: Int64, importID: Int64, sql: any StageSQL) throws {
        try sql.execute("UPDATE results SET valid_to_import = ? WHERE id = ?", [importID, id])
    }

    private func insert(
        planID: Int64, record: InspectionResult, inspectedOn: String, codesJSON: String, method: String?, followUp: String?,
        remarks: String?, withdrawn: Bool, hash: String, importID: Int64, sql: any StageSQL
    ) throws {
        try sql.execute(
            """
            INSERT INTO results (plan_id, task_seq, round, uscc, inspected_on, codes_json, method, follow_up, remarks, withdrawn,
                row_hash, valid_from_import)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                planID, record.taskSeq, record.round, record.uscc, inspectedOn, codesJSON, method, followUp, remarks,
                withdrawn ? 1 : 0, hash, importID,
            ])
    }
}

extension ResultsImportError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .failure }
}
