// An XML register (or inspector register, or avoidance list) as tabular rows: each record element
// is one row; its child elements and attributes are matched to canonical fields by the same alias
// table as CSV headers.
//
// The XML is read on a thread of its own, a few rows ahead of the caller: parsing is most of the
// cost of an XML import, and the caller's checks of each row run meanwhile on its own thread. Each
// row comes with the warnings and the byte count the stream had when that row was read, so the
// caller sees what it would if it read the file itself, row by row, errors included.

internal import Foundation
public import Pipeline

/// An XML file read with `XMLRecordReader`, its field names mapped through the shape's aliases.
///
/// Rows start on the line of their record's start tag. The column of a field is its position
/// within the record (attributes first, then child elements), 1-based. A required field that no
/// record of the file carries is a file-level error at the end, as a missing CSV column is.
///
/// The file is read on a thread the stream starts with the first `next()`, at most a few hundred
/// rows ahead; what the stream tells (rows, errors, ``warnings``, ``bytesRead``) is what it was when
/// the row just returned was read.
public final class XMLTabularStream: TabularStream {
    private let shape: TabularShape
    private let displayName: String
    private let pump: XMLRowPump
    // Touched for every row, from the caller's thread, by accesses that never overlap: no runtime exclusivity checks.
    @exclusivity(unchecked) private var seenFields: [Bool]
    @exclusivity(unchecked) private var rows = 0
    /// The batch being handed out, and the next item of it.
    @exclusivity(unchecked) private var batch = XMLRowBatch()
    @exclusivity(unchecked) private var nextItem = 0
    /// What ended the file: nil while rows are coming.
    @exclusivity(unchecked) private var ending: Result<Void, any Error>?

    /// Warnings so far (unknown field names, schema problems).
    @exclusivity(unchecked) public private(set) var warnings: [Diagnostic] = []
    /// The rejects file lists the canonical fields.
    public var rejectsHeader: [String] { shape.fields }
    /// Bytes read so far.
    @exclusivity(unchecked) public private(set) var bytesRead: Int

    /// Opens the file; `validate` checks it against the bundled register XSD in the same pass.
    public convenience init(
        path: String, displayName: String, shape: TabularShape, department: String?, validate: Bool, chunkSize: Int = 64 * 1024
    ) throws {
        let file = try FileChunks(path: path, displayName: displayName, chunkSize: chunkSize)
        try self.init(file: file, displayName: displayName, shape: shape, department: department, validate: validate)
        closeFile = file.close
    }

    /// Reads a file the caller has opened (and closes): an import opens it once, hashing what it reads.
    public init(file: FileChunks, displayName: String, shape: TabularShape, department: String?, validate: Bool) throws {
        let schema = validate ? try XMLSchema.bundledRegister() : nil
        let reader = XMLRecordReader(
            chunks: file.next, displayName: displayName, rootName: shape.xmlRoot, recordName: shape.xmlRecord, validatingWith: schema)
        self.shape = shape
        self.displayName = displayName
        seenFields = Array(repeating: false, count: shape.fields.count)
        bytesRead = reader.bytesRead
        pump = XMLRowPump(maker: XMLRowMaker(reader: reader, shape: shape, displayName: displayName, department: department))
    }

    /// Closes the file this stream opened itself.
    private var closeFile: (() -> Void)?

    deinit {
        pump.stop()
        closeFile?()
    }

    /// The next record as a row.
    public func next() throws -> TabularRow? {
        guard let (line, problem, first) = try nextRowItem() else { return nil }
        let row = batch.row(line: line, problem: problem, first: first, width: shape.fields.count)
        for (index, column) in row.columns.enumerated() where column != nil && index < seenFields.count {
            seenFields[index] = true
        }
        return row
    }

    /// The values of the row being handed to `readChunk`'s body (reused).
    @exclusivity(unchecked) private var rowValues: [UnsafeBufferPointer<UInt8>] = []

    /// Hands the rows of the current batch (the next one if it is used up) to `body`, each with its
    /// line, its values' bytes by canonical field (absent fields empty; valid only during the call),
    /// whether it has a problem, and a maker of the `TabularRow` that `next()` would give for it;
    /// false at the end.
    ///
    /// The import's path (as CSV's and XLSX's `readChunk`): the values are read where the reading
    /// thread left them, without a String per value. Errors, warnings and ``bytesRead`` are as `next()` has them.
    func readChunk(
        _ body: (_ line: Int, _ values: [UnsafeBufferPointer<UInt8>], _ problem: Bool, _ row: () -> TabularRow) throws -> Void
    ) throws -> Bool {
        let width = shape.fields.count
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        if rowValues.count != width { rowValues = Array(repeating: empty, count: width) }
        repeat {
            guard let (line, problem, first) = try nextRowItem() else { return false }
            try batch.bytes.withUnsafeBufferPointer { bytes in
                for index in 0..<width {
                    let span = batch.spans[first + index]
                    let start = Int(span.start), end = Int(span.start) + Int(span.count)
                    guard span.column != 0, end <= bytes.count else {
                        rowValues[index] = empty
                        continue
                    }
                    if index < seenFields.count { seenFields[index] = true }
                    rowValues[index] = UnsafeBufferPointer(rebasing: bytes[start..<end])
                }
                try body(line, rowValues, problem != nil) { batch.row(line: line, problem: problem, first: first, width: width) }
            }
        } while nextItem < batch.items.count
        return true
    }

