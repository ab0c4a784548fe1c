// Where a plan's rows come from: a CSV/TSV file, or a worksheet of an .xlsx workbook (by content,
// whatever the file is called). A workbook's plan is read whole, with merged cells filled from
// their top-left cell: plans merge 发起部门, 地市 or 抽查对象范围 down the tasks they share, and each
// task must see the value. Rows keep their Excel row numbers, so diagnostics name the cell.

internal import Foundation
internal import Pipeline

/// The rows of a plan file, as records of text fields, whatever the file's format.
public final class PlanFileRows: PlanRowSource {
    private let delimited: DelimitedFileReader?
    private var records: [DelimitedRecord]
    private var index = 0
    /// The worksheet read, for a workbook (nil for text).
    public let sheet: String?

    /// Opens the plan file of `source`: a workbook by content, else text through `textReader`
    /// (tests feed it one byte at a time) or a `DelimitedFileReader` on the file.
    public init(_ source: PlanSource, textReader: (@Sendable (PlanSource) throws -> DelimitedFileReader)? = nil) throws {
        if textReader == nil, try InputFormat.detect(path: source.path, displayName: source.displayName) == .xlsx {
            let workbook = try XLSXSheet(path: source.path, displayName: source.displayName, sheet: source.sheet)
            records = try workbook.filledRecords()
            sheet = workbook.name
            delimited = nil
        } else {
            delimited =
                try textReader?(source)
                ?? DelimitedFileReader(path: source.path, displayName: source.displayName, encoding: source.encoding)
            records = []
            sheet = nil
        }
    }

    /// The next record, or nil at the end.
    public func nextRecord() throws -> DelimitedRecord? {
        if let delimited { return try delimited.next() }
        guard index < records.count else { return nil }
        defer { index += 1 }
        return records[index]
    }
}
