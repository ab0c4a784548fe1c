import Foundation
import Pipeline
import Testing

@testable import Stages

extension NightlyRunTests {
    @Test func aWorkbookInTheInboxIsImportedAndAnOldExcelFileIsRefusedWhole() throws {
        let (folder, configuration) = try Self.workspace()
        defer { folder.cleanup() }
        let header = ["统一社会信用代码", "企业名称", "主体类型", "行业类别", "行政区划代码", "登记状态"]
        let book = TestWorkbook.excel(
            [
                header,
                ["91140981MA0K00001T", "原平市甲燃气有限公司", "企业", "燃气经营企业", "140981", "存续"],
                ["91140981MA0K00002X", "原平市乙燃气有限公司", "企业", "燃气经营企业", "140981", "存续"],
                ["91140981MA0K00003X", "原平市丙燃气有限公司", "企业", "燃气经营企业", "140981", "在业"],
            ], sheet: "名录", numbers: [5])
        let department = "inbox/registers/原平市住房和城乡建设管理局"
        try FileManager.default.createDirectory(atPath: folder.path(department), withIntermediateDirectories: true)
        try book.write(to: folder.path(department + "/名录.xlsx"))
        try FileManager.default.createDirectory(atPath: folder.path("inbox/registers/原平市应急管理局"), withIntermediateDirectories: true)
        _ = try folder.write("inbox/registers/原平市应急管理局/名录.xls", InputSniffer.ole2Signature + Array(repeating: 0, count: 512))
        let report = try Self.night(configuration, "2023-12-28")
        #expect(report.exitCode == 65)
        #expect(
            report.files.map { "\($0.path) \($0.outcome) \($0.rowsImported) \($0.rowsRejected) \($0.rejectsFile ?? "-") → \($0.movedTo)" }
                == [
                    "plan/yuanping-2024.tsv imported 42 0 - → archive/2023-12-28/plan/yuanping-2024.tsv",
                    "registers/原平市住房和城乡建设管理局/名录.xlsx imported 2 1 rejects/2023-12-28/registers/原平市住房和城乡建设管理局/名录.xlsx.rejects.xlsx → archive/2023-12-28/registers/原平市住房和城乡建设管理局/名录.xlsx",
                    "registers/原平市应急管理局/名录.xls rejected 0 0 - → rejects/2023-12-28/registers/原平市应急管理局/名录.xls",
                ])
        #expect(
            report.files.last?.reason
                == "inbox/registers/原平市应急管理局/名录.xls: 错误：该文件是 Excel 97–2003（.xls）或 WPS（.et）工作簿，suiji 不读取这种格式；请在 Excel 或 WPS 中打开，另存为 .xlsx（Excel 工作簿）或 CSV 后报送该文件"
        )
        // run.txt in Chinese says each file's outcome in Chinese.
        let chinese = report.text(in: MessageCatalogue(.zh))
        #expect(chinese.contains("\n  已导入  registers/原平市住房和城乡建设管理局/名录.xlsx"))
        #expect(chinese.contains("\n  已拒收  registers/原平市应急管理局/名录.xls"))
        // The rejected row, in a workbook with the department's own header and sheet.
        let sheet = try XLSXSheet(
            path: folder.path("rejects/2023-12-28/registers/原平市住房和城乡建设管理局/名录.xlsx.rejects.xlsx"), displayName: "rejects", sheet: nil)
        #expect(sheet.name == "名录")
        #expect(
            try sheet.filledRecords().map(\.fields) == [
                // In the pages' language (Chinese unless configured): the file goes back to the department.
                header + ["行号", "原因"],
                ["91140981MA0K00003X", "原平市丙燃气有限公司", "企业", "燃气经营企业", "140981", "在业", "4", "统一社会信用代码校验位是“X”，应为“1”"],
            ])
    }
}