    /// The next item that is a row: its line, problem and first span; nil at the end. Takes the next
    /// batch when this one is used up, keeps each item's warnings and byte count, and throws an item's error.
    private func nextRowItem() throws -> (line: Int, problem: Message?, first: Int)? {
        while nextItem == batch.items.count {
            if let ending {
                try ending.get()
                return nil
            }
            batch = pump.take()
            nextItem = 0
        }
        let item = batch.items[nextItem]
        nextItem += 1
        if !item.warnings.isEmpty { warnings.append(contentsOf: item.warnings) }
        bytesRead = item.bytesRead
        switch item.outcome {
        case .row(let line, let problem, let first):
            rows += 1
            return (line, problem, first)
        case .end:
            ending = .success(())
            return nil
        case .failure(let error, let last):
            if last { ending = .failure(error) }
            throw error
        }
    }

    /// A required field that no record carried is a file-level error (the XML form of a missing column).
    public func finish() throws {
        // Called before the end, it stops the reading where it is.
        if ending == nil { pump.stop() }
        let invalid = warnings.filter { $0.severity == .error }
        if let first = invalid.first {
            throw MalformedFileError(
                location: first.location ?? SourceLocation(file: displayName),
                Message(.inputNotValidXSD, ["count": "\(invalid.count)"], parts: ["first": first.text]))
        }
        guard rows > 0 else { return }
        for required in shape.required {
            guard let index = shape.fields.firstIndex(of: required), index >= seenFields.count || !seenFields[index] else { continue }
            throw MalformedFileError(
                location: SourceLocation(file: displayName),
                Message(
                    .inputMissingXMLField,
                    [
                        "field": shape.label(required), "record": shape.xmlRecord,
                        "accepted": (shape.aliases.spellings(of: required) + [required]).joined(separator: ", "),
                    ]))
        }
    }

    /// The department an XML file names on its root element, if any.
    public static func declaredDepartment(path: String, shape: TabularShape) -> String? {
        guard let reader = try? XMLRecordReader(path: path, rootName: shape.xmlRoot, recordName: shape.xmlRecord) else { return nil }
        _ = try? reader.next()
        return reader.rootAttributes["department"]?.trimmingWhitespace()
    }
}

// MARK: - Records to rows

/// Makes rows of the records of an `XMLRecordReader`: the stream's work, done on the pump's thread.
final class XMLRowMaker {
    private let reader: XMLRecordReader
    private let shape: TabularShape
    private let displayName: String
    private let department: String?
    private var fieldIndex: [String: Int?] = [:]
    private var warnedNames: Set<String> = []
    private var checkedRoot = false
    private var diagnosticsTaken = 0
    // Touched for every field, from one thread, by accesses that never overlap: no runtime exclusivity checks.
    /// The field names of the last record and their indexes: records mostly repeat their layout.
    @exclusivity(unchecked) private var lastLayout: [(name: XMLName, index: Int?)] = []
    /// Fields of the record being read from the first one whose name is not where the last layout
    /// has it: their names are looked up in order once the record is in.
    @exclusivity(unchecked) private var unplaced: [(position: Int, name: XMLName, line: Int, value: [UInt8])] = []

    /// Warnings so far (unknown field names, schema problems).
    private(set) var warnings: [Diagnostic] = []
    /// False after an error the next call would only repeat.
    private(set) var canGoOn = true

    /// Bytes read so far.
    var bytesRead: Int { reader.bytesRead }

    init(reader: XMLRecordReader, shape: TabularShape, displayName: String, department: String?) {
        self.reader = reader
        self.shape = shape
        self.displayName = displayName
        self.department = department
    }

    /// The next record as a row, or nil at the end (what the stream hands out, made on this thread).
    func nextRow() throws -> TabularRow? {
        var batch = XMLRowBatch()
        guard let (line, problem, first) = try next(into: &batch) else { return nil }
        return batch.row(line: line, problem: problem, first: first, width: shape.fields.count)
    }

