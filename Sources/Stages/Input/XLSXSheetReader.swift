// A worksheet (xl/worksheets/sheetN.xml) read row by row: `<row r="42">` elements of `<c r="C42"
// t="…" s="…">` cells, each with its value as text the way a person sees it in Excel.
//
// Values: shared strings (`t="s"`, an index into the table), inline strings (`t="inlineStr"`,
// `<is>`), formula results (`t="str"`, or a number), the cached value of any formula (`<v>` beside
// `<f>`: suiji never computes formulas), booleans as TRUE/FALSE, numbers as written, and numbers
// in a date style as dates (`2024-01-02`, with the time when the style shows one), counted in the
// workbook's date system. An error value (`#N/A`) or a formula with no cached value is not a value:
// the cell carries the problem, and the caller decides what it means for the row.
//
// Cells may be sparse (a row holds only its non-empty cells, each addressed by its reference) or
// unaddressed (each then follows the previous one). Columns stop at XFD (16,384) and rows at
// 1,048,576, as in Excel: a sheet past either is refused before memory grows with it.

internal import Foundation
internal import Pipeline

/// A cell's value, or why it has none.
struct XLSXCell: Sendable, Hashable {
    /// Why a cell holds no usable value.
    enum Problem: Sendable, Hashable {
        /// An Excel error value such as `#N/A` or `#REF!`.
        case errorValue(String)
        /// A formula whose result was never computed and saved.
        case noCachedValue
    }

    /// The 1-based column (A = 1).
    var column: Int
    /// The value as text ("" when there is a problem).
    var value: String
    /// Why there is no value, if there is none.
    var problem: Problem?
}

/// One row of a sheet: its number and its non-empty cells in column order.
struct XLSXRow: Sendable, Hashable {
    var number: Int
    var cells: [XLSXCell]
}

/// A rectangle of cells, such as a merged range.
struct XLSXRange: Sendable, Hashable {
    var firstRow: Int
    var firstColumn: Int
    var lastRow: Int
    var lastColumn: Int

    /// `A1:C3`.
    var description: String {
        SourceLocation.columnName(firstColumn) + "\(firstRow):" + SourceLocation.columnName(lastColumn) + "\(lastRow)"
    }
}

/// Streams the rows of one worksheet.
final class XLSXSheetReader {
    /// The most merged ranges kept (a sheet with more is refused).
    static let maxMerges = 100_000
    /// The most bytes of text one row may hold.
    static let maxRowBytes = 16 << 20

    private let reader: XLSXXMLReader
    private let strings: XLSXSharedStrings?
    private let styles: [XLSXNumberKind]
    private let dateSystem: ExcelDateSystem
    private let limits: XLSXLimits
    private let sheetName: String
    private let displayName: String
    private let rowName, cellName, valueName, inlineName, textName, phoneticName, formulaName, mergeName: XLSXXMLReader.Name
    private let referenceName, typeName, styleName, rangeName: XLSXXMLReader.Name
    @exclusivity(unchecked) private var lastRow = 0
    @exclusivity(unchecked) private var text: [UInt8] = []
    @exclusivity(unchecked) private var finished = false

    /// The merged ranges, complete once `nextRow()` has returned nil (Excel writes them after the rows).
    private(set) var merges: [XLSXRange] = []

    init(
        chunks: @escaping FileChunks.Source, part: String, sheetName: String, displayName: String, strings: XLSXSharedStrings?,
        styles: [XLSXNumberKind], dateSystem: ExcelDateSystem, limits: XLSXLimits
    ) throws {
        reader = try XLSXXMLReader(chunks: chunks, part: part, displayName: displayName)
        self.strings = strings
        self.styles = styles
        self.dateSystem = dateSystem
        self.limits = limits
        self.sheetName = sheetName
        self.displayName = displayName
        rowName = reader.intern("row")
        cellName = reader.intern("c")
        valueName = reader.intern("v")
        inlineName = reader.intern("is")
        textName = reader.intern("t")
        phoneticName = reader.intern("rPh")
        formulaName = reader.intern("f")
        mergeName = reader.intern("mergeCell")
        referenceName = reader.intern("r")
        typeName = reader.intern("t")
        styleName = reader.intern("s")
        rangeName = reader.intern("ref")
        text.reserveCapacity(256)
    }

    /// An error at a cell of this sheet.
    private func error(row: Int, column: Int? = nil, _ message: String) -> MalformedFileError {
        MalformedFileError(location: SourceLocation(file: displayName, line: row, column: column, sheet: sheetName), message: message)
    }

    /// The next row with at least one element (empty rows are returned with no cells), or nil at the end.
    func nextRow() throws -> XLSXRow? {
        guard !finished else { return nil }
        return try reader.capturing { () throws -> XLSXRow? in
            while try reader.read() {
                guard reader.kind == .start else { continue }
                let name = reader.name
                if name == rowName {
                    return try readRow()
                } else if name == mergeName {
                    try readMerge()
                }
            }
            finished = true
            return nil
        }
    }

