// SHA-256 (FIPS 180-4) from swift-crypto: BoringSSL's implementation, which picks the CPU's SHA
// instructions itself (x86 SHA extensions, ARMv8 SHA2) and falls back to portable C elsewhere.
// swift-crypto is a pure library (no I/O), so Pipeline may depend on it.
//
// This file keeps the small API the rest of the code uses (`SHA256.hex`, `SHA256.digest`,
// `SHA256Hasher`) so that no caller names swift-crypto; only this file imports it. It replaced our
// own SHA-256 (a Swift compression function plus a C target for SHA-NI). Measured on the same
// machine (2-core AMD EPYC with SHA-NI, thread CPU time, Benchmarks-style A/B in one session):
// - bulk hashing (every imported file is hashed): 1.69 GB/s with either, no difference;
// - one consistent-sampler ticket (copy the seed's midstate, add an id, finish): 74 ns with ours,
//   170 ns with swift-crypto, whose copy-on-write context is a heap object copied on first update;
// - whole runs, CPU seconds (user + system), medians of 3: `suiji draw bench` (1M entities, 50k
//   objects) 24.68 → 24.87 (+0.8%); import of 1M rows CSV 3.96 → 4.15, XML 11.38 → 11.11,
//   GB18030 4.26 → 4.21, 1% re-import 3.48 → 3.52: all within the runs' own spread, far from the
//   10% that would have kept our own code.

internal import Crypto

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
/// A value type: copying it forks the computation (the consistent sampler hashes the seed's hex
/// once and copies that state for every id).
public struct SHA256Hasher: @unchecked Sendable {
    // @unchecked: swift-crypto's `SHA256` is a value type whose copy-on-write box is copied before
    // any mutation when shared (`isKnownUniquelyReferenced`), so sharing copies across threads is safe.

    /// swift-crypto's hash function state.
    private var state: Crypto.SHA256

    /// A hasher with the FIPS 180-4 initial hash value and no input.
    public init() {
        state = Crypto.SHA256()
    }

    /// Feeds `bytes` to the hash.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        state.update(bufferPointer: bytes)
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

    /// The 32-byte digest of everything fed so far.
    public func finalize() -> [UInt8] {
        state.finalize().withUnsafeBytes { Array($0) }
    }

    /// The digest as four big-endian 64-bit words (most significant first): the 256-bit integer
    /// `int(hexdigest, 16)` without allocating an array.
    func finalizeWords() -> (UInt64, UInt64, UInt64, UInt64) {
        state.finalize().withUnsafeBytes { d in
            (
                UInt64(bigEndian: d.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                UInt64(bigEndian: d.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                UInt64(bigEndian: d.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
                UInt64(bigEndian: d.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            )
        }
    }
}
