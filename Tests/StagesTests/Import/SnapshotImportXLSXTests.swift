import DevKit
import Foundation
import GRDB
import Pipeline
import Testing

@testable import Stages

/// Every table a register import writes, as text, in a fixed order (ids included: the same rows in
/// the same order get the same ids).
func registerTables(_ store: Store) throws -> [String] {
    try store.read { db in
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM register_rows ORDER BY id").map { $0.description }
        let entities = try Row.fetchAll(db, sql: "SELECT * FROM entities ORDER BY uscc").map { $0.description }
        let departments = try Row.fetchAll(db, sql: "SELECT * FROM departments ORDER BY id").map { $0.description }
        return rows + entities + departments
    }
}

/// A generated register as a workbook the way Excel saves one: every text in the shared-strings
/// table, region codes as numbers, the dates typed in as dates (serials in a date style).
func writeRegisterWorkbook(_ generator: RegisterGenerator, to path: String) throws {
    let grid = [RegisterGenerator.header] + generator.rows().map(\.fields)
    try TestWorkbook.excel(grid, numbers: [RegisterField.regionCode.index + 1], dates: [11, 12]).write(to: path)
}

@Suite("Register import from XLSX")
struct SnapshotImportXLSXTests {
    static let generator = RegisterGenerator(seed: 7, rows: 1_600, badRowRate: 0.01)