    private func readRow() throws -> XLSXRow {
        var number = lastRow + 1
        reader.attributes { key, value in
            if key == referenceName, let parsed = Self.integer(value) { number = parsed }
        }
        guard number > lastRow else {
            throw error(
                row: number,
                number == lastRow
                    ? "row \(number) is given twice; the file is damaged"
                    : "row \(number) comes after row \(lastRow); rows must be in order (save the file again from Excel)")
        }
        guard number <= limits.maxRows else {
            throw error(row: number, "row \(number) is beyond row \(limits.maxRows), Excel's last; the sheet is refused")
        }
        lastRow = number
        var row = XLSXRow(number: number, cells: [])
        if reader.isEmptyElement { return row }
        var column = 0
        var rowBytes = 0
        var sorted = true
        while try reader.read() {
            switch reader.kind {
            case .start where reader.name == cellName:
                let previous = column
                var cell = try readCell(row: number, after: &column)
                guard column <= limits.maxColumns else {
                    throw error(
                        row: number,
                        "the row has a cell beyond column \(SourceLocation.columnName(limits.maxColumns)) (column \(column)), Excel's last; the sheet is refused"
                    )
                }
                if column <= previous { sorted = false }
                rowBytes += cell.value.utf8.count
                guard rowBytes <= Self.maxRowBytes else {
                    throw error(row: number, "the row holds more than \(Self.maxRowBytes) bytes of text, the limit for one row")
                }
                if !cell.value.isEmpty || cell.problem != nil {
                    cell.column = column
                    row.cells.append(cell)
                }
            case .end where reader.name == rowName:
                if !sorted {
                    row.cells.sort { $0.column < $1.column }
                    for index in row.cells.indices.dropFirst() where row.cells[index].column == row.cells[index - 1].column {
                        throw error(row: number, column: row.cells[index].column, "the cell is given twice; the file is damaged")
                    }
                }
                return row
            default:
                continue
            }
        }
        throw error(row: number, "the sheet ends inside row \(number); the file is damaged")
    }

    /// Reads one `<c>`; `column` is the previous cell's and becomes this one's.
    private func readCell(row: Int, after column: inout Int) throws -> XLSXCell {
        var type: UInt8 = 0 // first byte of t: s, b, e, n, d, i(nlineStr), s(tr: told apart by length)
        var typeLength = 0
        var style = 0
        var addressed = false
        try reader.attributes { key, value in
            if key == referenceName {
                column = try Self.column(of: value, limit: limits.maxColumns) { self.error(row: row, $0) }
                addressed = true
            } else if key == typeName {
                type = value.first ?? 0
                typeLength = value.count
            } else if key == styleName {
                style = Self.integer(value) ?? 0
            }
        }
        if !addressed { column += 1 }
        var cell = XLSXCell(column: column, value: "", problem: nil)
        if reader.isEmptyElement { return cell }
        var hasValue = false, hasFormula = false, inValue = false, inInline = false, inText = false, phonetic = 0
        text.removeAll(keepingCapacity: true)
        while try reader.read() {
            switch reader.kind {
            case .start:
                let name = reader.name
                if name == valueName {
                    inValue = !reader.isEmptyElement
                    hasValue = true
                } else if name == inlineName {
                    inInline = !reader.isEmptyElement
                    hasValue = true
                } else if name == textName, inInline, phonetic == 0 {
                    inText = !reader.isEmptyElement
                } else if name == phoneticName, !reader.isEmptyElement {
                    phonetic += 1
                } else if name == formulaName {
                    hasFormula = true
                }
            case .text where inValue || inText:
                let bytes = reader.text
                guard text.count + bytes.count <= limits.maxCellBytes else {
                    throw error(row: row, column: column, "the cell holds more than \(limits.maxCellBytes) bytes, the limit for one cell")
                }
                text.append(contentsOf: bytes)
            case .end:
                let name = reader.name
                if name == cellName {
                    if !hasValue {
                        if hasFormula { cell.problem = .noCachedValue }
                        return cell
                    }
                    try fill(&cell, type: type, typeLength: typeLength, style: style, row: row)
                    return cell
                } else if name == valueName {
                    inValue = false
                } else if name == inlineName {
                    inInline = false
                } else if name == textName {
                    inText = false
                } else if name == phoneticName {
                    phonetic -= 1
                }
            default:
                continue
            }
        }
        throw error(row: row, column: column, "the sheet ends inside a cell; the file is damaged")
    }

