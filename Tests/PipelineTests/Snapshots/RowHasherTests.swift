import Pipeline
import Testing

/// The bytes `RowHasher.values(encoded:)` takes for values, as its documentation gives them: each
/// present value's bytes then `RowHasher.end`, `RowHasher.absent` for an absent one.
private func encoded(_ values: [[UInt8]?]) -> [UInt8] {
    values.flatMap { $0.map { $0 + [RowHasher.end] } ?? [RowHasher.absent] }
}

@Suite("RowHasher")
struct RowHasherTests {
    /// Four rows hashed side by side give what four hashers fed the same values give, whatever the
    /// rows' lengths: equal, each the longest in turn, empty, and a row of absent values only.
    @Test func fourRowsSideBySideHashAsFourHashers() {
        // A fixed walk through lengths and bytes (no randomness): value counts 0 to 4, value
        // lengths 0 to 40, some values absent.
        var state: UInt32 = 12_345
        func next(_ bound: Int) -> Int {
            state = state &* 1_103_515_245 &+ 12_345
            return Int((state >> 8) % UInt32(bound))
        }
        var checked = 0
        for round in 0..<400 {
            var rows: [[[UInt8]?]] = []
            for lane in 0..<4 {
                let values = round % 7 == lane ? 0 : next(5)
                rows.append(
                    (0..<values).map { _ in
                        next(6) == 0 ? nil : (0..<next(41)).map { _ in UInt8(truncatingIfNeeded: next(256)) }
                    })
            }
            let expected = rows.map { values -> Int64 in
                var hasher = RowHasher()
                for value in values {
                    if let value { value.withUnsafeBufferPointer { hasher.add(utf8: $0) } } else { hasher.add(utf8: nil) }
                }
                return hasher.value
            }
            let fed = rows.map(encoded)
            let hashes = fed[0].withUnsafeBufferPointer { a in
                fed[1].withUnsafeBufferPointer { b in
                    fed[2].withUnsafeBufferPointer { c in
                        fed[3].withUnsafeBufferPointer { d in RowHasher.values(encoded: (a, b, c, d)) }
                    }
                }
            }
            #expect([hashes.0, hashes.1, hashes.2, hashes.3] == expected, "round \(round)")
            checked += 1
        }
        #expect(checked == 400)
    }

    /// The hash of known values is FNV-1a 64 over each value's bytes and 0x1F, 0x1E for an absent
    /// value: what the stored rows' `row_hash` holds, so it must not change.
    @Test func theHashOfKnownValuesIsFixed() {
        var hasher = RowHasher()
        hasher.add("太原市")
        hasher.add(nil)
        hasher.add("A")
        let bytes = encoded([Array("太原市".utf8), nil, Array("A".utf8)])
        #expect(bytes == Array("太原市".utf8) + [0x1F, 0x1E, 0x41, 0x1F])
        // FNV-1a 64 of those bytes, worked out apart from this code.
        #expect(hasher.value == -4_649_951_638_533_565_502)
        #expect(RowHasher().value == -3_750_763_034_362_895_579)
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        let side = bytes.withUnsafeBufferPointer { RowHasher.values(encoded: ($0, empty, $0, empty)) }
        #expect(side.0 == hasher.value && side.2 == hasher.value)
        #expect(side.1 == RowHasher().value && side.3 == RowHasher().value)
    }
}
