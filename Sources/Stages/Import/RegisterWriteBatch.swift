// The writes of a register import between its two threads: the batches the producer fills with
// the bytes of new versions and the row ids of closed ones, the pipe that hands them to the store's
// thread (over `BlockingChannel`), and the store's side that loads the key table and binds each
// batch into the prepared multi-row inserts.

internal import Foundation
internal import GRDB
internal import Pipeline

// MARK: - Batches of writes

/// Writes decided by the producer, as bytes ready to bind: new versions of rows and closed versions.
final class RegisterWriteBatch: RowValueSink {
    enum Operation {
        /// Insert the next row of `values` with this content hash.
        case insert(hash: Int64)
        /// Close the current version with this row id.
        case close(rowID: Int64)
    }

    /// The register fields per insert.
    static let width = RegisterField.allCases.count

    // A batch belongs to one thread at a time (filled by the producer, handed over through the
    // pipe's channel, written by the store's thread) and is never accessed re-entrantly: the
    // runtime's exclusivity check on every append is off.
    @exclusivity(unchecked) var operations: [Operation] = []
    // Bytes and spans in `GrowingBuffer`s: 13 values a row went through Array's append, which
    // checked uniqueness and capacity each time (a tenth of a CSV import's reading thread, `perf`).
    // A first import of 1,000,000 rows: 1.50–1.63 s against 1.58–1.64, user CPU 2.01–2.17 s against
    // 2.07–2.32 (five alternating runs); the 1% re-import the same.
    /// Bytes of every value, back to back.
    @exclusivity(unchecked) var bytes = GrowingBuffer<UInt8>()
    /// Per insert and field: the start in `bytes` and the length, or -1 for NULL.
    @exclusivity(unchecked) var values = GrowingBuffer<(start: Int32, length: Int32)>()
    /// Bytes of the file read when the batch was handed over (for progress).
    var bytesRead = 0

    var isFull: Bool { operations.count >= 2048 || bytes.count >= 1 << 19 }

    func clear() {
        operations.removeAll(keepingCapacity: true)
        bytes.removeAll()
        values.removeAll()
        hashLater.removeAll(keepingCapacity: true)
    }

    /// Inserts whose content hash is computed by ``hashPending()``: their operation and row.
    @exclusivity(unchecked) private var hashLater: [(operation: Int, row: Int)] = []
    private let encoded = EncodedRows()

    /// Ends the insert being built, its content hash to be computed from its values (all but the
    /// USCC, in the content hash's order) by ``hashPending()``.
    func appendHashLater() {
        hashLater.append((operations.count, values.count / Self.width - 1))
        operations.append(.insert(hash: 0))
    }

    /// Computes the content hashes of the inserts ended by ``appendHashLater()``, four side by
    /// side; on the store's thread, before the batch is written.
    ///
    /// A first import hashes every row. On the reading thread, which bounds a CSV import, that was
    /// one multiplication chain a byte, about a seventh of its time (1,000,000 rows).
    func hashPending() {
        guard !hashLater.isEmpty else { return }
        bytes.withUnsafeBufferPointer { bytes in
            values.withUnsafeBufferPointer { values in
                var first = 0
                while first < hashLater.count {
                    let last = min(first + 4, hashLater.count)
                    for index in first..<last {
                        encoded.startRow()
                        let row: Int = hashLater[index].row
                        let end: Int = min((row + 1) * Self.width, values.count)
                        var field: Int = row * Self.width + 1
                        while field < end {
                            let start = Int(values[field].start)
                            let length = Int(values[field].length)
                            if length < 0 || start + length > bytes.count {
                                encoded.add(utf8: nil)
                            } else {
                                encoded.add(utf8: UnsafeBufferPointer(rebasing: bytes[start..<(start + length)]))
                            }
                            field += 1
                        }
                    }
                    let hashes = encoded.hashes()
                    for index in first..<last {
                        operations[hashLater[index].operation] = .insert(hash: hashes[index - first])
                    }
                    encoded.removeAll()
                    first = last
                }
            }
        }
        hashLater.removeAll(keepingCapacity: true)
    }

    /// The same as ``append(_:)``: the batch is filled in the content hash's order (``RowValueSink``).
    @inline(__always)
    func add(utf8 value: UnsafeBufferPointer<UInt8>?) { append(value) }

