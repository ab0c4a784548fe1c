// A worksheet (xl/worksheets/sheetN.xml) parsed into rows: `<row r="42">` elements of `<c r="C42"
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
//
// Rows are written into batches of bytes (values back to back, a few integers per cell and row),
// not Strings: the bulk register import screens them from the bytes, as it does CSV rows.

internal import CLibXML2
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

/// Rows as the parsing thread hands them over: the values of their cells as bytes.
struct XLSXRowBatch: Sendable {
    /// A non-empty cell: its column, where its value is in `bytes`, and its problem (0 none,
    /// 1 an error value, whose code is the bytes; 2 a formula never computed).
    struct Cell: Sendable {
        var column: Int32
        var start: Int32
        var count: Int32
        var problem: UInt8
    }

    /// A row: its number and its cells, `first..<first + count` of `cells`, in column order.
    struct Row: Sendable {
        var number: Int32
        var first: Int32
        var count: Int32
    }

    var bytes: [UInt8] = []
    var cells: [Cell] = []
    var rows: [Row] = []
    /// Bytes of the sheet inflated when the batch was handed over (for progress).
    var bytesRead = 0

    /// Rows in a batch, at most; bytes past which a batch is handed over with fewer.
    static let maxRows = 512
    static let maxBytes = 1 << 18

    var isFull: Bool { rows.count >= Self.maxRows || bytes.count >= Self.maxBytes }

    /// Row `index` with its values as Strings.
    func row(_ index: Int) -> XLSXRow {
        let row = rows[index]
        var cells: [XLSXCell] = []
        cells.reserveCapacity(Int(row.count))
        bytes.withUnsafeBufferPointer { bytes in
            for cell in self.cells[Int(row.first)..<Int(row.first + row.count)] {
                let text = String(
                    decoding: UnsafeBufferPointer(rebasing: bytes[Int(cell.start)..<Int(cell.start + cell.count)]), as: UTF8.self)
                switch cell.problem {
                case 1: cells.append(XLSXCell(column: Int(cell.column), value: "", problem: .errorValue(text)))
                case 2: cells.append(XLSXCell(column: Int(cell.column), value: "", problem: .noCachedValue))
                default: cells.append(XLSXCell(column: Int(cell.column), value: text, problem: nil))
                }
            }
        }
        return XLSXRow(number: Int(row.number), cells: cells)
    }
}

/// The SAX handler of a worksheet: cells into row batches, handed to `deliver` as they fill.
final class XLSXSheetParser: XLSXSAXHandler {
    /// The most merged ranges kept (a sheet with more is refused).
    static let maxMerges = 100_000
    /// The most bytes of text one row may hold.
    static let maxRowBytes = 16 << 20

    private let strings: XLSXSharedStrings?
    private let styles: [XLSXNumberKind]
    private let dateSystem: ExcelDateSystem
    private let limits: XLSXLimits
    private let sheetName: String
    private let displayName: String
    /// Hands a full batch over; false if the reader has stopped (the parse then stops too).
    private let deliver: (inout XLSXRowBatch) -> Bool
    /// The parser calling this handler (it owns the handler and outlives every call).
    unowned(unsafe) var parser: XLSXSAXParser?

    private var rowName: XLSXSAXParser.Name = nil, cellName: XLSXSAXParser.Name = nil, valueName: XLSXSAXParser.Name = nil
    private var inlineName: XLSXSAXParser.Name = nil, textName: XLSXSAXParser.Name = nil, phoneticName: XLSXSAXParser.Name = nil
    private var formulaName: XLSXSAXParser.Name = nil, mergeName: XLSXSAXParser.Name = nil, referenceName: XLSXSAXParser.Name = nil
    private var typeName: XLSXSAXParser.Name = nil, styleName: XLSXSAXParser.Name = nil, rangeName: XLSXSAXParser.Name = nil