    /// The value of a cell from its type, style and the text read (in `text`).
    private func fill(_ cell: inout XLSXCell, type: UInt8, typeLength: Int, style: Int, row: Int) throws {
        switch (type, typeLength) {
        case (UInt8(ascii: "s"), 1):
            guard let index = text.withUnsafeBufferPointer({ Self.integer($0) }), let bytes = strings?.bytes(index) else {
                let index = String(decoding: text, as: UTF8.self)
                throw error(
                    row: row, column: cell.column,
                    "the cell refers to shared string \(index), which the workbook does not have (\(strings?.count ?? 0) strings); the file is damaged"
                )
            }
            cell.value = String(decoding: bytes, as: UTF8.self)
        case (UInt8(ascii: "i"), _), (UInt8(ascii: "s"), 3):
            cell.value = String(decoding: XLSXEscapes.decode(text), as: UTF8.self)
        case (UInt8(ascii: "b"), _):
            cell.value =
                text == [UInt8(ascii: "1")] ? "TRUE" : text == [UInt8(ascii: "0")] ? "FALSE" : String(decoding: text, as: UTF8.self)
        case (UInt8(ascii: "e"), _):
            cell.problem = .errorValue(String(decoding: text, as: UTF8.self))
        case (UInt8(ascii: "d"), _):
            cell.value = String(decoding: text, as: UTF8.self)
        default:
            let raw = String(decoding: text, as: UTF8.self)
            let kind = style >= 0 && style < styles.count ? styles[style] : .number
            cell.value = kind == .number ? raw : Self.dateText(raw, kind: kind, system: dateSystem) ?? raw
        }
    }

    /// A serial in a date style as text: `2024-01-02`, `2024-01-02 13:45:00` or `13:45:00`; nil if
    /// it is no date (negative, day 60 of 1900, out of range), and the number is then kept as written.
    static func dateText(_ raw: String, kind: XLSXNumberKind, system: ExcelDateSystem) -> String? {
        guard let serial = Double(raw.trimmingWhitespace()), serial.isFinite, serial >= 0, serial < 3_000_000 else { return nil }
        var days = Int(serial.rounded(.down))
        var seconds = Int(((serial - Double(days)) * 86_400).rounded())
        if seconds >= 86_400 {
            days += 1
            seconds -= 86_400
        }
        let time = zeroPadded(seconds / 3600) + ":" + zeroPadded(seconds / 60 % 60) + ":" + zeroPadded(seconds % 60)
        if kind == .time, days == 0 { return time }
        guard let date = system.date(serialDay: days) else { return nil }
        return kind == .date ? date.description : date.description + " " + time
    }

    private static func zeroPadded(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private func readMerge() throws {
        var reference: String?
        reader.attributes { key, value in
            if key == rangeName { reference = String(decoding: value, as: UTF8.self) }
        }
        guard let reference, let range = Self.range(reference, limits: limits) else { return }
        guard merges.count < Self.maxMerges else {
            throw reader.error("the sheet has more than \(Self.maxMerges) merged ranges, the limit")
        }
        if range.lastRow > range.firstRow || range.lastColumn > range.firstColumn { merges.append(range) }
    }

    // MARK: References

    /// The column of a cell reference such as `C42` (its letters), within `limit`.
    static func column(
        of reference: UnsafeBufferPointer<UInt8>, limit: Int, error: (String) -> MalformedFileError
    ) throws -> Int {
        var column = 0
        for byte in reference {
            let letter = byte & ~0x20
            guard letter >= UInt8(ascii: "A"), letter <= UInt8(ascii: "Z") else { break }
            column = column * 26 + Int(letter - UInt8(ascii: "A") + 1)
            guard column <= limit else {
                let shown = String(decoding: reference.prefix(12), as: UTF8.self)
                throw error(
                    "cell '\(shown)' is beyond column \(SourceLocation.columnName(limit)), Excel's last; the sheet is refused")
            }
        }
        guard column > 0 else {
            throw error("'\(String(decoding: reference.prefix(12), as: UTF8.self))' is not a cell reference; the file is damaged")
        }
        return column
    }

    /// A range `A1:C3` (or a single cell) within the limits; nil if it is not one.
    static func range(_ text: String, limits: XLSXLimits) -> XLSXRange? {
        let ends = text.split(separator: ":")
        guard (1...2).contains(ends.count) else { return nil }
        var cells: [(row: Int, column: Int)] = []
        for end in ends {
            let letters = end.prefix { $0.isASCII && $0.isLetter }
            guard !letters.isEmpty, letters.count <= 3, let row = Int(end.dropFirst(letters.count)), row >= 1, row <= limits.maxRows else {
                return nil
            }
            let column = letters.uppercased().unicodeScalars.reduce(0) { $0 * 26 + Int($1.value) - 64 }
            guard column <= limits.maxColumns else { return nil }
            cells.append((row, column))
        }
        let last = cells.count == 2 ? cells[1] : cells[0]
        return XLSXRange(
            firstRow: min(cells[0].row, last.row), firstColumn: min(cells[0].column, last.column), lastRow: max(cells[0].row, last.row),
            lastColumn: max(cells[0].column, last.column))
    }

    /// A non-negative decimal integer, or nil.
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}
