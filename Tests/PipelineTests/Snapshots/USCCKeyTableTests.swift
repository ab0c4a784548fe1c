import Pipeline
import Testing

/// The packed key: its text back, its order (the text's), and the new keys a table gives at the end.
@Suite("USCCKeyTable")
struct USCCKeyTableTests {
    /// `count` 18-character codes of digits and capital letters, the same every run.
    static func codes(_ count: Int) -> [String] {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var state: UInt64 = 20_240_101
        return (0..<count).map { _ in
            String(
                (0..<18).map { position in
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    // Most share the county's first eight characters, as a register's do.
                    return position < 8 && state >> 60 != 0 ? Array("91140981")[position] : alphabet[Int(state >> 33) % alphabet.count]
                })
        }
    }

    static func text(_ key: USCCKey, length: Int = 18) -> String {
        var bytes = [UInt8](repeating: 0x2E, count: length)
        bytes.withUnsafeMutableBufferPointer { key.write(to: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func aKeyWritesItsCodeBack() throws {
        for code in ["91140981MA0Y2XK93W", "000000000000000000", "ZZZZZZZZZZZZZZZZZZ", "12345678901234567X"] + Self.codes(1_000) {
            let key = try #require(USCCKey(code))
            #expect(Self.text(key) == code)
        }
        // A shorter buffer gets the code's start; a longer one keeps what follows the code.
        let key = try #require(USCCKey("91140981MA0Y2XK93W"))
        #expect(Self.text(key, length: 5) == "91140")
        #expect(Self.text(key, length: 20) == "91140981MA0Y2XK93W..")
        #expect(USCCKey("91140981MA0Y2XK93") == nil)
        #expect(USCCKey("91140981MA0Y2XK93w") == nil)
    }

    @Test func keysSortAsTheirCodes() throws {
        let codes = Self.codes(20_000)
        var keys = try codes.map { try #require(USCCKey($0)) }
        USCCKey.sort(&keys)
        #expect(keys.map { Self.text($0) } == codes.sorted())
    }

    @Test func theNewKeysAreTheFilesAcceptedOnesInCodeOrder() throws {
        let codes = Self.codes(3_000)
        var table = USCCKeyTable(expected: 1_000)
        for (index, code) in codes.prefix(1_000).enumerated() {
            table.load(try #require(USCCKey(code)), rowID: Int64(index + 1), hash: 7)
        }
        // The file sends the last 1,500 stored codes and 2,000 new ones; every third new one only on a rejected row (line 0).
        var accepted: [String] = []
        for (index, code) in codes.suffix(2_500).enumerated() {
            let (slot, inserted) = table.slot(for: try #require(USCCKey(code)))
            let isNew = index >= 500
            #expect(inserted == isNew)
            if isNew, index % 3 != 0 {
                table.setLine(Int32(index + 2), at: slot)
                accepted.append(code)
            }
        }
        #expect(table.takeNewKeys().map { Self.text($0) } == accepted.sorted())
        #expect(table.count == 0)
    }

    /// Touching keys (reading their buckets ahead) adds nothing and moves nothing: a table whose keys
    /// were touched, eight at a time before they came as a first import's rows do, gives every key
    /// the slot an untouched table gives it, and finds none of the touched keys that never came.
    @Test func touchingKeysChangesNoSlot() throws {
        let codes = Self.codes(5_000)
        let keys = try codes.map { try #require(USCCKey($0)) }
        var plain = USCCKeyTable(expected: 100)
        var touched = USCCKeyTable(expected: 100)
        touched.touch(keys[...])
        #expect(touched.count == 0)
        var slots: [Int] = []
        var touchedSlots: [Int] = []
        for start in stride(from: 0, to: 4_000, by: 8) {
            touched.touch(keys[start..<(start + 8)])
            for key in keys[start..<(start + 8)] {
                slots.append(plain.slot(for: key).slot)
                touchedSlots.append(touched.slot(for: key).slot)
            }
        }
        #expect(touchedSlots == slots)
        #expect(touchedSlots == Array(0..<4_000))
        touched.touch(keys[4_000...])
        #expect(touched.count == 4_000)
        #expect(keys[4_000...].allSatisfy { touched.find($0) == nil })
        #expect(keys[..<4_000].enumerated().allSatisfy { touched.find($1) == $0 })
    }
}
