// The one snapshot diff: a file is a full snapshot of what its sender holds, compared row by row with
// the store's current versions (a type-2 slowly changing dimension: valid_from_import / valid_to_import).
//
// Registers, inspector registers and avoidance lists all diff through `SnapshotDiff`; what differs
// between them is the key (a USCC in a compact table, an inspector id, an (inspector id, USCC) pair)
// and how a row is validated and hashed, which stays with the caller. The rules:
//
// - An accepted row whose key is new to the scope is added; one whose key has a current version is
//   unchanged when the content hashes agree, otherwise changed (the current version is closed and a
//   new one inserted).
// - A second row of the file with a key already seen is a repeat, whether the first was accepted or
//   rejected; it is rejected and decides nothing else.
// - A rejected row whose key fields are themselves valid still counts as sent: a current version with
//   that key stays as it is (retained, not removed), and a later row with the key is a repeat.
// - Current versions whose key the file never sent are removed (closed), in row-id order.
//
// No I/O here: `Stages` loads the table from the store and writes what the decisions say.

/// A store's current versions of one scope, keyed, with what the file being diffed did with each key.
///
/// Slots below `loadedCount` are the store's current versions (row id and content hash); later slots
/// are keys first seen in the file (row id 0). Each slot's line is 0 while the file has not sent the
/// key, the first line that sent it on an accepted row, or minus that line on a rejected row.
public protocol SnapshotKeyTable {
    /// The key that identifies a row within the scope.
    associatedtype Key
    /// Slots holding the store's current versions.
    var loadedCount: Int { get }
    /// The slot of `key`, added (with line 0 and row id 0) if it is new.
    mutating func slot(for key: Key) -> (slot: Int, inserted: Bool)
    /// The line of a slot (0: not sent; negative: first sent on a rejected row).
    func line(_ slot: Int) -> Int32
    /// Sets the line of a slot.
    mutating func setLine(_ line: Int32, at slot: Int)
    /// The row id of a slot's current version (0: first seen in the file).
    func rowID(_ slot: Int) -> Int64
    /// The content hash of a slot's current version (0 for keys first seen in the file).
    func hash(_ slot: Int) -> Int64
}

/// What the diff decides for an accepted row.
public enum SnapshotDecision: Hashable, Sendable {
    /// A key new to the scope: insert a current version.
    case add
    /// The content differs from the current version: close `closing` and insert a new version.
    case change(closing: Int64)
    /// The same content as the current version: nothing to write.
    case unchanged
    /// The file sent the key before, on line `firstLine` (`firstRejected`: on a rejected row): reject the row.
    case repeated(firstLine: Int, firstRejected: Bool)
}

/// The counts of a diff, as the import's report gives them.
public struct SnapshotDiffCounts: Hashable, Sendable, Codable {
    /// The store's current versions before the file.
    public var previous = 0
    /// Rows accepted and not repeats: added + changed + unchanged.
    public var imported = 0
    /// Keys new to the scope.
    public var added = 0
    /// Keys whose content changed.
    public var changed = 0
    /// Keys sent again with the same content.
    public var unchanged = 0
    /// Current versions kept because the file's row with their key was rejected.
    public var retained = 0
    /// Current versions the file did not send (set by ``SnapshotDiff/unsent()``).
    public var removed = 0

    /// Counts with the given values (the rest 0).
    public init(
        previous: Int = 0, imported: Int = 0, added: Int = 0, changed: Int = 0, unchanged: Int = 0, retained: Int = 0, removed: Int = 0
    ) {
        self.previous = previous
        self.imported = imported
        self.added = added
        self.changed = changed
        self.unchanged = unchanged
        self.retained = retained
        self.removed = removed
    }
}

/// The snapshot diff of one file against a scope's current versions, row by row in file order.
public struct SnapshotDiff<Table: SnapshotKeyTable> {
    @usableFromInline var slots: Table
    @usableFromInline var tally: SnapshotDiffCounts

    /// The current versions and what the file did with each key so far.
    public var table: Table { slots }
    /// The counts so far.
    public var counts: SnapshotDiffCounts { tally }

    /// A diff against `current`, the scope's current versions (no key of the file seen yet).
    public init(current: Table) {
        slots = current
        tally = SnapshotDiffCounts(previous: current.loadedCount)
    }

    /// An accepted row with this key and content hash, on `line` of the file.
    @inlinable
    public mutating func accept(_ key: Table.Key, hash: Int64, line: Int) -> SnapshotDecision {
        accept(key, line: line) { hash }
    }

    /// The same, with the content hash asked for only when it decides (the key has a current
    /// version the file has not sent yet): a new key's row is hashed later, where it is written.
    @inlinable
    public mutating func accept(_ key: Table.Key, line: Int, hash: () -> Int64) -> SnapshotDecision {
        let (slot, inserted) = slots.slot(for: key)
        if !inserted {
            let seen = slots.line(slot)
            if seen != 0 { return .repeated(firstLine: Int(seen.magnitude), firstRejected: seen < 0) }
            slots.setLine(Int32(clamping: line), at: slot)
            tally.imported += 1
            if slots.hash(slot) == hash() {
                tally.unchanged += 1
                return .unchanged
            }
            tally.changed += 1
            return .change(closing: slots.rowID(slot))
        }
        slots.setLine(Int32(clamping: line), at: slot)
        tally.imported += 1
        tally.added += 1
        return .add
    }

