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

// MARK: - The key table

/// The current register of a department and the USCCs seen in the file, in about 28 bytes a key.
///
/// Open addressing over 32-bit slot numbers; the slots are parallel arrays. Slots below
/// `loadedCount` are the store's current rows (with row id and content hash); later slots are
/// keys first seen in this file, whose row id is 0.
struct USCCKeyTable {
    private var buckets: [UInt32]
    private var mask: Int
    private(set) var highs: [UInt64] = []
    private(set) var lows: [UInt64] = []
    /// Line of the first row of this file with the key (0: not seen; negative: seen, rejected).
    var lines: [Int32] = []
    private var rowIDs: [Int64] = []
    private var hashes: [Int64] = []

    /// Slots holding the store's current rows.
    var loadedCount: Int { rowIDs.count }
    /// All slots.
    var count: Int { highs.count }

    /// An empty table sized for about `expected` keys.
    init(expected: Int) {
        var size = 1024
        while size < expected + expected / 3 { size *= 2 }
        buckets = Array(repeating: 0, count: size)
        mask = size - 1
        highs.reserveCapacity(expected)
        lows.reserveCapacity(expected)
        lines.reserveCapacity(expected)
    }

    /// The row id of a slot's current version (0: first seen in this file).
    func rowID(_ slot: Int) -> Int64 { slot < rowIDs.count ? rowIDs[slot] : 0 }
    /// The content hash of a slot's current version (0 for keys first seen in this file).
    func hash(_ slot: Int) -> Int64 { slot < hashes.count ? hashes[slot] : 0 }
    /// The key of a slot.
    func key(_ slot: Int) -> USCCKey { USCCKey(high: highs[slot], low: lows[slot]) }

    /// Adds a current row of the store (before any key of the file).
    mutating func load(_ key: USCCKey, rowID: Int64, hash: Int64) {
        let (slot, inserted) = slot(for: key)
        if inserted {
            rowIDs.append(rowID)
            hashes.append(hash)
        } else if slot < rowIDs.count {
            // Two current rows with one key cannot happen; keep the later, as a dictionary would.
            rowIDs[slot] = rowID
            hashes[slot] = hash
        }
    }

    /// The slot of `key`, added (with line 0) if it is new.
    mutating func slot(for key: USCCKey) -> (slot: Int, inserted: Bool) {
        var bucket = Self.mix(key) & mask
        while true {
            let entry = Int(buckets[bucket])
            if entry == 0 { break }
            let slot = entry - 1
            if highs[slot] == key.high, lows[slot] == key.low { return (slot, false) }
            bucket = (bucket + 1) & mask
        }
        let slot = highs.count
        highs.append(key.high)
        lows.append(key.low)
        lines.append(0)
        buckets[bucket] = UInt32(truncatingIfNeeded: slot + 1)
        if highs.count * 4 > buckets.count * 3 { grow() }
        return (slot, true)
    }

    private mutating func grow() {
        let size = buckets.count * 2
        buckets = Array(repeating: 0, count: size)
        mask = size - 1
        for slot in 0..<highs.count {
            var bucket = Self.mix(USCCKey(high: highs[slot], low: lows[slot])) & mask
            while buckets[bucket] != 0 { bucket = (bucket + 1) & mask }
            buckets[bucket] = UInt32(truncatingIfNeeded: slot + 1)
        }
    }

    private static func mix(_ key: USCCKey) -> Int {
        var h = key.high &* 0x9E37_79B9_7F4A_7C15 ^ key.low
        h ^= h >> 31
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 29
        return Int(truncatingIfNeeded: h)
    }

    /// The row ids of current rows the file did not send.
    func unsent() -> [Int64] {
        var ids: [Int64] = []
        for slot in 0..<loadedCount where lines[slot] == 0 { ids.append(rowIDs[slot]) }
        return ids
    }

    /// The keys first seen in this file on an accepted row, in USCC order; frees the table.
    mutating func takeNewKeys() -> [USCCKey] {
        var fresh: [USCCKey] = []
        for slot in loadedCount..<count where lines[slot] > 0 { fresh.append(key(slot)) }
        self = USCCKeyTable(expected: 0)
        USCCKey.sort(&fresh)
        return fresh
    }
}

