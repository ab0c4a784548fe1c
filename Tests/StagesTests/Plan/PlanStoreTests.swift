import Fixtures
import Foundation
import GRDB
import Pipeline
import Testing

@testable import Stages

@Suite("PlanStore")
struct PlanStoreTests {
    static let clock = Clock.fixed(Date(timeIntervalSince1970: 1_717_200_000))

    @Test func schemaHasEveryTableOfTheMission() throws {
        let store = try Store.inMemory()
        #expect(
            try store.tableNames() == [
                "avoidance_pairs", "departments", "draw_commitments", "draw_ledger", "draw_seeds", "draw_selections",
                "entities", "imports", "inspector_assignments", "inspector_rows", "plan_tasks", "plans",
                "publication_ledger", "register_rows", "results", "run_files", "runs", "uscc_overrides",
            ])
        #expect(try store.appliedMigrations() == ["v1: the whole mission", "v2: nightly runs"])
    }

    @Test func fileStoreUsesARollbackJournalAndForeignKeys() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try Store(path: folder.path("s.sqlite"))
        let mode = try store.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        let sync = try store.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        let keys = try store.read { try Int.fetchOne($0, sql: "PRAGMA foreign_keys") }
        #expect(mode == "delete")
        #expect(sync == 2) // FULL
        #expect(keys == 1)
    }

    @Test func aStoreMadeInWALModeIsSwitchedToTheRollbackJournal() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("s.sqlite")
        let old = try DatabaseQueue(path: path)
        try old.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL; CREATE TABLE kept (x); INSERT INTO kept VALUES (1)")
        }
        try old.close()
        let store = try Store(path: path)
        #expect(try store.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "delete")
        #expect(try store.rowCount("kept") == 1)
        try store.close()
        let listing = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
        #expect(listing == ["s.sqlite"])
    }

    @Test func aBulkWriteTurnsTheChecksBackOnAfterwardsAlsoWhenItFails() throws {
        let store = try Store.inMemory()
        func settings() throws -> [Int] {
            try store.read { db in
                [
                    try Int.fetchOne(db, sql: "PRAGMA foreign_keys") ?? -1,
                    try Int.fetchOne(db, sql: "PRAGMA ignore_check_constraints") ?? -1,
                ]
            }
        }
        let inside = try store.writeBulk { db in
            [try Int.fetchOne(db, sql: "PRAGMA foreign_keys") ?? -1, try Int.fetchOne(db, sql: "PRAGMA ignore_check_constraints") ?? -1]
        }
        #expect(inside == [0, 1])
        #expect(try settings() == [1, 0])
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try store.writeBulk { db in
                try db.execute(sql: "INSERT INTO departments (name) VALUES ('rolled back')")
                throw Stop()
            }
        }
        #expect(try settings() == [1, 0])
        #expect(try store.rowCount("departments") == 0)
        // Outside a bulk write SQLite enforces both again.
        #expect(throws: DatabaseError.self) {
            try store.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO register_rows (department_id, uscc, name, entity_type, category, region_code, status, row_hash, valid_from_import) VALUES (99, 'x', 'x', 'x', 'x', 'x', 'x', 0, 99)"
                )
            }
        }
    }

    @Test func importTwiceIsANoOpAndChangesAreReported() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try Store(path: folder.path("s.sqlite"))
        let job = PlanImportJob(store: store, clock: Self.clock)
        let original = String(decoding: try fileBytes(FixtureFiles.yuanpingPlan.path), as: UTF8.self)
        let path = try folder.write("plan.tsv", original)

        let first = try job.run(PlanSource(path: path, displayName: "plan.tsv", year: 2024, region: "140981"))
        #expect(first.outcome?.description == "plan 2024 140981 imported: 42 tasks")
        #expect(first.status == .success)

        let again = try job.run(PlanSource(path: path, displayName: "plan.tsv", year: 2024, region: "140981"))
        #expect(again.outcome?.description.hasPrefix("plan 2024 140981 is unchanged (sha256 ") == true)
        #expect(again.outcome?.description.hasSuffix("…): nothing to do") == true)
        #expect(try store.rowCount("imports") == 1)
        #expect(try store.rowCount("plan_tasks") == 42)

        // Change task 5's ratio, drop task 42, and add a blank line (which changes no task).
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[5] = lines[5].replacingOccurrences(of: "20%；1次/年", with: "30%；1次/年")
        lines.remove(at: 42)
        lines.insert("", at: 10)
        let changedPath = try folder.write("plan.tsv", lines.joined(separator: "\n"))
        let update = try job.run(PlanSource(path: changedPath, displayName: "plan.tsv", year: 2024, region: "140981"))
        #expect(update.outcome?.description == "plan 2024 140981 updated: 41 tasks; added: none; changed: 5; removed: 42")
        let plan = try #require(try store.plan(year: 2024, region: "140981"))
        #expect(plan.tasks.count == 41)
        #expect(plan.tasks.first { $0.seq == 5 }?.ratio.min == 0.30)
        // History: the earlier versions of tasks 5 and 42 are kept.
        #expect(try store.rowCount("plan_tasks") == 43)
    }

    /// The stored task JSON and content hashes are the bytes Foundation's `JSONEncoder` wrote before
    /// the one canonical writer replaced it (pinned from a store made then), so re-importing a plan
    /// into an older store finds every task unchanged.
    @Test func taskContentHashesAndJSONAreTheBytesOfOlderStores() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try Store(path: folder.path("s.sqlite"))
        _ = try PlanImportJob(store: store, clock: Self.clock).run(
            PlanSource(path: FixtureFiles.yuanpingPlan.path, displayName: "plan.tsv", year: 2024, region: "140981"))
        let hashes = try store.read { try String.fetchAll($0, sql: "SELECT content_sha256 FROM plan_tasks ORDER BY seq") }
        #expect(hashes.count == 42)
        #expect(hashes.first == "cb81020b6bf16c1b0d938eaeb4900ce62223ed81155987dab32459c81b643c8a")
        #expect(SHA256.hex(hashes.joined()) == "7904812a088010c5938c057f7da1b5f9c792d60c5cc0a50f0c1649665ad4e224")
        let task17 = try store.read { try String.fetchOne($0, sql: "SELECT task_json FROM plan_tasks WHERE seq = 17") }
        #expect(
            task17 == """
                {"area":"原平市","cooperators":["原平市市场监督管理局"],"frequency":{"perYear":1,"raw":"1次/年"},\
                "initiator":"原平市卫生健康和体育局","inspectionType":null,"line":18,"matters":["游泳场(馆)取得许可证","卫生管理情况等检查"],\
                "mode":"县抽县查","name":"对游泳场(馆)的双随机抽查","ratio":{"count":null,"exemptFromRiskClasses":false,"max":null,\
                "min":0.2,"raw":"抽查比例不低于20%"},"raw":{"area":"原平市","cooperators":"原平市市场监督管理局",\
                "initiator":"原平市卫生健康和体育局","matters":"1. 游泳场(馆)取得许可证; 2. 卫生管理情况等检查","mode":"县抽县查",\
                "name":"对游泳场(馆)的双随机抽查","ratioAndFrequency":"抽查比例不低于20%; 1次/年",\
                "riskRequirement":"根据企业信用风险分类结果, 对低风险、一般风险、较高风险、高风险企业分别递加抽查比例、频次。",\
                "scopes":"游泳场馆","seq":"17","window":"1月-11月"},\
                "riskRequirement":"根据企业信用风险分类结果, 对低风险、一般风险、较高风险、高风险企业分别递加抽查比例、频次。",\
                "scopes":["游泳场馆"],"seq":17,"window":{"endMonth":11,"raw":"1月-11月","startMonth":1}}
                """)
    }

    @Test func missingColumnExits65AndLeavesTheStoreUnchanged() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let storePath = folder.path("s.sqlite")
        let store = try Store(path: storePath)
        let job = PlanImportJob(store: store, clock: Self.clock)
        _ = try job.run(PlanSource(path: FixtureFiles.yuanpingPlan.path, displayName: "plan.tsv", year: 2024, region: "140981"))
        try store.close()
        let before = try fileBytes(storePath)

        let bad = try folder.write("bad.tsv", "序号\t抽查任务名称\t抽查比例及频次\t发起部门\n1\t甲\t10%; 1次/年\t丙\n")
        let reopened = try Store(path: storePath)
        let report = try PlanImportJob(store: reopened, clock: Self.clock).run(
            PlanSource(path: bad, displayName: "bad.tsv", year: 2024, region: "140981"))
        #expect(report.status == .dataRejected)
        #expect(report.outcome == nil)
        #expect(
            report.diagnostics.map(\.description) == [
                "bad.tsv:1: error: required column '抽查对象范围' is missing (accepted headers: 抽查对象范围, 抽查对象, 检查对象, 检查对象范围, 抽查范围, scopes)"
            ])
        try reopened.close()
        #expect(try fileBytes(storePath) == before)
    }

    @Test func readOnlyStoreNeverWrites() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let storePath = folder.path("s.sqlite")
        let writer = try Store(path: storePath)
        _ = try PlanImportJob(store: writer, clock: Self.clock).run(
            PlanSource(path: FixtureFiles.yuanpingPlan.path, year: 2024, region: "140981"))
        try writer.close()
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
        let bytes = try fileBytes(storePath)

        let reader = try Store(path: storePath, access: .readOnly)
        #expect(try reader.plan(year: 2024, region: "140981")?.tasks.count == 42)
        #expect(throws: StoreError.self) { try reader.write { _ in } }
        try reader.close()
        #expect(try fileBytes(storePath) == bytes)
        // With a rollback journal a reader leaves no side file behind.
        let after = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
        #expect(after == before)
    }
}
