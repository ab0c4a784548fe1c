/// SplitMix64 (Steele, Lea and Flood 2014; Vigna's splitmix64.c): a 64-bit counter passed
/// through a mixer; used to expand one seed into xoshiro256** state.
///
/// Identical on every platform: only wrapping 64-bit integer arithmetic.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The counter; it advances by the golden-ratio increment on every call.
    public private(set) var state: UInt64

    /// Starts the counter at `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 bits: advance the counter, then mix it.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 finaliser alone, a bijection on 64-bit values (handy to derive sub-seeds).
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** 1.0 (Blackman and Vigna 2018), seeded through SplitMix64: the same numbers on
/// every platform and toolchain, unlike the standard library's unspecified algorithms.
///
/// Use `next()`, `next(below:)` and `nextUnitDouble()`; do not pass this generator to the standard
/// library's `random(in:using:)`, `shuffled(using:)` or `randomElement(using:)`, whose use of the
/// generator's bits is not guaranteed to stay the same across Swift versions.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Hashable {
    /// State word 0 of 4.
    public private(set) var s0: UInt64
    /// State word 1 of 4.
    public private(set) var s1: UInt64
    /// State word 2 of 4.
    public private(set) var s2: UInt64
    /// State word 3 of 4.
    public private(set) var s3: UInt64

    /// Seeds the state with four successive SplitMix64 outputs from `seed` (never all zero).
    public init(seed: UInt64) {
        var splitMix = SplitMix64(seed: seed)
        s0 = splitMix.next()
        s1 = splitMix.next()
        s2 = splitMix.next()
        s3 = splitMix.next()
    }

    /// Sets the state directly (as the reference test vectors do); an all-zero state is replaced
    /// by the state for seed 0, since it would only ever produce zeros.
    public init(state s0: UInt64, _ s1: UInt64, _ s2: UInt64, _ s3: UInt64) {
        if s0 | s1 | s2 | s3 == 0 {
            var splitMix = SplitMix64(seed: 0)
            self.s0 = splitMix.next()
            self.s1 = splitMix.next()
            self.s2 = splitMix.next()
            self.s3 = splitMix.next()
        } else {
            self.s0 = s0
            self.s1 = s1
            self.s2 = s2
            self.s3 = s3
        }
    }

    /// The next 64 bits.
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, by: 45)
        return result
    }

    /// A uniform integer in `0..<n` by Lemire's multiply-and-reject method (2019); 0 if n ≤ 1.
    ///
    /// Uses one draw when n ≥ 1 unless the rare rejection needs more; no draw when n ≤ 0.
    public mutating func next(below n: Int) -> Int {
        guard n > 0 else { return 0 }
        let bound = UInt64(n)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return Int(product.high)
    }

    /// A uniform integer in the closed range, built on `next(below:)`.
    public mutating func next(in range: ClosedRange<Int>) -> Int {
        let (width, overflow) = range.upperBound.subtractingReportingOverflow(range.lowerBound)
        if !overflow && width < Int.max {
            return range.lowerBound + next(below: width + 1)
        }
        // At least 2^63 values: rejection from all 64-bit values takes at most two draws on average.
        while true {
            let value = Int(truncatingIfNeeded: next())
            if range.contains(value) { return value }
        }
    }

    /// A uniform Double in [0, 1) from the top 53 bits (exact, hence identical everywhere).
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniformly chosen element, or nil for an empty collection.
    public mutating func pick<C: RandomAccessCollection>(_ elements: C) -> C.Element? {
        guard !elements.isEmpty else { return nil }
        return elements[elements.index(elements.startIndex, offsetBy: next(below: elements.count))]
    }

    /// Shuffles in place by Fisher–Yates from the last element down, with `next(below:)`.
    public mutating func shuffle<C: MutableCollection & RandomAccessCollection>(_ elements: inout C) {
        var remaining = elements.count
        var last = elements.endIndex
        while remaining > 1 {
            last = elements.index(before: last)
            let chosen = next(below: remaining)
            elements.swapAt(elements.index(elements.startIndex, offsetBy: chosen), last)
            remaining -= 1
        }
    }

    private func rotateLeft(_ value: UInt64, by amount: UInt64) -> UInt64 {
        (value << amount) | (value >> (64 - amount))
    }
}
