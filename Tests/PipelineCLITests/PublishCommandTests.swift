import Fixtures
import Foundation
import GRDB
import Testing

/// Runs SQL on a store (through GRDB, foreign keys off as in the sqlite3 shell): the draw is written straight into its tables.
func sqlite(_ database: URL, _ sql: String) throws {
    var configuration = Configuration()
    configuration.foreignKeysEnabled = false
    let queue = try DatabaseQueue(path: database.path, configuration: configuration)
    defer { try? queue.close() }
    try queue.write { db in try db.execute(sql: sql) }
}

@Suite("suiji results, publish, report")
struct PublishCommandTests {
    static let pools = ["911409810573184662", "911409814720138623", "921409811682093506"]

    /// A folder with the plan imported, three pools registered and drawn for task 17 round 1.
    func workspace() throws -> URL {
        let folder = try temporaryFolder()
        let imported = try runSuiji(["plan", "import", FixtureFiles.yuanpingPlan.path, "--year", "2024", "--region", "140981"], in: folder)
        #expect(imported.status == 0)
        var sql = """
            INSERT INTO departments (id, name) VALUES (1, '原平市卫生健康和体育局');
            INSERT INTO imports (id, kind, department_id, scope_key, file_name, content_sha256, byte_count, imported_at)
                VALUES (100, 'register', 1, 'register:原平市卫生健康和体育局', 'pools.csv', 'x', 0, '2024-01-01T00:00:00Z');
            INSERT INTO draw_commitments (plan_id, group_key, round, commitment_sha256, canonical_json, algorithm_version, prepared_at, prepared_seq)
                VALUES (1, '2024-G17', 1, 'c17', '{}', 'test', '2024-01-01T00:00:00Z', 1);
            INSERT INTO draw_ledger (seq, kind, plan_id, group_key, round, commitment_sha256, seed, result_json, created_at, prev_sha256, entry_sha256)
                VALUES (1, 'draw', 1, '2024-G17', 1, 'c17', '1', '{"perClass":[{"population":12}]}', '2024-01-02T00:00:00Z', '', '\(String(repeating: "e1", count: 32))');

            """
        for (position, uscc) in Self.pools.enumerated() {
            sql += """
                INSERT INTO register_rows (department_id, uscc, name, entity_type, category, region_code, risk_class, status, row_hash, valid_from_import)
                    VALUES (1, '\(uscc)', '游泳馆\(position + 1)号', '企业', '游泳场馆', '140981', 'D', '存续', 0, 100);
                INSERT INTO draw_selections (ledger_seq, position, uscc, risk_class, ticket) VALUES (1, \(position), '\(uscc)', 'D', 't');

                """
        }
        try sqlite(folder.appendingPathComponent("suiji.sqlite"), sql)
        return folder
    }

    func write(_ text: String, _ name: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func importPublishAndDryRunExitCodes() throws {
        let folder = try workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = try write(
            """
            任务序号,轮次,统一社会信用代码,检查日期,检查结果
            17,1,\(Self.pools[0]),2024-05-21,1
            17,1,\(Self.pools[1]),2024-05-22,F
            17,1,\(Self.pools[2]),2024-05-23,A、B
            """, "results.csv", in: folder)
        let imported = try runSuiji(["results", "import", results], in: folder)
        #expect(imported.stderr == "")
        #expect(imported.status == 0)

        let store = folder.appendingPathComponent("suiji.sqlite")
        let storeBefore = try Data(contentsOf: store)
        let dry = try runSuiji(["publish", "--dry-run", "--out", "out"], in: folder)
        #expect(dry.status == 2, "\(dry.stderr)")
        #expect(
            dry.stdout == """
                1409812024P017R01 (task 17, round 1): 3 to add, 0 to change, 0 to withdraw, 0 unchanged
                  + 1409812024P017R01-911409810573184662
                  + 1409812024P017R01-911409814720138623
                  + 1409812024P017R01-921409811682093506
                dry run, nothing written: 3 to add, 0 to change, 0 to withdraw, 0 unchanged in 1 task round

                """)
        let json = try runSuiji(["publish", "--dry-run", "--json", "--out", "out"], in: folder)
        #expect(json.status == 2)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["summary"] as? [String: Int]) == ["added": 3, "changed": 0, "withdrawn": 0, "unchanged": 0])
        #expect(object["dryRun"] as? Bool == true)
        #expect(try Data(contentsOf: store) == storeBefore, "a dry run leaves the store file byte-identical")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))

        let published = try runSuiji(["publish", "--out", "out"], in: folder)
        #expect(published.status == 0, "\(published.stderr)")
        #expect(published.stdout.hasSuffix("published 1 task round: 3 to add, 0 to change, 0 to withdraw, 0 unchanged\n"))
        let out = folder.appendingPathComponent("out")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
                == ["payload-1409812024P017R01.json", "payload-1409812024P017R01.xml", "public"])
        let xml = try String(contentsOf: out.appendingPathComponent("payload-1409812024P017R01.xml"), encoding: .utf8)
        #expect(xml.contains("<populationCount>12</populationCount>"))
        #expect(!xml.contains("D</") && !xml.lowercased().contains("risk"))

