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
// CSV, XML and workbook rows that plainly pass the contract (`RegisterRowScreen`) are validated,
// hashed and bound from the reader's bytes without making a String per field; every other row goes
// through `RegisterRowValidator` as a `TabularRow`.
//
// A re-import (issue 20) also overlaps the store's side: the store's thread loads the department's
// current rows while the producer reads (`CurrentRowsFeed`), and the producer decides a row once
// its key is in the table, or the whole table is (a rejected row's key waits aside, since it only
// marks its entity as sent). A register comes in about the order it was stored, so the reading
// follows the load; the decisions do not depend on when rows arrive. Rows equal to their current
// version are recognised by their content hash, four rows hashed side by side (`HeldRows`).

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

    /// `table`: empty, sized for the rows; `feed`: the store's current rows on their way to it.
    /// `pipe` nil: decide only (a dry run).
    init(
        stream: any TabularStream, request: SnapshotImportRequest, adapter: RegisterAdapter, table: USCCKeyTable,
        feed: CurrentRowsFeed, report: SnapshotImportReport, rejects: RejectsWriter?, pipe: RegisterWritePipe?
    ) {
        self.stream = stream
        self.request = request
        self.adapter = adapter
        diff = SnapshotDiff(current: table)
        self.feed = feed
        self.report = report
        self.rejects = rejects
        self.pipe = pipe
        skipsUnchanged = request.skipsUnchangedRows
    }

    /// Whether the store held current rows of the department (else no row can be unchanged); set
    /// once the first of them, or the end of the load, has come.
    private var hasCurrentRows = false

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
        try receiveLoaded(waiting: true)
        hasCurrentRows = diff.table.loadedCount > 0
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
                try keepLoading()
            }
        }
        // Every current row the file did not send is removed: the whole table first.
        try finishLoading()
        try stream.finish()
        report.diagnostics.append(contentsOf: stream.warnings)
        report.diagnostics.sort { ($0.location?.line ?? 0) < ($1.location?.line ?? 0) }
    }

    // MARK: The store's current rows, while the file is read

    /// The store's current rows, on their way to the diff's table.
    private let feed: CurrentRowsFeed
    /// Whether some current rows of the store may not be in the diff's table yet.
    @exclusivity(unchecked) private var loading = true

    /// Adds the current rows the store has sent since the last call to the table; with `waiting`,
    /// waits for some (or the end of the load) first. Throws the load's error.
    private func receiveLoaded(waiting: Bool) throws {
        guard loading else { return }
        let (batches, loaded) = try feed.receive(waiting: waiting)
        for batch in batches { diff.loadCurrent(keys: batch.keys, rowIDs: batch.rowIDs, hashes: batch.hashes) }
        guard loaded else { return }
        loading = false
        for (key, line) in pendingRejects { diff.reject(key, line: line) }
        pendingRejects = []
        pendingKeys = []
    }

    /// Keys of rejected rows not in the table while it loaded, with their lines, in file order:
    /// marked as sent once the table is whole. A rejected row's key only marks its entity as sent
    /// (retained, and a later row with it a repeat), so the reading goes on past it; a bad row
    /// otherwise held the reading up until the whole table had come.
    @exclusivity(unchecked) private var pendingRejects: [(key: USCCKey, line: Int)] = []
    /// The keys in `pendingRejects`.
    @exclusivity(unchecked) private var pendingKeys: Set<USCCKey> = []

    /// Marks the key of a rejected row as sent, now or (while the table loads and does not hold it
    /// yet) once the table is whole.
    private func rejectKey(_ key: USCCKey, line: Int) throws {
        try keepLoading()
        if loading, pendingKeys.contains(key) || diff.table.find(key, guess: nextSlot) == nil {
            pendingRejects.append((key, line))
            pendingKeys.insert(key)
        } else {
            diff.reject(key, line: line)
        }
    }

    /// Waits until the whole table has come (and the pending rejects are marked).
    private func finishLoading() throws {
        while loading { try receiveLoaded(waiting: true) }
    }

    /// Takes in what has come, between chunks, so that little waits in the feed.
    @inline(__always)
    private func keepLoading() throws {
        if loading { try receiveLoaded(waiting: false) }
    }

    /// Makes sure the diff can decide a row with `key`: its current version is in the table, or
    /// every current version is (so a key not found is new). Waits for the store while neither.
    @inline(__always)
    private func resolve(_ key: USCCKey) throws {
        guard loading else { return }
        // A row with the key of a pending reject comes after it: the reject is marked first.
        if !pendingKeys.isEmpty, pendingKeys.contains(key) { try finishLoading() }
        while loading, diff.table.find(key, guess: nextSlot) == nil { try receiveLoaded(waiting: true) }
    }

    /// Whether the table holds `key` (after taking in what has come) and no pending reject has it.
    private func isInTable(_ key: USCCKey) throws -> Bool {
        if !pendingKeys.isEmpty, pendingKeys.contains(key) { return false }
        if diff.table.find(key, guess: nextSlot) != nil { return true }
        try keepLoading()
        return diff.table.find(key, guess: nextSlot) != nil
    }

    // MARK: CSV from bytes

    private func readCSV(_ csv: DelimitedTabularStream) throws {
        let columns = csv.fieldColumns
        let width = csv.headerWidth
        // Rows that may be unchanged are held until four have come, and their stored-form hashes
        // computed side by side (`RowHasher.values(encoded:)`); they are then decided in order,
        // before any later row, and at the latest at the end of each chunk or before an error.
        let everyField = columns.count == RegisterField.allCases.count
        let holds = skipsUnchanged && hasCurrentRows && everyField
        // A first import adds each row's key to the key table at a bucket that lies at random in
        // megabytes of them, a cache miss a row, waited for one at a time: 93% of the samples of
        // `USCCKeyTable.slot(for:)` sat on that one load, a sixth of the reading thread (`perf`,
        // 1,000,000 rows). So its rows are held too, eight at a time, and the buckets of their keys
        // read one after the other before the rows are decided: the misses overlap. The table's
        // share of the samples fell from 7.1% to 2.5%, and user CPU from 2.32–2.33 s to 2.18–2.26
        // (three of four alternating runs, the fourth on a busy machine; both cores are busy while
        // a CSV import reads, so its wall time follows its CPU).
        touchColumn = !hasCurrentRows && everyField ? columns[RegisterField.uscc.index] : nil
        let holding = holds ? HeldRows.capacity : touchColumn == nil ? 0 : HeldRows.touchedCapacity
        var more = true
        while more {
            do {
                more = try csv.readChunk { raw in
                    guard holding > 0, raw.count == width else {
                        try releaseHeld(csv, columns: columns, width: width)
                        return try readCSVRow(raw, csv, columns: columns, width: width, storedFormHash: nil)
                    }
                    held.add(raw)
                    if held.count == holding { try releaseHeld(csv, columns: columns, width: width) }
                }
            } catch {
                // The rows read before the error are decided first, as they came.
                try releaseHeld(csv, columns: columns, width: width)
                throw error
            }
            try releaseHeld(csv, columns: columns, width: width)
            if let batch, batch.isFull { try flush() }
            try keepLoading()
        }
    }

    /// Reads one CSV row: the shortcut, else the screen and `accept`, else the full validator.
    /// `storedFormHash` is the row's stored-form hash if it was computed ahead (`releaseHeld`).
    @inline(__always)
    private func readCSVRow(
        _ raw: RawDelimitedRecord, _ csv: DelimitedTabularStream, columns: [Int?], width: Int, storedFormHash: Int64??
    ) throws {
        report.rowsRead += 1
        guard raw.count == width, columns.count == csvValues.count else {
            try decide(csv.row(raw.record))
            return
        }
        Self.fill(&csvValues, from: raw, columns: columns)
        if try unchanged(csvValues, line: raw.line, storedFormHash: storedFormHash) { return }
        let accepted = csvValues.withUnsafeBufferPointer { screen.screen($0) }
        guard let accepted, let key = USCCKey(utf8: csvValues[RegisterField.uscc.index]) else {
            try decide(csv.row(raw.record))
            return
        }
        try accept(csvValues, accepted, key: key, line: raw.line) { csv.row(raw.record) }
    }

    /// Sets `values` to the fields of `raw` by canonical field (empty where the file has no column).
    @inline(__always)
    private static func fill(_ values: inout [UnsafeBufferPointer<UInt8>], from raw: RawDelimitedRecord, columns: [Int?]) {
        // Through one buffer: an element set at a time checked the array's uniqueness each time.
        columns.withUnsafeBufferPointer { columns in
            values.withUnsafeMutableBufferPointer { values in
                for index in 0..<min(values.count, columns.count) {
                    if let column = columns[index] {
                        values[index] = raw.field(column)
                    } else {
                        values[index] = UnsafeBufferPointer(start: nil, count: 0)
                    }
                }
            }
        }
    }

    /// The values of the CSV row being read, by canonical field.
    @exclusivity(unchecked) private var csvValues = [UnsafeBufferPointer<UInt8>](
        repeating: UnsafeBufferPointer(start: nil, count: 0), count: RegisterField.allCases.count)

    /// CSV rows waiting for their hashes.
    private let held = HeldRows()
    /// The held rows' stored forms, as hashed.
    private let heldEncoded = EncodedRows()

    /// The column of the USCC when a first import holds rows to touch their keys' buckets (`readCSV`).
    private var touchColumn: Int?
    /// The held rows' keys whose buckets are touched.
    @exclusivity(unchecked) private var touchedKeys: [USCCKey] = []

    /// Hashes the held rows' stored forms side by side, then reads each in order with its hash; or
    /// in a first import (`touchColumn`), touches the buckets of their keys, then reads each.
    private func releaseHeld(_ csv: DelimitedTabularStream, columns: [Int?], width: Int) throws {
        guard held.count > 0 else { return }
        defer {
            held.removeAll()
            heldEncoded.removeAll()
        }
        if let touchColumn {
            // The keys first, then the buckets in a loop of their own: each key's packing is
            // longer than the processor looks ahead, so with both in one loop the misses did not overlap.
            touchedKeys.removeAll(keepingCapacity: true)
            for number in 0..<held.count {
                if let key = USCCKey(utf8: held.record(number).field(touchColumn)) { touchedKeys.append(key) }
            }
            diff.touch(touchedKeys[...])
            for number in 0..<held.count {
                try readCSVRow(held.record(number), csv, columns: columns, width: width, storedFormHash: nil)
            }
            return
        }
        // Bit `number` set: that row has a stored form (a risk class and dates the shortcut reads).
        var hashable: UInt8 = 0
        for number in 0..<held.count {
            Self.fill(&csvValues, from: held.record(number), columns: columns)
            heldEncoded.startRow()
            var sink = heldEncoded
            if Self.addStoredForm(csvValues, to: &sink) { hashable |= 1 << number }
        }
        let hashes = heldEncoded.hashes()
        for number in 0..<held.count {
            let hash = hashable & (1 << number) != 0 ? hashes[number] : nil
            try readCSVRow(held.record(number), csv, columns: columns, width: width, storedFormHash: .some(hash))
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
                if try unchanged(values, line: view.number) { return }
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
            try keepLoading()
        }
    }

    // MARK: XML from bytes

    private func readXML(_ xml: XMLTabularStream) throws {
        var more = true
        while more {
            more = try xml.readChunk { line, values, problem, row in
                report.rowsRead += 1
                guard !problem, values.count == RegisterField.allCases.count else { return try decide(row()) }
                if try unchanged(values, line: line) { return }
                let accepted = values.withUnsafeBufferPointer { screen.screen($0) }
                guard let accepted, let key = USCCKey(utf8: values[RegisterField.uscc.index]) else { return try decide(row()) }
                try accept(values, accepted, key: key, line: line) { row() }
                if let batch, batch.isFull {
                    batch.bytesRead = stream.bytesRead
                    try flush()
                }
            }
            try keepLoading()
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
    ///
    /// `storedFormHash`: the row's stored-form hash if computed ahead (its inner nil: the row has
    /// none); nil: computed here if the key asks for it.
    @inline(__always)
    private func unchanged(_ values: [UnsafeBufferPointer<UInt8>], line: Int, storedFormHash known: Int64?? = nil) throws -> Bool {
        guard skipsUnchanged, hasCurrentRows, values.count == RegisterField.allCases.count,
            let key = USCCKey(utf8: values[RegisterField.uscc.index])
        else { return false }
        // While the table loads, a key not in it yet goes the full way, which waits for it if it must.
        if loading, try !isInTable(key) { return false }
        return diff.acceptIfUnchanged(key, line: line, guess: &nextSlot) { stored in
            let hash = known ?? storedFormHash(values)
            return hash != nil && hash == stored
        }
    }

    /// The slot after the last current version `unchanged` found: where the next row's key usually is.
    @exclusivity(unchecked) private var nextSlot = 0

    /// The content hash of a row's values in stored form (as `accept` hashes them), or nil if a
    /// risk class or date is in a form only the screen or validator reads.
    private func storedFormHash(_ values: [UnsafeBufferPointer<UInt8>]) -> Int64? {
        var hasher = RowHasher()
        return Self.addStoredForm(values, to: &hasher) ? hasher.value : nil
    }

    /// Adds a row's values in stored form to `sink`, as ``storedFormHash(_:)`` hashes them; false
    /// (and part of the row added) if a risk class or date is in a form only the screen or validator reads.
    @inline(__always)
    private static func addStoredForm<Sink: RowValueSink>(_ values: [UnsafeBufferPointer<UInt8>], to sink: inout Sink) -> Bool {
        addContent(values, to: &sink) { field, sink in
            let value = values[field.index]
            guard field == .riskClass else { return Self.addStoredDate(value, to: &sink) }
            if value.isEmpty {
                sink.add(utf8: nil)
            } else if value.count == 1, value[0] >= 0x41, value[0] <= 0x44 {
                sink.add(utf8: value)
            } else {
                guard let known = Self.riskClassSpellings.first(where: { $0.spelling.elementsEqual(value) }) else { return false }
                if let stored = known.stored { stored.withUnsafeBufferPointer { sink.add(utf8: $0) } } else { sink.add(utf8: nil) }
            }
            return true
        }
    }

    /// Adds a row's values to `sink` in the one order of the content hash; `stored` adds the risk
    /// class and the two dates (false: it has none, and the rest is not added).
    @inline(__always)
    private static func addContent<Sink: RowValueSink>(
        _ values: [UnsafeBufferPointer<UInt8>], to sink: inout Sink, stored: (RegisterField, inout Sink) -> Bool
    ) -> Bool {
        func optional(_ field: RegisterField) -> UnsafeBufferPointer<UInt8>? {
            let value = values[field.index]
            return value.isEmpty ? nil : value
        }
        sink.add(utf8: values[RegisterField.name.index])
        sink.add(utf8: values[RegisterField.entityType.index])
        sink.add(utf8: values[RegisterField.category.index])
        sink.add(utf8: optional(.registrationAuthority))
        sink.add(utf8: values[RegisterField.regionCode.index])
        sink.add(utf8: optional(.address))
        sink.add(utf8: optional(.legalRep))
        guard stored(.riskClass, &sink) else { return false }
        sink.add(utf8: values[RegisterField.status.index])
        guard stored(.lastInspected, &sink), stored(.established, &sink) else { return false }
        sink.add(utf8: optional(.phone))
        return true
    }

    /// Hashes a date as stored (YYYY-MM-DD, nil if empty): as written if it has that shape, else
    /// as `DateText` reads it; false if it reads as no date (the validator warns about it).
    @inline(__always)
    private static func addStoredDate<Sink: RowValueSink>(_ value: UnsafeBufferPointer<UInt8>, to hasher: inout Sink) -> Bool {
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
        // The two dates as YYYY-MM-DD and the risk class's letter, on the stack: the producer's
        // array for the dates and a static array for the letter were retained and released for
        // each row (the dates' retain: 127 of an XML import's 1,842 samples on the reading thread,
        // `perf record`, 1,000,000 rows).
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 21) { room in
            if let date = accepted.lastInspected { RegisterRowScreen.writeISO(date, to: room, at: 0) }
            if let date = accepted.established { RegisterRowScreen.writeISO(date, to: room, at: 10) }
            // The letter as `RiskClass` spells it (its raw value, the stored text).
            if let letter = accepted.riskClass?.rawValue.utf8.first { room[20] = letter }
            let text = UnsafeBufferPointer(room)
            func part(_ present: Bool, at start: Int, count: Int) -> UnsafeBufferPointer<UInt8>? {
                guard present, start + count <= text.count else { return nil }
                return UnsafeBufferPointer(rebasing: text[start..<(start + count)])
            }
            let lastInspected = part(accepted.lastInspected != nil, at: 0, count: 10)
            let established = part(accepted.established != nil, at: 10, count: 10)
            let riskClass = part(accepted.riskClass != nil, at: 20, count: 1)
            /// The row's values after the USCC, in the content hash's one order (which the stored rows' hashes follow).
            func addValues<Sink: RowValueSink>(to sink: inout Sink) {
                _ = Self.addContent(values, to: &sink) { field, sink in
                    sink.add(utf8: field == .riskClass ? riskClass : field == .lastInspected ? lastInspected : established)
                    return true
                }
            }
            try diff(
                key: key, line: line,
                hash: {
                    var hasher = RowHasher()
                    addValues(to: &hasher)
                    return hasher.value
                },
                repeatOf: { first, firstRejected in
                    let uscc = String(decoding: values[RegisterField.uscc.index], as: UTF8.self)
                    return (row(), RegisterRowValidator.repeatRejection(uscc, firstLine: first, firstRejected: firstRejected))
                }
            ) { batch, hash in
                // The values in the content hash's order, after the USCC: the insert's hash,
                // if not computed yet, is computed from them on the store's thread.
                batch.append(values[RegisterField.uscc.index])
                var sink = batch
                addValues(to: &sink)
                if let hash { batch.operations.append(.insert(hash: hash)) } else { batch.appendHashLater() }
            }
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
            if let key = adapter.rawKey(row.values) { try rejectKey(key, line: row.line) }
        case .success(let record):
            let hash = adapter.hash(of: record)
            if !warnings.isEmpty {
                SnapshotImporter.warn(row, warnings, adapter: adapter, request: request, sheet: stream.sheet, report: &report)
            }
            try diff(
                key: adapter.key(of: record), line: row.line, hash: { hash },
                repeatOf: { first, firstRejected in
                    (row, adapter.repeatRejection(record, firstLine: first, firstRejected: firstRejected))
                },
                insert: { batch, _ in batch.appendInsert(record, hash: hash) }
            )
        }
    }

    // MARK: The diff

    /// Compares an accepted row with the store's current version and queues what changes. `hash`
    /// is asked for only if the row has a current version; `insert` is given it if it was.
    private func diff(
        key: USCCKey, line: Int, hash: () -> Int64, repeatOf: (_ firstLine: Int, _ firstRejected: Bool) -> (TabularRow, RowRejection),
        insert: (RegisterWriteBatch, Int64?) -> Void
    ) throws {
        try resolve(key)
        var computed: Int64?
        let decision = diff.accept(key, line: line) {
            let value = hash()
            computed = value
            return value
        }
        switch decision {
        case .repeated(let first, let firstRejected):
            let (row, rejection) = repeatOf(first, firstRejected)
            reject(row, rejection)
        case .add:
            if pipe != nil { insert(currentBatch(), computed) }
        case .change(let closing):
            if pipe != nil {
                let batch = currentBatch()
                batch.operations.append(.close(rowID: closing))
                insert(batch, computed)
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

// MARK: - Rows hashed four side by side

/// Adds a row's values, one after another, as `RowHasher` does (``RowHasher/add(utf8:)``).
protocol RowValueSink {
    /// Adds a value (nil: absent).
    mutating func add(utf8 value: UnsafeBufferPointer<UInt8>?)
}

extension RowHasher: RowValueSink {}

/// A few CSV records (four to hash, eight to touch) copied out of the parser's buffers (which the next record reuses).
final class HeldRows {
    /// The rows hashed side by side.
    static let capacity = 4
    /// The rows of a first import whose keys' buckets are touched together (`readCSV`).
    static let touchedCapacity = 8
    // Touched only by the producer's thread, never re-entrantly: no runtime exclusivity check.
    @exclusivity(unchecked) private var bytes = GrowingBuffer<UInt8>()
    @exclusivity(unchecked) private var ends = GrowingBuffer<Int>()
    @exclusivity(unchecked) private var rows: [(bytes: Int, byteCount: Int, ends: Int, endCount: Int, line: Int, gap: Int)] = []

    init() { rows.reserveCapacity(Self.capacity) }

    /// The rows held.
    var count: Int { rows.count }

    /// Copies a record (at most ``capacity`` are held).
    func add(_ raw: RawDelimitedRecord) {
        rows.append((bytes.count, raw.bytes.count, ends.count, raw.ends.count, raw.line, raw.gap))
        bytes.append(raw.bytes)
        ends.append(raw.ends)
    }

    /// Lets go of every row held.
    func removeAll() {
        bytes.removeAll()
        ends.removeAll()
        rows.removeAll(keepingCapacity: true)
    }

    /// The held record `number` (0 to ``count`` - 1), valid until the next `add` or `removeAll`.
    func record(_ number: Int) -> RawDelimitedRecord {
        let row = rows[number]
        var record = RawDelimitedRecord(
            bytes: bytes.span(from: row.bytes, count: row.byteCount), ends: ends.span(from: row.ends, count: row.endCount),
            line: row.line)
        record.gap = row.gap
        return record
    }
}

/// The bytes up to four rows feed a `RowHasher`, row after row (each value, then
/// ``RowHasher/end``; ``RowHasher/absent`` for an absent value), and their hashes side by side.
final class EncodedRows: RowValueSink {
    @exclusivity(unchecked) private var bytes = GrowingBuffer<UInt8>()
    @exclusivity(unchecked) private var starts: (Int, Int, Int, Int) = (0, 0, 0, 0)
    @exclusivity(unchecked) private var rows = 0

    /// Starts the next row (at most four).
    func startRow() {
        switch rows {
        case 0: starts.0 = bytes.count
        case 1: starts.1 = bytes.count
        case 2: starts.2 = bytes.count
        default: starts.3 = bytes.count
        }
        rows += 1
    }

    /// Adds a value of the current row.
    @inline(__always)
    func add(utf8 value: UnsafeBufferPointer<UInt8>?) {
        guard let value else { return bytes.append(RowHasher.absent) }
        bytes.append(value)
        bytes.append(RowHasher.end)
    }

    /// The hashes of the four rows, side by side (a row not started: the hash of nothing).
    func hashes() -> RowHashes {
        func row(_ index: Int, _ start: Int, _ next: Int) -> UnsafeBufferPointer<UInt8> {
            guard index < rows else { return UnsafeBufferPointer(start: nil, count: 0) }
            let end = index + 1 < rows ? next : bytes.count
            return bytes.span(from: start, count: end - start)
        }
        return RowHashes(
            values: RowHasher.values(
                encoded: (
                    row(0, starts.0, starts.1), row(1, starts.1, starts.2), row(2, starts.2, starts.3), row(3, starts.3, bytes.count)
                )))
    }

    /// The four hashes ``hashes()`` gives, by row number.
    struct RowHashes {
        let values: (Int64, Int64, Int64, Int64)

        /// The hash of row `number` (0 to 3).
        subscript(number: Int) -> Int64 {
            switch number {
            case 0: values.0
            case 1: values.1
            case 2: values.2
            default: values.3
            }
        }
    }

    /// Forgets every row.
    func removeAll() {
        bytes.removeAll()
        rows = 0
    }
}