    /// Appends one value of the insert being built; nil is NULL.
    @inline(__always)
    func append(_ value: UnsafeBufferPointer<UInt8>?) {
        guard let value else {
            values.append((0, -1))
            return
        }
        values.append((Int32(truncatingIfNeeded: bytes.count), Int32(truncatingIfNeeded: value.count)))
        bytes.append(value)
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

/// The hand-over between the producer and the store's thread: full batches one way through a short
/// `BlockingChannel` (which also carries the producer's end), written batches back the other way for reuse.
final class RegisterWritePipe: Sendable {
    /// Batches decided by the producer, to write.
    private let full: BlockingChannel<RegisterWriteBatch>
    /// Batches written, to fill again. Only the producer receives and only the store's thread sends,
    /// each after looking at `count`, so neither ever waits on it.
    private let spare: BlockingChannel<RegisterWriteBatch>

    /// Raised in the producer when the store's side has given up.
    struct Cancelled: Error {}

    init(capacity: Int = 4) {
        full = BlockingChannel(capacity: capacity)
        spare = BlockingChannel(capacity: capacity)
    }

    /// An empty batch to fill (the producer's side).
    func emptyBatch() -> RegisterWriteBatch {
        if spare.count > 0, let batch = try? spare.receive() { return batch }
        return RegisterWriteBatch()
    }

    /// Hands a batch over, waiting while the queue is full (the producer's side).
    func put(_ batch: RegisterWriteBatch) throws {
        guard full.send(batch) else { throw Cancelled() }
    }

    /// The next batch, or nil once the producer has ended; rethrows the producer's error.
    func take() throws -> RegisterWriteBatch? { try full.receive() }

    /// Gives a written batch back for reuse (the store's side).
    func recycle(_ batch: RegisterWriteBatch) {
        batch.clear()
        if spare.count < spare.capacity { _ = spare.send(batch) }
    }

    /// The producer has ended, with an error or without.
    func end(_ error: (any Error)?) { full.finish(throwing: error) }

    /// The store's side gives up: stops the producer and waits until it has ended.
    func cancelAndWait() {
        full.cancel()
        full.waitUntilFinished()
    }
}

// MARK: - The store's side

/// A store's current rows on their way to the key table through a ``CurrentRowsFeed``, a batch at a
/// time (the producer loads each with ``SnapshotDiff/loadCurrent(keys:rowIDs:hashes:)``).
struct KeyTableBatch {
    /// The keys, row ids and content hashes of the rows, in row order.
    private(set) var keys: [USCCKey] = [], rowIDs: [Int64] = [], hashes: [Int64] = []
    /// Rows a batch holds.
    static let size = 1024

    /// Adds a row, sending the batch to `feed` when it is full.
    mutating func add(_ key: USCCKey, rowID: Int64, hash: Int64, to feed: CurrentRowsFeed) {
        keys.append(key)
        rowIDs.append(rowID)
        hashes.append(hash)
        if keys.count == Self.size { flush(to: feed) }
    }

    /// Sends the rows added since the last batch; call after the last row.
    mutating func flush(to feed: CurrentRowsFeed) {
        guard !keys.isEmpty else { return }
        feed.send(self)
        self = KeyTableBatch()
    }
}

/// The store's current rows of a department on their way to the register import's key table
/// while the file is read.
///
/// The store's thread loads them in row order and never waits; the reading thread takes what has
/// come whenever its table does not hold a key yet (``RegisterRowProducer``). A 1% re-import of a
/// register of 1,000,000 rows spent its first 0.3 s loading the table before reading a row; a
/// register comes in about the order it was stored, so the reading now follows the load instead.
final class CurrentRowsFeed: Sendable {
    private let channel = BlockingChannel<KeyTableBatch>(capacity: Int.max)

    /// A feed not yet loaded.
    init() {}

    /// Queues a batch (the store's side).
    func send(_ batch: KeyTableBatch) { _ = channel.send(batch) }

    /// Every current row is sent (`error`: the load failed, and the import with it).
    func finish(throwing error: (any Error)? = nil) { channel.finish(throwing: error) }

    /// The batches sent since the last call, and whether the load has ended; with `waiting`,
    /// waits for a batch or the end. Throws the load's error.
    func receive(waiting: Bool) throws -> (batches: [KeyTableBatch], loaded: Bool) {
        let (batches, finished) = try channel.receiveAll(waiting: waiting)
        // The channel gives a failed load's error after its batches: a load that ended is asked
        // once more, so that a failure is never taken for the end.
        if finished, !batches.isEmpty { _ = try channel.receiveAll(waiting: false) }
        return (batches, finished)
    }
}

extension RegisterAdapter {
    /// About how many current rows the department has: the rows its last register import imported.
    func currentRowsExpected(_ db: Database) throws -> Int {
        // From the department's last register import (the rows it imported are about its current
        // rows; the table grows should there be more): counting them walked the index once more,
        // 18% of the load's instructions (callgrind, 100,000 rows).
        try Int.fetchOne(
            db,
            sql: """
                SELECT rows_imported FROM imports WHERE kind = 'register' AND department_id = ? AND content_sha256 <> ''
                ORDER BY id DESC LIMIT 1
                """,
            arguments: [departmentID]) ?? 0
    }

    /// Sends the department's current rows to `feed`, in row order (the caller finishes the feed).
    ///
    /// They are read in the id ranges of the department's imports (`register_row_ranges`,
    /// StoreSchema.v5), each a range scan of the table.
    func loadCurrentRows(_ db: Database, into feed: CurrentRowsFeed) throws {
        let select = try RawStatement(
            db,
            """
            SELECT id, uscc, row_hash FROM register_rows
            WHERE id BETWEEN ? AND ? AND department_id = ? AND valid_to_import IS NULL ORDER BY id
            """)
        select.bind(departmentID, at: 3)
        var batch = KeyTableBatch()
        for range in try rowRanges(db) {
            select.bind(range.lowerBound, at: 1)
            select.bind(range.upperBound, at: 2)
            while try select.step() {
                guard let key = select.withText(1, { USCCKey(utf8: $0) }) else { continue }
                batch.add(key, rowID: select.int64(0), hash: select.int64(2), to: feed)
            }
        }
        batch.flush(to: feed)
    }

    /// The id ranges the department's rows lie in, in id order, overlapping and adjacent ones joined.
    func rowRanges(_ db: Database) throws -> [ClosedRange<Int64>] {
        let ranges = try Row.fetchAll(
            db, sql: "SELECT first_row_id, last_row_id FROM register_row_ranges WHERE department_id = ? ORDER BY first_row_id",
            arguments: [departmentID]
        ).map { (first: $0[0] as Int64, last: $0[1] as Int64) }
        return Self.joined(ranges)
    }

    /// `ranges` (sorted by their first id) with the overlapping and adjacent ones joined; an empty
    /// range (last before first) is dropped.
    static func joined(_ ranges: [(first: Int64, last: Int64)]) -> [ClosedRange<Int64>] {
        var joined: [ClosedRange<Int64>] = []
        for range in ranges where range.first <= range.last {
            if let previous = joined.last, range.first <= previous.upperBound &+ 1 {
                joined[joined.count - 1] = previous.lowerBound...max(previous.upperBound, range.last)
            } else {
                joined.append(range.first...range.last)
            }
        }
        return joined
    }

    /// The largest row id of the table (0 when it is empty): the rows an import adds come after it.
    static func lastRowID(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM register_rows") ?? 0
    }

    /// Records the ids of the rows this import added (those after `lastBefore`) as the
    /// department's range, where a later re-import reads its current rows.
    func recordRowRange(_ db: Database, after lastBefore: Int64) throws {
        let last = try Self.lastRowID(db)
        guard last > lastBefore else { return }
        try db.execute(
            sql: "INSERT INTO register_row_ranges (department_id, first_row_id, last_row_id, import_id) VALUES (?, ?, ?, ?)",
            arguments: [departmentID, lastBefore + 1, last, importID])
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
                for field in 0..<width {
                    var value: UnsafeBufferPointer<UInt8>?
                    if base + field < batch.values.count {
                        let (start, length) = batch.values[base + field]
                        if length >= 0, Int(start) + Int(length) <= bytes.count {
                            value = UnsafeBufferPointer(rebasing: bytes[Int(start)..<(Int(start) + Int(length))])
                        }
                    }
                    statement.bind(utf8: value, at: first + Int32(field))
                }
                statement.bind(hash, at: first + Int32(width))
            }
            let perRow = Int32(Self.parametersPerRow)
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
                    statement.bind(utf8: UnsafeBufferPointer(place), at: Int32(slot % perRun) + 1)
                    if (slot + 1) % perRun == 0 { try statement.run() }
                }
            }
            start += group.count
        }
    }
}
