import Fixtures
import Foundation
import Pipeline
import Testing

@testable import Stages

extension PlanReaderTests {
    /// The seed plan as a county keeps it in Excel: 地市, 发起部门 and 抽查检查模式 merged down the
    /// tasks that share them, so only the top cell of each run holds the text.
    static func seedPlanWorkbook(at path: String) throws {
        let records = try readAll(DelimitedFileReader(path: seedPlanPath))
        let grid = records.map(\.fields)
        var book = TestWorkbook.excel(grid, sheet: "2024年计划", numbers: [2])
        var merges: [String] = []
        var emptied = grid
        for column in [0, 8, 10] {
            var start = 1
            while start < grid.count {
                var end = start
                while end + 1 < grid.count, grid[end + 1][column] == grid[start][column] { end += 1 }
                if end > start {
                    let letter = SourceLocation.columnName(column + 1)
                    merges.append("<mergeCell ref=\"\(letter)\(start + 1):\(letter)\(end + 1)\"/>")
                    for row in (start + 1)...end { emptied[row][column] = "" }
                }
                start = end + 1
            }
        }
        book = TestWorkbook.excel(emptied, sheet: "2024年计划", numbers: [2])
        book.sheets[0].body += "<mergeCells count=\"\(merges.count)\">\(merges.joined())</mergeCells>"
        try book.write(to: path)
    }

    @Test func theSeedPlanAsAWorkbookWithMergedCellsIsTheSamePlan() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("plan.xlsx")
        try Self.seedPlanWorkbook(at: path)
        var fromText = DiagnosticCollector(), fromBook = DiagnosticCollector()
        let text = try PlanReader().run(PlanSource(path: Self.seedPlanPath, year: 2024, region: "140981"), diagnostics: &fromText)
        let book = try PlanReader().run(PlanSource(path: path, year: 2024, region: "140981"), diagnostics: &fromBook)
        #expect(book == text)
        #expect(fromBook.diagnostics == fromText.diagnostics)
        #expect(book.tasks.count == 42)
        // A cell the plan cannot read is named in the sheet's terms.
        var grid = try readAll(DelimitedFileReader(path: Self.seedPlanPath)).map(\.fields)
        grid[3][1] = "三"
        try TestWorkbook.excel(grid, sheet: "2024年计划").write(to: path)
        var diagnostics = DiagnosticCollector()
        _ = try PlanReader().run(
            PlanSource(path: path, displayName: "plan.xlsx", year: 2024, region: "140981", sheet: "1"), diagnostics: &diagnostics)
        #expect(
            diagnostics.diagnostics.map(\.description) == [
                "plan.xlsx:'2024年计划'!B4: error: task number '三' is not a positive integer; the row is skipped"
            ])
    }
}
