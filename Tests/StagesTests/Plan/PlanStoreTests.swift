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
                "avoidance_pairs", "departments", "draw_commitments", "draw_keys", "draw_ledger", "draw_seeds", "draw_selections",
                "entities", "imports", "inspector_assignments", "inspector_rows", "list_imports", "matter_list_items", "night_fingerprints",
                "plan_tasks",
                "plans", "publication_ledger", "register_row_ranges", "register_rows", "results", "run_files", "runs", "uscc_overrides",
                "watchlist_entries",
            ])
        #expect(
            try store.appliedMigrations() == [
                "v1: the whole mission", "v2: nightly runs", "v3: draw keys, watchlist, matter lists", "v4: night fingerprints",
                "v5: register rows found by their imports' ranges",
            ])
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

    /// The stored task JSON and content hashes are the bytes Foundation's `JSONEncoder` (sorted keys,
    /// slashes unescaped) wrote before the one canonical writer replaced it (pinned from the plan
    /// model of issue 14; the same bytes as Python's `json.dumps(sort_keys=True, separators=(",", ":"),
    /// ensure_ascii=False)`), so re-importing a plan into an older store finds every task unchanged.
    @Test func taskContentHashesAndJSONAreTheBytesOfOlderStores() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try Store(path: folder.path("s.sqlite"))
        _ = try PlanImportJob(store: store, clock: Self.clock).run(
            PlanSource(path: FixtureFiles.yuanpingPlan.path, displayName: "plan.tsv", year: 2024, region: "140981"))
        let hashes = try store.read { try String.fetchAll($0, sql: "SELECT content_sha256 FROM plan_tasks ORDER BY seq") }
        #expect(hashes.count == 42)
        #expect(hashes.first == "743e25fa655ffd858b9e4d42859daed5e2369f00ff1b393fd2bc310a04a7c453")
        #expect(SHA256.hex(hashes.joined()) == "1e4d2b36c5b9ba07fb348c5af6afd0b4b56d227b7e10c7116d4c5f4355c0fcd0")
        let task17 = try store.read { try String.fetchOne($0, sql: "SELECT task_json FROM plan_tasks WHERE seq = 17") }
        #expect(
            task17 == """
                {"area":"原平市","cooperators":["原平市市场监督管理局"],"count":{"indicative":false,"value":null},"frequency":{"atLeast":false,\
                "perYear":1,"raw":"1次/年"},"initiator":"原平市卫生健康和体育局","inspectionType":null,"line":18,"matters":["游泳场(馆)取得许可证",\
                "卫生管理情况等检查"],"mode":"县抽县查","modes":["县抽县查"],"name":"对游泳场(馆)的双随机抽查","needsReview":false,"notes":[],"ratio":{"count":null,\
                "exemptFromRiskClasses":false,"max":null,"min":0.2,"raw":"抽查比例不低于20%"},"raw":{"area":"原平市","cooperators":"原平市市场监督管理局",\
                "initiator":"原平市卫生健康和体育局","matters":"1. 游泳场(馆)取得许可证; 2. 卫生管理情况等检查","mode":"县抽县查","name":"对游泳场(馆)的双随机抽查",\
                "ratioAndFrequency":"抽查比例不低于20%; 1次/年","riskRequirement":"根据企业信用风险分类结果, 对低风险、一般风险、较高风险、高风险企业分别递加抽查比例、频次。",\
                "scopes":"游泳场馆","seq":"17","window":"1月-11月"},"review":[],"riskRequirement":"根据企业信用风险分类结果, 对低风险、一般风险、较高风险、高风险企业分别递加抽查比例、频次。",\
                "scopes":["游泳场馆"],"segments":[{"count":null,"ratio":{"max":null,"min":0.2},"scope":null}],"seq":17,"window":{"endMonth":11,\
                "raw":"1月-11月","startMonth":1}}
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

        let bad = try folder.write("bad.tsv", "抽查任务名称\t抽查对象范围\t抽查比例及频次\t发起部门\n甲\t乙\t10%; 1次/年\t丙\n")
        let reopened = try Store(path: storePath)
        let report = try PlanImportJob(store: reopened, clock: Self.clock).run(
            PlanSource(path: bad, displayName: "bad.tsv", year: 2024, region: "140981"))
        #expect(report.status == .dataRejected)
        #expect(report.outcome == nil)
        #expect(
            report.diagnostics.map(\.description) == [
                "bad.tsv:1: error: required column '序号' is missing (accepted headers: 序号, 编号, 任务序号, seq)"
            ])
        try reopened.close()
        #expect(try fileBytes(storePath) == before)
    }

    // Issue 12: a plan import that would remove more than 20% of the stored tasks is refused.
    @Test func anImportRemovingMoreThanAFifthIsRefusedUnlessAllowed() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let storePath = folder.path("s.sqlite")
        let store = try Store(path: storePath)
        _ = try PlanImportJob(store: store, clock: Self.clock).run(
            PlanSource(path: FixtureFiles.yuanpingPlan.path, displayName: "plan.tsv", year: 2024, region: "140981"))
        try store.close()
        let before = try fileBytes(storePath)

        // The first 33 tasks: 9 of 42 removed (21%), one more than a fifth allows.
        let lines = String(decoding: try fileBytes(FixtureFiles.yuanpingPlan.path), as: UTF8.self).split(separator: "\n")
        let truncated = try folder.write("cut.tsv", lines.prefix(34).joined(separator: "\n") + "\n")
        let reopened = try Store(path: storePath)
        let refused = try PlanImportJob(store: reopened, clock: Self.clock).run(
            PlanSource(path: truncated, displayName: "cut.tsv", year: 2024, region: "140981"))
        #expect(refused.status == .dataRejected)
        #expect(refused.outcome == nil)
        #expect(
            refused.diagnostics.map(\.description) == [
                "cut.tsv: error: the import would remove 9 of the 42 stored tasks of plan 2024 140981 (more than 20%); nothing is changed. Check that the file is complete, or pass --allow-mass-removal if the plan really drops them"
            ])
        try reopened.close()
        #expect(try fileBytes(storePath) == before)

        // The first 34 tasks remove 8 (19%): allowed. Then the 33 with the flag.
        let fewer = try folder.write("fewer.tsv", lines.prefix(35).joined(separator: "\n") + "\n")
        let again = try Store(path: storePath)
        let allowed = try PlanImportJob(store: again, clock: Self.clock).run(
            PlanSource(path: fewer, displayName: "fewer.tsv", year: 2024, region: "140981"))
        #expect(
            allowed.outcome?.description
                == "plan 2024 140981 updated: 34 tasks; added: none; changed: none; removed: 35, 36, 37, 38, 39, 40, 41, 42")
        let forced = try PlanImportJob(store: again, clock: Self.clock, allowMassRemoval: true).run(
            PlanSource(path: truncated, displayName: "cut.tsv", year: 2024, region: "140981"))
        #expect(forced.status == .success)
        #expect(try again.plan(year: 2024, region: "140981")?.tasks.count == 33)
        try again.close()
    }

    @Test func aHeaderOnlyFileRemovesNothing() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try Store(path: folder.path("s.sqlite"))
        _ = try PlanImportJob(store: store, clock: Self.clock).run(
            PlanSource(path: FixtureFiles.yuanpingPlan.path, displayName: "plan.tsv", year: 2024, region: "140981"))
        let header = try folder.write("header.tsv", "地市\t序号\t抽查任务名称\t抽查事项\t抽查对象范围\t抽查比例及频次\t发起部门\n")
        let report = try PlanImportJob(store: store, clock: Self.clock, allowMassRemoval: true).run(
            PlanSource(path: header, displayName: "header.tsv", year: 2024, region: "140981"))
        #expect(report.status == .dataRejected)
        #expect(
            report.diagnostics.map(\.description) == ["header.tsv:1: error: the plan has a header but no task rows; nothing is imported"])
        #expect(try store.plan(year: 2024, region: "140981")?.tasks.count == 42)
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

    // The same plan file with another decision in the overrides is an update, not "unchanged".
    @Test func aNewDecisionOnTheSameFileUpdatesThePlan() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try Store(path: folder.path("s.sqlite"))
        let plan = FixtureFiles.url("plans/wuhan-kaifaqu-2022.tsv").path
        let source = PlanSource(path: plan, displayName: "plan.tsv", year: 2022, region: "420113")
        _ = try PlanImportJob(store: store, clock: Self.clock).run(source)
        let same = try PlanImportJob(store: store, clock: Self.clock).run(source)
        #expect(
            same.outcome?.description.hasSuffix("is unchanged (sha256 \(try FileDigest.of(path: plan).sha256.prefix(12))…): nothing to do")
                == true)
        let overrides = PlanOverrides(file: "o.toml", tasks: [2: PlanTaskOverride(seq: 2, ratio: RatioBound(min: 0.08))])
        let decided = try PlanImportJob(store: store, clock: Self.clock, reader: try PlanReader(overrides: overrides)).run(source)
        #expect(decided.outcome?.description == "plan 2022 420113 updated: 5 tasks; added: none; changed: 2; removed: none")
        #expect(try store.plan(year: 2022, region: "420113")?.tasks[1].needsReview == false)
    }
}
