import DevKit
import Pipeline
import Testing

/// One row contract: the byte screen never disagrees with `RegisterRowValidator`. A row the screen
/// accepts must be accepted by the validator, without warnings, with the values the screen gives;
/// a row it declines goes to the validator anyway, so declining is never a disagreement.
struct RegisterRowContractTests {
    /// Bytes that stress the screen's shortcuts: whitespace of every width, control and layout
    /// characters, full-width forms, digits and letters of the USCC alphabet, date separators.
    static let pieces: [[UInt8]] = [
        [0x20], [0x09], [0x0A], [0x0D], [0x00], [0x1F], [0x7F], [0xC2, 0xA0], [0xC2, 0x85], [0xE3, 0x80, 0x80],
        [0xE2, 0x80, 0xA8], [0xE2, 0x80, 0x8B], [0xE1, 0x9A, 0x80], [0xEF, 0xBB, 0xBF], Array("Ａ".utf8), Array("０".utf8),
        Array("－".utf8), Array("A".utf8), Array("B".utf8), Array("D".utf8), Array("E".utf8), Array("I".utf8), Array("O".utf8),
        Array("0".utf8), Array("9".utf8), Array("-".utf8), Array("/".utf8), Array(".".utf8), Array("年".utf8), Array("月".utf8),
        Array("日".utf8), Array("未分类".utf8), Array("较高风险".utf8), Array("企业".utf8), Array("个体工商户".utf8), Array("甲".utf8),
        Array("2024-02-29".utf8), Array("2023-02-29".utf8), Array("45293".utf8), Array("1899-12-31".utf8), Array("\u{202E}".utf8),
        Array("\u{85}".utf8), Array("é".utf8), Array("e\u{301}".utf8),
    ]

    /// One random change to the bytes of one field (or the whole row's shape).
    static func mutate(_ row: [[UInt8]], _ random: inout SplitMix64) -> [[UInt8]] {
        var row = row
        let field = Int(random.next() % UInt64(row.count))
        var value = row[field]
        let piece = pieces[Int(random.next() % UInt64(pieces.count))]
        let position = value.isEmpty ? 0 : Int(random.next() % UInt64(value.count + 1))
        switch random.next() % 10 {
        case 0: value.insert(contentsOf: piece, at: position)
        case 1: value = piece + value
        case 2: value += piece
        case 3: if !value.isEmpty { value.remove(at: min(position, value.count - 1)) }
        case 4: if !value.isEmpty { value[min(position, value.count - 1)] = UInt8(truncatingIfNeeded: random.next()) }
        case 5: value = piece
        case 6: value = []
        case 7: value = row[Int(random.next() % UInt64(row.count))]
        case 8: value = Array(repeating: value, count: 1 + Int(random.next() % 40)).flatMap { $0 }
        default:
            if !value.isEmpty { value[min(position, value.count - 1)] ^= UInt8(1 << (random.next() % 8)) }
        }
        row[field] = value
        return row
    }

    /// The screen's and the validator's verdicts on one row of UTF-8 values; a description of the
    /// disagreement, or nil when they agree.
    static func disagreement(_ row: [[UInt8]]) -> String? {
        let texts = row.map { String(decoding: $0, as: UTF8.self) }
        guard RegisterRowScreenTests.screened(texts) != nil else { return nil }
        let fast = RegisterRowScreenTests.screened(texts)
        var validator = RegisterRowValidator(tracksRepeats: false)
        var warnings: [RowWarning] = []
        let full = validator.validate(texts, line: 2, warnings: &warnings)
        guard let fast, full == .success(fast), warnings.isEmpty else {
            return
                "\(texts.map { $0.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined() }): screen \(String(describing: fast)), validator \(full), warnings \(warnings)"
        }
        return nil
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func mutatedGeneratedRowsNeverSplitTheContract(seed: UInt64) {
        let generator = RegisterGenerator(seed: seed, rows: 1_500, badRowRate: 0.05)
        var random = SplitMix64(seed: 0x5EED_0000 + seed)
        var disagreements: [String] = []
        var cases = 0, screened = 0, screenedMutated = 0
        for generated in generator.rows() {
            let original = generated.fields.map { Array($0.utf8) }
            // The row itself, four single mutations of it and two double ones.
            for variant in 0..<7 {
                var row = original
                if variant > 0 { row = Self.mutate(row, &random) }
                if variant > 4 { row = Self.mutate(row, &random) }
                // The screen sees only validated UTF-8 (the readers decode and validate first).
                guard row.allSatisfy({ String(decoding: $0, as: UTF8.self).utf8.elementsEqual($0) }) else { continue }
                cases += 1
                if RegisterRowScreenTests.screened(row.map { String(decoding: $0, as: UTF8.self) }) != nil {
                    screened += 1
                    if variant > 0 { screenedMutated += 1 }
                }
                if let found = Self.disagreement(row), disagreements.count < 10 { disagreements.append(found) }
            }
        }
        #expect(disagreements == [])
        // Thousands of cases, many of them mutated rows the screen takes (so both sides are exercised).
        #expect(cases >= 8_000)
        #expect(screenedMutated >= 500)
        #expect(screened < cases)
    }
}
