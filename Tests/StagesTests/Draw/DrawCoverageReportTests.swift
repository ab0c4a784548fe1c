import Fixtures
import Foundation
import Pipeline
import Testing

@testable import Stages

/// A county of three tasks and one SAMR register (Fixtures/plans/coverage-2024.tsv and
/// Fixtures/registers/coverage-samr.csv): task 1 (全市四上单位) has entities; task 2's scopes are
/// 燃气经营企业 (mapped, but no entity) and 瓶装燃气供应站 (not in the bundled map); task 3's one
/// candidate (园林绿化) is 注销; the register's 殡葬服务 (two entities, one in another region) is
/// covered by no task.
struct CoverageCounty {
    static let samr = "原平市市场监督管理局"
    let folder: TemporaryFolder
    let store: Store

    init() throws {
        folder = try TemporaryFolder()
        store = try Store(path: folder.path("suiji.sqlite"))
        let clock = Clock.fixed(Date(timeIntervalSince1970: 1_714_000_000))
        _ = try PlanImportJob(store: store, clock: clock)
            .run(PlanSource(path: FixtureFiles.url("plans/coverage-2024.tsv").path, year: 2024, region: "140981"))
        try DrawWorkspace.importFile(store, .register, FixtureFiles.url("registers/coverage-samr.csv").path, department: Self.samr)
    }

    /// The report with a configuration's scope map and population rules.
    func report(_ configuration: Configuration = .defaults) throws -> DrawCoverageReport {
        let draw = try DrawStore(store: store, configuration: configuration)
        let (plan, _) = try draw.plan(year: 2024, region: "140981")
        return try draw.coverage(plan: plan, scopeMapSource: ScopeMapLoader.source(configuration))
    }

    /// The register again with a gas company added and the 园林 company active again.
    static let registerClosingTheGaps = """
        统一社会信用代码,名称,主体类型,行业类别,行政区划代码,登记状态,信用风险分类
        91140981MA0C00011R,原平市晋北机械制造有限公司,企业,规模以上工业企业,140981,存续,A
        91140981MA0C00022X,原平市同川商贸有限公司,企业,限额以上批发和零售业,140981,在业,B
        91140981MA0C000332,原平市绿源园林工程有限公司,企业,园林绿化,140981,存续,
        91140981MA0C000446,原平市安息堂殡葬服务有限公司,企业,殡葬服务,140981,存续,C
        91140902MA0C00055W,忻州市慈恩殡葬服务有限公司,企业,殡葬服务,140902,存续,B
        91140981MA0C00066E,原平市瓶装燃气供应站,企业,燃气经营,140981,存续,B

        """

    /// An operator's edited map: the gas depot named as an alias, 殡葬服务 filed under 四上单位.
    static let editedScopeMap = """
        {
          "version": 1,
          "scopes": [
            {"scope": "全市四上单位", "categories": ["规模以上工业企业", "限额以上批发和零售业", "殡葬服务"]},
            {"scope": "燃气经营企业", "aliases": ["瓶装燃气供应站"], "categories": ["燃气经营"]},
            {"scope": "园林绿化企业", "categories": ["园林绿化"]}
          ]
        }

        """
}

/// The golden text of a fixture file.
func golden(_ name: String) throws -> String {
    try String(contentsOf: FixtureFiles.url("golden/\(name)"), encoding: .utf8)
}

