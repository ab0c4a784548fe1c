import Foundation
import Pipeline
import Testing

@testable import Stages

/// A worksheet's cells read as Excel shows them, whatever the part's chunks.
@Suite("XLSX sheet parser")
struct XLSXSheetParserTests {
    /// Every row of a sheet as (row, [(column letters, value or problem)]).
    static func cells(_ path: String, sheet: String? = nil, pieceSize: Int? = nil) throws -> [String] {
        let reader = try XLSXSheet(path: path, displayName: "book.xlsx", sheet: sheet, pieceSize: pieceSize)
        var lines: [String] = []
        while let row = try reader.nextRow() {
            let cells = row.cells.map { cell -> String in
                let reference = SourceLocation.columnName(cell.column) + "\(row.number)"
                switch cell.problem {
                case .errorValue(let code)?: return "\(reference)=error \(code)"
                case .noCachedValue?: return "\(reference)=uncomputed"
                case nil: return "\(reference)=\(cell.value)"
                }
            }
            lines.append("\(row.number): " + cells.joined(separator: " | "))
        }
        for merge in reader.merges { lines.append("merged \(merge.description)") }
        return lines
    }

    static let styles = """
        <numFmts count="3"><numFmt numFmtId="176" formatCode="yyyy/m/d;@"/><numFmt numFmtId="177" formatCode="[$-804]yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="178" formatCode="[Red]0.00"/></numFmts>\
        <cellXfs count="9"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="22"/><xf numFmtId="31"/><xf numFmtId="176"/>\
        <xf numFmtId="177"/><xf numFmtId="20"/><xf numFmtId="49"/><xf numFmtId="178"/></cellXfs>
        """

