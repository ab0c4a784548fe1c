// The key table of a register's snapshot diff: a department's current register and the USCCs of the
// file, in about 50 bytes a key, so that a million-row register diffs in flat memory.
//
// A USCC packs exactly into 108 bits (6 bits a character), two integers without an allocation; the
// table is open addressing over 64-bit buckets with the slots in parallel arrays. A bucket holds its
// slot number and 32 bits of the key's mix: a probe passes an occupied bucket of another key by
// that tag, without reading the other key's slot, which lies at random in memory (a cache miss a
// probe: 9% of a 1% re-import's instructions went to probing while the table loaded). A lookup
// may name the slot it expects (`find(_:guess:)`): a register is sent in about the order it was
// stored, so the next row's key is usually in the slot after the last one found, and is then found
// without touching the buckets at all.

/// A USCC packed exactly into 108 bits (6 bits per character): a small, allocation-free key.
public struct USCCKey: Hashable, Sendable {
    /// The first nine characters.
    public var high: UInt64
    /// The last nine characters.
    public var low: UInt64

    /// A key from its two halves.
    @inlinable
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Packs an 18-character code of digits and capital letters; nil for anything else.
    public init?(_ text: String) {
        var text = text
        guard let key = text.withUTF8({ USCCKey(utf8: $0) }) else { return nil }
        self = key
    }

