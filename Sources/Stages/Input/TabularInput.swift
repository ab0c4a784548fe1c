// Tabular inputs (registers, inspector registers, avoidance lists, results) as rows of canonical
// fields, whatever the file's format: CSV/TSV by header aliases, or XML by element and attribute
// aliases. The importers see only `TabularRow`s.

internal import Foundation
public import Pipeline

/// The format of an input file.
public enum InputFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// Comma- or tab-separated text (RFC 4180 and what real exports contain).
    case csv
    /// `<registry><entity>…</entity></registry>`-shaped XML, read with libxml2.
    case xml
    /// An Excel workbook (Office Open XML, also written by WPS), read with ZIPFoundation and libxml2.
    case xlsx

    /// The format a path implies: `.xml` is XML, `.xlsx` a workbook, anything else CSV/TSV.
    public static func guess(path: String) -> InputFormat {
        let lowered = path.lowercased()
        return lowered.hasSuffix(".xml") ? .xml : lowered.hasSuffix(".xlsx") || lowered.hasSuffix(".xlsm") ? .xlsx : .csv
    }

    /// The format of the file at `path` by its content (see `InputSniffer`); for text, `requested`
    /// or else the extension decides between CSV and XML. Throws for a file no reader can take
    /// (an Excel 97–2003 or WPS binary workbook, another kind of ZIP archive).
    public static func detect(path: String, displayName: String? = nil, requested: InputFormat? = nil) throws -> InputFormat {
        let name = displayName ?? path
        switch try InputSniffer.sniff(path: path, displayName: name) {
        case .workbook: return .xlsx
        case .text:
            let chosen = requested ?? guess(path: path)
            guard chosen != .xlsx else {
                if requested == .xlsx {
                    throw MalformedFileError(
                        location: SourceLocation(file: name),
                        Message(.inputNotWorkbook))
                }
                return .csv
            }
            return chosen
        }
    }
}

/// What a kind of tabular input looks like: its canonical fields, their aliases and its XML names.
public struct TabularShape: Sendable, Hashable {
    /// The canonical field names, in order: values of a `TabularRow` follow it.
    public var fields: [String]
    /// The fields that must be present as columns.
    public var required: [String]
    /// Header aliases, kept as data in `Resources/*-columns.json`.
    public var aliases: ColumnAliases
    /// The XML root element name.
    public var xmlRoot: String
    /// The XML record element name.
    public var xmlRecord: String

    /// Creates a shape.
    public init(fields: [String], required: [String], aliases: ColumnAliases, xmlRoot: String, xmlRecord: String) {
        self.fields = fields
        self.required = required
        self.aliases = aliases
        self.xmlRoot = xmlRoot
        self.xmlRecord = xmlRecord
    }

    /// An entity register (domain.md §3).
    public static func register() throws -> TabularShape {
        TabularShape(
            fields: RegisterField.allCases.map(\.rawValue), required: RegisterField.required.map(\.rawValue),
            aliases: try ColumnAliases.bundled("register-columns"), xmlRoot: "registry", xmlRecord: "entity")
    }

    /// An inspector register.
    public static func inspectors() throws -> TabularShape {
        TabularShape(
            fields: InspectorField.allCases.map(\.rawValue), required: InspectorField.required.map(\.rawValue),
            aliases: try ColumnAliases.bundled("inspector-columns"), xmlRoot: "inspectors", xmlRecord: "inspector")
    }

    /// The avoidance list.
    public static func avoidance() throws -> TabularShape {
        TabularShape(
            fields: AvoidanceField.allCases.map(\.rawValue), required: AvoidanceField.required.map(\.rawValue),
            aliases: try ColumnAliases.bundled("avoidance-columns"), xmlRoot: "avoidance", xmlRecord: "pair")
    }

    /// The label of a canonical field in messages: `uscc (统一社会信用代码)`.
    public func label(_ field: String) -> String {
        let chinese = aliases.spellings(of: field).first { $0.unicodeScalars.contains { $0.value > 0x2E80 } }
        return chinese.map { "\(field) (\($0))" } ?? field
    }
}

