// The bulk path of a register import: one thread reads, validates and diffs the rows, the
// store's thread writes them.
//
// A register import is bound by two costs of about the same size: reading and checking a million
// rows, and inserting them into SQLite. The importer splits them over two cores. A producer thread
// reads the file, validates each row, looks its USCC up in the compact key table and decides what
// to write; it hands the writes over in batches of UTF-8 bytes through a short queue. The store's
// own thread, inside the import's one transaction, binds those bytes straight into the prepared
// inserts. Nothing else changes: the same rows are accepted and rejected with the same
// diagnostics, and the writes reach SQLite in the same order as when one thread did everything.
//
// CSV rows that plainly pass the contract (`RegisterRowScreen`) are validated, hashed and bound
// from the parser's bytes without making a String per field; every other row, and every XML row,
// goes through `RegisterRowValidator` as a `TabularRow`.

internal import Foundation
internal import GRDB
internal import Pipeline

// MARK: - The producer

/// Reads, validates and diffs a register file, deciding its writes. Runs on its own thread while
/// the store's thread writes; owns the report, the key table and the rejects file until it ends.
final class RegisterRowProducer: @unchecked Sendable {
    private let stream: any TabularStream
    private let request: SnapshotImportRequest
    private var adapter: RegisterAdapter
    private let screen = RegisterRowScreen()
    private let pipe: RegisterWritePipe?
    // The producer's state is touched only by the thread running it (and read by the store's
    // thread after it has ended), never re-entrantly: the runtime's exclusivity check on each of
    // the millions of accesses is off.
    @exclusivity(unchecked) private var batch: RegisterWriteBatch?
    @exclusivity(unchecked) private var diff: SnapshotDiff<USCCKeyTable>
    @exclusivity(unchecked) var report: SnapshotImportReport
    var rejects: RejectsWriter?

    /// `pipe` nil: decide only (a dry run).
    init(
        stream: any TabularStream, request: SnapshotImportRequest, adapter: RegisterAdapter, table: USCCKeyTable,
        report: SnapshotImportReport, rejects: RejectsWriter?, pipe: RegisterWritePipe?
    ) {
        self.stream = stream
        self.request = request
        self.adapter = adapter
        diff = SnapshotDiff(current: table)
        self.report = report
        self.rejects = rejects
        self.pipe = pipe
        skipsUnchanged = request.skipsUnchangedRows
        hasCurrentRows = table.loadedCount > 0
    }

    /// Whether the store held current rows of the department (else no row can be unchanged).
    private let hasCurrentRows: Bool

    /// Whether rows equal to their current version take the shortcut (`unchanged`).
    private let skipsUnchanged: Bool

    /// Row ids of the store's current rows the file did not send, in row order; set at the end.
    private(set) var unsent: [Int64] = []
    /// USCCs first seen in this file on an accepted row, in USCC order; set at the end of a run that writes.
    private(set) var newKeys: [USCCKey] = []

    /// Reads the whole file; ends the pipe, with the error that stopped it if any.
    func run() {
        do {
            try readAll()
            try flush()
            // Sorted here, while the store's thread still writes the last batches.
            takeKeys()
            pipe?.end(nil)
        } catch {
            if rejects?.isOpen == true { rejects?.discard() }
            pipe?.end(error)
        }
    }

    /// Reads the whole file on the calling thread (the dry run), throwing what stops it.
    func runHere() throws {
        do {
            try readAll()
            takeKeys()
        } catch {
            if rejects?.isOpen == true { rejects?.discard() }
            throw error
        }
    }

    /// Moves what the store needs at the end out of the key table, and frees it.
    private func takeKeys() {
        unsent = diff.unsent()
        report.count(diff.counts)
        var table = diff.table
        diff = SnapshotDiff(current: USCCKeyTable(expected: 0))
        newKeys = pipe == nil ? [] : table.takeNewKeys()
    }

    private func readAll() throws {
        if let csv = stream as? DelimitedTabularStream {
            try readCSV(csv)
        } else if let xlsx = stream as? XLSXTabularStream {
            try readXLSX(xlsx)
        } else if let xml = stream as? XMLTabularStream {
            try readXML(xml)
        } else {
            // Any other stream: every row through the full validator (the three above are all there is).
            while let row = try stream.next() {
                report.rowsRead += 1
                try decide(row)
                if let batch, batch.isFull {
                    batch.bytesRead = stream.bytesRead
                    try flush()
                }
            }
        }
        try stream.finish()
        report.diagnostics.append(contentsOf: stream.warnings)
        report.diagnostics.sort { ($0.location?.line ?? 0) < ($1.location?.line ?? 0) }
    }

