internal import Foundation
public import Pipeline

// `suiji watchlist import FILE --reason …` and `suiji matters import FILE --department …`: the two
// lists the draw reads beside the registers (row contracts in Pipeline's ListRows.swift), read by
// the tabular readers (CSV/TSV in UTF-8, UTF-8 with BOM or GB18030; XML), each a snapshot of its
// scope (the watchlist of one reason; the matter list of one department):
// - every rejected row is a diagnostic `FILE:LINE:COLUMN: error: reason` and a row of the rejects
//   file (the original fields, then `line` and `reason`), written before the transaction commits;
//   good rows still land; a file that cannot be read (undecodable, unterminated quote, bad XML, a
//   required column missing) is rejected whole and changes nothing (exit 65);
// - the rows of the scope missing from the new file have their current version closed, changed rows
//   get a new version, nothing is deleted (valid_from_import / valid_to_import);
// - the same file again for the same scope is a no-op that says so; `--dry-run` writes nothing.
// The statements go through the stages' seam (StageSQL.swift): one text for SQLite and a county's
// lane of PostgreSQL, where the tables' `region` defaults to the county and row-level security
// keeps every statement in its lane.

/// Which list a file is.
public enum ListKind: String, Sendable, Hashable, CaseIterable {
    /// The watchlist of one reason (重点关注).
    case watchlist
    /// A department's 抽查事项清单.
    case matters

    /// The shape of its files.
    func shape() throws -> TabularShape {
        switch self {
        case .watchlist:
            TabularShape(
                fields: WatchlistField.allCases.map(\.rawValue), required: WatchlistField.required.map(\.rawValue),
                aliases: try ColumnAliases.bundled("watchlist-columns"), xmlRoot: "watchlist", xmlRecord: "entity")
        case .matters:
            TabularShape(
                fields: MatterField.allCases.map(\.rawValue), required: MatterField.required.map(\.rawValue),
                aliases: try ColumnAliases.bundled("matter-columns"), xmlRoot: "matters", xmlRecord: "matter")
        }
    }

    /// What its scope is called in messages.
    var scopeName: String { self == .watchlist ? "reason" : "department" }

    /// The table of its rows.
    var table: String { self == .watchlist ? "watchlist_entries" : "matter_list_items" }

    /// The columns a new row names.
    var columns: [String] {
        self == .watchlist
            ? ["reason", "uscc", "name", "detail", "valid_from_import"] : ["department", "matter", "position", "valid_from_import"]
    }
}

/// One list import.
public struct ListImportRequest: Sendable, Hashable {
    /// The list.
    public var kind: ListKind
    /// The file.
    public var path: String
    /// The file as messages name it.
    public var displayName: String
    /// The watchlist's reason, or the matter list's department.
    public var scope: String
    /// CSV or XML (nil: by the extension).
    public var format: InputFormat?
    /// The CSV encoding.
    public var encoding: EncodingChoice
    /// Write nothing.
    public var dryRun: Bool
    /// The language of the rejects file's reasons and column names (the command's, or the night's pages').
    public var language: UILanguage = .en
    /// Where rejected rows go (nil: nowhere).
    public var rejectsPath: String?

    /// Creates a request.
    public init(
        kind: ListKind, path: String, displayName: String? = nil, scope: String, format: InputFormat? = nil,
        encoding: EncodingChoice = .auto, dryRun: Bool = false, rejectsPath: String? = nil
    ) {
        self.kind = kind
        self.path = path
        self.displayName = displayName ?? path
        self.scope = PlanCellParser.clean(scope)
        self.format = format
        self.encoding = encoding
        self.dryRun = dryRun
        self.rejectsPath = rejectsPath
    }
}

/// What a list import did.
public struct ListImportReport: Sendable, Hashable {
    /// The request.
    public var request: ListImportRequest
    /// Data rows read.
    public var rowsRead = 0
    /// Rows accepted.
    public var rowsImported = 0
    /// Rows rejected.
    public var rowsRejected = 0
    /// Rows new to the scope.
    public var added = 0
    /// Rows whose values changed.
    public var changed = 0
    /// Current rows missing from the file (closed).
    public var removed = 0
    /// Rows as they were.
    public var unchanged = 0
    /// True when the same file was imported for the scope before.
    public var alreadyImported = false
    /// Warnings and rejected rows, in file order.
    public var diagnostics: [Diagnostic] = []

    /// One line for the operator, in English.
    public var summary: String { summary(in: MessageCatalogue(.en)) }