extension USCCKey {
    /// Sorts keys by (high, low), which is the order of their text: a least-significant-digit radix
    /// sort over 16-bit digits that skips a digit every key shares. A million keys take a few
    /// hundredths of a second, against about 0.2 s for the comparison sort; the import waits for
    /// this at its end.
    static func sort(_ keys: inout [USCCKey]) {
        let count = keys.count
        guard count > 1 else { return }
        var other = [USCCKey](repeating: USCCKey(high: 0, low: 0), count: count)
        var counts = [Int](repeating: 0, count: 1 << 16)
        for pass in 0..<8 {
            let shift = UInt64((pass % 4) * 16)
            let inHigh = pass >= 4
            @inline(__always) func digit(_ key: USCCKey) -> Int {
                Int(truncatingIfNeeded: ((inHigh ? key.high : key.low) >> shift) & 0xFFFF)
            }
            let shared: Bool = keys.withUnsafeBufferPointer { source in
                counts.withUnsafeMutableBufferPointer { counts in
                    for index in counts.indices { counts[index] = 0 }
                    for key in source { counts[digit(key)] += 1 }
                    if counts[digit(source[0])] == source.count { return true }
                    var total = 0
                    for index in counts.indices {
                        let here = counts[index]
                        counts[index] = total
                        total += here
                    }
                    return false
                }
            }
            if shared { continue }
            keys.withUnsafeBufferPointer { source in
                other.withUnsafeMutableBufferPointer { target in
                    counts.withUnsafeMutableBufferPointer { next in
                        for key in source {
                            let place = digit(key)
                            target[next[place]] = key
                            next[place] += 1
                        }
                    }
                }
            }
            swap(&keys, &other)
        }
    }
}

extension USCCKey {
    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
}

// MARK: - Batches of writes

/// Writes decided by the producer, as bytes ready to bind: new versions of rows and closed versions.
final class RegisterWriteBatch {
    enum Operation {
        /// Insert the next row of `values` with this content hash.
        case insert(hash: Int64)
        /// Close the current version with this row id.
        case close(rowID: Int64)
    }

    /// The register fields per insert.
    static let width = RegisterField.allCases.count

    // A batch belongs to one thread at a time (filled by the producer, handed over through the
    // pipe's lock, written by the store's thread) and is never accessed re-entrantly: the
    // runtime's exclusivity check on every append is off.
    @exclusivity(unchecked) var operations: [Operation] = []
    /// Bytes of every value, back to back.
    @exclusivity(unchecked) var bytes: [UInt8] = []
    /// Per insert and field: the start in `bytes` and the length, or -1 for NULL.
    @exclusivity(unchecked) var values: [(start: Int32, length: Int32)] = []
    /// Bytes of the file read when the batch was handed over (for progress).
    var bytesRead = 0

    var isFull: Bool { operations.count >= 2048 || bytes.count >= 1 << 19 }

    func clear() {
        operations.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }

    /// Appends one value of the insert being built; nil is NULL.
    func append(_ value: UnsafeBufferPointer<UInt8>?) {
        guard let value else {
            values.append((0, -1))
            return
        }
        values.append((Int32(truncatingIfNeeded: bytes.count), Int32(truncatingIfNeeded: value.count)))
        bytes.append(contentsOf: value)
    }

    /// Appends a value given as text.
    func append(_ value: String?) {
        guard var value else {
            values.append((0, -1))
            return
        }
        value.withUTF8 { append($0) }
    }

    /// Appends a record validated by `RegisterRowValidator`.
    func appendInsert(_ r: EntityRecord, hash: Int64) {
        for value in [
            r.uscc, r.name, r.entityType, r.category, r.registrationAuthority, r.regionCode, r.address, r.legalRep,
            r.riskClass?.rawValue, r.status, r.lastInspected, r.established, r.phone,
        ] {
            append(value)
        }
        operations.append(.insert(hash: hash))
    }
}

/// The short queue between the producer and the store's thread; it also carries the producer's end.
final class RegisterWritePipe: @unchecked Sendable {
    private let condition = NSCondition()
    private var full: [RegisterWriteBatch] = []
    private var spare: [RegisterWriteBatch] = []
    private var ended = false
    private var failure: (any Error)?
    private var cancelled = false
    private let capacity: Int

    /// Raised in the producer when the store's side has given up.
    struct Cancelled: Error {}

    init(capacity: Int = 4) { self.capacity = capacity }

    /// An empty batch to fill.
    func emptyBatch() -> RegisterWriteBatch {
        condition.withLock { spare.popLast() } ?? RegisterWriteBatch()
    }

    /// Hands a batch over, waiting while the queue is full.
    func put(_ batch: RegisterWriteBatch) throws {
        condition.lock()
        defer { condition.unlock() }
        while full.count >= capacity, !cancelled { condition.wait() }
        if cancelled { throw Cancelled() }
        full.append(batch)
        condition.broadcast()
    }

