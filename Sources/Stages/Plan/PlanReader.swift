internal import Foundation
public import Pipeline

/// What to read a plan from.
public struct PlanSource: Sendable, Hashable {
    /// The path of the file.
    public var path: String
    /// The name shown in diagnostics (defaults to the path).
    public var displayName: String
    /// The plan year.
    public var year: Int
    /// The 6-digit region code.
    public var region: String
    /// The encoding choice.
    public var encoding: EncodingChoice
    /// The worksheet of a workbook: a name or a 1-based number (default: the first visible sheet).
    public var sheet: String?

    /// Creates a source.
    public init(
        path: String, displayName: String? = nil, year: Int, region: String, encoding: EncodingChoice = .auto, sheet: String? = nil
    ) {
        self.sheet = sheet
        self.path = path
        self.displayName = displayName ?? path
        self.year = year
        self.region = region
        self.encoding = encoding
    }
}

/// A plan file that cannot be used at all: a missing required column, an empty file.
public struct PlanFileError: ReportableError, Sendable, Hashable, CustomStringConvertible {
    /// Where.
    public var location: SourceLocation
    /// What happened and what to do.
    public var message: String

    /// `file:line: error: message`.
    public var description: String { "\(location): error: \(message)" }
}

/// Reads an annual plan table (TSV, CSV or a worksheet of an .xlsx workbook) by header aliases into typed tasks.
public struct PlanReader: PipelineStage {
    /// The header alias table.
    public let aliases: ColumnAliases
    /// Supplies the bytes; tests replace it to feed one byte at a time.
    public let chunkSource: (@Sendable (PlanSource) throws -> DelimitedFileReader)?

    /// Creates a reader with the bundled aliases.
    public init(aliases: ColumnAliases? = nil, chunkSource: (@Sendable (PlanSource) throws -> DelimitedFileReader)? = nil) throws {
        self.aliases = try aliases ?? ColumnAliases.bundled("plan-columns")
        self.chunkSource = chunkSource
    }

    static let required: [(canonical: String, label: String)] = [
        ("seq", "序号"), ("name", "抽查任务名称"), ("scopes", "抽查对象范围"), ("initiator", "发起部门"),
    ]

