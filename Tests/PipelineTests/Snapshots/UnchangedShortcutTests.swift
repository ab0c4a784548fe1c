import Pipeline
import Testing

/// The re-import's shortcut on the register key table: it finds only current versions the file has
/// not sent, records nothing by looking, and records what `accept` records for an unchanged row.
struct UnchangedShortcutTests {
    @Test func theShortcutSeesOnlyUnsentCurrentVersionsAndCountsAsAccept() {
        let key = SnapshotDiffTests.key
        var shortcut = SnapshotDiffTests.registerDiff()
        var full = SnapshotDiffTests.registerDiff()
        // A key the store does not hold: nothing found, nothing added.
        #expect(shortcut.unsentCurrent(key(7)) == nil)
        #expect(shortcut.table.count == 5)
        // Key 2 is current with hash 20.
        let found = shortcut.unsentCurrent(key(2))
        #expect(found?.hash == 20)
        #expect(found.map { shortcut.table.key($0.slot) } == key(2))
        if let found { shortcut.acceptUnchanged(slot: found.slot, line: 2) }
        #expect(full.accept(key(2), hash: 20, line: 2) == .unchanged)
        // Sent now: a second row with the key is not offered the shortcut, and is a repeat.
        #expect(shortcut.unsentCurrent(key(2)) == nil)
        #expect(shortcut.accept(key(2), hash: 20, line: 5) == .repeated(firstLine: 2, firstRejected: false))
        #expect(full.accept(key(2), hash: 20, line: 5) == .repeated(firstLine: 2, firstRejected: false))
        // A key first sent on a rejected row is not offered it either.
        shortcut.reject(key(4), line: 6)
        #expect(shortcut.unsentCurrent(key(4)) == nil)
        full.reject(key(4), line: 6)
        #expect(shortcut.counts == full.counts)
        #expect(shortcut.unsent() == full.unsent())
        #expect(shortcut.counts == SnapshotDiffCounts(previous: 5, imported: 1, unchanged: 1, retained: 1, removed: 3))
    }
}
