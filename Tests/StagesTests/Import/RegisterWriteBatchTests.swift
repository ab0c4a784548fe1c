import Foundation
import Pipeline
import Testing

@testable import Stages

/// The error of a test load.
private struct LoadBroke: Error, Equatable {}

@Suite("RegisterWriteBatch")
struct RegisterWriteBatchTests {
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
