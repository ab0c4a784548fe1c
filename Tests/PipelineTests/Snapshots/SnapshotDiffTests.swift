import Pipeline
import Testing

/// The one snapshot diff, over both of its key tables: exact decisions, counts and removals.
struct SnapshotDiffTests {
    /// A USCC-shaped code numbered `n` (the diff does not check the check character).
    static func code(_ n: Int) -> String {
        let digits = String(n)
        return "91140981MA" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    static func key(_ n: Int) -> USCCKey {
        USCCKey(code(n)) ?? USCCKey(fallback: code(n))
    }

    /// The store holds keys 1…5 as rows 101…105 with content hash 10×n.
    static func registerDiff() -> SnapshotDiff<USCCKeyTable> {
        var table = USCCKeyTable(expected: 0)
        for n in 1...5 { table.load(key(n), rowID: Int64(100 + n), hash: Int64(10 * n)) }
        return SnapshotDiff(current: table)
    }

    static func dictionaryDiff() -> SnapshotDiff<SnapshotKeyDictionary<String>> {
        SnapshotDiff(current: SnapshotKeyDictionary(current: (1...5).map { (key: code($0), rowID: Int64(100 + $0), hash: Int64(10 * $0)) }))
    }

    /// One file's rows against the store of `registerDiff`: (key number, hash, line, accepted).
    static let file: [(n: Int, hash: Int64, line: Int, accepted: Bool)] = [
        (2, 20, 2, true), // unchanged
        (3, 31, 3, true), // changed: closes row 103
        (7, 70, 4, true), // added
        (2, 99, 5, true), // a repeat of line 2
        (4, 0, 6, false), // rejected: row 104 retained
        (4, 40, 7, true), // a repeat of rejected line 6
        (8, 0, 8, false), // rejected, new key
        (8, 80, 9, true), // a repeat of rejected line 8
        (9, 90, 10, true), // added
        (7, 70, 11, true), // a repeat of line 4
    ]

    static let expectedDecisions: [SnapshotDecision?] = [
        .unchanged, .change(closing: 103), .add, .repeated(firstLine: 2, firstRejected: false), nil,
        .repeated(firstLine: 6, firstRejected: true), nil, .repeated(firstLine: 8, firstRejected: true), .add,
        .repeated(firstLine: 4, firstRejected: false),
    ]

    static let expectedCounts = SnapshotDiffCounts(previous: 5, imported: 4, added: 2, changed: 1, unchanged: 1, retained: 1, removed: 2)

    static func run<Table: SnapshotKeyTable>(_ diff: inout SnapshotDiff<Table>, key: (Int) -> Table.Key) -> [SnapshotDecision?] {
        file.map { row in
            if row.accepted { return diff.accept(key(row.n), hash: row.hash, line: row.line) }
            diff.reject(key(row.n), line: row.line)
            return nil
        }
    }

    @Test func aRegisterFileDiffsExactly() {
        var diff = Self.registerDiff()
        #expect(Self.run(&diff, key: Self.key) == Self.expectedDecisions)
        // Rows 101 and 105 were not sent: closed in row-id order.
        #expect(diff.unsent() == [101, 105])
        #expect(diff.counts == Self.expectedCounts)
    }

    @Test func anyOtherKeyDiffsTheSame() {
        var diff = Self.dictionaryDiff()
        #expect(Self.run(&diff, key: Self.code) == Self.expectedDecisions)
        #expect(diff.unsent() == [101, 105])
        #expect(diff.counts == Self.expectedCounts)
    }

    @Test func theNewKeysOfARegisterComeInUSCCOrderWithoutRejectedOnes() {
        var diff = Self.registerDiff()
        _ = Self.run(&diff, key: Self.key)
        var table = diff.table
        // 7 and 9 were added; 8 was first sent on a rejected row, so it is not a new entity.
        #expect(table.takeNewKeys() == [Self.key(7), Self.key(9)])
    }

    @Test func anEmptyStoreAddsEveryKeyOnce() {
        var diff = SnapshotDiff(current: SnapshotKeyDictionary<String>())
        #expect(diff.accept("b", hash: 1, line: 1) == .add)
        #expect(diff.accept("a", hash: 1, line: 2) == .add)
        #expect(diff.accept("b", hash: 2, line: 3) == .repeated(firstLine: 1, firstRejected: false))
        #expect(diff.unsent() == [])
        #expect(diff.counts == SnapshotDiffCounts(previous: 0, imported: 2, added: 2))
    }

    @Test func anEmptyFileRemovesEveryCurrentVersionInRowOrder() {
        var current = SnapshotKeyDictionary<String>()
        current.load("z", rowID: 7, hash: 1)
        current.load("a", rowID: 3, hash: 1)
        current.load("m", rowID: 5, hash: 1)
        var diff = SnapshotDiff(current: current)
        #expect(diff.unsent() == [3, 5, 7])
        #expect(diff.counts == SnapshotDiffCounts(previous: 3, removed: 3))
    }

    @Test func aKeyLoadedTwiceKeepsTheLaterVersion() {
        var dictionary = SnapshotKeyDictionary<String>()
        dictionary.load("a", rowID: 1, hash: 10)
        dictionary.load("a", rowID: 2, hash: 20)
        var table = USCCKeyTable(expected: 0)
        table.load(Self.key(1), rowID: 1, hash: 10)
        table.load(Self.key(1), rowID: 2, hash: 20)
        var byDictionary = SnapshotDiff(current: dictionary)
        var byTable = SnapshotDiff(current: table)
        #expect(byDictionary.counts.previous == 1)
        #expect(byTable.counts.previous == 1)
        #expect(byDictionary.accept("a", hash: 10, line: 1) == .change(closing: 2))
        #expect(byTable.accept(Self.key(1), hash: 20, line: 1) == .unchanged)
    }

    @Test func aSecondRejectedRowRetainsNothingMore() {
        var diff = Self.dictionaryDiff()
        diff.reject(Self.code(1), line: 2)
        diff.reject(Self.code(1), line: 3)
        #expect(diff.accept(Self.code(1), hash: 10, line: 4) == .repeated(firstLine: 2, firstRejected: true))
        #expect(diff.unsent() == [102, 103, 104, 105])
        #expect(diff.counts == SnapshotDiffCounts(previous: 5, retained: 1, removed: 4))
    }

    @Test func aLargeTableGrowsAndKeepsEveryKey() {
        var table = USCCKeyTable(expected: 0)
        for n in 0..<5_000 { table.load(Self.key(n), rowID: Int64(n + 1), hash: Int64(n)) }
        var diff = SnapshotDiff(current: table)
        for n in stride(from: 0, to: 10_000, by: 2) {
            let decision = diff.accept(Self.key(n), hash: Int64(n), line: n + 2)
            #expect(decision == (n < 5_000 ? .unchanged : .add))
        }
        let unsent = diff.unsent()
        #expect(unsent == stride(from: 1, to: 5_000, by: 2).map { Int64($0 + 1) })
        #expect(diff.counts == SnapshotDiffCounts(previous: 5_000, imported: 5_000, added: 2_500, unchanged: 2_500, removed: 2_500))
    }

    @Test func theContentHashIsFNV1aOverUnitSeparatedValues() {
        var hasher = RowHasher()
        #expect(hasher.value == Int64(bitPattern: 0xcbf2_9ce4_8422_2325))
        hasher.add("a")
        hasher.add(nil)
        var bytes = RowHasher()
        let a: [UInt8] = [0x61]
        a.withUnsafeBufferPointer { bytes.add(utf8: $0) }
        bytes.add(utf8: nil)
        #expect(hasher.value == bytes.value)
        // FNV-1a 64 of "a", 0x1F, 0x1E computed by hand.
        var state: UInt64 = 0xcbf2_9ce4_8422_2325
        for b: UInt8 in [0x61, 0x1F, 0x1E] { state = (state ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        #expect(hasher.value == Int64(bitPattern: state))
    }
}
