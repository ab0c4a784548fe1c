import Pipeline
import Testing

/// The one rule for control characters in input, and the one way input is printed (issue 12).
struct ControlCharactersTests {
    @Test func whatIsAControlCharacter() {
        for value: UInt32 in [
            0x00, 0x07, 0x09, 0x0A, 0x0D, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9F, 0x2028, 0x2029, 0x200E, 0x202E, 0x2066, 0x2069,
        ] {
            #expect(ControlCharacters.isControl(Unicode.Scalar(value) ?? " "), "\(value)")
        }
        for text in [" ", "a", "~", "\u{A0}", "é", "甲", "\u{3000}", "\u{200B}", "\u{FEFF}", "😀"] {
            #expect(!ControlCharacters.isControl(text.unicodeScalars.first ?? " "), "\(text)")
        }
    }

    @Test func theFirstOneAndItsPosition() {
        func first(_ text: String, allowingLayout: Bool = false) -> String? {
            ControlCharacters.first(in: text, allowingLayout: allowingLayout).map { "\($0.scalar.value)@\($0.position)" }
        }
        #expect(first("原平\u{0}市") == "0@3")
        #expect(first("a\nb\u{1B}c", allowingLayout: true) == "27@4")
        #expect(first("a\nb") == "10@2")
        #expect(ControlCharacters.first(in: "a\tb\r\n", allowingLayout: true) == nil)
        #expect(ControlCharacters.describeText(("\u{0}", 3)).english == "a control character, U+0000 (NUL), at character 3")
        #expect(ControlCharacters.name("\u{202E}") == "U+202E")
        #expect(ControlCharacters.name("\u{1B}") == "U+001B (ESC)")
        let refusal = ControlCharacters.refusal(of: "原平\u{7}局", as: .wordDepartmentName)
        #expect(
            refusal?.english == "the department name '原平\\u{7}局' holds a control character, U+0007 (BEL), at character 3; it is refused")
        #expect(refusal.map { MessageCatalogue(.zh)($0) } == "部门名称“原平\\u{7}局”含有控制字符 U+0007 (BEL)（第 3 个字符）；已拒收")
    }

    @Test func inputIsPrintedEscaped() {
        #expect(ControlCharacters.escaped("plain 原平 C:\\data") == "plain 原平 C:\\data")
        #expect(ControlCharacters.escaped("\u{1B}[2J\u{0}a\nb\tc\u{202E}d") == "\\u{1B}[2J\\u{0}a\\u{A}b\\u{9}c\\u{202E}d")
        #expect(ControlCharacters.escaped("a\nb\tc\r\u{7}", keepingLines: true) == "a\nb\tc\\u{D}\\u{7}")
        let diagnostic = Diagnostic(
            .error, verbatim: "name 'x\u{1B}[31m' is bad", at: SourceLocation(file: "a\u{7}.csv", line: 2, column: 3),
            context: ["uscc": "\u{0}"])
        #expect(diagnostic.description == "a\\u{7}.csv:2:3: error: name 'x\\u{1B}[31m' is bad [uscc=\\u{0}]")
    }

    /// The escape first screens the bytes (lead bytes 0xC2 and 0xE2 send text on to the scalars):
    /// every control character, and every neighbour of a range that shares its lead byte, whole and
    /// amid Chinese, comes out as the scalar rule says.
    @Test func theEscapesByteScreenLetsNoControlCharacterThrough() {
        let controls: [UInt32] = [
            0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x7F, 0x80, 0x9F, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A, 0x202E, 0x2066, 0x2069,
        ]
        let neighbours: [UInt32] = [
            0x20, 0x7E, 0xA0, 0xBF, 0x2000, 0x200D, 0x2010, 0x2014, 0x2027, 0x202F, 0x2030, 0x2065, 0x206A, 0x20AC, 0x2FFF,
        ]
        for value in controls + neighbours {
            let scalar = Unicode.Scalar(value) ?? " "
            let text = "原平\(Character(scalar))市"
            let written = "\\u{\(String(value, radix: 16, uppercase: true))}"
            #expect(ControlCharacters.escaped(text) == (controls.contains(value) ? "原平\(written)市" : text), "\(value)")
            let kept = value == 0x0A || value == 0x09 || !controls.contains(value)
            #expect(ControlCharacters.escaped(text, keepingLines: true) == (kept ? text : "原平\(written)市"), "\(value)")
        }
    }

    @Test(arguments: [
        ("\u{0}", true), ("\u{1B}", true), ("\u{7F}", true), ("\u{85}", true), ("\u{9F}", true), ("\u{2028}", true), ("\u{2029}", true),
        ("\u{200E}", true), ("\u{200F}", true), ("\u{202A}", true), ("\u{202E}", true), ("\u{2066}", true), ("\u{2069}", true),
        ("\n", false), ("\r", false), ("\t", false), ("\u{A0}", false), ("\u{2027}", false), ("\u{202F}", false), ("\u{2065}", false),
        ("\u{206A}", false), ("é", false), ("甲", false),
    ])
    func theImportsFastPathFindsTheSameOnBytes(_ text: String, _ found: Bool) {
        let bytes = Array(("a" + text + "b").utf8)
        #expect(bytes.withUnsafeBufferPointer { ControlCharacters.containsControlBesidesLayout(utf8: $0) } == found)
        #expect((ControlCharacters.first(in: "a" + text + "b", allowingLayout: true) != nil) == found)
    }

    @Test func rowsWithAControlCharacterAreRejectedNamingTheFieldAndNeverScreenedThrough() {
        let row = ["91140981MA0KDLX98K", "原平市甲公司", "企业", "燃气经营企业", "", "140981", "", "", "", "存续", "", "", ""]
        func with(_ field: RegisterField, _ value: String) -> [String?] {
            var copy = row
            copy[field.index] = value
            return copy
        }
        for (values, reason, field) in [
            (with(.name, "原平\u{0}公司"), "name holds a control character, U+0000 (NUL), at character 3", "name"),
            (with(.address, "一街\u{1B}[2J"), "address holds a control character, U+001B (ESC), at character 3", "address"),
            (with(.legalRep, "\u{202E}三张"), "legal_rep holds a control character, U+202E, at character 1", "legal_rep"),
            (
                with(.registrationAuthority, "原平市\u{85}局"), "registration_authority holds a control character, U+0085, at character 4",
                "registration_authority"
            ),
        ] {
            var validator = RegisterRowValidator()
            var warnings: [RowWarning] = []
            #expect(validator.validate(values, line: 2, warnings: &warnings).rejected == Rejected(field, reason))
            #expect(RegisterRowScreenTests.screened(values.map { $0 ?? "" }) == nil)
        }
        // Free text keeps its line breaks and tabs; a name does not.
        var validator = RegisterRowValidator()
        var warnings: [RowWarning] = []
        #expect((try? validator.validate(with(.address, "一街\n二号\t院"), line: 2, warnings: &warnings).get())?.address == "一街\n二号\t院")
        #expect(
            validator.validate(with(.name, "甲\n乙"), line: 3, warnings: &warnings)
                .rejected == Rejected(RegisterField.name.rawValue, "name contains a line break"))
        var inspectors = InspectorRowValidator()
        #expect(
            inspectors.validate(["ZJ01", "张\u{7}三", "在岗", nil], line: 2)
                .rejected == Rejected("name", "name holds a control character, U+0007 (BEL), at character 2"))
        var avoidance = AvoidanceRowValidator()
        #expect(
            avoidance.validate(["ZJ01", "91140981MA0KDLX98K", "亲属\u{0}"], line: 2)
                .rejected == Rejected("reason", "reason holds a control character, U+0000 (NUL), at character 3"))
    }

    @Test(
        arguments: [
            ("20240509-4471", nil), ("甲辰年·春", nil), ("a b", nil),
            ("", "the seed is empty"),
            (String(repeating: "7", count: 257), "the seed is 257 bytes long; a seed is one line of at most 256 bytes"),
            (String(repeating: "甲", count: 86), "the seed is 258 bytes long; a seed is one line of at most 256 bytes"),
            ("a\nb", "the seed holds a line break"),
            ("12\u{0}34", "the seed '12\\u{0}34' holds a control character, U+0000 (NUL); a seed is one line of printable characters"),
            ("\u{1B}[2J42", "the seed '\\u{1B}[2J42' holds a control character, U+001B (ESC); a seed is one line of printable characters"),
            ("42\u{202E}24", "the seed '42\\u{202E}24' holds a control character, U+202E; a seed is one line of printable characters"),
            (
                "42\u{200B}",
                "the seed '42\u{200B}' holds a character that is not printable, U+200B; a seed is one line of printable characters"
            ),
            (
                "\u{E000}1",
                "the seed '\u{E000}1' holds a character that is not printable, U+E000; a seed is one line of printable characters"
            ),
            ("1|2", "the seed '1|2' holds '|', which separates the parts of the seed string"),
            (" 12", "the seed ' 12' has outer spaces"),
        ] as [(String, String?)])
    func aSeedIsOneLineOfPrintableCharactersOfBoundedLength(_ seed: String, _ problem: String?) {
        #expect(Draw.problemText(withPublicSeed: seed)?.english == problem)
        #expect(Draw.problemText(withPublicSeed: String(repeating: "7", count: 256)) == nil)
    }
}
