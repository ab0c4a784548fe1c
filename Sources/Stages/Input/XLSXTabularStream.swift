// A worksheet as tabular rows: the same contract as CSV and XML (`TabularRow`s by header aliases),
// so registers, inspectors, avoidance lists and results read an `.xlsx` exactly as they read a CSV.
//
// The header is the first row that names every required column (a register often has a title row
// or two above it: `原平市市场监督管理局检查对象名录库`, merged across the sheet); rows above it are
// noted as skipped. If no row within the first 20 names them all, the first non-empty row is taken
// as the header and the missing column is reported against it, as for a CSV.
//
// A row's line is its Excel row number and a field's column its Excel column, so diagnostics name
// the cell (`reg.xlsx:Sheet1!C42`). Absent cells are empty values (a sheet has no fixed width).
// A cell holding an Excel error (`#N/A`) or a formula never computed has no value: in a required
// column the row is rejected for it, in an optional one the value is left unset with a warning.
//
// Merged cells. Excel stores a merged range's value in its top-left cell only, and writes the list
// of merged ranges after the rows. A stream cannot look ahead, so the rows are read as stored; at
// the end, every merged range reaching into the rows below the header in a column the import
// reads is reported (a warning naming the range), since the rows under its top-left cell were read
// empty. (The plan, read whole, fills merged ranges instead: see `XLSXSheet.filledRecords`.)

internal import Foundation
public import Pipeline

/// A worksheet of an `.xlsx` file, mapped by its header row.
public final class XLSXTabularStream: TabularStream {
    private let source: XLSXSheet
    private let shape: TabularShape
    private let displayName: String
    private var mapping: [Int?] = [] // canonical index -> sheet column (1-based)
    private var required: [Bool] = []
    private var width = 0
    private var headerRow = 0
    private var usccIndex: Int?

    /// The header row's cells, column A on (the department's own headers, for the rejects file).
    public private(set) var rejectsHeader: [String] = []
    /// Warnings so far.
    public private(set) var warnings: [Diagnostic] = []
    /// The sheet read.
    public var sheet: String? { source.name }
    /// Bytes of the file read so far (the share of the sheet read).
    public var bytesRead: Int { source.bytesRead }

    /// Opens `path` and reads its header. `sheet` is a name or a 1-based number (nil: the first
    /// visible sheet); `pieceSize` feeds the XML parser that many decompressed bytes at a time (tests: 1, 7).
    public init(
        path: String, displayName: String, shape: TabularShape, sheet: String? = nil, limits: XLSXLimits = XLSXLimits(),
        pieceSize: Int? = nil
    ) throws {
        source = try XLSXSheet(path: path, displayName: displayName, sheet: sheet, limits: limits, pieceSize: pieceSize)
        self.shape = shape
        self.displayName = displayName
        required = shape.fields.map { shape.required.contains($0) }
        usccIndex = shape.fields.firstIndex(of: "uscc")
        try readHeader()
        fieldOfColumn = Array(repeating: -1, count: width + 1)
        for (index, column) in mapping.enumerated() {
            if let column, column <= width { fieldOfColumn[column] = index }
        }
    }

    /// Per sheet column (1-based, up to the header's width), the canonical field it holds, or -1.
    private(set) var fieldOfColumn: [Int] = []

    deinit { source.stop() }

    private func readHeader() throws {
        var seen: [XLSXRow] = []
        var found: XLSXRow?
        while seen.count < 20, let row = try source.nextRow() {
            guard !Self.isBlank(row) else { continue }
            seen.append(row)
            if missingRequired(in: row) == nil {
                found = row
                break
            }
        }
        // No row names every required column: the first is the header, and what it lacks is said below.
        guard let header = found ?? seen.first else {
            throw MalformedFileError(location: source.location(), Message(.inputEmptySheet))
        }
        for row in seen where row.number < header.number {
            let first = row.cells.first { !$0.value.trimmingWhitespace().isEmpty }?.value ?? ""
            warnings.append(
                Diagnostic(
                    .note, Message(.inputRowAboveHeader, ["row": "\(row.number)", "header": "\(header.number)", "first": first]),
                    at: source.location(row: row.number)))
        }
        headerRow = header.number
        width = header.cells.last?.column ?? 0
        rejectsHeader = Array(repeating: "", count: width)
        mapping = Array(repeating: nil, count: shape.fields.count)
        var headerText: [Int: String] = [:]
        for cell in header.cells {
            rejectsHeader[cell.column - 1] = cell.value
            headerText[cell.column] = cell.value
            guard let canonical = shape.aliases.canonical(for: cell.value), let index = shape.fields.firstIndex(of: canonical) else {
                let trimmed = cell.value.trimmingWhitespace()
                if !trimmed.isEmpty {
                    warnings.append(
                        Diagnostic(
                            .warning, Message(.inputUnknownColumn, ["name": trimmed]),
                            at: source.location(row: header.number, column: cell.column)
                        ))
                }
                continue
            }
            if let earlier = mapping[index] {
                throw MalformedFileError(
                    location: source.location(row: header.number, column: cell.column),
                    Message(
                        .inputDuplicateColumn, ["first": headerText[earlier] ?? "", "second": cell.value, "field": shape.label(canonical)]))
            }
            mapping[index] = cell.column
        }
        if let missing = missingRequired(in: header) {
            throw MalformedFileError(
                location: source.location(row: header.number),
                Message(
                    .inputMissingColumn,
                    ["field": shape.label(missing), "accepted": (shape.aliases.spellings(of: missing) + [missing]).joined(separator: ", ")])
            )
        }
    }

