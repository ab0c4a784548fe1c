import Foundation
import Pipeline
import Testing

@testable import Stages

/// A worksheet mapped onto the register's fields by its header, as CSV is.
@Suite("XLSXTabularStream")
struct XLSXTabularStreamTests {
    static let header = ["统一社会信用代码", "企业名称", "主体类型", "行业类别", "行政区划代码", "登记状态", "信用风险分类", "成立日期", "备注"]

    static func open(_ path: String, pieceSize: Int? = nil) throws -> XLSXTabularStream {
        try XLSXTabularStream(path: path, displayName: "reg.xlsx", shape: try TabularShape.register(), pieceSize: pieceSize)
    }

    @Test func theHeaderBelowATitleMapsSparseCellsByAlias() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        var book = TestWorkbook.excel(
            [
                ["原平市市场监督管理局检查对象名录库"],
                [],
                Self.header,
                ["91140981MA0KDLX98K", "原平市甲公司", "企业", "燃气经营企业", "140981", "存续", "A", "2020-05-06", "x"],
                [],
                ["91140981MA0KDLX98K", "", "企业", "", "140981", "存续"],
                ["合计", "2"],
            ], sheet: "名录", numbers: [5], dates: [8])
        book.sheets[0].body += "<mergeCells><mergeCell ref=\"A1:I1\"/><mergeCell ref=\"D4:D6\"/></mergeCells>"
        let path = folder.path("reg.xlsx")
        try book.write(to: path)
        for chunkSize in [nil, 1, 7] {
            let stream = try Self.open(path, pieceSize: chunkSize)
            let rows = try readRows(stream)
            #expect(stream.sheet == "名录")
            #expect(stream.rejectsHeader == Self.header)
            #expect(
                rows == [
                    TabularRow(
                        line: 4,
                        values: [
                            "91140981MA0KDLX98K", "原平市甲公司", "企业", "燃气经营企业", nil, "140981", nil, nil, "A", "存续", nil, "2020-05-06", nil,
                        ],
                        columns: [1, 2, 3, 4, nil, 5, nil, nil, 7, 6, nil, 8, nil],
                        original: ["91140981MA0KDLX98K", "原平市甲公司", "企业", "燃气经营企业", "140981", "存续", "A", "2020-05-06", "x"]),
                    TabularRow(
                        line: 6, values: ["91140981MA0KDLX98K", "", "企业", "", nil, "140981", nil, nil, "", "存续", nil, "", nil],
                        columns: [1, 2, 3, 4, nil, 5, nil, nil, 7, 6, nil, 8, nil],
                        original: ["91140981MA0KDLX98K", "", "企业", "", "140981", "存续", "", "", ""]),
                ], "chunk size \(String(describing: chunkSize))")
            #expect(
                stream.warnings.map(\.description) == [
                    "reg.xlsx:名录!1: note: skipped row 1 above the header row 3 ('原平市市场监督管理局检查对象名录库')",
                    "reg.xlsx:名录!I3: warning: column '备注' is not a known field; it is ignored",
                    "reg.xlsx:名录!7: note: skipped a total row ('合计')",
                    "reg.xlsx:名录!D4: warning: cells D4:D6 are merged: Excel keeps the value in D4 only, so the rows below it were read empty; unmerge the cells and fill every row",
                ])
        }
    }

    @Test func aMissingColumnIsNamedAtTheHeaderRow() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("reg.xlsx")
        try TestWorkbook.excel([["统一社会信用代码", "企业名称", "行业类别"], ["91140981MA0KDLX98K", "甲", "燃气经营企业"]]).write(to: path)
        #expect(
            thrownDescription { _ = try Self.open(path) }
                == "reg.xlsx:Sheet1!1: error: required column 'entity_type (主体类型)' is missing (accepted headers: 主体类型, 市场主体类型, 类型, entity_type, type, entity_type)"
        )
        try TestWorkbook.excel([["统一社会信用代码", "名称", "企业名称"]]).write(to: path)
        #expect(
            thrownDescription { _ = try Self.open(path) }
                == "reg.xlsx:Sheet1!C1: error: columns '名称' and '企业名称' both mean name (名称); keep one")
        try TestWorkbook.excel([]).write(to: path)
        #expect(thrownDescription { _ = try Self.open(path) } == "reg.xlsx:Sheet1: error: the sheet is empty: there is no header row")
    }

    @Test func excelErrorsRejectTheRowInARequiredColumnAndAreWarningsElsewhere() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        var book = TestWorkbook.excel([Self.header])
        book.sheets[0].body = book.sheets[0].body.replacing(
            "</sheetData>",
            with: """
                <row r="2"><c r="A2" t="inlineStr"><is><t>91140981MA0KDLX98K</t></is></c><c r="B2" t="e"><v>#N/A</v></c>\
                <c r="H2" t="e"><v>#VALUE!</v></c></row>\
                <row r="3"><c r="A3" t="inlineStr"><is><t>91140981MA0KDLX98K</t></is></c><c r="H3"><f>TODAY()</f></c></row></sheetData>
                """)
        let path = folder.path("reg.xlsx")
        try book.write(to: path)
        let stream = try Self.open(path)
        let rows = try readRows(stream)
        #expect(rows.map { $0.problem.map { MessageCatalogue(.en)($0) } } == ["name (名称) holds the Excel error #N/A, not a value", nil])
        #expect(rows.map(\.problemField) == ["name", nil])
        #expect(rows.map { $0.values[RegisterField.established.index] } == ["", ""])
        #expect(rows[0].original == ["91140981MA0KDLX98K", "#N/A", "", "", "", "", "", "#VALUE!", ""])
        #expect(
            stream.warnings.map(\.description) == [
                "reg.xlsx:Sheet1!I1: warning: column '备注' is not a known field; it is ignored",
                "reg.xlsx:Sheet1!H2: warning: established (成立日期) holds the Excel error #VALUE!, not a value; it is left unset",
                "reg.xlsx:Sheet1!H3: warning: established (成立日期) is a formula whose result was never saved (open the file in Excel or WPS and save it again); it is left unset",
            ])
    }
}