    /// Reads the next record into `batch`: its line, the problem with it if any, and where its
    /// spans start; nil at the end.
    func next(into batch: inout XMLRowBatch) throws -> (line: Int, problem: Message?, first: Int)? {
        let width = shape.fields.count
        let first = batch.spans.count
        batch.spans.append(contentsOf: repeatElement(XMLRowBatch.Span(), count: width))
        var problem: Message?
        var position = 0
        if !unplaced.isEmpty { unplaced.removeAll(keepingCapacity: true) }
        var line: Int?
        // The last layout as it was (it changes only after the record) and whether every field so
        // far was where it says, held here: read through `self` for every field, they were retained
        // and released each time.
        let layout = lastLayout
        var placing = true
        do {
            try batch.spans.withUnsafeMutableBufferPointer { spans in
                line = try reader.nextRecord { field in
                    defer { position += 1 }
                    if placing, position < layout.count, layout[position].name == field.name {
                        guard let index = layout[position].index, index < width else { return }
                        if spans[first + index].column != 0 {
                            problem =
                                problem
                                ?? Message(
                                    .inputXMLFieldTwice, ["field": shape.label(shape.fields[index]), "name": reader.name(field.name)])
                            return
                        }
                        spans[first + index] = XMLRowBatch.Span(
                            start: Int32(truncatingIfNeeded: batch.bytes.count), count: Int32(truncatingIfNeeded: field.value.count),
                            column: Int32(truncatingIfNeeded: position + 1))
                        batch.bytes.append(contentsOf: field.value)
                    } else {
                        placing = false
                        unplaced.append((position, field.name, field.line, Array(field.value)))
                    }
                }
            }
        } catch {
            batch.spans.removeLast(width)
            canGoOn = false
            throw error
        }
        takeDiagnostics()
        if !checkedRoot {
            checkedRoot = true
            do {
                try checkDepartment()
            } catch {
                batch.spans.removeLast(width)
                throw error
            }
        }
        guard let line else {
            batch.spans.removeLast(width)
            return nil
        }
        for field in unplaced {
            let name = reader.name(field.name)
            let index = canonicalIndex(of: name, line: field.line)
            if field.position < lastLayout.count {
                lastLayout[field.position] = (field.name, index)
            } else if field.position == lastLayout.count {
                lastLayout.append((field.name, index))
            }
            guard let index, index < width else { continue }
            if batch.spans[first + index].column != 0 {
                problem = problem ?? Message(.inputXMLFieldTwice, ["field": shape.label(shape.fields[index]), "name": name])
                continue
            }
            batch.spans[first + index] = XMLRowBatch.Span(
                start: Int32(truncatingIfNeeded: batch.bytes.count), count: Int32(truncatingIfNeeded: field.value.count),
                column: Int32(truncatingIfNeeded: field.position + 1))
            batch.bytes.append(contentsOf: field.value)
        }
        return (line, problem, first)
    }

    private func canonicalIndex(of name: String, line: Int) -> Int? {
        if let known = fieldIndex[name] { return known }
        let index = shape.aliases.canonical(for: name).flatMap { shape.fields.firstIndex(of: $0) }
        fieldIndex[name] = index
        if index == nil, !warnedNames.contains(name) {
            warnedNames.insert(name)
            warnings.append(
                Diagnostic(
                    .warning, Message(.inputUnknownXMLField, ["name": name]), at: SourceLocation(file: displayName, line: line)))
        }
        return index
    }

    private func takeDiagnostics() {
        guard reader.diagnosticCount > diagnosticsTaken else { return }
        let all = reader.diagnostics
        warnings.append(contentsOf: all[diagnosticsTaken...])
        diagnosticsTaken = all.count
    }

    private func checkDepartment() throws {
        guard let department, let declared = reader.rootAttributes["department"]?.trimmingWhitespace(), !declared.isEmpty else { return }
        if declared != department {
            throw MalformedFileError(
                location: SourceLocation(file: displayName, line: 1),
                Message(.inputWrongDepartment, ["declared": declared, "department": department]))
        }
    }
}

// MARK: - The reading thread

/// Runs an `XMLRowMaker` on a thread of its own and hands its rows over in small batches.
///
/// At most `mostBatches` batches of `batchSize` rows (or `batchBytes` of values) wait at a time, in
/// a `BlockingChannel`, so memory stays flat; the thread starts with the first `take()` and ends at
/// the end of the file, at an error that ends it, or at `stop()`. The maker is touched only by
/// that thread once it has started; `take()` and `stop()` are the caller's, one thread at a time.
final class XMLRowPump: @unchecked Sendable {
    /// One call of the maker: a row, the end, or an error; with the warnings it added and the bytes read by then.
    struct Item {
        enum Outcome {
            /// A record, its values in the batch's spans from `first` on.
            case row(line: Int, problem: Message?, first: Int)
            case end
            /// `last`: the file can be read no further.
            case failure(any Error, last: Bool)
        }

        var outcome: Outcome
        var warnings: [Diagnostic]
        var bytesRead: Int
    }