    /// One line for the operator in the catalogue's language.
    public func summary(in words: MessageCatalogue) -> String {
        let what =
            request.kind == .watchlist ? words(.listWatchlist, ["scope": request.scope]) : words(.listMatters, ["scope": request.scope])
        if alreadyImported { return words(.listUnchanged, ["file": request.displayName, "what": what]) }
        return words(
            .listSummary,
            [
                "dry": request.dryRun ? words(.listDryRun) : "", "file": request.displayName, "what": what, "rows": "\(rowsRead)",
                "imported": "\(rowsImported)", "rejected": "\(rowsRejected)", "added": "\(added)", "changed": "\(changed)",
                "removed": "\(removed)", "unchanged": "\(unchanged)",
            ])
    }

    /// 0 when every row was accepted, 65 when any was rejected.
    public var status: ExitStatus { rowsRejected > 0 ? .dataRejected : .success }
}

/// Imports watchlists and matter lists (rules at the top of ListImport.swift).
public struct ListImporter {
    /// The store: SQLite, or a county's lane of PostgreSQL.
    public let store: any StageStore
    /// The clock for timestamps.
    public let clock: Clock

    /// An importer.
    public init(store: any StageStore, clock: Clock = .system) {
        self.store = store
        self.clock = clock
    }

    /// Reads, checks and (unless a dry run) stores one file.
    public func run(_ request: ListImportRequest) throws -> ListImportReport {
        let digest = try FileDigest.of(path: request.path, displayName: request.displayName)
        var report = ListImportReport(request: request)
        if try isLatest(request, sha256: digest.sha256) {
            report.alreadyImported = true
            return report
        }
        let shape = try request.kind.shape()
        let stream: any TabularStream
        switch try InputFormat.detect(path: request.path, displayName: request.displayName, requested: request.format) {
        case .csv:
            let reader = try DelimitedFileReader(path: request.path, displayName: request.displayName, encoding: request.encoding)
            stream = try DelimitedTabularStream(reader: reader, shape: shape, displayName: request.displayName)
        case .xml:
            stream = try XMLTabularStream(
                path: request.path, displayName: request.displayName, shape: shape, department: nil, validate: false)
        case .xlsx:
            stream = try XLSXTabularStream(path: request.path, displayName: request.displayName, shape: shape, sheet: nil, pieceSize: nil)
        }
        return try run(request, stream: stream, sha256: digest.sha256)
    }