    // The parse's state, touched for every element from the one thread that parses: no exclusivity checks.
    @exclusivity(unchecked) private var batch = XLSXRowBatch()
    @exclusivity(unchecked) private var failed = false
    @exclusivity(unchecked) private var lastRow = 0
    @exclusivity(unchecked) private var inRow = false
    @exclusivity(unchecked) private var rowNumber = 0
    @exclusivity(unchecked) private var rowFirstCell = 0
    @exclusivity(unchecked) private var rowBytes = 0
    @exclusivity(unchecked) private var rowSorted = true
    @exclusivity(unchecked) private var column = 0
    @exclusivity(unchecked) private var inCell = false
    @exclusivity(unchecked) private var cellType: UInt8 = 0
    @exclusivity(unchecked) private var cellTypeLength = 0
    @exclusivity(unchecked) private var cellStyle = 0
    @exclusivity(unchecked) private var hasValue = false
    @exclusivity(unchecked) private var hasFormula = false
    @exclusivity(unchecked) private var inValue = false
    @exclusivity(unchecked) private var inInline = false
    @exclusivity(unchecked) private var inText = false
    @exclusivity(unchecked) private var phonetic = 0
    @exclusivity(unchecked) private var text: [UInt8] = []

    /// The merged ranges, complete at the end of the sheet (Excel writes them after the rows).
    private(set) var merges: [XLSXRange] = []

    init(
        sheetName: String, displayName: String, strings: XLSXSharedStrings?, styles: [XLSXNumberKind], dateSystem: ExcelDateSystem,
        limits: XLSXLimits, deliver: @escaping (inout XLSXRowBatch) -> Bool
    ) {
        self.sheetName = sheetName
        self.displayName = displayName
        self.strings = strings
        self.styles = styles
        self.dateSystem = dateSystem
        self.limits = limits
        self.deliver = deliver
        text.reserveCapacity(256)
        batch.bytes.reserveCapacity(XLSXRowBatch.maxBytes + 4096)
    }

    /// Looks up the names once the parser exists.
    func intern() {
        guard let parser else { return }
        rowName = parser.intern("row")
        cellName = parser.intern("c")
        valueName = parser.intern("v")
        inlineName = parser.intern("is")
        textName = parser.intern("t")
        phoneticName = parser.intern("rPh")
        formulaName = parser.intern("f")
        mergeName = parser.intern("mergeCell")
        referenceName = parser.intern("r")
        typeName = parser.intern("t")
        styleName = parser.intern("s")
        rangeName = parser.intern("ref")
    }

    /// Hands over the last rows; called at the end of the part.
    func flush() -> Bool {
        guard !batch.rows.isEmpty else { return true }
        return deliver(&batch)
    }

    private func fail(row: Int, column: Int? = nil, _ text: Message) {
        failed = true
        parser?.fail(MalformedFileError(location: SourceLocation(file: displayName, line: row, column: column, sheet: sheetName), text))
    }

    // MARK: SAX

    func start(_ name: XLSXSAXParser.Name, _ attributes: XLSXAttributes) {
        guard !failed else { return }
        if inCell {
            if name == valueName {
                inValue = true
                hasValue = true
            } else if name == inlineName {
                inInline = true
                hasValue = true
            } else if name == textName {
                inText = inInline && phonetic == 0
            } else if name == phoneticName {
                phonetic += 1
            } else if name == formulaName {
                hasFormula = true
            }
        } else if name == cellName {
            startCell(attributes)
        } else if name == rowName {
            startRow(attributes)
        } else if name == mergeName {
            addMerge(attributes)
        }
    }

