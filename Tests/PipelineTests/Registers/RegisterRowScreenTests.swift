import DevKit
import Pipeline
import Testing

/// The screen is a fast subset of the validator: what it accepts, the validator accepts with the same values.
struct RegisterRowScreenTests {
    /// The screen's verdict on a row of text values, in the validator's terms.
    static func screened(_ values: [String]) -> EntityRecord? {
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for value in values {
            let start = bytes.count
            bytes.append(contentsOf: value.utf8)
            ranges.append(start..<bytes.count)
        }
        let verdict = bytes.withUnsafeBufferPointer { all in
            let buffers = ranges.map { UnsafeBufferPointer(rebasing: all[$0]) }
            return buffers.withUnsafeBufferPointer { RegisterRowScreen().screen($0) }
        }
        guard let accepted = verdict else { return nil }
        func text(_ field: RegisterField) -> String? { values[field.index].isEmpty ? nil : values[field.index] }
        func iso(_ packed: UInt64?) -> String? {
            guard let packed else { return nil }
            var bytes = [UInt8](repeating: 0, count: 10)
            bytes.withUnsafeMutableBufferPointer { RegisterRowScreen.writeISO(packed, to: $0, at: 0) }
            return String(decoding: bytes, as: UTF8.self)
        }
        return EntityRecord(
            uscc: values[0], name: values[1], entityType: values[2], category: values[3],
            registrationAuthority: text(.registrationAuthority),
            regionCode: values[5], address: text(.address), legalRep: text(.legalRep), riskClass: accepted.riskClass, status: values[9],
            lastInspected: iso(accepted.lastInspected), established: iso(accepted.established), phone: text(.phone))
    }

    static func check(_ values: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool {
        var validator = RegisterRowValidator(tracksRepeats: false)
        var warnings: [RowWarning] = []
        let full = validator.validate(values, line: 2, warnings: &warnings)
        guard let fast = screened(values) else { return false }
        #expect(full == .success(fast), "\(values)", sourceLocation: sourceLocation)
        #expect(warnings.isEmpty, "\(values)", sourceLocation: sourceLocation)
        return true
    }

    @Test func everyRowTheScreenAcceptsTheValidatorAcceptsAlike() {
        let generator = RegisterGenerator(seed: 11, rows: 4_000, badRowRate: 0.02)
        var accepted = 0, good = 0
        for row in generator.rows() {
            if Self.check(row.fields) { accepted += 1 }
            // A repeated USCC is the importer's finding, not the row's: both take such a row.
            if row.defect == nil || row.defect == .duplicateUSCC { good += 1 }
        }
        // Generated good rows are plain: the screen takes nearly all of them, and no bad one.
        #expect(accepted > good * 9 / 10)
        #expect(accepted <= good)
    }

    @Test func unusualSpellingsAreLeftToTheValidator() {
        let row = ["91140981MA0KDLX98K", "原平市甲公司", "企业", "燃气经营企业", "", "140981", "", "", "", "存续", "", "", ""]
        #expect(Self.check(row))
        func with(_ field: RegisterField, _ value: String) -> [String] {
            var copy = row
            copy[field.index] = value
            return copy
        }
        // Each of these is accepted by the validator (trimmed, widened, counted by character) or
        // rejected by it; either way the screen leaves it alone.
        for values in [
            with(.uscc, " 91140981MA0KDLX98K"), with(.name, "原平市甲公司\u{3000}"), with(.riskClass, "Ａ"), with(.riskClass, "E"),
            with(.riskClass, " A"), with(.established, "2023-02-30"), with(.established, "1899-01-01"), with(.lastInspected, "2023-1-5x"),
            with(.name, String(repeating: "甲", count: 40)), with(.regionCode, "14098"), with(.entityType, "公司"),
            with(.name, "甲\u{2028}乙"), with(.status, ""), with(.address, String(repeating: "a", count: 201)),
        ] {
            #expect(!Self.check(values), "\(values)")
        }
        #expect(Self.check(with(.riskClass, "未分类")))
        #expect(Self.check(with(.riskClass, "较高风险")))
        #expect(Self.check(with(.established, "20230228")))
        #expect(Self.check(with(.lastInspected, "2024/02/29")))
        // The screen reads dates with the validator's one date reader: every form people type.
        for date in ["2023-1-5", "2024.1.2", "2024年1月2日", "45293", "2024/1/2 0:00", "２０２４－０１－０２"] {
            #expect(Self.check(with(.lastInspected, date)), "\(date)")
        }
        #expect(Self.check(with(.name, String(repeating: "a", count: 100))))
    }
}
