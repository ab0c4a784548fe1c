import Pipeline
import Testing

/// The re-import's shortcut on the register key table: it finds only current versions the file has
/// not sent, records nothing by looking, and records what `accept` records for an unchanged row.
struct UnchangedShortcutTests {
    @Test func theShortcutSeesOnlyUnsentCurrentVersionsAndCountsAsAccept() {
        let key = SnapshotDiffTests.key
        var shortcut = SnapshotDiffTests.registerDiff()
        var full = SnapshotDiffTests.registerDiff()
        var guess = 0
        var offered: [Int64] = []
        // A key the store does not hold: nothing found, nothing added, no hash asked for.
        #expect(
            !shortcut.acceptIfUnchanged(key(7), line: 1, guess: &guess) {
                offered.append($0); return true
            })
        #expect(offered.isEmpty && guess == 0)
        #expect(shortcut.table.count == 5)
        // Key 2 is current with hash 20; another content hash: nothing recorded, the guess moves past its slot.
        let slot2 = shortcut.table.find(key(2))
        #expect(
            !shortcut.acceptIfUnchanged(key(2), line: 2, guess: &guess) {
                offered.append($0); return false
            })
        #expect(offered == [20])
        #expect(slot2.map { $0 + 1 } == guess)
        #expect(shortcut.counts == full.counts)
        // The same content hash: recorded as `accept` records an unchanged row.
        #expect(shortcut.acceptIfUnchanged(key(2), line: 2, guess: &guess) { $0 == 20 })
        #expect(full.accept(key(2), hash: 20, line: 2) == .unchanged)
        #expect(shortcut.counts == full.counts)
        // Sent now: a second row with the key is not offered the shortcut, and is a repeat.
        offered = []
        #expect(
            !shortcut.acceptIfUnchanged(key(2), line: 5, guess: &guess) {
                offered.append($0); return true
            })
        #expect(offered.isEmpty)
        #expect(shortcut.accept(key(2), hash: 20, line: 5) == .repeated(firstLine: 2, firstRejected: false))
        #expect(full.accept(key(2), hash: 20, line: 5) == .repeated(firstLine: 2, firstRejected: false))
        // A key first sent on a rejected row is not offered it either.
        shortcut.reject(key(4), line: 6)
        #expect(
            !shortcut.acceptIfUnchanged(key(4), line: 7, guess: &guess) {
                offered.append($0); return true
            })
        #expect(offered.isEmpty)
        full.reject(key(4), line: 6)
        #expect(shortcut.counts == full.counts)
        #expect(shortcut.unsent() == full.unsent())
        #expect(shortcut.counts == SnapshotDiffCounts(previous: 5, imported: 1, unchanged: 1, retained: 1, removed: 3))
    }

    /// A guess is only where the table looks first: right, wrong or out of range, the answer is `find`'s.
    @Test func aGuessNeverChangesWhatIsFound() {
        let key = SnapshotDiffTests.key
        let table = SnapshotDiffTests.registerDiff().table
        for probe in 0..<8 {
            for guess in [-5, -1, 0, 1, 2, 3, 4, 5, 6, 1000] {
                #expect(table.find(key(probe), guess: guess) == table.find(key(probe)))
            }
        }
        #expect((0..<5).allSatisfy { table.find(table.key($0), guess: $0) == $0 })
    }
}
