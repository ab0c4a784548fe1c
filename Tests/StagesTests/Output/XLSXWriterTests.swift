import Foundation
import Pipeline
import Testing

@testable import Stages

/// The workbooks we write read back exactly, with names Excel accepts.
@Suite("XLSX writer")
struct XLSXWriterTests {
    @Test func textRoundTripsExactlyWhateverItHolds() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("out/book.xlsx")
        let texts = [
            "a & b < c > d \"e\" 'f'", "  两端有空格  ", "第一行\r\n第二行\n第三行", "控制\u{01}字符\u{1F}", "literal _x0041_ and _x005F_", "😀 𠀀",
            "=HYPERLINK(\"http://x\")", "911409810573184662", "0001",
            // A combining mark after `<`, `&` or `"` makes one Character with it, but the markup byte is still there.
            "<\u{301}b\u{301}>\u{301} &\u{301}amp; \"\u{301}'\u{301}",
        ]
        let writer = try XLSXWorkbookWriter(path: path)
        try writer.addSheet("原平市[市场]:监管/局*?\\很长很长很长很长很长很长很长很长很长很长", header: ["列"])
        try writer.appendRow(texts)
        try writer.appendRow(["", "", "C3 only"])
        try writer.addSheet("原平市[市场]:监管/局*?\\很长很长很长很长很长很长很长很长很长很长")
        try writer.appendRow(["second"])
        try writer.commit()
        let names = try XLSXWorkbook(package: XLSXPackage(path: path, displayName: "book.xlsx", limits: XLSXLimits())).sheets.map(\.name)
        #expect(names == ["原平市_市场__监管_局___很长很长很长很长很长很长很长很长", "原平市_市场__监管_局___很长很长很长很长很长很长 (2)"])
        #expect(names.allSatisfy { $0.count <= 31 })
        let sheet = try XLSXSheet(path: path, displayName: "book.xlsx", sheet: nil)
        var rows: [XLSXRow] = []
        while let row = try sheet.nextRow() { rows.append(row) }
        #expect(rows.map(\.number) == [1, 2, 3])
        #expect(rows[1].cells.map(\.value) == texts)
        #expect(rows[2].cells.map(\.column) == [3])
        #expect(try XLSXSheet(path: path, displayName: "book.xlsx", sheet: "2").nextRow()?.cells.map(\.value) == ["second"])
        // Nothing is left beside the workbook.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("out")) == ["book.xlsx"])
    }

    @Test func aRowIsWrittenAsExactlyThisXML() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("book.xlsx")
        let writer = try XLSXWorkbookWriter(path: path)
        try writer.addSheet("表", header: ["名称", "住所"])
        // Spaces kept where the first or last character is white space (an ideographic space too);
        // the five escapes; an empty text leaves its cell out; column AA after Z.
        try writer.appendRow([" 甲<乙> ", "", "丙&'\"丁\u{3000}"] + Array(repeating: "", count: 23) + ["戊"])
        try writer.commit()
        let package = try XLSXPackage(path: path, displayName: "book.xlsx", limits: XLSXLimits())
        let xml = String(decoding: try #require(try package.smallPart("xl/worksheets/sheet1.xml")), as: UTF8.self)
        #expect(
            xml == """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
                <row r="1"><c r="A1" s="1" t="inlineStr"><is><t>名称</t></is></c><c r="B1" s="1" t="inlineStr"><is><t>住所</t></is></c></row>\
                <row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve"> 甲&lt;乙&gt; </t></is></c>\
                <c r="C2" t="inlineStr"><is><t xml:space="preserve">丙&amp;&apos;&quot;丁\u{3000}</t></is></c>\
                <c r="AA2" t="inlineStr"><is><t>戊</t></is></c></row>\
                </sheetData></worksheet>
                """)
    }

    @Test func aDiscardedWorkbookLeavesNothing() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let writer = try XLSXWorkbookWriter(path: folder.path("book.xlsx"))
        try writer.addSheet("a", header: ["x"])
        try writer.appendRow(["1"])
        writer.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == [])
    }
}