    /// Reads the plan; unreadable cells become warnings and unset values, bad rows errors.
    public func run(_ source: PlanSource, diagnostics: inout DiagnosticCollector) throws -> AnnualPlan {
        let reader = try PlanRowSource(source, textReader: chunkSource)
        var header: DelimitedRecord?
        while let record = try reader.next() {
            if !record.isBlank {
                header = record
                break
            }
        }
        guard let header else {
            throw PlanFileError(location: reader.location(line: 1), message: "the plan file is empty")
        }
        var columns: [String: Int] = [:]
        for (index, name) in header.fields.enumerated() {
            guard let canonical = aliases.canonical(for: name) else {
                diagnostics.emit(
                    Diagnostic(
                        .note, "column '\(name)' is not a known plan column; it is kept in the raw row only",
                        at: reader.location(line: header.line, column: index + 1)))
                continue
            }
            if columns[canonical] == nil { columns[canonical] = index }
        }
        for (canonical, label) in Self.required where columns[canonical] == nil {
            throw PlanFileError(
                location: reader.location(line: header.line),
                message:
                    "required column '\(label)' is missing (accepted headers: \(aliases.spellings(of: canonical).joined(separator: ", ")))")
        }
        if columns["ratioAndFrequency"] == nil, columns["ratio"] == nil, columns["count"] == nil {
            throw PlanFileError(
                location: reader.location(line: header.line),
                message: "required column '抽查比例及频次' is missing (or give '抽查比例' with '抽查频次', or '抽查户数')")
        }

        var tasks: [PlanTask] = []
        var seenSeq: [Int: Int] = [:]
        while let record = try reader.next() {
            if record.isBlank { continue }
            let fields = record.fields
            func cell(_ canonical: String) -> String? {
                guard let index = columns[canonical] else { return nil }
                return index < fields.count ? fields[index] : ""
            }
            func location(_ canonical: String) -> SourceLocation {
                reader.location(line: record.line, column: (columns[canonical] ?? 0) + 1)
            }
            func warn(_ canonical: String, _ message: String) {
                diagnostics.emit(Diagnostic(.warning, message, at: location(canonical)))
            }
            let seqText = PlanCellParser.normalizeWidth(cell("seq") ?? "").trimmingWhitespace()
            if seqText.hasPrefix("合计") || seqText.hasPrefix("总计") { continue }
            guard let seq = Int(seqText), seq > 0 else {
                diagnostics.emit(
                    Diagnostic(
                        .error, "task number '\(cell("seq") ?? "")' is not a positive integer; the row is skipped", at: location("seq")))
                continue
            }
            if let first = seenSeq[seq] {
                diagnostics.emit(
                    Diagnostic(.error, "task number \(seq) repeats the task on line \(first); the row is skipped", at: location("seq")))
                continue
            }
            seenSeq[seq] = record.line

            var raw: [String: String] = [:]
            for (canonical, index) in columns { raw[canonical] = index < fields.count ? fields[index] : "" }

            var ratio = SamplingRatio(raw: "")
            var frequency = InspectionFrequency(perYear: nil, raw: "")
            if let combined = cell("ratioAndFrequency") {
                let (r, f) = PlanCellParser.ratioAndFrequency(combined)
                ratio = r.value
                frequency = f.value
                if let problem = r.problem { warn("ratioAndFrequency", problem + "; the ratio is left unset") }
                if let problem = f.problem {
                    warn("ratioAndFrequency", problem + (f.value.perYear == nil ? "; the frequency is left unset" : ""))
                }
            }
            if let text = cell("ratio"), ratio.isUnset {
                let r = PlanCellParser.ratio(text)
                ratio = r.value
                if let problem = r.problem { warn("ratio", problem + "; the ratio is left unset") }
            }
            if let text = cell("count"), ratio.isUnset, !text.trimmingWhitespace().isEmpty {
                let digits = PlanCellParser.normalizeWidth(text).trimmingWhitespace().replacing(#/[户家个]$/#, with: "")
                if let n = Int(digits), n > 0 {
                    ratio = SamplingRatio(count: n, raw: text)
                } else {
                    warn("count", "cannot read a number of objects from '\(text)'; the count is left unset")
                }
            }
            if let text = cell("frequency"), frequency.perYear == nil {
                let f = PlanCellParser.frequency(text)
                frequency = f.value
                if let problem = f.problem { warn("frequency", problem + "; the frequency is left unset") }
            }
            var window = TaskWindow(startMonth: nil, endMonth: nil, raw: "")
            if let text = cell("window") {
                let w = PlanCellParser.window(text)
                window = w.value
                if let problem = w.problem { warn("window", problem + "; the window is left unset") }
            }
            let name = (cell("name") ?? "").trimmingWhitespace()
            if name.isEmpty { warn("name", "the task name is empty") }
            let scopes = PlanCellParser.scopes(cell("scopes") ?? "")
            if scopes.isEmpty { warn("scopes", "the task names no object scope; it will match no entity") }
            let initiator = PlanCellParser.clean(cell("initiator") ?? "")
            if initiator.isEmpty { warn("initiator", "the task names no initiating department") }
            let mode = cell("mode").map { PlanCellParser.clean($0) }.flatMap { $0.isEmpty ? nil : $0 }
            tasks.append(
                PlanTask(
                    seq: seq, name: name, matters: PlanCellParser.matters(cell("matters") ?? ""), scopes: scopes,
                    ratio: ratio, frequency: frequency, window: window, initiator: initiator,
                    cooperators: PlanCellParser.departments(cell("cooperators") ?? ""), mode: mode,
                    inspectionType: cell("inspectionType").map { PlanCellParser.clean($0) },
                    riskRequirement: cell("riskRequirement").map { $0.trimmingWhitespace() },
                    area: cell("area").map { PlanCellParser.clean($0) }, raw: raw, line: record.line))
        }
        tasks.sort { $0.seq < $1.seq }
        return AnnualPlan(year: source.year, region: source.region, tasks: tasks)
    }
}

extension PlanFileError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .dataRejected }
}