    /// A rejected row whose key fields are valid, on `line`: its key counts as sent (a current version
    /// is retained, a later row with the key is a repeat). Rows without a usable key are not given.
    @inlinable
    public mutating func reject(_ key: Table.Key, line: Int) {
        let (slot, inserted) = slots.slot(for: key)
        if inserted {
            slots.setLine(-Int32(clamping: line), at: slot)
        } else if slots.line(slot) == 0 {
            slots.setLine(-Int32(clamping: line), at: slot)
            if slots.rowID(slot) != 0 { tally.retained += 1 }
        }
    }

    /// The row ids of the current versions the file did not send, in row-id order (the versions to
    /// close); sets `counts.removed`. Call once, after the last row.
    public mutating func unsent() -> [Int64] {
        var ids: [Int64] = []
        for slot in 0..<slots.loadedCount where slots.line(slot) == 0 {
            let rowID = slots.rowID(slot)
            if rowID != 0 { ids.append(rowID) }
        }
        ids.sort()
        tally.removed = ids.count
        return ids
    }
}

extension SnapshotDiff where Table == USCCKeyTable {
    /// Adds current versions of the store, in row order, to a diff that has begun: the table is
    /// loaded while the file is read. Only before the diff has added any key of the file (so that
    /// the store's versions keep the first slots): a caller decides a row only once its key is
    /// in the table or every current version is.
    @inlinable
    public mutating func loadCurrent(keys: [USCCKey], rowIDs: [Int64], hashes: [Int64]) {
        slots.load(batch: keys, rowIDs: rowIDs, hashes: hashes)
        tally.previous = slots.loadedCount
    }

    /// Reads where the table would look for `keys` (``USCCKeyTable/touch(_:)``): a few keys touched
    /// before their rows are decided are found or added without a cache miss each.
    @inlinable
    public mutating func touch(_ keys: ArraySlice<USCCKey>) { slots.touch(keys) }

    /// The cheap test of a re-import, in one step: if the store holds a current version with `key`
    /// that the file has not sent yet, and `sameContent` says the row's content hash equals that
    /// version's, records the row as unchanged (what ``accept(_:hash:line:)`` decides then) and
    /// returns true. Otherwise records nothing and returns false (a new key, a repeat, or a change:
    /// the row goes the full way). `sameContent` is called only for a current version, so a caller
    /// hashes only rows that may match.
    ///
    /// A row whose content hash equals the current version's needs no validation, since the current
    /// version holds values the validator accepted, and accepts again as they are.
    ///
    /// `guess` is the slot looked at first (see ``USCCKeyTable/find(_:guess:)``); it is set to the
    /// slot after the current version found, since a register comes in about the order it was stored.
    /// Mutating, so that a diff held by a class is used in place rather than copied for every row.
    @inlinable
    public mutating func acceptIfUnchanged(_ key: USCCKey, line: Int, guess: inout Int, sameContent: (Int64) -> Bool) -> Bool {
        guard let slot = slots.find(key, guess: guess), slot < slots.loadedCount, slots.line(slot) == 0 else { return false }
        guess = slot + 1
        guard sameContent(slots.hash(slot)) else { return false }
        slots.setLine(Int32(clamping: line), at: slot)
        tally.imported += 1
        tally.unchanged += 1
        return true
    }
}

/// A ``SnapshotKeyTable`` for any hashable key (inspector ids, avoidance pairs): a dictionary from key to slot.
public struct SnapshotKeyDictionary<Key: Hashable>: SnapshotKeyTable {
    @usableFromInline var slots: [Key: Int] = [:]
    @usableFromInline var lines: [Int32] = []
    @usableFromInline var rowIDs: [Int64] = []
    @usableFromInline var hashes: [Int64] = []
    @usableFromInline var loaded = 0

    /// An empty table.
    public init() {}

    /// A table of the store's current versions, in load order; a key loaded twice keeps the later version.
    public init<Versions: Sequence>(current: Versions) where Versions.Element == (key: Key, rowID: Int64, hash: Int64) {
        for version in current { load(version.key, rowID: version.rowID, hash: version.hash) }
    }

    /// Adds a current version of the store (before any key of the file).
    public mutating func load(_ key: Key, rowID: Int64, hash: Int64) {
        if let slot = slots[key] {
            rowIDs[slot] = rowID
            hashes[slot] = hash
            return
        }
        slots[key] = lines.count
        lines.append(0)
        rowIDs.append(rowID)
        hashes.append(hash)
        loaded = lines.count
    }

    /// Slots holding the store's current versions.
    public var loadedCount: Int { loaded }

    /// The slot of `key`, added if it is new.
    @inlinable
    public mutating func slot(for key: Key) -> (slot: Int, inserted: Bool) {
        if let slot = slots[key] { return (slot, false) }
        let slot = lines.count
        slots[key] = slot
        lines.append(0)
        rowIDs.append(0)
        hashes.append(0)
        return (slot, true)
    }

    /// The line of a slot.
    @inlinable public func line(_ slot: Int) -> Int32 { lines[slot] }
    /// Sets the line of a slot.
    @inlinable public mutating func setLine(_ line: Int32, at slot: Int) { lines[slot] = line }
    /// The row id of a slot's current version.
    @inlinable public func rowID(_ slot: Int) -> Int64 { rowIDs[slot] }
    /// The content hash of a slot's current version.
    @inlinable public func hash(_ slot: Int) -> Int64 { hashes[slot] }
}
