import Foundation
import Testing

@testable import Pipeline

/// SHA-256 against the FIPS 180-4 / NIST CAVP examples and against Python's hashlib.
@Suite struct SHA256Tests {
    /// The FIPS 180-4 example messages and their digests.
    static let fipsExamples = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ]

    /// The NIST example messages (FIPS 180-4 examples; "SHA256ShortMsg" style vectors).
    @Test(arguments: fipsExamples + [("原平市", "7427d1cd4ab17e44deb62ec0961759148945bf783e4ae0b8d4979d70fce988cb")])
    func nistVectors(message: String, expected: String) {
        #expect(SHA256.hex(message) == expected)
        #expect(SHA256.hexString(SHA256.digest(Array(message.utf8))) == expected)
    }

    /// One million repetitions of 'a' (NIST), one-shot and in uneven chunks.
    @Test func millionA() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hexString(SHA256.digest(message)) == expected)
        var hasher = SHA256Hasher()
        message.withUnsafeBytes { all in
            var offset = 0
            var step = 1
            while offset < all.count {
                let n = Swift.min(step, all.count - offset)
                hasher.update(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + n)]))
                offset += n
                step = step * 3 % 1_000 + 1
            }
        }
        #expect(SHA256.hexString(hasher.finalize()) == expected)
    }

    /// Padding boundaries: lengths around one and two blocks (expected values from Python hashlib).
    @Test(arguments: [
        (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
        (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
        (120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"),
        (128, "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"),
    ])
    func paddingBoundaries(length: Int, expected: String) {
        #expect(SHA256.hex(String(repeating: "a", count: length)) == expected)
    }

    /// Incremental updates with every split point and several chunk sizes equal the one-shot digest.
    @Test func incrementalEqualsOneShot() {
        let message = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let expected = "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371" // Python hashlib
        #expect(SHA256.hexString(SHA256.digest(message)) == expected)
        for chunk in [1, 2, 3, 31, 55, 56, 63, 64, 65, 127, 128, 129, 999, 1_000] {
            var hasher = SHA256Hasher()
            message.withUnsafeBytes { all in
                var offset = 0
                while offset < all.count {
                    let n = Swift.min(chunk, all.count - offset)
                    hasher.update(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + n)]))
                    offset += n
                }
            }
            #expect(SHA256.hexString(hasher.finalize()) == expected, "chunk size \(chunk)")
        }
        for split in stride(from: 0, through: 200, by: 1) {
            var hasher = SHA256Hasher()
            hasher.update(Array(message[..<split]))
            hasher.update(Array(message[split...]))
            #expect(SHA256.hexString(hasher.finalize()) == expected, "split at \(split)")
        }
    }

    /// String updates hash the UTF-8 bytes; a non-contiguous sequence goes through the copy path.
    @Test func stringAndSequenceInputs() {
        var hasher = SHA256Hasher()
        hasher.update("ab")
        hasher.update("")
        hasher.update("c")
        #expect(SHA256.hexString(hasher.finalize()) == SHA256.hex("abc"))
        let lazyBytes = "abc".utf8.lazy.map { $0 }
        #expect(SHA256.hexString(SHA256.digest(lazyBytes)) == SHA256.hex("abc"))
    }
}

