import Fixtures
import Foundation
import Pipeline
import Testing

@testable import Stages

@Suite("PlanReader")
struct PlanReaderTests {
    static let seedPlanPath = FixtureFiles.yuanpingPlan.path

    static func read(bytes: [UInt8], name: String = "plan.tsv", chunkSize: Int = 1 << 16) throws -> (AnnualPlan, [Diagnostic]) {
        var diagnostics = DiagnosticCollector()
        let reader = try PlanReader(chunkSource: { source in
            DelimitedFileReader(chunks: chunks(bytes, size: chunkSize), displayName: source.displayName, encoding: source.encoding)
        })
        let plan = try reader.run(PlanSource(path: name, year: 2024, region: "140981"), diagnostics: &diagnostics)
        return (plan, diagnostics.diagnostics)
    }

    @Test func seedPlanReadsWithoutAWarning() throws {
        let (plan, diagnostics) = try Self.read(bytes: try fileBytes(Self.seedPlanPath))
        #expect(diagnostics == [])
        #expect(plan.tasks.count == 42)
        #expect(plan.tasks.map(\.seq) == Array(1...42))
        for task in plan.tasks {
            #expect(task.window == TaskWindow(startMonth: 1, endMonth: 11, raw: "1月-11月"))
            #expect(task.mode == "县抽县查")
            #expect(task.area == "原平市")
            #expect(task.ratio.min != nil)
            #expect(task.frequency.perYear != nil)
        }
    }