    // MARK: CSV from bytes

    private func readCSV(_ csv: DelimitedTabularStream) throws {
        let columns = csv.fieldColumns
        let width = csv.headerWidth
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var values = [UnsafeBufferPointer<UInt8>](repeating: empty, count: RegisterField.allCases.count)
        var more = true
        while more {
            more = try csv.readChunk { raw in
                report.rowsRead += 1
                guard raw.count == width, columns.count == values.count else {
                    try decide(csv.row(raw.record))
                    return
                }
                for index in 0..<values.count {
                    values[index] = columns[index].map { raw.field($0) } ?? empty
                }
                if unchanged(values, line: raw.line) { return }
                let accepted = values.withUnsafeBufferPointer { screen.screen($0) }
                guard let accepted, let key = USCCKey(utf8: values[RegisterField.uscc.index]) else {
                    try decide(csv.row(raw.record))
                    return
                }
                try accept(values, accepted, key: key, line: raw.line) { csv.row(raw.record) }
            }
            if let batch, batch.isFull { try flush() }
        }
    }

    // MARK: XLSX from bytes

    private func readXLSX(_ xlsx: XLSXTabularStream) throws {
        let fieldOfColumn = xlsx.fieldOfColumn
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var values = [UnsafeBufferPointer<UInt8>](repeating: empty, count: RegisterField.allCases.count)
        var more = true
        while more {
            more = try xlsx.readChunk { view in
                report.rowsRead += 1
                for index in values.indices { values[index] = empty }
                for cell in view.cells {
                    let column = Int(cell.column)
                    guard column < fieldOfColumn.count, fieldOfColumn[column] >= 0 else { continue }
                    // A cell with an Excel error or no computed value: the stream's row says what it means.
                    guard cell.problem == 0 else { return try decide(xlsx.row(view)) }
                    values[fieldOfColumn[column]] = view.value(cell)
                }
                if unchanged(values, line: view.number) { return }
                let accepted = values.withUnsafeBufferPointer { screen.screen($0) }
                guard let accepted, let key = USCCKey(utf8: values[RegisterField.uscc.index]) else {
                    return try decide(xlsx.row(view))
                }
                try accept(values, accepted, key: key, line: view.number) { xlsx.row(view) }
            }
            if let batch, batch.isFull {
                batch.bytesRead = stream.bytesRead
                try flush()
            }
        }
    }

    // MARK: XML from bytes

    private func readXML(_ xml: XMLTabularStream) throws {
        var more = true
        while more {
            more = try xml.readChunk { line, values, problem, row in
                report.rowsRead += 1
                guard !problem, values.count == RegisterField.allCases.count else { return try decide(row()) }
                if unchanged(values, line: line) { return }
                let accepted = values.withUnsafeBufferPointer { screen.screen($0) }
                guard let accepted, let key = USCCKey(utf8: values[RegisterField.uscc.index]) else { return try decide(row()) }
                try accept(values, accepted, key: key, line: line) { row() }
                if let batch, batch.isFull {
                    batch.bytesRead = stream.bytesRead
                    try flush()
                }
            }
        }
    }

    // MARK: Unchanged rows

    /// True if the row is the current version of an entity the file has not sent yet, with the
    /// same content: recorded as unchanged, without the screen, the validator or a write.
    ///
    /// The re-import's shortcut (issue 20): most rows of a register are as they were. A current
    /// version holds values the validator accepted, in stored form; the row's bytes, hashed as the
    /// stored values are (risk class and dates put in stored form; anything else as written), match
    /// its content hash only if the row holds those values, and the validator accepts them again
    /// unchanged. Every other row (new, changed, repeated, or needing the validator) goes on to the screen.
    @inline(__always)
    private func unchanged(_ values: [UnsafeBufferPointer<UInt8>], line: Int) -> Bool {
        guard skipsUnchanged, hasCurrentRows, values.count == RegisterField.allCases.count,
            let key = USCCKey(utf8: values[RegisterField.uscc.index])
        else { return false }
        return diff.acceptIfUnchanged(key, line: line, guess: &nextSlot) { storedFormHash(values) == $0 }
    }

    /// The slot after the last current version `unchanged` found: where the next row's key usually is.
    @exclusivity(unchecked) private var nextSlot = 0