/// The SHA-NI block function and the Swift one, side by side: both must give the same exact digests.
///
/// `SHA256Hasher(hardware: false)` forces the Swift compression function; `hardware: true` uses the
/// x86 SHA extensions when the CPU has them (else it too falls back to Swift).
@Suite struct SHA256HardwarePathTests {
    /// Lowercase hex digest of `message` fed in pieces of `piece` bytes (nil: in one call).
    static func hexDigest(_ message: [UInt8], hardware: Bool, piece: Int? = nil) -> String {
        var hasher = SHA256Hasher(hardware: hardware)
        message.withUnsafeBytes { all in
            let step = Swift.max(1, piece ?? all.count)
            var offset = 0
            while offset < all.count {
                let n = Swift.min(step, all.count - offset)
                hasher.update(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + n)]))
                offset += n
            }
        }
        return SHA256.hexString(hasher.finalize())
    }

    /// `count` pseudo-random bytes: the top byte of a 64-bit LCG (Knuth's MMIX constants), as the
    /// Python script that computed the expected digests generates them.
    static func lcgBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var x = seed
        var out: [UInt8] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            out.append(UInt8(truncatingIfNeeded: x >> 56))
        }
        return out
    }

    /// The FIPS 180-4 examples (and one million 'a') through both paths, whole and byte by byte.
    @Test(
        arguments: [false, true],
        SHA256Tests.fipsExamples + [
            (String(repeating: "a", count: 1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        ])
    func fipsVectorsBothPaths(hardware: Bool, vector: (message: String, expected: String)) {
        let bytes = Array(vector.message.utf8)
        #expect(Self.hexDigest(bytes, hardware: hardware) == vector.expected)
        #expect(Self.hexDigest(bytes, hardware: hardware, piece: 1) == vector.expected)
        #expect(Self.hexDigest(bytes, hardware: hardware, piece: 65) == vector.expected)
    }

    /// Every length 0…300 of one pseudo-random message: the two paths agree, and the digests are
    /// Python hashlib's (a few checked one by one, all 301 through the hash of their concatenation).
    @Test func everyLengthUpTo300() {
        let message = Self.lcgBytes(300, seed: 2024)
        var software: [[UInt8]] = []
        var hardware: [[UInt8]] = []
        for length in 0...300 {
            let prefix = Array(message[..<length])
            var soft = SHA256Hasher(hardware: false)
            soft.update(prefix)
            var hard = SHA256Hasher(hardware: true)
            hard.update(prefix)
            software.append(soft.finalize())
            hardware.append(hard.finalize())
            #expect(hardware[length] == software[length], "length \(length)")
        }
        let spotChecks: [Int: String] = [
            0: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            1: "245843abef9e72e7efac30138a994bf6301e7e1d7d7042a33d42e863d2638811",
            55: "acf32b47eb9a4eb827db7c82e43c255ace91254726610a198bcaf8aee62dd4ca",
            56: "3df26d9241103cfd719c2969f95dd560adb3bb6a5457646e248a3b0be6842b73",
            63: "282326214fa667e7fc92ed53d22db44a2aba4fe9db6a3c654056335d4cffd749",
            64: "53b9883eaac032580f7d056945fab5e13ab322cff4ad9d603d07f35f71fd655f",
            65: "324021d6117fdc5a0e3bc19d1297c0d482e0924310060a03175b7849901d854f",
            300: "e9b7857ded7b35f0659b449891139367702b878fd226301d23fe58c473dca2a9",
        ]
        for (length, expected) in spotChecks {
            #expect(SHA256.hexString(hardware[length]) == expected, "length \(length)")
            #expect(SHA256.hexString(software[length]) == expected, "length \(length)")
        }
        let allDigests = "dfac2aac9472c41e71a22cfb99efb1f7cffdb84e0a7425d69724c5fd2bbe78f9"
        #expect(SHA256.hexString(SHA256.digest(hardware.flatMap { $0 })) == allDigests)
        #expect(SHA256.hexString(SHA256.digest(software.flatMap { $0 })) == allDigests)
    }

    /// 1 MiB (and 1 MiB + 37 bytes) of pseudo-random bytes, whole and in odd-sized pieces, both paths.
    @Test(arguments: [
        (1 << 20, "bbd47a42aab578ca9364f937f4536e104c1539e90a10296ed9a2b4a4574bd298"),
        ((1 << 20) + 37, "a173eeca58cb078e02a1f4f1873bb45924b0a1faf94e891c8ccf2fd8cf12b997"),
    ])
    func largeBuffersInPieces(count: Int, expected: String) {
        let message = Self.lcgBytes(count, seed: 7)
        for hardware in [false, true] {
            for piece in [nil, 1, 63, 65, 4097] as [Int?] {
                #expect(
                    Self.hexDigest(message, hardware: hardware, piece: piece) == expected,
                    "hardware \(hardware), piece \(piece.map(String.init) ?? "whole")"
                )
            }
        }
    }

    /// A copied midstate (as the consistent sampler uses) finishes the same on either path.
    @Test func copiedMidstateAgrees() {
        let prefix = Self.lcgBytes(64 * 3 + 11, seed: 99)
        var soft = SHA256Hasher(hardware: false)
        soft.update(prefix)
        var hard = SHA256Hasher(hardware: true)
        hard.update(prefix)
        for suffix in ["", "1", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz-_"] {
            var s = soft
            s.update(suffix)
            var h = hard
            h.update(suffix)
            #expect(s.finalizeWords() == h.finalizeWords(), "suffix \(suffix)")
        }
    }

    /// States whether this machine runs the SHA-NI path; a CPU without it is a known issue, not a
    /// failure. On x86-64 Linux the answer must match the `sha_ni` flag in /proc/cpuinfo.
    @Test func reportsWhetherHardwareIsUsed() {
        #expect(SHA256Hasher().usesHardware == SHA256Hasher.hardwareAvailable)
        #expect(!SHA256Hasher(hardware: false).usesHardware)
        #if os(Linux) && arch(x86_64)
        if let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        {
            let set = Set(flags.split(separator: " ").map(String.init))
            let expected = set.contains("sha_ni") && set.contains("sse4_1") && set.contains("ssse3")
            #expect(SHA256Hasher.hardwareAvailable == expected, "cpuinfo flags: sha_ni+sse4_1+ssse3 = \(expected)")
        }
        #endif
        withKnownIssue("this CPU has no x86 SHA extensions: hashing uses the Swift code", isIntermittent: true) {
            #expect(SHA256Hasher.hardwareAvailable, "SHA-NI path in use")
        }
    }
}
