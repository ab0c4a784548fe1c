import Fixtures
import Foundation
import Testing

@Suite("suiji plan")
struct PlanCommandTests {
    @Test func importThenShowJSONGivesTheSeedPlan() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let imported = try runSuiji(["plan", "import", FixtureFiles.yuanpingPlan.path, "--year", "2024", "--region", "140981"], in: folder)
        #expect(imported.status == 0)
        #expect(imported.stdout == "plan 2024 140981 imported: 42 tasks\n")
        #expect(imported.stderr == "note: creating the store suiji.sqlite\n")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("suiji.sqlite").path))

        let shown = try runSuiji(["plan", "show", "--json"], in: folder)
        #expect(shown.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect(json["year"] as? Int == 2024)
        #expect(json["region"] as? String == "140981")
        let tasks = try #require(json["tasks"] as? [[String: Any]])
        #expect(tasks.count == 42)
        func task(_ seq: Int) -> [String: Any] { tasks.first { $0["seq"] as? Int == seq } ?? [:] }
        func ratio(_ seq: Int) -> [String: Any] { task(seq)["ratio"] as? [String: Any] ?? [:] }
        func perYear(_ seq: Int) -> Int? { (task(seq)["frequency"] as? [String: Any])?["perYear"] as? Int }
        #expect(ratio(1)["min"] as? Double == 0.10)
        #expect(ratio(1)["raw"] as? String == "10%")
        #expect(ratio(1)["count"] is NSNull)
        #expect(task(1)["scopes"] as? [String] == ["全市四上单位"])
        #expect((task(1)["window"] as? [String: Any])?["startMonth"] as? Int == 1)
        #expect((task(1)["window"] as? [String: Any])?["endMonth"] as? Int == 11)
        #expect(task(1)["initiator"] as? String == "原平市统计局")
        #expect(task(1)["mode"] as? String == "县抽县查")
        #expect(ratio(5)["min"] as? Double == 0.20)
        #expect(ratio(21)["min"] as? Double == 1.0)
        for seq in 35...37 { #expect(perYear(seq) == 4) }
        #expect(ratio(18)["min"] as? Double == 0.30)
        #expect(perYear(18) == 1)
        #expect(perYear(20) == 1)
        #expect((task(41)["scopes"] as? [String])?.count == 2)
        #expect(task(11)["cooperators"] as? [String] == ["忻州市生态环境局原平分局"])
        #expect(task(21)["cooperators"] as? [String] == ["原平市住房和城乡建设管理局"])

        let again = try runSuiji(["plan", "import", FixtureFiles.yuanpingPlan.path, "--year", "2024", "--region", "140981"], in: folder)
        #expect(again.status == 0)
        #expect(again.stdout.contains("is unchanged"))

        let table = try runSuiji(["plan", "show"], in: folder)
        #expect(table.status == 0)
        #expect(table.stdout.hasPrefix("plan 2024 140981: 42 tasks\nseq  task "))
        let chinese = try runSuiji(["plan", "show", "--lang", "zh"], in: folder)
        #expect(chinese.stdout.hasPrefix("140981 2024 年计划：42 项任务\n序号  任务名称 "))
    }

    @Test func missingRequiredColumnExits65() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bad.tsv")
        try Data("抽查任务名称\t抽查对象范围\t抽查比例及频次\n甲\t乙\t10%\n".utf8).write(to: file)
        let result = try runSuiji(["plan", "import", "bad.tsv", "--store", "s.sqlite", "--year", "2024", "--region", "140981"], in: folder)
        #expect(result.status == 65)
        #expect(result.stdout == "")
        #expect(
            result.stderr
                == "note: creating the store s.sqlite\nbad.tsv:1: error: required column '序号' is missing (accepted headers: 序号, 编号, 任务序号, seq)\n"
        )
    }

    @Test func configurationErrorNamesFileLineAndKeyAndExits78() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("region = \"140981\"\nyear = 2024\nstroe = \"x.sqlite\"\n".utf8).write(to: folder.appendingPathComponent("suiji.toml"))
        let result = try runSuiji(["plan", "show"], in: folder)
        #expect(result.status == 78)
        #expect(result.stderr.hasPrefix("suiji.toml:3: error: unknown key 'stroe'"))
    }

    @Test func badArgumentIsAUsageError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runSuiji(["plan", "import", "x.tsv", "--region", "1409"], in: folder)
        #expect(result.status == 64)
        #expect(result.stderr.contains("--region must be a 6-digit region code, got '1409'"))
    }
}
