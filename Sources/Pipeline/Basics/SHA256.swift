// SHA-256 (FIPS 180-4) in Swift, so that Pipeline needs neither Foundation nor swift-crypto.
// Whole blocks go to the x86 SHA extensions (the CSHA256 target) when the CPU has them, else to
// the Swift compression function below (other CPUs, ARM).
//
// Why ours and not swift-crypto 3.12.3's (BoringSSL, which uses SHA-NI too): measured in one
// session on a 2-core AMD EPYC with SHA-NI, this code against a build whose SHA256Hasher wrapped
// `Crypto.SHA256` (everything else equal):
// - bulk hashing (every imported file): 1.69 GB/s with either; the import benchmark (1M rows) the
//   same within its noise (CPU seconds, medians of 3: CSV 3.96 / 4.15, XML 11.38 / 11.11,
//   GB18030 4.26 / 4.21, 1% re-import 3.48 / 3.52);
// - one consistent-sampler ticket (copy the seed's midstate, add an id, finish): 74 ns here,
//   170 ns with swift-crypto, whose hash state is a class instance copied and freed on every
//   copy-on-write, and zeroized twice;
// - so `Benchmarks/draw_benchmark.sh`'s inspector matching (50,000 objects, 20 million tickets)
//   took 8.47 s here and 10.39 s with swift-crypto (medians of 3, same session): 23% slower,
//   beyond the 10% that would have let the library replace this file. The draw itself was not
//   slower. swift-crypto offers no lower-level block function that would avoid the per-hash
//   allocation (its BoringSSL target is not a product).
//
// The hasher keeps its state and its 64-byte block buffer inline (no heap storage), so copying a
// hasher is cheap: the consistent sampler hashes the public seed's 64-character hex once, keeps the
// resulting "midstate", and copies it for every id.

internal import CSHA256

