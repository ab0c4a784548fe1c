import Testing

@testable import Pipeline

/// The screen's eight-bytes-a-step prefilter says yes wherever a byte could start a control
/// character or a line break, at every offset of a word, and no only where none can.
struct ScreenPrefilterTests {
    static func exact(_ bytes: [UInt8]) -> Bool { bytes.contains { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 } }

    @Test func thePrefilterAgreesWithAByteByByteTestEverywhere() {
        let fillers: [UInt8] = [0x41, 0x20, 0x80, 0xE4, 0xFF, 0x21, 0x7E, 0xC3, 0xE1, 0xE3]
        let specials: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x7F, 0xC2, 0xE2]
        for length in 0..<20 {
            for filler in fillers {
                let plain = [UInt8](repeating: filler, count: length)
                #expect(plain.withUnsafeBufferPointer { RegisterRowScreen.mayHoldSpecial($0) } == Self.exact(plain))
                for position in 0..<length {
                    for special in specials {
                        var bytes = plain
                        bytes[position] = special
                        #expect(bytes.withUnsafeBufferPointer { RegisterRowScreen.mayHoldSpecial($0) }, "\(bytes)")
                    }
                }
            }
        }
        // A line break or control character in text: always found.
        for text in ["原平市\u{2028}甲", "a\u{85}b", "名称\n", "\u{202E}abc", "x\u{7}y", "长长长长长长长长长长\u{9F}"] {
            #expect(Array(text.utf8).withUnsafeBufferPointer { RegisterRowScreen.mayHoldSpecial($0) })
        }
        #expect(!Array("原平市美众出行科技有限责任公司".utf8).withUnsafeBufferPointer { RegisterRowScreen.mayHoldSpecial($0) })
    }
}