/// One input row mapped onto canonical fields.
public struct TabularRow: Sendable, Hashable {
    /// The physical line on which the record starts.
    public var line: Int
    /// Values in the shape's field order; nil where the file has no such column.
    public var values: [String?]
    /// The 1-based column of each field (CSV: its position in the header; XML: its position in the record).
    public var columns: [Int?]
    /// The row as it was written, for the rejects file (CSV: the fields; XML: values by `rejectsHeader`).
    public var original: [String]
    /// A problem the reader found with the row as a whole (a CSV row of the wrong width), or with
    /// one of its cells (a spreadsheet error value in a required column).
    public var problem: Message?
    /// The canonical field the problem is in, when it is one cell's.
    public var problemField: String?

    /// Creates a row.
    public init(line: Int, values: [String?], columns: [Int?], original: [String], problem: Message? = nil, problemField: String? = nil) {
        self.line = line
        self.values = values
        self.columns = columns
        self.original = original
        self.problem = problem
        self.problemField = problemField
    }
}

/// A stream of rows from one file.
public protocol TabularStream: AnyObject {
    /// The column names of the rejects file (the original header for CSV).
    var rejectsHeader: [String] { get }
    /// Bytes read so far, for progress.
    var bytesRead: Int { get }
    /// Warnings found along the way (unknown columns, a skipped total row, schema problems).
    var warnings: [Diagnostic] { get }
    /// The next row, or nil at the end; throws `MalformedFileError` when the file cannot be read.
    func next() throws -> TabularRow?
    /// Called at the end: throws if the file as a whole lacks something (XML: a required field in no record).
    func finish() throws
    /// The worksheet read, for a spreadsheet (diagnostics then name cells: `reg.xlsx:Sheet1!C42`).
    var sheet: String? { get }
}

extension TabularStream {
    /// Text files have no sheet.
    public var sheet: String? { nil }
}

/// Words that mark a trailing total row in exported spreadsheets.
let totalRowMarkers = ["合计", "总计", "共计", "小计", "total", "sum"]

/// True for a total row: its first non-empty value starts with a total marker, and its USCC, if
/// the row has that column, is not a valid code (a real row with a valid code is never a total row).
func isTotalRow(firstValue: String?, uscc: String?) -> Bool {
    // A USCC column holding 18 bytes marks a data row, valid or not.
    if let uscc, uscc.utf8.count == 18 { return false }
    guard let firstValue else { return false }
    let text = ColumnAliases.normalize(firstValue)
    guard totalRowMarkers.contains(where: { text.hasPrefix($0) }) else { return false }
    if let uscc, case .success = USCC.validate(uscc.trimmingWhitespace()) { return false }
    return true
}

/// A CSV/TSV file read through `DelimitedFileReader`, mapped by its header.
public final class DelimitedTabularStream: TabularStream {
    private let reader: DelimitedFileReader
    private let shape: TabularShape
    private let displayName: String
    private var mapping: [Int?] = [] // canonical index -> file column (0-based)
    private var width = 0
    private var usccColumn: Int? // the file column of `uscc`, looked up once
    /// The original header.
    public private(set) var rejectsHeader: [String] = []
    /// Warnings so far.
    public private(set) var warnings: [Diagnostic] = []
    /// Bytes read so far.
    public var bytesRead: Int { reader.bytesRead }

    /// Opens the stream and reads the header. Throws `MalformedFileError` for a missing required
    /// column, a column given twice under different aliases, or an empty file.
    public init(reader: DelimitedFileReader, shape: TabularShape, displayName: String) throws {
        self.reader = reader
        self.shape = shape
        self.displayName = displayName
        var header: DelimitedRecord?
        while let record = try reader.next() {
            if record.isBlank { continue }
            header = record
            break
        }
        guard let header else {
            throw MalformedFileError(
                location: SourceLocation(file: displayName, line: 1), Message(.inputEmptyFile))
        }
        rejectsHeader = header.fields
        width = header.fields.count
        mapping = Array(repeating: nil, count: shape.fields.count)
        for (column, name) in header.fields.enumerated() {
            guard let canonical = shape.aliases.canonical(for: name), let index = shape.fields.firstIndex(of: canonical) else {
                let trimmed = name.trimmingWhitespace()
                if !trimmed.isEmpty {
                    warnings.append(
                        Diagnostic(
                            .warning, Message(.inputUnknownColumn, ["name": trimmed]),
                            at: SourceLocation(file: displayName, line: header.line, column: column + 1)))
                }
                continue
            }
            if let earlier = mapping[index] {
                throw MalformedFileError(
                    location: SourceLocation(file: displayName, line: header.line, column: column + 1),
                    Message(.inputDuplicateColumn, ["first": header.fields[earlier], "second": name, "field": shape.label(canonical)]))
            }
            mapping[index] = column
        }
        usccColumn = shape.fields.firstIndex(of: "uscc").flatMap { mapping[$0] }
        for required in shape.required {
            guard let index = shape.fields.firstIndex(of: required), mapping[index] == nil else { continue }
            throw MalformedFileError(
                location: SourceLocation(file: displayName, line: header.line),
                Message(
                    .inputMissingColumn,
                    [
                        "field": shape.label(required),
                        "accepted": (shape.aliases.spellings(of: required) + [required]).joined(separator: ", "),
                    ]))
        }
    }