    @Test func seedPlanValuesMatchTheSeed() throws {
        let (plan, _) = try Self.read(bytes: try fileBytes(Self.seedPlanPath))
        func task(_ seq: Int) -> PlanTask? { plan.tasks.first { $0.seq == seq } }
        let first = try #require(task(1))
        #expect(first.name == "对全市统计调查对象建立统计台账和统计数据质量情况的双随机抽查")
        #expect(first.matters == ["统计调查对象建立统计台账和统计数据质量情况的检查"])
        #expect(first.scopes == ["全市四上单位"])
        #expect(first.ratio == SamplingRatio(min: 0.10, raw: "10%"))
        #expect(first.frequency == InspectionFrequency(perYear: 1, raw: "1次/年"))
        #expect(first.initiator == "原平市统计局")
        #expect(first.cooperators == ["原平市市场监督管理局"])
        #expect(task(5)?.ratio.min == 0.20)
        #expect(task(21)?.ratio.min == 1.0)
        for seq in 35...37 { #expect(task(seq)?.frequency.perYear == 4) }
        #expect(task(35)?.ratio.min == 0.35)
        #expect(task(18)?.ratio == SamplingRatio(min: 0.30, raw: "不低于30%"))
        #expect(task(18)?.frequency == InspectionFrequency(perYear: 1, raw: "抽查1次"))
        #expect(task(20)?.frequency == InspectionFrequency(perYear: 1, raw: "1/年"))
        #expect(task(20)?.matters == ["排污许可证执行情况", "污染物排放情况"])
        #expect(task(17)?.matters == ["游泳场(馆)取得许可证", "卫生管理情况等检查"])
        #expect(task(41)?.scopes == ["从事种畜禽生产经营单位", "鱼池养殖"])
        #expect(task(11)?.cooperators == ["忻州市生态环境局原平分局"])
        #expect(task(21)?.cooperators == ["原平市住房和城乡建设管理局"])
        #expect(task(9)?.initiator == "原平市市场监督管理局")
        #expect(task(2)?.ratio == SamplingRatio(min: 0.05, raw: "5%以上"))
    }

    @Test func rawCellsAreKeptExactly() throws {
        let (plan, _) = try Self.read(bytes: try fileBytes(Self.seedPlanPath))
        let task = try #require(plan.tasks.first { $0.seq == 17 })
        #expect(task.raw["ratioAndFrequency"] == "抽查比例不低于20%; 1次/年")
        #expect(task.raw["matters"] == "1. 游泳场(馆)取得许可证; 2. 卫生管理情况等检查")
        #expect(task.line == 18)
    }

    @Test func oneByteAtATimeGivesTheSamePlan() throws {
        let bytes = try fileBytes(Self.seedPlanPath)
        let (whole, _) = try Self.read(bytes: bytes)
        let (byByte, diagnostics) = try Self.read(bytes: bytes, chunkSize: 1)
        #expect(byByte == whole)
        #expect(diagnostics == [])
    }

    @Test func gb18030AndCRLFAndBOMGiveTheSamePlan() throws {
        let text = String(decoding: try fileBytes(Self.seedPlanPath), as: UTF8.self)
        let (reference, _) = try Self.read(bytes: Array(text.utf8))
        let crlf = text.replacingOccurrences(of: "\n", with: "\r\n")
        for variant in [try gb18030(text), Array(crlf.utf8), [0xEF, 0xBB, 0xBF] + Array(crlf.utf8), try gb18030(crlf)] {
            let (plan, diagnostics) = try Self.read(bytes: variant)
            #expect(plan == reference)
            #expect(diagnostics == [])
        }
    }

    @Test func csvWithOtherCountiesHeadersAndForms() throws {
        let csv = """
            序号,任务名称,检查事项,检查对象,抽查比例,抽查频次,起止时间,检查主体,参与部门,抽查类型,股室
            1,食品销售抽查,食品经营许可,"食品销售者,餐饮服务者",≥20%,2次/年,3月-10月,某县市场监督管理局,"某县卫健局、某县公安局",不定向,食品股
            2,特种设备抽查,电梯维保,电梯维保单位,1户,=1,全年,某县市场监督管理局,,定向,特设股
            3,价格抽查,明码标价,商超,21%一60%,>=1,适时,某县市场监督管理局,,不定向,价监股
            4,广告抽查,广告发布,广告经营者,不涉及信用风险分类,1次/半年,7月,某县市场监督管理局,,不定向,广告股

            """
        let (plan, diagnostics) = try Self.read(bytes: Array(csv.utf8), name: "other.csv")
        #expect(plan.tasks.count == 4)
        #expect(plan.tasks[0].scopes == ["食品销售者", "餐饮服务者"])
        #expect(plan.tasks[0].ratio.min == 0.20)
        #expect(plan.tasks[0].frequency.perYear == 2)
        #expect(plan.tasks[0].window == TaskWindow(startMonth: 3, endMonth: 10, raw: "3月-10月"))
        #expect(plan.tasks[0].cooperators == ["某县卫健局", "某县公安局"])
        #expect(plan.tasks[0].inspectionType == "不定向")
        #expect(plan.tasks[0].mode == nil)
        #expect(plan.tasks[1].ratio == SamplingRatio(count: 1, raw: "1户"))
        #expect(plan.tasks[1].window.endMonth == 12)
        #expect(plan.tasks[2].ratio == SamplingRatio(min: 0.21, max: 0.60, raw: "21%一60%"))
        #expect(plan.tasks[2].window == TaskWindow(startMonth: nil, endMonth: nil, raw: "适时"))
        #expect(plan.tasks[3].frequency.perYear == 2)
        #expect(plan.tasks[3].ratio.exemptFromRiskClasses)
        #expect(plan.tasks[2].needsReview)
        #expect(plan.tasks[3].needsReview)
        #expect(plan.tasks[1].count == TaskCount(value: 1))
        #expect(plan.tasks[2].frequency == InspectionFrequency(perYear: 1, atLeast: true, raw: ">=1"))
        #expect(plan.tasks[1].frequency == InspectionFrequency(perYear: 1, atLeast: false, raw: "=1"))
        #expect(
            diagnostics.map(\.description) == [
                "other.csv:4:7: warning: task 3 needs review: cannot read a window of months from '适时'",
                "other.csv:5:5: warning: task 4 needs review: '不涉及信用风险分类' gives no sampling ratio: give one in the overrides file",
            ])
    }

