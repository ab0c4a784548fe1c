import Foundation
import GRDB
import Pipeline
import Testing

@testable import Stages

extension ResultsImportTests {
    @Test func resultsFromAWorkbookWithDatesAsExcelKeepsThem() throws {
        let world = try PublicationWorld()
        defer { world.cleanup() }
        try world.draw(task: 17, round: 1, usccs: Array(pools.prefix(3)))
        let header = ["任务序号", "轮次", "统一社会信用代码", "检查日期", "检查结果", "核查方式", "后续处置", "备注", "操作"]
        let path = world.folder.path("results.xlsx")
        // 检查日期 typed as dates (serials in a date style), as text in the forms people type, and unreadable.
        try TestWorkbook.excel(
            [
                header,
                ["17", "1", pools[0], "2024-05-21", "1", "实地检查"],
                ["17", "1", pools[1], "2024年7月3日", "F", "书面检查"],
                ["17", "1", pools[2], "2024.13.01", "1", "实地检查"],
                ["17", "1", pools[2], "", "", "", "", "", "撤回"],
            ], sheet: "结果", numbers: [1, 2], dates: [4]
        ).write(to: path)
        // The first two dates are written as Excel serials; the third stays text.
        let request = ResultsImportRequest(
            path: path, displayName: "results.xlsx", year: 2024, region: "140981", rejectsPath: world.folder.path("results.rejects.xlsx"))
        let report = try ResultsImporter(store: world.store, clock: world.clock).run(request)
        #expect(
            report.diagnostics.map(\.description) == [
                "results.xlsx:结果!D4: error: inspected_on '2024.13.01' is not a date (YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYY年M月D日, YYYYMMDD or an Excel date number) [uscc=\(pools[2])]",
                "results.xlsx:结果!I5: error: there is no result of \(pools[2]) for task 17 round 1 to withdraw [uscc=\(pools[2])]",
            ])
        let dates = try world.store.read { db in try String.fetchAll(db, sql: "SELECT inspected_on FROM results ORDER BY uscc") }
        #expect(dates.sorted() == ["2024-05-21", "2024-07-03"])
        #expect(FileManager.default.fileExists(atPath: world.folder.path("results.rejects.xlsx")))
    }
}
