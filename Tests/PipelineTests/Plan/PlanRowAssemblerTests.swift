import Pipeline
import Testing

@Suite("PlanRowAssembler")
struct PlanRowAssemblerTests {
    static let columns = ["seq", "name", "scopes", "ratio", "frequency", "window", "initiator", "cooperators", "mode"]

    static func assemble(
        _ rows: [[String]], columns: [String] = columns, year: Int = 2024, overrides: PlanOverrides? = nil
    ) throws -> ([PlanTask], [String]) {
        let layout = PlanTableLayout(
            file: "p.tsv", columns: Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) }), headers: [:], year: year)
        var assembler = PlanRowAssembler(layout: layout, overrides: overrides)
        var diagnostics = DiagnosticCollector()
        for (index, row) in rows.enumerated() {
            try assembler.add(
                PlanRow(cells: Dictionary(uniqueKeysWithValues: zip(columns, row)), line: index + 2), diagnostics: &diagnostics)
        }
        assembler.finish(diagnostics: &diagnostics)
        return (assembler.tasks, diagnostics.diagnostics.map(\.description))
    }

    // Misreading 7: merged cells exported as one value and blanks below were not filled down; two modes stayed one string.
    @Test func mergedCellsAreFilledDownWithANoteAndModesSplit() throws {
        let (tasks, diagnostics) = try Self.assemble([
            ["1", "甲", "乙", "10%", "1次/年", "3月—12月", "市医保局", "市审批服务管理局", "市抽市查、市抽县(区)查"],
            ["2", "丙", "丁", "20%", "1次/年", "", "", "", ""],
        ])
        #expect(tasks[1].initiator == "市医保局")
        #expect(tasks[1].cooperators == ["市审批服务管理局"])
        #expect(tasks[1].window == TaskWindow(startMonth: 3, endMonth: 12, raw: "3月—12月"))
        #expect(tasks[1].mode == "市抽市查、市抽县(区)查")
        #expect(tasks[1].modes == ["市抽市查", "市抽县(区)查"])
        #expect(tasks[1].raw["initiator"] == "")
        #expect(
            tasks[1].notes == [
                "发起部门 '市医保局' filled down from task 1 (a merged cell)", "配合部门 '市审批服务管理局' filled down from task 1 (a merged cell)",
                "抽查检查起止时间 '3月—12月' filled down from task 1 (a merged cell)",
                "抽查检查模式 '市抽市查、市抽县(区)查' filled down from task 1 (a merged cell)",
            ])
        #expect(diagnostics.first == "p.tsv:3:7: note: task 2: 发起部门 '市医保局' filled down from task 1 (a merged cell)")
        #expect(!tasks[1].needsReview)
    }

    @Test func aBlankCooperatorBesideAnInitiatorIsNotFilled() throws {
        let (tasks, _) = try Self.assemble([
            ["1", "甲", "乙", "10%", "1次/年", "1-11月", "县市场监管局", "县卫健局", "县抽县查"],
            ["2", "丙", "丁", "20%", "1次/年", "1-11月", "县市场监管局", "", "县抽县查"],
        ])
        #expect(tasks[1].cooperators == [])
        #expect(tasks[1].notes == [])
    }

    @Test func rowsWithoutANumberContinueTheTaskAboveAndDifferencesAreQuestioned() throws {
        let (tasks, _) = try Self.assemble([
            ["1", "农产品抽查", "种子经营者", "5%", "1次/年", "9月", "农业农村局", "", ""],
            ["", "", "农药经营者", "10%", "", "6月", "", "", ""],
            ["2", "兽药抽查", "兽药经营者", "30%", "1次/年", "11月", "农业农村局", "", ""],
        ])
        #expect(tasks.map(\.seq) == [1, 2])
        #expect(tasks[0].scopes == ["种子经营者", "农药经营者"])
        #expect(
            tasks[0].segments == [
                RatioSegment(scope: "种子经营者", ratio: RatioBound(min: 0.05), count: nil),
                RatioSegment(scope: "农药经营者", ratio: RatioBound(min: 0.10), count: nil),
            ])
        #expect(tasks[0].ratio.min == nil)
        #expect(
            tasks[0].review == [
                "the plan gives different ratios for different parts ('5%', '10%'): decide the task's ratio",
                "line 3 gives part of the task another window '6月'",
            ])
        #expect(!tasks[1].needsReview)
    }

    @Test func aPlanWithoutANameColumnUsesTheMatterAndWithoutAScopeColumnAsksForScopes() throws {
        let (tasks, _) = try Self.assemble(
            [["1", "农药监督抽查", "1%", "3月-12月", "区农业农村局"]], columns: ["seq", "matters", "ratio", "window", "initiator"])
        #expect(tasks[0].name == "农药监督抽查")
        #expect(tasks[0].notes.first == "the plan has no task-name column: the name is the task's 抽查事项")
        #expect(tasks[0].review == ["the plan has no 抽查对象范围 column: give the task's scopes in the overrides file"])
    }

    @Test func aFrequencyInTheTimeColumnGivesRoundsAndTheWholeYear() throws {
        let (tasks, _) = try Self.assemble(
            [["1", "污染源监管", "排污单位", "25%", "每季度各抽查1次", "生态环境局"]], columns: ["seq", "name", "scopes", "ratio", "window", "initiator"])
        #expect(tasks[0].frequency == InspectionFrequency(perYear: 4, raw: "每季度各抽查1次"))
        #expect(tasks[0].window == TaskWindow(startMonth: 1, endMonth: 12, raw: "每季度各抽查1次"))
        #expect(RoundSchedule(task: tasks[0], year: 2024).rounds.count == 4)
        #expect(!tasks[0].needsReview)
    }

    @Test func aWindowOfAnotherYearIsQuestioned() throws {
        let (tasks, _) = try Self.assemble([["1", "甲", "乙", "20%", "1次/年", "2023年6-12月", "局", "", ""]])
        #expect(tasks[0].review == ["'2023年6-12月' names the year 2023, but the plan is for 2024: confirm the window"])
    }

    @Test func anAnnualRatioOverSeveralRoundsIsQuestioned() throws {
        let (tasks, _) = try Self.assemble([["1", "甲", "乙", "全年抽查比例不低于40%", "1次/季度", "1-12月", "局", "", ""]])
        #expect(tasks[0].review == ["the ratio is stated for the whole year but the task runs 4 rounds: give the ratio of one round"])
    }

    @Test func partialClassRatiosAreQuestionedAndFullOnesKept() throws {
        let (tasks, _) = try Self.assemble([
            ["1", "甲", "乙", "A类2%、B类5%、C类10%、D类20%", "1次/年", "1-11月", "局", "", ""],
            ["2", "丙", "丁", "D类100%", "1次/年", "1-11月", "局", "", ""],
        ])
        #expect(tasks[0].classRatios == ClassRatios(a: 0.02, b: 0.05, c: 0.10, d: 0.20))
        #expect(tasks[0].ratio.min == nil)
        #expect(!tasks[0].needsReview)
        #expect(tasks[1].review == ["the plan gives class ratios for D only: give all four (A, B, C, D) or none"])
    }

    @Test func aNegativeRatioIsAnErrorAndTheTaskIsNotDrawn() throws {
        let (tasks, diagnostics) = try Self.assemble([["1", "甲", "乙", "-5%", "1次/年", "1-11月", "局", "", ""]])
        #expect(tasks[0].ratio.min == nil)
        #expect(tasks[0].needsReview)
        #expect(diagnostics.contains("p.tsv:2:4: error: task 1: '-5%' is a negative ratio; it is left unset"))
        #expect(DrawGroups.form(AnnualPlan(year: 2024, region: "140981", tasks: tasks)).isEmpty)
    }

    @Test func overridesSettleTheQuestionsOfTheirKind() throws {
        let overrides = PlanOverrides(
            file: "o.toml", initiator: "生态环境局",
            tasks: [1: PlanTaskOverride(seq: 1, line: 3, ratio: RatioBound(min: 1.0), note: "重点源 only")])
        let (tasks, _) = try Self.assemble(
            [["1", "污染源监管", "重点排污单位", "重点源100%;一般源按1:10比例抽取", "1次/年", "1-12月"]],
            columns: ["seq", "name", "scopes", "ratio", "frequency", "window"], overrides: overrides)
        #expect(tasks[0].ratio.min == 1.0)
        #expect(tasks[0].initiator == "生态环境局")
        #expect(!tasks[0].needsReview)
        #expect(
            tasks[0].notes.suffix(2) == [
                "initiator '生态环境局' from o.toml (the plan names none); settles 1 question(s)",
                "decided in o.toml:3: ratio 100% (重点源 only); settles 1 question(s)",
            ])
    }

    // The notes and questions are catalogue texts: the same reading says them in Chinese.
    @Test func notesAndQuestionsInChinese() throws {
        let columns = ["seq", "name", "scopes", "ratio", "frequency", "window"]
        let layout = PlanTableLayout(
            file: "p.tsv", columns: Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) }), headers: [:], year: 2024)
        let overrides = PlanOverrides(
            file: "o.toml", initiator: "生态环境局",
            tasks: [1: PlanTaskOverride(seq: 1, line: 3, ratio: RatioBound(min: 1.0), note: "重点源")])
        var assembler = PlanRowAssembler(layout: layout, overrides: overrides)
        var diagnostics = DiagnosticCollector()
        for (index, row) in [["1", "污染源监管", "重点排污单位", "重点源100%;一般源按1:10比例抽取", "", "2023年6-12月"], ["2", "", "乙", "", "", ""]]
            .enumerated()
        {
            try assembler.add(
                PlanRow(cells: Dictionary(uniqueKeysWithValues: zip(columns, row)), line: index + 2), diagnostics: &diagnostics)
        }
        assembler.finish(diagnostics: &diagnostics)
        #expect(
            diagnostics.diagnostics.map { $0.rendered(in: .zh) } == [
                "p.tsv:2: 提示：任务 1：计划没有给出频次：按一轮安排",
                "o.toml: 提示：任务 1：发起部门“生态环境局”取自 o.toml（计划未写明）；解决了 1 个问题",
                "o.toml:3: 提示：任务 1：在 o.toml:3 中决定：比例 100%（重点源）；解决了 1 个问题",
                "p.tsv:2:6: 警告：任务 1 需人工复核：“2023年6-12月”写的是 2023 年，但计划是 2024 年的：请确认时间",
                "p.tsv:3:6: 提示：任务 2：“抽查检查起止时间”的“2023年6-12月”沿用自任务 1（合并单元格）",
                "p.tsv:3:2: 提示：任务 2：“抽查任务名称”单元格为空：任务名称取自“抽查对象范围”",
                "p.tsv:3: 提示：任务 2：计划没有给出频次：按一轮安排",
                "o.toml: 提示：任务 2：发起部门“生态环境局”取自 o.toml（计划未写明）；解决了 1 个问题",
                "p.tsv:3:4: 警告：任务 2 需人工复核：该任务没有给出抽查比例或户数：请在调整文件中给出",
                "p.tsv:3:6: 警告：任务 2 需人工复核：“2023年6-12月”写的是 2023 年，但计划是 2024 年的：请确认时间",
            ])
    }

    @Test func aRepeatedNumberRejectsTheFile() throws {
        #expect(throws: PlanAssemblyError.self) {
            _ = try Self.assemble([["1", "甲", "乙", "5%", "", "", "局", "", ""], ["1", "丙", "丁", "5%", "", "", "局", "", ""]])
        }
    }
}