    /// Reads, checks and (unless a dry run) stores the rows of `stream` (tests feed it byte by byte).
    public func run(_ request: ListImportRequest, stream: any TabularStream, sha256: String) throws -> ListImportReport {
        var report = ListImportReport(request: request)
        let shape = try request.kind.shape()
        var rows: [String: (line: Int, payload: [String?])] = [:]
        var order: [String] = []
        var rejected: [[String]] = []
        var watch = WatchlistRowValidator()
        var matters = MatterRowValidator()
        while let row = try stream.next() {
            report.rowsRead += 1
            func value(_ name: String) -> String? { shape.fields.firstIndex(of: name).flatMap { row.values[$0] } }
            func column(_ name: String?) -> Int? { name.flatMap { n in shape.fields.firstIndex(of: n).flatMap { row.columns[$0] } } }
            let outcome: Result<(key: String, payload: [String?]), RowRejection>
            if let problem = row.problem {
                outcome = .failure(RowRejection(fieldName: nil, problem))
            } else {
                switch request.kind {
                case .watchlist:
                    outcome = watch.validate(line: row.line) { value($0.rawValue) }.map { ($0.uscc, [$0.name, $0.detail]) }
                case .matters:
                    outcome = matters.validate(line: row.line) { value($0.rawValue) }.map { (PlanTargets.normalise($0), [$0]) }
                }
            }
            switch outcome {
            case .success(let accepted):
                report.rowsImported += 1
                rows[accepted.key] = (row.line, accepted.payload)
                order.append(accepted.key)
            case .failure(let rejection):
                report.rowsRejected += 1
                let uscc = value("uscc").map(PlanCellParser.clean).flatMap { $0.isEmpty ? nil : $0 }
                report.diagnostics.append(
                    Diagnostic(
                        .error, rejection.text,
                        at: SourceLocation(file: request.displayName, line: row.line, column: column(rejection.field)),
                        context: uscc.map { ["uscc": $0] } ?? [:]))
                rejected.append(row.original + [String(row.line), MessageCatalogue(request.language)(rejection.text)])
            }
        }
        try stream.finish()
        report.diagnostics = stream.warnings + report.diagnostics

        var rejects: RejectsWriter?
        if !request.dryRun, let path = request.rejectsPath, !rejected.isEmpty {
            var writer = try RejectsWriter(path: path, header: stream.rejectsHeader + RejectsWriter.columns(request.language))
            for r in rejected { writer.append(r) }
            rejects = writer
        }
        let now = clock.now().storeTimestamp
        let runID = store.runID
        let body = { (sql: any StageSQL) throws -> Void in
            let current = try Self.current(sql, kind: request.kind, scope: request.scope)
            var importID: Int64 = 0
            if !request.dryRun {
                importID = try PlanRows.newID(
                    """
                    INSERT INTO list_imports (kind, scope, file_name, content_sha256, imported_at, rows_read, rows_imported, rows_rejected, run_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                    """,
                    [
                        request.kind.rawValue, request.scope, request.displayName, sha256, now, report.rowsRead, report.rowsImported,
                        report.rowsRejected, runID,
                    ], in: sql)
            }
            // The one snapshot diff (Pipeline/Snapshots), over the payload's hash. A rejected row's key is
            // not sent: unlike a register's, its current version is removed.
            var diff = SnapshotDiff(
                current: SnapshotKeyDictionary(
                    current: current.map { (key: $0.key, rowID: $0.value.id, hash: Self.hash($0.value.payload)) }))
            var writes = SnapshotWrites(sql, table: request.kind.table, columns: request.kind.columns, importID: importID)
            for (position, key) in order.enumerated() {
                guard let new = rows[key] else { continue }
                let payload = request.kind == .matters ? [new.payload[0], String(position + 1)] : new.payload
                switch diff.accept(key, hash: Self.hash(payload), line: max(1, new.line)) {
                case .unchanged, .repeated: continue
                case .change(let closing):
                    if !request.dryRun { try writes.close(rowID: closing) }
                case .add: break
                }
                if !request.dryRun {
                    try writes.insert(Self.values(request.kind, scope: request.scope, key: key, payload: payload, importID: importID))
                }
            }
            let unsent = diff.unsent()
            if !request.dryRun {
                for id in unsent { try writes.close(rowID: id) }
                try writes.flush()
            }
            report.added = diff.counts.added
            report.changed = diff.counts.changed
            report.unchanged = diff.counts.unchanged
            report.removed = diff.counts.removed
            try rejects?.commit()
        }
        do {
            if request.dryRun { try store.reading(body) } else { try store.writing(body) }
        } catch {
            rejects?.discard()
            throw error
        }
        return report
    }

    /// The content hash of a stored payload (watchlist: name, detail; matters: matter, position).
    private static func hash(_ payload: [String?]) -> Int64 {
        var hasher = RowHasher()
        for value in payload { hasher.add(value) }
        return hasher.value
    }

    /// True when the scope's latest import has this content.
    private func isLatest(_ request: ListImportRequest, sha256: String) throws -> Bool {
        try store.reading { sql in
            try sql.row(
                "SELECT content_sha256 FROM list_imports WHERE kind = ? AND scope = ? ORDER BY id DESC LIMIT 1",
                [request.kind.rawValue, request.scope])?.text(0) == sha256
        }
    }

    /// The scope's current rows by key: their id and payload (watchlist: name, detail; matters: matter, position).
    private static func current(_ sql: any StageSQL, kind: ListKind, scope: String) throws -> [String: (id: Int64, payload: [String?])] {
        var out: [String: (id: Int64, payload: [String?])] = [:]
        switch kind {
        case .watchlist:
            for row in try sql.rows(
                "SELECT id, uscc, name, detail FROM watchlist_entries WHERE reason = ? AND valid_to_import IS NULL", [scope])
            {
                out[try row.requiredText(1)] = (try row.requiredInteger(0), [try row.text(2), try row.text(3)])
            }
        case .matters:
            for row in try sql.rows(
                "SELECT id, matter, position FROM matter_list_items WHERE department = ? AND valid_to_import IS NULL", [scope])
            {
                let matter = try row.requiredText(1)
                out[PlanTargets.normalise(matter)] = (try row.requiredInteger(0), [matter, String(try row.requiredInteger(2))])
            }
        }
        return out
    }

    /// A new current row's values, in the order of ``ListKind/columns``.
    private static func values(_ kind: ListKind, scope: String, key: String, payload: [String?], importID: Int64) -> [any SQLBindable] {
        switch kind {
        case .watchlist: [scope, key, payload[0], payload[1], importID]
        case .matters: [scope, payload[0], Int(payload[1] ?? "0") ?? 0, importID]
        }
    }
}
