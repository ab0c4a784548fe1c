import Fixtures
import Foundation
import Pipeline
import Testing

@testable import Stages

/// One real plan of the corpus (Fixtures/plans/SOURCES.md) and what a careful reader would question in it.
struct CorpusPlan: Sendable, CustomStringConvertible {
    var name: String
    var region: String
    var year: Int?
    var tasks: Int
    /// The tasks that need review, each for a reason a person reading the plan would also stop at (see SOURCES.md).
    var review: [Int]

    var description: String { name }
    var path: String { FixtureFiles.url("plans/\(name).tsv").path }
    var golden: URL { FixtureFiles.url("golden/plans/\(name).json") }

    static let all = [
        CorpusPlan(name: "yuanping-2024", region: "140981", year: 2024, tasks: 42, review: []),
        CorpusPlan(name: "changzhi-2024", region: "140400", year: nil, tasks: 3, review: []),
        // No 抽查对象范围 column: nobody can tell whom to draw from.
        CorpusPlan(name: "shanggao-2023", region: "360923", year: nil, tasks: 7, review: [1, 2, 3, 4, 5, 6, 7]),
        // No 发起部门 column (a department's own plan); task 1 adds `1:10` inspectors to objects, task 3 defers to another file.
        CorpusPlan(name: "jianghan-2025", region: "420103", year: 2025, tasks: 6, review: [1, 2, 3, 4, 5, 6]),
        // The windows say 2023 in a plan published in 2024.
        CorpusPlan(name: "huangshi-2024", region: "420200", year: 2024, tasks: 2, review: [1, 2]),
        CorpusPlan(name: "gangcheng-2021", region: "370117", year: nil, tasks: 3, review: []),
        CorpusPlan(name: "yangjiang-2025", region: "441700", year: nil, tasks: 1, review: []),
        // Two ratios per month for two kinds of unit; no 发起部门 column.
        CorpusPlan(name: "jining-gaoxin-2024", region: "370800", year: nil, tasks: 1, review: [1]),
        // No 发起部门 column; task 1 is four inspections with their own ratios and months under one 序号.
        CorpusPlan(name: "wangcang-2021", region: "510821", year: nil, tasks: 3, review: [1, 2, 3]),
        // Tasks 1 and 2 hold parts with other ratios (and, in 1, another initiator and a range of counts).
        CorpusPlan(name: "wuhan-kaifaqu-2022", region: "420113", year: 2022, tasks: 5, review: [1, 2]),
    ]
}

@Suite("plan corpus")
struct PlanCorpusTests {
    static func read(_ plan: CorpusPlan, chunkSize: Int = 1 << 16) throws -> (AnnualPlan, [Diagnostic]) {
        var diagnostics = DiagnosticCollector()
        let bytes = try fileBytes(plan.path)
        let reader = try PlanReader(chunkSource: { source in
            DelimitedFileReader(chunks: chunks(bytes, size: chunkSize), displayName: source.displayName, encoding: source.encoding)
        })
        let read = try reader.run(
            PlanSource(path: plan.path, displayName: plan.name + ".tsv", year: plan.year, region: plan.region), diagnostics: &diagnostics)
        return (read, diagnostics.diagnostics)
    }

    @Test(arguments: CorpusPlan.all)
    func everyPlanReadsToItsGoldenParse(plan: CorpusPlan) throws {
        let (read, diagnostics) = try Self.read(plan)
        #expect(read.tasks.count == plan.tasks)
        #expect(read.tasks.filter(\.needsReview).map(\.seq) == plan.review)
        #expect(!diagnostics.contains { $0.severity == .error })
        let golden = String(decoding: try Data(contentsOf: plan.golden), as: UTF8.self)
        #expect(try PlanPresenter.json(read) + "\n" == golden)
        // The same bytes every run, and the same plan one byte at a time.
        #expect(try PlanPresenter.json(read) == PlanPresenter.json(try Self.read(plan).0))
        #expect(try Self.read(plan, chunkSize: 1).0 == read)
    }

    @Test func anOverridesFileDecidesWhatTheJianghanPlanLeavesOpen() throws {
        let plan = CorpusPlan.all[3]
        let overrides = try PlanOverridesLoader.parse(
            text: """
                year = 2025
                region = "420103"
                initiator = "江汉区生态环境分局"

                [[task]]
                seq = 1
                ratio = 1.0
                scopes = ["重点排污单位"]
                note = "一般源 are drawn by the 1:10 rule outside suiji"

                [[task]]
                seq = 3
                ratio = 0.05
                """, file: "plan-overrides.toml")
        var diagnostics = DiagnosticCollector()
        let read = try PlanReader(overrides: overrides).run(
            PlanSource(path: plan.path, displayName: "jianghan-2025.tsv", year: 2025, region: plan.region), diagnostics: &diagnostics)
        #expect(read.tasks.filter(\.needsReview).map(\.seq) == [])
        #expect(read.tasks[0].ratio.min == 1.0)
        #expect(read.tasks[0].scopes == ["重点排污单位"])
        #expect(read.tasks[0].frequency.perYear == 4)
        #expect(read.tasks[2].ratio.min == 0.05)
        #expect(read.tasks.allSatisfy { $0.initiator == "江汉区生态环境分局" })
        #expect(
            read.tasks[0].notes.last
                == "decided in plan-overrides.toml:5: ratio 100%; scopes 重点排污单位 (一般源 are drawn by the 1:10 rule outside suiji); settles 1 question(s)"
        )
    }

    // A task that needs review is not drawn, and the draw says so.
    @Test func theDrawSkipsTasksThatNeedReviewAndSaysSo() throws {
        let (plan, _) = try Self.read(CorpusPlan.all[9])
        #expect(DrawGroups.form(plan).flatMap(\.taskSeqs) == [3, 4, 5])
        let skipped = DrawGroups.awaitingReview(plan)
        #expect(skipped.count == 2)
        #expect(skipped.first?.hasPrefix("task 1 is not drawn: it needs review ('60-70家' is a range of numbers of objects; ") == true)
        #expect(
            skipped.first?.hasSuffix("; decide it in the plan overrides file ([plan] overrides in suiji.toml) and import the plan again")
                == true)
        let error = #expect(throws: DrawStoreError.self) { try DrawStore.groups(of: plan, tasks: [2]) }
        #expect(
            error?.message
                == "task 2 needs review and is not drawn (the plan gives different ratios for different parts ('8%', '3%'): decide the task's ratio); decide it in the plan overrides file ([plan] overrides in suiji.toml) and import the plan again"
        )
        #expect(error?.status == .usage)
    }
}