    /// The first required field a row does not name as a column, or nil if it names them all.
    private func missingRequired(in row: XLSXRow) -> String? {
        let named = Set(row.cells.compactMap { shape.aliases.canonical(for: $0.value) })
        return shape.required.first { !named.contains($0) }
    }

    /// The number of header columns.
    var headerWidth: Int { width }

    /// Reads on by one batch of rows, calling `body` with each data row as a view of its bytes
    /// (blank rows and a total row skipped, as by `next()`); false at the end. The bulk path of
    /// register imports: no text is made for a cell unless the caller asks for it (`row(_:)`).
    func readChunk(_ body: (XLSXRowView) throws -> Void) throws -> Bool {
        try source.readBatch { view in
            if Self.isBlank(view) { return }
            // A row whose USCC column holds 18 bytes is a data row, valid or not.
            if let index = usccIndex, let column = mapping[index],
                let cell = view.cells.first(where: { Int($0.column) == column }), cell.problem == 0, cell.count == 18
            {
                return try body(view)
            }
            if isTotal(view.row) { return }
            try body(view)
        }
    }

    /// The `TabularRow` of a row view (what `next()` gives for it, warnings included).
    func row(_ view: XLSXRowView) -> TabularRow { makeRow(view.row) }

    private static func isBlank(_ view: XLSXRowView) -> Bool {
        for cell in view.cells {
            if cell.problem != 0 { return false }
            for byte in view.value(cell) where !(byte == 0x20 || (0x09...0x0D).contains(byte)) {
                // Multi-byte whitespace is left to the full check.
                if byte >= 0x80 { return isBlank(view.row) }
                return false
            }
        }
        return true
    }

    /// True for a total row, which is noted and skipped.
    private func isTotal(_ row: XLSXRow) -> Bool {
        let first = row.cells.first { !$0.value.trimmingWhitespace().isEmpty }?.value
        let uscc = usccIndex.flatMap { mapping[$0] }.flatMap { column in row.cells.first { $0.column == column }?.value }
        guard isTotalRow(firstValue: first, uscc: uscc) else { return false }
        warnings.append(Diagnostic(.note, Message(.inputTotalRowSkipped, ["first": first ?? ""]), at: source.location(row: row.number)))
        return true
    }

    /// The next data row; blank rows and a total row are skipped.
    public func next() throws -> TabularRow? {
        while true {
            guard let row = try source.nextRow() else { return nil }
            if Self.isBlank(row) || isTotal(row) { continue }
            return makeRow(row)
        }
    }

    private func makeRow(_ row: XLSXRow) -> TabularRow {
        var byColumn: [Int: XLSXCell] = [:]
        byColumn.reserveCapacity(row.cells.count)
        for cell in row.cells { byColumn[cell.column] = cell }
        var values: [String?] = Array(repeating: nil, count: mapping.count)
        var columns: [Int?] = Array(repeating: nil, count: mapping.count)
        var tabular = TabularRow(line: row.number, values: [], columns: [], original: [])
        for (index, column) in mapping.enumerated() {
            guard let column else { continue }
            columns[index] = column
            guard let cell = byColumn[column] else {
                values[index] = ""
                continue
            }
            values[index] = cell.value
            guard let problem = cell.problem else { continue }
            let field = shape.fields[index]
            let what: Message
            switch problem {
            case .errorValue(let code):
                what = Message(.inputExcelError, ["field": shape.label(field), "code": code])
            case .noCachedValue:
                what = Message(.inputNoCachedValue, ["field": shape.label(field)])
            }
            if required[index] {
                if tabular.problem == nil {
                    tabular.problem = what
                    tabular.problemField = field
                }
            } else {
                warnings.append(
                    Diagnostic(
                        .warning, Message(.inputLeftUnset, parts: ["text": what]), at: source.location(row: row.number, column: column)))
            }
        }
        var original = Array(repeating: "", count: width)
        for cell in row.cells where cell.column <= width {
            switch cell.problem {
            case .errorValue(let code)?: original[cell.column - 1] = code
            default: original[cell.column - 1] = cell.value
            }
        }
        tabular.values = values
        tabular.columns = columns
        tabular.original = original
        return tabular
    }

    private static func isBlank(_ row: XLSXRow) -> Bool {
        row.cells.allSatisfy { $0.problem == nil && $0.value.allSatisfy(\.isWhitespace) }
    }

    /// At the end: merged ranges that reach into the data rows of a column read are reported.
    public func finish() throws {
        let read = Set(mapping.compactMap { $0 })
        let reaching = source.merges.filter { merge in
            merge.lastRow > max(merge.firstRow, headerRow) && read.contains { $0 >= merge.firstColumn && $0 <= merge.lastColumn }
        }
        for merge in reaching.prefix(20) {
            warnings.append(
                Diagnostic(
                    .warning,
                    Message(
                        .inputMergedCells,
                        ["range": merge.description, "cell": "\(SourceLocation.columnName(merge.firstColumn))\(merge.firstRow)"]),
                    at: source.location(row: merge.firstRow, column: merge.firstColumn)))
        }
        if reaching.count > 20 {
            warnings.append(
                Diagnostic(.warning, Message(.inputMoreMerged, ["count": "\(reaching.count - 20)"]), at: source.location()))
        }
    }
}
