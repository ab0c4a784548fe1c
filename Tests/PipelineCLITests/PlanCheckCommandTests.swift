import Fixtures
import Foundation
import Testing

@Suite("suiji plan check")
struct PlanCheckCommandTests {
    static let corpus: [(name: String, arguments: [String], review: Bool)] = [
        ("yuanping-2024", ["--region", "140981", "--year", "2024"], false), ("changzhi-2024", ["--region", "140400"], false),
        ("shanggao-2023", ["--region", "360923"], true), ("jianghan-2025", ["--region", "420103", "--year", "2025"], true),
        ("huangshi-2024", ["--region", "420200", "--year", "2024"], true), ("gangcheng-2021", ["--region", "370117"], false),
        ("yangjiang-2025", ["--region", "441700"], false), ("jining-gaoxin-2024", ["--region", "370800"], true),
        ("wangcang-2021", ["--region", "510821"], true), ("wuhan-kaifaqu-2022", ["--region", "420113", "--year", "2022"], true),
    ]

    // Every corpus plan imports, `plan show --json` prints its golden parse, and `plan check` exits 65 exactly when a task needs review.
    @Test func everyCorpusPlanImportsShowsItsGoldenParseAndChecks() throws {
        for plan in Self.corpus {
            let folder = try temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = FixtureFiles.url("plans/\(plan.name).tsv").path
            let imported = try runSuiji(["plan", "import", file] + plan.arguments, in: folder)
            #expect(imported.status == 0, "\(plan.name): \(imported.stderr)")
            let year = String(plan.name.suffix(4))
            let region = plan.arguments[1]
            let shown = try runSuiji(["plan", "show", "--json", "--year", year, "--region", region], in: folder)
            let golden = String(decoding: try Data(contentsOf: FixtureFiles.url("golden/plans/\(plan.name).json")), as: UTF8.self)
            #expect(shown.stdout == golden, "\(plan.name)")
            let checked = try runSuiji(["plan", "check", file] + plan.arguments, in: folder)
            #expect(checked.status == (plan.review ? 65 : 0), "\(plan.name)")
            #expect(checked.stdout.contains("✗") == plan.review, "\(plan.name)")
        }
    }

    @Test func checkShowsCellsBesideValuesAndMarksQuestions() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runSuiji(
            ["plan", "check", FixtureFiles.url("plans/jining-gaoxin-2024.tsv").path, "--region", "370800"], in: folder)
        #expect(result.status == 65)
        #expect(result.stdout.contains("  ✗ 抽查比例及频次: (一)属于人员密集场所的消防安全重点单位,每月抽查比例不得低于总数的10%。"))
        #expect(result.stdout.contains("      → ratio unset; parts: 属于人员密集场所的消防安全重点单位 ≥10% / 其他消防安全重点单位 ≥5%; 12/year exactly"))
        #expect(
            result.stdout.contains(
                "      ✗ the plan gives different ratios for different parts ('每月抽查比例不得低于总数的10%', '每月抽查比例不得低于总数的5%'): decide the task's ratio"
            ))
        #expect(
            result.stdout.hasSuffix(
                "1 task(s) need review and will not be drawn: 1; decide them in the overrides file named by [plan] overrides in suiji.toml\n"
            ))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("suiji.sqlite").path))
    }

    @Test func aPlanWhoseRegionCannotBeKnownIsAnErrorNamingWhatToPass() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runSuiji(["plan", "import", FixtureFiles.url("plans/changzhi-2024.tsv").path, "--store", "s.sqlite"], in: folder)
        #expect(result.status == 65)
        #expect(
            result.stderr.hasSuffix(
                "changzhi-2024.tsv:3: error: the plan's region cannot be known: pass --region CODE (the 6-digit region code of 长治市) or set region in suiji.toml\n"
            ))
    }
}
