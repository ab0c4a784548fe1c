import Pipeline
import Testing

/// The one date reader: every form people type, every form it must refuse.
struct DateTextTests {
    @Test func theFormsPeopleTypeAreRead() {
        let read: [(String, String)] = [
            ("2024-01-02", "2024-01-02"), ("2024/1/2", "2024-01-02"), ("2024/01/02", "2024-01-02"), ("2024.1.2", "2024-01-02"),
            ("2024年1月2日", "2024-01-02"), ("2024年12月31日", "2024-12-31"), ("20240102", "2024-01-02"), (" 2024-1-2 ", "2024-01-02"),
            ("２０２４－０１－０２", "2024-01-02"), ("２０２４年１月２日", "2024-01-02"), ("2024/1/2 0:00", "2024-01-02"),
            ("2024-01-02 13:45:00", "2024-01-02"), ("2024-01-02T00:00:00", "2024-01-02"), ("2024-01-02T08:30:00.000", "2024-01-02"),
            ("45293", "2024-01-02"), ("45293.5", "2024-01-02"), ("2024-02-29", "2024-02-29"), ("1900-01-01", "1900-01-01"),
            ("\u{3000}2024.1.2\u{3000}", "2024-01-02"),
        ]
        for (text, date) in read { #expect(DateText.iso(text) == date, "\(text)") }
    }

    @Test func whatCannotBeReadWithoutAGuessIsRefused() {
        let refused = [
            "", "2024", "24-1-2", "1/2/2024", "02/01/2024", "2024-1/2", "2024-13-01", "2023-02-29", "2024-02-30", "2024年1月2",
            "2024年1月", "20241301", "1899-12-31", "2101-01-01", "0000-00-00", "2024-01-02 25:00", "2024-01-02 noon", "2024-1-2x",
            "4529", "60", "452931", "2024/1/2/3", "２０２４", "2024--01-02", "2024-01-02T", "- 2024-01-02", "99999",
            "2024年1-2日", "2024-1月2日", "2024.1-2", "2024/1.2",
        ]
        for text in refused { #expect(DateText.parse(text) == nil, "\(text)") }
    }

    @Test func excelSerialsCountWithTheLeapYearBugIn1900AndFromDayZeroIn1904() {
        func day(_ system: ExcelDateSystem, _ serial: Int) -> String { system.date(serialDay: serial)?.description ?? "none" }
        #expect(
            [0, 1, 59, 60, 61, 45_293, 2_958_465, 2_958_466].map { day(.from1900, $0) } == [
                "none", "1900-01-01", "1900-02-28", "none", "1900-03-01", "2024-01-02", "9999-12-31", "none",
            ])
        #expect([-1, 0, 1, 43_831].map { day(.from1904, $0) } == ["none", "1904-01-01", "1904-01-02", "2024-01-02"])
    }

    @Test func spreadsheetLocationsNameTheCell() {
        #expect(SourceLocation(file: "reg.xlsx", line: 42, column: 3, sheet: "Sheet1").description == "reg.xlsx:Sheet1!C42")
        #expect(SourceLocation(file: "reg.xlsx", line: 42, sheet: "名录").description == "reg.xlsx:名录!42")
        #expect(SourceLocation(file: "reg.xlsx", sheet: "Sheet1").description == "reg.xlsx:Sheet1")
        #expect(SourceLocation(file: "reg.xlsx", line: 2, column: 28, sheet: "原平 名录").description == "reg.xlsx:'原平 名录'!AB2")
        #expect(SourceLocation(file: "reg.xlsx", line: 2, column: 1, sheet: "2024").description == "reg.xlsx:'2024'!A2")
        #expect(SourceLocation(file: "reg.xlsx", line: 2, column: 1, sheet: "O'Brien").description == "reg.xlsx:'O''Brien'!A2")
        #expect(SourceLocation(file: "reg.csv", line: 42, column: 3).description == "reg.csv:42:3")
    }

    @Test func anUnreadableOptionalDateIsAWarningAndTheValueIsLeftUnset() {
        var validator = RegisterRowValidator()
        var values: [String?] = [
            "91140981MA0KDLX98K", "原平市甲公司", "企业", "燃气经营企业", nil, "140981", nil, nil, nil, "存续", "2024/2/30", "2020年5月6日", nil,
        ]
        var warnings: [RowWarning] = []
        let record = try? validator.validate(values, line: 2, warnings: &warnings).get()
        #expect(record?.lastInspected == nil)
        #expect(record?.established == "2020-05-06")
        #expect(
            warnings.map(\.field) == ["last_inspected"])
        #expect(
            warnings.map(\.message) == [
                ("last_inspected '2024/2/30' is not a date (YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYY年M月D日, YYYYMMDD or an Excel date number); it is left unset")
            ])
        // A required field that cannot be read still rejects the row.
        values[RegisterField.regionCode.index] = "原平市"
        warnings = []
        #expect(
            validator.validate(values, line: 3, warnings: &warnings)
                .rejected == Rejected(RegisterField.regionCode.rawValue, "region_code '原平市' is not 6 digits"))
        #expect(warnings.isEmpty)
    }
}