    @Test func everyKindOfCellReadsAsExcelShowsIt() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        var book = TestWorkbook()
        book.sharedStrings = [
            "<t>统一社会信用代码</t>", "<t xml:space=\"preserve\"> 原平市 甲公司 </t>",
            "<r><t>富</t></r><r><rPr><b/></rPr><t>文本</t></r><rPh sb=\"0\" eb=\"1\"><t>ふ</t></rPh>", "<t>第一行_x000D_\n第二行 a_x005F_x0041_b</t>",
        ]
        book.styles = Self.styles
        book.sheets = [
            TestWorkbook.Sheet(
                name: "名录",
                body: """
                    <dimension ref="A1:H9"/><sheetData>\
                    <row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>内联</t></is></c>\
                    <c r="D1" t="inlineStr"><is><r><t>分</t></r><r><t>段</t></r><rPh><t>x</t></rPh></is></c></row>\
                    <row r="2"/>\
                    <row r="4" spans="1:8"><c r="A4" t="s"><v>1</v></c><c r="B4" t="s"><v>2</v></c><c r="C4" t="s"><v>3</v></c></row>\
                    <row r="5"><c r="A5"><v>140981</v></c><c r="B5"><v>0.1</v></c><c r="C5" t="b"><v>1</v></c><c r="D5" t="b"><v>0</v></c>\
                    <c r="E5" t="e"><v>#N/A</v></c><c r="F5"><f>1+1</f></c><c r="G5" t="str"><f>A1&amp;"x"</f><v>公式结果</v></c>\
                    <c r="H5"><f>2*3</f><v>6</v></c></row>\
                    <row r="6"><c><v>1</v></c><c><v>2</v></c><c r="E6"><v>5</v></c><c><v>6</v></c><c r="H6" s="1"/></row>\
                    <row r="7"><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="B7" t="inlineStr"><x:is><x:t>前缀</x:t></x:is></x:c>\
                    <c r="D7" t="d"><v>2024-01-02T00:00:00</v></c><c r="A7" t="s"><v>0</v></c></row>\
                    </sheetData><mergeCells count="2"><mergeCell ref="A1:B1"/><mergeCell ref="C4:C6"/></mergeCells>
                    """)
        ]
        let path = folder.path("book.xlsx")
        try book.write(to: path)
        let expected = [
            "1: A1=统一社会信用代码 | C1=内联 | D1=分段",
            "2: ",
            "4: A4= 原平市 甲公司  | B4=富文本 | C4=第一行\r\n第二行 a_x0041_b",
            "5: A5=140981 | B5=0.1 | C5=TRUE | D5=FALSE | E5=error #N/A | F5=uncomputed | G5=公式结果 | H5=6",
            "6: A6=1 | B6=2 | E6=5 | F6=6",
            "7: A7=统一社会信用代码 | B7=前缀 | D7=2024-01-02T00:00:00",
            "merged A1:B1",
            "merged C4:C6",
        ]
        let whole = try Self.cells(path)
        #expect(whole == expected)
        // The same rows whatever the pieces the decompressed parts reach the parser in.
        #expect(try Self.cells(path, pieceSize: 1) == expected)
        #expect(try Self.cells(path, pieceSize: 7) == expected)
    }

    @Test func numbersInADateStyleAreDatesInTheWorkbooksDateSystem() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        var book = TestWorkbook()
        book.styles = Self.styles
        // Styles: 1 m/d/yyyy (14), 2 date and time (22), 3 yyyy"年"m"月"d"日" (31, zh-CN), 4 custom yyyy/m/d,
        // 5 custom 年月日 with a locale, 6 time (20), 7 text (49), 8 a colour (not a date).
        book.sheets = [
            TestWorkbook.Sheet(
                name: "Sheet1",
                body: """
                    <sheetData><row r="1"><c r="A1" s="1"><v>45293</v></c><c r="B1" s="2"><v>45293.5625</v></c><c r="C1" s="3"><v>45293</v></c>\
                    <c r="D1" s="4"><v>45293</v></c><c r="E1" s="5"><v>45293</v></c><c r="F1" s="6"><v>0.75</v></c><c r="G1" s="7"><v>45293</v></c>\
                    <c r="H1" s="8"><v>45293</v></c><c r="I1" s="99"><v>45293</v></c></row>\
                    <row r="2"><c r="A2" s="1"><v>59</v></c><c r="B2" s="1"><v>60</v></c><c r="C2" s="1"><v>61</v></c><c r="D2" s="1"><v>1</v></c>\
                    <c r="E2" s="1"><v>-3</v></c><c r="F2" s="2"><v>45293.99999999</v></c></row></sheetData>
                    """)
        ]
        let path = folder.path("dates.xlsx")
        try book.write(to: path)
        #expect(
            try Self.cells(path) == [
                "1: A1=2024-01-02 | B1=2024-01-02 13:30:00 | C1=2024-01-02 | D1=2024-01-02 | E1=2024-01-02 | F1=18:00:00 | G1=45293 | H1=45293 | I1=45293",
                // Serial 60 is Excel's 1900-02-29, a day that never was: kept as the number, never guessed.
                "2: A2=1900-02-28 | B2=60 | C2=1900-03-01 | D2=1900-01-01 | E2=-3 | F2=2024-01-03 00:00:00",
            ])
        book.date1904 = true
        try book.write(to: path)
        #expect(
            try Self.cells(path).first
                == "1: A1=2028-01-03 | B1=2028-01-03 13:30:00 | C1=2028-01-03 | D1=2028-01-03 | E1=2028-01-03 | F1=18:00:00 | G1=45293 | H1=45293 | I1=45293"
        )
    }

    @Test func formatCodesAreToldApartByTheirLetters() {
        let kinds: [(String, XLSXNumberKind)] = [
            ("General", .number), ("0.00", .number), ("[Red]0.00", .number), ("0.00E+00", .number), ("@", .number),
            ("#,##0\"天\"", .number), ("\"d\"0", .number), ("yyyy/m/d;@", .date), ("[$-804]yyyy\"年\"m\"月\"d\"日\"", .date),
            ("m/d/yy", .date), ("mmm-yy", .date), ("h:mm", .time), ("mm:ss", .time), ("[h]:mm:ss", .time),
            ("yyyy-mm-dd hh:mm", .dateTime), ("d\\-mmm", .date),
        ]
        for (code, kind) in kinds { #expect(XLSXWorkbook.numberKind(ofFormat: code) == kind, "\(code)") }
        #expect(
            [14, 22, 31, 57, 20, 47, 49, 0, 164].map(XLSXWorkbook.builtinKind) == [
                .date, .dateTime, .date, .date, .time, .time, .number, .number, .number,
            ])
    }

    @Test func theFirstVisibleSheetUnlessOneIsNamedOrNumbered() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        func sheet(_ text: String) -> String {
            "<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>\(text)</t></is></c></row></sheetData>"
        }
        var book = TestWorkbook()
        book.sheets = [
            TestWorkbook.Sheet(name: "字典", body: sheet("hidden"), hidden: true), TestWorkbook.Sheet(name: "Sheet 2", body: sheet("second")),
            TestWorkbook.Sheet(name: "2024", body: sheet("named 2024")),
        ]
        let path = folder.path("sheets.xlsx")
        try book.write(to: path)
        #expect(try Self.cells(path) == ["1: A1=second"])
        #expect(try Self.cells(path, sheet: "字典") == ["1: A1=hidden"])
        #expect(try Self.cells(path, sheet: "1") == ["1: A1=hidden"])
        #expect(try Self.cells(path, sheet: " sheet 2 ") == ["1: A1=second"])
        // A sheet named with digits wins over the position.
        #expect(try Self.cells(path, sheet: "2024") == ["1: A1=named 2024"])
        #expect(
            thrownDescription { _ = try Self.cells(path, sheet: "名录") }
                == "book.xlsx: error: the workbook has no sheet '名录'; its sheets are: 1 字典 (hidden), 2 Sheet 2, 3 2024 (give --sheet NAME or --sheet N)"
        )
        #expect(
            thrownDescription { _ = try Self.cells(path, sheet: "4") }
                == "book.xlsx: error: the workbook has no sheet '4'; its sheets are: 1 字典 (hidden), 2 Sheet 2, 3 2024 (give --sheet NAME or --sheet N)"
        )
    }

    @Test func cellReferencesAreExcelsColumnLetters() throws {
        func column(_ text: String) -> String {
            var bytes = Array(text.utf8)
            return bytes.withUnsafeMutableBufferPointer { buffer in
                XLSXSheetParser.column(of: UnsafeBufferPointer(buffer), limit: 16_384).map(String.init) ?? "refused"
            }
        }
        #expect(
            ["A1", "Z9", "AA10", "AZ1", "BA1", "XFD1048576", "xfd1", "XFE1", "AAAA1", "1"].map(column) == [
                "1", "26", "27", "52", "53", "16384", "16384", "refused", "refused", "refused",
            ])
        #expect([1, 26, 27, 702, 703, 16_384].map(SourceLocation.columnName) == ["A", "Z", "AA", "ZZ", "AAA", "XFD"])
        let limits = XLSXLimits()
        #expect(XLSXSheetParser.range("B2:A10", limits: limits) == XLSXRange(firstRow: 2, firstColumn: 1, lastRow: 10, lastColumn: 2))
        #expect(XLSXSheetParser.range("C3", limits: limits) == XLSXRange(firstRow: 3, firstColumn: 3, lastRow: 3, lastColumn: 3))
        #expect(XLSXSheetParser.range("A0:B1", limits: limits) == nil)
        #expect(XLSXSheetParser.range("XFE1:XFE2", limits: limits) == nil)
    }
}
