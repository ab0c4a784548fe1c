internal import Foundation
public import Pipeline

// Reading a plan table: title rows, the header, then the rows, handed one by one to Pipeline's
// PlanRowAssembler (merged cells, continuation rows) and PlanTaskResolver (the cell grammar).
//
// The rows come from a row source (`PlanRowSource`), so that the CSV/TSV reader here and a
// spreadsheet reader can feed the same rules. Rows before the header are title rows: they may
// give the plan's year (`长治市2024年度部门联合双随机抽查工作计划`). The header is the first row
// that names at least two known plan columns, matched after ColumnAliases.normalize (spaces and
// line breaks inside a header do not count, full-width forms are folded); a header the aliases do
// not know is tried without its parentheses (`抽查比例(数量)`), then as two names joined by `/`,
// `及`, `和` or `、` (`抽查比例/频次` is the ratio-and-frequency column).
//
// Year and region are never defaults: --year, else the plan's title, else `year` in suiji.toml;
// --region, else `region` in suiji.toml. A title and a given year that disagree is an error, and
// so is a plan whose year or region nothing gives.

/// A source of plan rows: the fields of each record with the line it starts on.
public protocol PlanRowSource {
    /// The next record, or nil at the end.
    func nextRecord() throws -> DelimitedRecord?
    /// The worksheet the rows come from (nil for a text file).
    var sheet: String? { get }
}

extension PlanRowSource {
    /// Text files have no sheet.
    public var sheet: String? { nil }
}

extension DelimitedFileReader: PlanRowSource {
    /// The next record of the file.
    public func nextRecord() throws -> DelimitedRecord? { try next() }
}

/// What to read a plan from.
public struct PlanSource: Sendable, Hashable {
    /// The path of the file.
    public var path: String
    /// The name shown in diagnostics (defaults to the path).
    public var displayName: String
    /// The plan year given by the operator (`--year`), if any.
    public var year: Int?
    /// The region given by the operator (`--region`), if any.
    public var region: String?
    /// The year the configuration sets, used when neither `--year` nor the plan gives one.
    public var configuredYear: Int?
    /// The region the configuration sets, used when `--region` does not give one.
    public var configuredRegion: String?
    /// The encoding choice.
    public var encoding: EncodingChoice
    /// The worksheet of a workbook: a name or a 1-based number (default: the first visible sheet).
    public var sheet: String?

    /// Creates a source.
    public init(
        path: String, displayName: String? = nil, year: Int? = nil, region: String? = nil, configuredYear: Int? = nil,
        configuredRegion: String? = nil, encoding: EncodingChoice = .auto, sheet: String? = nil
    ) {
        self.sheet = sheet
        self.path = path
        self.displayName = displayName ?? path
        self.year = year
        self.region = region
        self.configuredYear = configuredYear
        self.configuredRegion = configuredRegion
        self.encoding = encoding
    }
}

/// A plan as read, with the layout of its table.
public struct PlanTable: Sendable, Hashable {
    /// The plan.
    public var plan: AnnualPlan
    /// Its columns and headers.
    public var layout: PlanTableLayout
}

/// A plan file that cannot be used at all: no header, a repeated 序号, an unknown year or region.
public struct PlanFileError: DiagnosticReportableError, Sendable, Hashable, CustomStringConvertible {
    /// Where.
    public var location: SourceLocation
    /// What happened and what to do.
    public var text: Message

    /// Creates an error.
    public init(location: SourceLocation, _ text: Message) {
        self.location = location
        self.text = text
    }

    /// ``text`` in English.
    public var message: String { text.english }

    /// `file:line: error: text`, in the language in force where it is printed.
    public var diagnostic: Diagnostic { Diagnostic(.error, text, at: location) }

    /// `file:line: error: message`.
    public var description: String { diagnostic.description }

    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .dataRejected }
}

/// Reads an annual plan table (TSV or CSV) by header aliases into typed tasks.
public struct PlanReader: PipelineStage {
    /// The header alias table (bundled plus the operator's).
    public let aliases: ColumnAliases
    /// The operator's decisions, applied as tasks are read.
    public let overrides: PlanOverrides?
    /// Supplies the bytes; tests replace it to feed one byte at a time.
    public let chunkSource: (@Sendable (PlanSource) throws -> DelimitedFileReader)?

