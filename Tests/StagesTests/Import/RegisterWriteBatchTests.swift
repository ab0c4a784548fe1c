import DevKit
import Foundation
import GRDB
import Pipeline
import Testing

@testable import Stages

/// The error of a test load.
private struct LoadBroke: Error, Equatable {}

/// Five register lines of the generated county (header first), each a distinct business; the
/// second has no quoted field (it is changed by splitting at commas).
func fiveRegisterLines(_ folder: TemporaryFolder) throws -> (header: String, lines: [String]) {
    let path = folder.path("generated.csv")
    try RegisterFileWriter.write(RegisterGenerator(seed: 7, rows: 5, badRowRate: 0), layout: .csv, to: path)
    let all = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    try #require(all.count == 6 && !all[2].contains("\""))
    return (all[0], Array(all.dropFirst()))
}

/// The ranges of register rows the store holds: department, first and last row id, import.
func registerRowRanges(_ store: Store) throws -> [[Int64]] {
    try store.read { db in
        try Row.fetchAll(
            db, sql: "SELECT department_id, first_row_id, last_row_id, import_id FROM register_row_ranges ORDER BY first_row_id"
        ).map { [$0[0], $0[1], $0[2], $0[3]] }
    }
}

/// An import's entities added, changed, removed and unchanged.
func entityCounts(_ report: SnapshotImportReport) -> [Int] {
    [report.added, report.changed, report.removed, report.unchanged]
}

/// Imports A (three lines), then B (two), then A again with its second line changed, its third
/// gone and B's first added (a third removed: allowed); the store is left open.
func importThreeRegisters(_ store: Store, _ folder: TemporaryFolder) throws -> [SnapshotImportReport] {
    let (header, lines) = try fiveRegisterLines(folder)
    var fields = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    fields[1] += "分公司"
    let files = [
        ("a1.csv", [lines[0], lines[1], lines[2]]), ("b.csv", [lines[3], lines[4]]),
        ("a2.csv", [lines[0], fields.joined(separator: ","), lines[3]]),
    ]
    var reports: [SnapshotImportReport] = []
    for (index, (name, rows)) in files.enumerated() {
        let path = folder.path(name)
        try ([header] + rows).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        reports.append(
            try importFile(store, path, department: index == 1 ? "原平市应急管理局" : "原平市市场监督管理局", allowMassRemoval: true))
    }
    return reports
}