    /// Packs an 18-byte code of digits and capital letters; nil for anything else.
    @inlinable
    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        var count = 0
        for byte in bytes {
            let code: UInt64
            switch byte {
            case 0x30...0x39: code = UInt64(byte - 0x30)
            case 0x41...0x5A: code = UInt64(byte - 0x41 + 10)
            default: return nil
            }
            if count < 9 { high = high << 6 | code } else { low = low << 6 | code }
            count += 1
            if count > 18 { return nil }
        }
        guard count == 18 else { return nil }
        self.high = high
        self.low = low
    }

    /// A key for text that does not pack (never a valid USCC): its FNV hash with the top bit set.
    public init(fallback text: String) {
        var hasher = RowHasher()
        hasher.add(text)
        high = UInt64.max
        low = UInt64(bitPattern: hasher.value)
    }

    /// Writes the code's 18 bytes to the start of `buffer` (which holds at least 18).
    public func write(to buffer: UnsafeMutableBufferPointer<UInt8>) {
        // Nine characters from each half, each half's loop of constant length (unrolled) and no
        // array of the halves: the import's end writes a million new entities' codes, and the
        // loop over 18 characters that chose a half and a shift for each took a seventh of it
        // (46 of 320 samples, `perf record`).
        @inline(__always) func character(_ part: UInt64, _ index: Int) -> UInt8 {
            let code = UInt8(truncatingIfNeeded: (part &>> UInt64(48 - 6 * index)) & 63)
            return code &+ (code < 10 ? 0x30 : 0x37)
        }
        guard buffer.count >= 18, let start = buffer.baseAddress else {
            for index in 0..<buffer.count { buffer[index] = character(index < 9 ? high : low, index % 9) }
            return
        }
        for index in 0..<9 { start[index] = character(high, index) }
        for index in 0..<9 { start[9 + index] = character(low, index) }
    }

    /// Sorts keys by (high, low), which is the order of their text: a least-significant-digit radix
    /// sort over 16-bit digits that skips a digit every key shares. A million keys take a few
    /// hundredths of a second, against about 0.2 s for the comparison sort; the import waits for
    /// this at its end.
    public static func sort(_ keys: inout [USCCKey]) {
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

/// A department's current register and the USCCs seen in the file, in about 50 bytes a key: the
/// ``SnapshotKeyTable`` of registers.
public struct USCCKeyTable: SnapshotKeyTable {
    /// Per bucket: the slot + 1 in the low 32 bits (0: empty), the key's tag in the high 32.
    @usableFromInline var buckets: [UInt64]
    @usableFromInline var mask: Int
    @usableFromInline var highs: [UInt64] = []
    @usableFromInline var lows: [UInt64] = []
    @usableFromInline var lines: [Int32] = []
    @usableFromInline var rowIDs: [Int64] = []
    @usableFromInline var hashes: [Int64] = []

    /// Slots holding the store's current rows.
    @inlinable public var loadedCount: Int { rowIDs.count }
    /// All slots.
    public var count: Int { highs.count }

    /// An empty table sized for about `expected` keys.
    public init(expected: Int) {
        var size = 1024
        while size < expected + expected / 3 { size *= 2 }
        buckets = Array(repeating: 0, count: size)
        mask = size - 1
        highs.reserveCapacity(expected)
        lows.reserveCapacity(expected)
        lines.reserveCapacity(expected)
    }

    /// The row id of a slot's current version (0: first seen in this file).
    @inlinable public func rowID(_ slot: Int) -> Int64 { slot < rowIDs.count ? rowIDs[slot] : 0 }
    /// The content hash of a slot's current version (0 for keys first seen in this file).
    @inlinable public func hash(_ slot: Int) -> Int64 { slot < hashes.count ? hashes[slot] : 0 }
    /// The line of a slot.
    @inlinable public func line(_ slot: Int) -> Int32 { lines[slot] }
    /// Sets the line of a slot.
    @inlinable public mutating func setLine(_ line: Int32, at slot: Int) { lines[slot] = line }
    /// The key of a slot.
    public func key(_ slot: Int) -> USCCKey { USCCKey(high: highs[slot], low: lows[slot]) }

    /// Adds a current row of the store (before any key of the file).
    public mutating func load(_ key: USCCKey, rowID: Int64, hash: Int64) {
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

    /// Adds current rows of the store a batch at a time (as ``load(_:rowID:hash:)`` each, in
    /// order), 64 keys at a time: the buckets those keys start at are read first, one after the
    /// other, so that their cache misses overlap instead of coming one per key.
    public mutating func load(batch keys: [USCCKey], rowIDs: [Int64], hashes: [Int64]) {
        let count = min(keys.count, rowIDs.count, hashes.count)
        var start = 0
        while start < count {
            let end = min(start + 64, count)
            touch(keys[start..<end])
            for index in start..<end {
                load(keys[index], rowID: rowIDs[index], hash: hashes[index])
            }
            start = end
        }
    }

    /// Reads the buckets the probes of `keys` start at, one after the other and nothing else, before
    /// the keys are looked up or added: their cache misses overlap instead of coming one per key
    /// (the buckets lie at random in megabytes of memory). Give a few keys (8 to 64).
    @inlinable
    public mutating func touch(_ keys: ArraySlice<USCCKey>) {
        var seen: UInt64 = 0
        buckets.withUnsafeBufferPointer { buckets in
            for key in keys { seen |= buckets[Self.mix(key) & mask] }
        }
        touched = seen
    }

    /// What the reads of ``touch(_:)`` saw, kept so that the reads are made.
    @usableFromInline var touched: UInt64 = 0

    /// The slot of `key`, or nil if the table does not hold it (nothing is added).
    @inlinable
    public func find(_ key: USCCKey) -> Int? {
        let mixed = Self.mix(key)
        let tag = Self.tag(mixed)
        var bucket = mixed & mask
        while true {
            let entry = buckets[bucket]
            if entry == 0 { return nil }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let slot = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                if highs[slot] == key.high, lows[slot] == key.low { return slot }
            }
            bucket = (bucket + 1) & mask
        }
    }

    /// The slot of `key`, or nil if the table does not hold it; `guess` (any number) is looked at
    /// first, and when it holds the key the buckets are not read. The same answer as `find(_:)`:
    /// a key is in one slot at most.
    @inlinable
    public func find(_ key: USCCKey, guess: Int) -> Int? {
        if guess >= 0, guess < highs.count, highs[guess] == key.high, lows[guess] == key.low { return guess }
        return find(key)
    }

    /// The slot of `key`, added (with line 0) if it is new.
    @inlinable
    public mutating func slot(for key: USCCKey) -> (slot: Int, inserted: Bool) {
        let mixed = Self.mix(key)
        let tag = Self.tag(mixed)
        var bucket = mixed & mask
        while true {
            let entry = buckets[bucket]
            if entry == 0 { break }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let slot = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                if highs[slot] == key.high, lows[slot] == key.low { return (slot, false) }
            }
            bucket = (bucket + 1) & mask
        }
        let slot = highs.count
        highs.append(key.high)
        lows.append(key.low)
        lines.append(0)
        buckets[bucket] = tag | UInt64(truncatingIfNeeded: slot + 1)
        if highs.count * 4 > buckets.count * 3 { grow() }
        return (slot, true)
    }

    @usableFromInline
    mutating func grow() {
        let size = buckets.count * 2
        buckets = Array(repeating: 0, count: size)
        mask = size - 1
        for slot in 0..<highs.count {
            let mixed = Self.mix(USCCKey(high: highs[slot], low: lows[slot]))
            var bucket = mixed & mask
            while buckets[bucket] != 0 { bucket = (bucket + 1) & mask }
            buckets[bucket] = Self.tag(mixed) | UInt64(truncatingIfNeeded: slot + 1)
        }
    }

    /// A bucket's tag: the mix's top 32 bits (the bucket number comes from its low bits), in place.
    @inlinable @inline(__always)
    static func tag(_ mixed: Int) -> UInt64 { UInt64(truncatingIfNeeded: mixed) & 0xFFFF_FFFF_0000_0000 }

    @inlinable
    static func mix(_ key: USCCKey) -> Int {
        var h = key.high &* 0x9E37_79B9_7F4A_7C15 ^ key.low
        h ^= h >> 31
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 29
        return Int(truncatingIfNeeded: h)
    }

    /// The keys first seen in the file on an accepted row, in USCC order; frees the table.
    public mutating func takeNewKeys() -> [USCCKey] {
        var fresh: [USCCKey] = []
        fresh.reserveCapacity(count - loadedCount)
        for slot in loadedCount..<count where lines[slot] > 0 { fresh.append(key(slot)) }
        self = USCCKeyTable(expected: 0)
        USCCKey.sort(&fresh)
        return fresh
    }
}