    /// Creates a reader with the bundled aliases unless others are given.
    public init(
        aliases: ColumnAliases? = nil, overrides: PlanOverrides? = nil,
        chunkSource: (@Sendable (PlanSource) throws -> DelimitedFileReader)? = nil
    ) throws {
        self.aliases = try aliases ?? ColumnAliases.bundled("plan-columns")
        self.overrides = overrides
        self.chunkSource = chunkSource
    }

    /// A reader with the header aliases and overrides a configuration names (`[plan]`).
    public init(configuration: Configuration) throws {
        try self.init(aliases: try PlanColumnsLoader.load(configuration), overrides: try PlanOverridesLoader.load(configuration))
    }

    /// Reads the plan file; unreadable cells become questions for review, bad rows errors.
    public func run(_ source: PlanSource, diagnostics: inout DiagnosticCollector) throws -> AnnualPlan {
        let reader = try PlanFileRows(source, textReader: chunkSource)
        return try read(rows: reader, source: source, diagnostics: &diagnostics)
    }

    /// Reads a plan from any row source.
    public func read(rows: some PlanRowSource, source: PlanSource, diagnostics: inout DiagnosticCollector) throws -> AnnualPlan {
        try readTable(rows: rows, source: source, diagnostics: &diagnostics).plan
    }

    /// Reads a plan file with its table layout (for `plan check`, which shows cells beside values).
    public func readTable(_ source: PlanSource, diagnostics: inout DiagnosticCollector) throws -> PlanTable {
        let reader = try PlanFileRows(source, textReader: chunkSource)
        return try readTable(rows: reader, source: source, diagnostics: &diagnostics)
    }

