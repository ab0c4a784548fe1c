import Testing
@testable import Pipeline

/// SHA-256 against the FIPS 180-4 / NIST CAVP examples and against Python's hashlib.
@Suite struct SHA256Tests {
    /// The NIST example messages (FIPS 180-4 examples; "SHA256ShortMsg" style vectors).
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ("原平市", "7427d1cd4ab17e44deb62ec0961759148945bf783e4ae0b8d4979d70fce988cb"),
    ])
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
        let expected = "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371"  // Python hashlib
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
