import Fixtures
import Foundation
import Testing

@Suite("suiji draw", .serialized)
struct DrawCommandTests {
    /// Rivest's `make_ticket_heap(['dog', 'cat', 'fish', 'goat'], 'xy()134!g2n')` doctest, full ticket numbers.
    @Test func ticketsPrintsRivestsExample() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runSuiji(["draw", "tickets", "--seed", "xy()134!g2n", "dog", "cat", "fish", "goat"], in: folder)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == """
            0.24866413894129579898796850445568128508290132707747976039848637531569373309555 cat
            0.33886035615681875183111698317327684455682722683976874746986356932751818935066 dog
            0.49599842072022713663423753308080171636735689997237236247068925068573448764387 goat
            0.74685932088827950509145941729789143204056041958068799542050396198792954500593 fish

            """)
    }

    /// A county with the seed plan, a generated SAMR register and inspectors of tasks 12–14's departments.
    func county(policeInspectors: Int = 6) throws -> URL {
        let folder = try temporaryFolder()
        func ok(_ args: [String]) throws {
            let r = try runSuiji(args, in: folder)
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        try ok(["plan", "import", FixtureFiles.yuanpingPlan.path, "--year", "2024", "--region", "140981"])
        try ok(["generate", "register", "--rows", "2000", "--seed", "3", "--bad-rate", "0", "--out", "samr.csv"])
        try ok(["import", "--department", "原平市市场监督管理局", "samr.csv"])
        let police = (1...policeInspectors).map { "GA\($0),警官\($0),在岗" }.joined(separator: "\n")
        try Data("执法证号,姓名,状态\n\(police)\n".utf8).write(to: folder.appendingPathComponent("ga.csv"))
        try Data("执法证号,姓名,状态\nSC1,甲,在岗\nSC2,乙,在岗\nSC3,丙,在岗\n".utf8).write(to: folder.appendingPathComponent("sc.csv"))
        try ok(["inspectors", "import", "--department", "原平市公安局", "ga.csv"])
        try ok(["inspectors", "import", "--department", "原平市市场监督管理局", "sc.csv"])
        return folder
    }

    @Test func prepareRunExportVerifyShow() throws {
        let folder = try county()
        defer { try? FileManager.default.removeItem(at: folder) }
        let prepared = try runSuiji(["draw", "prepare", "--task", "12"], in: folder)
        #expect(prepared.status == 0, "\(prepared.stderr)")
        #expect(prepared.stdout.hasPrefix("2024-G12 round 1 (2024-01-01…2024-11-30) tasks 12, 13, 14: population "))
        let ran = try runSuiji(["draw", "run", "--seed", "12345678901234567890"], in: folder)
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stdout.contains("seed string '12345678901234567890|2024-G12|1'; ledger #1 "))

        let again = try runSuiji(["draw", "run", "--seed", "999", "--task", "12", "--round", "1"], in: folder)
        #expect(again.status == 64)
        #expect(again.stderr.contains("a re-draw needs --reason"))

        let exported = try runSuiji(["draw", "export", "--group", "2024-G12", "--round", "1", "--out", "bundle.json"], in: folder)
        #expect(exported.status == 0, "\(exported.stderr)")
        let verified = try runSuiji(["draw", "verify", "bundle.json"], in: folder)
        #expect(verified.status == 0)
        #expect(verified.stdout == "OK\n")
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/verify_draw.py").path
        python.arguments = ["python3", script, "bundle.json"]
        python.currentDirectoryURL = folder
        let pipe = Pipe()
        python.standardOutput = pipe
        try python.run()
        let pythonOut = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        #expect(python.terminationStatus == 0)
        #expect(pythonOut.hasPrefix("OK"))

        // A tampered bundle fails with 1; an unreadable one with 65.
        let text = try String(contentsOf: folder.appendingPathComponent("bundle.json"), encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\"publicSeed\": \"12345678901234567890\"", with: "\"publicSeed\": \"12345678901234567891\"").utf8)
            .write(to: folder.appendingPathComponent("tampered.json"))
        #expect(try runSuiji(["draw", "verify", "tampered.json"], in: folder).status == 1)
        try Data("{".utf8).write(to: folder.appendingPathComponent("broken.json"))
        #expect(try runSuiji(["draw", "verify", "broken.json"], in: folder).status == 65)

        let ledger = try runSuiji(["draw", "verify-ledger"], in: folder)
        #expect(ledger.status == 0)
        #expect(ledger.stdout.hasPrefix("ledger OK: 1 entries, head "))

        let shown = try runSuiji(["draw", "show", "--assignments", "--json"], in: folder)
        #expect(shown.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let list = try #require(json["assignments"] as? [[String: Any]])
        #expect(!list.isEmpty)
        for a in list {
            #expect(a["group"] as? String == "2024-G12")
            #expect(a["round"] as? Int == 1)
            #expect(a["tasks"] as? [Int] == [12, 13, 14])
            #expect((a["uscc"] as? String)?.count == 18)
            let team = try #require(a["inspectors"] as? [[String: String]])
            #expect(team.count == 3)
            #expect(team.allSatisfy { $0["id"] != nil && $0["department"] != nil })
        }
        let table = try runSuiji(["draw", "show"], in: folder)
        #expect(table.status == 0)
        #expect(table.stdout.contains("2024-G12 round 1 (2024-01-01…2024-11-30) tasks 12, 13, 14: drawn (ledger #1)"))
        let showJSON = try runSuiji(["draw", "show", "--json"], in: folder)
        #expect(showJSON.status == 0)
        #expect(showJSON.stdout.contains("\"applicationRate\""))
    }

    @Test func shortfallFailsAndRecordsNothing() throws {
        let folder = try county(policeInspectors: 1)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try runSuiji(["draw", "prepare", "--task", "12"], in: folder).status == 0)
        let before = try Data(contentsOf: folder.appendingPathComponent("suiji.sqlite"))
        let failed = try runSuiji(["draw", "run", "--seed", "1"], in: folder)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("原平市公安局 is 1 inspector(s) short for "))
        #expect(failed.stdout == "")
        let ledger = try runSuiji(["draw", "verify-ledger"], in: folder)
        #expect(ledger.stdout.hasPrefix("ledger OK: 0 entries"))
        _ = before
        let partial = try runSuiji(["draw", "run", "--seed", "1", "--allow-partial-teams"], in: folder)
        #expect(partial.status == 0, "\(partial.stderr)")
        #expect(partial.stderr.contains("warning: 2024-G12 round 1: 原平市公安局 is 1 inspector(s) short for "))
    }

    @Test func usageErrorsExit64() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try runSuiji(["draw", "run"], in: folder).status == 64)
        #expect(try runSuiji(["draw", "run", "--seed", "a|b"], in: folder).status == 64)
        #expect(try runSuiji(["draw", "prepare", "--task", "1", "--all"], in: folder).status == 64)
        #expect(try runSuiji(["draw", "prepare"], in: folder).status == 1)  // no plan
    }
}