    /// The next batch, or nil once the producer has ended; rethrows the producer's error.
    func take() throws -> RegisterWriteBatch? {
        condition.lock()
        defer { condition.unlock() }
        while full.isEmpty, !ended { condition.wait() }
        if !full.isEmpty {
            condition.broadcast()
            return full.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    /// Gives a written batch back for reuse.
    func recycle(_ batch: RegisterWriteBatch) {
        batch.clear()
        condition.withLock { if spare.count < capacity { spare.append(batch) } }
    }

    /// The producer has ended, with an error or without.
    func end(_ error: (any Error)?) {
        condition.withLock {
            ended = true
            failure = error
            condition.broadcast()
        }
    }

    /// The store's side gives up: stops the producer and waits until it has ended.
    func cancelAndWait() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        condition.broadcast()
        while !ended { condition.wait() }
    }
}

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
    @exclusivity(unchecked) private var table: USCCKeyTable
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
        self.table = table
        self.report = report
        self.rejects = rejects
        self.pipe = pipe
    }

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
        unsent = table.unsent().sorted()
        newKeys = pipe == nil ? [] : table.takeNewKeys()
        table = USCCKeyTable(expected: 0)
    }

    private func readAll() throws {
        if let csv = stream as? DelimitedTabularStream {
            try readCSV(csv)
        } else if let xlsx = stream as? XLSXTabularStream {
            try readXLSX(xlsx)
        } else {
            while let row = try stream.next() { try handle(row) }
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
                var hasher = RowHasher()
                hasher.add(utf8: values[RegisterField.name.index])
                hasher.add(utf8: values[RegisterField.entityType.index])
                hasher.add(utf8: values[RegisterField.category.index])
                hasher.add(utf8: optional(.registrationAuthority))
                hasher.add(utf8: values[RegisterField.regionCode.index])
                hasher.add(utf8: optional(.address))
                hasher.add(utf8: optional(.legalRep))
                hasher.add(utf8: riskClass)
                hasher.add(utf8: values[RegisterField.status.index])
                hasher.add(utf8: lastInspected)
                hasher.add(utf8: established)
                hasher.add(utf8: optional(.phone))
                let hash = hasher.value
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

    /// The values of a text row as bytes, back to back (one buffer, reused).
    @exclusivity(unchecked) private var rowBytes: [UInt8] = []
    @exclusivity(unchecked) private var rowEnds: [Int] = []

    private func handle(_ row: TabularRow) throws {
        report.rowsRead += 1
        if row.problem == nil, row.values.count == RegisterField.allCases.count {
            rowBytes.removeAll(keepingCapacity: true)
            rowEnds.removeAll(keepingCapacity: true)
            for value in row.values {
                if let value { rowBytes.append(contentsOf: value.utf8) }
                rowEnds.append(rowBytes.count)
            }
            let screened: Bool = try rowBytes.withUnsafeBufferPointer { all in
                var start = 0
                var values: [UnsafeBufferPointer<UInt8>] = []
                values.reserveCapacity(rowEnds.count)
                for end in rowEnds {
                    guard start <= end, end <= all.count else { return false }
                    values.append(UnsafeBufferPointer(rebasing: all[start..<end]))
                    start = end
                }
                guard let accepted = values.withUnsafeBufferPointer({ screen.screen($0) }),
                    let key = USCCKey(utf8: values[RegisterField.uscc.index])
                else { return false }
                try accept(values, accepted, key: key, line: row.line) { row }
                return true
            }
            if !screened { try decide(row) }
        } else {
            try decide(row)
        }
        if let batch, batch.isFull {
            batch.bytesRead = stream.bytesRead
            try flush()
        }
    }

    /// The importer's decision for a row through the full validator (as `SnapshotImporter.run`).
    private func decide(_ row: TabularRow) throws {
        var warnings: [RowWarning] = []
        switch adapter.outcome(of: row, warnings: &warnings) {
        case .failure(let rejection):
            reject(row, rejection)
            // A rejected row with a usable key still counts as sent: an entity already in the
            // store keeps its current version (not removed), and a later row with the same key is a repeat.
            if let key = adapter.rawKey(row.values) {
                let (slot, inserted) = table.slot(for: key)
                if inserted {
                    table.lines[slot] = -Int32(clamping: row.line)
                } else if table.lines[slot] == 0 {
                    table.lines[slot] = -Int32(clamping: row.line)
                    if table.rowID(slot) != 0 { report.retained += 1 }
                }
            }
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
        let (slot, inserted) = table.slot(for: key)
        if !inserted {
            let seen = table.lines[slot]
            if seen != 0 {
                let (row, rejection) = repeatOf(Int(seen.magnitude), seen < 0)
                reject(row, rejection)
                return
            }
            table.lines[slot] = Int32(clamping: line)
            report.rowsImported += 1
            if table.hash(slot) == hash {
                report.unchanged += 1
            } else {
                report.changed += 1
                if pipe != nil {
                    let batch = currentBatch()
                    batch.operations.append(.close(rowID: table.rowID(slot)))
                    insert(batch)
                }
            }
        } else {
            table.lines[slot] = Int32(clamping: line)
            report.rowsImported += 1
            report.added += 1
            if pipe != nil { insert(currentBatch()) }
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

// MARK: - The store's side

extension RegisterAdapter {
    /// The current rows of the department as a key table sized for them and the file's likely rows.
    func loadTable(_ db: Database, expectedRows: Int) throws -> USCCKeyTable {
        let count =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM register_rows WHERE department_id = ? AND valid_to_import IS NULL", arguments: [departmentID]
            ) ?? 0
        var table = USCCKeyTable(expected: max(count, expectedRows))
        let select = try RawStatement(
            db, "SELECT id, uscc, row_hash FROM register_rows WHERE department_id = ? AND valid_to_import IS NULL")
        select.bind(departmentID, at: 1)
        while try select.step() {
            guard let key = select.withText(1, { USCCKey(utf8: $0) }) else { continue }
            table.load(key, rowID: select.int64(0), hash: select.int64(2))
        }
        return table
    }

    /// Runs a batch of writes: inserts in their order, `rowsPerInsert` at a time where they run
    /// together, and closes as they come (a close and an insert never touch the same row).
    func write(_ batch: RegisterWriteBatch) throws {
        guard let insertRow, let insertRows else { return }
        defer {
            insertRow.clearBindings()
            insertRows.clearBindings()
        }
        let width = RegisterWriteBatch.width
        try batch.bytes.withUnsafeBufferPointer { bytes in
            /// Binds insert number `index` of the batch at parameter `first` onwards.
            func bind(_ index: Int, hash: Int64, to statement: RawStatement, from first: Int32) {
                let base = index * width
                statement.bind(departmentID, at: first)
                for field in 0..<width {
                    var value: UnsafeBufferPointer<UInt8>?
                    if base + field < batch.values.count {
                        let (start, length) = batch.values[base + field]
                        if length >= 0, Int(start) + Int(length) <= bytes.count {
                            value = UnsafeBufferPointer(rebasing: bytes[Int(start)..<(Int(start) + Int(length))])
                        }
                    }
                    statement.bind(utf8: value, at: first + Int32(field) + 1)
                }
                statement.bind(hash, at: first + Int32(width) + 1)
                statement.bind(importID, at: first + Int32(width) + 2)
            }
            let perRow = Int32(width + 3)
            var pending: [(index: Int, hash: Int64)] = []
            pending.reserveCapacity(Self.rowsPerInsert)
            func flush() throws {
                if pending.count == Self.rowsPerInsert {
                    for (slot, insert) in pending.enumerated() {
                        bind(insert.index, hash: insert.hash, to: insertRows, from: Int32(slot) * perRow + 1)
                    }
                    try insertRows.run()
                } else {
                    for insert in pending {
                        bind(insert.index, hash: insert.hash, to: insertRow, from: 1)
                        try insertRow.run()
                    }
                }
                pending.removeAll(keepingCapacity: true)
            }
            var next = 0
            for operation in batch.operations {
                switch operation {
                case .close(let rowID):
                    try close(rowID: rowID)
                case .insert(let hash):
                    guard (next + 1) * width <= batch.values.count else { continue }
                    pending.append((next, hash))
                    next += 1
                    if pending.count == Self.rowsPerInsert { try flush() }
                }
            }
            try flush()
        }
    }

    /// New entities enter `entities` in USCC order: the B-tree is filled front to back instead of at
    /// random, `entitiesPerInsert` keys a statement.
    func insertEntities(_ keys: [USCCKey]) throws {
        guard let insertEntity, let insertEntities else { return }
        defer {
            insertEntity.clearBindings()
            insertEntities.clearBindings()
        }
        var text = [UInt8](repeating: 0, count: 18 * Self.entitiesPerInsert)
        var start = 0
        while start < keys.count {
            let group = keys[start..<min(start + Self.entitiesPerInsert, keys.count)]
            // A full group in one statement; the last, short one a key at a time.
            let (statement, perRun) = group.count == Self.entitiesPerInsert ? (insertEntities, group.count) : (insertEntity, 1)
            try text.withUnsafeMutableBufferPointer { buffer in
                for (slot, key) in group.enumerated() {
                    let place = UnsafeMutableBufferPointer(rebasing: buffer[(slot * 18)..<(slot * 18 + 18)])
                    key.write(to: place)
                    let parameter = Int32(slot % perRun) * 2
                    statement.bind(utf8: UnsafeBufferPointer(place), at: parameter + 1)
                    statement.bind(importID, at: parameter + 2)
                    if (slot + 1) % perRun == 0 { try statement.run() }
                }
            }
            start += group.count
        }
    }
}