    /// Rows in a batch, at most. With 64, a 1,000,000-record import handed over 15,600 batches and
    /// its threads switched 40,000–49,000 times, waking each other; with 512, 7,000–8,700 times, and
    /// the import took 3.2–3.45 s instead of 3.76–3.77 (three runs each, 16 blocks scanned ahead).
    /// A batch of the register holds about 130 KiB of values (at most ``batchBytes``).
    static let batchSize = 512
    /// Bytes of values past which a batch is handed over with fewer rows.
    static let batchBytes = 256 * 1024
    /// Batches waiting, at most.
    static let mostBatches = 4

    private let maker: XMLRowMaker
    private let channel = BlockingChannel<XMLRowBatch>(capacity: mostBatches)
    /// The reading thread, once the first `take()` has started it.
    private var reading: BlockingFuture<Void>?
    /// `stop()` was called.
    private var stopped = false

    init(maker: XMLRowMaker) {
        self.maker = maker
    }

    /// The next batch, waiting for it if need be; one that fails once the thread has ended without one.
    func take() -> XMLRowBatch {
        if reading == nil && !stopped {
            reading = BlockingFuture.detached(name: "suiji XML reader") { [self] in run() }
        }
        // The reading thread finishes the channel without an error: errors travel in the batches.
        if reading != nil, let batch = try? channel.receive() { return batch }
        var stoppedBatch = XMLRowBatch()
        stoppedBatch.items = [Item(outcome: .failure(XMLReadingStopped(), last: true), warnings: [], bytesRead: 0)]
        return stoppedBatch
    }

    /// Stops the thread, if it runs, and waits until it has; a later `take()` gets the failing batch.
    func stop() {
        stopped = true
        channel.cancel()
        try? reading?.value()
    }

    private func run() {
        defer { channel.finish() }
        var batch = XMLRowBatch.empty()
        while true {
            let before = maker.warnings.count
            var last = false
            let outcome: Item.Outcome
            do {
                if let (line, problem, first) = try maker.next(into: &batch) {
                    outcome = .row(line: line, problem: problem, first: first)
                } else {
                    outcome = .end
                    last = true
                }
            } catch {
                last = !maker.canGoOn
                outcome = .failure(error, last: last)
            }
            let added = maker.warnings.count > before ? Array(maker.warnings[before...]) : []
            batch.items.append(Item(outcome: outcome, warnings: added, bytesRead: maker.bytesRead))
            if batch.items.count == Self.batchSize || batch.bytes.count >= Self.batchBytes || last {
                guard channel.send(batch) else { return }
                batch = XMLRowBatch.empty()
            }
            if last { return }
        }
    }
}

/// Rows of the reading thread as it hands them over: what each call of the maker gave, and the
/// values of the rows as bytes, made into Strings by the caller's thread (which frees them, too).
struct XMLRowBatch {
    /// Where a row's value of one canonical field is in `bytes`, and its 1-based column (0: absent).
    struct Span {
        var start: Int32 = 0
        var count: Int32 = 0
        var column: Int32 = 0
    }

    var items: [XMLRowPump.Item] = []
    /// The values of the rows, back to back, in UTF-8.
    var bytes: [UInt8] = []
    /// Per row, one span per canonical field.
    var spans: [Span] = []

    /// A batch with room for a full one of the pump's (a quarter of its bytes: most values are short).
    static func empty() -> XMLRowBatch {
        var batch = XMLRowBatch()
        batch.items.reserveCapacity(XMLRowPump.batchSize)
        batch.bytes.reserveCapacity(XMLRowPump.batchBytes / 4)
        batch.spans.reserveCapacity(XMLRowPump.batchSize * 16)
        return batch
    }

    /// The row whose spans start at `first`; absent fields are empty values.
    func row(line: Int, problem: Message?, first: Int, width: Int) -> TabularRow {
        var values: [String?] = []
        var original: [String] = []
        var columns: [Int?] = []
        values.reserveCapacity(width)
        original.reserveCapacity(width)
        columns.reserveCapacity(width)
        bytes.withUnsafeBufferPointer { bytes in
            for span in spans[first..<(first + width)] {
                let value: String
                if span.column != 0, Int(span.start) + Int(span.count) <= bytes.count {
                    value = String(
                        decoding: UnsafeBufferPointer(rebasing: bytes[Int(span.start)..<(Int(span.start) + Int(span.count))]), as: UTF8.self
                    )
                } else {
                    value = ""
                }
                values.append(value)
                original.append(value)
                columns.append(span.column != 0 ? Int(span.column) : nil)
            }
        }
        return TabularRow(line: line, values: values, columns: columns, original: original, problem: problem)
    }
}

/// The reading was stopped before the caller asked for more (a stream used after `finish()`).
struct XMLReadingStopped: Error, CustomStringConvertible {
    var description: String { "the XML file was no longer being read" }
}
