// One worksheet of an XLSX file, opened for reading: the package checked, the workbook read, the
// sheet chosen, the shared strings loaded, and the sheet's rows parsed on a thread of its own.
//
// Sheet selection: `--sheet NAME` (exact, then ignoring surrounding spaces, then case), or
// `--sheet N` (the N-th sheet in workbook order, hidden ones counted, when no sheet is named N);
// by default the first visible worksheet (a hidden first sheet is typically a lookup list).
//
// A thread of the sheet's own parses it with libxml2's push parser as another inflates it (see
// `XLSXInflater.parse`); the parser's callbacks fill batches of rows, at most `mostBatches` of which
// wait, so memory stays flat. The reader's side takes a batch at a time. Inflating and parsing are
// most of the cost of a large sheet, and run meanwhile on other cores than the checks of the rows.

internal import Foundation
internal import Pipeline

/// A worksheet of a workbook file, its rows read in order.
final class XLSXSheet {
    /// The sheet's name, as on its tab.
    let name: String
    let displayName: String
    let limits: XLSXLimits
    /// The shared strings (held while the sheet is read).
    let strings: XLSXSharedStrings?
    private let pump: XLSXRowPump
    private let fileSize: Int
    private let declaredSize: Int
    @exclusivity(unchecked) private var batch = XLSXRowBatch()
    @exclusivity(unchecked) private var nextIndex = 0
    @exclusivity(unchecked) private var ended = false

    /// Opens `path`'s sheet `choice` (nil: the first visible one). `pieceSize` feeds the XML parser
    /// that many decompressed bytes at a time (tests: 1, 7).
    init(path: String, displayName: String, sheet choice: String?, limits: XLSXLimits = XLSXLimits(), pieceSize: Int? = nil) throws {
        self.displayName = displayName
        self.limits = limits
        let package = try XLSXPackage(path: path, displayName: displayName, limits: limits)
        let workbook = try XLSXWorkbook(package: package)
        let sheet = try workbook.sheet(choice, displayName: displayName)
        name = sheet.name
        guard let partName = sheet.part, let part = package.part(partName) else {
            throw MalformedFileError(
                location: SourceLocation(file: displayName),
                Message(.xlsxNoSheetPart, ["sheet": sheet.name]))
        }
        if let stringsName = workbook.sharedStringsPart, let stringsPart = package.part(stringsName) {
            strings = try XLSXSharedStrings(package: package, part: stringsPart, pieceSize: pieceSize)
        } else {
            strings = nil
        }
        declaredSize = max(Int(clamping: part.entry.uncompressedSize), 1)
        fileSize = (try? SnapshotImporter.fileSize(path, displayName: displayName)) ?? 0
        pump = XLSXRowPump(
            package: package, part: part, sheetName: sheet.name, strings: strings, styles: workbook.styles, dateSystem: workbook.dateSystem,
            pieceSize: pieceSize)
    }

    deinit { pump.stop() }

    /// The next batch's rows, or false at the end of the sheet: the rest of the current batch first.
    private func refill() throws -> Bool {
        while nextIndex >= batch.rows.count {
            if ended { return false }
            guard let next = try pump.take() else {
                ended = true
                batch = XLSXRowBatch()
                nextIndex = 0
                return false
            }
            batch = next
            nextIndex = 0
        }
        return true
    }

    /// The next row, or nil at the end of the sheet.
    func nextRow() throws -> XLSXRow? {
        guard try refill() else { return nil }
        defer { nextIndex += 1 }
        return batch.row(nextIndex)
    }

    /// Calls `body` with each row left in the current batch, or the next one; false at the end.
    func readBatch(_ body: (XLSXRowView) throws -> Void) throws -> Bool {
        guard try refill() else { return false }
        let current = batch
        let first = nextIndex
        nextIndex = current.rows.count
        try current.bytes.withUnsafeBufferPointer { bytes in
            try current.cells.withUnsafeBufferPointer { cells in
                for index in first..<current.rows.count {
                    let row = current.rows[index]
                    try body(
                        XLSXRowView(
                            number: Int(row.number),
                            cells: UnsafeBufferPointer(rebasing: cells[Int(row.first)..<Int(row.first + row.count)]),
                            bytes: bytes, batch: current, index: index))
                }
            }
        }
        return true
    }

    /// The merged ranges; complete once the rows have ended.
    var merges: [XLSXRange] { pump.merges }