@Suite("draw coverage report", .serialized)
struct DrawCoverageReportTests {
    @Test func aTaskMatchingNoEntityAndAnUncoveredCategoryGiveTheGoldenReport() throws {
        let county = try CoverageCounty()
        defer { county.folder.cleanup() }
        let report = try county.report()
        #expect(report.text + "\n" == (try golden("draw-coverage.txt")))
        #expect(try report.json() + "\n" == (try golden("draw-coverage.json")))
        #expect(!report.isComplete)
        #expect(
            report.warning
                == "warning: the scope map leaves gaps: 2 tasks match no entity, 1 plan scope is not in the map, 1 register category is covered by no task"
        )
    }

    @Test func initiatorOnlyPopulationAlsoEmptiesATaskWhoseInitiatorHoldsNoRegister() throws {
        let county = try CoverageCounty()
        defer { county.folder.cleanup() }
        let configuration = try Configuration.load(text: "[draw]\npopulation = \"initiator\"\n", displayName: "suiji.toml")
        let report = try county.report(configuration)
        // Task 1's entities are on the register of its cooperator (SAMR), not of 原平市统计局.
        #expect(report.population == "initiator")
        #expect(report.tasksWithoutEntities.map(\.seq) == [1, 2, 3])
        #expect(report.tasksWithoutEntities.first?.scopes == [.init(scope: "全市四上单位", inMap: true, candidates: 2)])
        #expect(report.uncoveredCategories == [.init(category: "殡葬服务", entities: 2)])
    }

    /// An entity held by two departments' registers is one entity in every count: the 殡葬服务
    /// company again in the civil affairs register, and a company of 四上单位 there as 殡葬服务.
    @Test func anEntityInTwoRegistersCountsOnce() throws {
        let county = try CoverageCounty()
        defer { county.folder.cleanup() }
        let register = try county.folder.write(
            "civil.csv",
            """
            统一社会信用代码,名称,主体类型,行业类别,行政区划代码,登记状态,信用风险分类
            91140981MA0C000446,原平市安息堂殡葬服务有限公司,企业,殡葬服务,140981,存续,C
            91140981MA0C00011R,原平市晋北机械制造有限公司,企业,殡葬服务,140981,存续,A

            """)
        try DrawWorkspace.importFile(county.store, .register, register, department: "原平市民政局")
        let report = try county.report()
        #expect(report.uncoveredCategories.map { "\($0.category) \($0.entities)" } == ["殡葬服务 3"])
        #expect(
            report.text.hasSuffix(
                """
                register categories  4      1 covered by no task
                entities             5      2 in no task's scope
                """))
        #expect(report.tasksWithoutEntities.flatMap(\.scopes).map(\.candidates) == [0, 0, 1])
    }

    @Test func anEditedScopeMapAndAFullerRegisterCloseEveryGap() throws {
        let county = try CoverageCounty()
        defer { county.folder.cleanup() }
        try FileManager.default.createDirectory(atPath: county.folder.path("maps"), withIntermediateDirectories: true)
        _ = try county.folder.write("maps/edited.json", CoverageCounty.editedScopeMap)
        let configuration = try Configuration.load(
            text: "[draw]\nscope_map = \"maps/edited.json\"\n", displayName: "suiji.toml", baseDirectory: county.folder.url.path)
        // The map alone closes the mapping gaps; tasks 2 and 3 still lack entities, and the warning names only that.
        let mapped = try county.report(configuration)
        #expect(mapped.tasksWithoutEntities.map(\.seq) == [2, 3])
        #expect(
            mapped.tasksWithoutEntities.flatMap(\.scopes) == [
                .init(scope: "燃气经营企业", inMap: true, candidates: 0), .init(scope: "瓶装燃气供应站", inMap: true, candidates: 0),
                .init(scope: "园林绿化企业", inMap: true, candidates: 1),
            ])
        #expect(mapped.warning == "warning: the scope map leaves gaps: 2 tasks match no entity")

        let register = try county.folder.write("samr-2.csv", CoverageCounty.registerClosingTheGaps)
        try DrawWorkspace.importFile(county.store, .register, register, department: CoverageCounty.samr)
        let report = try county.report(configuration)
        #expect(report.isComplete)
        #expect(report.warning == nil)
        #expect(
            report.text == """
                scope coverage of plan 2024 140981 (scope map: \(county.folder.path("maps/edited.json")); population: initiator-and-cooperators)

                tasks whose scopes match no entity: none

                plan scopes not in the scope map: none

                register categories no task covers: none

                totals               count  gaps
                -------------------  -----  ----------------------
                tasks                3      0 match no entity
                plan scopes          4      0 not in the scope map
                register categories  5      0 covered by no task
                entities             6      0 in no task's scope
                """)
    }
}