    @Test func theSameRegisterAsCSVAndAsXLSXGivesTheSameStore() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let csv = folder.path("register.csv"), xlsx = folder.path("register.xlsx")
        try RegisterFileWriter.write(Self.generator, layout: .csv, to: csv)
        try writeRegisterWorkbook(Self.generator, to: xlsx)
        let fromCSV = try Store.inMemory(), fromXLSX = try Store.inMemory()
        let a = try importFile(fromCSV, csv)
        let b = try importFile(fromXLSX, xlsx)
        #expect(b.outcome == .imported)
        #expect(b.rowsRead == a.rowsRead)
        #expect(b.rowsRejected == 16 * RegisterDefect.rowRejecting.count)
        #expect(b.rowsRejected == a.rowsRejected)
        #expect(try registerTables(fromXLSX) == registerTables(fromCSV))
        // The same findings, in the same order; a CSV counts physical lines (names with line breaks
        // span two), a sheet counts rows, so only the numbers differ.
        func findings(_ report: SnapshotImportReport) -> [String] {
            report.diagnostics.map { "\($0.severity): \($0.message.replacing(#/line \d+/#, with: "line N")) \($0.context)" }
        }
        #expect(findings(b) == findings(a))
        #expect(b.diagnostics.allSatisfy { $0.location?.sheet == "Sheet1" && $0.location?.file == "register.xlsx" })
    }

    @Test func theWorkbookFedInSmallPiecesGivesTheSameImport() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let xlsx = folder.path("small.xlsx")
        try writeRegisterWorkbook(RegisterGenerator(seed: 11, rows: 120, badRowRate: 0.01), to: xlsx)
        let whole = try Store.inMemory()
        let a = try importFile(whole, xlsx)
        #expect(a.rowsRejected == RegisterDefect.rowRejecting.count)
        // The decompressed sheet and shared strings reach the XML parser 1 and 7 bytes at a time.
        for size in [1, 7] {
            let pieces = try Store.inMemory()
            let b = try importFile(pieces, xlsx, chunkSize: size)
            #expect(b.diagnostics == a.diagnostics, "\(size)")
            #expect(try registerTables(pieces) == registerTables(whole), "\(size)")
        }
    }

    @Test func diagnosticsNameTheCellAndTheRejectsKeepTheDepartmentsSheet() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let header = ["统一社会信用代码", "企业名称", "主体类型", "行业类别", "行政区划代码", "登记状态", "最近检查日期", "备注"]
        let path = folder.path("reg.xlsx")
        try TestWorkbook.excel(
            [
                header,
                ["91140981MA0KDLX98K", "原平市甲公司", "企业", "燃气经营企业", "140981", "存续", "2024年1月2日", ""],
                ["91140981MA0KDLX98X", "原平市乙公司", "企业", "燃气经营企业", "140981", "存续", "", "=HYPERLINK(\"x\")"],
                ["91140981MA0KDLX98K", "原平市丙公司", "公司", "燃气经营企业", "140981", "在业", "2024-13-01", ""],
                ["911409810573184662", "原平市丁公司", "企业", "燃气经营企业", "140981", "存续", "2024/2/30", ""],
            ], sheet: "原平 名录", numbers: [5], dates: [7]
        ).write(to: path)
        let store = try Store.inMemory()
        let rejects = folder.path("rejects/reg.xlsx.rejects.xlsx")
        let report = try importFile(store, path, rejects: rejects)
        #expect(
            report.diagnostics.map(\.description) == [
                "reg.xlsx:'原平 名录'!H1: warning: column '备注' is not a known field; it is ignored",
                "reg.xlsx:'原平 名录'!A3: error: USCC check character is 'X', expected 'K' [uscc=91140981MA0KDLX98X]",
                "reg.xlsx:'原平 名录'!C4: error: entity_type '公司' is not one of 企业, 个体工商户, 农民专业合作社 or another registered type [uscc=91140981MA0KDLX98K]",
                "reg.xlsx:'原平 名录'!G5: warning: last_inspected '2024/2/30' is not a date (YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYY年M月D日, YYYYMMDD or an Excel date number); it is left unset [uscc=911409810573184662]",
            ])
        #expect(report.rowsImported == 2)
        #expect(try currentRegister(store).map { $0[RegisterField.lastInspected.index] } == ["∅", "2024-01-02"])
        #expect(report.rejectsFile == rejects)
        // The rejects are a workbook: the department's header row and sheet name, then each rejected row with its row and reason.
        let sheet = try XLSXSheet(path: rejects, displayName: "rejects", sheet: nil)
        #expect(sheet.name == "原平 名录")
        var rows: [[String]] = []
        for record in try sheet.filledRecords() { rows.append(record.fields) }
        #expect(
            rows == [
                header + ["line", "reason"],
                [
                    "91140981MA0KDLX98X", "原平市乙公司", "企业", "燃气经营企业", "140981", "存续", "", "=HYPERLINK(\"x\")", "3",
                    "USCC check character is 'X', expected 'K'",
                ],
                [
                    "91140981MA0KDLX98K", "原平市丙公司", "公司", "燃气经营企业", "140981", "在业", "2024-13-01", "", "4",
                    "entity_type '公司' is not one of 企业, 个体工商户, 农民专业合作社 or another registered type",
                ],
            ])
        // Text stays text: a value that looks like a formula is an inline string, never a formula cell.
        let entries = try XLSXPackage(path: rejects, displayName: "rejects", limits: XLSXLimits())
        #expect(entries.part("xl/worksheets/sheet1.xml") != nil)
        let xml = String(decoding: try entries.smallPart("xl/worksheets/sheet1.xml") ?? [], as: UTF8.self)
        #expect(!xml.contains("<f>"))
    }

    @Test func filesAreToldApartByContentNotByName() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try Store.inMemory()
        // A workbook saved under a .csv name is read as the workbook it is (this used to say
        // "byte 0x92 at offset 17 cannot be decoded as GB18030").
        let renamed = folder.path("reg.csv")
        try TestWorkbook.excel([
            ["统一社会信用代码", "企业名称", "主体类型", "行业类别", "行政区划代码", "登记状态"],
            ["91140981MA0KDLX98K", "原平市甲公司", "企业", "燃气经营企业", "140981", "存续"],
        ]).write(to: renamed)
        let taken = try importFile(store, renamed)
        #expect(taken.outcome == .imported)
        #expect(taken.rowsImported == 1)
        #expect(taken.diagnostics.isEmpty)
        // Excel 97–2003 and WPS binary workbooks: refused whole, saying what to do.
        let legacy = try folder.write("reg.xls", InputSniffer.ole2Signature + Array(repeating: 0, count: 600))
        let refused = try importFile(store, legacy)
        #expect(refused.outcome == .fileRejected)
        #expect(refused.status == .dataRejected)
        #expect(
            refused.diagnostics.map(\.description) == [
                "reg.xls: error: the file is an Excel 97–2003 (.xls) or WPS (.et) workbook, which suiji does not read; open it in Excel or WPS and save it as .xlsx (Excel 工作簿) or as CSV, then send that file"
            ])
        let et = try folder.write("名录.et", InputSniffer.ole2Signature)
        #expect(
            try importFile(store, et).diagnostics.first?.message.hasPrefix("the file is an Excel 97–2003 (.xls) or WPS (.et) workbook")
                == true)
        // Other ZIP archives are not workbooks.
        let document = folder.path("reg.docx")
        try writeZip([("word/document.xml", Array("<w:document/>".utf8))], to: document)
        #expect(
            try importFile(store, document).diagnostics.map(\.description) == [
                "reg.docx: error: the file is a Word document, which suiji does not read; save the register as .xlsx (Excel 工作簿) or as CSV"
            ])
        let other = folder.path("reg.zip")
        try writeZip([("reg.csv", Array("a,b".utf8))], to: other)
        #expect(
            try importFile(store, other).diagnostics.map(\.description) == [
                "reg.zip: error: the file is a ZIP archive, not an Excel workbook (it has no xl/workbook.xml), which suiji does not read; save the register as .xlsx (Excel 工作簿) or as CSV"
            ])
        #expect(try store.rowCount("register_rows") == 1)
    }

    @Test(arguments: [1, 7, 256 * 1024])
    func inspectorsAndAvoidanceFromWorkbooksGiveTheSameStoreAsCSV(chunkSize: Int) throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let fromCSV = try Store.inMemory(), fromXLSX = try Store.inMemory()
        let grid = [["执法证号", "姓名", "状态"], ["14098101001", "王明", "在岗"], ["14098101002", "李华", "调离"], ["14098101001", "重复", "在岗"]]
        try importFile(
            fromCSV, try folder.write("i.csv", grid.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"), kind: .inspectors)
        let book = folder.path("i.xlsx")
        // 执法证号 typed as numbers, as Excel keeps a column of digits.
        try TestWorkbook.excel(grid, numbers: [1]).write(to: book)
        let report = try importFile(fromXLSX, book, kind: .inspectors, chunkSize: chunkSize)
        #expect((report.added, report.rowsRejected) == (2, 1))
        #expect(
            report.diagnostics.map(\.description) == [
                "i.xlsx:Sheet1!A4: error: inspector_id 14098101001 repeats the row on line 2; the first is kept [inspector_id=14098101001]"
            ])
        let rows =
            "SELECT inspector_id || ':' || name || ':' || active FROM inspector_rows WHERE valid_to_import IS NULL ORDER BY inspector_id"
        #expect(try fromXLSX.read { db in try String.fetchAll(db, sql: rows) } == fromCSV.read { db in try String.fetchAll(db, sql: rows) })
        let pairs = folder.path("a.xlsx")
        try TestWorkbook.excel([["执法证号", "统一社会信用代码", "回避原因"], ["14098101001", "91140981MA0KDLX98K", "近亲属"]]).write(to: pairs)
        let avoidance = try importFile(fromXLSX, pairs, kind: .avoidance, department: nil, chunkSize: chunkSize)
        #expect((avoidance.added, avoidance.rowsRejected) == (1, 0))
    }
}