    func end(_ name: XLSXSAXParser.Name) {
        guard !failed else { return }
        if inCell {
            if name == cellName {
                endCell()
            } else if name == valueName {
                inValue = false
            } else if name == inlineName {
                inInline = false
            } else if name == textName {
                inText = false
            } else if name == phoneticName {
                phonetic -= 1
            }
        } else if name == rowName {
            endRow()
        }
    }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard inValue || inText, !failed else { return }
        guard text.count + bytes.count <= limits.maxCellBytes else {
            fail(row: rowNumber, column: column, Message(.xlsxCellTooLarge, ["max": "\(limits.maxCellBytes)"]))
            return
        }
        text.append(contentsOf: bytes)
    }

    // MARK: Rows and cells

    private func startRow(_ attributes: XLSXAttributes) {
        var number = lastRow + 1
        if let value = attributes.value(referenceName), let parsed = XLSXNumbers.integer(value) { number = parsed }
        guard number > lastRow else {
            fail(
                row: number,
                number == lastRow
                    ? Message(.xlsxRowTwice, ["row": "\(number)"]) : Message(.xlsxRowOrder, ["row": "\(number)", "last": "\(lastRow)"]))
            return
        }
        guard number <= limits.maxRows else {
            fail(row: number, Message(.xlsxRowBeyond, ["row": "\(number)", "max": "\(limits.maxRows)"]))
            return
        }
        lastRow = number
        rowNumber = number
        inRow = true
        rowFirstCell = batch.cells.count
        rowBytes = 0
        rowSorted = true
        column = 0
    }

    private func endRow() {
        guard inRow else { return }
        inRow = false
        let count = batch.cells.count - rowFirstCell
        if !rowSorted {
            batch.cells[rowFirstCell...].sort { $0.column < $1.column }
            for index in (rowFirstCell + 1)..<batch.cells.count where batch.cells[index].column == batch.cells[index - 1].column {
                fail(row: rowNumber, column: Int(batch.cells[index].column), Message(.xlsxCellTwice))
                return
            }
        }
        batch.rows.append(XLSXRowBatch.Row(number: Int32(rowNumber), first: Int32(rowFirstCell), count: Int32(count)))
        if batch.isFull, !deliver(&batch) { parser?.fail(XLSXReadingStopped()) }
    }

    private func startCell(_ attributes: XLSXAttributes) {
        if !inRow { startRow(XLSXAttributes(base: nil, count: 0)) }
        let previous = column
        if let reference = attributes.value(referenceName) {
            guard let parsed = Self.column(of: reference, limit: limits.maxColumns) else {
                let shown = String(decoding: reference.prefix(12), as: UTF8.self)
                let letters = reference.contains { ($0 & ~0x20) >= UInt8(ascii: "A") && ($0 & ~0x20) <= UInt8(ascii: "Z") }
                fail(
                    row: rowNumber,
                    letters
                        ? Message(.xlsxCellBeyond, ["cell": shown, "max": SourceLocation.columnName(limits.maxColumns)])
                        : Message(.xlsxNotReference, ["cell": shown]))
                return
            }
            column = parsed
        } else {
            column += 1
            guard column <= limits.maxColumns else {
                fail(
                    row: rowNumber,
                    Message(.xlsxRowCellBeyond, ["max": SourceLocation.columnName(limits.maxColumns), "column": "\(column)"]))
                return
            }
        }
        if column <= previous { rowSorted = false }
        if let type = attributes.value(typeName) {
            cellType = type.first ?? 0
            cellTypeLength = type.count
        } else {
            cellType = 0
            cellTypeLength = 0
        }
        cellStyle = attributes.value(styleName).flatMap(XLSXNumbers.integer) ?? 0
        inCell = true
        hasValue = false
        hasFormula = false
        inValue = false
        inInline = false
        inText = false
        phonetic = 0
        text.removeAll(keepingCapacity: true)
    }

    private func endCell() {
        inCell = false
        let start = batch.bytes.count
        var problem: UInt8 = 0
        if !hasValue {
            guard hasFormula else { return }
            problem = 2
        } else {
            switch (cellType, cellTypeLength) {
            case (UInt8(ascii: "s"), 1):
                guard let index = text.withUnsafeBufferPointer({ XLSXNumbers.integer($0) }), let bytes = strings?.bytes(index) else {
                    fail(
                        row: rowNumber, column: column,
                        Message(.xlsxNoSuchString, ["index": String(decoding: text, as: UTF8.self), "count": "\(strings?.count ?? 0)"]))
                    return
                }
                batch.bytes.append(contentsOf: bytes)
            case (UInt8(ascii: "i"), _), (UInt8(ascii: "s"), 3):
                batch.bytes.append(contentsOf: XLSXEscapes.decode(text))
            case (UInt8(ascii: "b"), _):
                batch.bytes.append(contentsOf: text == [UInt8(ascii: "1")] ? Self.true : text == [UInt8(ascii: "0")] ? Self.false : text)
            case (UInt8(ascii: "e"), _):
                problem = 1
                batch.bytes.append(contentsOf: text)
            default:
                let kind = cellStyle < styles.count ? styles[cellStyle] : .number
                if kind == .date, let serial = text.withUnsafeBufferPointer({ XLSXNumbers.integer($0) }),
                    let date = dateSystem.date(serialDay: serial)
                {
                    // The common case, a whole day in a date style, written without making a String.
                    Self.appendISO(date, to: &batch.bytes)
                } else if kind != .number, let date = Self.dateText(String(decoding: text, as: UTF8.self), kind: kind, system: dateSystem) {
                    batch.bytes.append(contentsOf: date.utf8)
                } else {
                    batch.bytes.append(contentsOf: text)
                }
            }
        }
        let count = batch.bytes.count - start
        guard count > 0 || problem != 0 else { return }
        rowBytes += count
        guard rowBytes <= Self.maxRowBytes else {
            fail(row: rowNumber, Message(.xlsxRowTooLarge, ["max": "\(Self.maxRowBytes)"]))
            return
        }
        batch.cells.append(XLSXRowBatch.Cell(column: Int32(column), start: Int32(start), count: Int32(count), problem: problem))
    }

    private static let `true` = Array("TRUE".utf8)
    private static let `false` = Array("FALSE".utf8)

    private func addMerge(_ attributes: XLSXAttributes) {
        guard let reference = attributes.value(rangeName),
            let range = Self.range(String(decoding: reference, as: UTF8.self), limits: limits)
        else {
            return
        }
        guard merges.count < Self.maxMerges else {
            failed = true
            parser?.fail(parser?.error(Message(.xlsxTooManyMerges, ["max": "\(Self.maxMerges)"])) ?? XLSXReadingStopped())
            return
        }
        if range.lastRow > range.firstRow || range.lastColumn > range.firstColumn { merges.append(range) }
    }

    // MARK: Values and references

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
        let time = twoDigits(seconds / 3600) + ":" + twoDigits(seconds / 60 % 60) + ":" + twoDigits(seconds % 60)
        if kind == .time, days == 0 { return time }
        guard let date = system.date(serialDay: days) else { return nil }
        return kind == .date ? date.description : date.description + " " + time
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Appends `YYYY-MM-DD`.
    static func appendISO(_ date: CivilDate, to bytes: inout [UInt8]) {
        let digit = { (value: Int) in UInt8(0x30 + value % 10) }
        bytes.append(contentsOf: [
            digit(date.year / 1000), digit(date.year / 100), digit(date.year / 10), digit(date.year), 0x2D, digit(date.month / 10),
            digit(date.month), 0x2D, digit(date.day / 10), digit(date.day),
        ])
    }

    /// The column of a cell reference such as `C42` (its letters), or nil past `limit` or without letters.
    static func column(of reference: UnsafeBufferPointer<UInt8>, limit: Int) -> Int? {
        var column = 0
        for byte in reference {
            let letter = byte & ~0x20
            guard letter >= UInt8(ascii: "A"), letter <= UInt8(ascii: "Z") else { break }
            column = column * 26 + Int(letter - UInt8(ascii: "A") + 1)
            guard column <= limit else { return nil }
        }
        return column > 0 ? column : nil
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
}