    /// The content hash of a row's values in stored form (as `accept` hashes them), or nil if a
    /// risk class or date is in a form only the screen or validator reads.
    private func storedFormHash(_ values: [UnsafeBufferPointer<UInt8>]) -> Int64? {
        Self.contentHash(values) { field, hasher in
            let value = values[field.index]
            guard field == .riskClass else { return Self.addStoredDate(value, to: &hasher) }
            if value.isEmpty {
                hasher.add(utf8: nil)
            } else if value.count == 1, value[0] >= 0x41, value[0] <= 0x44 {
                hasher.add(utf8: value)
            } else {
                guard let known = Self.riskClassSpellings.first(where: { $0.spelling.elementsEqual(value) }) else { return false }
                if let stored = known.stored { stored.withUnsafeBufferPointer { hasher.add(utf8: $0) } } else { hasher.add(utf8: nil) }
            }
            return true
        }
    }

    /// The content hash of a row: the one order of its fields, which the stored rows' hashes follow.
    /// `stored` adds the risk class and the two dates in their stored form (false: it has none, and
    /// the row has no hash).
    @inline(__always)
    private static func contentHash(
        _ values: [UnsafeBufferPointer<UInt8>], stored: (RegisterField, inout RowHasher) -> Bool
    ) -> Int64? {
        func optional(_ field: RegisterField) -> UnsafeBufferPointer<UInt8>? {
            let value = values[field.index]
            return value.isEmpty ? nil : value
        }
        var hasher = RowHasher()
        hasher.add(utf8: values[RegisterField.name.index])
        hasher.add(utf8: values[RegisterField.entityType.index])
        hasher.add(utf8: values[RegisterField.category.index])
        hasher.add(utf8: optional(.registrationAuthority))
        hasher.add(utf8: values[RegisterField.regionCode.index])
        hasher.add(utf8: optional(.address))
        hasher.add(utf8: optional(.legalRep))
        guard stored(.riskClass, &hasher) else { return nil }
        hasher.add(utf8: values[RegisterField.status.index])
        guard stored(.lastInspected, &hasher), stored(.established, &hasher) else { return nil }
        hasher.add(utf8: optional(.phone))
        return hasher.value
    }