        // Every file, the public pages among them (outbox/public/), with its bytes.
        func files() throws -> [String: Data] {
            var files: [String: Data] = [:]
            for case let name as String in FileManager.default.enumerator(atPath: out.path)?.allObjects ?? [] {
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path, isDirectory: &isFolder),
                    !isFolder.boolValue
                {
                    files[name] = try Data(contentsOf: out.appendingPathComponent(name))
                }
            }
            return files
        }
        let before = try files()
        #expect(before.keys.contains("public/index.html") && before.keys.contains("public/1409812024P017R01.html"))
        let nothing = try runSuiji(["publish", "--dry-run", "--out", "out"], in: folder)
        #expect(nothing.status == 0)
        #expect(nothing.stdout == "dry run: nothing would change (3 records published as they are)\n")
        let again = try runSuiji(["publish", "--out", "out"], in: folder)
        #expect(again.status == 0)
        #expect(again.stdout == "nothing to publish: 3 records are published as they are\n")
        #expect(try files() == before)
    }

    @Test func rejectedResultRowsExit65() throws {
        let folder = try workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let results = try write(
            """
            任务序号,轮次,统一社会信用代码,检查日期,检查结果
            17,1,\(Self.pools[0]),2024-05-21,1
            17,1,911409819999999999,2024-05-22,1
            """, "results.csv", in: folder)
        let imported = try runSuiji(["results", "import", results, "--rejects", "rejected.csv"], in: folder)
        #expect(imported.status == 65)
        #expect(
            imported.stderr
                == "\(results):3:3: error: 911409819999999999 was not drawn for task 17 round 1 (draw group 2024-G17); a result must refer to a drawn object [uscc=911409819999999999]\n"
        )
        #expect(imported.stdout.contains("2 rows read, 1 accepted, 1 rejected"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("rejected.csv").path))
    }

    @Test func theReportListsRoundsDueSoon() throws {
        let folder = try workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try runSuiji(["report", "--today", "2024-12-20"], in: folder)
        #expect(report.status == 0, "\(report.stderr)")
        let line = try #require(report.stdout.split(separator: "\n").first { $0.contains("1409812024P017R01") })
        #expect(line.hasPrefix("due-soon  1409812024P017R01  2024-11-30  2024-12-27  5 left"))
        #expect(line.contains("results 0/3"))
        let json = try runSuiji(["report", "--today", "2024-12-31", "--json"], in: folder)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let rounds = try #require(object["rounds"] as? [[String: Any]])
        let pools = try #require(rounds.first { $0["raninsTaskId"] as? String == "1409812024P017R01" })
        #expect((pools["assessment"] as? [String: Any])?["status"] as? String == "overdue")
        let bad = try runSuiji(["report", "--today", "2024-13-01"], in: folder)
        #expect(bad.status == 64)
    }
}