    /// Progress as bytes of the file: the share of the sheet read so far.
    var bytesRead: Int { Int(Double(fileSize) * min(1, Double(batch.bytesRead) / Double(declaredSize))) }

    /// Stops reading (the parsing thread ends).
    func stop() { pump.stop() }

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
                    location: location(row: row.number), Message(.xlsxTooManyRows, ["max": "\(maxRows)"]))
            }
            rows.append(row)
        }
        var grid: [Int: [Int: String]] = [:]
        for row in rows {
            var cells: [Int: String] = [:]
            for cell in row.cells {
                switch cell.problem {
                case .errorValue(let code)?: cells[cell.column] = code
                default: cells[cell.column] = cell.value
                }
            }
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
                            location: location(), Message(.xlsxTooManyMerged))
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

/// A row of a batch as the reader's side sees it: its cells and their bytes, valid during the call.
struct XLSXRowView {
    /// The row number.
    let number: Int
    /// Its non-empty cells, in column order.
    let cells: UnsafeBufferPointer<XLSXRowBatch.Cell>
    /// The batch's bytes (cells point into them).
    let bytes: UnsafeBufferPointer<UInt8>
    fileprivate let batch: XLSXRowBatch
    fileprivate let index: Int

    /// A cell's value bytes.
    func value(_ cell: XLSXRowBatch.Cell) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[Int(cell.start)..<Int(cell.start + cell.count)])
    }

    /// The row with its values as Strings.
    var row: XLSXRow { batch.row(index) }
}

/// Runs the inflation and parsing of a sheet on a thread of its own and hands its rows over in
/// batches through a `BlockingChannel`; the merged ranges come at the end through a `BlockingFuture`.
/// Used from the reader's thread only: the thread starts at the first `take`.
final class XLSXRowPump: @unchecked Sendable {
    /// Batches waiting, at most.
    static let mostBatches = 4

    private let channel = BlockingChannel<XLSXRowBatch>(capacity: XLSXRowPump.mostBatches)
    /// Set by the sheet's thread before it finishes the channel: complete once the rows have ended.
    private let finalMerges = BlockingFuture<[XLSXRange]>()
    // The reader's thread's own.
    private var started = false
    private var stopped = false
    private let work: (BlockingChannel<XLSXRowBatch>) -> (any Error)?

    init(
        package: XLSXPackage, part: XLSXPart, sheetName: String, strings: XLSXSharedStrings?, styles: [XLSXNumberKind],
        dateSystem: ExcelDateSystem, pieceSize: Int?
    ) {
        let merges = finalMerges
        work = { channel in
            let inflater = XLSXInflater(package: package, part: part, limit: package.limits.maxPartBytes)
            var inflated = 0
            let handler = XLSXSheetParser(
                sheetName: sheetName, displayName: package.displayName, strings: strings, styles: styles, dateSystem: dateSystem,
                limits: package.limits
            ) { batch in
                batch.bytesRead = inflated
                defer {
                    batch = XLSXRowBatch()
                    batch.bytes.reserveCapacity(XLSXRowBatch.maxBytes + 4096)
                }
                return channel.send(batch)
            }
            do {
                let parser = try XLSXSAXParser(part: part.name, displayName: package.displayName, handler: handler)
                handler.parser = parser
                handler.intern()
                try inflater.parse(with: parser, pieceSize: pieceSize) { inflated = $0 }
                merges.fulfil(.success(handler.flush() ? handler.merges : []))
                return nil
            } catch is XLSXReadingStopped {
                merges.fulfil(.success([]))
                return nil
            } catch {
                merges.fulfil(.success([]))
                return error
            }
        }
    }

    /// The next batch, waiting for it if need be; nil at the end; throws what stopped the sheet.
    func take() throws -> XLSXRowBatch? {
        if stopped { return nil }
        if !started {
            started = true
            let thread = Thread { [self] in channel.finish(throwing: work(channel)) }
            thread.name = "suiji XLSX sheet"
            thread.start()
        }
        return try channel.receive()
    }

    /// The merged ranges, once the sheet has ended (none before).
    var merges: [XLSXRange] { finalMerges.isFulfilled ? (try? finalMerges.value()) ?? [] : [] }

    /// Stops the thread if it runs and waits until it has ended.
    func stop() {
        guard !stopped else { return }
        stopped = true
        guard started else { return }
        channel.cancel()
        channel.waitUntilFinished()
    }
}