    /// Hashes a date as stored (YYYY-MM-DD, nil if empty): as written if it has that shape, else
    /// as `DateText` reads it; false if it reads as no date (the validator warns about it).
    @inline(__always)
    private static func addStoredDate(_ value: UnsafeBufferPointer<UInt8>, to hasher: inout RowHasher) -> Bool {
        if value.isEmpty {
            hasher.add(utf8: nil)
            return true
        }
        if value.count == 10, value[4] == 0x2D, value[7] == 0x2D {
            hasher.add(utf8: value)
            return true
        }
        guard let date = DateText.parse(utf8: value) else { return false }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 10) { text in
            text[0] = UInt8(0x30 + date.year / 1000 % 10)
            text[1] = UInt8(0x30 + date.year / 100 % 10)
            text[2] = UInt8(0x30 + date.year / 10 % 10)
            text[3] = UInt8(0x30 + date.year % 10)
            text[4] = 0x2D
            text[5] = UInt8(0x30 + date.month / 10)
            text[6] = UInt8(0x30 + date.month % 10)
            text[7] = 0x2D
            text[8] = UInt8(0x30 + date.day / 10)
            text[9] = UInt8(0x30 + date.day % 10)
            hasher.add(utf8: UnsafeBufferPointer(text))
        }
        return true
    }

    /// Risk-class spellings other than the letters, with their stored text (nil: unclassified).
    private static let riskClassSpellings: [(spelling: [UInt8], stored: [UInt8]?)] =
        RegisterRowValidator.riskClassNames.map { (Array($0.key.utf8), Array($0.value.rawValue.utf8)) } + [(Array("未分类".utf8), nil)]

    /// Hashes, diffs and writes a row the screen accepted; `row` makes its `TabularRow` if it is a repeat.
    private func accept(
        _ values: [UnsafeBufferPointer<UInt8>], _ accepted: RegisterRowScreen.Accepted, key: USCCKey, line: Int,
        row: () -> TabularRow
    ) throws {
        func optional(_ field: RegisterField) -> UnsafeBufferPointer<UInt8>? {
            let value = values[field.index]
            return value.isEmpty ? nil : value
        }
        if let date = accepted.lastInspected { RegisterRowScreen.writeISO(date, to: &dateBytes, at: 0) }
        if let date = accepted.established { RegisterRowScreen.writeISO(date, to: &dateBytes, at: 10) }
        try Self.riskClassBytes(accepted.riskClass).withUnsafeBufferPointer { risk in
            try dateBytes.withUnsafeBufferPointer { dateBytes in
                func date(_ present: Bool, at start: Int) -> UnsafeBufferPointer<UInt8>? {
                    guard present, start + 10 <= dateBytes.count else { return nil }
                    return UnsafeBufferPointer(rebasing: dateBytes[start..<(start + 10)])
                }
                let lastInspected = date(accepted.lastInspected != nil, at: 0)
                let established = date(accepted.established != nil, at: 10)
                let riskClass: UnsafeBufferPointer<UInt8>? = accepted.riskClass == nil ? nil : risk
                let hash =
                    Self.contentHash(values) { field, hasher in
                        hasher.add(utf8: field == .riskClass ? riskClass : field == .lastInspected ? lastInspected : established)
                        return true
                    } ?? 0
                try diff(
                    key: key, hash: hash, line: line,
                    repeatOf: { first, firstRejected in
                        let uscc = String(decoding: values[RegisterField.uscc.index], as: UTF8.self)
                        return (row(), RegisterRowValidator.repeatRejection(uscc, firstLine: first, firstRejected: firstRejected))
                    }
                ) { batch in
                    batch.append(values[RegisterField.uscc.index])
                    batch.append(values[RegisterField.name.index])
                    batch.append(values[RegisterField.entityType.index])
                    batch.append(values[RegisterField.category.index])
                    batch.append(optional(.registrationAuthority))
                    batch.append(values[RegisterField.regionCode.index])
                    batch.append(optional(.address))
                    batch.append(optional(.legalRep))
                    batch.append(riskClass)
                    batch.append(values[RegisterField.status.index])
                    batch.append(lastInspected)
                    batch.append(established)
                    batch.append(optional(.phone))
                    batch.operations.append(.insert(hash: hash))
                }
            }
        }
    }

    /// Room for the two dates of a row as YYYY-MM-DD.
    @exclusivity(unchecked) private var dateBytes = [UInt8](repeating: 0, count: 20)

    private static let riskClassText: [[UInt8]] = [[0x41], [0x42], [0x43], [0x44], []]

    private static func riskClassBytes(_ riskClass: RiskClass?) -> [UInt8] {
        switch riskClass {
        case .A?: riskClassText[0]
        case .B?: riskClassText[1]
        case .C?: riskClassText[2]
        case .D?: riskClassText[3]
        case nil: riskClassText[4]
        }
    }

    // MARK: Rows as text

    /// The importer's decision for a row through the full validator (as `SnapshotImporter.run`).
    private func decide(_ row: TabularRow) throws {
        var warnings: [RowWarning] = []
        switch adapter.outcome(of: row, warnings: &warnings) {
        case .failure(let rejection):
            reject(row, rejection)
            // A rejected row with a usable key still counts as sent: an entity already in the
            // store keeps its current version (not removed), and a later row with the same key is a repeat.
            if let key = adapter.rawKey(row.values) { diff.reject(key, line: row.line) }
        case .success(let record):
            let hash = adapter.hash(of: record)
            if !warnings.isEmpty {
                SnapshotImporter.warn(row, warnings, adapter: adapter, request: request, sheet: stream.sheet, report: &report)
            }
            try diff(
                key: adapter.key(of: record), hash: hash, line: row.line,
                repeatOf: { first, firstRejected in
                    (row, adapter.repeatRejection(record, firstLine: first, firstRejected: firstRejected))
                },
                insert: { batch in batch.appendInsert(record, hash: hash) }
            )
        }
    }

    // MARK: The diff

    /// Compares an accepted row with the store's current version and queues what changes.
    private func diff(
        key: USCCKey, hash: Int64, line: Int, repeatOf: (_ firstLine: Int, _ firstRejected: Bool) -> (TabularRow, RowRejection),
        insert: (RegisterWriteBatch) -> Void
    ) throws {
        switch diff.accept(key, hash: hash, line: line) {
        case .repeated(let first, let firstRejected):
            let (row, rejection) = repeatOf(first, firstRejected)
            reject(row, rejection)
        case .add:
            if pipe != nil { insert(currentBatch()) }
        case .change(let closing):
            if pipe != nil {
                let batch = currentBatch()
                batch.operations.append(.close(rowID: closing))
                insert(batch)
            }
        case .unchanged: break
        }
    }

    private func reject(_ row: TabularRow, _ rejection: RowRejection) {
        SnapshotImporter.reject(row, rejection, adapter: adapter, request: request, sheet: stream.sheet, rejects: &rejects, report: &report)
    }

    private func currentBatch() -> RegisterWriteBatch {
        if let batch { return batch }
        let fresh = pipe?.emptyBatch() ?? RegisterWriteBatch()
        batch = fresh
        return fresh
    }

    private func flush() throws {
        guard let pipe, let batch, !batch.operations.isEmpty else { return }
        batch.bytesRead = stream.bytesRead
        self.batch = nil
        try pipe.put(batch)
    }
}