    /// Reads a plan with its table layout from any row source.
    public func readTable(rows: some PlanRowSource, source: PlanSource, diagnostics: inout DiagnosticCollector) throws -> PlanTable {
        let file = source.displayName
        var titles: [String] = []
        var found: (record: DelimitedRecord, columns: [String: Int], headers: [String: String])?
        while found == nil, let record = try rows.nextRecord() {
            if record.isBlank { continue }
            let mapped = mapHeader(record, file: file, sheet: rows.sheet)
            if mapped.columns.count >= 2 {
                found = (record, mapped.columns, mapped.headers)
            } else {
                titles.append(record.fields.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: " "))
                if titles.count > 10 { break }
            }
        }
        guard let header = found else {
            throw PlanFileError(
                location: SourceLocation(file: file, line: 1, sheet: rows.sheet),
                Message(titles.isEmpty ? .planFileEmpty : .planFileNoHeader))
        }
        let columns = header.columns
        for note in mapHeader(header.record, file: file, sheet: rows.sheet).notes { diagnostics.emit(note) }
        func missing(_ text: Message) -> PlanFileError {
            PlanFileError(location: SourceLocation(file: file, line: header.record.line, sheet: rows.sheet), text)
        }
        if columns["seq"] == nil {
            throw missing(Message(.planFileNoSeq, ["list": aliases.spellings(of: "seq").joined(separator: ", ")]))
        }
        if columns["name"] == nil, columns["matters"] == nil, columns["scopes"] == nil {
            throw missing(Message(.planFileNoNameColumn))
        }
        let (year, region) = try yearAndRegion(source, titles: titles, line: header.record.line, sheet: rows.sheet)
        let layout = PlanTableLayout(file: file, columns: columns, headers: header.headers, year: year, sheet: rows.sheet)
        if let overrides {
            if let y = overrides.year, y != year {
                throw PlanOverridesFileError(
                    file: overrides.file, Message(.planFileOverridesYear, ["other": "\(y)", "year": "\(year)"]))
            }
            if let r = overrides.region, r != region {
                throw PlanOverridesFileError(
                    file: overrides.file, Message(.planFileOverridesRegion, ["other": r, "region": region]))
            }
        }
        var assembler = PlanRowAssembler(layout: layout, overrides: overrides)
        do {
            while let record = try rows.nextRecord() {
                if record.isBlank { continue }
                var cells: [String: String] = [:]
                for (canonical, index) in columns { cells[canonical] = index < record.fields.count ? record.fields[index] : "" }
                try assembler.add(PlanRow(cells: cells, line: record.line), diagnostics: &diagnostics)
            }
        } catch let error as PlanAssemblyError {
            throw PlanFileError(location: error.location, Message(verbatim: error.message))
        }
        assembler.finish(diagnostics: &diagnostics)
        guard !assembler.tasks.isEmpty else {
            throw missing(Message(.planFileNoTasks))
        }
        return PlanTable(plan: AnnualPlan(year: year, region: region, tasks: assembler.tasks.sorted { $0.seq < $1.seq }), layout: layout)
    }

    /// The plan's year and region (rules at the top of PlanReader.swift).
    func yearAndRegion(_ source: PlanSource, titles: [String], line: Int, sheet: String? = nil) throws -> (Int, String) {
        let location = SourceLocation(file: source.displayName, line: line, sheet: sheet)
        let title = titles.first { $0.contains(#/\d{4}年/#) }
        let titleYear = title.flatMap { $0.firstMatch(of: #/(\d{4})年/#) }.flatMap { Int($0.output.1) }
        let place = titles.lazy.compactMap { $0.firstMatch(of: #/^(.{2,12}?[省市县区旗])/#)?.output.1 }.first.map(String.init)
        if let given = source.year, let titleYear, given != titleYear {
            throw PlanFileError(
                location: location,
                Message(.planFileTitleYearArgument, ["title": title ?? "", "titleYear": "\(titleYear)", "given": "\(given)"]))
        }
        if source.year == nil, let titleYear, let configured = source.configuredYear, configured != titleYear {
            throw PlanFileError(
                location: location,
                Message(.planFileTitleYearConfigured, ["title": title ?? "", "titleYear": "\(titleYear)", "configured": "\(configured)"]))
        }
        guard let year = source.year ?? titleYear ?? source.configuredYear else {
            throw PlanFileError(
                location: location,
                Message(.planFileNoYear))
        }
        guard (2000...2100).contains(year) else {
            throw PlanFileError(location: location, Message(.planFileYearRange, ["year": "\(year)"]))
        }
        guard let region = source.region ?? source.configuredRegion else {
            throw PlanFileError(
                location: location, place.map { Message(.planFileNoRegionOf, ["place": $0]) } ?? Message(.planFileNoRegion))
        }
        return (year, region)
    }

    /// Header cells → canonical columns (first occurrence wins), with notes on unknown and repeated headers.
    func mapHeader(_ record: DelimitedRecord, file: String, sheet: String? = nil) -> (
        columns: [String: Int], headers: [String: String], notes: [Diagnostic]
    ) {
        var columns: [String: Int] = [:]
        var headers: [String: String] = [:]
        var notes: [Diagnostic] = []
        for (index, name) in record.fields.enumerated() where !name.trimmingWhitespace().isEmpty {
            let at = SourceLocation(file: file, line: record.line, column: index + 1, sheet: sheet)
            guard let canonical = canonical(for: name) else {
                notes.append(
                    Diagnostic(.note, Message(.planUnknownColumn, ["name": Self.oneLine(name)]), at: at))
                continue
            }
            if let first = columns[canonical] {
                notes.append(
                    Diagnostic(
                        .note,
                        Message(.planSecondColumn, ["name": Self.oneLine(name), "canonical": canonical, "first": "\(first + 1)"]),
                        at: at))
                continue
            }
            columns[canonical] = index
            headers[canonical] = name
        }
        return (columns, headers, notes)
    }

    /// The canonical column of a header: as written, without parentheses, or as two joined names.
    func canonical(for header: String) -> String? {
        if let known = aliases.canonical(for: header) { return known }
        let bare = PlanCellParser.normalizeWidth(header).replacing(#/\([^)]*\)/#, with: "")
        if bare != header, let known = aliases.canonical(for: bare) { return known }
        let parts = bare.split(whereSeparator: { "/及和、".contains($0) }).map(String.init)
        guard parts.count == 2 else { return nil }
        let both = parts.compactMap { aliases.canonical(for: $0) ?? aliases.canonical(for: "抽查" + $0) }
        guard both.count == 2 else { return nil }
        if Set(both) == ["ratio", "frequency"] { return "ratioAndFrequency" }
        return both[0] == both[1] ? both[0] : nil
    }

    static func oneLine(_ text: String) -> String { text.replacing(#/\s+/#, with: " ").trimmingWhitespace() }
}