    /// The next data row; blank lines and a total row are skipped.
    public func next() throws -> TabularRow? {
        while let record = try reader.next() {
            if record.isBlank { continue }
            if isTotalRow(record) {
                noteTotalRow(record)
                continue
            }
            return row(record)
        }
        return nil
    }

    /// Reads on by one chunk, calling `body` with each data record as a view (blank lines and a
    /// total row skipped, as by `next()`); false at the end. The bulk path of register imports.
    func readChunk(_ body: (RawDelimitedRecord) throws -> Void) throws -> Bool {
        try reader.readChunk { raw in
            if Self.isBlank(raw) { return }
            // A row whose USCC column holds 18 bytes is a data row, valid or not.
            if let column = usccColumn, raw.field(column).count == 18 {
                try body(raw)
                return
            }
            let record = raw.record
            if isTotalRow(record) {
                noteTotalRow(record)
                return
            }
            try body(raw)
        }
    }

    /// The file column (0-based) of each canonical field, nil where the file has none.
    var fieldColumns: [Int?] { mapping }

    /// The row `next()` gives for a record: values by canonical field, a width problem if any.
    func row(_ record: DelimitedRecord) -> TabularRow {
        var values: [String?] = Array(repeating: nil, count: mapping.count)
        var columns: [Int?] = Array(repeating: nil, count: mapping.count)
        for (index, column) in mapping.enumerated() {
            guard let column else { continue }
            columns[index] = column + 1
            values[index] = column < record.fields.count ? record.fields[column] : ""
        }
        var row = TabularRow(line: record.line, values: values, columns: columns, original: record.fields)
        if record.fields.count != width {
            // Rejected with its line rather than read with shifted columns.
            row.problem = Message(.inputRowWidth, ["fields": "\(record.fields.count)", "width": "\(width)"])
        }
        return row
    }

    private func noteTotalRow(_ record: DelimitedRecord) {
        warnings.append(
            Diagnostic(
                .note, Message(.inputTotalRowSkipped, ["first": record.fields.first { !$0.trimmingWhitespace().isEmpty } ?? ""]),
                at: SourceLocation(file: displayName, line: record.line)))
    }

    /// `DelimitedRecord.isBlank` on a view: an ASCII byte other than whitespace settles it at once.
    static func isBlank(_ raw: RawDelimitedRecord) -> Bool {
        var onlyASCII = true
        // Field by field: a line taken whole has its delimiters between the fields.
        for index in 0..<raw.count {
            for byte in raw.field(index) {
                switch byte {
                case 0x09...0x0D, 0x20: continue
                case 0x80...: onlyASCII = false
                default: return false
                }
            }
        }
        return onlyASCII || raw.record.isBlank
    }

    /// Nothing to check at the end of a CSV: its header was checked first.
    public func finish() throws {}

    private func isTotalRow(_ record: DelimitedRecord) -> Bool {
        // Fast path: a row whose USCC column holds 18 bytes is a data row, valid or not.
        if let column = usccColumn, column < record.fields.count, record.fields[column].utf8.count == 18 {
            return false
        }
        let uscc = usccColumn.flatMap { $0 < record.fields.count ? record.fields[$0] : nil }
        return Stages.isTotalRow(firstValue: record.fields.first { !$0.trimmingWhitespace().isEmpty }, uscc: uscc)
    }

    /// The number of header columns (rows of another width are rejected).
    public var headerWidth: Int { width }
}