@Suite("RegisterWriteBatch")
struct RegisterWriteBatchTests {
    /// Each import records the ids of the rows it added as its department's range, and a re-import
    /// finds the department's current rows in its ranges alone, whatever another department
    /// imported between.
    @Test func eachImportRecordsItsRowsRangeAndAReimportFindsItsCurrentRowsThere() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try Store.inMemory()
        let reports = try importThreeRegisters(store, folder)
        #expect(reports.map(entityCounts) == [[3, 0, 0, 0], [2, 0, 0, 0], [1, 1, 1, 1]])
        // A is department 1 (imports 1 and 3), B department 2 (import 2); the changed and the added
        // row of A's second import are rows 6 and 7.
        #expect(try registerRowRanges(store) == [[1, 1, 3, 1], [2, 4, 5, 2], [1, 6, 7, 3]])
        let current = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT id FROM register_rows WHERE department_id = 1 AND valid_to_import IS NULL ORDER BY id")
                .map { $0[0] as Int64 }
        }
        #expect(current == [1, 6, 7])
        // A third import of A's first file: every row it sends is read from both ranges.
        let again = try importFile(store, folder.path("a1.csv"), allowMassRemoval: true)
        #expect(entityCounts(again) == [1, 1, 1, 1])
        #expect(try registerRowRanges(store) == [[1, 1, 3, 1], [2, 4, 5, 2], [1, 6, 7, 3], [1, 8, 9, 4]])
    }

    /// The ranges a department's rows are read from: sorted by their first id, overlapping and
    /// adjacent ones joined, an empty one dropped.
    @Test func rangesThatOverlapOrTouchAreReadAsOne() {
        let ranges: [(first: Int64, last: Int64)] = [(1, 5), (3, 8), (9, 10), (12, 12), (20, 25), (21, 22), (30, 29)]
        #expect(RegisterAdapter.joined(ranges) == [1...10, 12...12, 20...25])
        #expect(RegisterAdapter.joined([]) == [])
    }

    /// A load that fails after sending rows is never taken for the end: the batches sent before
    /// the failure come with its error, not with "loaded".
    @Test func aFeedWhoseLoadFailedThrowsRatherThanEnding() throws {
        let feed = CurrentRowsFeed()
        var batch = KeyTableBatch()
        batch.add(try #require(USCCKey("91140981MA0KDLXA0U")), rowID: 7, hash: 11, to: feed)
        batch.flush(to: feed)
        let first = try feed.receive(waiting: false)
        #expect(first.batches.map(\.rowIDs) == [[7]] && !first.loaded)
        batch.add(try #require(USCCKey("91140981MA0KDLXA0U")), rowID: 8, hash: 12, to: feed)
        batch.flush(to: feed)
        feed.finish(throwing: LoadBroke())
        #expect(throws: LoadBroke()) { try feed.receive(waiting: true) }

        let whole = CurrentRowsFeed()
        var rows = KeyTableBatch()
        rows.add(try #require(USCCKey("91140981MA0KDLXA0U")), rowID: 9, hash: 13, to: whole)
        rows.flush(to: whole)
        whole.finish()
        let last = try whole.receive(waiting: true)
        #expect(last.batches.map(\.rowIDs) == [[9]] && last.loaded)
    }

    /// A batch keeps every value, NULL and empty apart, as its buffers grow past their first 1,024
    /// bytes and spans, and holds none after `clear()` (it is reused).
    @Test func aBatchKeepsItsValuesAsItGrowsAndNoneAfterClear() {
        let batch = RegisterWriteBatch()
        func stored() -> [String?] {
            batch.bytes.withUnsafeBufferPointer { bytes in
                (0..<batch.values.count).map { index in
                    let (start, length) = batch.values[index]
                    guard length >= 0 else { return nil }
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[Int(start)..<Int(start + length)]), as: UTF8.self)
                }
            }
        }
        for round in 0..<2 {
            var expected: [String?] = []
            for index in 0..<3_000 {
                let value: String? = index % 7 == 0 ? nil : index % 11 == 0 ? "" : "原平\(round)-\(index)"
                batch.append(value)
                expected.append(value)
            }
            #expect(batch.bytes.count > 1_024 && batch.values.count == 3_000)
            #expect(stored() == expected)
            batch.clear()
            #expect(batch.bytes.count == 0 && batch.values.count == 0 && stored().isEmpty)
        }
    }

    /// A first import's rows are hashed four side by side from the values the batch writes
    /// (`hashPending`): each insert gets the hash a `RowHasher` gives its values after the USCC.
    @Test func hashPendingGivesEachInsertTheHashOfItsValues() {
        let batch = RegisterWriteBatch()
        var expected: [Int64] = []
        // Six inserts (a group of four, then two), the fourth a change with its hash already known.
        for row in 0..<6 {
            var hasher = RowHasher()
            for field in 0..<RegisterWriteBatch.width {
                let value: [UInt8]? = (row + field) % 5 == 0 ? nil : Array("值\(row)-\(field)".utf8)
                if let value {
                    value.withUnsafeBufferPointer { batch.append($0) }
                } else {
                    batch.append(nil as UnsafeBufferPointer<UInt8>?)
                }
                if field > 0 { if let value { value.withUnsafeBufferPointer { hasher.add(utf8: $0) } } else { hasher.add(utf8: nil) } }
            }
            if row == 3 {
                batch.operations.append(.close(rowID: 40))
                batch.operations.append(.insert(hash: 99))
                expected.append(99)
            } else {
                batch.appendHashLater()
                expected.append(hasher.value)
            }
        }
        batch.hashPending()
        let hashes = batch.operations.compactMap { operation -> Int64? in
            if case .insert(let hash) = operation { return hash }
            return nil
        }
        #expect(hashes == expected)
        #expect(batch.operations.count == 7)
    }
}
