// One worksheet of an XLSX file, opened for reading: the package checked, the workbook read, the
// sheet chosen, the shared strings loaded, and the sheet's rows streamed.
//
// Sheet selection: `--sheet NAME` (exact, then ignoring surrounding spaces, then case), or
// `--sheet N` (the N-th sheet in workbook order, hidden ones counted, when no sheet is named N);
// by default the first visible worksheet (a hidden first sheet is typically a lookup list).

internal import Foundation
public import Pipeline

/// A worksheet of a workbook file, its rows read in order.
final class XLSXSheet {
    /// The sheet's name, as on its tab.
    let name: String
    let displayName: String
    let limits: XLSXLimits
    private let package: XLSXPackage
    private let stream: XLSXPartStream
    private let reader: XLSXSheetReader
    private let declaredSize: Int
    private let fileSize: Int
    /// The shared strings (kept alive while rows refer to them).
    let strings: XLSXSharedStrings?

    /// Opens `path`'s sheet `choice` (nil: the first visible one). `chunkSize` re-cuts the
    /// decompressed parts into pieces of that size before the XML parser sees them (tests).
    init(path: String, displayName: String, sheet choice: String?, limits: XLSXLimits = XLSXLimits(), chunkSize: Int? = nil) throws {
        self.displayName = displayName
        self.limits = limits
        package = try XLSXPackage(path: path, displayName: displayName, limits: limits)
        let workbook = try XLSXWorkbook(package: package)
        let sheet = try workbook.sheet(choice, displayName: displayName)
        name = sheet.name
        guard let partName = sheet.part, let part = package.part(partName) else {
            throw MalformedFileError(
                location: SourceLocation(file: displayName),
                message: "sheet '\(sheet.name)' has no part in the package; the file is damaged")
        }
        if let stringsName = workbook.sharedStringsPart, let stringsPart = package.part(stringsName) {
            strings = try XLSXSharedStrings(package: package, part: stringsPart, chunkSize: chunkSize)
        } else {
            strings = nil
        }
        stream = try package.stream(part)
        declaredSize = max(Int(clamping: part.entry.uncompressedSize), 1)
        fileSize = (try? SnapshotImporter.fileSize(path, displayName: displayName)) ?? 0
        let source = XLSXRechunk.source(stream.next, size: chunkSize)
        reader = try XLSXSheetReader(
            chunks: source, part: partName, sheetName: sheet.name, displayName: displayName, strings: strings, styles: workbook.styles,
            dateSystem: workbook.dateSystem, limits: limits)
    }

    deinit { stream.stop() }

    /// The next row, or nil at the end of the sheet.
    func nextRow() throws -> XLSXRow? { try reader.nextRow() }

    /// The merged ranges; complete once `nextRow()` has returned nil.
    var merges: [XLSXRange] { reader.merges }

    /// Progress as bytes of the file: the share of the sheet read so far.
    var bytesRead: Int { Int(Double(fileSize) * min(1, Double(stream.bytesOut) / Double(declaredSize))) }

    /// Stops reading (the inflating thread ends).
    func stop() { stream.stop() }

    /// A location in this sheet.
    func location(row: Int? = nil, column: Int? = nil) -> SourceLocation {
        SourceLocation(file: displayName, line: row, column: column, sheet: name)
    }

    /// Every row with merged ranges filled from their top-left cell, as records of text fields
    /// (column A first; a record runs to its last non-empty cell): how a plan, whose 发起部门 or
    /// 地市 cells are often merged down a group of tasks, is read. At most `maxRows` rows are held.
    func filledRecords(maxRows: Int = 10_000) throws -> [DelimitedRecord] {
        var rows: [XLSXRow] = []
        while let row = try nextRow() {
            guard rows.count < maxRows else {
                throw MalformedFileError(
                    location: location(row: row.number), message: "the sheet has more than \(maxRows) rows, the most a plan may have")
            }
            rows.append(row)
        }
        var grid: [Int: [Int: String]] = [:]
        for row in rows {
            var cells: [Int: String] = [:]
            for cell in row.cells { cells[cell.column] = cell.value }
            grid[row.number] = cells
        }
        // Filled only as far as the sheet has rows and columns, and at most a million cells in all.
        let lastRow = rows.last?.number ?? 0
        let lastColumn = rows.compactMap { $0.cells.last?.column }.max() ?? 0
        var budget = 1_000_000
        for merge in merges where merge.firstRow <= lastRow && merge.firstColumn <= lastColumn {
            guard let anchor = grid[merge.firstRow]?[merge.firstColumn] else { continue }
            for rowNumber in merge.firstRow...min(merge.lastRow, lastRow) {
                for column in merge.firstColumn...min(merge.lastColumn, lastColumn)
                where (rowNumber, column) != (merge.firstRow, merge.firstColumn) {
                    budget -= 1
                    guard budget >= 0 else {
                        throw MalformedFileError(
                            location: location(), message: "the merged ranges cover more than a million cells; unmerge them")
                    }
                    grid[rowNumber, default: [:]][column] = anchor
                }
            }
        }
        return grid.keys.sorted().map { number in
            let cells = grid[number] ?? [:]
            let width = cells.keys.max() ?? 0
            return DelimitedRecord(fields: (0..<width).map { cells[$0 + 1] ?? "" }, line: number)
        }
    }
}