    @Test func unreadableCellsWarnWithFileLineColumnAndQuote() throws {
        let tsv =
            "序号\t抽查任务名称\t抽查对象范围\t抽查比例及频次\t抽查检查起止时间\t发起部门\n"
            + "1\t甲\t乙\t视情况; 1次/年\t1月-11月\t丙\n"
            + "x\t坏序号\t乙\t10%; 1次/年\t1月-11月\t丙\n"
        let (plan, diagnostics) = try Self.read(bytes: Array(tsv.utf8))
        #expect(plan.tasks.count == 1)
        #expect(plan.tasks[0].ratio.min == nil)
        #expect(plan.tasks[0].frequency.perYear == 1)
        #expect(plan.tasks[0].review == ["'视情况' leaves the number undecided ('视情况')"])
        #expect(
            diagnostics.map(\.description) == [
                "plan.tsv:3:1: error: task number 'x' is not a positive integer; the row is skipped",
                "plan.tsv:2:4: warning: task 1 needs review: '视情况' leaves the number undecided ('视情况')",
            ])
    }

    @Test func aRepeatedTaskNumberRejectsTheFile() throws {
        let tsv =
            "序号\t抽查任务名称\t抽查对象范围\t抽查比例及频次\t抽查检查起止时间\t发起部门\n"
            + "1\t甲\t乙\t10%; 1次/年\t1月-11月\t丙\n"
            + "2\t丁\t乙\t10%; 1次/年\t1月-11月\t丙\n"
            + "1\t重复\t乙\t10%; 1次/年\t1月-11月\t丙\n"
        let error = #expect(throws: PlanFileError.self) { try Self.read(bytes: Array(tsv.utf8)) }
        #expect(
            error?.description
                == "plan.tsv:4:1: error: task number 1 repeats the task on line 2; the file is rejected (dropping either row would lose a task): give each task its own 序号"
        )
    }

    @Test func aPlanWithoutAnInitiatorColumnImportsWithEveryTaskNeedingReview() throws {
        let tsv = "序号\t抽查任务名称\t抽查对象范围\t抽查比例及频次\n1\t甲\t乙\t10%; 1次/年\n"
        let (plan, _) = try Self.read(bytes: Array(tsv.utf8))
        #expect(plan.tasks[0].review == ["the plan has no 发起部门 column: give the task's initiating department in the overrides file"])
    }

    @Test func aPlanWithoutARatioColumnImportsWithEveryTaskNeedingReview() throws {
        let tsv = "序号\t抽查任务名称\t抽查对象范围\t发起部门\n1\t甲\t乙\t丙\n"
        let (plan, _) = try Self.read(bytes: Array(tsv.utf8))
        #expect(plan.tasks[0].review == ["the plan has no ratio column: give the task's ratio or count in the overrides file"])
    }

    @Test func aPlanWithoutTaskNumbersIsRefused() throws {
        let tsv = "抽查任务名称\t抽查对象范围\t发起部门\n甲\t乙\t丙\n"
        let error = #expect(throws: PlanFileError.self) { try Self.read(bytes: Array(tsv.utf8)) }
        #expect(error?.description == "plan.tsv:1: error: required column '序号' is missing (accepted headers: 序号, 编号, 任务序号, seq)")
    }

    @Test func aHeaderOnlyFileIsRefused() throws {
        let tsv = "序号\t抽查任务名称\t抽查对象范围\t发起部门\n"
        let error = #expect(throws: PlanFileError.self) { try Self.read(bytes: Array(tsv.utf8)) }
        #expect(error?.description == "plan.tsv:1: error: the plan has a header but no task rows; nothing is imported")
    }

    static func readTable(_ text: String, source: PlanSource, aliases: ColumnAliases? = nil) throws -> (AnnualPlan, [Diagnostic]) {
        var diagnostics = DiagnosticCollector()
        let bytes = Array(text.utf8)
        let reader = try PlanReader(
            aliases: aliases,
            chunkSource: { source in
                DelimitedFileReader(
                    chunks: chunks(bytes, size: 1), displayName: source.displayName, delimiter: 0x09, encoding: source.encoding)
            })
        return (try reader.run(source, diagnostics: &diagnostics), diagnostics.diagnostics)
    }

    // Headers with spaces and line breaks inside, a slash joining two names, a title row above.
    @Test func headersAreNormalisedAndTheTitleGivesTheYear() throws {
        let tsv =
            "某县2025年度部门联合双随机抽查工作计划\n"
            + "序 号\t\"抽查任务\n名称\"\t抽查对象\t抽查比例/频次\t\"抽查检查\n起止时间\"\t发起部门\n"
            + "1\t甲\t乙\t10%;1次/年\t3月—11月\t丙\n"
        let (plan, diagnostics) = try Self.readTable(tsv, source: PlanSource(path: "p.tsv", region: "140981"))
        #expect(plan.year == 2025)
        #expect(plan.tasks[0].ratio.min == 0.10)
        #expect(plan.tasks[0].window == TaskWindow(startMonth: 3, endMonth: 11, raw: "3月—11月"))
        #expect(diagnostics.allSatisfy { $0.severity == .note })
        #expect(!plan.tasks[0].needsReview)
    }

    @Test func yearAndRegionAreNeverDefaults() throws {
        let body = "序号\t抽查任务名称\t抽查对象范围\t抽查比例及频次\t发起部门\n1\t甲\t乙\t10%; 1次/年\t丙\n"
        let noYear = #expect(throws: PlanFileError.self) { try Self.readTable(body, source: PlanSource(path: "p.tsv", region: "140981")) }
        #expect(noYear?.message == "the plan's year cannot be known: its title names none; pass --year YYYY or set year in suiji.toml")
        let noRegion = #expect(throws: PlanFileError.self) {
            try Self.readTable("长治市2024年度部门联合双随机抽查工作计划\n" + body, source: PlanSource(path: "p.tsv"))
        }
        #expect(
            noRegion?.message
                == "the plan's region cannot be known: pass --region CODE (the 6-digit region code of 长治市) or set region in suiji.toml")
        let clash = #expect(throws: PlanFileError.self) {
            try Self.readTable("长治市2024年度计划\n" + body, source: PlanSource(path: "p.tsv", year: 2023, region: "140400"))
        }
        #expect(clash?.message == "the plan's title ('长治市2024年度计划') is for 2024, but --year says 2023; check the file, or pass --year 2024")
        let configured = #expect(throws: PlanFileError.self) {
            try Self.readTable("长治市2024年度计划\n" + body, source: PlanSource(path: "p.tsv", configuredYear: 2025, configuredRegion: "140400"))
        }
        #expect(
            configured?.message
                == "the plan's title ('长治市2024年度计划') is for 2024, but suiji.toml sets year = 2025; pass --year 2024 to import it as the 2024 plan"
        )
        let (plan, _) = try Self.readTable(body, source: PlanSource(path: "p.tsv", configuredYear: 2024, configuredRegion: "140400"))
        #expect((plan.year, plan.region) == (2024, "140400"))
    }

    @Test func anOperatorsColumnsFileReadsOtherWording() throws {
        let tsv = "序号\t任务名\t监管对象\t比例\t牵头单位\n1\t甲\t乙\t5%\t丙\n"
        var aliases = try ColumnAliases.bundled("plan-columns").aliases
        aliases["name", default: []].append("任务名")
        aliases["scopes", default: []].append("监管对象")
        aliases["initiator", default: []].append("牵头单位")
        let (plan, _) = try Self.readTable(
            tsv, source: PlanSource(path: "p.tsv", year: 2024, region: "140981"), aliases: ColumnAliases(aliases: aliases))
        #expect(plan.tasks[0].name == "甲")
        #expect(plan.tasks[0].scopes == ["乙"])
        #expect(plan.tasks[0].initiator == "丙")
        let bundledOnly = #expect(throws: PlanFileError.self) {
            try Self.readTable(tsv, source: PlanSource(path: "p.tsv", year: 2024, region: "140981"))
        }
        #expect(bundledOnly?.message == "the plan names its tasks in no column: give '抽查任务名称', '抽查事项' or '抽查对象范围'")
    }

    @Test func platformCodesComeFromTheirColumns() throws {
        let tsv = "序号\t抽查任务名称\t抽查对象范围\t抽查比例及频次\t发起部门\t抽查计划编号\t抽查任务编号\n1\t甲\t乙\t10%; 1次/年\t丙\tSX2024P1\tSX2024T1\n"
        let (plan, _) = try Self.readTable(tsv, source: PlanSource(path: "p.tsv", year: 2024, region: "140981"))
        #expect(plan.tasks[0].platform == PlatformIdentity(planCode: "SX2024P1", taskCode: "SX2024T1"))
    }
}
