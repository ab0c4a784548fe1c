import Fixtures
import Foundation
import Testing

/// Setup mistakes are loud (exit 78, what is missing and what to do) and touch nothing: no configuration,
/// a configuration without region or year, a store or inbox that is not there, a calendar that does not
/// cover a due date, a demo folder suiji did not make, a plan the command cannot tell.
@Suite("setup errors", .serialized)
struct SetupErrorsTests {
    /// The names of everything under `folder`, sorted.
    func listing(_ folder: URL) throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: folder.path).sorted()
    }

    @Test func runWithoutConfigurationNamesTheFolderAndConfig() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runSuiji(["run", "--today", "2024-05-10"], in: folder)
        #expect(result.status == 78)
        #expect(result.stdout == "")
        #expect(
            result.stderr
                == "error: no configuration: there is no suiji.toml in \(folder.path); give its path with --config PATH "
                + "(a cron job starts in the home folder, not in the workspace), or run `suiji config example > suiji.toml` there and edit it\n"
        )
        #expect(try listing(folder) == [])
    }

    @Test func runWithoutRegionOrYearIsRefused() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("store = \"s.sqlite\"\n".utf8).write(to: folder.appendingPathComponent("suiji.toml"))
        let result = try runSuiji(["run", "--today", "2024-05-10"], in: folder)
        #expect(result.status == 78)
        #expect(
            result.stderr
                == "error: suiji.toml does not set region or year; the county and the plan year are never assumed: "
                + "add `region = \"<six-digit code>\"` and `year = <YYYY>` at its top\n")
        try Data("region = \"140981\"\nstore = \"s.sqlite\"\n".utf8).write(to: folder.appendingPathComponent("suiji.toml"))
        let noYear = try runSuiji(["run", "--today", "2024-05-10"], in: folder)
        #expect(noYear.status == 78)
        #expect(noYear.stderr.hasPrefix("error: suiji.toml does not set year;"))
        #expect(try listing(folder) == ["suiji.toml"])
    }

    @Test func runWithoutInboxFolderStopsBeforeAnything() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("region = \"140981\"\nyear = 2024\n".utf8).write(to: folder.appendingPathComponent("suiji.toml"))
        let result = try runSuiji(["run", "--today", "2024-05-10"], in: folder)
        #expect(result.status == 78)
        #expect(
            result.stderr.hasSuffix(
                "error: the inbox folder \(folder.path)/inbox does not exist; create it (with plan/, registers/<department>/ … inside, "
                    + "see the README) or set `inbox` under [paths] in the configuration\n"))
        #expect(try listing(folder) == ["suiji.toml"])
    }

    @Test func aNightWithoutPlanFailsItsPrepareStage() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("region = \"140981\"\nyear = 2024\n".utf8).write(to: folder.appendingPathComponent("suiji.toml"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        let result = try runSuiji(["run", "--today", "2024-05-10", "--log-level", "critical"], in: folder)
        #expect(result.status == 1)
        #expect(
            result.stdout.hasPrefix(
                "night 2024-05-10: 0 files taken, 0 rows imported, 0 rejected, 0 commitments awaiting a seed, 0 draws, "
                    + "0 publications, 0 overdue; exit 1 (stage prepare failed: error: no plan for 2024 140981 is stored: put the plan "
                    + "file in the inbox's plan/ folder or run `suiji plan import`)\n"))
    }

    @Test(arguments: [
        ["report"], ["draw", "show"], ["draw", "verify-ledger"], ["plan", "show"], ["publish"], ["publish", "--dry-run"],
        ["draw", "prepare"], ["inspectors", "import", "--department", "X", "ins.csv"], ["results", "import", "r.csv"],
    ])
    func aCommandThatDoesNotCreateRefusesAMissingStore(arguments: [String]) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("执法证号,姓名,状态\nA1,甲,在岗\n".utf8).write(to: folder.appendingPathComponent("ins.csv"))
        try Data("任务序号,轮次,统一社会信用代码,检查日期,检查结果\n".utf8).write(to: folder.appendingPathComponent("r.csv"))
        let before = try listing(folder)
        let result = try runSuiji(arguments + ["--store", "typo.sqlite"], in: folder)
        #expect(result.status == 78, "\(arguments): \(result.stderr)")
        #expect(
            result.stderr
                == "error: no store at typo.sqlite; give the right one with --store PATH or `store` in suiji.toml "
                + "(a store is created only by `suiji import`, `suiji plan import`, `suiji run` and `suiji demo`)\n")
        #expect(try listing(folder) == before)
    }

    @Test func aCommandThatCreatesSaysSo() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runSuiji(
            ["plan", "import", FixtureFiles.yuanpingPlan.path, "--year", "2024", "--region", "140981", "--store", "new.sqlite"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("note: creating the store new.sqlite\n"))
        let again = try runSuiji(["plan", "show", "--store", "new.sqlite"], in: folder)
        #expect(again.status == 0)
        #expect(!again.stderr.contains("creating"))
    }

    @Test func aReportWhoseDueDatesTheCalendarCannotGiveSaysUnknown() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let imported = try runSuiji(["plan", "import", FixtureFiles.yuanpingPlan.path, "--year", "2024", "--region", "140981"], in: folder)
        #expect(imported.status == 0)
        let covered = try runSuiji(["report", "--today", "2024-03-01"], in: folder)
        #expect(covered.status == 0, "\(covered.stderr)")
        let gap = try runSuiji(["report", "--today", "2030-01-10"], in: folder)
        #expect(gap.status == 78)
        #expect(!gap.stdout.contains("no round is overdue"))
        #expect(gap.stdout.hasPrefix("2030-01-10: "))
        #expect(
            gap.stdout.contains(
                " unknown: the working-day calendar does not cover the days their due date needs; add those years to the calendar file "
                    + "named by `calendar` in suiji.toml"))
        let json = try runSuiji(["report", "--today", "2030-01-10", "--json"], in: folder)
        #expect(json.status == 78)
        #expect(json.stdout.contains("\"unknownRounds\": [\n    \"1409812024P001R01\""))
        #expect(json.stdout.contains("\"kind\": \"report\""))
        #expect(json.stdout.contains("\"schemaVersion\": 1"))
    }

    @Test func twoPlansStoredAndNoneNamedIsAQuestionNotAGuess() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for year in ["2024", "2025"] {
            let r = try runSuiji(["plan", "import", FixtureFiles.yuanpingPlan.path, "--year", year, "--region", "140981"], in: folder)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let shown = try runSuiji(["plan", "show"], in: folder)
        #expect(shown.status == 78)
        #expect(
            shown.stderr
                == "error: 2 plans are stored (2025 140981, 2024 140981); say which with --year and --region, "
                + "or set `year` and `region` in suiji.toml\n")
        let named = try runSuiji(["plan", "show", "--year", "2025"], in: folder)
        #expect(named.status == 0, "\(named.stderr)")
        let none = try runSuiji(["plan", "show", "--year", "2023"], in: folder)
        #expect(none.status == 78)
        #expect(
            none.stderr == "error: no plan is stored for year 2023; import one with `suiji plan import --year YYYY --region CODE FILE`\n")
    }

    @Test func theDemoRefusesAFolderItDidNotMake() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let work = folder.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try Data("precious\n".utf8).write(to: work.appendingPathComponent("thesis.txt"))
        let refused = try runSuiji(["demo", "--workspace", "mine"], in: folder)
        #expect(refused.status == 78)
        #expect(
            refused.stderr
                == "error: \(work.path) is not empty and was not made by `suiji demo` (it has no .suiji-demo-workspace); "
                + "nothing was touched. Give an empty or new folder with --workspace\n")
        #expect(try listing(folder) == ["mine", "mine/thesis.txt"])
    }

    @Test func theDemoEmptiesAndReusesAFolderItMadeAndTakesAnEmptyOne() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("empty"), withIntermediateDirectories: true)
        let first = try runSuiji(["demo", "--workspace", "empty"], in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        let marker = folder.appendingPathComponent("empty/.suiji-demo-workspace")
        #expect(FileManager.default.fileExists(atPath: marker.path))
        try Data("left by hand\n".utf8).write(to: folder.appendingPathComponent("empty/scratch.txt"))
        let again = try runSuiji(["demo", "--workspace", "empty"], in: folder)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == first.stdout)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("empty/scratch.txt").path))
    }

    @Test func quietPrintsNothingOnAGoodNightAndTheSummaryOtherwise() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("region = \"140981\"\nyear = 2024\n".utf8).write(to: folder.appendingPathComponent("suiji.toml"))
        let plan = folder.appendingPathComponent("inbox/plan")
        try FileManager.default.createDirectory(at: plan, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: FixtureFiles.yuanpingPlan, to: plan.appendingPathComponent("plan.tsv"))
        let good = try runSuiji(["run", "--today", "2023-11-01", "--quiet"], in: folder)
        #expect(good.status == 0, "\(good.stdout) \(good.stderr)")
        #expect(good.stdout == "")
        #expect(good.stderr == "")
        let loud = try runSuiji(["run", "--today", "2023-11-01"], in: folder)
        #expect(loud.status == 0)
        #expect(loud.stdout.hasPrefix("night 2023-11-01: "))
        #expect(loud.stderr.contains("run started"))
        let wrong = try runSuiji(["run", "--today", "2030-01-10", "--quiet"], in: folder)
        #expect(wrong.status == 78)
        #expect(wrong.stdout.hasPrefix("night 2030-01-10: "))
    }
}