/// SHA-256 (FIPS 180-4): one-shot helpers over `SHA256Hasher`.
public enum SHA256 {
    /// The 32-byte SHA-256 digest of `bytes`.
    public static func digest(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = SHA256Hasher()
        let done: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            hasher.update(UnsafeRawBufferPointer(buffer))
        }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { hasher.update($0) }
        }
        return hasher.finalize()
    }

    /// The lowercase hexadecimal SHA-256 digest (64 characters) of the UTF-8 bytes of `string`.
    public static func hex(_ string: String) -> String {
        var hasher = SHA256Hasher()
        hasher.update(string)
        return hexString(hasher.finalize())
    }

    /// Lowercase hexadecimal text of `bytes` (two characters per byte).
    public static func hexString(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// ASCII codes of `0123456789abcdef`.
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

/// An incremental SHA-256 computation: feed bytes with `update`, then call `finalize` once.
///
/// A value type with no heap storage: copying it forks the computation (used to reuse the hash
/// state of a common prefix).
public struct SHA256Hasher: Sendable {
    /// The eight working hash words H0…H7.
    var state: SHA256State
    /// Bytes of the current, not yet complete, 64-byte block.
    var block: SHA256Block
    /// Number of valid bytes in `block` (0..<64).
    var blockCount: Int
    /// Total message length so far, in bytes.
    var totalLength: UInt64
    /// Whether blocks go to the SHA-NI code (else to the Swift `SHA256State.compress`).
    let usesHardware: Bool

    /// Whether this CPU has the x86 SHA extensions (with SSSE3 and SSE4.1); checked once.
    static let hardwareAvailable: Bool = suiji_sha256_hw_available() != 0

    /// A hasher with the FIPS 180-4 initial hash value and no input.
    public init() {
        self.init(hardware: Self.hardwareAvailable)
    }

    /// A hasher that uses the SHA-NI code only if `hardware` and the CPU has it (tests pass
    /// false to exercise the Swift compression function on any machine).
    init(hardware: Bool) {
        state = SHA256State()
        block = SHA256Block()
        blockCount = 0
        totalLength = 0
        usesHardware = hardware && Self.hardwareAvailable
    }

    /// Processes `blocks` whole 64-byte blocks starting at `base`.
    @inline(__always)
    mutating func compressBlocks(_ base: UnsafeRawPointer, blocks: Int) {
        if usesHardware {
            state.compressWithSHAExtensions(base, blocks: blocks)
        } else {
            for i in 0..<blocks {
                state.compress(UnsafeRawBufferPointer(start: base + i &* 64, count: 64))
            }
        }
    }

    /// Processes one inline 64-byte block.
    @inline(__always)
    mutating func compressBlock(_ block: SHA256Block) {
        withUnsafeBytes(of: block) { bytes in
            guard let base = bytes.baseAddress else { return }
            compressBlocks(base, blocks: 1)
        }
    }

    /// Feeds `bytes` to the hash.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0, let base = bytes.baseAddress else { return }
        totalLength &+= UInt64(bytes.count)
        var offset = 0
        let count = bytes.count
        if blockCount > 0 {
            let take = Swift.min(64 - blockCount, count)
            let start = blockCount
            withUnsafeMutableBytes(of: &block) { dst in
                guard let d = dst.baseAddress else { return }
                (d + start).copyMemory(from: base, byteCount: take)
            }
            blockCount += take
            offset = take
            if blockCount == 64 {
                compressBlock(block)
                blockCount = 0
            }
        }
        let whole = (count - offset) / 64
        if whole > 0 {
            compressBlocks(base + offset, blocks: whole)
            offset += whole &* 64
        }
        let rest = count - offset
        if rest > 0 {
            withUnsafeMutableBytes(of: &block) { dst in
                guard let d = dst.baseAddress else { return }
                d.copyMemory(from: base + offset, byteCount: rest)
            }
            blockCount = rest
        }
    }

    /// Feeds the UTF-8 bytes of `s` to the hash.
    public mutating func update(_ s: String) {
        var s = s
        s.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// Feeds `bytes` to the hash.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Pads the message, processes the last block(s) and returns the 32-byte digest.
    ///
    /// The hasher must not be updated afterwards (start a new one).
    public mutating func finalize() -> [UInt8] {
        let w = finalizeWords()
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for word in [w.0, w.1, w.2, w.3] {
            var shift: UInt64 = 56
            while true {
                out.append(UInt8(truncatingIfNeeded: word >> shift))
                if shift == 0 { break }
                shift -= 8
            }
        }
        return out
    }

    /// Pads and finishes, returning the digest as four big-endian 64-bit words (most significant
    /// first): the 256-bit integer `int(hexdigest, 16)` without allocating.
    mutating func finalizeWords() -> (UInt64, UInt64, UInt64, UInt64) {
        let bitLength = totalLength &* 8
        var pad = SHA256Block()
        let used = blockCount
        let current = block
        // Bytes 0..<used come from the pending block, then 0x80, zeros, and the length.
        let needsTwo = used >= 56
        withUnsafeMutableBytes(of: &pad) { p in
            withUnsafeBytes(of: current) { c in
                for i in 0..<used { p[i] = c[i] }
            }
            p[used] = 0x80
            if !needsTwo {
                for i in 0..<8 { p[56 + i] = UInt8(truncatingIfNeeded: bitLength >> (56 - 8 * UInt64(i))) }
            }
        }
        compressBlock(pad)
        if needsTwo {
            var last = SHA256Block()
            withUnsafeMutableBytes(of: &last) { p in
                for i in 0..<8 { p[56 + i] = UInt8(truncatingIfNeeded: bitLength >> (56 - 8 * UInt64(i))) }
            }
            compressBlock(last)
        }
        blockCount = 0
        return (
            UInt64(state.h0) << 32 | UInt64(state.h1),
            UInt64(state.h2) << 32 | UInt64(state.h3),
            UInt64(state.h4) << 32 | UInt64(state.h5),
            UInt64(state.h6) << 32 | UInt64(state.h7)
        )
    }
}

/// 64 bytes of inline storage for one message block.
struct SHA256Block: Sendable {
    var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0
    var w4: UInt64 = 0, w5: UInt64 = 0, w6: UInt64 = 0, w7: UInt64 = 0
    init() {}
}

/// The SHA-256 intermediate hash value and the compression function.
struct SHA256State: Sendable {
    var h0: UInt32 = 0x6a09e667
    var h1: UInt32 = 0xbb67ae85
    var h2: UInt32 = 0x3c6ef372
    var h3: UInt32 = 0xa54ff53a
    var h4: UInt32 = 0x510e527f
    var h5: UInt32 = 0x9b05688c
    var h6: UInt32 = 0x1f83d9ab
    var h7: UInt32 = 0x5be0cd19

    init() {}

    /// The 64 round constants K0…K63 (FIPS 180-4 §4.2.2), read from the C target's one copy.
    static let k: [UInt32] = withUnsafeBytes(of: suiji_sha256_k) { Array($0.bindMemory(to: UInt32.self)) }

    @inline(__always)
    static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 &- n)) }

    /// Processes `blocks` 64-byte blocks at `data` with the x86 SHA extensions: only call when
    /// `SHA256Hasher.hardwareAvailable`.
    mutating func compressWithSHAExtensions(_ data: UnsafeRawPointer, blocks: Int) {
        // A homogeneous tuple has the layout of a C array; the struct's fields need not.
        var words = (h0, h1, h2, h3, h4, h5, h6, h7)
        withUnsafeMutablePointer(to: &words) { tuple in
            tuple.withMemoryRebound(to: UInt32.self, capacity: 8) { h in
                suiji_sha256_hw_blocks(h, data, blocks)
            }
        }
        (h0, h1, h2, h3, h4, h5, h6, h7) = words
    }

    /// Processes one 64-byte block (`block.count` must be 64).
    mutating func compress(_ block: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for t in 0..<16 {
                w[t] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: t &* 4, as: UInt32.self))
            }
            for t in 16..<64 {
                let x = w[t &- 15], y = w[t &- 2]
                let s0 = Self.rotr(x, 7) ^ Self.rotr(x, 18) ^ (x >> 3)
                let s1 = Self.rotr(y, 17) ^ Self.rotr(y, 19) ^ (y >> 10)
                w[t] = w[t &- 16] &+ s0 &+ w[t &- 7] &+ s1
            }
            var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
            Self.k.withUnsafeBufferPointer { k in
                for t in 0..<64 {
                    let s1 = Self.rotr(e, 6) ^ Self.rotr(e, 11) ^ Self.rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = h &+ s1 &+ ch &+ k[t] &+ w[t]
                    let s0 = Self.rotr(a, 2) ^ Self.rotr(a, 13) ^ Self.rotr(a, 22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ maj
                    h = g; g = f; f = e; e = d &+ t1
                    d = c; c = b; b = a; a = t1 &+ t2
                }
            }
            h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
            h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
        }
    }
}
